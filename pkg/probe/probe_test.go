package probe_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/json"
	"encoding/xml"
	"errors"
	"flag"
	"go/ast"
	"go/parser"
	gotoken "go/token"
	"go/types"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jwtkit/jwtkit/pkg/keys"
	"github.com/jwtkit/jwtkit/pkg/probe"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/golden")

func verdicts(rep *probe.Report) map[string]probe.Verdict {
	m := map[string]probe.Verdict{}
	for _, c := range rep.Checks {
		m[c.ID] = c.Verdict
	}
	return m
}

func dump(rep *probe.Report) string {
	var b bytes.Buffer
	_ = probe.WriteText(&b, rep, nil)
	return b.String()
}

// TestClassicMistakes runs the probe against a fixture API that carries one
// classic mistake each and checks that exactly the matching checks flag it.
func TestClassicMistakes(t *testing.T) {
	sigChecks := []string{"jwt.tampered-payload", "jwt.bad-signature", "jwt.null-signature", "jwt.alg-none", "jwt.blank-hmac", "jwt.key-confusion", "jwt.embedded-jwk", "jwt.kid-injection", "jwt.psychic-signature",
		// signed with a key probe chose: accepted when no signature is checked
		"jwt.jku-injection", "jwt.x5u-injection", "jwt.x5c-injection", "jwt.unknown-crit"}
	all := func(ids []string, v probe.Verdict) map[string]probe.Verdict {
		m := map[string]probe.Verdict{}
		for _, id := range ids {
			m[id] = v
		}
		return m
	}
	key := ecKey(t)
	tests := []struct {
		name string
		m    mistakes
		want map[string]probe.Verdict // every other check must pass, info or skip
	}{
		{"correct", mistakes{}, nil},
		{"decode without signature check", mistakes{noSigCheck: true}, all(sigChecks, probe.Fail)},
		{"alg none accepted", mistakes{algNone: true}, all([]string{"jwt.alg-none"}, probe.Fail)},
		{"expiry not checked", mistakes{noExpiry: true}, all([]string{"jwt.expired"}, probe.Fail)},
		{"issuer not checked", mistakes{noIssuer: true}, all([]string{"jwt.wrong-issuer"}, probe.Fail)},
		{"audience not checked", mistakes{noAudience: true}, all([]string{"jwt.wrong-audience"}, probe.Fail)},
		{"public key accepted as HMAC secret", mistakes{keyConfusion: true}, all([]string{"jwt.key-confusion"}, probe.Fail)},
		// probe-checks.md §5.2 grades 403 for a missing token WARN.
		{"403 on a missing token", mistakes{forbiddenAnon: true}, all([]string{"auth.missing-token"}, probe.Warn)},
		{"missing challenge", mistakes{noChallenge: true}, all([]string{"auth.www-authenticate"}, probe.Fail)},
		// §5.4 grades 401 for a missing role WARN.
		{"401 for a missing role", mistakes{unauthzRole: true}, all([]string{"authz.insufficient-role"}, probe.Warn)},
		// the 500 for malformed input also makes auth.malformed and the
		// two-segment alg-none variant warn (a refusal by server error).
		{"traceback in a 500", mistakes{traceback: true}, map[string]probe.Verdict{"resp.no-stack-trace": probe.Fail, "resp.server-error": probe.Fail, "auth.malformed": probe.Warn, "jwt.alg-none": probe.Warn,
			// pkg/token refuses crit as malformed: the fixture's traceback path
			"jwt.unknown-crit": probe.Warn}},
		{"plain HTTP served", mistakes{plainServes: true}, all([]string{"tls.http-redirect"}, probe.Fail)},
		// §5.6 grades a temporary redirect WARN.
		{"302 instead of 308", mistakes{noPermRedirect: true}, all([]string{"tls.http-redirect"}, probe.Warn)},
		{"reflected Origin with credentials", mistakes{corsReflect: true}, map[string]probe.Verdict{"cors.reflect-arbitrary": probe.Fail, "cors.null-origin": probe.Info, "cors.origin-matching": probe.Info}},
		{"null origin allowed", mistakes{corsNull: true}, all([]string{"cors.null-origin"}, probe.Fail)},
		{"suffix-matched origin", mistakes{corsSuffix: true}, all([]string{"cors.origin-matching"}, probe.Fail)},
		{"no HSTS", mistakes{noHSTS: true}, all([]string{"tls.hsts"}, probe.Fail)},
		{"cacheable answers", mistakes{cacheable: true}, all([]string{"resp.cache-control"}, probe.Warn)},
		{"foreign-origin writes", mistakes{foreignWrites: true}, all([]string{"csrf.foreign-origin-write"}, probe.Warn)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := startEnv(t, key, "ES256", tt.m)
			rep, err := probe.Run(context.Background(), e.cfg)
			if err != nil {
				t.Fatal(err)
			}
			got := verdicts(rep)
			if len(got) != len(probe.Catalogue()) {
				t.Errorf("%d results, want %d", len(got), len(probe.Catalogue()))
			}
			for id, v := range got {
				want, flagged := tt.want[id]
				switch {
				case flagged && v != want:
					t.Errorf("%s = %s, want %s", id, v, want)
				case !flagged && v != probe.Pass && v != probe.Info && v != probe.Skip:
					t.Errorf("%s = %s, want pass, info or skip", id, v)
				}
			}
			if got["probe.baseline"] != probe.Pass || got["probe.persistence"] != probe.Pass {
				t.Errorf("baseline %s, persistence %s", got["probe.baseline"], got["probe.persistence"])
			}
			if t.Failed() {
				t.Log(dump(rep))
			}
		})
	}
}

// TestWeakSecret: an HS256 API whose secret is jwt.io's example.
func TestWeakSecret(t *testing.T) {
	for _, tc := range []struct {
		secret string
		want   probe.Verdict
	}{
		{"your-256-bit-secret", probe.Fail},
		{"09d25e094faa6ca2556c818166b7a9563b93f7099f6f0f4caa6cf63b88e8d3e7", probe.Fail},
		{"a-long-random-secret-nobody-publishes-0123456789", probe.Pass},
		{"short-unlisted", probe.Warn},
	} {
		k, err := keys.NewSecret([]byte(tc.secret), "test")
		if err != nil {
			t.Fatal(err)
		}
		e := startEnv(t, k, "HS256", mistakes{})
		e.cfg.Checks = []string{"jwt.weak-secret", "jwt.key-confusion"}
		if tc.want == probe.Fail {
			// A library caller may hand over the token as a header value.
			e.cfg.Token = "Bearer " + e.cfg.Token
		}
		rep, err := probe.Run(context.Background(), e.cfg)
		if err != nil {
			t.Fatal(err)
		}
		got := verdicts(rep)
		if got["jwt.weak-secret"] != tc.want || got["jwt.key-confusion"] != probe.Skip {
			t.Errorf("secret %d bytes: %v", len(tc.secret), got)
		}
		out, _ := json.Marshal(rep)
		if strings.Contains(string(out), tc.secret) || strings.Contains(dump(rep), tc.secret) {
			t.Errorf("the secret appears in the report")
		}
	}
}

// TestReportNeverHoldsTheToken scans every output format for the token,
// its signature and the secret.
func TestReportNeverHoldsTheToken(t *testing.T) {
	const secret = "your-256-bit-secret"
	k, _ := keys.NewSecret([]byte(secret), "test")
	e := startEnv(t, k, "HS256", mistakes{noSigCheck: true})
	rep, err := probe.Run(context.Background(), e.cfg)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := probe.Plan(context.Background(), e.cfg)
	if err != nil {
		t.Fatal(err)
	}
	var all bytes.Buffer
	_ = probe.WriteText(&all, rep, nil)
	_ = probe.WriteJSON(&all, rep)
	_ = probe.WriteJUnit(&all, rep, true)
	_ = probe.WritePlan(&all, plan)
	sig := e.cfg.Token[strings.LastIndex(e.cfg.Token, ".")+1:]
	for _, s := range []string{e.cfg.Token, sig, secret} {
		if strings.Contains(all.String(), s) {
			t.Errorf("output holds %q", s)
		}
	}
}

// TestRedirectHygiene: the client never follows a redirect, so neither
// Authorization nor Cookie reaches another scheme, host or port.
func TestRedirectHygiene(t *testing.T) {
	var mu sync.Mutex
	var leaked []string
	sink := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		leaked = append(leaked, r.Header.Get("Authorization")+"|"+r.Header.Get("Cookie"))
		mu.Unlock()
	}))
	defer sink.Close()
	_, sinkPort, _ := net.SplitHostPort(strings.TrimPrefix(sink.URL, "http://"))
	targets := []string{
		sink.URL + "/x",                       // https → http, other port
		"http://localhost:" + sinkPort + "/x", // other host name
	}
	for _, to := range targets {
		src := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, to, http.StatusTemporaryRedirect)
		}))
		c := probe.NoRedirectClient(src.Client())
		req, _ := http.NewRequest(http.MethodGet, src.URL, nil)
		req.Header.Set("Authorization", "Bearer secret-token")
		req.Header.Set("Cookie", "session=secret")
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusTemporaryRedirect {
			t.Errorf("status %d: the redirect was followed", resp.StatusCode)
		}
		src.Close()
	}
	// A whole run against an API that redirects everything elsewhere.
	src := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, sink.URL+r.URL.RequestURI(), http.StatusFound)
	}))
	defer src.Close()
	k := ecKey(t)
	_, err := probe.Run(context.Background(), probe.Config{Target: src.URL + "/me", Token: mint(t, k, "ES256"), Key: k, Client: src.Client(), Timeout: 2 * time.Second,
		Header: http.Header{"Cookie": {"session=secret"}}, HTTPURL: src.URL + "/me", Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(leaked) != 0 {
		t.Errorf("the sink received %d requests: %q", len(leaked), leaked)
	}
}

func TestTimeoutAndUnreachable(t *testing.T) {
	block := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-block:
		case <-r.Context().Done():
		}
	}))
	defer slow.Close()
	defer close(block)
	// The server never answers before the test ends (block), so Run can
	// only return through Config.Timeout: the error says so. No wall-clock
	// bound; a Run that ignored the timeout would hang the test instead.
	rep, err := probe.Run(context.Background(), probe.Config{Target: slow.URL + "/me", Timeout: 200 * time.Millisecond, Now: func() time.Time { return testNow }})
	if !errors.Is(err, probe.ErrUnreachable) {
		t.Fatalf("err = %v, want ErrUnreachable", err)
	}
	if !strings.Contains(err.Error(), "timeout") || rep == nil || rep.Checks[0].Verdict != probe.Error {
		t.Errorf("err %v, report %+v", err, rep)
	}

	l, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := l.Addr().String()
	l.Close()
	_, err = probe.Run(context.Background(), probe.Config{Target: "http://" + addr + "/", Timeout: time.Second})
	if !errors.Is(err, probe.ErrUnreachable) {
		t.Errorf("closed port: err = %v", err)
	}
}

func TestBodyCapAndRequestCap(t *testing.T) {
	var written atomic.Int64
	big := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusUnauthorized)
		chunk := bytes.Repeat([]byte("x"), 64<<10)
		for range 1024 { // 64 MiB unless the client stops reading
			n, err := w.Write(chunk)
			written.Add(int64(n))
			if err != nil {
				return
			}
		}
	}))
	defer big.Close()
	// What the caps bound is measured: requests sent (below) and body bytes
	// the server managed to hand over (written), not elapsed time.
	rep, err := probe.Run(context.Background(), probe.Config{Target: big.URL + "/", MaxRequests: 5, MaxBodyBytes: 1 << 10, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Requests > 5 {
		t.Errorf("%d requests with --max-requests 5", rep.Requests)
	}
	// Close waits for the handlers. Each one got rid of at most what the
	// loopback socket buffers hold before the probe hung up; reading every
	// body in full would take 64 MiB each.
	big.Close()
	if w, limit := written.Load(), int64(rep.Requests)*32<<20; w > limit {
		t.Errorf("the server wrote %d MiB for %d requests: bodies were read past the cap", w>>20, rep.Requests)
	}
	capped := false
	for _, c := range rep.Checks {
		if c.Verdict == probe.Error && strings.Contains(c.Evidence, "request cap") {
			capped = true
		}
	}
	if !capped {
		t.Errorf("no check reports the request cap:\n%s", dump(rep))
	}
}

func TestPlanSendsNothing(t *testing.T) {
	key := ecKey(t)
	e := startEnv(t, key, "ES256", mistakes{})
	plan, err := probe.Plan(context.Background(), e.cfg)
	if err != nil {
		t.Fatal(err)
	}
	if n := e.fx.hits.Load(); n != 0 {
		t.Errorf("the server saw %d requests during a dry run", n)
	}
	if len(plan) < 60 || plan[0].Check != "probe.baseline" {
		t.Errorf("plan: %d requests, first %+v", len(plan), plan[0])
	}
	var b bytes.Buffer
	_ = probe.WritePlan(&b, plan)
	out := b.String()
	for _, want := range []string{"curl -sS -i -H 'Authorization: Bearer <redacted JWT header=", "# jwt.alg-none", `"alg":"nOnE"`, "-X OPTIONS", "access_token=REDACTED", "-X POST"} {
		if !strings.Contains(out, want) {
			t.Errorf("plan lacks %q", want)
		}
	}
}

func TestSelectAndGates(t *testing.T) {
	ids, err := probe.Select([]string{"cors", "jwt.alg-none"}, []string{"cors.vary-origin"})
	if err != nil {
		t.Fatal(err)
	}
	want := "jwt.alg-none cors.reflect-arbitrary cors.null-origin cors.origin-matching cors.preflight"
	if strings.Join(ids, " ") != want {
		t.Errorf("Select = %v", ids)
	}
	if _, err := probe.Select([]string{"nope"}, nil); err == nil {
		t.Error("unknown id accepted")
	}
	// --token without a key: the key checks skip and say why.
	key := ecKey(t)
	e := startEnv(t, key, "ES256", mistakes{})
	e.cfg.Key, e.cfg.PublicKey, e.cfg.Minted = nil, nil, false
	e.cfg.Checks = []string{"jwt.expired", "jwt.key-confusion", "authz.insufficient-role", "jwt.alg-none"}
	rep, err := probe.Run(context.Background(), e.cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range rep.Checks {
		want := probe.Skip
		if c.ID == "jwt.alg-none" || c.ID == "probe.baseline" { // the baseline is always reported
			want = probe.Pass
		}
		if c.Verdict != want || want == probe.Skip && c.Evidence == "" {
			t.Errorf("%s = %s (%s)", c.ID, c.Verdict, c.Evidence)
		}
	}
	// A public endpoint: valid and anonymous look alike, token checks skip.
	pub := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(`{"ok":true}`)) }))
	defer pub.Close()
	rep, err = probe.Run(context.Background(), probe.Config{Target: pub.URL + "/", Token: e.cfg.Token, Checks: []string{"probe.baseline", "jwt.alg-none", "auth.missing-token"}})
	if err != nil {
		t.Fatal(err)
	}
	got := verdicts(rep)
	if got["probe.baseline"] != probe.Warn || got["jwt.alg-none"] != probe.Skip || got["auth.missing-token"] != probe.Fail {
		t.Errorf("public endpoint: %v", got)
	}
}

func TestJSONAndJUnitShape(t *testing.T) {
	key := ecKey(t)
	e := startEnv(t, key, "ES256", mistakes{algNone: true})
	rep, err := probe.Run(context.Background(), e.cfg)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := probe.WriteJSON(&b, rep); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Target     string         `json:"target"`
		Started    time.Time      `json:"started"`
		DurationMS *int64         `json:"duration_ms"`
		Summary    map[string]int `json:"summary"`
		Checks     []map[string]json.RawMessage
	}
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	keysOf := func(m map[string]int) string {
		var k []string
		for n := range m {
			k = append(k, n)
		}
		sort.Strings(k)
		return strings.Join(k, ",")
	}
	if doc.Target == "" || !doc.Started.Equal(testNow) || doc.DurationMS == nil || keysOf(doc.Summary) != "error,fail,info,pass,skip,warn" || doc.Summary["fail"] != 1 {
		t.Errorf("JSON head: %+v", doc)
	}
	for _, c := range doc.Checks {
		for _, f := range []string{"id", "title", "verdict", "severity", "evidence", "reference", "requests"} {
			if _, ok := c[f]; !ok {
				t.Errorf("check lacks %q: %s", f, c["id"])
			}
		}
		var reqs []map[string]any
		_ = json.Unmarshal(c["requests"], &reqs)
		for _, r := range reqs {
			if _, ok := r["status"]; !ok || r["method"] == nil || r["url"] == nil {
				t.Errorf("request shape: %v", r)
			}
		}
	}
	b.Reset()
	if err := probe.WriteJUnit(&b, rep, false); err != nil {
		t.Fatal(err)
	}
	var ju struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Skipped  int `xml:"skipped,attr"`
		Suites   []struct {
			Cases []struct {
				Name    string    `xml:"name,attr"`
				Failure *struct{} `xml:"failure"`
				Skipped *struct{} `xml:"skipped"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(b.Bytes(), &ju); err != nil {
		t.Fatal(err)
	}
	if ju.Tests != len(rep.Checks) || ju.Failures != 1 || len(ju.Suites) != 1 || len(ju.Suites[0].Cases) != len(rep.Checks) {
		t.Errorf("junit: %+v", ju)
	}
	for _, c := range ju.Suites[0].Cases {
		if (c.Failure != nil) != (c.Name == "jwt.alg-none") {
			t.Errorf("testcase %s failure=%v", c.Name, c.Failure != nil)
		}
	}
}

// TestGoldenText pins the text report of the correct API.
func TestGoldenText(t *testing.T) {
	key := ecKey(t)
	e := startEnv(t, key, "ES256", mistakes{})
	// ES256 signatures are random, and so would be the embedded key; the
	// report shows neither, so only the addresses need normalising.
	rep, err := probe.Run(context.Background(), e.cfg)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := probe.WriteText(&b, rep, nil); err != nil {
		t.Fatal(err)
	}
	golden(t, "correct.txt", e.normalise(b.String()))
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading golden file (run go test ./pkg/probe -update): %v", err)
	}
	if string(want) != got {
		t.Errorf("output differs from %s (run go test ./pkg/probe -update and review git diff)\n--- got ---\n%s\n--- want ---\n%s", path, got, want)
	}
}

// TestDocsCoverCatalogue: docs/probe-checks.md explains every check id in its table.
func TestDocsCoverCatalogue(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "docs", "probe-checks.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range probe.Catalogue() {
		if !strings.Contains(string(b), "| `"+c.ID+"` |") {
			t.Errorf("docs/probe-checks.md has no table row for %s", c.ID)
		}
	}
}

// shortToken is an HS256 token short enough that a Location echoing it is
// quoted whole in the evidence.
func shortToken() string {
	in := b64url.EncodeToString([]byte(`{"alg":"HS256"}`)) + "." + b64url.EncodeToString([]byte(`{"sub":"a"}`))
	mac := hmac.New(sha256.New, []byte("a-long-random-secret-nobody-publishes-0123456789"))
	mac.Write([]byte(in))
	return in + "." + b64url.EncodeToString(mac.Sum(nil))
}

// oracleServer answers the valid token with 200 {"user":...} and anything
// else with next.
func oracleServer(t *testing.T, tok string, next http.HandlerFunc) *httptest.Server {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") == "Bearer "+tok {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"user":"a"}`))
			return
		}
		next(w, r)
	}))
	t.Cleanup(ts.Close)
	return ts
}

// TestQueryTokenUnclearWarns: a 2xx to ?access_token= that looks like
// neither baseline answer is unclear, never a pass.
func TestQueryTokenUnclearWarns(t *testing.T) {
	tok := shortToken()
	ts := oracleServer(t, tok, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("access_token") != "" {
			w.Header().Set("Content-Type", "text/html")
			_, _ = w.Write([]byte("<p>hello a</p>"))
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"public":true}`))
	})
	rep, err := probe.Run(context.Background(), probe.Config{Target: ts.URL + "/me", Token: tok, Checks: []string{"probe.baseline", "auth.query-token"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := verdicts(rep)["auth.query-token"]; got != probe.Warn {
		t.Errorf("auth.query-token = %s, want warn\n%s", got, dump(rep))
	}
}

// TestUnansweredVariantIsNoPass: a variant that gets no answer may be the
// accepted one, so its check reports an error, not a pass.
func TestUnansweredVariantIsNoPass(t *testing.T) {
	tok := shortToken()
	ts := oracleServer(t, tok, func(w http.ResponseWriter, r *http.Request) {
		h, _, _ := strings.Cut(strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "), ".")
		if hb, _ := b64url.DecodeString(h); strings.Contains(string(hb), `"NONE"`) {
			<-r.Context().Done() // hangs on one casing only
			return
		}
		w.Header().Set("WWW-Authenticate", `Bearer realm="x"`)
		w.WriteHeader(http.StatusUnauthorized)
	})
	rep, err := probe.Run(context.Background(), probe.Config{Target: ts.URL + "/me", Token: tok, Timeout: 300 * time.Millisecond, Checks: []string{"probe.baseline", "jwt.alg-none"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := verdicts(rep)["jwt.alg-none"]; got != probe.Error {
		t.Errorf("jwt.alg-none = %s, want error\n%s", got, dump(rep))
	}
	if ev := rep.Checks[1].Evidence; !strings.Contains(ev, "17 of 18 variants answered") {
		t.Errorf("evidence %q", ev)
	}
}

// TestEchoedTokenIsScrubbed: a server that echoes the token in a Location
// header does not get it into the evidence.
func TestEchoedTokenIsScrubbed(t *testing.T) {
	tok := shortToken()
	ts := oracleServer(t, tok, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("access_token") != "" {
			w.Header().Set("Location", r.URL.RequestURI())
			w.WriteHeader(http.StatusTemporaryRedirect)
			return
		}
		w.Header().Set("WWW-Authenticate", `Bearer realm="x"`)
		w.WriteHeader(http.StatusUnauthorized)
	})
	rep, err := probe.Run(context.Background(), probe.Config{Target: ts.URL + "/me", Token: tok, Checks: []string{"probe.baseline", "auth.query-token"}})
	if err != nil {
		t.Fatal(err)
	}
	var all bytes.Buffer
	_ = probe.WriteText(&all, rep, nil)
	_ = probe.WriteJSON(&all, rep)
	_ = probe.WriteJUnit(&all, rep, true)
	sig := tok[strings.LastIndex(tok, ".")+1:]
	if strings.Contains(all.String(), sig) {
		t.Errorf("the output holds the token's signature:\n%s", dump(rep))
	}
	if !strings.Contains(dump(rep), "access_token=REDACTED") {
		t.Errorf("evidence lost the Location:\n%s", dump(rep))
	}
}

// TestNoMutablePackageState: the package's only package-level variables
// are sentinel errors, lazily built values (sync.OnceValue) and the
// embedded weak-secret list.
func TestNoMutablePackageState(t *testing.T) {
	fset := gotoken.NewFileSet()
	files, _ := filepath.Glob("*.go")
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != gotoken.VAR {
				continue
			}
			for _, sp := range g.Specs {
				vs := sp.(*ast.ValueSpec)
				if g.Doc != nil && strings.HasPrefix(g.Doc.List[len(g.Doc.List)-1].Text, "//go:embed") {
					continue
				}
				for i, n := range vs.Names {
					if i < len(vs.Values) {
						if call, ok := vs.Values[i].(*ast.CallExpr); ok {
							if fn := types.ExprString(call.Fun); fn == "errors.New" || fn == "sync.OnceValue" {
								continue
							}
						}
					}
					t.Errorf("%s: package-level var %s", name, n.Name)
				}
			}
		}
	}
}

// TestWritePlanCountsInTheSingular: a one-request plan says "1 request".
func TestWritePlanCountsInTheSingular(t *testing.T) {
	for n, want := range map[int]string{0: "# 0 requests;", 1: "# 1 request;", 2: "# 2 requests;"} {
		var plan []probe.Planned
		for i := 0; i < n; i++ {
			plan = append(plan, probe.Planned{Check: "probe.baseline", Curl: "curl -sS -i https://api.example/me"})
		}
		var b bytes.Buffer
		if err := probe.WritePlan(&b, plan); err != nil || !strings.Contains(b.String(), want) {
			t.Errorf("%d planned: %q, %v; want %q", n, b.String(), err, want)
		}
	}
}

package probe_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jwtkit/jwtkit/pkg/probe"
)

func TestParseCarrier(t *testing.T) {
	tests := []struct {
		in      string
		want    probe.Carrier
		wantErr string
	}{
		{"authorization", probe.Carrier{Kind: probe.CarrierAuthorization, Scheme: "Bearer"}, ""},
		{"header:x-access-token", probe.Carrier{Kind: probe.CarrierHeader, Name: "x-access-token"}, ""},
		{"header:Authorization", probe.Carrier{Kind: probe.CarrierAuthorization, Scheme: "Bearer"}, ""},
		{"cookie:access_token", probe.Carrier{Kind: probe.CarrierCookie, Name: "access_token"}, ""},
		{"query:token", probe.Carrier{Kind: probe.CarrierQuery, Name: "token"}, ""},
		{"form:access_token", probe.Carrier{Kind: probe.CarrierForm, Name: "access_token"}, ""},
		{"cookie", probe.Carrier{}, "needs a name"},
		{"cookie:a;b", probe.Carrier{}, "not a valid cookie name"},
		{"authorization:x", probe.Carrier{}, "takes no name"},
		{"body:x", probe.Carrier{}, "want authorization"},
		{"header:Host", probe.Carrier{}, "Host is a header Go's HTTP client manages"},
		{"header:content-length", probe.Carrier{}, "Content-Length is a header"},
		{"header:Transfer-Encoding", probe.Carrier{}, "manages or drops hop by hop"},
		{"header:connection", probe.Carrier{}, "manages or drops hop by hop"},
		{"header:TE", probe.Carrier{}, "manages or drops hop by hop"},
		{"header:Upgrade", probe.Carrier{}, "manages or drops hop by hop"},
		{"header:Trailer", probe.Carrier{}, "manages or drops hop by hop"},
		{"header:Keep-Alive", probe.Carrier{}, "manages or drops hop by hop"},
		{"header:Proxy-Authorization", probe.Carrier{}, "manages or drops hop by hop"},
	}
	for _, tt := range tests {
		got, err := probe.ParseCarrier(tt.in)
		switch {
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("%s: err %v, want %q", tt.in, err, tt.wantErr)
		case tt.wantErr == "" && (err != nil || got != tt.want):
			t.Errorf("%s = %+v, %v; want %+v", tt.in, got, err, tt.want)
		}
	}
}

// TestCarrierInEveryRequest: with each carrier, every request that
// carries a token carries it there and nowhere else, and the plan shows
// it redacted.
func TestCarrierInEveryRequest(t *testing.T) {
	tok := shortToken()
	for _, spec := range []string{"header:x-access-token", "cookie:access_token", "query:token", "form:token"} {
		t.Run(spec, func(t *testing.T) {
			c, _ := probe.ParseCarrier(spec)
			var mu sync.Mutex
			var carried, elsewhere int
			ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_ = r.ParseForm()
				var in string
				switch c.Kind {
				case probe.CarrierHeader:
					in = r.Header.Get("X-Access-Token")
				case probe.CarrierCookie:
					if ck, err := r.Cookie("access_token"); err == nil {
						in = ck.Value
					}
				case probe.CarrierQuery:
					in = r.URL.Query().Get("token")
				case probe.CarrierForm:
					in = r.PostForm.Get("token")
				}
				mu.Lock()
				if in != "" {
					carried++
				}
				if r.Header.Get("Authorization") != "" {
					elsewhere++
				}
				mu.Unlock()
				if in == tok {
					w.Header().Set("Content-Type", "application/json")
					_, _ = w.Write([]byte(`{"user":"a"}`))
					return
				}
				w.WriteHeader(http.StatusUnauthorized)
			}))
			defer ts.Close()
			cfg := probe.Config{Target: ts.URL + "/me", Token: tok, Carrier: c, Checks: []string{"probe.baseline", "jwt.alg-none", "auth.malformed"}}
			if c.NeedsBody() {
				cfg.Method = http.MethodPost
			}
			rep, err := probe.Run(context.Background(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			v := verdicts(rep)
			if v["probe.baseline"] != probe.Pass || v["jwt.alg-none"] != probe.Pass || v["auth.malformed"] != probe.Pass {
				t.Errorf("verdicts %v\n%s", v, dump(rep))
			}
			if elsewhere != 0 || carried < 25 {
				t.Errorf("%d requests carried the token in %s, %d in Authorization", carried, spec, elsewhere)
			}
			plan, err := probe.Plan(context.Background(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := json.Marshal(plan)
			if sig := tok[strings.LastIndex(tok, ".")+1:]; strings.Contains(string(b), sig) {
				t.Errorf("the plan holds the token's signature")
			}
			if !strings.Contains(string(b), "redacted JWT") && !strings.Contains(string(b), "=REDACTED") {
				t.Errorf("the plan does not show the redacted token: %s", b[:200])
			}
		})
	}
}

// dyingApp answers the valid token and dies (closes its listener and the
// connection) on the first request with any other token.
func dyingApp(t *testing.T, tok string) *httptest.Server {
	var once sync.Once
	var ts *httptest.Server
	ts = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a := r.Header.Get("Authorization")
		switch a {
		case "Bearer " + tok:
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"user":"a"}`))
			return
		case "":
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		once.Do(func() { _ = ts.Listener.Close() })
		if hj, ok := w.(http.Hijacker); ok {
			if c, _, err := hj.Hijack(); err == nil {
				_ = c.Close()
			}
		}
	}))
	t.Cleanup(ts.Close)
	return ts
}

// TestAvailabilityFailsWhenTheAPIDies: the API that dies on the first bad
// token fails resp.availability (the pause is injected, nothing sleeps)
// and the run is no pass.
func TestAvailabilityFailsWhenTheAPIDies(t *testing.T) {
	tok := shortToken()
	ts := dyingApp(t, tok)
	var waited []time.Duration
	cfg := probe.Config{
		Target: ts.URL + "/me", Token: tok, Concurrency: 1, Now: func() time.Time { return testNow },
		Checks: []string{"probe.baseline", "jwt.tampered-payload", "jwt.alg-none", "resp.availability", "resp.server-error"},
		Wait:   func(_ context.Context, d time.Duration) error { waited = append(waited, d); return nil },
	}
	rep, err := probe.Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]probe.Verdict{
		"probe.baseline": probe.Pass, "jwt.tampered-payload": probe.Error, "jwt.alg-none": probe.Error,
		"resp.availability": probe.Fail, "resp.server-error": probe.Pass,
	}
	got := verdicts(rep)
	for id, v := range want {
		if got[id] != v {
			t.Errorf("%s = %s, want %s", id, got[id], v)
		}
	}
	if len(waited) != 1 || waited[0] != 2*time.Second {
		t.Errorf("waited %v, want one pause of 2s", waited)
	}
	var ev string
	for _, c := range rep.Checks {
		if c.ID == "resp.availability" {
			ev = c.Evidence
		}
	}
	if !strings.Contains(ev, "the API stopped answering during the probe") || !strings.Contains(ev, "sent in the 2s before the first error") {
		t.Errorf("evidence %q", ev)
	}
	if !rep.Failed(false) || rep.Summary.Error != 2 {
		t.Errorf("summary %+v", rep.Summary)
	}
	var b bytes.Buffer
	_ = probe.WriteText(&b, rep, nil)
	if !strings.Contains(b.String(), "could not run: 2 checks ended in error") {
		t.Errorf("text report:\n%s", b.String())
	}
}

// TestAvailabilityWarnsOnARecovery: a single dropped request with an API
// that answers again is a warning, not a fail.
func TestAvailabilityWarnsOnARecovery(t *testing.T) {
	tok := shortToken()
	var mu sync.Mutex
	drops := 2 // Go's client retries a GET once on a dropped connection
	ts := oracleServer(t, tok, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		drop := drops > 0
		drops--
		mu.Unlock()
		if hj, ok := w.(http.Hijacker); ok && drop {
			if c, _, err := hj.Hijack(); err == nil {
				_ = c.Close()
				return
			}
		}
		w.WriteHeader(http.StatusUnauthorized)
	})
	// the no-token baseline request is the one dropped
	rep, err := probe.Run(context.Background(), probe.Config{
		Target: ts.URL + "/me", Token: tok, Concurrency: 1, Checks: []string{"probe.baseline", "resp.availability"},
		Wait: func(context.Context, time.Duration) error { return nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := verdicts(rep)["resp.availability"]; got != probe.Warn {
		t.Errorf("resp.availability = %s, want warn\n%s", got, dump(rep))
	}
}

// TestServerErrorRateLimit: 429 and 503 with Retry-After are rate
// limiting (info), a plain 500 fails.
func TestServerErrorRateLimit(t *testing.T) {
	tok := shortToken()
	for _, tc := range []struct {
		status int
		retry  bool
		want   probe.Verdict
	}{{429, false, probe.Info}, {503, true, probe.Info}, {503, false, probe.Fail}, {500, false, probe.Fail}, {401, false, probe.Pass}} {
		ts := oracleServer(t, tok, func(w http.ResponseWriter, r *http.Request) {
			if tc.retry {
				w.Header().Set("Retry-After", "1")
			}
			w.WriteHeader(tc.status)
		})
		rep, err := probe.Run(context.Background(), probe.Config{Target: ts.URL + "/me", Token: tok, Checks: []string{"probe.baseline", "jwt.bad-signature", "resp.server-error"}})
		if err != nil {
			t.Fatal(err)
		}
		if got := verdicts(rep)["resp.server-error"]; got != tc.want {
			t.Errorf("%d (Retry-After %v): resp.server-error = %s, want %s\n%s", tc.status, tc.retry, got, tc.want, dump(rep))
		}
	}
}

// TestLoginRedaction: the password, the refresh token and the issued
// token appear in no output, the dry run included; a redirect from the
// login is not followed.
func TestLoginRedaction(t *testing.T) {
	tok := shortToken()
	const pw, rt = "hunter2-password", "refresh-token-0123456789"
	var sawPassword int
	mux := http.NewServeMux()
	mux.HandleFunc("POST /token", func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		if r.PostForm.Get("password") == pw && r.PostForm.Get("grant_type") == "password" && r.PostForm.Get("client_secret") == "cs-0123456789" {
			sawPassword++
			w.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(w).Encode(map[string]string{"access_token": tok, "refresh_token": rt, "token_type": "bearer"})
			return
		}
		w.WriteHeader(400)
	})
	mux.HandleFunc("POST /moved", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/token", http.StatusTemporaryRedirect)
	})
	mux.HandleFunc("/me", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") == "Bearer "+tok {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"user":"a"}`))
			return
		}
		w.WriteHeader(401)
	})
	ts := httptest.NewServer(mux)
	defer ts.Close()
	login := &probe.Login{URL: ts.URL + "/token", User: "alice", Password: pw, ClientID: "cli", ClientSecret: "cs-0123456789"}
	cfg := probe.Config{Target: ts.URL + "/me", Login: login, Checks: []string{"probe.baseline", "jwt.alg-none", "auth.query-token"}}
	rep, err := probe.Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := probe.Plan(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	var all bytes.Buffer
	_ = probe.WriteText(&all, rep, nil)
	_ = probe.WriteJSON(&all, rep)
	_ = probe.WriteSARIF(&all, rep, probe.SARIFOptions{})
	_ = probe.WriteMarkdown(&all, rep)
	_ = json.NewEncoder(&all).Encode(plan)
	for _, secret := range []string{pw, rt, "cs-0123456789", tok[strings.LastIndex(tok, ".")+1:]} {
		if strings.Contains(all.String(), secret) {
			t.Errorf("an output holds %q", secret)
		}
	}
	if verdicts(rep)["probe.baseline"] != probe.Pass || sawPassword != 1 {
		t.Errorf("baseline %s, logins %d\n%s", verdicts(rep)["probe.baseline"], sawPassword, dump(rep))
	}
	if !strings.Contains(all.String(), "password=REDACTED") {
		t.Errorf("the plan does not show the login redacted")
	}
	cfg.Login = &probe.Login{URL: ts.URL + "/moved", User: "alice", Password: pw}
	if _, err := probe.Run(context.Background(), cfg); err == nil || !strings.Contains(err.Error(), "does not follow it") || sawPassword != 1 {
		t.Errorf("redirected login: %v (password seen %d times)", err, sawPassword)
	}
	cfg.Login = &probe.Login{URL: "http://login.example/token", User: "alice", Password: pw}
	if _, err := probe.Run(context.Background(), cfg); err == nil || !strings.Contains(err.Error(), "plain http to a non-loopback host") {
		t.Errorf("plain-http login: %v", err)
	}
}

// TestSARIFShape holds the properties SARIF 2.1.0 requires, and GitHub's
// conventions: a rule per check, results for fail and warn only, a
// repository-relative location, fingerprints.
func TestSARIFShape(t *testing.T) {
	key := ecKey(t)
	e := startEnv(t, key, "ES256", mistakes{algNone: true, cacheable: true})
	rep, err := probe.Run(context.Background(), e.cfg)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := probe.WriteSARIF(&b, rep, probe.SARIFOptions{ToolVersion: "v1.2.3"}); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Version string `json:"version"`
		Schema  string `json:"$schema"`
		Runs    []struct {
			Tool struct {
				Driver struct {
					Name    string `json:"name"`
					Version string `json:"version"`
					Rules   []struct {
						ID         string         `json:"id"`
						HelpURI    string         `json:"helpUri"`
						Help       map[string]any `json:"help"`
						Properties map[string]any `json:"properties"`
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID    string            `json:"ruleId"`
				Level     string            `json:"level"`
				Message   map[string]string `json:"message"`
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct {
							URI string `json:"uri"`
						} `json:"artifactLocation"`
					} `json:"physicalLocation"`
				} `json:"locations"`
				PartialFingerprints map[string]string `json:"partialFingerprints"`
				Properties          map[string]any    `json:"properties"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Version != "2.1.0" || !strings.Contains(doc.Schema, "sarif-2.1.0") || len(doc.Runs) != 1 {
		t.Fatalf("version %q schema %q runs %d", doc.Version, doc.Schema, len(doc.Runs))
	}
	run := doc.Runs[0]
	if run.Tool.Driver.Name != "jwtkit probe" || run.Tool.Driver.Version != "v1.2.3" || len(run.Tool.Driver.Rules) != len(probe.Catalogue()) {
		t.Errorf("driver %q %q with %d rules", run.Tool.Driver.Name, run.Tool.Driver.Version, len(run.Tool.Driver.Rules))
	}
	sev := map[string]string{}
	for _, r := range run.Tool.Driver.Rules {
		if r.HelpURI == "" || r.Help["text"] == "" {
			t.Errorf("rule %s lacks help", r.ID)
		}
		sev[r.ID], _ = r.Properties["security-severity"].(string)
	}
	if sev["jwt.alg-none"] != "9.5" || sev["probe.baseline"] != "8.0" || sev["tls.hsts"] != "5.5" || sev["cors.vary-origin"] != "3.0" {
		t.Errorf("security-severity %v", sev)
	}
	levels := map[string]string{}
	for _, r := range run.Results {
		levels[r.RuleID] = r.Level
		if r.Message["text"] == "" || len(r.Locations) != 1 || r.PartialFingerprints["jwtkitProbe/v1"] == "" || r.Properties["url"] == "" || r.Properties["evidence"] == "" {
			t.Errorf("result %s incomplete: %+v", r.RuleID, r)
		}
		if u := r.Locations[0].PhysicalLocation.ArtifactLocation.URI; !strings.HasPrefix(u, "jwtkit-probe/127.0.0.1_") || strings.Contains(u, "://") {
			t.Errorf("location %q", u)
		}
	}
	if len(levels) != 2 || levels["jwt.alg-none"] != "error" || levels["resp.cache-control"] != "warning" {
		t.Errorf("results %v", levels)
	}
	if got := probe.DefaultSARIFPath("https://api.example.com:8443/v1/users/me?x=1"); got != "jwtkit-probe/api.example.com_8443/v1/users/me" {
		t.Errorf("DefaultSARIFPath = %q", got)
	}
}

// TestGoldenMarkdown pins the Markdown report of an API with one mistake.
func TestGoldenMarkdown(t *testing.T) {
	key := ecKey(t)
	e := startEnv(t, key, "ES256", mistakes{algNone: true, cacheable: true})
	rep, err := probe.Run(context.Background(), e.cfg)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := probe.WriteMarkdown(&b, rep); err != nil {
		t.Fatal(err)
	}
	golden(t, "alg-none.md", e.normalise(b.String()))
}

// TestRequestHeaders: -H replaces probe's own User-Agent and Accept (Go
// would send the first of two values), and a header Go's client manages
// or drops is refused instead of silently not sent.
func TestRequestHeaders(t *testing.T) {
	tok := shortToken()
	var mu sync.Mutex
	seen := map[string]bool{}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen[r.UserAgent()+" | "+r.Header.Get("Accept")+" | "+r.Header.Get("X-Tenant")] = true
		mu.Unlock()
		if r.Header.Get("Authorization") == "Bearer "+tok {
			return
		}
		w.WriteHeader(http.StatusUnauthorized)
	}))
	defer ts.Close()
	h := http.Header{"User-Agent": {"scanner/1"}, "Accept": {"application/xml"}, "X-Tenant": {"a"}}
	cfg := probe.Config{Target: ts.URL + "/me", Token: tok, Header: h, Checks: []string{"probe.baseline"}}
	if _, err := probe.Run(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	if want := "scanner/1 | application/xml | a"; !seen[want] || len(seen) != 1 {
		t.Errorf("the API saw %v, want only %q", seen, want)
	}
	for _, name := range []string{"Host", "Content-Length", "Transfer-Encoding", "Connection", "Proxy-Connection"} {
		cfg.Header = http.Header{name: {"x"}}
		_, err := probe.Run(context.Background(), cfg)
		if !errors.Is(err, probe.ErrConfig) || !strings.Contains(fmt.Sprint(err), "-H cannot set "+name) {
			t.Errorf("-H %s: %v", name, err)
		}
	}
}

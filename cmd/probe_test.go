package cmd

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jwtkit/jwtkit/pkg/keys"
	"github.com/jwtkit/jwtkit/pkg/probe"
)

func TestProbeArgsToOptions(t *testing.T) {
	tests := []struct {
		args  []string
		check func(t *testing.T, o *probeOptions)
	}{
		{[]string{"https://api.example/me"}, func(t *testing.T, o *probeOptions) {
			if o.URL != "https://api.example/me" || o.HTTP.Timeout != 10*time.Second || o.MaxRequests != 200 || o.Concurrency != 4 || o.Output != "text" || o.FailOn != "fail" || len(o.checks) != len(probe.Catalogue()) {
				t.Errorf("defaults: %+v", o)
			}
		}},
		{[]string{"https://api.example/me", "--role", "admin", "--sub", "alice", "--header", "kid=k1", "-H", "X-Api-Key: abc", "--request-header", "Accept-Language: de", "--header", "X-Trace: a=b"}, func(t *testing.T, o *probeOptions) {
			if len(o.Claims.Roles) != 1 || o.Claims.Sub != "alice" || len(o.Claims.Headers) != 1 || o.Claims.Headers[0] != "kid=k1" ||
				len(o.RequestHeaders) != 3 || o.RequestHeaders[2] != "X-Trace: a=b" {
				t.Errorf("claims and headers: %+v", o)
			}
		}},
		{[]string{"https://api.example/me", "--only", "cors,jwt.alg-none", "--skip", "cors.vary-origin"}, func(t *testing.T, o *probeOptions) {
			if strings.Join(o.checks, " ") != "jwt.alg-none cors.reflect-arbitrary cors.null-origin cors.origin-matching cors.preflight" {
				t.Errorf("checks = %v", o.checks)
			}
		}},
		{[]string{"https://api.example/me", "--token", "Bearer " + fakeJWT, "--origin", "https://app.example/", "--write-url", "https://api.example/items", "--write-method", "put", "--fail-on", "warn", "-o", "junit"}, func(t *testing.T, o *probeOptions) {
			if o.Token != fakeJWT || o.Origin != "https://app.example" || o.WriteMethod != "PUT" || o.FailOn != "warn" || o.Output != "junit" {
				t.Errorf("%+v", o)
			}
		}},
		{[]string{"--list"}, func(t *testing.T, o *probeOptions) {
			if !o.List || o.URL != "" {
				t.Errorf("%+v", o)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			f, _, _ := testFactory(t, "", nil)
			var got *probeOptions
			c := newProbeCmd(f, func(o *probeOptions) error { got = o; return nil })
			c.SetArgs(tt.args)
			c.SetOut(&bytes.Buffer{})
			c.SetErr(&bytes.Buffer{})
			if err := c.Execute(); err != nil {
				t.Fatal(err)
			}
			tt.check(t, got)
		})
	}
}

func TestProbeUsageErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{nil, "a target URL is required"},
		{[]string{"ftp://x"}, "invalid target URL"},
		{[]string{"https://a/me", "-H", "Authorization: Bearer x"}, "-H cannot set Authorization"},
		{[]string{"https://a/me", "-H", "no colon"}, "invalid -H"},
		{[]string{"https://a/me", "-H", "Host: api.internal", "--dry-run"}, "-H cannot set Host: Go's HTTP client manages it or drops it hop by hop, so it would not reach the API as given; put the host name in the target URL"},
		{[]string{"https://a/me", "--only", "bogus"}, "no check id or area matches"},
		{[]string{"https://a/me", "--only", "cors", "--skip", "cors"}, "leave no check"},
		{[]string{"https://a/me", "--token", "a.b.c", "--sub", "x"}, "--sub shapes the token"},
		{[]string{"https://a/me", "--write-url", "http://a/items"}, "would travel in clear"},
		{[]string{"https://a/me", "--write-url", "https://a/items", "--write-method", "GET"}, "invalid --write-method"},
		{[]string{"https://a/me", "--fail-on", "info"}, "invalid --fail-on"},
		{[]string{"https://a/me", "-o", "yaml"}, "invalid --output"},
		{[]string{"https://a/me", "--timeout", "0s"}, "--timeout must be positive"},
		{[]string{"https://a/me", "--max-requests", "0"}, "--max-requests"},
		{[]string{"https://a/me", "--concurrency", "100"}, "--concurrency"},
		{[]string{"https://a/me", "--origin", "app.example"}, "invalid --origin"},
		{[]string{"https://a/me", "--proxy", "nope"}, "invalid --proxy"},
		{[]string{"--list", "https://a/me"}, "drop the URL"},
		{[]string{"https://a/me", "--key", "a.pem", "--secret-env", "S"}, "cannot be used together"},
		// The not-a-JWT examples name the flag that carried the value.
		{[]string{"https://a/me", "--token", "$TOKEN"}, `--token is not a JWT: it looks like a shell variable that was not expanded; use double quotes, e.g. --token "$TOKEN"`},
		{[]string{"https://a/me", "--token", forgeESToken(), "--low-token", "tok.jwt"}, `--low-token is not a JWT: it looks like a file name; pass the token itself, e.g. --low-token "$(cat token.jwt)"`},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, out, errOut := runCmd(t, "", nil, append([]string{"probe"}, tt.args...)...)
			if code != ExitUsage || out != "" {
				t.Errorf("exit %d, stdout %q", code, out)
			}
			mustContain(t, errOut, tt.want)
		})
	}
}

func TestProbeList(t *testing.T) {
	code, out, _ := runCmd(t, "", nil, "probe", "--list")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, c := range probe.Catalogue() {
		mustContain(t, out, c.ID)
	}
	code, out, _ = runCmd(t, "", nil, "probe", "--list", "-o", "json")
	var cat []probe.CheckInfo
	if code != 0 || json.Unmarshal([]byte(out), &cat) != nil || len(cat) != len(probe.Catalogue()) {
		t.Errorf("--list -o json: exit %d, %d entries", code, len(cat))
	}
}

// countingServer counts every request and answers like a decode-only API:
// any Authorization header is accepted.
func countingServer(t *testing.T) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var n atomic.Int64
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.Header().Set("Content-Type", "application/json")
		if r.Header.Get("Authorization") == "" {
			w.Header().Set("WWW-Authenticate", `Bearer realm="api"`)
			w.WriteHeader(http.StatusUnauthorized)
			w.Write([]byte(`{"detail":"Not authenticated"}`))
			return
		}
		w.Write([]byte(`{"sub":"alice"}`))
	}))
	t.Cleanup(s.Close)
	return s, &n
}

// compactJWT matches a whole signed compact token.
var compactJWT = regexp.MustCompile(`eyJ[\w-]+\.eyJ[\w-]+\.[\w-]{10,}`)

func TestProbeDryRunAndSecrets(t *testing.T) {
	const secret = "correct-horse-battery-staple-0123456789"
	env := map[string]string{"JWT_SECRET": secret}
	s, hits := countingServer(t)
	code, out, errOut := runCmd(t, "", env, "probe", s.URL+"/me", "--secret-env", "JWT_SECRET", "--role", "admin", "--dry-run", "-H", "X-Api-Key: k-123", "--header", "X-Tenant: t1")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if hits.Load() != 0 {
		t.Errorf("--dry-run sent %d requests", hits.Load())
	}
	mustContain(t, out, "curl -sS -i -H 'Authorization: Bearer <redacted JWT header=")
	mustContain(t, out, "-H 'X-Api-Key: <redacted>'")
	mustContain(t, out, "-H 'X-Tenant: <redacted>'") // --header 'Name: value' is a request header too
	all := out + errOut
	for _, fmtArgs := range [][]string{{"-o", "text"}, {"-o", "json"}, {"-o", "junit"}} {
		code, out, errOut := runCmd(t, "", env, append([]string{"probe", s.URL + "/me", "--secret-env", "JWT_SECRET", "--role", "admin", "-H", "X-Api-Key: k-123"}, fmtArgs...)...)
		if code != ExitProbeFailed {
			t.Errorf("%v: exit %d, want %d (a decode-only API)", fmtArgs, code, ExitProbeFailed)
		}
		all += out + errOut
	}
	if hits.Load() == 0 {
		t.Error("the real runs sent nothing")
	}
	for _, leak := range []string{secret, "k-123"} {
		if strings.Contains(all, leak) {
			t.Errorf("output holds %q", leak)
		}
	}
	if m := compactJWT.FindString(all); m != "" {
		t.Errorf("output holds a compact token: %s", m)
	}
}

func TestProbeUnreachableAndBadCertificate(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	code, out, errOut := runCmd(t, "", nil, "probe", "https://"+addr+"/me", "--timeout", "2s")
	if code != ExitError {
		t.Errorf("closed port: exit %d, want 1\n%s", code, errOut)
	}
	mustContain(t, errOut, "target unreachable")
	mustContain(t, out, "probe.baseline")

	ts := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer ts.Close()
	code, _, errOut = runCmd(t, "", nil, "probe", ts.URL+"/me", "--timeout", "2s", "--only", "auth")
	if code != ExitError {
		t.Errorf("self-signed certificate: exit %d, want 1", code)
	}
	mustContain(t, errOut, "certificate")
	mustContain(t, errOut, "--cacert")
	// --insecure is loud, and then the run goes through.
	code, _, errOut = runCmd(t, "", nil, "probe", ts.URL+"/me", "--insecure", "--only", "auth.missing-token")
	mustContain(t, errOut, "warning: --insecure")
	if code != ExitProbeFailed { // the empty handler answers 200 to everyone
		t.Errorf("--insecure: exit %d", code)
	}
}

func TestProbeSilentServerTimesOut(t *testing.T) {
	release := make(chan struct{})
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer s.Close()
	defer close(release)
	// The server answers only when released, after the run: the run can
	// end only through --timeout, which the error names. No wall-clock bound.
	code, _, errOut := runCmd(t, "", nil, "probe", s.URL+"/me", "--timeout", "300ms")
	if code != ExitError {
		t.Errorf("exit %d, want %d", code, ExitError)
	}
	mustContain(t, errOut, "timeout")
}

// TestProbeAgainstServe runs the real command against jwtkit serve, with
// TLS and without: nothing fails (exit 0), and the JSON and JUnit outputs
// parse.
func TestProbeAgainstServe(t *testing.T) {
	keyPath, _, _ := fixtureKey(t)
	f, _, errOut := testFactory(t, "", nil)
	certPath := filepath.Join(t.TempDir(), "cert.pem")
	s := startServe(t, f, errOut, "--key", keyPath, "--iss", "https://issuer.example", "--aud", "jwtkit-api", "--allow-origin", "https://app.example", "--role", "admin",
		"--tls", "--http-addr", "127.0.0.1:0", "--cert-out", certPath)
	base := []string{"probe", s.apiURL + "/admin", "--key", keyPath, "--iss", "https://issuer.example", "--aud", "jwtkit-api", "--role", "admin",
		"--origin", "https://app.example", "--cacert", certPath, "--http-url", s.httpURL + "/admin",
		"--write-url", s.apiURL + "/items", "--write-body", `{"name":"probe"}`, "--timeout", "5s"}
	code, out, stderr := runCmd(t, "", nil, append(base, "--color", "always")...)
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, stderr)
	}
	mustContain(t, out, "\x1b[")
	mustContain(t, out, "0 fail")
	mustContain(t, out, "fix first: nothing failed or warned")

	code, out, _ = runCmd(t, "", nil, append(base, "-o", "json", "--fail-on", "warn")...)
	var rep probe.Report
	if code != 0 || json.Unmarshal([]byte(out), &rep) != nil || len(rep.Checks) != len(probe.Catalogue()) || rep.Summary.Fail != 0 || rep.Summary.Warn != 0 {
		t.Errorf("-o json: exit %d, %+v", code, rep.Summary)
	}
	code, out, _ = runCmd(t, "", nil, append(base, "-o", "junit")...)
	var ju struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
	}
	if code != 0 || xml.Unmarshal([]byte(out), &ju) != nil || ju.Tests != len(probe.Catalogue()) || ju.Failures != 0 {
		t.Errorf("-o junit: exit %d, %+v", code, ju)
	}

	// Plain HTTP: tls.http-redirect warns (the token travelled in clear),
	// which fails the run only with --fail-on warn.
	f2, _, errOut2 := testFactory(t, "", nil)
	p := startServe(t, f2, errOut2, "--key", keyPath, "--role", "admin")
	plain := []string{"probe", p.apiURL + "/admin", "--key", keyPath, "--role", "admin", "--timeout", "5s"}
	code, out, _ = runCmd(t, "", nil, plain...)
	if code != 0 {
		t.Errorf("plain serve: exit %d\n%s", code, out)
	}
	mustContain(t, out, "travelled in clear")
	if code, _, _ = runCmd(t, "", nil, append(plain, "--fail-on", "warn")...); code != ExitProbeFailed {
		t.Errorf("plain serve with --fail-on warn: exit %d", code)
	}
}

// TestProbeTokenWithPublicKey: --token with a public key runs key
// confusion and skips the re-minting checks.
func TestProbeTokenWithPublicKey(t *testing.T) {
	keyPath, signer, key := fixtureKey(t)
	f, _, errOut := testFactory(t, "", nil)
	s := startServe(t, f, errOut, "--key", keyPath, "--role", "admin")
	tok := serveToken(t, signer, "admin")
	b, err := keys.MarshalPEM(key, false)
	if err != nil {
		t.Fatal(err)
	}
	pubPath := filepath.Join(t.TempDir(), "pub.pem")
	if err := os.WriteFile(pubPath, b, 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, stderr := runCmd(t, "", nil, "probe", s.apiURL+"/admin", "--token", tok, "--key", pubPath, "--role", "admin", "-o", "json", "--only", "jwt")
	var rep probe.Report
	if code != 0 || json.Unmarshal([]byte(out), &rep) != nil {
		t.Fatalf("exit %d\n%s\n%s", code, out, stderr)
	}
	for _, c := range rep.Checks {
		switch c.ID {
		case "jwt.key-confusion", "jwt.alg-none":
			if c.Verdict != probe.Pass {
				t.Errorf("%s = %s: %s", c.ID, c.Verdict, c.Evidence)
			}
		case "jwt.expired", "jwt.wrong-issuer":
			if c.Verdict != probe.Skip || !strings.Contains(c.Evidence, "signing key") {
				t.Errorf("%s = %s: %s", c.ID, c.Verdict, c.Evidence)
			}
		}
	}
	if strings.Contains(out, tok) {
		t.Error("the report holds the token")
	}
}

// TestProbeHelpExitStatus: --help's exit-status table says what Main does:
// a warning alone exits 0 (TestProbeAgainstServe, plain HTTP).
func TestProbeHelpExitStatus(t *testing.T) {
	code, out, _ := runCmd(t, "", nil, "probe", "--help")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	mustContain(t, out, "0  no check failed and none ended in error (with --fail-on warn: none warned)")
	mustContain(t, out, "a check ended in error (the audit is incomplete; probe.baseline\n     counts whatever --only says) and none failed")
	mustContain(t, out, "without --allow-plain-http")
}

// fakeJWT is shaped like a JWT (header and claims JSON objects); its
// signature is junk.
const fakeJWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln"

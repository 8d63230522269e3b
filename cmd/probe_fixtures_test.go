package cmd

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jwtkit/jwtkit/pkg/keys"
	"github.com/jwtkit/jwtkit/pkg/probe"
	"github.com/jwtkit/jwtkit/pkg/token"
)

// Fixtures in the style of the third-party APIs issue 11 was tried
// against. Each runs the real probe command line and asserts the exact
// verdict of every check and the exit status.

// hsApp verifies HS256 tokens with secret the way the libraries do by
// default: the algorithm pinned, exp checked when present, nothing else.
type hsApp struct {
	secret []byte
	v      *token.Verifier
	signer *token.Signer
}

func newHSApp(t *testing.T, secret string) *hsApp {
	t.Helper()
	k, err := keys.NewSecret([]byte(secret), "fixture")
	if err != nil {
		t.Fatal(err)
	}
	v, err := token.NewVerifier(keys.NewSet(k), token.Policy{Algs: []string{"HS256"}, Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	s, err := token.NewSigner(k, "HS256", map[string]any{"typ": "JWT"})
	if err != nil {
		t.Fatal(err)
	}
	return &hsApp{secret: []byte(secret), v: v, signer: s}
}

// issue signs sub's token with extra claims, valid 15 minutes.
func (a *hsApp) issue(t *testing.T, sub string, extra map[string]any) string {
	c := map[string]any{"sub": sub, "iat": json.Number(fmt.Sprint(testNow.Unix())), "exp": json.Number(fmt.Sprint(testNow.Add(15 * time.Minute).Unix()))}
	for k, v := range extra {
		c[k] = v
	}
	tok, err := a.signer.Sign(c)
	if err != nil {
		t.Error(err)
	}
	return tok
}

func (a *hsApp) verify(raw string) map[string]any {
	res := a.v.Verify(raw)
	if res == nil || !res.Valid {
		return nil
	}
	return res.Token.Claims
}

func writeJSONBody(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

// expressCookieApp: Express with jsonwebtoken, the token in a cookie set
// by a JSON login (no HttpOnly, no SameSite), 403 for a bad token, and the
// tutorial secret "secret".
func expressCookieApp(t *testing.T) *httptest.Server {
	a := newHSApp(t, "secret")
	mux := http.NewServeMux()
	mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
		var in struct{ Username, Password string }
		if json.NewDecoder(r.Body).Decode(&in) != nil || in.Username != "alice" || in.Password != "s3cret-pass" {
			writeJSONBody(w, 401, map[string]string{"message": "Invalid credentials"})
			return
		}
		tok := a.issue(t, "alice", nil)
		w.Header().Add("Set-Cookie", "token="+tok+"; Path=/")
		writeJSONBody(w, 200, map[string]string{"token": tok})
	})
	mux.HandleFunc("GET /api/profile", func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie("token")
		if err != nil {
			writeJSONBody(w, 401, map[string]string{"message": "No token"})
			return
		}
		claims := a.verify(c.Value)
		if claims == nil {
			writeJSONBody(w, 403, map[string]string{"message": "Invalid token"})
			return
		}
		writeJSONBody(w, 200, map[string]any{"user": claims["sub"]})
	})
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	return ts
}

// xAccessTokenApp: the x-access-token header without a scheme, 403 when
// it is missing and 401 when it is bad (the bezkoder tutorial).
func xAccessTokenApp(t *testing.T, secret string) *httptest.Server {
	a := newHSApp(t, secret)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw := r.Header.Get("x-access-token")
		if raw == "" {
			writeJSONBody(w, 403, map[string]string{"message": "No token provided!"})
			return
		}
		claims := a.verify(raw)
		if claims == nil {
			writeJSONBody(w, 401, map[string]string{"message": "Unauthorized!"})
			return
		}
		writeJSONBody(w, 200, map[string]any{"id": claims["sub"], "content": "User Content."})
	}))
	t.Cleanup(ts.Close)
	return ts
}

// fastAPIApp: the FastAPI OAuth2 tutorial (tutorial005): a password grant
// at /token needing client_id, the docs' SECRET_KEY, a bare Bearer
// challenge, and 401 "Not enough permissions" for a missing scope.
func fastAPIApp(t *testing.T) *httptest.Server {
	a := newHSApp(t, "09d25e094faa6ca2556c818166b7a9563b93f7099f6f0f4caa6cf63b88e8d3e7")
	users := map[string]string{"johndoe": "johndoe-pass-1", "bob": "bobs-pass"}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /token", func(w http.ResponseWriter, r *http.Request) {
		if r.ParseForm() != nil || r.PostForm.Get("grant_type") != "password" || r.PostForm.Get("client_id") != "probe-client" {
			writeJSONBody(w, 422, map[string]string{"detail": "field required"})
			return
		}
		u := r.PostForm.Get("username")
		if pw, ok := users[u]; !ok || pw != r.PostForm.Get("password") {
			writeJSONBody(w, 400, map[string]string{"detail": "Incorrect username or password"})
			return
		}
		scope := "me items"
		if u == "bob" {
			scope = "me"
		}
		writeJSONBody(w, 200, map[string]string{"access_token": a.issue(t, u, map[string]any{"scope": scope}), "token_type": "bearer", "refresh_token": "rt-" + u + "-0123456789"})
	})
	mux.HandleFunc("GET /users/me/items", func(w http.ResponseWriter, r *http.Request) {
		scheme, raw, _ := strings.Cut(r.Header.Get("Authorization"), " ")
		if !strings.EqualFold(scheme, "bearer") || raw == "" {
			w.Header().Set("WWW-Authenticate", "Bearer")
			writeJSONBody(w, 401, map[string]string{"detail": "Not authenticated"})
			return
		}
		claims := a.verify(raw)
		sub, _ := claims["sub"].(string)
		if claims == nil || users[sub] == "" {
			w.Header().Set("WWW-Authenticate", "Bearer")
			writeJSONBody(w, 401, map[string]string{"detail": "Could not validate credentials"})
			return
		}
		scopes, _ := claims["scope"].(string)
		if !strings.Contains(" "+scopes+" ", " items ") {
			w.Header().Set("WWW-Authenticate", `Bearer scope="items"`)
			writeJSONBody(w, 401, map[string]string{"detail": "Not enough permissions"})
			return
		}
		writeJSONBody(w, 200, []map[string]string{{"item_id": "Foo", "owner": sub}})
	})
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	return ts
}

// subApp decodes without verifying the signature and authorises by sub:
// POST /users/alice/notes with the token in the form field access_token.
func subApp(t *testing.T) *httptest.Server {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.ParseForm() != nil {
			writeJSONBody(w, 405, map[string]string{"error": "method not allowed"})
			return
		}
		raw := r.PostForm.Get("access_token")
		tok, err := token.Parse(raw)
		if raw == "" || err != nil {
			writeJSONBody(w, 401, map[string]string{"error": "invalid token"})
			return
		}
		if exp, ok := tok.Claims["exp"].(json.Number); !ok || exp.String() < fmt.Sprint(testNow.Unix()) {
			writeJSONBody(w, 401, map[string]string{"error": "invalid token"})
			return
		}
		if tok.Claims["sub"] != "alice" {
			writeJSONBody(w, 403, map[string]string{"error": "not your notes"})
			return
		}
		writeJSONBody(w, 201, map[string]any{"note": r.PostForm.Get("note"), "owner": "alice"})
	}))
	t.Cleanup(ts.Close)
	return ts
}

// crashApp takes the token from ?token= and crashes (a 500) on a scope
// that is not a string, as Flask apps that call scope.split() do.
func crashApp(t *testing.T, secret string) *httptest.Server {
	a := newHSApp(t, secret)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		claims := a.verify(r.URL.Query().Get("token"))
		if claims == nil {
			w.Header().Set("WWW-Authenticate", `Bearer realm="api", error="invalid_token"`)
			writeJSONBody(w, 401, map[string]string{"msg": "Bad token"})
			return
		}
		if s, ok := claims["scope"]; ok {
			if _, isStr := s.(string); !isStr {
				w.Header().Set("Content-Type", "text/html")
				w.WriteHeader(500)
				_, _ = w.Write([]byte("<h1>Internal Server Error</h1>"))
				return
			}
		}
		writeJSONBody(w, 200, map[string]any{"logged_in_as": claims["sub"]})
	}))
	t.Cleanup(ts.Close)
	return ts
}

// probeVerdicts runs probe -o json and returns the exit code and id →
// verdict (and evidence, for failure messages).
func probeVerdicts(t *testing.T, env map[string]string, args ...string) (int, map[string]string, string) {
	t.Helper()
	code, out, errOut := runCmd(t, "", env, append(append([]string{"probe"}, args...), "-o", "json")...)
	var rep probe.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("exit %d, no JSON report: %v\n%s\n%s", code, err, out, errOut)
	}
	got := map[string]string{}
	var b strings.Builder
	for _, c := range rep.Checks {
		got[c.ID] = string(c.Verdict)
		fmt.Fprintf(&b, "%s %s: %s\n", c.Verdict, c.ID, c.Evidence)
	}
	for _, n := range rep.Notes {
		fmt.Fprintf(&b, "note: %s\n", n)
	}
	for _, s := range env {
		if len(s) >= 4 && strings.Contains(out+errOut, s) {
			t.Errorf("the output holds the secret %q", s)
		}
	}
	return code, got, b.String()
}

// allVerdicts fills every catalogue id not named in want with dflt.
func allVerdicts(dflt string, want map[string]string) map[string]string {
	out := map[string]string{}
	for _, c := range probe.Catalogue() {
		out[c.ID] = dflt
	}
	out["jwt.weak-key"] = "skip" // every fixture here signs with HMAC: no key size to grade
	for k, v := range want {
		out[k] = v
	}
	return out
}

func TestProbeFixtures(t *testing.T) {
	const strong = "a-long-random-secret-nobody-publishes-0123456789"
	express := expressCookieApp(t)
	xat := xAccessTokenApp(t, strong)
	fast := fastAPIApp(t)
	sub := subApp(t)
	crash := crashApp(t, strong)
	subTok := newHSApp(t, "unknown-to-probe-and-long-enough-0123456789")

	tests := []struct {
		name string
		env  map[string]string
		args []string
		code int
		want map[string]string
	}{
		{"express cookie app", map[string]string{"PW": "s3cret-pass"},
			[]string{express.URL + "/api/profile", "--token-in", "cookie:token", "--login-url", express.URL + "/login",
				"--login-format", "json", "--login-token-path", "token", "--login-user", "alice", "--login-password-env", "PW"},
			7, allVerdicts("pass", map[string]string{
				"auth.www-authenticate": "skip", "auth.invalid-token-status": "warn", "jwt.key-confusion": "skip", "jwt.psychic-signature": "skip",
				"jwt.no-exp": "warn", "jwt.wrong-issuer": "warn", "jwt.wrong-audience": "warn", "jwt.weak-secret": "fail",
				"authz.insufficient-role": "skip", "authz.low-privilege": "skip", "resp.cache-control": "warn",
				"tls.http-redirect": "warn", "tls.no-downgrade-redirect": "skip", "tls.hsts": "skip", "cors.vary-origin": "pass",
				"csrf.applicability": "warn", "csrf.foreign-origin-write": "skip", "cookie.token-flags": "fail",
			})},
		{"x-access-token app", nil,
			[]string{xat.URL + "/api/test/user", "--token-in", "header:x-access-token", "--secret-env", "S", "--sub", "alice"},
			0, allVerdicts("pass", map[string]string{
				"auth.www-authenticate": "skip", "jwt.key-confusion": "skip", "jwt.psychic-signature": "skip",
				"jwt.wrong-issuer": "warn", "jwt.wrong-audience": "warn", "jwt.no-exp": "warn", "authz.insufficient-role": "skip", "authz.low-privilege": "skip",
				"resp.cache-control": "warn", "tls.http-redirect": "warn", "tls.no-downgrade-redirect": "skip", "tls.hsts": "skip",
				"csrf.applicability": "info", "csrf.foreign-origin-write": "skip", "cookie.token-flags": "skip",
			})},
		{"FastAPI password grant", map[string]string{"PW": "johndoe-pass-1", "BOBPW": "bobs-pass"},
			[]string{fast.URL + "/users/me/items", "--login-url", fast.URL + "/token", "--login-client-id", "probe-client",
				"--login-user", "johndoe", "--login-password-env", "PW", "--low-login-user", "bob", "--low-login-password-env", "BOBPW", "--scope", "items"},
			7, allVerdicts("pass", map[string]string{
				"auth.www-authenticate": "info", "jwt.key-confusion": "skip", "jwt.psychic-signature": "skip",
				"jwt.no-exp": "warn", "jwt.wrong-issuer": "warn", "jwt.wrong-audience": "warn", "jwt.weak-secret": "fail",
				"authz.insufficient-role": "warn", "authz.low-privilege": "warn", "resp.cache-control": "warn",
				"tls.http-redirect": "warn", "tls.no-downgrade-redirect": "skip", "tls.hsts": "skip",
				"csrf.applicability": "info", "csrf.foreign-origin-write": "skip", "cookie.token-flags": "skip",
			})},
		{"app that authorises by sub", nil,
			[]string{sub.URL + "/users/alice/notes", "--token", subTok.issue(t, "alice", nil), "--token-in", "form:access_token",
				"--method", "POST", "--allow-write", "--body", "note=hi", "--content-type", "application/x-www-form-urlencoded"},
			7, allVerdicts("fail", map[string]string{
				"probe.baseline": "pass", "probe.persistence": "pass", "auth.missing-token": "pass", "auth.www-authenticate": "skip",
				"auth.malformed": "pass", "auth.query-token": "pass",
				// a claim-reflection marker in sub makes this app answer 403
				"auth.invalid-token-status": "warn", "jwt.claim-reflection": "pass", "jwt.unknown-crit": "skip",
				"jwt.key-confusion": "skip", "jwt.psychic-signature": "skip", "jwt.expired": "skip", "jwt.nbf-future": "skip", "jwt.no-exp": "skip",
				"jwt.wrong-issuer": "skip", "jwt.wrong-audience": "skip", "jwt.weak-secret": "pass",
				"authz.insufficient-role": "skip", "authz.low-privilege": "skip", "resp.no-stack-trace": "pass", "resp.cache-control": "warn",
				"resp.availability": "pass", "resp.server-error": "pass",
				"tls.http-redirect": "warn", "tls.no-downgrade-redirect": "skip", "tls.hsts": "skip",
				"cors.reflect-arbitrary": "pass", "cors.null-origin": "pass", "cors.origin-matching": "pass", "cors.preflight": "pass", "cors.vary-origin": "pass",
				"csrf.applicability": "info", "csrf.foreign-origin-write": "skip", "cookie.token-flags": "skip",
			})},
		{"app that crashes on a non-string claim", nil,
			[]string{crash.URL + "/protected", "--token-in", "query:token", "--secret-env", "S", "--sub", "alice", "--scope", "read"},
			7, allVerdicts("pass", map[string]string{
				"auth.query-token": "warn", "jwt.key-confusion": "skip", "jwt.psychic-signature": "skip",
				"jwt.wrong-issuer": "warn", "jwt.wrong-audience": "warn", "jwt.no-exp": "warn", "authz.insufficient-role": "fail", "authz.low-privilege": "skip",
				"resp.server-error": "fail", "resp.cache-control": "warn", "tls.http-redirect": "warn", "tls.no-downgrade-redirect": "skip", "tls.hsts": "skip",
				"auth.www-authenticate": "skip", "csrf.applicability": "info", "csrf.foreign-origin-write": "skip", "cookie.token-flags": "skip",
			})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{"S": strong}
			for k, v := range tt.env {
				env[k] = v
			}
			code, got, dumpText := probeVerdicts(t, env, tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d", code, tt.code)
			}
			var ids []string
			for id := range tt.want {
				ids = append(ids, id)
			}
			sort.Strings(ids)
			for _, id := range ids {
				if got[id] != tt.want[id] {
					t.Errorf("%s = %s, want %s", id, got[id], tt.want[id])
				}
			}
			if t.Failed() {
				t.Log("\n" + dumpText)
			}
		})
	}
}

// dyingApp answers the first token it sees (probe's baseline sends the
// valid token first) and requests without a token, and closes its listener
// and the connection on the first request with any other token.
func dyingApp(t *testing.T) *httptest.Server {
	var mu sync.Mutex
	var valid string
	var once sync.Once
	var ts *httptest.Server
	ts = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a := r.Header.Get("Authorization")
		mu.Lock()
		if valid == "" && a != "" {
			valid = a
		}
		ok := a == valid
		mu.Unlock()
		switch {
		case a == "" && r.URL.RawQuery == "":
			w.Header().Set("WWW-Authenticate", `Bearer realm="api"`)
			writeJSONBody(w, 401, map[string]string{"detail": "Not authenticated"})
			return
		case ok && r.URL.RawQuery == "":
			writeJSONBody(w, 200, map[string]any{"user": "alice"})
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

// TestProbeAPIThatDies: the app that dies on the first bad request fails
// resp.availability and exits 7; the 2 s pause is injected, nothing
// sleeps.
func TestProbeAPIThatDies(t *testing.T) {
	const strong = "a-long-random-secret-nobody-publishes-0123456789"
	ts := dyingApp(t)
	f, out, errOut := testFactory(t, "", map[string]string{"S": strong})
	var waited []time.Duration
	c := newProbeCmd(f, func(o *probeOptions) error {
		o.wait = func(_ context.Context, d time.Duration) error { waited = append(waited, d); return nil }
		return runProbe(context.Background(), o)
	})
	c.SetArgs([]string{ts.URL + "/me", "--secret-env", "S", "--sub", "alice", "--concurrency", "1", "-o", "json"})
	c.SetOut(io.Discard)
	c.SetErr(io.Discard)
	c.SilenceErrors, c.SilenceUsage = true, true
	code := exitCode(c.Execute())
	if code != ExitProbeFailed {
		t.Errorf("exit %d, want 7\n%s", code, errOut)
	}
	var rep probe.Report
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	got := map[string]probe.Verdict{}
	for _, ch := range rep.Checks {
		got[ch.ID] = ch.Verdict
	}
	if got["resp.availability"] != probe.Fail || got["probe.baseline"] != probe.Pass || got["probe.persistence"] != probe.Error {
		t.Errorf("availability %s, baseline %s, persistence %s", got["resp.availability"], got["probe.baseline"], got["probe.persistence"])
	}
	for id, v := range got {
		if v == probe.Fail && id != "resp.availability" {
			t.Errorf("%s = fail", id)
		}
	}
	if rep.Summary.Fail != 1 || rep.Summary.Error == 0 {
		t.Errorf("summary %+v", rep.Summary)
	}
	if len(waited) != 1 || waited[0] != 2*time.Second {
		t.Errorf("waited %v", waited)
	}
}

package server_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jwtkit/jwtkit/internal/server"
	"github.com/jwtkit/jwtkit/pkg/keys"
	"github.com/jwtkit/jwtkit/pkg/token"
)

// now is the verification clock of every test here.
var now = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

const allowedOrigin = "https://app.example"

// fixture is one signing key, a verifier for it and tokens minted with it.
type fixture struct {
	t      *testing.T
	key    *keys.Key
	signer *token.Signer
	other  *token.Signer // a different key of the same alg: bad signatures
	set    *keys.Set
	v      *token.Verifier
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	key, err := keys.Generate("ES256", keys.GenerateOptions{KID: "test-key"})
	if err != nil {
		t.Fatal(err)
	}
	otherKey, err := keys.Generate("ES256", keys.GenerateOptions{KID: "test-key"})
	if err != nil {
		t.Fatal(err)
	}
	signer, err := token.NewSigner(key, "ES256", nil)
	if err != nil {
		t.Fatal(err)
	}
	other, err := token.NewSigner(otherKey, "ES256", nil)
	if err != nil {
		t.Fatal(err)
	}
	set := keys.NewSet(key.PublicKey())
	v, err := token.NewVerifier(set, token.Policy{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{t: t, key: key, signer: signer, other: other, set: set, v: v}
}

// claims is a valid claim set for alice with roles, expiring in 15 minutes.
func claims(roles ...string) map[string]any {
	c := map[string]any{
		"sub": "alice",
		"iat": now.Unix(),
		"exp": now.Add(15 * time.Minute).Unix(),
	}
	if roles != nil {
		r := make([]any, len(roles))
		for i, s := range roles {
			r[i] = s
		}
		c["roles"] = r
	}
	return c
}

func (f *fixture) sign(s *token.Signer, c map[string]any) string {
	f.t.Helper()
	tok, err := s.Sign(c)
	if err != nil {
		f.t.Fatal(err)
	}
	return tok
}

func (f *fixture) valid(roles ...string) string { return f.sign(f.signer, claims(roles...)) }

func (f *fixture) expired() string {
	c := claims("admin")
	c["iat"] = now.Add(-2 * time.Hour).Unix()
	c["exp"] = now.Add(-time.Hour).Unix()
	return f.sign(f.signer, c)
}

func (f *fixture) badSignature() string { return f.sign(f.other, claims("admin")) }

func (f *fixture) handler(t *testing.T, mod func(*server.Config)) http.Handler {
	t.Helper()
	cfg := server.Config{
		Verifier:     f.v,
		Keys:         f.set,
		AdminRoles:   []string{"admin"},
		AllowOrigins: []string{allowedOrigin},
		Now:          func() time.Time { return now },
	}
	if mod != nil {
		mod(&cfg)
	}
	h, err := server.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// req describes one request of a table.
type req struct {
	name    string
	method  string
	path    string
	header  map[string][]string
	body    string
	status  int
	auth    string // expected WWW-Authenticate; "-" means absent, "" means not checked
	errCode string // expected "error" member of a JSON error body
}

func do(t *testing.T, c *http.Client, base string, r req) (*http.Response, []byte) {
	t.Helper()
	method := r.method
	if method == "" {
		method = http.MethodGet
	}
	var body io.Reader
	if r.body != "" {
		body = strings.NewReader(r.body)
	}
	hr, err := http.NewRequest(method, base+r.path, body)
	if err != nil {
		t.Fatal(err)
	}
	for k, vs := range r.header {
		for _, v := range vs {
			hr.Header.Add(k, v)
		}
	}
	resp, err := c.Do(hr)
	if err != nil {
		t.Fatalf("%s: %v", r.name, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

func bearer(tok string) map[string][]string {
	return map[string][]string{"Authorization": {"Bearer " + tok}}
}

func with(h map[string][]string, kv ...string) map[string][]string {
	out := map[string][]string{}
	for k, v := range h {
		out[k] = append([]string(nil), v...)
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i]] = append(out[kv[i]], kv[i+1])
	}
	return out
}

const (
	challengeNone    = `Bearer realm="jwtkit"`
	challengeInvalid = `Bearer realm="jwtkit", error="invalid_token"`
	challengeRequest = `Bearer realm="jwtkit", error="invalid_request"`
	challengeScope   = `Bearer realm="jwtkit", error="insufficient_scope"`
)

func TestRoutes(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	srv := httptest.NewServer(f.handler(t, nil))
	defer srv.Close()
	valid, admin, expired, badSig := f.valid("reader"), f.valid("admin"), f.expired(), f.badSignature()
	self := srv.URL // the server's own origin
	jsonCT := "application/json"
	secrets := []string{valid, admin, expired, badSig}

	tests := []req{
		{name: "no token", path: "/me", status: 401, auth: challengeNone, errCode: "unauthorized"},
		{name: "valid", path: "/me", header: bearer(valid), status: 200, auth: "-"},
		{name: "lowercase scheme", path: "/me", header: map[string][]string{"Authorization": {"bearer " + valid}}, status: 200},
		{name: "expired", path: "/me", header: bearer(expired), status: 401, auth: challengeInvalid, errCode: "invalid_token"},
		{name: "bad signature", path: "/me", header: bearer(badSig), status: 401, auth: challengeInvalid, errCode: "invalid_token"},
		{name: "empty bearer", path: "/me", header: map[string][]string{"Authorization": {"Bearer "}}, status: 401, auth: challengeInvalid},
		{name: "bearer x", path: "/me", header: bearer("x"), status: 401, auth: challengeInvalid},
		{name: "two segments", path: "/me", header: bearer("a.b"), status: 401, auth: challengeInvalid},
		{name: "four segments", path: "/me", header: bearer("a.b.c.d"), status: 401, auth: challengeInvalid},
		{name: "not base64url", path: "/me", header: bearer("a*b.c$d.e!f"), status: 401, auth: challengeInvalid},
		{name: "header not JSON", path: "/me", header: bearer("bm90IGpzb24.e30.c2ln"), status: 401, auth: challengeInvalid},
		{name: "8 KiB junk", path: "/me", header: bearer(strings.Repeat("A", 8<<10)), status: 401, auth: challengeInvalid},
		{name: "JSON JWS", path: "/me", header: bearer(`{"payload":"e30","signatures":[]}`), status: 401, auth: challengeInvalid},
		{name: "alg none", path: "/me", header: bearer("eyJhbGciOiJub25lIn0.eyJzdWIiOiJhbGljZSJ9."), status: 401, auth: challengeInvalid},
		{name: "basic scheme", path: "/me", header: map[string][]string{"Authorization": {"Basic YWxpY2U6cHc="}}, status: 401, auth: challengeNone},
		{name: "bare token", path: "/me", header: map[string][]string{"Authorization": {valid}}, status: 401, auth: challengeNone},
		{name: "cookie token", path: "/me", header: map[string][]string{"Cookie": {"access_token=" + valid}}, status: 401, auth: challengeNone},
		{name: "query token", path: "/me?access_token=" + valid, status: 400, auth: challengeRequest, errCode: "invalid_request"},
		{name: "header and query", path: "/me?access_token=" + valid, header: bearer(valid), status: 400, auth: challengeRequest},
		{name: "two headers", path: "/me", header: with(bearer(valid), "Authorization", "Bearer "+valid), status: 400, auth: challengeRequest},
		{name: "head no token", method: "HEAD", path: "/me", status: 401, auth: challengeNone},
		{name: "head valid", method: "HEAD", path: "/me", header: bearer(valid), status: 200},
		{name: "method override", method: "POST", path: "/me", header: map[string][]string{"X-HTTP-Method-Override": {"GET"}}, status: 405},
		{name: "delete", method: "DELETE", path: "/me", header: bearer(valid), status: 405, errCode: "method_not_allowed"},
		{name: "plain options", method: "OPTIONS", path: "/me", status: 405},
		{name: "trailing slash", path: "/me/", header: bearer(valid), status: 404, errCode: "not_found"},
		{name: "unknown", path: "/nope", status: 404},
		{name: "index", path: "/", status: 200},

		{name: "admin ok", path: "/admin", header: bearer(admin), status: 200},
		{name: "admin missing role", path: "/admin", header: bearer(valid), status: 403, auth: challengeScope, errCode: "insufficient_scope"},
		{name: "admin no token", path: "/admin", status: 401, auth: challengeNone},
		{name: "admin expired", path: "/admin", header: bearer(expired), status: 401, auth: challengeInvalid},

		{name: "items no origin", method: "POST", path: "/items", header: with(bearer(valid), "Content-Type", jsonCT), body: `{"a":1}`, status: 201},
		{name: "items own origin", method: "POST", path: "/items", header: with(bearer(valid), "Content-Type", jsonCT, "Origin", self, "Sec-Fetch-Site", "same-origin"), body: `{"a":1}`, status: 201},
		{name: "items allowed origin", method: "POST", path: "/items", header: with(bearer(valid), "Content-Type", jsonCT, "Origin", allowedOrigin, "Sec-Fetch-Site", "cross-site"), body: `{"a":1}`, status: 201},
		{name: "items foreign origin", method: "POST", path: "/items", header: with(bearer(valid), "Content-Type", jsonCT, "Origin", "https://evil.example"), body: `{"a":1}`, status: 403, auth: "-", errCode: "forbidden_origin"},
		{name: "items suffix origin", method: "POST", path: "/items", header: with(bearer(valid), "Content-Type", jsonCT, "Origin", allowedOrigin+".evil.example"), body: `{"a":1}`, status: 403},
		{name: "items null origin", method: "POST", path: "/items", header: with(bearer(valid), "Content-Type", jsonCT, "Origin", "null"), body: `{"a":1}`, status: 403},
		{name: "items cross-site", method: "POST", path: "/items", header: with(bearer(valid), "Content-Type", jsonCT, "Sec-Fetch-Site", "cross-site"), body: `{"a":1}`, status: 403},
		{name: "items cross-site own origin", method: "POST", path: "/items", header: with(bearer(valid), "Content-Type", jsonCT, "Origin", self, "Sec-Fetch-Site", "cross-site"), body: `{"a":1}`, status: 403},
		{name: "items foreign no token", method: "POST", path: "/items", header: map[string][]string{"Origin": {"https://evil.example"}, "Sec-Fetch-Site": {"cross-site"}}, body: `{}`, status: 403},
		{name: "items no token", method: "POST", path: "/items", header: map[string][]string{"Content-Type": {jsonCT}}, body: `{}`, status: 401, auth: challengeNone},
		{name: "items text/plain", method: "POST", path: "/items", header: with(bearer(valid), "Content-Type", "text/plain"), body: `{"a":1}`, status: 415},
		{name: "items form", method: "POST", path: "/items", header: with(bearer(valid), "Content-Type", "application/x-www-form-urlencoded"), body: `a=1`, status: 415},
		{name: "items form token", method: "POST", path: "/items", header: map[string][]string{"Content-Type": {"application/x-www-form-urlencoded"}}, body: "access_token=" + valid, status: 401, auth: challengeNone},
		{name: "items bad json", method: "POST", path: "/items", header: with(bearer(valid), "Content-Type", jsonCT), body: `{"a":`, status: 400},
		{name: "items array", method: "POST", path: "/items", header: with(bearer(valid), "Content-Type", jsonCT), body: `[1]`, status: 400},
		{name: "items trailing data", method: "POST", path: "/items", header: with(bearer(valid), "Content-Type", jsonCT), body: `{} {}`, status: 400},
		{name: "items null body", method: "POST", path: "/items", header: with(bearer(valid), "Content-Type", jsonCT), body: `null`, status: 400},
		{name: "items too large after the object", method: "POST", path: "/items", header: with(bearer(valid), "Content-Type", jsonCT), body: `{}` + strings.Repeat(" ", server.DefaultMaxBodyBytes), status: 413},
		{name: "items too large", method: "POST", path: "/items", header: with(bearer(valid), "Content-Type", jsonCT), body: `{"a":"` + strings.Repeat("x", server.DefaultMaxBodyBytes) + `"}`, status: 413},
		{name: "items get", path: "/items", header: bearer(valid), status: 405},

		{name: "jwks", path: "/.well-known/jwks.json", status: 200},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := do(t, srv.Client(), srv.URL, tc)
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d; body %s", resp.StatusCode, tc.status, body)
			}
			checkCommon(t, resp, body, false, secrets)
			got := resp.Header.Get("WWW-Authenticate")
			switch {
			case tc.auth == "-" && got != "":
				t.Errorf("WWW-Authenticate %q, want none", got)
			case tc.auth != "" && tc.auth != "-" && !strings.HasPrefix(got, tc.auth):
				t.Errorf("WWW-Authenticate %q, want %q...", got, tc.auth)
			case resp.StatusCode == 401 && got == "":
				t.Error("401 without WWW-Authenticate")
			}
			if tc.auth == challengeNone && got != challengeNone {
				t.Errorf("no-credential challenge %q carries more than the realm", got)
			}
			if tc.errCode != "" {
				var e struct{ Error string }
				if err := json.Unmarshal(body, &e); err != nil || e.Error != tc.errCode {
					t.Errorf("error body %s, want error %q", body, tc.errCode)
				}
			}
			if resp.StatusCode == 405 && resp.Header.Get("Allow") == "" {
				t.Error("405 without Allow")
			}
		})
	}
}

// checkCommon holds for every API response: no-store, HSTS exactly when
// over TLS, a JSON body without internals or secrets.
func checkCommon(t *testing.T, resp *http.Response, body []byte, overTLS bool, secrets []string) {
	t.Helper()
	if got := resp.Header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("Cache-Control %q, want no-store", got)
	}
	sts := resp.Header.Values("Strict-Transport-Security")
	if overTLS && (len(sts) != 1 || sts[0] != server.HSTSValue) {
		t.Errorf("HSTS %q over TLS, want one %q", sts, server.HSTSValue)
	}
	if !overTLS && len(sts) != 0 {
		t.Errorf("HSTS %q over plain HTTP", sts)
	}
	if v := resp.Header.Values("Vary"); !contains(v, "Origin") {
		t.Errorf("Vary %q lacks Origin", v)
	}
	for _, s := range []string{"goroutine", "panic", ".go:", "runtime.", "segments", "base64"} {
		if bytes.Contains(body, []byte(s)) {
			t.Errorf("body leaks %q: %s", s, body)
		}
	}
	for _, s := range secrets {
		if bytes.Contains(body, []byte(s)) || strings.Contains(resp.Header.Get("WWW-Authenticate"), s) {
			t.Error("response echoes a token")
		}
	}
	if resp.Request.Method != http.MethodHead && resp.StatusCode != http.StatusNoContent && !json.Valid(body) {
		t.Errorf("body is not JSON: %s", body)
	}
}

func contains(list []string, want string) bool {
	for _, v := range list {
		for _, p := range strings.Split(v, ",") {
			if strings.TrimSpace(p) == want {
				return true
			}
		}
	}
	return false
}

func TestMeReturnsClaims(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	srv := httptest.NewServer(f.handler(t, nil))
	defer srv.Close()
	resp, body := do(t, srv.Client(), srv.URL, req{path: "/me", header: bearer(f.valid("admin"))})
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	var got map[string]any
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatal(err)
	}
	if got["sub"] != "alice" || got["exp"] != float64(now.Add(15*time.Minute).Unix()) {
		t.Errorf("claims %v", got)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q", ct)
	}
}

func TestItemsEcho(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	srv := httptest.NewServer(f.handler(t, nil))
	defer srv.Close()
	resp, body := do(t, srv.Client(), srv.URL, req{method: "POST", path: "/items",
		header: with(bearer(f.valid()), "Content-Type", "application/json; charset=utf-8"), body: `{"name":"x"}`})
	if resp.StatusCode != 201 {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	if !strings.Contains(string(body), `"created_by":"alice"`) || !strings.Contains(string(body), `"name":"x"`) {
		t.Errorf("body %s", body)
	}
}

func TestHSTSOnlyOverTLS(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	srv := httptest.NewTLSServer(f.handler(t, nil))
	defer srv.Close()
	for _, r := range []req{
		{path: "/me", status: 401},
		{path: "/me", header: bearer(f.valid()), status: 200},
		{path: "/admin", header: bearer(f.valid()), status: 403},
		{path: "/nope", status: 404},
		{path: "/.well-known/jwks.json", status: 200},
		{method: "OPTIONS", path: "/me", header: map[string][]string{"Origin": {allowedOrigin}, "Access-Control-Request-Method": {"GET"}}, status: 204},
	} {
		resp, body := do(t, srv.Client(), srv.URL, r)
		if resp.StatusCode != r.status {
			t.Errorf("%s %s: status %d, want %d", r.method, r.path, resp.StatusCode, r.status)
		}
		checkCommon(t, resp, body, true, nil)
	}
	// The own-origin rule of POST /items uses the https scheme over TLS.
	resp, _ := do(t, srv.Client(), srv.URL, req{method: "POST", path: "/items",
		header: with(bearer(f.valid()), "Content-Type", "application/json", "Origin", srv.URL), body: "{}"})
	if resp.StatusCode != 201 {
		t.Errorf("own https origin: status %d", resp.StatusCode)
	}
	plainOrigin := "http://" + strings.TrimPrefix(srv.URL, "https://")
	resp, _ = do(t, srv.Client(), srv.URL, req{method: "POST", path: "/items",
		header: with(bearer(f.valid()), "Content-Type", "application/json", "Origin", plainOrigin), body: "{}"})
	if resp.StatusCode != 403 {
		t.Errorf("http origin on https server: status %d, want 403", resp.StatusCode)
	}
}

func TestCORS(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	srv := httptest.NewServer(f.handler(t, func(c *server.Config) {
		c.AllowOrigins = append(c.AllowOrigins, "http://localhost:3000")
	}))
	defer srv.Close()
	tok := f.valid()
	for _, tc := range []struct {
		origin string
		allow  bool
	}{
		{allowedOrigin, true},
		{"http://localhost:3000", true},
		{"https://evil.example", false},
		{"null", false},
		{"*", false},
		{allowedOrigin + ".evil.example", false}, // suffix matching
		{"https://evilapp.example", false},       // prefix matching
		{"https://app_.example", false},
		{"https://app.example:443", false},
		{"http://app.example", false},
		{"https://APP.example", false},
		{allowedOrigin + "/", false},
		{"https://xapp.example", false},
	} {
		for _, h := range []map[string][]string{bearer(tok), nil} {
			resp, _ := do(t, srv.Client(), srv.URL, req{path: "/me", header: with(h, "Origin", tc.origin)})
			acao := resp.Header.Get("Access-Control-Allow-Origin")
			if tc.allow && acao != tc.origin {
				t.Errorf("origin %q: ACAO %q, want it echoed", tc.origin, acao)
			}
			if !tc.allow && acao != "" {
				t.Errorf("origin %q: ACAO %q, want none", tc.origin, acao)
			}
			if resp.Header.Get("Access-Control-Allow-Credentials") != "" {
				t.Errorf("origin %q: credentials allowed", tc.origin)
			}
			if !contains(resp.Header.Values("Vary"), "Origin") {
				t.Errorf("origin %q: no Vary: Origin", tc.origin)
			}
		}
	}
	// Several Origin headers are never allowed.
	resp, _ := do(t, srv.Client(), srv.URL, req{path: "/me", header: with(bearer(tok), "Origin", allowedOrigin, "Origin", allowedOrigin)})
	if acao := resp.Header.Get("Access-Control-Allow-Origin"); acao != "" {
		t.Errorf("two Origin headers: ACAO %q", acao)
	}
}

func TestPreflight(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	srv := httptest.NewServer(f.handler(t, nil))
	defer srv.Close()
	pre := func(origin, path, method string) (*http.Response, []byte) {
		return do(t, srv.Client(), srv.URL, req{method: "OPTIONS", path: path, header: map[string][]string{
			"Origin":                         {origin},
			"Access-Control-Request-Method":  {method},
			"Access-Control-Request-Headers": {"authorization, content-type"},
		}})
	}
	for _, tc := range []struct {
		origin, path, method string
		status               int
		methods              string
	}{
		{allowedOrigin, "/me", "GET", 204, "GET, HEAD"},
		{allowedOrigin, "/me", "DELETE", 204, "GET, HEAD"}, // the browser sees DELETE is not allowed
		{allowedOrigin, "/items", "POST", 204, "POST"},
		{allowedOrigin, "/admin", "GET", 204, "GET, HEAD"},
		{"https://evil.example", "/me", "DELETE", 403, ""},
		{"https://evil.example", "/items", "POST", 403, ""},
		{"null", "/me", "GET", 403, ""},
		{allowedOrigin + ".evil.example", "/me", "GET", 403, ""},
		{allowedOrigin, "/nope", "GET", 404, ""},
	} {
		resp, body := pre(tc.origin, tc.path, tc.method)
		name := tc.origin + " " + tc.method + " " + tc.path
		if resp.StatusCode != tc.status {
			t.Errorf("%s: status %d, want %d: %s", name, resp.StatusCode, tc.status, body)
			continue
		}
		checkCommon(t, resp, body, false, nil)
		hd := resp.Header
		if tc.status != 204 {
			for _, k := range []string{"Access-Control-Allow-Origin", "Access-Control-Allow-Methods", "Access-Control-Allow-Headers"} {
				if hd.Get(k) != "" {
					t.Errorf("%s: refused preflight has %s: %q", name, k, hd.Get(k))
				}
			}
			continue
		}
		if hd.Get("Access-Control-Allow-Origin") != tc.origin {
			t.Errorf("%s: ACAO %q", name, hd.Get("Access-Control-Allow-Origin"))
		}
		if hd.Get("Access-Control-Allow-Methods") != tc.methods {
			t.Errorf("%s: methods %q, want %q", name, hd.Get("Access-Control-Allow-Methods"), tc.methods)
		}
		if ah := hd.Get("Access-Control-Allow-Headers"); ah != "Authorization, Content-Type" {
			t.Errorf("%s: headers %q", name, ah)
		}
		age, err := strconv.Atoi(hd.Get("Access-Control-Max-Age"))
		if err != nil || age <= 0 || age > 86400 {
			t.Errorf("%s: Max-Age %q", name, hd.Get("Access-Control-Max-Age"))
		}
		if hd.Get("Access-Control-Allow-Credentials") != "" || hd.Get("Access-Control-Allow-Private-Network") != "" {
			t.Errorf("%s: credentials or private network granted", name)
		}
		if hd.Get("WWW-Authenticate") != "" {
			t.Errorf("%s: preflight challenged", name)
		}
	}
}

func TestCheckOrigin(t *testing.T) {
	t.Parallel()
	for _, ok := range []string{"https://app.example", "http://localhost:3000", "https://[::1]:8443", "http://127.0.0.1:8080"} {
		if err := server.CheckOrigin(ok); err != nil {
			t.Errorf("CheckOrigin(%q) = %v", ok, err)
		}
	}
	for _, bad := range []string{"", "null", "*", "https://*.example", "app.example", "ftp://app.example",
		"https://app.example/", "https://app.example/x", "https://app.example?x", "https://app.example#x",
		"https://u@app.example", "https://App.example", "https://app.example:443", "http://app.example:80",
		"https://app.example:99999", "HTTPS://app.example", "https://", "https://:8080"} {
		if err := server.CheckOrigin(bad); err == nil {
			t.Errorf("CheckOrigin(%q) = nil, want an error", bad)
		}
	}
	f := newFixture(t)
	for _, bad := range []string{"null", "*"} {
		if _, err := server.New(server.Config{Verifier: f.v, AllowOrigins: []string{bad}}); err == nil {
			t.Errorf("New accepted allowed origin %q", bad)
		}
	}
	if _, err := server.New(server.Config{}); err == nil {
		t.Error("New accepted a config without a verifier")
	}
}

func TestJWKS(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	srv := httptest.NewServer(f.handler(t, func(c *server.Config) {
		// The private key in the set must never be published.
		c.Keys = keys.NewSet(f.key)
	}))
	defer srv.Close()
	resp, body := do(t, srv.Client(), srv.URL, req{path: "/.well-known/jwks.json"})
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	var doc struct{ Keys []map[string]any }
	if err := json.Unmarshal(body, &doc); err != nil || len(doc.Keys) != 1 {
		t.Fatalf("JWKS %s: %v", body, err)
	}
	if doc.Keys[0]["kid"] != "test-key" {
		t.Errorf("kid %v", doc.Keys[0]["kid"])
	}
	if _, ok := doc.Keys[0]["d"]; ok {
		t.Error("JWKS publishes the private key")
	}
	set, err := keys.Parse(body, "jwks")
	if err != nil || len(set.Keys) != 1 || set.Keys[0].IsPrivate() {
		t.Errorf("published JWKS does not parse as one public key: %v", err)
	}

	secret, err := keys.NewSecret([]byte("0123456789abcdef0123456789abcdef"), "test")
	if err != nil {
		t.Fatal(err)
	}
	hset := keys.NewSet(secret)
	hv, err := token.NewVerifier(hset, token.Policy{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	hsrv := httptest.NewServer(f.handler(t, func(c *server.Config) { c.Keys, c.Verifier = hset, hv }))
	defer hsrv.Close()
	resp, body = do(t, hsrv.Client(), hsrv.URL, req{path: "/.well-known/jwks.json"})
	if resp.StatusCode != 404 {
		t.Errorf("HMAC JWKS: status %d, want 404", resp.StatusCode)
	}
	if bytes.Contains(body, []byte("0123456789abcdef")) {
		t.Error("HMAC secret published")
	}
}

func TestRequestLog(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	var buf bytes.Buffer
	srv := httptest.NewServer(f.handler(t, func(c *server.Config) { c.Log = &buf }))
	tok := f.valid()
	do(t, srv.Client(), srv.URL, req{path: "/me", header: bearer(tok)})
	do(t, srv.Client(), srv.URL, req{path: "/me?access_token=" + tok})
	do(t, srv.Client(), srv.URL, req{path: "/admin"})
	srv.Close()
	log := buf.String()
	for _, want := range []string{"03:04:05 GET /me 200 ", "GET /me 400 ", "GET /admin 401 "} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %q:\n%s", want, log)
		}
	}
	if strings.Contains(log, tok) || strings.Contains(log, "access_token") || strings.Contains(log, "Bearer") {
		t.Errorf("log leaks the token or query:\n%s", log)
	}
	if n := strings.Count(log, "\n"); n != 3 {
		t.Errorf("%d log lines, want 3", n)
	}
}

func TestRedirectHandler(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(server.RedirectHandler("8443", "localhost"))
	defer srv.Close()
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	host := strings.TrimPrefix(srv.URL, "http://")
	hostname, _, _ := net.SplitHostPort(host)
	for _, tc := range []struct{ method, path, want string }{
		{"GET", "/me?q=1&x=%2F", "https://" + hostname + ":8443/me?q=1&x=%2F"},
		{"POST", "/items", "https://" + hostname + ":8443/items"},
		{"GET", "/", "https://" + hostname + ":8443/"},
		{"OPTIONS", "/me", "https://" + hostname + ":8443/me"},
		{"GET", "/a%20b/c?access_token=x", "https://" + hostname + ":8443/a%20b/c?access_token=x"},
	} {
		hr, _ := http.NewRequest(tc.method, srv.URL+tc.path, strings.NewReader("{}"))
		hr.Header.Set("Authorization", "Bearer not-a-token")
		hr.Header.Set("Origin", "https://evil.example")
		resp, err := noFollow.Do(hr)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusPermanentRedirect {
			t.Errorf("%s %s: status %d, want 308", tc.method, tc.path, resp.StatusCode)
		}
		if got := resp.Header.Get("Location"); got != tc.want {
			t.Errorf("%s %s: Location %q, want %q", tc.method, tc.path, got, tc.want)
		}
		for _, k := range []string{"Strict-Transport-Security", "WWW-Authenticate", "Access-Control-Allow-Origin"} {
			if v := resp.Header.Get(k); v != "" {
				t.Errorf("%s %s: plain-HTTP response has %s: %q", tc.method, tc.path, k, v)
			}
		}
		if len(body) != 0 {
			t.Errorf("%s %s: plain-HTTP response has a body: %s", tc.method, tc.path, body)
		}
	}
	// The default port is left out of the URL.
	h443 := server.RedirectHandler("443", "localhost")
	rr := httptest.NewRecorder()
	h443.ServeHTTP(rr, httptest.NewRequest("GET", "http://127.0.0.1:8081/me?a=b", nil))
	if got := rr.Header().Get("Location"); got != "https://127.0.0.1/me?a=b" {
		t.Errorf("Location %q", got)
	}
	rr = httptest.NewRecorder()
	r6 := httptest.NewRequest("GET", "http://[::1]:8081/me", nil)
	server.RedirectHandler("8443", "localhost").ServeHTTP(rr, r6)
	if got := rr.Header().Get("Location"); got != "https://[::1]:8443/me" {
		t.Errorf("IPv6 Location %q", got)
	}
}

func TestRunTLSWithRedirect(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	cert, certPEM, err := server.SelfSigned(nil, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	api, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	redir, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- server.Run(ctx, server.Options{Handler: f.handler(t, nil), API: api, TLS: server.TLSConfig(cert), Redirect: redir})
	}()
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(certPEM) {
		t.Fatal("certificate PEM does not load")
	}
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}
	client := &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	defer tr.CloseIdleConnections()
	_, apiPort, _ := net.SplitHostPort(api.Addr().String())

	// Trusted through the written PEM alone, on both names.
	for _, host := range []string{"127.0.0.1", "localhost"} {
		base := "https://" + net.JoinHostPort(host, apiPort)
		resp, body := do(t, client, base, req{path: "/me", header: bearer(f.valid())})
		if resp.StatusCode != 200 {
			t.Fatalf("%s: status %d", base, resp.StatusCode)
		}
		checkCommon(t, resp, body, true, nil)
	}
	// Plain HTTP only redirects, to the same path and query on the API port.
	resp, body := do(t, client, "http://"+redir.Addr().String(), req{path: "/me?x=1", header: bearer(f.valid())})
	if resp.StatusCode != 308 || resp.Header.Get("Location") != "https://127.0.0.1:"+apiPort+"/me?x=1" {
		t.Errorf("redirect: %d %q %s", resp.StatusCode, resp.Header.Get("Location"), body)
	}
	if resp.Header.Get("Strict-Transport-Security") != "" {
		t.Error("HSTS over plain HTTP")
	}
	// The API port does not speak plain HTTP.
	if resp, err := http.Get("http://" + api.Addr().String() + "/me"); err == nil {
		if resp.StatusCode < 400 {
			t.Errorf("plain HTTP on the TLS port: status %d", resp.StatusCode)
		}
		resp.Body.Close()
	}
	cancel()
	if err := <-done; err != nil { // the test binary's timeout guards a hang
		t.Errorf("Run: %v", err)
	}
	if _, err := net.DialTimeout("tcp", api.Addr().String(), time.Second); err == nil {
		t.Error("API listener still open after shutdown")
	}
}

func TestRunRefusesRedirectWithoutTLS(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	api, _ := net.Listen("tcp", "127.0.0.1:0")
	redir, _ := net.Listen("tcp", "127.0.0.1:0")
	if err := server.Run(context.Background(), server.Options{Handler: f.handler(t, nil), API: api, Redirect: redir}); err == nil {
		t.Error("Run served a redirect listener without TLS")
	}
}

// TestRunClosesListenersWhenRefused: Run closes what it was given even when
// the options are unusable, as its doc promises.
func TestRunClosesListenersWhenRefused(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		o    server.Options
	}{
		{"no handler", server.Options{}},
		{"redirect without TLS", server.Options{Handler: http.NotFoundHandler()}},
	} {
		api, redir := &closeCounter{}, &closeCounter{}
		tt.o.API, tt.o.Redirect = api, redir
		if err := server.Run(context.Background(), tt.o); err == nil {
			t.Fatalf("%s: Run served", tt.name)
		}
		if api.closed != 1 || redir.closed != 1 {
			t.Errorf("%s: listeners closed %d and %d times, want once each", tt.name, api.closed, redir.closed)
		}
	}
}

// closeCounter is a listener that only counts Close calls.
type closeCounter struct {
	net.Listener
	closed int
}

func (c *closeCounter) Close() error { c.closed++; return nil }

func TestSelfSigned(t *testing.T) {
	t.Parallel()
	start := time.Now()
	cert, certPEM, err := server.SelfSigned([]string{"api.test", "10.1.2.3", "0.0.0.0"}, start)
	if err != nil {
		t.Fatal(err)
	}
	leaf := cert.Leaf
	if leaf.PublicKeyAlgorithm != x509.ECDSA || leaf.SignatureAlgorithm != x509.ECDSAWithSHA256 {
		t.Errorf("key %v, signature %v", leaf.PublicKeyAlgorithm, leaf.SignatureAlgorithm)
	}
	if d := leaf.NotAfter.Sub(start); d > server.CertValidity || d < server.CertValidity-time.Minute {
		t.Errorf("validity %v", d)
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	for _, name := range []string{"localhost", "127.0.0.1", "::1", "api.test", "10.1.2.3"} {
		if _, err := leaf.Verify(x509.VerifyOptions{DNSName: name, Roots: pool}); err != nil {
			t.Errorf("not valid for %s: %v", name, err)
		}
	}
	if _, err := leaf.Verify(x509.VerifyOptions{DNSName: "example.com", Roots: pool}); err == nil {
		t.Error("valid for example.com")
	}
	if !server.IsSelfSigned(certPEM) {
		t.Error("IsSelfSigned does not recognise its own certificate")
	}
	if bytes.Contains(certPEM, []byte("PRIVATE")) {
		t.Error("certificate PEM holds a private key")
	}
	other := httptest.NewTLSServer(http.NotFoundHandler())
	defer other.Close()
	foreign := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: other.Certificate().Raw})
	for _, b := range [][]byte{foreign, []byte("hello"), nil, append(certPEM, foreign...)} {
		if server.IsSelfSigned(b) {
			t.Errorf("IsSelfSigned(%.20q) = true", b)
		}
	}
}

package probe_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jwtkit/jwtkit/pkg/keys"
	"github.com/jwtkit/jwtkit/pkg/probe"
	"github.com/jwtkit/jwtkit/pkg/token"
)

// testNow is the fixed clock of the fixture servers and the probe.
var testNow = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

const (
	testIssuer   = "https://issuer.example"
	testAudience = "api"
	trusted      = "https://app.example"
)

// mistakes switches one classic mistake on in the fixture API.
type mistakes struct {
	noSigCheck     bool // decode without verifying the signature
	algNone        bool // accept alg none (any casing)
	noExpiry       bool // ignore exp
	noIssuer       bool // ignore iss
	noAudience     bool // ignore aud
	keyConfusion   bool // accept HS256 keyed with the public key's PEM
	forbiddenAnon  bool // 403 without a challenge for a missing token
	noChallenge    bool // 401 without WWW-Authenticate
	unauthzRole    bool // 401 instead of 403 for a missing role
	traceback      bool // 500 with a Python traceback for malformed tokens
	corsReflect    bool // echo any Origin with credentials
	corsNull       bool // allow Origin: null with credentials
	corsSuffix     bool // allow any origin ending in the trusted host
	foreignWrites  bool // accept writes from any Origin
	noHSTS         bool
	cacheable      bool // no Cache-Control on authenticated answers
	noPermRedirect bool // plain-http listener answers 302
	plainServes    bool // plain-http listener serves the API
}

// fixture is a small API: GET /me needs role admin, POST /items refuses
// foreign origins; it verifies with pkg/token unless a mistake says not.
type fixture struct {
	m        mistakes
	key      *keys.Key
	verifier *token.Verifier
	pubPEM   []byte
	hits     atomic.Int64
}

func newFixture(t testing.TB, key *keys.Key, alg string, m mistakes) *fixture {
	t.Helper()
	v, err := token.NewVerifier(keys.NewSet(key.PublicKey()), token.Policy{
		Algs: []string{alg}, Issuers: []string{testIssuer}, Audiences: []string{testAudience},
		Require: []string{"exp"}, Now: func() time.Time { return testNow },
	})
	if err != nil {
		t.Fatal(err)
	}
	fx := &fixture{m: m, key: key, verifier: v}
	if key.Public != nil {
		der, _ := x509.MarshalPKIXPublicKey(key.Public)
		fx.pubPEM = pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
	}
	return fx
}

func (fx *fixture) allowedOrigin(o string) bool {
	switch {
	case o == trusted:
		return true
	case fx.m.corsReflect && o != "":
		return true
	case fx.m.corsNull && o == "null":
		return true
	case fx.m.corsSuffix && strings.HasSuffix(o, "app.example"):
		return true
	}
	return false
}

// claimsOK applies the time and claim policy by hand, for the mistakes
// that skip the signature.
func claimsOK(c map[string]any) bool {
	num := func(n string) (float64, bool) {
		v, ok := c[n].(json.Number)
		if !ok {
			return 0, false
		}
		f, err := v.Float64()
		return f, err == nil
	}
	now := float64(testNow.Unix())
	if exp, ok := num("exp"); !ok || now >= exp {
		return false
	}
	if nbf, ok := num("nbf"); ok && now < nbf {
		return false
	}
	if c["iss"] != testIssuer {
		return false
	}
	switch a := c["aud"].(type) {
	case string:
		return a == testAudience
	case []any:
		return slices.Contains(a, any(testAudience))
	}
	return false
}

type authResult struct {
	claims    map[string]any
	status    int
	challenge string
	body      string
}

func (fx *fixture) authenticate(h string) authResult {
	const realm = `Bearer realm="api"`
	if h == "" {
		switch {
		case fx.m.forbiddenAnon:
			return authResult{status: 403, body: `{"detail":"Not authenticated"}`}
		case fx.m.noChallenge:
			return authResult{status: 401, body: `{"detail":"Not authenticated"}`}
		}
		return authResult{status: 401, challenge: realm, body: `{"detail":"Not authenticated"}`}
	}
	invalid := authResult{status: 401, challenge: realm + `, error="invalid_token"`, body: `{"detail":"Could not validate credentials"}`}
	if fx.m.noChallenge {
		invalid.challenge = ""
	}
	scheme, raw, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || raw == "" {
		return invalid
	}
	res := fx.verifier.Verify(raw)
	if res.Valid {
		return authResult{claims: res.Token.Claims, status: 200}
	}
	accept := func() authResult { return authResult{claims: res.Token.Claims, status: 200} }
	switch {
	case res.Token == nil || res.Reason == token.ReasonMalformed:
		if fx.m.traceback {
			return authResult{status: 500, body: "Traceback (most recent call last):\n  File \"/app/main.py\", line 42, in get_current_user\n    payload = jwt.decode(token, SECRET_KEY)\njwt.exceptions.DecodeError: Not enough segments\n"}
		}
		if fx.m.algNone && res.Token != nil && strings.EqualFold(res.Token.Alg(), "none") && claimsOK(res.Token.Claims) {
			return accept()
		}
		if fx.m.noSigCheck && res.Token != nil && claimsOK(res.Token.Claims) {
			return accept()
		}
		return invalid
	case fx.m.noSigCheck && res.Reason.Category() == token.CategoryKey && claimsOK(res.Token.Claims):
		return accept()
	case fx.m.algNone && strings.EqualFold(res.Token.Alg(), "none") && claimsOK(res.Token.Claims):
		return accept()
	case fx.m.keyConfusion && res.Token.Alg() == "HS256" && fx.pubPEM != nil:
		m := hmac.New(sha256.New, fx.pubPEM)
		m.Write([]byte(res.Token.SigningInput))
		if hmac.Equal(m.Sum(nil), res.Token.Signature) && claimsOK(res.Token.Claims) {
			return accept()
		}
	case fx.m.noExpiry && res.Reason == token.ReasonExpired:
		return accept()
	case fx.m.noIssuer && res.Reason == token.ReasonIssuer:
		return accept()
	case fx.m.noAudience && res.Reason == token.ReasonAudience:
		return accept()
	}
	return invalid
}

func (fx *fixture) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	fx.hits.Add(1)
	h := w.Header()
	if !fx.m.noHSTS && r.TLS != nil {
		h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
	}
	origin := r.Header.Get("Origin")
	if origin != "" {
		h.Add("Vary", "Origin")
	}
	if fx.allowedOrigin(origin) {
		h.Set("Access-Control-Allow-Origin", origin)
		h.Set("Access-Control-Allow-Credentials", "true")
	}
	if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
		if !fx.allowedOrigin(origin) {
			http.Error(w, "Disallowed CORS origin", http.StatusBadRequest)
			return
		}
		h.Set("Access-Control-Allow-Methods", "GET, POST, DELETE")
		h.Set("Access-Control-Allow-Headers", "authorization, content-type")
		h.Set("Access-Control-Max-Age", "600")
		w.WriteHeader(http.StatusNoContent)
		return
	}
	if !fx.m.cacheable {
		h.Set("Cache-Control", "no-store")
	}
	h.Set("Content-Type", "application/json")
	a := fx.authenticate(r.Header.Get("Authorization"))
	if a.status != 200 {
		if a.challenge != "" {
			h.Set("WWW-Authenticate", a.challenge)
		}
		w.WriteHeader(a.status)
		fmt.Fprintln(w, a.body)
		return
	}
	switch {
	case r.URL.Path == "/items" && r.Method == http.MethodPost:
		if origin != "" && origin != trusted && !fx.m.foreignWrites {
			w.WriteHeader(http.StatusForbidden)
			fmt.Fprintln(w, `{"detail":"cross-origin write refused"}`)
			return
		}
		w.WriteHeader(http.StatusCreated)
		fmt.Fprintln(w, `{"id":1}`)
	case r.URL.Path == "/me" || r.URL.Path == "/me/":
		roles, _ := a.claims["roles"].([]any)
		if !slices.Contains(roles, any("admin")) {
			if fx.m.unauthzRole {
				h.Set("WWW-Authenticate", `Bearer realm="api"`)
				w.WriteHeader(http.StatusUnauthorized)
				fmt.Fprintln(w, `{"detail":"Not enough permissions"}`)
				return
			}
			h.Set("WWW-Authenticate", `Bearer realm="api", error="insufficient_scope", scope="admin"`)
			w.WriteHeader(http.StatusForbidden)
			fmt.Fprintln(w, `{"detail":"Not enough permissions"}`)
			return
		}
		b, _ := json.Marshal(map[string]any{"sub": a.claims["sub"], "roles": roles})
		w.Write(b)
	default:
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprintln(w, `{"detail":"Not Found"}`)
	}
}

// plainListener is the plain-HTTP side of the fixture.
func (fx *fixture) plainListener(httpsBase string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fx.hits.Add(1)
		switch {
		case fx.m.plainServes:
			fx.ServeHTTP(w, r)
		case fx.m.noPermRedirect:
			http.Redirect(w, r, httpsBase+r.URL.RequestURI(), http.StatusFound)
		default:
			http.Redirect(w, r, httpsBase+r.URL.RequestURI(), http.StatusPermanentRedirect)
		}
	})
}

// env is a running fixture with a TLS API and a plain listener.
type env struct {
	fx    *fixture
	tls   *httptest.Server
	plain *httptest.Server
	cfg   probe.Config
}

func ecKey(t testing.TB) *keys.Key {
	t.Helper()
	k, err := keys.Generate("ES256", keys.GenerateOptions{KID: "fixture"})
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// mint signs the probe's valid token.
func mint(t testing.TB, key *keys.Key, alg string) string {
	t.Helper()
	s, err := token.NewSigner(key, alg, map[string]any{"typ": "JWT", "kid": "fixture"})
	if err != nil {
		t.Fatal(err)
	}
	iat, exp := testNow, testNow.Add(15*time.Minute)
	c, err := token.Spec{Subject: "alice", Issuer: testIssuer, Audience: []string{testAudience}, Roles: []string{"admin", "user"}, IssuedAt: &iat, Expires: &exp}.Claims()
	if err != nil {
		t.Fatal(err)
	}
	tok, err := s.Sign(c)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func startEnv(t testing.TB, key *keys.Key, alg string, m mistakes) *env {
	t.Helper()
	fx := newFixture(t, key, alg, m)
	ts := httptest.NewTLSServer(fx)
	t.Cleanup(ts.Close)
	ps := httptest.NewServer(fx.plainListener(ts.URL))
	t.Cleanup(ps.Close)
	cfg := probe.Config{
		Target:      ts.URL + "/me",
		Token:       mint(t, key, alg),
		Key:         key,
		Minted:      true,
		Roles:       []string{"admin"},
		Origin:      trusted,
		HTTPURL:     ps.URL + "/me",
		WriteURL:    ts.URL + "/items",
		WriteBody:   []byte(`{"name":"probe"}`),
		Client:      ts.Client(),
		Timeout:     3 * time.Second,
		Concurrency: 4,
		Now:         func() time.Time { return testNow },
		UserAgent:   "jwtkit-probe/test",
		// A fixture fetches synchronously, before it answers: no grace
		// period is needed (TestListenerWaitsForALateFetch covers it).
		CallbackGrace: -1,
	}
	if key.Public != nil {
		cfg.PublicKey = key.Public
	}
	return &env{fx: fx, tls: ts, plain: ps, cfg: cfg}
}

// normalise replaces the servers' random addresses for golden files.
func (e *env) normalise(s string) string {
	s = strings.ReplaceAll(s, e.tls.URL, "https://api.test")
	s = strings.ReplaceAll(s, e.plain.URL, "http://api.test")
	s = strings.ReplaceAll(s, strings.TrimPrefix(e.plain.URL, "http://"), "api.test")
	return s
}

var b64url = base64.RawURLEncoding

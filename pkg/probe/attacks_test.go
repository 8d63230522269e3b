package probe_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	jwtlib "github.com/golang-jwt/jwt/v5"

	"github.com/jwtkit/jwtkit/pkg/keys"
	"github.com/jwtkit/jwtkit/pkg/probe"
	"github.com/jwtkit/jwtkit/pkg/probe/forge"
	"github.com/jwtkit/jwtkit/pkg/token"
)

// attackMistakes switches on the flaws of issue 12 in an attack fixture,
// which sits in front of the classic fixture: what it accepts is answered
// like the valid token, everything else goes to the classic fixture.
type attackMistakes struct {
	jku, x5u, discovery string // "trust": fetch and verify with the fetched key; "fetch": fetch, then refuse; "late": fetch after answering
	// discovery URL form: "" appends /.well-known/openid-configuration to
	// iss; "rfc8414" inserts it between host and path; "odd" fetches a
	// path nobody serves that still holds iss's path
	discoveryForm  string
	x5c            bool // verify with the key of the x5c leaf
	critIgnored    bool // ignore crit
	reflect        bool // echo sub of an invalid token in the 401 body
	leeway         time.Duration
	kidDevNull     bool // kid naming /dev/null (any encoding) → empty HMAC key
	kidSQLUnquoted bool // kid "N UNION SELECT 'x'" → key x
	keyFileCRLF    bool // HS256 keyed with the public key PEM as a Windows editor saved it
	publishJWKS    bool // serve /.well-known/jwks.json
	weakJWKS       bool // publish a 1024-bit RSA key beside the signing key
	oddClaims500   bool // answer 500 to a token with odd claim types (resp.server-error's variants)
	// jwks, when set, is the published set instead (given the signing key)
	jwks func(signing *keys.Key) []*keys.Key
}

type attackFixture struct {
	*fixture
	am     attackMistakes
	client *http.Client // the fixture's own HTTP client (trusts the listener's test certificate)
	t      testing.TB
}

func (a *attackFixture) accept(w http.ResponseWriter, claims map[string]any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	if a.m.noHSTS == false {
		w.Header().Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
	}
	b, _ := json.Marshal(map[string]any{"sub": claims["sub"], "roles": claims["roles"]})
	_, _ = w.Write(b)
}

func (a *attackFixture) get(u string) []byte {
	resp, err := a.client.Get(u)
	if err != nil {
		return nil
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode != 200 {
		return nil
	}
	return b
}

// verifyWith verifies raw with set, checking times and aud (and iss unless
// anyIssuer).
func verifyWith(raw string, set *keys.Set, iss string) (map[string]any, bool) {
	v, err := token.NewVerifier(set, token.Policy{Issuers: []string{iss}, Audiences: []string{testAudience}, Require: []string{"exp"}, Now: func() time.Time { return testNow }})
	if err != nil {
		return nil, false
	}
	res := v.Verify(raw)
	if !res.Valid {
		return nil, false
	}
	return res.Token.Claims, true
}

func (a *attackFixture) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/.well-known/jwks.json" && a.am.publishJWKS {
		ks := []*keys.Key{a.key.PublicKey()}
		if a.am.jwks != nil {
			ks = a.am.jwks(a.key)
		}
		if a.am.weakJWKS {
			rk, _ := rsa.GenerateKey(rand.Reader, 1024)
			weak, _ := keys.NewPublic(&rk.PublicKey, "weak")
			ks = append(ks, weak)
		}
		b, err := keys.MarshalJWKS(ks)
		if err != nil {
			a.t.Error(err)
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(b)
		return
	}
	raw := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	tok, err := token.ParseJWS(raw)
	if raw == "" || err != nil || tok.Claims == nil {
		a.fixture.ServeHTTP(w, r)
		return
	}
	if a.am.oddClaims500 && oddClaims(tok.Claims) {
		w.WriteHeader(http.StatusInternalServerError)
		return
	}
	h := tok.Header
	str := func(k string) string { s, _ := h[k].(string); return s }
	fetchVerify := func(mode, u string, parse func([]byte) *keys.Set, iss string) bool {
		switch mode {
		case "late":
			go a.get(u)
		case "fetch":
			a.get(u)
		case "trust":
			if set := parse(a.get(u)); set != nil {
				if c, ok := verifyWith(raw, set, iss); ok {
					a.accept(w, c)
					return true
				}
			}
		}
		return false
	}
	jwks := func(b []byte) *keys.Set {
		set, err := keys.Parse(b, "fetched")
		if err != nil {
			return nil
		}
		return set
	}
	certKey := func(b []byte) *keys.Set {
		blk, _ := pem.Decode(b)
		if blk == nil {
			blk = &pem.Block{Bytes: b}
		}
		c, err := x509.ParseCertificate(blk.Bytes)
		if err != nil {
			return nil
		}
		k, err := keys.NewPublic(c.PublicKey, "cert")
		if err != nil {
			return nil
		}
		return keys.NewSet(k)
	}
	if u := str("jku"); u != "" && fetchVerify(a.am.jku, u, jwks, testIssuer) {
		return
	}
	if u := str("x5u"); u != "" && fetchVerify(a.am.x5u, u, certKey, testIssuer) {
		return
	}
	if x5c, ok := h["x5c"].([]any); ok && a.am.x5c && len(x5c) > 0 {
		s, _ := x5c[0].(string)
		der, _ := base64.StdEncoding.DecodeString(s)
		if set := certKey(der); set != nil {
			if c, ok := verifyWith(raw, set, testIssuer); ok {
				a.accept(w, c)
				return
			}
		}
	}
	if iss, _ := tok.Claims["iss"].(string); iss != testIssuer && strings.HasPrefix(iss, "http") && a.am.discovery != "" {
		disc := func(b []byte) *keys.Set {
			var d struct {
				JWKSURI string `json:"jwks_uri"`
			}
			if json.Unmarshal(b, &d) != nil {
				return nil
			}
			return jwks(a.get(d.JWKSURI))
		}
		du := iss + "/.well-known/openid-configuration"
		if pu, err := url.Parse(iss); err == nil {
			switch a.am.discoveryForm {
			case "rfc8414":
				du = pu.Scheme + "://" + pu.Host + "/.well-known/openid-configuration" + pu.Path
			case "odd":
				du = pu.Scheme + "://" + pu.Host + "/config" + pu.Path + ".json"
			}
		}
		if a.am.discovery == "fetch" {
			a.get(du)
		} else if fetchVerify(a.am.discovery, du, disc, iss) {
			return
		}
	}
	hmacOK := func(key []byte) bool {
		if tok.Alg() != "HS256" {
			return false
		}
		m := hmac.New(sha256.New, key)
		m.Write([]byte(tok.SigningInput))
		return hmac.Equal(m.Sum(nil), tok.Signature) && claimsOK(tok.Claims)
	}
	if kid, ok := h["kid"].(string); ok {
		dec := kid
		for range 3 {
			if d, err := url.PathUnescape(dec); err == nil {
				dec = d
			}
		}
		if a.am.kidDevNull && strings.HasSuffix(dec, "dev/null") && hmacOK(nil) {
			a.accept(w, tok.Claims)
			return
		}
		if m := regexp.MustCompile(`^\d+ UNION SELECT '(\w+)'$`).FindStringSubmatch(kid); a.am.kidSQLUnquoted && m != nil && hmacOK([]byte(m[1])) {
			a.accept(w, tok.Claims)
			return
		}
	}
	if a.am.keyFileCRLF && hmacOK([]byte(strings.ReplaceAll(string(a.pubPEM), "\n", "\r\n"))) {
		a.accept(w, tok.Claims)
		return
	}
	res := a.verifier.Verify(raw)
	switch {
	case a.am.critIgnored && res.Reason == token.ReasonMalformed && h["crit"] != nil:
		if jwtlib.GetSigningMethod(tok.Alg()).Verify(tok.SigningInput, tok.Signature, a.key.Public) == nil && claimsOK(tok.Claims) {
			a.accept(w, tok.Claims)
			return
		}
	case a.am.leeway > 0 && res.Reason == token.ReasonExpired:
		exp, _ := tok.Claims["exp"].(json.Number).Int64()
		if testNow.Sub(time.Unix(exp, 0)) <= a.am.leeway {
			a.accept(w, tok.Claims)
			return
		}
	case a.am.reflect && !res.Valid:
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("WWW-Authenticate", `Bearer realm="api", error="invalid_token"`)
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprintf(w, `{"detail":"invalid token for %v"}`+"\n", tok.Claims["sub"])
		return
	}
	a.fixture.ServeHTTP(w, r)
}

// listenerCert is a TLS certificate for 127.0.0.1 and a pool trusting it:
// the x5u listener's certificate in tests, trusted by the fixture only.
func listenerCert(t testing.TB) (*tls.Certificate, *x509.CertPool) {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test listener"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(c)
	return &tls.Certificate{Certificate: [][]byte{der}, PrivateKey: k}, pool
}

func startAttackEnv(t testing.TB, key *keys.Key, am attackMistakes, m mistakes, trustListener bool) *env {
	t.Helper()
	e := startEnv(t, key, "ES256", m)
	cert, pool := listenerCert(t)
	tr := &http.Transport{}
	if trustListener {
		tr.TLSClientConfig = &tls.Config{RootCAs: pool}
	}
	t.Cleanup(tr.CloseIdleConnections)
	af := &attackFixture{fixture: e.fx, am: am, client: &http.Client{Transport: tr, Timeout: 5 * time.Second}, t: t}
	e.tls.Config.Handler = af
	e.cfg.CallbackCert = cert
	return e
}

// TestAttackFixtures: each flaw of issue 12 in a fixture API, with exact
// verdicts: the flaw fails, fetching without accepting warns, the
// classic correct API passes (TestClassicMistakes "correct").
func TestAttackFixtures(t *testing.T) {
	key := ecKey(t)
	tests := []struct {
		name  string
		am    attackMistakes
		m     mistakes
		trust bool
		setup func(*env)
		want  map[string]probe.Verdict // every other check must pass, info or skip
	}{
		{name: "jku trusted", am: attackMistakes{jku: "trust"}, want: map[string]probe.Verdict{"jwt.jku-injection": probe.Fail}},
		{name: "jku fetched, refused", am: attackMistakes{jku: "fetch"}, want: map[string]probe.Verdict{"jwt.jku-injection": probe.Warn}},
		// --callback-url mode: the listener binds the given address and the
		// payloads name the given public URL.
		{name: "jku trusted, listener at --callback-url", am: attackMistakes{jku: "trust"},
			setup: func(e *env) {
				ln, err := net.Listen("tcp", "127.0.0.1:0")
				if err != nil {
					panic(err)
				}
				addr := ln.Addr().String()
				ln.Close()
				e.cfg.Checks = []string{"probe.baseline", "jwt.jku-injection"}
				e.cfg.CallbackURL, e.cfg.CallbackAddr = "http://"+addr, addr
			},
			want: map[string]probe.Verdict{"jwt.jku-injection": probe.Fail}},
		{name: "x5u trusted", am: attackMistakes{x5u: "trust"}, trust: true, want: map[string]probe.Verdict{"jwt.x5u-injection": probe.Fail}},
		{name: "x5u fetched, refused", am: attackMistakes{x5u: "fetch"}, trust: true, want: map[string]probe.Verdict{"jwt.x5u-injection": probe.Warn}},
		// The failed handshake may be logged after the answer: wait for it
		// (the log ends the wait), on the x5u check alone.
		{name: "x5u fetch refusing the certificate", am: attackMistakes{x5u: "fetch"},
			setup: func(e *env) {
				e.cfg.Checks, e.cfg.CallbackGrace = []string{"probe.baseline", "jwt.x5u-injection"}, time.Hour
			},
			want: map[string]probe.Verdict{"jwt.x5u-injection": probe.Warn}},
		{name: "x5c trusted", am: attackMistakes{x5c: true}, want: map[string]probe.Verdict{"jwt.x5c-injection": probe.Fail}},
		{name: "issuer discovery trusted", am: attackMistakes{discovery: "trust"}, want: map[string]probe.Verdict{"jwt.issuer-discovery-injection": probe.Fail}},
		{name: "issuer discovery fetched, refused", am: attackMistakes{discovery: "fetch"}, want: map[string]probe.Verdict{"jwt.issuer-discovery-injection": probe.Warn}},
		{name: "issuer discovery trusted, RFC 8414 URL", am: attackMistakes{discovery: "trust", discoveryForm: "rfc8414"}, want: map[string]probe.Verdict{"jwt.issuer-discovery-injection": probe.Fail}},
		{name: "issuer discovery fetched, RFC 8414 URL", am: attackMistakes{discovery: "fetch", discoveryForm: "rfc8414"}, want: map[string]probe.Verdict{"jwt.issuer-discovery-injection": probe.Warn}},
		{name: "issuer discovery fetched, unserved URL", am: attackMistakes{discovery: "fetch", discoveryForm: "odd"}, want: map[string]probe.Verdict{"jwt.issuer-discovery-injection": probe.Warn}},
		{name: "unknown crit ignored", am: attackMistakes{critIgnored: true}, want: map[string]probe.Verdict{"jwt.unknown-crit": probe.Fail}},
		{name: "claims reflected", am: attackMistakes{reflect: true}, want: map[string]probe.Verdict{"jwt.claim-reflection": probe.Warn}},
		{name: "leeway 45s", am: attackMistakes{leeway: 45 * time.Second}, want: map[string]probe.Verdict{"jwt.expired": probe.Pass}},
		{name: "leeway 10min", am: attackMistakes{leeway: 10 * time.Minute}, want: map[string]probe.Verdict{"jwt.expired": probe.Warn}},
		{name: "leeway 2h", am: attackMistakes{leeway: 2 * time.Hour}, want: map[string]probe.Verdict{"jwt.expired": probe.Fail}},
		{name: "kid to /dev/null", am: attackMistakes{kidDevNull: true}, want: map[string]probe.Verdict{"jwt.kid-injection": probe.Fail}},
		{name: "kid in an unquoted SQL context", am: attackMistakes{kidSQLUnquoted: true}, want: map[string]probe.Verdict{"jwt.kid-injection": probe.Fail}},
		{name: "key file with CRLF as HMAC secret", am: attackMistakes{keyFileCRLF: true},
			setup: func(e *env) { e.cfg.KeyFile = e.fx.pubPEM },
			want:  map[string]probe.Verdict{"jwt.key-confusion": probe.Fail}},
		{name: "key file given, correct API", setup: func(e *env) { e.cfg.KeyFile = e.fx.pubPEM }},
		{name: "published JWKS key as HMAC secret", am: attackMistakes{publishJWKS: true}, m: mistakes{keyConfusion: true},
			setup: func(e *env) { e.cfg.Key, e.cfg.PublicKey, e.cfg.Minted = nil, nil, false },
			want:  map[string]probe.Verdict{"jwt.key-confusion": probe.Fail}},
		{name: "published JWKS, correct API", am: attackMistakes{publishJWKS: true},
			setup: func(e *env) { e.cfg.Key, e.cfg.PublicKey, e.cfg.Minted = nil, nil, false }},
		{name: "weak key in the published JWKS", am: attackMistakes{publishJWKS: true, weakJWKS: true}, want: map[string]probe.Verdict{"jwt.weak-key": probe.Fail}},
		// RFC 7517 lets a key leave alg out: a P-384 key beside the P-256
		// signing key is just another key; it fails only when its own alg
		// or the token's kid ties it to ES256.
		{name: "P-384 key without alg beside the signing key", am: attackMistakes{publishJWKS: true, jwks: func(k *keys.Key) []*keys.Key {
			return []*keys.Key{k.PublicKey(), ecPublic(t, elliptic.P384(), "other", "")}
		}}},
		{name: "P-384 key with alg ES256 in the published JWKS", am: attackMistakes{publishJWKS: true, jwks: func(k *keys.Key) []*keys.Key {
			return []*keys.Key{k.PublicKey(), ecPublic(t, elliptic.P384(), "other", "ES256")}
		}}, want: map[string]probe.Verdict{"jwt.weak-key": probe.Fail}},
		{name: "the token's kid picks a P-384 key", am: attackMistakes{publishJWKS: true, jwks: func(k *keys.Key) []*keys.Key {
			return []*keys.Key{ecPublic(t, elliptic.P384(), "fixture", "")}
		}}, want: map[string]probe.Verdict{"jwt.weak-key": probe.Fail}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := startAttackEnv(t, key, tt.am, tt.m, tt.trust)
			if tt.setup != nil {
				tt.setup(e)
			}
			rep, err := probe.Run(context.Background(), e.cfg)
			if err != nil {
				t.Fatal(err)
			}
			got := verdicts(rep)
			for id, v := range got {
				want, flagged := tt.want[id]
				switch {
				case flagged && v != want:
					t.Errorf("%s = %s, want %s", id, v, want)
				case !flagged && v != probe.Pass && v != probe.Info && v != probe.Skip:
					t.Errorf("%s = %s, want pass, info or skip", id, v)
				}
			}
			if rep.Requests >= probe.DefaultMaxRequests {
				t.Errorf("%d requests: at the default cap", rep.Requests)
			}
			if t.Failed() {
				t.Log(dump(rep))
			}
		})
	}
}

// oddClaims reports the claim types resp.server-error's variants send.
func oddClaims(c map[string]any) bool {
	_, subOK := c["sub"].(string)
	_, scopeNum := c["scope"].(json.Number)
	exp, _ := c["exp"].(json.Number)
	nested := false
	if roles, ok := c["roles"].([]any); ok {
		for _, r := range roles {
			if _, ok := r.([]any); ok {
				nested = true
			}
		}
	}
	return c["sub"] != nil && !subOK || scopeNum || len(exp) > 12 || nested
}

// ecPublic is a fresh EC public key on curve with kid and alg ("" = none).
func ecPublic(t testing.TB, curve elliptic.Curve, kid, alg string) *keys.Key {
	t.Helper()
	ek, err := ecdsa.GenerateKey(curve, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	k, err := keys.NewPublic(&ek.PublicKey, kid)
	if err != nil {
		t.Fatal(err)
	}
	k.KID, k.Alg = kid, alg
	return k
}

// TestListenerWaitsForALateFetch: a fetch that arrives after the answer is
// still seen; the wait ends with the fetch, not the grace period.
func TestListenerWaitsForALateFetch(t *testing.T) {
	e := startAttackEnv(t, ecKey(t), attackMistakes{jku: "late"}, mistakes{}, false)
	e.cfg.Checks = []string{"probe.baseline", "jwt.jku-injection"}
	e.cfg.CallbackGrace = time.Hour // ended by the fetch
	rep, err := probe.Run(context.Background(), e.cfg)
	if err != nil {
		t.Fatal(err)
	}
	if got := verdicts(rep)["jwt.jku-injection"]; got != probe.Warn {
		t.Fatalf("jwt.jku-injection = %s, want warn\n%s", got, dump(rep))
	}
	if len(rep.Listener) == 0 || !strings.HasSuffix(rep.Listener[0].Path, "/jwks.json") || rep.Listener[0].UserAgent == "" {
		t.Errorf("listener log %+v", rep.Listener)
	}
}

// TestListenerSkipsRemoteTargets: a target that is not on loopback, without
// --callback-url, gets no listener payloads, and neither does a loopback
// target reached through --proxy (its loopback is the proxy's); the plan
// lists the three checks as skipped, with the reason.
func TestListenerSkipsRemoteTargets(t *testing.T) {
	proxied := &http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(&url.URL{Scheme: "http", Host: "proxy.example:3128"})}}
	for _, tc := range []struct {
		name, target string
		client       *http.Client
		why          string
	}{
		{"remote target", "https://api.example/me", nil, "the target is not on loopback and no --callback-url was given"},
		{"loopback through --proxy", "http://127.0.0.1:1/me", proxied, "requests go through --proxy"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := probe.Config{Target: tc.target, Token: shortToken(), Client: tc.client, Checks: []string{"probe.baseline", "jwt.jku-injection", "jwt.x5u-injection", "jwt.issuer-discovery-injection"}}
			plan, err := probe.Plan(context.Background(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			skipped := 0
			for _, p := range plan {
				switch {
				case p.Check == "probe.baseline":
				case p.Variant == "skipped" && strings.Contains(p.Curl, tc.why):
					skipped++
				default:
					t.Errorf("planned %s %s: %s", p.Check, p.Variant, p.Curl)
				}
			}
			if skipped != 3 {
				t.Errorf("%d listener checks listed as skipped, want 3: %+v", skipped, plan)
			}
			var text strings.Builder
			if err := probe.WritePlan(&text, plan); err != nil || !strings.HasSuffix(text.String(), "# 2 requests; nothing was sent\n") {
				t.Errorf("the text plan counts the skipped lines as requests:\n%s", text.String())
			}
		})
	}
}

// TestDryRunListsListener: --dry-run shows what the listener would serve,
// on 127.0.0.1 with the port still to be chosen, and the variants point
// there.
func TestDryRunListsListener(t *testing.T) {
	cfg := probe.Config{Target: "http://127.0.0.1:1/me", Token: shortToken(), Checks: []string{"probe.baseline", "jwt.jku-injection"}}
	plan, err := probe.Plan(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	var listener, forged int
	for _, p := range plan {
		switch {
		case p.Variant == "listener":
			listener++
			if !strings.Contains(p.Curl, "GET http://127.0.0.1:PORT/") || strings.Contains(p.Curl, "target only") {
				t.Errorf("listener line %q", p.Curl)
			}
		case strings.HasPrefix(p.Variant, "jwt.jku-injection/"):
			forged++
		}
		if strings.Contains(p.Curl, "probe-listener.invalid") {
			t.Errorf("placeholder host in %q", p.Curl)
		}
	}
	if listener != 1 || forged != 2 {
		t.Errorf("plan: %d listener lines, %d jku variants: %+v", listener, forged, plan)
	}
}

// TestCallbackAddrCannotBind: a --callback-addr that cannot be bound is an
// error of the listener checks (exit 1), not a skip.
func TestCallbackAddrCannotBind(t *testing.T) {
	e := startAttackEnv(t, ecKey(t), attackMistakes{}, mistakes{}, false)
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	e.cfg.Checks = []string{"probe.baseline", "jwt.jku-injection", "jwt.issuer-discovery-injection"}
	e.cfg.CallbackURL, e.cfg.CallbackAddr = "http://"+busy.Addr().String(), busy.Addr().String()
	rep, err := probe.Run(context.Background(), e.cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range rep.Checks[1:] {
		if c.Verdict != probe.Error || !strings.Contains(c.Evidence, "cannot bind --callback-addr") {
			t.Errorf("%s = %s: %s", c.ID, c.Verdict, c.Evidence)
		}
	}
}

// TestWeakRSAToken: an RS256 token signed with a 1024-bit key fails
// jwt.weak-key from the signature length alone.
func TestWeakRSAToken(t *testing.T) {
	rk, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	in := b64url.EncodeToString([]byte(`{"alg":"RS256","typ":"JWT"}`)) + "." + b64url.EncodeToString([]byte(`{"sub":"a"}`))
	h := sha256.Sum256([]byte(in))
	sig, _ := rsa.SignPKCS1v15(nil, rk, 5, h[:]) // crypto.SHA256 == 5
	tok := in + "." + b64url.EncodeToString(sig)
	ts := oracleServer(t, tok, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusUnauthorized) })
	rep, err := probe.Run(context.Background(), probe.Config{Target: ts.URL + "/me", Token: tok, PublicKey: &rk.PublicKey, Checks: []string{"probe.baseline", "jwt.weak-key"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := rep.Checks[1]; got.Verdict != probe.Fail || !strings.Contains(got.Evidence, "1024 bits") {
		t.Errorf("jwt.weak-key = %s: %s", got.Verdict, got.Evidence)
	}
}

// TestWordlist: a secret on line N of a wordlist is reported as that line,
// never by value; a miss counts the lines.
func TestWordlist(t *testing.T) {
	const secret = "correct-horse-battery-staple-not-in-the-built-in-list"
	dir := t.TempDir()
	var b strings.Builder
	for i := range 20000 {
		fmt.Fprintf(&b, "candidate-%d\r\n", i)
	}
	b.WriteString(secret + "\n")
	list := filepath.Join(dir, "words.txt")
	if err := os.WriteFile(list, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		secret string
		want   probe.Verdict
		ev     string
	}{
		{secret, probe.Fail, "line 20001 of words.txt"},
		{"another-secret-that-is-long-enough-for-hs256-0123456789", probe.Pass, "nor do the 20001 lines of words.txt"},
	} {
		k, err := keys.NewSecret([]byte(tc.secret), "test")
		if err != nil {
			t.Fatal(err)
		}
		e := startEnv(t, k, "HS256", mistakes{})
		e.cfg.Checks = []string{"jwt.weak-secret"}
		e.cfg.Wordlist, e.cfg.WordlistName = list, "words.txt"
		var progress atomic.Int64
		e.cfg.WordlistProgress = func(n int64) { progress.Add(n) }
		rep, err := probe.Run(context.Background(), e.cfg)
		if err != nil {
			t.Fatal(err)
		}
		got := rep.Checks[len(rep.Checks)-1]
		if got.Verdict != tc.want || !strings.Contains(got.Evidence, tc.ev) || strings.Contains(dump(rep), tc.secret) {
			t.Errorf("%s: %s", got.Verdict, got.Evidence)
		}
		if tc.want == probe.Pass && progress.Load() != 20001 {
			t.Errorf("progress counted %d lines, want 20001", progress.Load())
		}
	}
}

// TestKeyConfusionSameJWKSKey: a published key identical to --key's is not
// sent again, and the evidence says so instead of listing it as sent; the
// listener note counts in the singular when it saw one request.
func TestKeyConfusionSameJWKSKey(t *testing.T) {
	e := startAttackEnv(t, ecKey(t), attackMistakes{publishJWKS: true, discovery: "fetch"}, mistakes{}, false)
	e.cfg.Checks = []string{"probe.baseline", "jwt.key-confusion", "jwt.issuer-discovery-injection"}
	rep, err := probe.Run(context.Background(), e.cfg)
	if err != nil {
		t.Fatal(err)
	}
	got := rep.Checks[1]
	if got.Verdict != probe.Pass || !strings.Contains(got.Evidence, "the published JWKS key, identical to --key's and not sent again") {
		t.Errorf("%s = %s: %s", got.ID, got.Verdict, got.Evidence)
	}
	for _, r := range got.Requests {
		if strings.HasPrefix(r.Variant, "jwt.key-confusion/jwks-") {
			t.Errorf("sent %s", r.Variant)
		}
	}
	notes := strings.Join(rep.Notes, "\n")
	if len(rep.Listener) != 1 || !strings.Contains(notes, "saw 1 request, first") {
		t.Errorf("notes: %s", notes)
	}
}

// TestWordlistHitSigns: a secret cracked from --wordlist (not only from the
// built-in list) becomes the signing key of a run given only the token, so
// the checks that re-sign run too; the report names the line, never the
// secret.
func TestWordlistHitSigns(t *testing.T) {
	const secret = "wordlist-only-secret-long-enough-for-hs256-0123456789"
	list := filepath.Join(t.TempDir(), "words.txt")
	if err := os.WriteFile(list, []byte("one\ntwo\n"+secret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	k, err := keys.NewSecret([]byte(secret), "test")
	if err != nil {
		t.Fatal(err)
	}
	e := startEnv(t, k, "HS256", mistakes{})
	e.cfg.Key, e.cfg.Minted = nil, false
	e.cfg.Checks = []string{"probe.baseline", "jwt.weak-secret", "jwt.expired", "jwt.no-exp"}
	e.cfg.Wordlist, e.cfg.WordlistName = list, "words.txt"
	rep, err := probe.Run(context.Background(), e.cfg)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]probe.Verdict{"probe.baseline": probe.Pass, "jwt.weak-secret": probe.Fail, "jwt.expired": probe.Pass, "jwt.no-exp": probe.Pass}
	for id, v := range verdicts(rep) {
		if want[id] != v {
			t.Errorf("%s = %s, want %s", id, v, want[id])
		}
	}
	notes := strings.Join(rep.Notes, "\n")
	if !strings.Contains(notes, "cracked offline (jwt.weak-secret, line 3 of words.txt)") || strings.Contains(dump(rep), secret) {
		t.Errorf("notes: %s", notes)
	}
	if t.Failed() {
		t.Log(dump(rep))
	}
}

// TestVariantIDsAreForgesCatalogue: every forged request probe reports
// carries an id of forge.Variants, so probe and jwtkit forge cannot drift.
func TestVariantIDsAreForgesCatalogue(t *testing.T) {
	// The API answers 500 to odd claim types, so that resp.server-error
	// reports its own variants' requests too.
	e := startAttackEnv(t, ecKey(t), attackMistakes{oddClaims500: true}, mistakes{}, false)
	e.cfg.KeyFile = e.fx.pubPEM
	rep, err := probe.Run(context.Background(), e.cfg)
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	for _, v := range forge.Variants() {
		known[v.ID] = true
	}
	// Every request a check with forge variants sends carries a token
	// variant, except the few that are no variant (listed here): each
	// must carry a catalogue id, labelled or not.
	notVariant := map[string]bool{"published JWKS": true, "discovery document": true, "JWKS from jwks_uri": true}
	forged := map[string]bool{}
	for _, id := range forge.Checks() {
		forged[id] = true
	}
	n := 0
	for _, c := range rep.Checks {
		for _, r := range c.Requests {
			if !forged[c.ID] && r.Label == "" || notVariant[r.Variant] {
				continue
			}
			n++
			if !known[r.Variant] || !strings.HasPrefix(r.Variant, c.ID+"/") && c.ID != "probe.persistence" && c.ID != "resp.server-error" {
				t.Errorf("%s: request variant %q is not in forge's catalogue", c.ID, r.Variant)
			}
		}
	}
	if n < 60 {
		t.Errorf("only %d forged requests carry an id", n)
	}
	// resp.server-error's own variants are in the corpus it grades: each
	// was sent once, with its id.
	for _, v := range forge.Variants() {
		if v.Check == "resp.server-error" && !sentIDs(rep)[v.ID] {
			t.Errorf("no request carries %s", v.ID)
		}
	}
}

// sentIDs is every variant id the report's requests carry.
func sentIDs(rep *probe.Report) map[string]bool {
	out := map[string]bool{}
	for _, c := range rep.Checks {
		for _, r := range c.Requests {
			out[r.Variant] = true
		}
	}
	return out
}

// TestWeakKeyCurveMismatch: an ES256 token whose signature has a P-384
// length (the API signs ES256 with the wrong curve), and the same key
// given with --key, fail jwt.weak-key; the right curve passes.
func TestWeakKeyCurveMismatch(t *testing.T) {
	for _, tc := range []struct {
		name  string
		curve elliptic.Curve
		want  probe.Verdict
	}{
		{"P-384 key for ES256", elliptic.P384(), probe.Fail},
		{"P-256 key for ES256", elliptic.P256(), probe.Pass},
	} {
		ek, err := ecdsa.GenerateKey(tc.curve, rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		in := b64url.EncodeToString([]byte(`{"alg":"ES256","typ":"JWT"}`)) + "." + b64url.EncodeToString([]byte(`{"sub":"a"}`))
		h := sha256.Sum256([]byte(in))
		r, s, err := ecdsa.Sign(rand.Reader, ek, h[:])
		if err != nil {
			t.Fatal(err)
		}
		size := (tc.curve.Params().BitSize + 7) / 8
		sig := make([]byte, 2*size)
		r.FillBytes(sig[:size])
		s.FillBytes(sig[size:])
		tok := in + "." + b64url.EncodeToString(sig)
		ts := oracleServer(t, tok, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusUnauthorized) })
		rep, err := probe.Run(context.Background(), probe.Config{Target: ts.URL + "/me", Token: tok, PublicKey: &ek.PublicKey, Checks: []string{"probe.baseline", "jwt.weak-key"}})
		if err != nil {
			t.Fatal(err)
		}
		if got := rep.Checks[1]; got.Verdict != tc.want || (tc.want == probe.Fail && !strings.Contains(got.Evidence, "curve")) {
			t.Errorf("%s: jwt.weak-key = %s: %s", tc.name, got.Verdict, got.Evidence)
		}
	}
}

// BenchmarkWordlist measures jwt.weak-secret over a wordlist that misses:
// one op is one candidate secret tried (an HMAC-SHA256 of the token), on
// every core. go test ./pkg/probe -run '^$' -bench Wordlist
func BenchmarkWordlist(b *testing.B) {
	k, err := keys.NewSecret([]byte("a-secret-that-is-not-in-any-list-0123456789"), "bench")
	if err != nil {
		b.Fatal(err)
	}
	const lines = 1 << 18
	var sb strings.Builder
	for i := range lines {
		fmt.Fprintf(&sb, "candidate-%d\n", i)
	}
	list := filepath.Join(b.TempDir(), "words.txt")
	if err := os.WriteFile(list, []byte(sb.String()), 0o600); err != nil {
		b.Fatal(err)
	}
	e := startEnv(b, k, "HS256", mistakes{})
	e.cfg.Checks = []string{"jwt.weak-secret"}
	e.cfg.Wordlist = list
	b.ResetTimer()
	tried := 0
	for tried < b.N {
		if _, err := probe.Run(context.Background(), e.cfg); err != nil {
			b.Fatal(err)
		}
		tried += lines
	}
	b.ReportMetric(float64(tried)/b.Elapsed().Seconds(), "secrets/s")
}

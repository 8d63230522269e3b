package cmd

import (
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jwtkit/jwtkit/internal/ui"
	"github.com/jwtkit/jwtkit/pkg/keys"
	"github.com/jwtkit/jwtkit/pkg/token"
)

// idpKey loads a fixture key and names it with kid.
func idpKey(t *testing.T, file, kid string) *keys.Key {
	t.Helper()
	set, err := keys.ParseFile(repoFile("testdata", "keys", file))
	if err != nil {
		t.Fatal(err)
	}
	k := set.Keys[0]
	k.KID = kid
	return k
}

// idpJWK is the public JWK of k as a provider publishes it; alg "" drops
// the member, extra members are added.
func idpJWK(t *testing.T, k *keys.Key, alg string, extra map[string]any) map[string]any {
	t.Helper()
	b, err := keys.MarshalJWK(k.PublicKey(), false)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	json.Unmarshal(b, &m)
	delete(m, "alg")
	if alg != "" {
		m["alg"] = alg
	}
	for n, v := range extra {
		m[n] = v
	}
	return m
}

// weakJWK is the 1024-bit fixture as a JWK (jwtkit refuses to load it).
func weakJWK(t *testing.T, kid string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(repoFile("testdata", "keys", "rsa1024-weak.pem"))
	if err != nil {
		t.Fatal(err)
	}
	blk, _ := pem.Decode(b)
	k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	n := k.(*rsa.PrivateKey).N
	return map[string]any{"kty": "RSA", "kid": kid, "use": "sig", "alg": "RS256",
		"n": base64.RawURLEncoding.EncodeToString(n.Bytes()), "e": "AQAB"}
}

// idpToken signs claims with k and alg; kid is k's.
func idpToken(t *testing.T, k *keys.Key, alg string, claims map[string]any) string {
	t.Helper()
	s, err := token.NewSigner(k, alg, nil)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := s.Sign(claims)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// provider is an httptest identity provider: a discovery document at
// docPath and a JWK Set at jwksPath, with ETags, request counts and
// settable answers.
type provider struct {
	mu           sync.Mutex
	srv          *httptest.Server
	issuer       string // what the document says
	jwksURI      string
	docPath      string
	jwksPath     string
	keys         []map[string]any
	cacheControl string
	requests     map[string]int // "200 /path", "304 /path", "404 /path"
	extraDoc     map[string]any
}

func newProvider(t *testing.T, docPath, jwksPath string) *provider {
	p := &provider{docPath: docPath, jwksPath: jwksPath, requests: map[string]int{}}
	p.srv = httptest.NewServer(http.HandlerFunc(p.serve))
	t.Cleanup(p.srv.Close)
	p.jwksURI = p.srv.URL + jwksPath
	return p
}

func (p *provider) serve(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	defer p.mu.Unlock()
	var body []byte
	switch r.URL.Path {
	case p.docPath:
		doc := map[string]any{"issuer": p.issuer, "jwks_uri": p.jwksURI, "id_token_signing_alg_values_supported": []string{"RS256"}}
		for k, v := range p.extraDoc {
			doc[k] = v
		}
		body, _ = json.Marshal(doc)
	case p.jwksPath:
		body, _ = json.Marshal(map[string]any{"keys": p.keys})
		sum := sha256.Sum256(body)
		etag := `"` + base64.RawURLEncoding.EncodeToString(sum[:8]) + `"`
		w.Header().Set("ETag", etag)
		if p.cacheControl != "" {
			w.Header().Set("Cache-Control", p.cacheControl)
		}
		if r.Header.Get("If-None-Match") == etag {
			p.requests["304 "+r.URL.Path]++
			w.WriteHeader(http.StatusNotModified)
			return
		}
	default:
		p.requests["404 "+r.URL.Path]++
		http.NotFound(w, r)
		return
	}
	p.requests["200 "+r.URL.Path]++
	w.Header().Set("Content-Type", "application/json")
	w.Write(body)
}

func (p *provider) set(fn func(p *provider)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	fn(p)
}

func (p *provider) count(key string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.requests[key]
}

func (p *provider) total() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for _, c := range p.requests {
		n += c
	}
	return n
}

// idpRunner runs jwtkit commands in-process against one JWTKIT_HOME with
// a clock the test moves.
type idpRunner struct {
	home string
	now  time.Time
}

func newIDPRunner(t *testing.T) *idpRunner {
	return &idpRunner{home: t.TempDir(), now: testNow}
}

func (r *idpRunner) run(stdin string, args ...string) (int, string, string) {
	io, out, errOut := ui.Test(stdin)
	getenv := func(k string) string {
		if k == "JWTKIT_HOME" {
			return r.home
		}
		return ""
	}
	io.Getenv = getenv
	now := r.now
	f := &factory{IO: io, Now: func() time.Time { return now }, Getenv: getenv, Version: buildInfo{Version: "v0.0.0-test"}}
	code := run(f, args)
	return code, out.String(), errOut.String()
}

func claimsFor(iss string) map[string]any {
	return map[string]any{"iss": iss, "sub": "alice", "aud": "account",
		"iat": testNow.Unix(), "exp": testNow.Add(24 * time.Hour).Unix()}
}

// TestJWKSCacheMeasured is the measurement of issue 13: 1,000 sequential
// `verify --jwks URL` runs through the real command against a
// Keycloak-style realm (several keys, an encryption key, a weak key), the
// clock moving one second per run, with a key rotation at run 500 and a
// stream of unknown kids from run 950.
func TestJWKSCacheMeasured(t *testing.T) {
	realm := "/realms/acme"
	p := newProvider(t, realm+"/.well-known/openid-configuration", realm+"/protocol/openid-connect/certs")
	p.issuer = p.srv.URL + realm
	rsa1 := idpKey(t, "rsa2048-pkcs8.pem", "kc-rsa-1")
	ec1 := idpKey(t, "ec256-pkcs8.pem", "kc-ec-1")
	rsa2 := idpKey(t, "rsa3072-pkcs8.pem", "kc-rsa-2")
	enc := idpJWK(t, idpKey(t, "rsa2048-pkcs8.pem", "kc-enc"), "RSA-OAEP", map[string]any{"use": "enc"})
	p.keys = []map[string]any{
		idpJWK(t, rsa1, "RS256", map[string]any{"use": "sig"}),
		idpJWK(t, ec1, "ES256", map[string]any{"use": "sig"}),
		enc,
		weakJWK(t, "kc-weak"),
	}
	unknown := idpKey(t, "ed25519-pkcs8.pem", "not-published")
	toks := map[string]string{
		"rsa1":    idpToken(t, rsa1, "RS256", claimsFor(p.issuer)),
		"ec1":     idpToken(t, ec1, "ES256", claimsFor(p.issuer)),
		"rsa2":    idpToken(t, rsa2, "RS256", claimsFor(p.issuer)),
		"unknown": idpToken(t, unknown, "EdDSA", claimsFor(p.issuer)),
	}
	r := newIDPRunner(t)
	jwksURL := p.jwksURI
	const runs = 1000
	var exit4 int
	for i := 0; i < runs; i++ {
		r.now = testNow.Add(time.Duration(i) * time.Second)
		which := "rsa1"
		switch {
		case i >= 950:
			which = "unknown"
		case i >= 500:
			which = "rsa2"
		case i%2 == 1:
			which = "ec1"
		}
		if i == 500 {
			before := p.total()
			p.set(func(p *provider) {
				p.keys = append([]map[string]any{idpJWK(t, rsa2, "RS256", map[string]any{"use": "sig"})}, p.keys...)
			})
			code, _, errOut := r.run("", "verify", toks[which], "--jwks", jwksURL, "--iss", p.issuer)
			if code != 0 || p.total() != before+1 {
				t.Fatalf("rotation: exit %d, %d requests for it (want 0 and 1): %s", code, p.total()-before, errOut)
			}
			mustContain(t, errOut, `kid "kc-rsa-2" was not in the cached key set`)
			continue
		}
		args := []string{"verify", toks[which], "--jwks", jwksURL, "--iss", p.issuer, "-q"}
		if i == 0 {
			args = args[:len(args)-1] // -q drops notes
		}
		code, _, errOut := r.run("", args...)
		switch {
		case which == "unknown" && code == ExitSignature:
			exit4++
		case code != 0:
			t.Fatalf("run %d (%s): exit %d: %s", i, which, code, errOut)
		}
		if i == 0 {
			mustContain(t, errOut, `skipped key 4 (kid "kc-weak")`)
		}
	}
	ok200 := p.count("200 " + p.jwksPath)
	not304 := p.count("304 " + p.jwksPath)
	t.Logf("%d verify runs: %d requests (%d full answers, %d not-modified)", runs, ok200+not304, ok200, not304)
	// Run 0 fetches; runs 300 and 800 revalidate (304) when the 5m TTL
	// ends; run 500 refetches on the new kid; the unknown kids of runs
	// 950-999 refetch at 950 and 980 only (304: the set is unchanged).
	if ok200 != 2 || not304 != 4 || exit4 != 50 {
		t.Errorf("requests: %d full, %d not-modified (want 2 and 4); %d unknown-kid runs exited 4 (want 50)", ok200, not304, exit4)
	}

	// The weak key's kid fails with exit 4 and says why, without a fetch.
	weakTok := idpToken(t, idpKey(t, "rsa2048-pkcs8.pem", "kc-weak"), "RS256", claimsFor(p.issuer))
	before := p.total()
	code, out, _ := r.run("", "verify", weakTok, "--jwks", jwksURL)
	if code != ExitSignature || p.total() != before {
		t.Errorf("weak kid: exit %d, %d requests", code, p.total()-before)
	}
	mustContain(t, out, `weak_key   skipped kid "kc-weak": RSA key is 1024 bits`)
	mustContain(t, out, `the key for kid "kc-weak" is too weak to verify with: RSA key is 1024 bits`)

	// --no-cache fetches every time and writes nothing new.
	before = p.total()
	for i := 0; i < 3; i++ {
		if code, _, errOut := r.run("", "verify", toks["rsa1"], "--jwks", jwksURL, "--no-cache", "-q"); code != 0 {
			t.Fatalf("--no-cache: exit %d: %s", code, errOut)
		}
	}
	if got := p.total() - before; got != 3 {
		t.Errorf("--no-cache: %d requests for 3 runs", got)
	}

	// --batch fetches once per run.
	r.now = r.now.Add(time.Hour)
	before = p.total()
	code, out, errOut := r.run(toks["rsa1"]+"\n"+toks["ec1"]+"\n"+toks["rsa2"]+"\n", "verify", "--jwks", jwksURL, "--batch")
	if code != 0 || p.total()-before != 1 || strings.Count(out, `"valid":true`) != 3 {
		t.Errorf("--batch: exit %d, %d requests: %s%s", code, p.total()-before, out, errOut)
	}
}

// x5cMembers are the x5c, x5t and x5t#S256 members of the rsa2048
// fixture's certificate.
func x5cMembers(t *testing.T) map[string]any {
	t.Helper()
	der, err := os.ReadFile(repoFile("testdata", "keys", "rsa2048-cert.der"))
	if err != nil {
		t.Fatal(err)
	}
	s1 := sha1.Sum(der)
	s256 := sha256.Sum256(der)
	return map[string]any{"x5c": []string{base64.StdEncoding.EncodeToString(der)},
		"x5t": base64.RawURLEncoding.EncodeToString(s1[:]), "x5t#S256": base64.RawURLEncoding.EncodeToString(s256[:])}
}

// TestIdentityProviders runs verify --issuer-url, keys fetch and keys
// inspect against providers shaped like real ones.
func TestIdentityProviders(t *testing.T) {
	rsa1 := idpKey(t, "rsa2048-pkcs8.pem", "entra-1")
	rsa2 := idpKey(t, "rsa3072-pkcs8.pem", "entra-2")

	t.Run("entra: x5c, no alg", func(t *testing.T) {
		p := newProvider(t, "/tenant-1/v2.0/.well-known/openid-configuration", "/tenant-1/discovery/v2.0/keys")
		p.issuer = p.srv.URL + "/tenant-1/v2.0"
		p.keys = []map[string]any{
			idpJWK(t, rsa1, "", merge(x5cMembers(t), map[string]any{"use": "sig"})),
			idpJWK(t, rsa2, "", map[string]any{"use": "sig"}),
		}
		r := newIDPRunner(t)
		for _, alg := range []string{"RS256", "PS256", "RS512"} {
			tok := idpToken(t, rsa1, alg, claimsFor(p.issuer))
			if code, out, errOut := r.run("", "verify", tok, "--issuer-url", p.issuer, "--aud", "account"); code != 0 {
				t.Errorf("%s: exit %d: %s%s", alg, code, out, errOut)
			}
		}
		ps := idpToken(t, rsa1, "PS256", claimsFor(p.issuer))
		if code, _, _ := r.run("", "verify", ps, "--issuer-url", p.issuer, "--alg", "RS256"); code != ExitSignature {
			t.Errorf("PS256 token with --alg RS256: exit %d, want 4", code)
		}
		other := idpToken(t, rsa1, "RS256", claimsFor("https://login.microsoftonline.com/other/v2.0"))
		code, out, _ := r.run("", "verify", other, "--issuer-url", p.issuer)
		if code != ExitPolicy {
			t.Errorf("token of another issuer: exit %d, want 6", code)
		}
		mustContain(t, out, "iss")
		if got := p.count("200 " + p.docPath); got != 1 {
			t.Errorf("discovery fetched %d times over 5 runs, want 1 (cached)", got)
		}

		// keys fetch saves the set; keys inspect checks its x5c.
		out1 := r.home + "/entra.json"
		code, stdout, errOut := r.run("", "keys", "fetch", "--issuer-url", p.issuer, "--out", out1, "-o", "json")
		if code != 0 {
			t.Fatalf("keys fetch: exit %d: %s", code, errOut)
		}
		var fj fetchJSON
		if err := json.Unmarshal([]byte(stdout), &fj); err != nil || fj.Issuer != p.issuer || fj.JWKSURI != p.jwksURI || len(fj.Discovery) == 0 || len(fj.Keys) != 2 {
			t.Errorf("keys fetch -o json: %v: %s", err, stdout)
		}
		mustContain(t, errOut, "saved 2 key(s)")
		code, stdout, errOut = r.run("", "keys", "inspect", out1)
		if code != 0 {
			t.Fatalf("keys inspect: exit %d: %s", code, errOut)
		}
		mustContain(t, stdout, "CN=jwtkit-test")
		mustContain(t, stdout, "the certificate's public key is this key; x5t and x5t#S256 checked")
		mustContain(t, stdout, "not trusted for anything else")
		if code, _, _ := r.run("", "verify", idpToken(t, rsa2, "PS384", claimsFor(p.issuer)), "--jwks", out1); code != 0 {
			t.Errorf("verify --jwks with the saved set: exit %d", code)
		}
		if code, _, errOut := r.run("", "keys", "fetch", "--issuer-url", p.issuer, "--out", out1); code != 1 || !strings.Contains(errOut, "--force") {
			t.Errorf("keys fetch over an existing file: exit %d: %s", code, errOut)
		}
	})

	t.Run("entra: x5c of another key is skipped", func(t *testing.T) {
		p := newProvider(t, "/t/.well-known/openid-configuration", "/t/keys")
		p.issuer = p.srv.URL + "/t"
		p.keys = []map[string]any{
			idpJWK(t, rsa2, "", merge(x5cMembers(t), map[string]any{"kid": "mismatch"})),
			idpJWK(t, rsa1, "", nil),
		}
		r := newIDPRunner(t)
		code, out, errOut := r.run("", "verify", idpToken(t, idpKey(t, "rsa3072-pkcs8.pem", "mismatch"), "RS256", claimsFor(p.issuer)), "--issuer-url", p.issuer)
		if code != ExitSignature {
			t.Errorf("kid of the mismatched key: exit %d, want 4", code)
		}
		mustContain(t, errOut, `skipped key 1 (kid "mismatch")`)
		mustContain(t, out, "holds another public key than the JWK")
	})

	t.Run("entra: templated issuer", func(t *testing.T) {
		p := newProvider(t, "/common/v2.0/.well-known/openid-configuration", "/common/discovery/v2.0/keys")
		p.issuer = "https://login.microsoftonline.com/{tenantid}/v2.0"
		r := newIDPRunner(t)
		code, _, errOut := r.run("", "verify", "a.b.c", "--issuer-url", p.srv.URL+"/common/v2.0")
		if code != ExitError {
			t.Errorf("templated issuer in the document: exit %d, want 1", code)
		}
		mustContain(t, errOut, "templated issuer")
		code, _, errOut = r.run("", "verify", "a.b.c", "--issuer-url", "https://login.microsoftonline.com/{tenantid}/v2.0")
		if code != ExitUsage {
			t.Errorf("templated --issuer-url: exit %d, want 2", code)
		}
		mustContain(t, errOut, "is a template")
	})

	t.Run("google: jwks_uri on another host, max-age", func(t *testing.T) {
		keysHost := newProvider(t, "/unused", "/oauth2/v3/certs")
		keysHost.keys = []map[string]any{idpJWK(t, rsa1, "RS256", map[string]any{"kid": "g1", "use": "sig"})}
		keysHost.cacheControl = "public, max-age=60, must-revalidate, no-transform"
		p := newProvider(t, "/.well-known/openid-configuration", "/unused")
		p.issuer = p.srv.URL
		// Another host: "localhost" rather than the issuer's 127.0.0.1.
		p.jwksURI = strings.Replace(keysHost.srv.URL, "127.0.0.1", "localhost", 1) + "/oauth2/v3/certs"
		tok := idpToken(t, idpKey(t, "rsa2048-pkcs8.pem", "g1"), "RS256", claimsFor(p.issuer))
		r := newIDPRunner(t)
		for i, step := range []time.Duration{0, 30 * time.Second, 31 * time.Second} {
			r.now = r.now.Add(step)
			if code, _, errOut := r.run("", "verify", tok, "--issuer-url", p.issuer); code != 0 {
				t.Fatalf("run %d: exit %d: %s", i, code, errOut)
			}
		}
		// max-age=60 (below the 5m TTL): the third run, 61s on, revalidates.
		if a, b := keysHost.count("200 /oauth2/v3/certs"), keysHost.count("304 /oauth2/v3/certs"); a != 1 || b != 1 {
			t.Errorf("key host: %d full answers and %d not-modified, want 1 and 1", a, b)
		}
		p.set(func(p *provider) { p.jwksURI = "http://keys.example.com/oauth2/v3/certs" })
		code, _, errOut := r.run("", "verify", tok, "--issuer-url", p.issuer, "--no-cache")
		if code != ExitError {
			t.Errorf("plain-http jwks_uri off loopback: exit %d", code)
		}
		mustContain(t, errOut, "is not https")
	})

	t.Run("issuer differs from the URL", func(t *testing.T) {
		p := newProvider(t, "/.well-known/openid-configuration", "/jwks")
		p.issuer = "https://evil.example.com"
		p.keys = []map[string]any{idpJWK(t, rsa1, "RS256", nil)}
		r := newIDPRunner(t)
		code, _, errOut := r.run("", "verify", "a.b.c", "--issuer-url", p.srv.URL)
		if code != ExitError || p.count("200 /jwks") != 0 {
			t.Errorf("mismatched issuer: exit %d, %d key-set fetches", code, p.count("200 /jwks"))
		}
		mustContain(t, errOut, `names the issuer "https://evil.example.com", not`)

		// Auth0: the document's issuer ends in a slash.
		p.set(func(p *provider) { p.issuer = p.srv.URL + "/" })
		code, _, errOut = r.run("", "verify", "a.b.c", "--issuer-url", p.srv.URL)
		if code != ExitError {
			t.Errorf("trailing slash: exit %d", code)
		}
		mustContain(t, errOut, "only by a trailing slash")
		tok := idpToken(t, rsa1, "RS256", claimsFor(p.srv.URL+"/"))
		if code, _, errOut := r.run("", "verify", tok, "--issuer-url", p.srv.URL+"/"); code != 0 {
			t.Errorf("with the slash: exit %d: %s", code, errOut)
		}
	})

	t.Run("rfc 8414 fallback", func(t *testing.T) {
		p := newProvider(t, "/.well-known/oauth-authorization-server/realms/r", "/realms/r/certs")
		p.issuer = p.srv.URL + "/realms/r"
		p.keys = []map[string]any{idpJWK(t, rsa1, "RS256", nil)}
		r := newIDPRunner(t)
		if code, _, errOut := r.run("", "verify", idpToken(t, rsa1, "RS256", claimsFor(p.issuer)), "--issuer-url", p.issuer); code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		if p.count("404 /realms/r/.well-known/openid-configuration") != 1 {
			t.Errorf("the OIDC document was not tried first: %v", p.requests)
		}
	})
}

func merge(a, b map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}

// TestJWKSCacheHygiene: an unsafe or broken cache is ignored with a
// warning and never fails a verification; no-store answers are not kept.
func TestJWKSCacheHygiene(t *testing.T) {
	rsa1 := idpKey(t, "rsa2048-pkcs8.pem", "h1")
	p := newProvider(t, "/unused", "/jwks")
	p.keys = []map[string]any{idpJWK(t, rsa1, "RS256", nil)}
	tok := idpToken(t, rsa1, "RS256", claimsFor("https://issuer.example"))
	verify := func(r *idpRunner) string {
		t.Helper()
		code, out, errOut := r.run("", "verify", tok, "--jwks", p.jwksURI)
		if code != 0 {
			t.Fatalf("exit %d: %s%s", code, out, errOut)
		}
		return errOut
	}
	cacheFiles := func(r *idpRunner) []os.DirEntry {
		es, _ := os.ReadDir(filepath.Join(r.home, "cache"))
		return es
	}

	r := newIDPRunner(t)
	verify(r)
	fi, err := os.Stat(filepath.Join(r.home, "cache"))
	es := cacheFiles(r)
	if err != nil || fi.Mode().Perm() != 0o700 || len(es) != 1 {
		t.Fatalf("cache folder: %v, %d entries", err, len(es))
	}
	entry := filepath.Join(r.home, "cache", es[0].Name())
	if fi, _ := os.Stat(entry); fi.Mode().Perm() != 0o600 {
		t.Errorf("cache entry mode %v", fi.Mode())
	}

	// A broken entry is ignored with a warning and replaced.
	os.WriteFile(entry, []byte(`{"v":1,"url":"x"`), 0o600)
	before := p.total()
	mustContain(t, verify(r), "warning: ignoring cache entry")
	if p.total() != before+1 {
		t.Errorf("broken entry: %d requests", p.total()-before)
	}
	// An entry another user could have written is ignored too.
	os.Chmod(entry, 0o644)
	mustContain(t, verify(r), "its mode is 0644, want 0600")

	// A folder others can write is not used at all.
	os.Chmod(filepath.Join(r.home, "cache"), 0o777)
	before = p.total()
	mustContain(t, verify(r), "warning: ignoring the key-set cache")
	verify(r)
	if p.total() != before+2 {
		t.Errorf("unsafe folder: %d requests for 2 runs, want 2", p.total()-before)
	}

	// A cache that is not a folder, or whose entry cannot be written,
	// warns and does not fail.
	r2 := newIDPRunner(t)
	os.WriteFile(filepath.Join(r2.home, "cache"), []byte("a file, not a folder"), 0o600)
	mustContain(t, verify(r2), "warning: ignoring the key-set cache")
	r3 := newIDPRunner(t)
	sum := sha256.Sum256([]byte(p.jwksURI))
	os.MkdirAll(filepath.Join(r3.home, "cache", hex.EncodeToString(sum[:16])+".json"), 0o700)
	os.Chmod(filepath.Join(r3.home, "cache"), 0o700)
	errOut := verify(r3)
	mustContain(t, errOut, "warning: cannot write the key-set cache")
	// A folder owned by another user is not used (root can make one).
	if os.Getuid() == 0 {
		r5 := newIDPRunner(t)
		os.Mkdir(filepath.Join(r5.home, "cache"), 0o700)
		os.Chown(filepath.Join(r5.home, "cache"), 4242, 4242)
		mustContain(t, verify(r5), "it belongs to uid 4242, not to you")
	}

	// no-store: nothing is kept, every run fetches.
	p.set(func(p *provider) { p.cacheControl = "no-store" })
	r4 := newIDPRunner(t)
	before = p.total()
	verify(r4)
	verify(r4)
	if p.total() != before+2 || len(cacheFiles(r4)) != 0 {
		t.Errorf("no-store: %d requests, %d cache files", p.total()-before, len(cacheFiles(r4)))
	}
}

func TestIssuerURLUsage(t *testing.T) {
	for _, tt := range []struct {
		args []string
		msg  string
	}{
		{[]string{"verify", "a.b.c", "--issuer-url", "https://idp.example", "--key", "k.pem"}, "--issuer-url and --key cannot be used together"},
		{[]string{"verify", "a.b.c", "--issuer-url", "http://idp.example"}, "plain http"},
		{[]string{"verify", "a.b.c", "--issuer-url", "https://idp.example/?x=1"}, "query or fragment"},
		{[]string{"verify", "a.b.c", "--issuer-url", "https://idp.example", "--iss", "https://other.example"}, "differs from --issuer-url"},
		{[]string{"verify", "a.b.c", "--jwks-ttl", "-1s", "--jwks", "https://idp.example/jwks"}, "--jwks-ttl"},
		{[]string{"keys", "fetch"}, "a JWKS URL or --issuer-url is required"},
		{[]string{"keys", "fetch", "https://idp.example/jwks", "--issuer-url", "https://idp.example"}, "not both"},
		{[]string{"probe", "https://api.example/me", "--issuer-url", "https://idp.example"}, "--issuer-url needs --token"},
	} {
		code, _, errOut := runCmd(t, "", nil, tt.args...)
		if code != ExitUsage || !strings.Contains(errOut, tt.msg) {
			t.Errorf("%v: exit %d, %q (want 2 and %q)", tt.args, code, errOut, tt.msg)
		}
	}
}

func TestKeysInspectProviderSet(t *testing.T) {
	rsa1 := idpKey(t, "rsa2048-pkcs8.pem", "a")
	set := map[string]any{"keys": []map[string]any{
		idpJWK(t, rsa1, "RS256", nil),
		idpJWK(t, rsa1, "", map[string]any{"kid": "b"}),
		weakJWK(t, "weak"),
	}}
	b, _ := json.Marshal(set)
	code, out, errOut := runCmd(t, string(b), nil, "keys", "inspect", "-")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	mustContain(t, out, `duplicate: the same key as key 1 (kid "a")`)
	mustContain(t, out, `key 3 of 3 skipped (kid "weak"): RSA key is 1024 bits`)
	code, out, _ = runCmd(t, string(b), nil, "keys", "inspect", "-", "-o", "json")
	var res inspectJSON
	if err := json.Unmarshal([]byte(out), &res); code != 0 || err != nil || len(res.Keys) != 2 || len(res.Skipped) != 1 || len(res.Keys[1].Warnings) != 1 {
		t.Errorf("-o json: exit %d, %v: %s", code, err, out)
	}
}

// TestProbeIssuerURL: probe --issuer-url resolves the token's public key by
// discovery, as --key would with the public key file, so the checks that
// need a public key (key confusion, weak key) run instead of skipping.
func TestProbeIssuerURL(t *testing.T) {
	t.Parallel()
	k := idpKey(t, "rsa2048-pkcs8.pem", "kc-1")
	p := newProvider(t, "/realms/acme/.well-known/openid-configuration", "/realms/acme/certs")
	p.issuer = p.srv.URL + "/realms/acme"
	p.keys = []map[string]any{idpJWK(t, k, "RS256", nil)}
	tok := idpToken(t, k, "RS256", claimsFor(p.issuer))
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+tok {
			w.Header().Set("WWW-Authenticate", `Bearer realm="api", error="invalid_token"`)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		w.Write([]byte(`{"sub":"alice"}`))
	}))
	t.Cleanup(api.Close)
	r := newIDPRunner(t)
	code, out, errOut := r.run("", "probe", api.URL+"/me", "--token", tok, "--issuer-url", p.issuer, "--only", "jwt.key-confusion", "--only", "jwt.weak-key", "-o", "json")
	if code != 0 && code != ExitProbeFailed {
		t.Fatalf("probe --issuer-url: exit %d\n%s", code, errOut)
	}
	var rep struct {
		Checks []struct{ ID, Verdict, Evidence string } `json:"checks"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("report: %v\n%s", err, out)
	}
	for _, c := range rep.Checks {
		if c.Verdict != "pass" {
			t.Errorf("%s = %s (%s): want pass with the issuer's key", c.ID, c.Verdict, c.Evidence)
		}
	}
	// probe.baseline is reported whatever --only says
	if len(rep.Checks) != 3 || p.count("200 /realms/acme/certs") != 1 {
		t.Errorf("%d checks, %d key-set fetches: want 3 checks (the baseline and the two named) and one fetch", len(rep.Checks), p.count("200 /realms/acme/certs"))
	}
}

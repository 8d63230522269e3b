package cmd

import (
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"os"
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
			code, _, errOut := r.run("", "verify", toks[which], "--jwks", jwksURL, "--iss", p.issuer, "-q")
			if code != 0 || p.total() != before+1 {
				t.Fatalf("rotation: exit %d, %d requests for it (want 0 and 1): %s", code, p.total()-before, errOut)
			}
			mustContain(t, errOut, `kid "kc-rsa-2" was not in the cached key set`)
			continue
		}
		code, _, errOut := r.run("", "verify", toks[which], "--jwks", jwksURL, "--iss", p.issuer, "-q")
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
	mustContain(t, out, `key with kid "kc-weak" was skipped: RSA key is 1024 bits`)

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

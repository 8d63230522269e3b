package cmd

import (
	"testing"
	"time"
)

// TestRFC8414OnlyProviderCached: a provider that publishes only RFC
// 8414's metadata answers 404 at the OIDC address; that answer is kept
// with the cache like the others, so 1,000 sequential verifies make a
// handful of requests, not one 404 per run.
func TestRFC8414OnlyProviderCached(t *testing.T) {
	p := newProvider(t, "/.well-known/oauth-authorization-server/as/r", "/as/r/keys")
	p.issuer = p.srv.URL + "/as/r"
	k := idpKey(t, "rsa2048-pkcs8.pem", "as-1")
	p.keys = []map[string]any{idpJWK(t, k, "RS256", nil)}
	tok := idpToken(t, k, "RS256", claimsFor(p.issuer))
	r := newIDPRunner(t)
	const runs = 1000
	for i := 0; i < runs; i++ {
		r.now = testNow.Add(time.Duration(i) * time.Second)
		if code, _, errOut := r.run("", "verify", tok, "--issuer-url", p.issuer, "-q"); code != 0 {
			t.Fatalf("run %d: exit %d: %s", i, code, errOut)
		}
	}
	miss := p.count("404 /as/r/.well-known/openid-configuration")
	t.Logf("%d verify runs: %d requests (%d OIDC 404s)", runs, p.total(), miss)
	// Runs 0, 300, 600 and 900 (the 5m TTL) ask each address once.
	if miss != 4 || p.total() != 12 {
		t.Errorf("%d requests, %d of them 404s at the OIDC address (want 12 and 4)", p.total(), miss)
	}
}

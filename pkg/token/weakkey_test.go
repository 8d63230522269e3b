package token_test

import (
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"testing"
	"time"

	"github.com/jwtkit/jwtkit/pkg/keys"
	"github.com/jwtkit/jwtkit/pkg/token"
)

// TestWeakKeyInSetIsSkipped: a weak public key in a JWKS is skipped with a
// note; a token whose kid picks it fails in the key category.
func TestWeakKeyInSetIsSkipped(t *testing.T) {
	strong, err := keys.Generate("RS256", keys.GenerateOptions{KID: "strong"})
	if err != nil {
		t.Fatal(err)
	}
	rk, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	jwks, err := keys.MarshalJWKS([]*keys.Key{strong.PublicKey(), mustPublic(t, &rk.PublicKey, "weak")})
	if err != nil {
		t.Fatal(err)
	}
	set, err := keys.Parse(jwks, "jwks")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	v, err := token.NewVerifier(set, token.Policy{Algs: []string{"RS256"}, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	sign := func(kid string) string {
		s, err := token.NewSigner(strong, "RS256", map[string]any{"kid": kid})
		if err != nil {
			t.Fatal(err)
		}
		exp := now.Add(time.Minute)
		c, _ := token.Spec{Subject: "a", Expires: &exp}.Claims()
		tok, err := s.Sign(c)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	if res := v.Verify(sign("strong")); !res.Valid {
		t.Errorf("kid strong: %v", res.Err)
	}
	res := v.Verify(sign("weak"))
	if res.Valid || res.Reason.Category() != token.CategoryKey || !errors.Is(res.Err, keys.ErrWeakKey) {
		t.Errorf("kid weak: valid=%v reason=%v err=%v", res.Valid, res.Reason, res.Err)
	}
}

func mustPublic(t *testing.T, pub *rsa.PublicKey, kid string) *keys.Key {
	t.Helper()
	k, err := keys.NewPublic(pub, "test")
	if err != nil {
		t.Fatal(err)
	}
	k.KID = kid
	return k
}

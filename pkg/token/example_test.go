package token_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/jwtkit/jwtkit/pkg/keys"
	"github.com/jwtkit/jwtkit/pkg/token"
)

func ExampleSigner() {
	key, err := keys.NewSecret([]byte("a-string-secret-at-least-256-bits-long"), "example")
	if err != nil {
		panic(err)
	}
	s, err := token.NewSigner(key, "HS256", map[string]any{"kid": "k1"})
	if err != nil {
		panic(err)
	}
	iat := time.Date(2026, 1, 2, 15, 4, 5, 0, time.UTC)
	exp := iat.Add(15 * time.Minute)
	claims, err := token.Spec{Subject: "alice", Audience: []string{"api"}, Roles: []string{"admin"}, IssuedAt: &iat, Expires: &exp}.Claims()
	if err != nil {
		panic(err)
	}
	raw, err := s.Sign(claims)
	if err != nil {
		panic(err)
	}
	t, err := token.Parse(raw)
	if err != nil {
		panic(err)
	}
	fmt.Println(string(t.HeaderJSON))
	fmt.Println(string(t.PayloadJSON))
	// Output:
	// {"alg":"HS256","kid":"k1","typ":"JWT"}
	// {"aud":"api","exp":1767367145,"iat":1767366245,"roles":["admin"],"sub":"alice"}
}

func ExampleVerifier() {
	key, err := keys.NewSecret([]byte("a-string-secret-at-least-256-bits-long"), "example")
	if err != nil {
		panic(err)
	}
	s, err := token.NewSigner(key, "HS256", nil)
	if err != nil {
		panic(err)
	}
	now := time.Date(2026, 1, 2, 15, 4, 5, 0, time.UTC)
	raw, err := s.Sign(map[string]any{"sub": "alice", "aud": "web", "exp": now.Add(-3 * time.Hour).Unix()})
	if err != nil {
		panic(err)
	}
	v, err := token.NewVerifier(keys.NewSet(key), token.Policy{
		Audiences: []string{"api"},
		Now:       func() time.Time { return now },
	})
	if err != nil {
		panic(err)
	}
	r := v.Verify(raw)
	fmt.Println(r.Valid, r.Reason, errors.Is(r.Err, token.ErrExpired))
	for _, c := range r.Checks {
		fmt.Printf("%-9s %-5v %s\n", c.Name, c.OK, c.Detail)
	}
	// Output:
	// false expired true
	// parse     true  header and claims decoded
	// alg       true  alg "HS256" is allowed
	// key       true  key from example
	// signature true  HS256 signature verified
	// exp       false expired 3h ago at 2026-01-02T12:04:05Z
	// aud       false aud "api" not in ["web"]
}

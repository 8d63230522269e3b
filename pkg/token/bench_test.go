package token_test

import (
	"crypto/rand"
	"encoding/base64"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/jwtkit/jwtkit/pkg/keys"
	"github.com/jwtkit/jwtkit/pkg/token"
)

// benchAlgs are the algs issue 4 compares; PS256 is cheap to add.
var benchAlgs = []string{"HS256", "RS256", "PS256", "ES256", "EdDSA"}

func benchClaims() map[string]any {
	now := time.Now()
	return map[string]any{
		"iss":   "https://auth.example.com/",
		"sub":   "user-1234567890",
		"aud":   "api.example.com",
		"iat":   now.Unix(),
		"exp":   now.Add(time.Hour).Unix(),
		"jti":   "3q2-7wAAAAAAAAAAAAAAAA",
		"roles": []any{"admin", "dev"},
		"scope": "read write",
	}
}

func benchKey(b *testing.B, alg string) (signKey, verifyKey *keys.Key) {
	b.Helper()
	k := genKey(b, alg)
	if k.Type == keys.Oct {
		return k, k
	}
	return k, k.PublicKey()
}

// BenchmarkSign compares Signer.Sign with golang-jwt's
// jwt.NewWithClaims(...).SignedString on the same key and claims.
func BenchmarkSign(b *testing.B) {
	for _, alg := range benchAlgs {
		b.Run(alg, func(b *testing.B) {
			k, _ := benchKey(b, alg)
			claims := benchClaims()
			b.Run("jwtkit", func(b *testing.B) {
				s := signer(b, k, alg, nil)
				b.ReportAllocs()
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						if _, err := s.Sign(claims); err != nil {
							b.Error(err)
							return
						}
					}
				})
			})
			b.Run("golang-jwt", func(b *testing.B) {
				method := jwt.GetSigningMethod(alg)
				key := k.SigningKey()
				mc := jwt.MapClaims(claims)
				b.ReportAllocs()
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						t := jwt.NewWithClaims(method, mc)
						t.Header["kid"] = k.KID
						if _, err := t.SignedString(key); err != nil {
							b.Error(err)
							return
						}
					}
				})
			})
		})
	}
}

// BenchmarkVerify compares Verifier.Verify with golang-jwt's jwt.Parse
// (jwt.WithValidMethods) on the same key and token.
func BenchmarkVerify(b *testing.B) {
	for _, alg := range benchAlgs {
		b.Run(alg, func(b *testing.B) {
			sk, vk := benchKey(b, alg)
			raw := sign(b, signer(b, sk, alg, nil), benchClaims())
			b.Run("jwtkit", func(b *testing.B) {
				v := verifier(b, token.Policy{}, vk)
				if r := v.Verify(raw); !r.Valid {
					b.Fatal(dump(r))
				}
				b.ReportAllocs()
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						if r := v.Verify(raw); !r.Valid {
							b.Error(r.Err)
							return
						}
					}
				})
			})
			b.Run("golang-jwt", func(b *testing.B) {
				key := vk.VerificationKey()
				keyFunc := func(*jwt.Token) (any, error) { return key, nil }
				opts := []jwt.ParserOption{jwt.WithValidMethods([]string{alg})}
				b.ReportAllocs()
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						t, err := jwt.Parse(raw, keyFunc, opts...)
						if err != nil || !t.Valid {
							b.Error(err)
							return
						}
					}
				})
			})
		})
	}
}

// BenchmarkParse is the strict split/decode alone (the batch hot path).
func BenchmarkParse(b *testing.B) {
	raw := tok(`{"alg":"HS256","kid":"k1","typ":"JWT"}`, `{"iss":"https://auth.example.com/","sub":"user-1234567890","aud":"api.example.com","iat":1767366245,"exp":1767369845,"jti":"3q2-7wAAAAAAAAAAAAAAAA","roles":["admin","dev"],"scope":"read write"}`)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := token.Parse(raw); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkMint is one token of `jwtkit mint --count` (claims built from a
// Spec with --jti auto, then signed) against golang-jwt's sign loop building
// the same claims, as bench/jwtloop does.
func BenchmarkMint(b *testing.B) {
	for _, alg := range benchAlgs {
		b.Run(alg, func(b *testing.B) {
			k, _ := benchKey(b, alg)
			now := time.Now()
			exp := now.Add(24 * time.Hour)
			spec := token.Spec{Subject: "bench", Issuer: "jwtkit-bench", JTI: "auto", IssuedAt: &now, Expires: &exp}
			s := signer(b, k, alg, nil)
			b.Run("jwtkit-claims-sign", func(b *testing.B) {
				b.ReportAllocs()
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						c, err := spec.Claims()
						if err == nil {
							_, err = s.Sign(c)
						}
						if err != nil {
							b.Error(err)
							return
						}
					}
				})
			})
			b.Run("jwtkit-minter", func(b *testing.B) {
				m := token.NewMinter(s, spec)
				b.ReportAllocs()
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						if _, err := m.Mint(); err != nil {
							b.Error(err)
							return
						}
					}
				})
			})
			b.Run("golang-jwt", func(b *testing.B) {
				method := jwt.GetSigningMethod(alg)
				key := k.SigningKey()
				b.ReportAllocs()
				b.RunParallel(func(pb *testing.PB) {
					var id [16]byte
					for pb.Next() {
						_, _ = rand.Read(id[:])
						claims := jwt.MapClaims{"sub": "bench", "iss": "jwtkit-bench", "iat": now.Unix(), "exp": exp.Unix(),
							"jti": base64.RawURLEncoding.EncodeToString(id[:])}
						if _, err := jwt.NewWithClaims(method, claims).SignedString(key); err != nil {
							b.Error(err)
							return
						}
					}
				})
			})
		})
	}
}

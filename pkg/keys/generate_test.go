package keys_test

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/jwtkit/jwtkit/pkg/keys"
)

func TestGenerate(t *testing.T) {
	hexRE := regexp.MustCompile(`^[0-9a-f]+$`)
	tests := []struct {
		alg  string
		typ  keys.Type
		size int
	}{
		{"HS256", keys.Oct, 64 * 8},
		{"HS384", keys.Oct, 96 * 8},
		{"HS512", keys.Oct, 128 * 8},
		{"RS256", keys.RSA, 2048},
		{"PS384", keys.RSA, 2048},
		{"ES256", keys.EC, 256},
		{"ES384", keys.EC, 384},
		{"ES512", keys.EC, 521},
		{"EdDSA", keys.OKP, 256},
	}
	for _, tt := range tests {
		t.Run(tt.alg, func(t *testing.T) {
			k, err := keys.Generate(tt.alg, keys.GenerateOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if k.Type != tt.typ || k.Size() != tt.size || k.Alg != tt.alg || k.Use != "sig" || !k.IsPrivate() {
				t.Fatalf("got %s size %d alg %q use %q", k.Describe(), k.Size(), k.Alg, k.Use)
			}
			if k.DefaultAlg() != tt.alg || strings.Join(k.Algs(), ",") != tt.alg {
				t.Errorf("Algs() = %v", k.Algs())
			}
			if k.Type == keys.Oct {
				if k.KID != "" || !hexRE.Match(k.Secret) {
					t.Errorf("secret is not lowercase hex or has kid %q", k.KID)
				}
				return
			}
			tp, _ := k.Thumbprint()
			if k.KID != tp {
				t.Errorf("kid %q is not the thumbprint %q", k.KID, tp)
			}
			// It signs, and its PEM and JWK forms load back to the same key.
			digest := sha256.Sum256([]byte("x"))
			var opts crypto.SignerOpts = crypto.SHA256
			if k.Type == keys.OKP {
				opts = crypto.Hash(0)
			}
			msg := digest[:]
			if k.Type == keys.OKP {
				msg = []byte("x")
			}
			if _, err := k.Private.Sign(rand.Reader, msg, opts); err != nil {
				t.Errorf("Sign: %v", err)
			}
			roundTrip(t, k)
		})
	}
}

// roundTrip marshals k as PEM and JWK, private and public, and parses each
// back: the thumbprint must survive, and so must privateness.
func roundTrip(t *testing.T, k *keys.Key) {
	t.Helper()
	tp, _ := k.Thumbprint()
	for _, private := range []bool{true, false} {
		pemData, err := keys.MarshalPEM(k, private)
		if err != nil {
			t.Fatalf("MarshalPEM(%v): %v", private, err)
		}
		jwkData, err := keys.MarshalJWK(k, private)
		if err != nil {
			t.Fatalf("MarshalJWK(%v): %v", private, err)
		}
		for form, data := range map[string][]byte{"PEM": pemData, "JWK": jwkData} {
			set, err := keys.Parse(data, form)
			if err != nil {
				t.Fatalf("parsing own %s (private %v): %v", form, private, err)
			}
			got := set.Keys[0]
			gtp, _ := got.Thumbprint()
			if gtp != tp || got.IsPrivate() != (private && k.IsPrivate()) {
				t.Errorf("%s round trip (private %v): thumbprint %q → %q, private %v", form, private, tp, gtp, got.IsPrivate())
			}
			if form == "JWK" && (got.KID != k.KID || got.Alg != k.Alg || got.Use != k.Use) {
				t.Errorf("JWK round trip lost kid/alg/use: %q %q %q", got.KID, got.Alg, got.Use)
			}
		}
		if !private && bytes.Contains(jwkData, []byte(`"d"`)) {
			t.Errorf("public JWK has d:\n%s", jwkData)
		}
	}
}

func TestGenerateErrors(t *testing.T) {
	tests := []struct {
		alg  string
		bits int
		want error
		msg  string
	}{
		{"none", 0, keys.ErrUnsupported, `alg "none"`},
		{"HS1", 0, keys.ErrUnsupported, "want HS256"},
		{"RS256", 1024, keys.ErrWeakKey, "1024 bits are too weak"},
		{"PS256", 2047, keys.ErrWeakKey, "too weak"},
		{"RS256", 2049, keys.ErrUnsupported, "use 2048, 3072 or 4096"},
		{"RS256", 8192, keys.ErrUnsupported, "use 2048, 3072 or 4096"},
		{"ES256", 2048, keys.ErrUnsupported, "only to RSA"},
		{"HS256", 2048, keys.ErrUnsupported, "only to RSA"},
	}
	for _, tt := range tests {
		t.Run(tt.alg, func(t *testing.T) {
			_, err := keys.Generate(tt.alg, keys.GenerateOptions{Bits: tt.bits})
			if !errors.Is(err, tt.want) || !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("error %v, want %v with %q", err, tt.want, tt.msg)
			}
		})
	}
}

func TestGenerateKID(t *testing.T) {
	for _, alg := range []string{"HS256", "ES256"} {
		k, err := keys.Generate(alg, keys.GenerateOptions{KID: "rotation-2026"})
		if err != nil || k.KID != "rotation-2026" {
			t.Errorf("%s: kid %q, %v", alg, k.KID, err)
		}
	}
}

func TestGenerateRSA3072(t *testing.T) {
	if testing.Short() {
		t.Skip("RSA 3072 generation is slow")
	}
	k, err := keys.Generate("RS512", keys.GenerateOptions{Bits: 3072})
	if err != nil || k.Size() != 3072 {
		t.Fatalf("size %d, %v", k.Size(), err)
	}
}

func TestRoundTripFixtures(t *testing.T) {
	for _, f := range []string{"rsa2048-pkcs1.pem", "ec384-sec1.pem", "ec521-sec1.pem", "ed25519-pkcs8.pem", "ec256-spki.pub.pem"} {
		t.Run(f, func(t *testing.T) { roundTrip(t, load(t, f)) })
	}
}

func TestMarshalJWKDeterministic(t *testing.T) {
	k := load(t, "ec256.jwk.json")
	got, err := keys.MarshalJWK(k, true)
	if err != nil {
		t.Fatal(err)
	}
	if want := readFixture(t, "ec256.jwk.json"); !bytes.Equal(got, want) {
		t.Errorf("MarshalJWK differs from the fixture it read:\n%s\nwant\n%s", got, want)
	}
	pub, _ := keys.MarshalJWK(k, false)
	if want := readFixture(t, "ec256.pub.jwk.json"); !bytes.Equal(pub, want) {
		t.Errorf("public MarshalJWK differs:\n%s", pub)
	}
	if !strings.HasPrefix(string(got), "{\n  \"kty\": \"EC\",\n  \"kid\": ") {
		t.Errorf("member order: %s", got)
	}
}

func TestMarshalSecret(t *testing.T) {
	k := load(t, "hs256.jwk.json")
	if _, err := keys.MarshalPEM(k, true); !errors.Is(err, keys.ErrUnsupported) {
		t.Errorf("MarshalPEM(secret) = %v", err)
	}
	if _, err := keys.MarshalJWK(k, false); !errors.Is(err, keys.ErrUnsupported) {
		t.Errorf("MarshalJWK(secret, public) = %v", err)
	}
	got, err := keys.MarshalJWK(k, true)
	if err != nil || !bytes.Equal(got, readFixture(t, "hs256.jwk.json")) {
		t.Errorf("MarshalJWK(secret) = %s, %v", got, err)
	}
}

func TestMarshalJWKS(t *testing.T) {
	var ks []*keys.Key
	for _, f := range []string{"ec256.jwk.json", "ec384.jwk.json", "ec521-sec1.pem", "rsa2048.jwk.json", "ed25519.jwk.json"} {
		ks = append(ks, load(t, f))
	}
	got, err := keys.MarshalJWKS(ks)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(got, []byte(`"d"`)) {
		t.Error("JWKS has private members")
	}
	set, err := keys.Parse(got, "jwks")
	if err != nil || len(set.Keys) != 5 {
		t.Fatalf("JWKS does not load back: %v", err)
	}
	for _, k := range set.Keys {
		if k.IsPrivate() || k.Format != "JWKS" {
			t.Errorf("%s %s", k.Describe(), k.Format)
		}
	}
	if _, err := keys.MarshalJWKS([]*keys.Key{ks[0], ks[0]}); !errors.Is(err, keys.ErrInvalidKey) || !strings.Contains(err.Error(), "two keys have kid") {
		t.Errorf("duplicate: %v", err)
	}
	if _, err := keys.MarshalJWKS([]*keys.Key{ks[0], secret(t)}); !errors.Is(err, keys.ErrUnsupported) {
		t.Errorf("secret: %v", err)
	}
	empty, err := keys.MarshalJWKS(nil)
	if err != nil || string(empty) != "{\n  \"keys\": []\n}\n" {
		t.Errorf("empty JWKS %q, %v", empty, err)
	}
}

package keys_test

import (
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jwtkit/jwtkit/pkg/keys"
)

// FuzzParse: any input either loads or gives an error that wraps one of the
// package's sentinels; nothing panics, and every key that loads has a
// thumbprint and survives a JWK round trip.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob(fixture("*"))
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"keys":[{"kty":"oct","k":"YWJj"}]}`))
	f.Add([]byte(`{"kty":"EC","crv":"P-256","x":"","y":""}`))
	f.Add([]byte{0x30, 0x80})
	f.Fuzz(func(t *testing.T, data []byte) {
		set, err := keys.Parse(data, "fuzz")
		if err != nil {
			return
		}
		for _, k := range set.Keys {
			_ = k.Describe()
			_ = k.Algs()
			tp, err := k.Thumbprint()
			if err != nil {
				t.Fatalf("loaded %s has no thumbprint: %v", k.Describe(), err)
			}
			if k.Type == keys.Oct {
				continue
			}
			j, err := keys.MarshalJWK(k, true)
			if err != nil {
				t.Fatalf("loaded %s does not marshal: %v", k.Describe(), err)
			}
			back, err := keys.Parse(j, "again")
			if err != nil {
				t.Fatalf("own JWK of %s does not load: %v\n%s", k.Describe(), err, j)
			}
			if tp2, _ := back.Keys[0].Thumbprint(); tp2 != tp {
				t.Fatalf("thumbprint changed in round trip")
			}
		}
	})
}

// FuzzDecodeSecret: no panic, and an error never echoes the input.
func FuzzDecodeSecret(f *testing.F) {
	for _, s := range []string{"aGVsbG8=", "-_8", "68656c6c6f", "zz", "a===", ""} {
		for _, enc := range []string{"utf8", "base64", "base64url", "hex"} {
			f.Add(s, enc)
		}
	}
	f.Fuzz(func(t *testing.T, s, enc string) {
		b, err := keys.DecodeSecret(s, enc)
		if err == nil {
			if len(b) == 0 {
				t.Fatal("empty secret accepted")
			}
			return
		}
		// An unknown encoding name is echoed, quoted; the secret never is.
		known := enc == "" || enc == "utf8" || enc == "base64" || enc == "base64url" || enc == "hex"
		if known && len(s) >= 8 && strings.Contains(err.Error(), s) {
			t.Fatalf("error echoes the secret: %v", err)
		}
	})
}

// FuzzParseEncrypted: encrypted PKCS#8 (PEM or DER) with any passphrase
// either loads or fails with a sentinel; nothing panics, the passphrase is
// never echoed and it is asked for at most once.
func FuzzParseEncrypted(f *testing.F) {
	for _, name := range []string{"ec256-encrypted.pem", "ec256-encrypted-scrypt.pem", "ec256-encrypted-des3.pem", "ec256-encrypted-pbes1.pem"} {
		if b, err := os.ReadFile(fixture(name)); err == nil {
			f.Add(b, "jwtkit-test")
		}
	}
	if b, err := os.ReadFile(fixture("ed25519-pkcs8.pem")); err == nil {
		if set, err := keys.Parse(b, "seed"); err == nil {
			if out, err := keys.MarshalEncryptedPEM(set.Keys[0], []byte("pw"), keys.EncryptOptions{Iterations: keys.MinIterations}); err == nil {
				f.Add(out, "pw")
				f.Add(out, "wrong password")
				if block, _ := pem.Decode(out); block != nil {
					f.Add(block.Bytes, "pw")
				}
			}
		}
	}
	sentinels := []error{keys.ErrUnrecognized, keys.ErrUnsupported, keys.ErrInvalidKey, keys.ErrWeakKey,
		keys.ErrKeyNotFound, keys.ErrTooLarge, keys.ErrWrongPassword}
	f.Fuzz(func(t *testing.T, data []byte, pass string) {
		calls := 0
		_, err := keys.ParseWith(data, "fuzz", keys.ParseOptions{
			Password:      func(string) ([]byte, error) { calls++; return []byte(pass), nil },
			MaxIterations: 5000, // keeps each input fast
		})
		if calls > 1 {
			t.Fatalf("passphrase asked %d times", calls)
		}
		if err == nil {
			return
		}
		if len(pass) >= 6 && strings.Contains(err.Error(), pass) {
			t.Fatalf("error echoes the passphrase: %v", err)
		}
		for _, s := range sentinels {
			if errors.Is(err, s) {
				return
			}
		}
		t.Fatalf("error wraps no sentinel: %v", err)
	})
}

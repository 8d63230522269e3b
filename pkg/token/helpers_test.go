package token_test

import (
	"encoding/json"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/jwtkit/jwtkit/pkg/keys"
	"github.com/jwtkit/jwtkit/pkg/token"
)

// vectorsMissing skips a test whose ../shared/vectors file is absent, but
// fails it under CI=true, where .ci/run guarantees shared/ is beside the repo.
func vectorsMissing(t testing.TB, err error) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("shared vectors missing in CI: %v", err)
	}
	t.Skipf("shared vectors not available: %v", err)
}

// parseKey loads the single key in data (PEM, DER, JWK).
func parseKey(t testing.TB, data []byte) *keys.Key {
	t.Helper()
	set, err := keys.Parse(data, "test")
	if err != nil {
		t.Fatalf("keys.Parse: %v", err)
	}
	if len(set.Keys) != 1 {
		t.Fatalf("keys.Parse found %d keys", len(set.Keys))
	}
	return set.Keys[0]
}

func genKey(t testing.TB, alg string) *keys.Key {
	t.Helper()
	k, err := keys.Generate(alg, keys.GenerateOptions{})
	if err != nil {
		t.Fatalf("keys.Generate(%s): %v", alg, err)
	}
	return k
}

func secretKey(t testing.TB, s string) *keys.Key {
	t.Helper()
	k, err := keys.NewSecret([]byte(s), "test secret")
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func verifier(t testing.TB, p token.Policy, ks ...*keys.Key) *token.Verifier {
	t.Helper()
	v, err := token.NewVerifier(keys.NewSet(ks...), p)
	if err != nil {
		t.Fatalf("NewVerifier: %v", err)
	}
	return v
}

func signer(t testing.TB, k *keys.Key, alg string, header map[string]any) *token.Signer {
	t.Helper()
	s, err := token.NewSigner(k, alg, header)
	if err != nil {
		t.Fatalf("NewSigner(%s): %v", alg, err)
	}
	return s
}

func sign(t testing.TB, s *token.Signer, claims map[string]any) string {
	t.Helper()
	raw, err := s.Sign(claims)
	if err != nil {
		t.Fatalf("Sign: %v", err)
	}
	return raw
}

// signRaw signs exact header and payload JSON.
func signRaw(t testing.TB, k *keys.Key, alg, header, payload string) string {
	t.Helper()
	raw, err := token.SignJWS(k, alg, []byte(header), []byte(payload))
	if err != nil {
		t.Fatalf("SignJWS: %v", err)
	}
	return raw
}

func fixedNow(tm time.Time) func() time.Time { return func() time.Time { return tm } }

// failing lists the names of the failing checks.
func failing(r *token.Result) []string {
	var out []string
	for _, c := range r.Checks {
		if !c.OK {
			out = append(out, c.Name)
		}
	}
	return out
}

func dump(r *token.Result) string {
	b, _ := json.Marshal(r.Checks)
	return fmt.Sprintf("valid=%v reason=%q err=%v checks=%s", r.Valid, r.Reason, r.Err, b)
}

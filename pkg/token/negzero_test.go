package token_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"math"
	"strings"
	"testing"
)

// TestSignNegativeZero pins what the random claim sets only sometimes
// reach: negative zero, as a float (math.Copysign; the Go constant -0.0 is
// plain 0) and as JSON number text, is written as encoding/json writes it.
func TestSignNegativeZero(t *testing.T) {
	t.Parallel()
	negZero := math.Copysign(0, -1)
	if !math.Signbit(negZero) {
		t.Fatal("math.Copysign(0, -1) is not negative zero")
	}
	s := signer(t, secretKey(t, testSecret), "HS256", nil)
	for _, claims := range []map[string]any{
		{"n": negZero},
		{"n": []any{negZero, 0.0}},
		{"n": json.Number("-0")},
		{"n": json.Number("-0.0")},
		{"n": json.RawMessage(`-0.0`)},
	} {
		raw, err := s.Sign(claims)
		if err != nil {
			t.Fatalf("Sign(%#v): %v", claims, err)
		}
		payload, _ := base64.RawURLEncoding.DecodeString(strings.Split(raw, ".")[1])
		want, err := encodingJSON(t, claims)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(payload, want) {
			t.Errorf("claims %#v:\nSign          %s\nencoding/json %s", claims, payload, want)
		}
	}
}

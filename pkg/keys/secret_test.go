package keys_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/jwtkit/jwtkit/pkg/keys"
)

func TestDecodeSecret(t *testing.T) {
	tests := []struct {
		in, enc string
		want    string
		msg     string // error
	}{
		{"my secret", "utf8", "my secret", ""},
		{"héllo", "", "héllo", ""},
		{"aGVsbG8=", "base64", "hello", ""},
		{"aGVsbG8", "base64", "hello", ""},
		{"+/8=", "base64", "\xfb\xff", ""},
		{"-_8", "base64url", "\xfb\xff", ""},
		{"-_8=", "base64url", "\xfb\xff", ""},
		{"68656c6c6f", "hex", "hello", ""},
		{"68656C6C6F", "hex", "hello", ""},
		{"", "utf8", "", "empty"},
		{"", "hex", "", "empty"},
		{"-_8", "base64", "", "character 1 belongs to the base64url alphabet (try --secret-encoding base64url)"},
		{"+/8", "base64url", "", "belongs to the base64 alphabet"},
		{"aGVs!G8", "base64", "", "invalid character at position 5"},
		{"aGVsbG8==", "base64", "", "wrong padding"},
		{"a", "base64", "", "length (1 characters) is impossible"},
		{"abc", "hex", "", "odd number of digits (3)"},
		{"zz", "hex", "", "character 1 is not 0-9 or a-f"},
		{"0z", "hex", "", "character 2 is not 0-9 or a-f"},
		{"abc", "rot13", "", `unknown secret encoding "rot13"`},
	}
	for _, tt := range tests {
		t.Run(tt.enc+" "+tt.in, func(t *testing.T) {
			got, err := keys.DecodeSecret(tt.in, tt.enc)
			if tt.msg == "" {
				if err != nil || string(got) != tt.want {
					t.Fatalf("got %q, %v; want %q", got, err, tt.want)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.msg) {
				t.Fatalf("error %v, want %q", err, tt.msg)
			}
			if tt.enc != "rot13" && !errors.Is(err, keys.ErrInvalidKey) {
				t.Errorf("error %v does not wrap ErrInvalidKey", err)
			}
			if len(tt.in) > 2 && strings.Contains(err.Error(), tt.in) {
				t.Errorf("error %q echoes the secret", err)
			}
		})
	}
}

package jsonenc_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/jwtkit/jwtkit/internal/jsonenc"
)

// encodingJSON is what AppendString must write: encoding/json with HTML
// escaping off.
func encodingJSON(s string) string {
	var b bytes.Buffer
	e := json.NewEncoder(&b)
	e.SetEscapeHTML(false)
	_ = e.Encode(s)
	return string(bytes.TrimSuffix(b.Bytes(), []byte("\n")))
}

func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "plain ascii words", "a\"b\\c", "\x00\x1f\x7f", "<&>", "é日本\u2028\u2029", "\xff\xfe", "12345678\"12345678"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := string(jsonenc.AppendString([]byte("x"), s)), "x"+encodingJSON(s); got != want {
			t.Fatalf("AppendString(%q) = %s, encoding/json %s", s, got, want)
		}
	})
}

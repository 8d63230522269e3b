package safetext_test

import (
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/jwtkit/jwtkit/internal/safetext"
)

func TestEscape(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"plain", "plain"},
		{"café ü 日本", "café ü 日本"},
		{"a\x1b[2Jb", `a\u001b[2Jb`},
		{"tab\tnl\ncr\r", `tab\tnl\ncr\r`},
		{"del\x7f", `del\u007f`},
		{"csi\u009b31m", `csi\u009b31m`},
		{"nel\u0085", `nel\u0085`},
		{"rlo\u202egnp.exe", `rlo\u202egnp.exe`},
		{"isolate\u2066x\u2069", `isolate\u2066x\u2069`},
		{"lrm\u200e", `lrm\u200e`},
		{"bad\xffutf8", `bad\xffutf8`},
		{"nul\x00", `nul\u0000`},
	} {
		if got := safetext.Escape(tc.in); got != tc.want {
			t.Errorf("Escape(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if clean := safetext.Clean(tc.in); clean != (tc.in == tc.want) {
			t.Errorf("Clean(%q) = %v", tc.in, clean)
		}
	}
}

func TestQuote(t *testing.T) {
	t.Parallel()
	if got := safetext.Quote("x\u202ey\u009b"); got != `"x\u202ey\u009b"` {
		t.Errorf("Quote = %s", got)
	}
	long := strings.Repeat("é", 40) // 80 bytes
	got := safetext.Quote(long)
	if !strings.HasSuffix(got, `"…`) || !utf8.ValidString(got) || strings.Contains(got, `\x`) {
		t.Errorf("Quote(long) = %s: want a cut at a rune boundary", got)
	}
}

// FuzzEscape holds that escaped text never carries an unsafe character or
// invalid UTF-8, whatever the input.
func FuzzEscape(f *testing.F) {
	for _, s := range []string{"", "a", "\x1b]0;x\x07", "\u009b", "\u202e", "\xff\xfe"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := safetext.Escape(s)
		if !utf8.ValidString(out) {
			t.Fatalf("Escape(%q) = %q is not UTF-8", s, out)
		}
		for _, r := range out {
			if safetext.Unsafe(r) {
				t.Fatalf("Escape(%q) = %q keeps %U", s, out, r)
			}
		}
		if q := safetext.Quote(s); !utf8.ValidString(q) {
			t.Fatalf("Quote(%q) = %q is not UTF-8", s, q)
		}
	})
}

func TestShellQuote(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"plain": "plain", "https://h/a?b=1": "'https://h/a?b=1'", "": "''",
		"it's": `'it'\''s'`, "a b": "'a b'", "$(x)": "'$(x)'",
	} {
		if got := safetext.ShellQuote(in); got != want {
			t.Errorf("ShellQuote(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestRedactURL(t *testing.T) {
	jwt := "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ"
	for _, c := range []struct{ in, want string }{
		{"https://api.example/me", "https://api.example/me"},
		{"http://bob:pw@host/x", "http://REDACTED@host/x"},
		{"ftp://u:hunter2@x/api", "ftp://REDACTED@x/api"},
		{"http://127.0.0.1:18099/me?access_token=" + jwt, "http://127.0.0.1:18099/me?access_token=REDACTED"},
		{"http://h/me?q=" + jwt + "&page=2", "http://h/me?q=REDACTED&page=2"},
		{"http://h/me?page=2&api-key=abc&Password=x&code=c&sig=s", "http://h/me?page=2&api-key=REDACTED&Password=REDACTED&code=REDACTED&sig=REDACTED"},
		{"http://h/me?jwtkit-probe=1&monkey=banana", "http://h/me?jwtkit-probe=1&monkey=banana"},
		{"http://h/me?" + jwt, "http://h/me?REDACTED"},
	} {
		if got := safetext.RedactURL(c.in); got != c.want {
			t.Errorf("RedactURL(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestURLArg(t *testing.T) {
	jwt := "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ"
	for _, c := range []struct{ in, want string }{
		{jwt, "(a value of 63 characters that looks like a token, not a URL)"},
		{"ftp://u:hunter2@x/api", `"ftp://REDACTED@x/api"`},
		{"example.com", `"example.com"`},
		{"api.example.com/users/me", `"api.example.com/users/me"`},
		{"bob:pw@api.example.com", "(a value of 22 characters that is not a URL)"},
		{"Sup3rS3cretValue-0123456789abcdefXYZ", "(a value of 36 characters that could be a secret, not a URL)"},
		{"a-long-word-that-is-no-url", `"a-long-word-that-is-no-url"`},
		{"https://api.example/v1/users/8f3a9c2e7b1d4f60a5e3", `"https://api.example/v1/users/8f3a9c2e7b1d4f60a5e3"`},
	} {
		if got := safetext.URLArg(c.in); got != c.want {
			t.Errorf("URLArg(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestQuoteArg(t *testing.T) {
	const tok = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLWJ5dGVz"
	for _, tc := range []struct{ in, want string }{
		{"30x", `"30x"`},
		{"HS257", `"HS257"`},
		{"realm_access.roles", `"realm_access.roles"`},
		{"https://example.com/roles", `"https://example.com/roles"`},
		{"tokens.txt", `"tokens.txt"`},
		{"my-token-list.txt", `"my-token-list.txt"`},
		{tok, "(a value of 62 characters that looks like a token)"},
		{tok[:strings.LastIndex(tok, ".")], "(a value of 41 characters that looks like a token)"},
		{"Authorization: Bearer " + tok, "(a value of 84 characters that looks like a token)"},
		{"Sup3rS3cretValue-0123456789abcdefXYZ", "(a value of 36 characters that could be a secret)"},
		{"sub=a1b2c3d4e5f6a7b8c9d0", "(a value of 24 characters that could be a secret)"},
		{"0123456789abcdef0123", "(a value of 20 characters that could be a secret)"},
		{strings.Repeat("word ", 9), "(a value of 45 characters that could be a secret)"},
	} {
		if got := safetext.QuoteArg(tc.in); got != tc.want {
			t.Errorf("QuoteArg(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

// TestShapeOf: one classifier behind FileName, QuoteArg and URLArg, with
// one wording for each shape and each helper's own "not a ..." suffix.
func TestShapeOf(t *testing.T) {
	t.Parallel()
	const tok = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLWJ5dGVz"
	for _, tc := range []struct {
		in   string
		want safetext.Shape
	}{
		{"tokens.txt", safetext.Plain},
		{"preferred_username", safetext.Plain},
		{"allow-plain-htttp", safetext.Plain},
		{"my-signing-key-2024", safetext.Plain},
		{"/tmp/TestVerifyBatchMissing1234567890/001/tokens.txt", safetext.Plain},
		{"a-long-word-with-no-digits", safetext.Plain},
		{"my-signing-key-2026-production-eu-west", safetext.Plain},
		{"key-2026-01-rotation-v2", safetext.Plain},
		{"q8Zt-3kPx9aL_w2Rv7Nc", safetext.SecretShaped},
		{tok, safetext.TokenShaped},
		{"Bearer abc", safetext.TokenShaped},
		{"Sup3rS3cretValue-0123456789abcdefXYZ", safetext.SecretShaped},
		{"0123456789abcdef0123", safetext.SecretShaped},
		{"hunter2-but-longer-than-32-bytes!!", safetext.SecretShaped},
		{"/run/secrets/k3y9s8e7c6r5e4t3x2", safetext.SecretShaped},
	} {
		if got := safetext.ShapeOf(tc.in); got != tc.want {
			t.Errorf("ShapeOf(%q) = %d, want %d", tc.in, got, tc.want)
		}
	}
	const secret = "Sup3rS3cretValue-0123456789abcdefXYZ"
	for _, tc := range []struct{ got, want string }{
		{safetext.FileName(tok), "(a value of 62 characters that looks like a token, not a file name)"},
		{safetext.URLArg(tok), "(a value of 62 characters that looks like a token, not a URL)"},
		{safetext.QuoteArg(tok), "(a value of 62 characters that looks like a token)"},
		{safetext.FileName(secret), "(a value of 36 characters that could be a secret, not a file name)"},
		{safetext.URLArg(secret), "(a value of 36 characters that could be a secret, not a URL)"},
		{safetext.QuoteArg(secret), "(a value of 36 characters that could be a secret)"},
		{safetext.FileName("/tmp/TestX1234567890/001/tokens.txt"), `"/tmp/TestX1234567890/001/tokens.txt"`},
	} {
		if tc.got != tc.want {
			t.Errorf("got %s, want %s", tc.got, tc.want)
		}
	}
}

// TestFileNameQuotesLongPathsWhole: a long path is shown in full (Quote
// cuts at MaxQuoted), still escaped.
func TestFileNameQuotesLongPathsWhole(t *testing.T) {
	t.Parallel()
	long := "/home/ci/builds/project-name/very/deep/folder/structure/of/the/repository/keys/signing.pem"
	if got := safetext.FileName(long); got != strconv.Quote(long) {
		t.Errorf("FileName(long) = %s", got)
	}
	if got := safetext.FileName("/tmp/a\x1b[2J.pem"); !strings.Contains(got, `\x1b[2J`) || strings.Contains(got, "\x1b") {
		t.Errorf("control character not escaped: %s", got)
	}
}

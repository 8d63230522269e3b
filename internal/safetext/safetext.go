// Package safetext is jwtkit's one sanitiser for text that comes from a
// token, a key file or a server and is shown on a terminal or in a message:
// claims, headers, kids, error details and probe evidence. A token must not
// be able to move the cursor, recolour the screen, rewrite an earlier line
// or reorder what a reader sees, so every control character is escaped:
// C0 (U+0000–U+001F), DEL (U+007F), C1 (U+0080–U+009F, such as the 8-bit
// CSI U+009B), and the bidirectional controls (U+061C, U+200E, U+200F,
// U+202A–U+202E, U+2066–U+2069). Invalid UTF-8 bytes are escaped as \xNN.
package safetext

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"
)

// MaxQuoted is how many bytes of text Quote keeps before it cuts with "…".
const MaxQuoted = 64

// Unsafe reports whether r is a character the package escapes.
func Unsafe(r rune) bool {
	switch {
	case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f:
		return true
	case r == 0x061c, r == 0x200e, r == 0x200f:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	}
	return false
}

// Clean reports whether s is valid UTF-8 without any character that
// Escape would change.
func Clean(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == 0x7f {
				return false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size == 1) || Unsafe(r) {
			return false
		}
		i += size
	}
	return true
}

// Escape returns s with every unsafe character written as a \uXXXX escape
// (\t, \n and \r as themselves escaped: "\\t") and every invalid UTF-8 byte
// as \xNN. Other text, including other non-ASCII letters, is kept. The
// escapes are valid inside a JSON string except \xNN, which only invalid
// UTF-8 produces.
func Escape(s string) string {
	if Clean(s) {
		return s
	}
	return string(AppendEscaped(make([]byte, 0, len(s)+16), s))
}

// AppendEscaped appends Escape(s) to b.
func AppendEscaped(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, '\\', 'x', hex[s[i]>>4], hex[s[i]&0xf])
		case r == '\t':
			b = append(b, '\\', 't')
		case r == '\n':
			b = append(b, '\\', 'n')
		case r == '\r':
			b = append(b, '\\', 'r')
		case Unsafe(r):
			b = append(b, '\\', 'u', hex[r>>12&0xf], hex[r>>8&0xf], hex[r>>4&0xf], hex[r&0xf])
		default:
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return b
}

// Quote returns s as a Go-syntax quoted string for a message, cut at a rune
// boundary after MaxQuoted bytes with "…" after the closing quote. Like
// strconv.Quote it escapes every non-printable character, which includes
// all the unsafe ones.
func Quote(s string) string {
	return quoteMax(s, MaxQuoted)
}

// MaxPathQuoted is the longest file name FileName repeats whole: a path
// is worth showing in full (PATH_MAX is 4096 on Linux).
const MaxPathQuoted = 4096

func quoteMax(s string, max int) string {
	if len(s) <= max {
		return strconv.Quote(s)
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return strconv.Quote(s[:cut]) + "…"
}

// ShellQuote returns s as one word for a POSIX shell: unchanged when it is
// made only of characters no shell treats specially, else single-quoted.
// Command lines jwtkit prints (curl lines, mint hints) use it, so that a
// reader can paste them.
func ShellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=@%+,") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// Shape is what a value someone typed looks like, as far as deciding
// whether a message may repeat it. FileName, QuoteArg and URLArg all
// describe a value by its Shape, with the same words, instead of quoting it.
type Shape int

const (
	// Plain is a value a message may quote.
	Plain Shape = iota
	// TokenShaped is a JWT, a JWT without its signature, or anything holding
	// "Bearer ".
	TokenShaped
	// SecretShaped holds a run of more than 16 base64, base64url or hex
	// characters in which letters and digits alternate at least twice: what
	// keys, secrets and token segments look like, and words, names, paths
	// ("TestRun1234567890/001") and flag names rarely do.
	SecretShaped
)

// ShapeOf classifies s: TokenShaped first, then SecretShaped, else Plain.
func ShapeOf(s string) Shape {
	switch {
	case looksLikeToken(s):
		return TokenShaped
	case hasSecretRun(s):
		return SecretShaped
	}
	return Plain
}

// describe is the one wording for a value that is not repeated: its length
// and shape, then what it should have been (notA, may be empty).
func describe(s string, shape Shape, notA string) string {
	what := "could be a secret"
	if shape == TokenShaped {
		what = "looks like a token"
	}
	if notA != "" {
		what += ", not " + notA
	}
	return fmt.Sprintf("(a value of %d characters that %s)", len(s), what)
}

// FileName quotes a file name the user gave for a message, unless ShapeOf
// says it is what people paste by mistake where a file name belongs, a
// token or a secret: that is described, never repeated, since messages end
// up in CI logs.
func FileName(name string) string {
	if shape := ShapeOf(name); shape != Plain {
		return describe(name, shape, "a file name")
	}
	return quoteMax(name, MaxPathQuoted)
}

// MaxArgQuoted is the longest value QuoteArg repeats.
const MaxArgQuoted = 40

// QuoteArg quotes a value the user gave (a flag value, an argument) for an
// error message, only when it is short and cannot be a secret or a token:
// at most MaxArgQuoted bytes and Plain by ShapeOf. Anything else is
// described by its length and shape (a long value as one that could be a
// secret), never repeated: messages end up in CI logs.
func QuoteArg(s string) string {
	shape := ShapeOf(s)
	if shape == Plain && len(s) > MaxArgQuoted {
		shape = SecretShaped
	}
	if shape != Plain {
		return describe(s, shape, "")
	}
	return Quote(s)
}

// hasSecretRun reports a run of more than 16 characters of the base64,
// base64url or hex alphabets ('/' excepted: it splits paths, and a long
// standard-base64 value is caught by its length where that matters) in
// which letters and digits alternate at least four times, or twice when
// no '-' or '_' joins words in it (a kid such as "signing-key-2026-eu" is
// no secret; random base64url switches every few characters).
func hasSecretRun(s string) bool {
	const (
		other = iota
		letter
		digit
	)
	run, switches, seps, last := 0, 0, 0, other
	for i := 0; i <= len(s); i++ {
		kind := -1
		if i < len(s) {
			switch c := s[i]; {
			case c >= '0' && c <= '9':
				kind = digit
			case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
				kind = letter
			case c == '-' || c == '_':
				kind, seps = other, seps+1
			case c == '+' || c == '=':
				kind = other
			}
		}
		if kind < 0 {
			// Words joined by '-' or '_' ("my-signing-key-2026-eu")
			// switch between letters and digits rarely; random base64
			// does so every few characters.
			if run > 16 && (switches >= 4 || switches >= 2 && seps == 0) {
				return true
			}
			run, switches, seps, last = 0, 0, 0, other
			continue
		}
		run++
		if kind != other {
			if last != other && kind != last {
				switches++
			}
			last = kind
		}
	}
	return false
}

func looksLikeToken(s string) bool {
	s = strings.TrimSpace(s)
	if strings.Contains(strings.ToLower(s), "bearer ") {
		return true
	}
	parts := strings.Split(s, ".")
	// header.payload without a signature counts too when it starts as
	// every JWT header does ("eyJ" is base64url for `{"`).
	if len(s) < 16 || len(parts) < 2 || (len(parts) == 2 && !strings.HasPrefix(s, "eyJ")) {
		return false
	}
	for _, p := range parts {
		if strings.Trim(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=") != "" {
			return false
		}
	}
	return true
}

// Redacted is what RedactURL puts where a credential was.
const Redacted = "REDACTED"

// secretParams are query parameter names (lower case, with '-' read as
// '_') whose values are credentials whatever they look like.
var secretParams = []string{
	"token", "access_token", "id_token", "refresh_token", "jwt", "auth", "authorization",
	"password", "passwd", "pwd", "pass", "secret", "client_secret", "key", "api_key", "apikey",
	"code", "sig", "signature", "session", "sessionid", "x_amz_signature", "credential",
}

func secretParam(name string) bool {
	n := strings.ReplaceAll(strings.ToLower(name), "-", "_")
	for _, s := range secretParams {
		if n == s || strings.HasSuffix(n, "_"+s) {
			return true
		}
	}
	return false
}

// RedactURL is jwtkit's one way to show a URL in a report, a command line
// or a message: userinfo becomes REDACTED (a password, or a user name that
// may be a token), and so does every query value that looks like a token or
// whose name says it holds a secret (token, access_token, password, key,
// code, sig, ...). The rest of the URL, the order of the query and its
// encoding stay as given. A string that does not parse as a URL is
// described by URLArg instead of being repeated.
func RedactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return URLArg(raw)
	}
	if u.User != nil {
		u.User = url.User(Redacted)
	}
	if u.RawQuery != "" {
		parts := strings.Split(u.RawQuery, "&")
		for i, p := range parts {
			name, val, ok := strings.Cut(p, "=")
			if !ok {
				if looksLikeToken(unescape(name)) {
					parts[i] = Redacted
				}
				continue
			}
			if v := unescape(val); v != "" && (secretParam(unescape(name)) || looksLikeToken(v)) {
				parts[i] = name + "=" + Redacted
			}
		}
		u.RawQuery = strings.Join(parts, "&")
	}
	if u.Opaque != "" && (looksLikeToken(u.Opaque) || strings.Contains(u.Opaque, "@")) {
		// "user:pw@host" parses as scheme "user" and opaque "pw@host"
		u.Opaque = Redacted
	}
	return u.String()
}

func unescape(s string) string {
	if v, err := url.QueryUnescape(s); err == nil {
		return v
	}
	return s
}

// URLArg names a command-line value that should have been a URL in a
// message: the redacted URL, quoted, when it parses as one with a scheme
// and a host and is not token-shaped; otherwise, when ShapeOf says it is a
// token or a secret, a description ("a value of 180 characters that looks like a token, not a
// URL"), never the value itself, since people paste tokens and secrets
// where a URL belongs.
func URLArg(raw string) string {
	shape := ShapeOf(raw)
	if shape == TokenShaped {
		return describe(raw, shape, "a URL")
	}
	u, err := url.Parse(raw)
	if err == nil && u.Scheme != "" && u.Host != "" {
		return Quote(RedactURL(raw))
	}
	switch {
	case shape != Plain:
		return describe(raw, shape, "a URL")
	case strings.ContainsAny(raw, "@?"):
		// "api.example.com/me" is worth quoting (the scheme is missing);
		// anything with userinfo-like '@' or a query may hold a secret
		return fmt.Sprintf("(a value of %d characters that is not a URL)", len(raw))
	}
	return Quote(raw)
}

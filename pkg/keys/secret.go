package keys

import (
	"encoding/base64"
	"fmt"
	"strings"

	"github.com/jwtkit/jwtkit/internal/safetext"
)

// NewSecret wraps HMAC secret bytes (no kid). Empty secrets are ErrInvalidKey.
// The bytes are copied.
func NewSecret(secret []byte, source string) (*Key, error) {
	if len(secret) == 0 {
		return nil, fmt.Errorf("the HMAC secret is empty: %w", ErrInvalidKey)
	}
	return &Key{
		Type:       Oct,
		Secret:     append([]byte(nil), secret...),
		Format:     "raw secret",
		Source:     source,
		kidDerived: true,
	}, nil
}

// DecodeSecret turns the textual secret into bytes by encoding: "utf8"
// (the string's bytes, as PyJWT and jsonwebtoken use; "" means utf8),
// "base64" (std, padding optional), "base64url" (padding optional) or
// "hex" (either case). Errors wrap ErrInvalidKey and say what was wrong
// (with a position, never a character of the secret).
func DecodeSecret(s, encoding string) ([]byte, error) {
	var out []byte
	switch encoding {
	case "utf8", "":
		out = []byte(s)
	case "base64", "base64url":
		enc, other := base64.StdEncoding, "base64url"
		bad := strings.IndexAny(s, "-_")
		if encoding == "base64url" {
			enc, other = base64.URLEncoding, "base64"
			bad = strings.IndexAny(s, "+/")
		}
		if bad >= 0 {
			return nil, fmt.Errorf("secret is not %s: character %d belongs to the %s alphabet (try --secret-encoding %s): %w", encoding, bad+1, other, other, ErrInvalidKey)
		}
		trimmed := strings.TrimRight(s, "=")
		if pad := len(s) - len(trimmed); pad > 0 && pad != (4-len(trimmed)%4)%4 {
			return nil, fmt.Errorf("secret is not %s: wrong padding: %w", encoding, ErrInvalidKey)
		}
		if len(trimmed)%4 == 1 {
			return nil, fmt.Errorf("secret is not %s: its length (%d characters) is impossible for %s: %w", encoding, len(trimmed), encoding, ErrInvalidKey)
		}
		b, err := enc.WithPadding(base64.NoPadding).Strict().DecodeString(trimmed)
		if err != nil {
			if ce, ok := err.(base64.CorruptInputError); ok {
				return nil, fmt.Errorf("secret is not %s: invalid character at position %d: %w", encoding, int(ce)+1, ErrInvalidKey)
			}
			return nil, fmt.Errorf("secret is not %s: %w", encoding, ErrInvalidKey)
		}
		out = b
	case "hex":
		if len(s)%2 != 0 {
			return nil, fmt.Errorf("secret is not hex: it has an odd number of digits (%d): %w", len(s), ErrInvalidKey)
		}
		out = make([]byte, len(s)/2)
		for i := 0; i < len(s); i += 2 {
			hi, ok1 := hexVal(s[i])
			lo, ok2 := hexVal(s[i+1])
			if !ok1 || !ok2 {
				pos := i + 1
				if ok1 {
					pos = i + 2
				}
				return nil, fmt.Errorf("secret is not hex: character %d is not 0-9 or a-f: %w", pos, ErrInvalidKey)
			}
			out[i/2] = hi<<4 | lo
		}
	default:
		return nil, fmt.Errorf("unknown secret encoding %s: want utf8, base64, base64url or hex", safetext.Quote(encoding))
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("the HMAC secret is empty: %w", ErrInvalidKey)
	}
	return out, nil
}

func hexVal(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

package token

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
)

// parseError is what Parse returns: it wraps ErrMalformed and one precise
// sentinel, and names the part of the token that was wrong.
type parseError struct {
	part string // "header", "claims", "payload", "signature" or ""
	kind error  // the precise sentinel
	err  error  // detail (may be nil); its message replaces kind's
}

func (e *parseError) Error() string {
	var b strings.Builder
	if e.part != "" {
		b.WriteString(e.part)
		b.WriteString(": ")
	}
	if e.err != nil {
		b.WriteString(e.err.Error())
	} else {
		b.WriteString(e.kind.Error())
	}
	return b.String()
}

func (e *parseError) Unwrap() []error { return []error{ErrMalformed, e.kind} }

func malformed(part string, kind error, format string, args ...any) error {
	return &parseError{part: part, kind: kind, err: fmt.Errorf(format, args...)}
}

// Clean strips surrounding whitespace and "Bearer " / "Authorization: Bearer "
// prefixes (case-insensitive).
func Clean(s string) string {
	s = strings.TrimSpace(s)
	s = trimPrefixFold(s, "authorization:")
	s = strings.TrimSpace(s)
	if t := trimPrefixFold(s, "bearer"); len(t) < len(s) && (t == "" || t[0] == ' ' || t[0] == '\t') {
		s = t
	}
	return strings.TrimSpace(s)
}

func trimPrefixFold(s, prefix string) string {
	if len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
		return s[len(prefix):]
	}
	return s
}

// Parse splits and decodes a compact JWT strictly: three segments, strict
// unpadded base64url, header and claims JSON objects with no duplicate
// member names and depth ≤ MaxJSONDepth, registered NumericDate claims
// (exp, nbf, iat) numeric. Five segments give ErrJWE. It accepts alg none
// (decode shows such tokens under a warning); Verify never does.
func Parse(raw string) (*Token, error) {
	t, err := parse(raw, true)
	if err != nil {
		return nil, err
	}
	return t, nil
}

// ParseJWS is Parse without the JWT claims requirements: the payload may be
// any octets (Claims is nil when it is not a JSON object). For RFC/Wycheproof
// JWS vectors.
func ParseJWS(raw string) (*Token, error) {
	t, err := parse(raw, false)
	if err != nil {
		return nil, err
	}
	return t, nil
}

// strictBase64 is unpadded base64url that also rejects non-zero trailing bits.
var strictBase64 = sync.OnceValue(func() *base64.Encoding { return base64.RawURLEncoding.Strict() })

// parse does the work of Parse and ParseJWS. On an error after the split it
// also returns the partly filled token, for Verify's result.
func parse(raw string, jwt bool) (*Token, error) {
	if len(raw) > MaxTokenBytes {
		return nil, &parseError{kind: ErrTooLarge, err: fmt.Errorf("%w: %d bytes, the limit is %d", ErrTooLarge, len(raw), MaxTokenBytes)}
	}
	d1 := strings.IndexByte(raw, '.')
	d2 := -1
	if d1 >= 0 {
		if i := strings.IndexByte(raw[d1+1:], '.'); i >= 0 {
			d2 = d1 + 1 + i
		}
	}
	if d2 < 0 || strings.IndexByte(raw[d2+1:], '.') >= 0 {
		n := strings.Count(raw, ".") + 1
		if n == 5 {
			return nil, &parseError{kind: ErrJWE}
		}
		if strings.TrimSpace(raw) == "" {
			return nil, malformed("", ErrSegments, "%w: the token is empty", ErrSegments)
		}
		return nil, malformed("", ErrSegments, "%w: got %d, want 3 (header.payload.signature)", ErrSegments, n)
	}
	t := &Token{Raw: raw, SigningInput: raw[:d2]}

	// One allocation for all three decoded parts.
	enc := base64.RawURLEncoding
	hn, pn, sn := enc.DecodedLen(d1), enc.DecodedLen(d2-d1-1), enc.DecodedLen(len(raw)-d2-1)
	buf := make([]byte, hn+pn+sn+len(raw))
	src := buf[hn+pn+sn:]
	copy(src, raw)
	b64 := strictBase64()
	var err error
	if t.HeaderJSON, err = decodeSegment(b64, "header", buf[:0:hn], src[:d1]); err != nil {
		return t, err
	}
	if t.PayloadJSON, err = decodeSegment(b64, payloadPart(jwt), buf[hn:hn:hn+pn], src[d1+1:d2]); err != nil {
		return t, err
	}
	if t.Signature, err = decodeSegment(b64, "signature", buf[hn+pn:hn+pn:hn+pn+sn], src[d2+1:]); err != nil {
		return t, err
	}

	if t.Header, err = parseJSONObject(t.HeaderJSON); err != nil {
		return t, jsonPartError("header", err)
	}
	if !jwt {
		if c, err := parseJSONObject(t.PayloadJSON); err == nil {
			t.Claims = c
		}
		return t, nil
	}
	if t.Claims, err = parseJSONObject(t.PayloadJSON); err != nil {
		return t, jsonPartError("claims", err)
	}
	for _, name := range [...]string{"exp", "nbf", "iat"} {
		if v, ok := t.Claims[name]; ok {
			if _, isNum := v.(json.Number); !isNum {
				return t, malformed("claims", ErrNumericDate, "%w: %q is %s, want a JSON number of seconds", ErrNumericDate, name, jsonKind(v))
			}
		}
	}
	return t, nil
}

func payloadPart(jwt bool) string {
	if jwt {
		return "claims"
	}
	return "payload"
}

func jsonPartError(part string, err error) error {
	var je *jsonError
	if errors.As(err, &je) {
		return &parseError{part: part, kind: je.kind, err: err}
	}
	return &parseError{part: part, kind: ErrJSON, err: err}
}

// decodeSegment decodes strict unpadded base64url into dst (which has the
// capacity needed). The standard decoder skips CR and LF even in strict mode,
// so those are refused first.
func decodeSegment(enc *base64.Encoding, part string, dst, seg []byte) ([]byte, error) {
	if i := bytes.IndexAny(seg, "\r\n"); i >= 0 {
		return nil, malformed(part, ErrBase64, "%w at offset %d", ErrBase64, i)
	}
	n, err := enc.Decode(dst[:cap(dst)], seg)
	if err != nil {
		var ce base64.CorruptInputError
		if errors.As(err, &ce) {
			return nil, malformed(part, ErrBase64, "%w at offset %d", ErrBase64, int64(ce))
		}
		return nil, malformed(part, ErrBase64, "%w: %v", ErrBase64, err)
	}
	return dst[:n], nil
}

// jsonKind names the JSON type of a decoded value for messages.
func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case string:
		return "a string"
	case json.Number, float64, int, int64:
		return "a number"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	default:
		return fmt.Sprintf("a %T", v)
	}
}

package token

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/jwtkit/jwtkit/internal/strictjson"
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

func (e *parseError) Unwrap() []error {
	if e.err != nil {
		return []error{ErrMalformed, e.kind, e.err}
	}
	return []error{ErrMalformed, e.kind}
}

func malformed(part string, kind error, format string, args ...any) error {
	return &parseError{part: part, kind: kind, err: fmt.Errorf(format, args...)}
}

// Clean strips what people paste around a token: surrounding whitespace,
// "Authorization: Bearer " / "Bearer " prefixes (case-insensitive), and one
// matching pair of surrounding quotes ("…", '…') or angle brackets (<…>).
func Clean(s string) string {
	c, _ := CleanInput(s)
	return c
}

// CleanInput is Clean that also reports the pair it stripped ("quotes" or
// "angle brackets"; "" when none), so that a caller can say so: quotes are
// often a sign of a shell-quoting mistake upstream.
func CleanInput(s string) (clean, pair string) {
	s = strings.TrimSpace(s)
	s, pair = stripPair(s)
	s = trimPrefixFold(s, "authorization:")
	s = strings.TrimSpace(s)
	if t := trimPrefixFold(s, "bearer"); len(t) < len(s) && (t == "" || t[0] == ' ' || t[0] == '\t') {
		s = strings.TrimSpace(t)
	}
	if pair == "" {
		s, pair = stripPair(s)
	}
	return strings.TrimSpace(s), pair
}

// stripPair removes one matching pair of quotes or angle brackets around s.
func stripPair(s string) (string, string) {
	if len(s) < 2 {
		return s, ""
	}
	switch first, last := s[0], s[len(s)-1]; {
	case (first == '"' || first == '\'') && last == first:
		return s[1 : len(s)-1], "quotes"
	case first == '<' && last == '>':
		return s[1 : len(s)-1], "angle brackets"
	}
	return s, ""
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
//
// When only the registered members' types are wrong (errors.Is(err,
// ErrMemberType): a numeric sub, an aud array holding a number, a kid that
// is not a string), Parse returns the decoded token with the error, so that
// a caller that only shows tokens can show it; Verify calls it malformed.
func Parse(raw string) (*Token, error) {
	t, err := parse(raw, true)
	if err != nil {
		if errors.Is(err, ErrMemberType) {
			return t, err
		}
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
	d1, d2, err := split(raw)
	if err != nil {
		return nil, err
	}
	t := &Token{}
	var dates dateClaims
	return t, fill(t, &dates, raw, d1, d2, jwt)
}

// split finds the two dots of a compact JWS.
func split(raw string) (d1, d2 int, err error) {
	if len(raw) > MaxTokenBytes {
		return 0, 0, &parseError{kind: ErrTooLarge, err: fmt.Errorf("%w: %d bytes, the limit is %d", ErrTooLarge, len(raw), MaxTokenBytes)}
	}
	d1 = strings.IndexByte(raw, '.')
	d2 = -1
	if d1 >= 0 {
		if i := strings.IndexByte(raw[d1+1:], '.'); i >= 0 {
			d2 = d1 + 1 + i
		}
	}
	if d2 < 0 || strings.IndexByte(raw[d2+1:], '.') >= 0 {
		n := strings.Count(raw, ".") + 1
		if n == 5 {
			return 0, 0, &parseError{kind: ErrJWE}
		}
		if strings.TrimSpace(raw) == "" {
			return 0, 0, malformed("", ErrSegments, "%w: the token is empty", ErrSegments)
		}
		return 0, 0, malformed("", ErrSegments, "%w: got %d, want 3 (header.payload.signature)", ErrSegments, n)
	}
	return d1, d2, nil
}

// fill decodes a token split at the dots d1 and d2 into t, and notes its
// NumericDate claims in dates; Verify passes a Token that lives in the same
// allocation as its Result.
func fill(t *Token, dates *dateClaims, raw string, d1, d2 int, jwt bool) error {
	t.Raw, t.SigningInput = raw, raw[:d2]

	// One allocation for all three decoded parts, and one string holding the
	// header and payload that every decoded string value is a substring of.
	enc := base64.RawURLEncoding
	hn, pn, sn := enc.DecodedLen(d1), enc.DecodedLen(d2-d1-1), enc.DecodedLen(len(raw)-d2-1)
	buf := make([]byte, hn+pn+sn)
	var err error
	if t.HeaderJSON, err = decodeB64(buf[:0:hn], "header", raw[:d1]); err != nil {
		return err
	}
	if t.PayloadJSON, err = decodeB64(buf[hn:hn:hn+pn], payloadPart(jwt), raw[d1+1:d2]); err != nil {
		return err
	}
	if t.Signature, err = decodeB64(buf[hn+pn:hn+pn:hn+pn+sn], "signature", raw[d2+1:]); err != nil {
		return err
	}
	hl, pl := len(t.HeaderJSON), len(t.PayloadJSON)
	text := string(buf[:hn+pn])
	headerText, payloadText := text[:hl], text[hn:hn+pl]

	if t.Header, err = strictjson.Object(headerText, MaxJSONDepth); err != nil {
		return jsonPartError("header", err)
	}
	if !jwt {
		if c, err := strictjson.Object(payloadText, MaxJSONDepth); err == nil {
			t.Claims = c
		}
		if problems := memberTypeProblems(t.Header, nil, dateClaims{}); len(problems) > 0 {
			return &parseError{kind: ErrMemberType, err: &memberTypeError{kind: ErrMemberType, msg: strings.Join(problems, "; ")}}
		}
		return nil
	}
	if t.Claims, err = strictjson.Object(payloadText, MaxJSONDepth); err != nil {
		return jsonPartError("claims", err)
	}
	dates.note(t.Claims)
	if problems := memberTypeProblems(t.Header, t.Claims, *dates); len(problems) > 0 {
		kind := ErrMemberType
		if isDateProblem(problems[0]) {
			kind = ErrNumericDate
		}
		return &parseError{kind: ErrMemberType, err: &memberTypeError{kind: kind, msg: strings.Join(problems, "; ")}}
	}
	return nil
}

// memberTypeError lists the members of the wrong type; it wraps
// ErrNumericDate when a date is one of them.
type memberTypeError struct {
	kind error
	msg  string
}

func (e *memberTypeError) Error() string { return e.msg }
func (e *memberTypeError) Unwrap() error { return e.kind }

// memberTypeProblems checks the RFC 7515/7519 types of the registered
// members: kid a string; iss, sub and jti strings; aud a string or an
// array of strings; exp, nbf and iat JSON numbers. Each problem names the
// member, so decode can still show the token under a warning.
func memberTypeProblems(header, claims map[string]any, dates dateClaims) []string {
	var out []string
	if v, ok := header["kid"]; ok {
		if _, isStr := v.(string); !isStr {
			out = append(out, "header kid is "+strictjson.Kind(v)+", want a string")
		}
	}
	for i := range dates.v {
		if v := dates.v[i]; dates.present[i] {
			if _, isNum := v.(json.Number); !isNum {
				out = append(out, fmt.Sprintf("claim %q is %s, want a JSON number of seconds", dateName(i), strictjson.Kind(v)))
			} else if _, err := numericDate(v); err != nil {
				out = append(out, fmt.Sprintf("claim %q is %s", dateName(i), strings.TrimPrefix(err.Error(), ErrNumericDate.Error()+": ")))
			}
		}
	}
	for _, name := range [...]string{"iss", "sub", "jti"} {
		if v, ok := claims[name]; ok {
			if _, isStr := v.(string); !isStr {
				out = append(out, fmt.Sprintf("claim %q is %s, want a string", name, strictjson.Kind(v)))
			}
		}
	}
	if v, ok := claims["aud"]; ok {
		if _, ok := audience(v); !ok {
			out = append(out, audienceProblem(v))
		}
	}
	// Dates first: they decide the sentinel.
	sort.SliceStable(out, func(i, j int) bool { return isDateProblem(out[i]) && !isDateProblem(out[j]) })
	return out
}

func isDateProblem(p string) bool {
	return strings.HasPrefix(p, `claim "exp"`) || strings.HasPrefix(p, `claim "nbf"`) || strings.HasPrefix(p, `claim "iat"`)
}

// audience reads aud: a string or an array of strings (RFC 7519 §4.1.3).
func audience(v any) ([]string, bool) {
	switch x := v.(type) {
	case string:
		return []string{x}, true
	case []any:
		out := make([]string, len(x))
		for i, e := range x {
			s, ok := e.(string)
			if !ok {
				return nil, false
			}
			out[i] = s
		}
		return out, true
	}
	return nil, false
}

func audienceProblem(v any) string {
	if a, ok := v.([]any); ok {
		for i, e := range a {
			if _, isStr := e.(string); !isStr {
				return fmt.Sprintf("claim \"aud\" holds %s at index %d, want a string or an array of strings", strictjson.Kind(e), i)
			}
		}
	}
	return "claim \"aud\" is " + strictjson.Kind(v) + ", want a string or an array of strings"
}

// b64URL maps a byte to its base64url value; 0xff marks every other byte.
const b64URL = "" +
	"\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff" +
	"\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff" +
	"\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x3e\xff\xff" +
	"\x34\x35\x36\x37\x38\x39\x3a\x3b\x3c\x3d\xff\xff\xff\xff\xff\xff" +
	"\xff\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e" +
	"\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\xff\xff\xff\xff\x3f" +
	"\xff\x1a\x1b\x1c\x1d\x1e\x1f\x20\x21\x22\x23\x24\x25\x26\x27\x28" +
	"\x29\x2a\x2b\x2c\x2d\x2e\x2f\x30\x31\x32\x33\xff\xff\xff\xff\xff" +
	"\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff" +
	"\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff" +
	"\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff" +
	"\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff" +
	"\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff" +
	"\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff" +
	"\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff" +
	"\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff"

// decodeB64 decodes strict unpadded base64url (RFC 7515 §2: no padding, no
// line breaks, zero trailing bits) from seg into dst, which has the capacity
// needed. It reads the token string directly; when the input is bad it lets
// decodeSegment find the problem, so errors read as encoding/base64's.
func decodeB64(dst []byte, part, seg string) ([]byte, error) {
	dst = dst[:cap(dst)]
	n, i := 0, 0
	// Eight characters at a time into a big-endian word, stored whole
	// while there is room for the two bytes beyond the six it decodes.
	for ; i+8 <= len(seg) && n+8 <= len(dst); i += 8 {
		q := seg[i : i+8]
		c0, c1, c2, c3 := b64URL[q[0]], b64URL[q[1]], b64URL[q[2]], b64URL[q[3]]
		c4, c5, c6, c7 := b64URL[q[4]], b64URL[q[5]], b64URL[q[6]], b64URL[q[7]]
		if (c0|c1|c2|c3|c4|c5|c6|c7)&0xc0 != 0 {
			return decodeSegment(part, dst, seg)
		}
		v := uint64(c0)<<58 | uint64(c1)<<52 | uint64(c2)<<46 | uint64(c3)<<40 |
			uint64(c4)<<34 | uint64(c5)<<28 | uint64(c6)<<22 | uint64(c7)<<16
		binary.BigEndian.PutUint64(dst[n:], v)
		n += 6
	}
	for ; i+4 <= len(seg) && n+3 <= len(dst); i += 4 {
		a, b, c, d := b64URL[seg[i]], b64URL[seg[i+1]], b64URL[seg[i+2]], b64URL[seg[i+3]]
		if (a|b|c|d)&0xc0 != 0 {
			return decodeSegment(part, dst, seg)
		}
		v := uint32(a)<<18 | uint32(b)<<12 | uint32(c)<<6 | uint32(d)
		dst[n], dst[n+1], dst[n+2] = byte(v>>16), byte(v>>8), byte(v)
		n += 3
	}
	switch rest := seg[i:]; len(rest) {
	case 0:
	case 2:
		a, b := b64URL[rest[0]], b64URL[rest[1]]
		if (a|b)&0xc0 != 0 || b&0x0f != 0 || n+1 > len(dst) {
			return decodeSegment(part, dst, seg)
		}
		dst[n] = a<<2 | b>>4
		n++
	case 3:
		a, b, c := b64URL[rest[0]], b64URL[rest[1]], b64URL[rest[2]]
		if (a|b|c)&0xc0 != 0 || c&0x03 != 0 || n+2 > len(dst) {
			return decodeSegment(part, dst, seg)
		}
		v := uint32(a)<<12 | uint32(b)<<6 | uint32(c)
		dst[n], dst[n+1] = byte(v>>10), byte(v>>2)
		n += 2
	default:
		return decodeSegment(part, dst, seg)
	}
	return dst[:n], nil
}

func payloadPart(jwt bool) string {
	if jwt {
		return "claims"
	}
	return "payload"
}

func jsonPartError(part string, err error) error {
	if errors.Is(err, ErrDuplicate) {
		return &parseError{part: part, kind: ErrDuplicate, err: err}
	}
	return &parseError{part: part, kind: ErrJSON, err: err}
}

// dateClaims are the NumericDate claims of a claim set (exp, nbf, iat, in
// that order), read once so that parse and Verify look them up once.
type dateClaims struct {
	v       [3]any
	present [3]bool
}

// dateName is the name of date claim i: exp, nbf, iat.
func dateName(i int) string { return [...]string{"exp", "nbf", "iat"}[i] }

func (dc *dateClaims) note(claims map[string]any) {
	for i := range dc.v {
		dc.v[i], dc.present[i] = claims[dateName(i)]
	}
}

// decodeSegment decodes strict unpadded base64url with encoding/base64 into
// dst (which has the capacity needed); decodeB64 leaves it the inputs it
// refuses, so that the errors name the offset encoding/base64 reports. The
// standard decoder skips CR and LF even in strict mode, so those are
// refused first.
func decodeSegment(part string, dst []byte, seg string) ([]byte, error) {
	if i := strings.IndexAny(seg, "\r\n"); i >= 0 {
		return nil, malformed(part, ErrBase64, "%w at offset %d", ErrBase64, i)
	}
	n, err := strictBase64().Decode(dst[:cap(dst)], []byte(seg))
	if err != nil {
		var ce base64.CorruptInputError
		if errors.As(err, &ce) {
			return nil, malformed(part, ErrBase64, "%w at offset %d", ErrBase64, int64(ce))
		}
		return nil, malformed(part, ErrBase64, "%w: %v", ErrBase64, err)
	}
	return dst[:n], nil
}

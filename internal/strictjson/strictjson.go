// Package strictjson is jwtkit's one JSON reader for untrusted input:
// token headers and claims, JWKs and JWK Sets, --claims files, --claim
// values and forged-token input. It accepts exactly RFC 8259 JSON in UTF-8
// and refuses what lets two parsers see two different documents:
// duplicate member names at any level (compared after unescaping, so "a"
// and "\u0061" collide), lone or reversed UTF-16 surrogate escapes (I-JSON,
// RFC 7493), nesting deeper than a caller-given limit, and data after the
// value. Numbers are kept as json.Number with their exact text.
//
// It is a single pass that builds the value directly, which is both
// stricter and faster than encoding/json followed by a second scan.
package strictjson

import (
	"encoding/json"
	"errors"
	"fmt"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/jwtkit/jwtkit/internal/safetext"
)

// Error kinds, usable with errors.Is on any error this package returns.
var (
	ErrSyntax    = errors.New("invalid JSON")
	ErrDuplicate = errors.New("duplicate JSON member name")
	ErrDepth     = errors.New("JSON nested too deeply")
	ErrSurrogate = errors.New("invalid JSON: lone UTF-16 surrogate")
)

// Error is a problem at a byte offset of the text.
type Error struct {
	Kind   error  // ErrSyntax, ErrDuplicate, ErrDepth or ErrSurrogate
	Offset int    // byte offset in the text
	Msg    string // what was found, safe to print (no control characters)
	Name   string // ErrDuplicate: the member name, as decoded (unsanitised)
}

func (e *Error) Error() string {
	switch e.Kind {
	case ErrDuplicate:
		return e.Kind.Error() + " " + e.Msg
	case ErrSurrogate:
		return fmt.Sprintf("invalid JSON at offset %d: %s", e.Offset, e.Msg)
	}
	return fmt.Sprintf("%s at offset %d: %s", ErrSyntax, e.Offset, e.Msg)
}

// Unwrap lets errors.Is see the kind; ErrDepth and ErrSurrogate are also
// ErrSyntax.
func (e *Error) Unwrap() []error {
	if e.Kind == ErrDepth || e.Kind == ErrSurrogate {
		return []error{e.Kind, ErrSyntax}
	}
	return []error{e.Kind}
}

// Parse reads one JSON text of any type. Objects are map[string]any,
// arrays []any, numbers json.Number; maxDepth bounds the nesting of
// objects and arrays together.
func Parse(data []byte, maxDepth int) (any, error) {
	// One string for the whole text: member names, string values and
	// numbers are substrings of it rather than an allocation each.
	p := jsonParser{data: string(data), max: maxDepth}
	p.skipSpace()
	if p.pos == len(data) {
		return nil, p.fail("empty input")
	}
	v, err := p.value()
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	if p.pos != len(data) {
		return nil, p.fail("unexpected data after the top-level value")
	}
	return v, nil
}

// Object reads a JSON text that must be an object. The text is a string so
// that the values can be substrings of it: a caller holding the text as a
// string already (a decoded token segment) pays no copy.
func Object(data string, maxDepth int) (map[string]any, error) {
	p := jsonParser{data: data, max: maxDepth}
	return p.topObject()
}

// Valid reports whether data is one strict JSON text (see Parse).
func Valid(data []byte, maxDepth int) error {
	_, err := Parse(data, maxDepth)
	return err
}

// Kind names the JSON type of a decoded value for messages: "a string",
// "an array", "null".
func Kind(v any) string {
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

func (p *jsonParser) topObject() (map[string]any, error) {
	data := p.data
	p.skipSpace()
	if p.pos == len(data) {
		return nil, p.fail("empty input")
	}
	if data[p.pos] != '{' {
		return nil, p.fail("not a JSON object")
	}
	p.pos++
	m, err := p.object()
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	if p.pos != len(data) {
		return nil, p.fail("unexpected data after the top-level value")
	}
	return m, nil
}

type jsonParser struct {
	data  string
	pos   int
	depth int
	max   int
}

func (p *jsonParser) fail(msg string) error {
	return &Error{Kind: ErrSyntax, Offset: p.pos, Msg: msg}
}

func (p *jsonParser) skipSpace() {
	for p.pos < len(p.data) {
		switch p.data[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

func (p *jsonParser) value() (any, error) {
	if p.pos >= len(p.data) {
		return nil, p.fail("unexpected end of input")
	}
	switch c := p.data[p.pos]; c {
	case '{':
		p.pos++
		return p.object()
	case '[':
		p.pos++
		return p.array()
	case '"':
		p.pos++
		s, err := p.str()
		if err != nil {
			return nil, err
		}
		return boxString(s), nil
	case 't':
		return p.literal("true", true)
	case 'f':
		return p.literal("false", false)
	case 'n':
		return p.literal("null", nil)
	default:
		if c == '-' || (c >= '0' && c <= '9') {
			return p.number()
		}
		return nil, p.fail(fmt.Sprintf("unexpected character %q", rune(c)))
	}
}

func (p *jsonParser) literal(word string, v any) (any, error) {
	if len(p.data)-p.pos < len(word) || p.data[p.pos:p.pos+len(word)] != word {
		return nil, p.fail("invalid literal")
	}
	p.pos += len(word)
	return v, nil
}

func (p *jsonParser) enter() error {
	p.depth++
	if p.depth > p.max {
		return &Error{Kind: ErrDepth, Offset: p.pos, Msg: fmt.Sprintf("nested deeper than %d levels", p.max)}
	}
	return nil
}

// object parses members after the opening brace.
func (p *jsonParser) object() (map[string]any, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	m := make(map[string]any, 8)
	p.skipSpace()
	if p.pos < len(p.data) && p.data[p.pos] == '}' {
		p.pos++
		p.depth--
		return m, nil
	}
	for {
		p.skipSpace()
		if p.pos >= len(p.data) || p.data[p.pos] != '"' {
			return nil, p.fail("expected a string member name")
		}
		keyAt := p.pos
		p.pos++
		key, err := p.key()
		if err != nil {
			return nil, err
		}
		p.skipSpace()
		if p.pos >= len(p.data) || p.data[p.pos] != ':' {
			return nil, p.fail("expected ':' after member name")
		}
		p.pos++
		p.skipSpace()
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		if _, dup := m[key]; dup {
			return nil, &Error{Kind: ErrDuplicate, Offset: keyAt, Msg: safetext.Quote(key), Name: key}
		}
		m[key] = v
		p.skipSpace()
		if p.pos >= len(p.data) {
			return nil, p.fail("unexpected end of input in object")
		}
		switch p.data[p.pos] {
		case ',':
			p.pos++
		case '}':
			p.pos++
			p.depth--
			return m, nil
		default:
			return nil, p.fail("expected ',' or '}' in object")
		}
	}
}

// array parses elements after the opening bracket.
func (p *jsonParser) array() ([]any, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	var a []any // allocated at the first element, with room for a few
	p.skipSpace()
	if p.pos < len(p.data) && p.data[p.pos] == ']' {
		p.pos++
		p.depth--
		return []any{}, nil
	}
	for {
		p.skipSpace()
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		if a == nil {
			a = make([]any, 0, 4)
		}
		a = append(a, v)
		p.skipSpace()
		if p.pos >= len(p.data) {
			return nil, p.fail("unexpected end of input in array")
		}
		switch p.data[p.pos] {
		case ',':
			p.pos++
		case ']':
			p.pos++
			p.depth--
			return a, nil
		default:
			return nil, p.fail("expected ',' or ']' in array")
		}
	}
}

// key parses a member name after the opening quote. Names are substrings
// of the text like any other string.
func (p *jsonParser) key() (string, error) { return p.str() }

// boxString returns s as an interface value. The header values nearly every
// token carries come from static data; any other string costs an
// allocation to box.
func boxString(s string) any {
	switch s {
	case "JWT":
		return "JWT"
	case "HS256":
		return "HS256"
	case "HS384":
		return "HS384"
	case "HS512":
		return "HS512"
	case "RS256":
		return "RS256"
	case "PS256":
		return "PS256"
	case "ES256":
		return "ES256"
	case "EdDSA":
		return "EdDSA"
	}
	return s
}

// str parses a string after the opening quote.
func (p *jsonParser) str() (string, error) {
	start := p.pos
	// Fast path: no escapes and no control characters.
	for i := start; i < len(p.data); i++ {
		c := p.data[i]
		if c == '"' {
			p.pos = i + 1
			return p.data[start:i], nil
		}
		if c >= utf8.RuneSelf {
			// Valid UTF-8 is kept as it is; only escapes need a copy.
			r, size := utf8.DecodeRuneInString(p.data[i:])
			if r == utf8.RuneError && size == 1 {
				p.pos = i
				return p.strSlow(start)
			}
			i += size - 1
			continue
		}
		if c == '\\' || c < 0x20 {
			p.pos = i
			return p.strSlow(start)
		}
	}
	p.pos = len(p.data)
	return "", p.fail("unterminated string")
}

func (p *jsonParser) strSlow(start int) (string, error) {
	buf := make([]byte, 0, p.pos-start+16)
	buf = append(buf, p.data[start:p.pos]...)
	for p.pos < len(p.data) {
		c := p.data[p.pos]
		switch {
		case c == '"':
			p.pos++
			return string(buf), nil
		case c < 0x20:
			return "", p.fail("control character in string")
		case c == '\\':
			if p.pos+1 >= len(p.data) {
				return "", p.fail("unterminated escape")
			}
			e := p.data[p.pos+1]
			switch e {
			case '"', '\\', '/':
				buf = append(buf, e)
			case 'b':
				buf = append(buf, '\b')
			case 'f':
				buf = append(buf, '\f')
			case 'n':
				buf = append(buf, '\n')
			case 'r':
				buf = append(buf, '\r')
			case 't':
				buf = append(buf, '\t')
			case 'u':
				r, ok := p.hex4(p.pos + 2)
				if !ok {
					return "", p.fail("invalid \\u escape")
				}
				p.pos += 6
				if utf16.IsSurrogate(r) {
					// Only a high surrogate followed by a low one is a
					// character. A lone or reversed surrogate is not text
					// (RFC 8259 §8.2, RFC 7493 §2.1): encoding/json turns it
					// into U+FFFD, so two different names could collide.
					if r < 0xdc00 && p.pos+1 < len(p.data) && p.data[p.pos] == '\\' && p.data[p.pos+1] == 'u' {
						if r2, ok := p.hex4(p.pos + 2); ok {
							if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
								p.pos += 6
								buf = utf8.AppendRune(buf, dec)
								continue
							}
						}
					}
					p.pos -= 6
					return "", &Error{Kind: ErrSurrogate, Offset: p.pos, Msg: "lone UTF-16 surrogate " + p.data[p.pos:p.pos+6]}
				}
				buf = utf8.AppendRune(buf, r)
				continue
			default:
				return "", p.fail("invalid escape character")
			}
			p.pos += 2
		case c < utf8.RuneSelf:
			buf = append(buf, c)
			p.pos++
		default:
			r, size := utf8.DecodeRuneInString(p.data[p.pos:])
			if r == utf8.RuneError && size == 1 {
				return "", p.fail("invalid UTF-8 in string")
			}
			buf = append(buf, p.data[p.pos:p.pos+size]...)
			p.pos += size
		}
	}
	return "", p.fail("unterminated string")
}

func (p *jsonParser) hex4(at int) (rune, bool) {
	if at+4 > len(p.data) {
		return 0, false
	}
	var r rune
	for i := at; i < at+4; i++ {
		c := p.data[i]
		r <<= 4
		switch {
		case c >= '0' && c <= '9':
			r |= rune(c - '0')
		case c >= 'a' && c <= 'f':
			r |= rune(c - 'a' + 10)
		case c >= 'A' && c <= 'F':
			r |= rune(c - 'A' + 10)
		default:
			return 0, false
		}
	}
	return r, true
}

// number parses an RFC 8259 number and keeps its text.
func (p *jsonParser) number() (any, error) {
	d := p.data
	start := p.pos
	i := start
	if d[i] == '-' {
		i++
	}
	digits := func() int {
		n := 0
		for i < len(d) && d[i] >= '0' && d[i] <= '9' {
			i++
			n++
		}
		return n
	}
	if i < len(d) && d[i] == '0' {
		i++
	} else if digits() == 0 {
		p.pos = i
		return nil, p.fail("invalid number")
	}
	if i < len(d) && d[i] == '.' {
		i++
		if digits() == 0 {
			p.pos = i
			return nil, p.fail("invalid number: no digits after '.'")
		}
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		i++
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		if digits() == 0 {
			p.pos = i
			return nil, p.fail("invalid number: no digits in exponent")
		}
	}
	p.pos = i
	return json.Number(d[start:i]), nil
}

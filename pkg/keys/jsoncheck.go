package keys

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// MaxJSONDepth bounds the nesting of JWK and JWKS JSON. A JWKS needs 4
// levels (set, keys array, key, x5c array); anything deeper is refused
// before decoding.
const MaxJSONDepth = 16

// MaxJWKSKeys caps the number of keys in a JWK Set, parsed or fetched.
const MaxJWKSKeys = 100

// checkJSON walks data once and refuses what encoding/json would silently
// accept: nesting deeper than MaxJSONDepth, duplicate member names (which
// let two parsers see two different keys), and data after the value.
func checkJSON(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	type frame struct {
		object bool
		names  map[string]struct{}
		expect bool // object: next token is a member name
	}
	var stack []frame
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			if len(stack) > 0 {
				return errors.New("JSON ends early")
			}
			return nil
		}
		if err != nil {
			var se *json.SyntaxError
			if errors.As(err, &se) {
				return fmt.Errorf("invalid JSON at byte %d", se.Offset)
			}
			return errors.New("invalid JSON")
		}
		if len(stack) > 0 {
			top := &stack[len(stack)-1]
			if top.object && top.expect {
				if d, ok := tok.(json.Delim); ok && d == '}' {
					stack = stack[:len(stack)-1]
					goto next
				}
				name, _ := tok.(string)
				if _, dup := top.names[name]; dup {
					return fmt.Errorf("duplicate JSON member %q", safe(name))
				}
				top.names[name] = struct{}{}
				top.expect = false
				continue
			}
			if top.object {
				top.expect = true
			}
		}
		if d, ok := tok.(json.Delim); ok {
			switch d {
			case '{', '[':
				if len(stack) >= MaxJSONDepth {
					return fmt.Errorf("JSON nested deeper than %d levels: %w", MaxJSONDepth, ErrTooLarge)
				}
				stack = append(stack, frame{object: d == '{', names: map[string]struct{}{}, expect: d == '{'})
			case '}', ']':
				stack = stack[:len(stack)-1]
			}
		}
	next:
		if len(stack) == 0 {
			if dec.More() {
				return errors.New("data after the JSON value")
			}
			if _, err := dec.Token(); !errors.Is(err, io.EOF) {
				return errors.New("data after the JSON value")
			}
			return nil
		}
	}
}

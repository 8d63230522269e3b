package keys

import (
	"errors"
	"fmt"

	"github.com/jwtkit/jwtkit/internal/strictjson"
)

// MaxJSONDepth bounds the nesting of JWK and JWKS JSON. A JWKS needs 4
// levels (set, keys array, key, x5c array); anything deeper is refused
// before decoding.
const MaxJSONDepth = 16

// MaxJWKSKeys caps the number of keys in a JWK Set, parsed or fetched.
const MaxJWKSKeys = 100

// checkJSON refuses what encoding/json would silently accept before the
// key is decoded: nesting deeper than MaxJSONDepth, duplicate member names
// (which let two parsers see two different keys), lone surrogates, invalid
// UTF-8 and data after the value. strictjson is jwtkit's one reader for
// that; encoding/json then fills the typed structs.
func checkJSON(data []byte) error {
	_, err := strictjson.Parse(data, MaxJSONDepth)
	if errors.Is(err, strictjson.ErrDepth) {
		return fmt.Errorf("JSON nested deeper than %d levels: %w", MaxJSONDepth, ErrTooLarge)
	}
	return err
}

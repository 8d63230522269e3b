package keys

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jwtkit/jwtkit/internal/safetext"
)

// SkippedKey is a key of a provider's set that ParseProviderJWKS left out.
type SkippedKey struct {
	Index  int    // 1-based position in the set
	KID    string // "" when the key has none
	Reason string // one lower-case line, no key material
	Err    error  // wraps ErrWeakKey or ErrCertMismatch
}

// skipped returns the skipped key with this kid, if any.
func (s *Set) skipped(kid string) (SkippedKey, bool) {
	if s == nil || kid == "" {
		return SkippedKey{}, false
	}
	for _, sk := range s.Skipped {
		if sk.KID == kid {
			return sk, true
		}
	}
	return SkippedKey{}, false
}

// SkippedKID returns the key with this kid that the set left out, if any.
func (s *Set) SkippedKID(kid string) (SkippedKey, bool) { return s.skipped(kid) }

// IsSkipped reports whether kid names a key the set left out (see Skipped).
func (s *Set) IsSkipped(kid string) bool {
	_, ok := s.skipped(kid)
	return ok
}

// ParseProviderJWKS reads a JWK Set published by an identity provider. It
// is Parse with one difference: a key that is too weak (ErrWeakKey) or
// whose x5c certificate does not hold the JWK's key (ErrCertMismatch) is
// left out and listed in Set.Skipped rather than failing the whole set,
// since one bad key of a provider must not stop tokens signed with its
// good keys. A token whose kid picks a skipped key still fails (Find says
// why). Duplicate kids, HMAC secrets mixed with asymmetric keys and every
// other defect still refuse the set; a set with no usable key left is an
// error wrapping the skipped keys' sentinel. Input that is not a JWKS is
// parsed by Parse.
func ParseProviderJWKS(data []byte, source string) (*Set, error) {
	t := bytes.TrimSpace(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")))
	if len(t) == 0 || t[0] != '{' {
		return Parse(data, source)
	}
	if err := checkJSON(t); err != nil {
		return Parse(data, source) // Parse words the error
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(t, &obj); err != nil {
		return Parse(data, source)
	}
	rawKeys, ok := obj["keys"]
	if !ok {
		return Parse(data, source)
	}
	var elems []json.RawMessage
	if err := json.Unmarshal(rawKeys, &elems); err != nil || len(elems) > MaxJWKSKeys {
		return Parse(data, source)
	}
	// Duplicate kids are checked over every key, skipped ones included:
	// leaving one out must not hide that the set is ambiguous.
	kids := map[string]int{}
	var kept []json.RawMessage
	var skipped []SkippedKey
	for i, e := range elems {
		var m map[string]json.RawMessage
		if err := json.Unmarshal(e, &m); err != nil || m == nil {
			return Parse(data, source)
		}
		var kid string
		if json.Unmarshal(m["kid"], &kid) == nil && kid != "" {
			if j, dup := kids[kid]; dup {
				return nil, fmt.Errorf("JWKS keys %d and %d have the same kid %s: %w", j, i+1, safetext.Quote(kid), ErrInvalidKey)
			}
			kids[kid] = i + 1
		}
		k, err := parseJWK(m, "JWKS", source)
		if err == nil && k != nil {
			err = k.Weak() // a weak public key loads (for audits) but never verifies here
		}
		if errors.Is(err, ErrWeakKey) || errors.Is(err, ErrCertMismatch) {
			skipped = append(skipped, SkippedKey{Index: i + 1, KID: kid, Reason: err.Error(), Err: err})
			continue
		}
		kept = append(kept, e)
	}
	if len(skipped) == 0 {
		return Parse(t, source)
	}
	if len(kept) == 0 {
		return nil, fmt.Errorf("JWKS has no usable key: key %d%s: %w", skipped[0].Index, kidOf(skipped[0].KID), skipped[0].Err)
	}
	rebuilt, err := json.Marshal(struct {
		Keys []json.RawMessage `json:"keys"`
	}{kept})
	if err != nil {
		return nil, err
	}
	set, err := parseJSON(rebuilt, source)
	if err != nil {
		return nil, err
	}
	set.Skipped = skipped
	return set, nil
}

func kidOf(kid string) string {
	if kid == "" {
		return ""
	}
	return " (kid " + safetext.Quote(kid) + ")"
}

// SkipNote words a skipped key for a note: `skipped key 2 (kid "old") of
// <source>: RSA key is 1024 bits; ...`.
func (sk SkippedKey) SkipNote(source string) string {
	return fmt.Sprintf("skipped key %d%s of %s: %s", sk.Index, kidOf(sk.KID), source, sk.Reason)
}

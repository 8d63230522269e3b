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

// JWKSMember is one member of a JWK Set, as AuditJWKS lists it.
type JWKSMember struct {
	Index   int    // 1-based position in the set
	KID     string // "" when the member has none
	Key     *Key   // nil when the member is left out
	Skipped string // why verification leaves it out; "" when kept
	Err     error  // the cause of Skipped (nil for encryption keys)
}

// AuditJWKS lists every member of a JWK Set in file order, for audits
// (keys inspect): the keys ParseProviderJWKS keeps, and the ones it or
// Parse leave out with the reason: a weak key, an x5c certificate holding
// another key, an encryption key ("use enc (encryption key)"). It checks
// nothing about the set as a whole: call ParseProviderJWKS for that. A
// member that does not parse at all is an error. Input that is not a
// JSON object with a "keys" array wraps ErrUnrecognized.
func AuditJWKS(data []byte, source string) ([]JWKSMember, error) {
	t := bytes.TrimSpace(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")))
	var obj map[string]json.RawMessage
	var elems []json.RawMessage
	if len(t) == 0 || t[0] != '{' || checkJSON(t) != nil || json.Unmarshal(t, &obj) != nil ||
		obj["keys"] == nil || json.Unmarshal(obj["keys"], &elems) != nil {
		return nil, fmt.Errorf("not a JWK Set: %w", ErrUnrecognized)
	}
	if len(elems) > MaxJWKSKeys {
		return nil, fmt.Errorf("JWKS has %d keys; jwtkit reads at most %d: %w", len(elems), MaxJWKSKeys, ErrTooLarge)
	}
	out := make([]JWKSMember, 0, len(elems))
	for i, e := range elems {
		var m map[string]json.RawMessage
		if err := json.Unmarshal(e, &m); err != nil || m == nil {
			return nil, fmt.Errorf("JWKS key %d is not a JSON object: %w", i+1, ErrInvalidKey)
		}
		mb := JWKSMember{Index: i + 1}
		_ = json.Unmarshal(m["kid"], &mb.KID)
		k, err := parseJWK(m, "JWKS", source)
		if err == nil && k != nil {
			err = k.Weak()
		}
		var use string
		_ = json.Unmarshal(m["use"], &use)
		switch {
		case errors.Is(err, errEncryptionKey) && use == "enc":
			mb.Skipped = "use enc (encryption key)"
		case errors.Is(err, errEncryptionKey):
			mb.Skipped = "encryption key (a JWE alg, or key_ops without sign or verify)"
		case errors.Is(err, ErrWeakKey) || errors.Is(err, ErrCertMismatch):
			mb.Skipped, mb.Err = err.Error(), err
		case err != nil:
			return nil, fmt.Errorf("JWKS key %d%s: %w", i+1, kidOf(mb.KID), err)
		default:
			mb.Key = k
		}
		out = append(out, mb)
	}
	return out, nil
}

package keys

import (
	"fmt"
	"sort"
	"strings"

	"github.com/jwtkit/jwtkit/internal/safetext"
)

// KIDDerived reports whether jwtkit chose the kid because the source named
// none: the RFC 7638 thumbprint of a PEM or DER key or of a JWK without
// "kid", or no kid at all for a raw secret.
func (k *Key) KIDDerived() bool { return k.kidDerived || k.KID == "" }

// Set is an ordered collection of keys indexed by kid, built once and safe
// for concurrent reads.
type Set struct {
	Keys []*Key
	// Skipped lists the keys of a provider's set that were left out
	// (ParseProviderJWKS): too weak, or an x5c certificate that does not
	// hold the JWK's key. A token whose kid names one fails to find a key
	// and says why.
	Skipped []SkippedKey
	// index is built by NewSet.
	index map[string][]*Key
}

// NewSet indexes keys by kid. Nil keys are dropped.
func NewSet(keys ...*Key) *Set {
	s := &Set{index: make(map[string][]*Key, len(keys))}
	for _, k := range keys {
		if k == nil {
			continue
		}
		s.Keys = append(s.Keys, k)
		s.index[k.KID] = append(s.index[k.KID], k)
	}
	return s
}

// Find returns the keys that can verify a token with this kid and alg. An
// empty kid matches every key that fits alg; an empty alg matches every
// alg. A key whose kid jwtkit derived (see KIDDerived) matches any kid, since
// its source could not name one: a PEM key given with --key verifies tokens
// whatever kid they carry. When none fits, the error wraps ErrKeyNotFound
// and names what the set has: `no key with kid "x"; the set has: a1, b2`.
func (s *Set) Find(kid, alg string) ([]*Key, error) {
	if s == nil || len(s.Keys) == 0 {
		return nil, fmt.Errorf("the key set is empty: %w", ErrKeyNotFound)
	}
	if alg != "" {
		if err := algProblem(alg); err != nil {
			return nil, fmt.Errorf("%w: %w", err, ErrKeyNotFound)
		}
	}
	var cands []*Key
	if kid == "" {
		cands = s.Keys
	} else {
		cands = s.lookup(kid)
		if len(cands) == 0 {
			for _, k := range s.Keys {
				if k.KIDDerived() {
					cands = append(cands, k)
				}
			}
		}
		if len(cands) == 0 {
			if sk, ok := s.skipped(kid); ok {
				return nil, fmt.Errorf("key with kid %s was skipped: %s: %w", safetext.Quote(kid), sk.Reason, ErrKeyNotFound)
			}
			return nil, fmt.Errorf("no key with kid %s; the set has: %s: %w", safetext.Quote(kid), s.kidList(false), ErrKeyNotFound)
		}
	}
	if alg == "" {
		return append([]*Key(nil), cands...), nil
	}
	var out []*Key
	var firstErr error
	for _, k := range cands {
		err := k.CheckAlg(alg)
		if err == nil {
			out = append(out, k)
		} else if firstErr == nil {
			firstErr = err
		}
	}
	if len(out) > 0 {
		return out, nil
	}
	if len(cands) == 1 {
		what := "the key"
		if cands[0].KID != "" {
			what = fmt.Sprintf("key %q", cands[0].KID)
		}
		return nil, fmt.Errorf("%s cannot verify alg %s: %w: %w", what, safetext.Quote(alg), firstErr, ErrKeyNotFound)
	}
	if kid != "" {
		return nil, fmt.Errorf("no key with kid %s fits alg %s: %w: %w", safetext.Quote(kid), safetext.Quote(alg), firstErr, ErrKeyNotFound)
	}
	return nil, fmt.Errorf("no key in the set fits alg %s; the set has: %s: %w", safetext.Quote(alg), s.kidList(true), ErrKeyNotFound)
}

// ForToken returns the keys of the set that fit a token with this kid and
// alg, private keys first: the keys Find returns, else those that fit alg
// whatever their kid (a user's key set need not carry the token's kid).
// The error is Find's for the kid when neither finds one.
func (s *Set) ForToken(kid, alg string) ([]*Key, error) {
	found, err := s.Find(kid, alg)
	if err != nil || len(found) == 0 {
		var err2 error
		if found, err2 = s.Find("", alg); err2 != nil || len(found) == 0 {
			return nil, err
		}
	}
	sort.SliceStable(found, func(i, j int) bool { return found[i].IsPrivate() && !found[j].IsPrivate() })
	return found, nil
}

func (s *Set) lookup(kid string) []*Key {
	if s.index != nil {
		return s.index[kid]
	}
	// A Set built as a literal rather than by NewSet.
	var out []*Key
	for _, k := range s.Keys {
		if k.KID == kid {
			out = append(out, k)
		}
	}
	return out
}

// kidList names the set's keys for messages, with their algs if withAlgs.
func (s *Set) kidList(withAlgs bool) string {
	const max = 10
	var parts []string
	for i, k := range s.Keys {
		if i == max {
			parts = append(parts, fmt.Sprintf("and %d more", len(s.Keys)-max))
			break
		}
		name := safetext.Escape(k.KID)
		if name == "" {
			name = "(no kid)"
		}
		if withAlgs {
			name = fmt.Sprintf("%s (%s)", name, strings.Join(k.Algs(), "/"))
		}
		parts = append(parts, name)
	}
	return strings.Join(parts, ", ")
}

// KIDs lists the kids in order ("" for keys without one).
func (s *Set) KIDs() []string {
	if s == nil {
		return nil
	}
	out := make([]string, len(s.Keys))
	for i, k := range s.Keys {
		out[i] = k.KID
	}
	return out
}

package token

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"sort"
	"strings"

	"github.com/jwtkit/jwtkit/internal/safetext"
	"github.com/jwtkit/jwtkit/internal/strictjson"
)

// DefaultRolesClaim is where roles go when no RolesClaim is named.
const DefaultRolesClaim = "roles"

// SetPath sets a dotted name ("realm_access.roles") in m, creating nested
// objects as needed; an existing non-object on the path is an error, and so
// is an empty segment ("a..b").
func SetPath(m map[string]any, dotted string, v any) error {
	if m == nil {
		return fmt.Errorf("%w %s: no claim set", ErrClaimName, safetext.Quote(dotted))
	}
	parts := strings.Split(dotted, ".")
	for _, p := range parts {
		if p == "" {
			return fmt.Errorf("%w %s: empty segment in dotted name", ErrClaimName, safetext.Quote(dotted))
		}
	}
	cur := m
	for i, p := range parts[:len(parts)-1] {
		next, ok := cur[p]
		if !ok {
			nm := map[string]any{}
			cur[p] = nm
			cur = nm
			continue
		}
		nm, ok := next.(map[string]any)
		if !ok {
			return fmt.Errorf("%w %s: %s is %s, not an object", ErrClaimName, safetext.Quote(dotted),
				safetext.Quote(strings.Join(parts[:i+1], ".")), strictjson.Kind(next))
		}
		cur = nm
	}
	cur[parts[len(parts)-1]] = v
	return nil
}

// GetPath reads a dotted name from m. A member whose name is exactly dotted
// (such as "http://example.com/is_root") wins over a nested path.
func GetPath(m map[string]any, dotted string) (any, bool) {
	if v, ok := m[dotted]; ok {
		return v, true
	}
	if !strings.Contains(dotted, ".") {
		return nil, false
	}
	cur := m
	parts := strings.Split(dotted, ".")
	for _, p := range parts[:len(parts)-1] {
		nm, ok := cur[p].(map[string]any)
		if !ok {
			return nil, false
		}
		cur = nm
	}
	v, ok := cur[parts[len(parts)-1]]
	return v, ok
}

// Claims builds the claim set: Base, then the registered claims, then Extra
// (in sorted key order, dotted keys nested with SetPath). NumericDates are
// whole unix seconds. Base is copied, never modified.
func (s Spec) Claims() (map[string]any, error) {
	m, _ := deepCopy(s.Base).(map[string]any)
	if m == nil {
		m = map[string]any{}
	}
	if s.Subject != "" {
		m["sub"] = s.Subject
	}
	if s.Issuer != "" {
		m["iss"] = s.Issuer
	}
	switch len(s.Audience) {
	case 0:
	case 1:
		m["aud"] = s.Audience[0]
	default:
		aud := make([]any, len(s.Audience))
		for i, a := range s.Audience {
			aud[i] = a
		}
		m["aud"] = aud
	}
	if len(s.Roles) > 0 {
		roles := make([]any, len(s.Roles))
		for i, r := range s.Roles {
			roles[i] = r
		}
		name := s.RolesClaim
		if name == "" {
			name = DefaultRolesClaim
		}
		if err := SetPath(m, name, roles); err != nil {
			return nil, fmt.Errorf("roles claim: %w", err)
		}
	}
	if s.Scope != "" {
		m["scope"] = s.Scope
	}
	switch s.JTI {
	case "":
	case "auto":
		var b [16]byte
		if _, err := rand.Read(b[:]); err != nil {
			return nil, fmt.Errorf("generating jti: %w", err)
		}
		m["jti"] = base64.RawURLEncoding.EncodeToString(b[:])
	default:
		m["jti"] = s.JTI
	}
	if s.IssuedAt != nil {
		m["iat"] = s.IssuedAt.Unix()
	}
	if s.NotBefore != nil {
		m["nbf"] = s.NotBefore.Unix()
	}
	if s.Expires != nil {
		m["exp"] = s.Expires.Unix()
	}
	names := make([]string, 0, len(s.Extra))
	for k := range s.Extra {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if err := SetPath(m, k, deepCopy(s.Extra[k])); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// deepCopy copies the maps and slices of a decoded JSON value so that
// SetPath on the copy never reaches the caller's data.
func deepCopy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		if x == nil {
			return nil
		}
		c := make(map[string]any, len(x))
		for k, e := range x {
			c[k] = deepCopy(e)
		}
		return c
	case []any:
		c := make([]any, len(x))
		for i, e := range x {
			c[i] = deepCopy(e)
		}
		return c
	default:
		return v
	}
}

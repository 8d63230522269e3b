package token

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/jwtkit/jwtkit/internal/safetext"
	"github.com/jwtkit/jwtkit/internal/strictjson"
)

// DefaultRolesClaim is where roles go when no RolesClaim is named.
const DefaultRolesClaim = "roles"

// ErrAmbiguousClaim: a token holds both a flat member literally named
// "a.b" and a nested a → b, so a dotted name does not say which one an
// application reads.
var ErrAmbiguousClaim = errors.New("ambiguous: both a flat and a nested member")

// ClaimPath splits a claim name into the members it names: a dotted name
// nests ("realm_access.roles" is realm_access → roles), and a name that
// holds "://" is one member, never split (Auth0-style namespaced claims
// such as "https://example.com/roles").
func ClaimPath(name string) []string {
	if strings.Contains(name, "://") || !strings.Contains(name, ".") {
		return []string{name}
	}
	return strings.Split(name, ".")
}

// SetClaim sets name (see ClaimPath) in m, creating nested objects as
// needed; an existing non-object on the path is an error, and so is an
// empty segment ("a..b").
func SetClaim(m map[string]any, name string, v any) error {
	if m == nil {
		return fmt.Errorf("%w %s: no claim set", ErrClaimName, safetext.Quote(name))
	}
	if err := checkClaimName(name); err != nil {
		return err
	}
	parts := ClaimPath(name)
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
			return fmt.Errorf("%w %s: %s is %s, not an object", ErrClaimName, safetext.Quote(name),
				safetext.Quote(strings.Join(parts[:i+1], ".")), strictjson.Kind(next))
		}
		cur = nm
	}
	cur[parts[len(parts)-1]] = v
	return nil
}

// checkClaimName refuses a dotted name with an empty segment ("a.", ".a",
// "a..b"): it names no member.
func checkClaimName(name string) error {
	for _, p := range ClaimPath(name) {
		if p == "" {
			return fmt.Errorf("%w %s: empty segment in dotted name", ErrClaimName, safetext.Quote(name))
		}
	}
	return nil
}

// DeleteClaim removes name (see ClaimPath) from m, if present; emptied
// parent objects stay.
func DeleteClaim(m map[string]any, name string) {
	parts := ClaimPath(name)
	cur := m
	for _, p := range parts[:len(parts)-1] {
		nm, ok := cur[p].(map[string]any)
		if !ok {
			return
		}
		cur = nm
	}
	delete(cur, parts[len(parts)-1])
}

// StringList reads a roles- or scope-like claim: an array of strings, or
// one string delimited by U+0020 only (RFC 6749 §3.3). ok is false when the
// claim is absent. err says when the name is ambiguous (ErrAmbiguousClaim)
// or the value is anything else, such as an array holding a number: an
// application enforcing roles must refuse such a token, not skip the odd
// element.
func StringList(claims map[string]any, name string) (list []string, ok bool, err error) {
	v, ok, err := LookupClaim(claims, name)
	if err != nil || !ok {
		return nil, ok, err
	}
	list, problem := stringsClaim(v)
	if problem != "" {
		return nil, true, fmt.Errorf("claim %s %s", safetext.Quote(name), problem)
	}
	return list, true, nil
}

// LookupClaim reads name from claims the way an application reads it: a
// dotted name is the nested member only (see ClaimPath), so a flat member
// literally named like the dotted name is ignored (FlatOnly tells); when
// both exist the error wraps ErrAmbiguousClaim (and v is the nested one).
func LookupClaim(claims map[string]any, name string) (v any, ok bool, err error) {
	parts := ClaimPath(name)
	flat, hasFlat := claims[name]
	if len(parts) == 1 {
		return flat, hasFlat, nil
	}
	cur := claims
	for _, p := range parts[:len(parts)-1] {
		nm, isObj := cur[p].(map[string]any)
		if !isObj {
			return nil, false, nil
		}
		cur = nm
	}
	nested, hasNested := cur[parts[len(parts)-1]]
	switch {
	case hasNested && hasFlat:
		return nested, true, fmt.Errorf("claim %s: %w", safetext.Quote(name), ErrAmbiguousClaim)
	case hasNested:
		return nested, true, nil
	}
	return nil, false, nil
}

// FlatOnly reports whether claims hold a flat member literally named name
// that LookupClaim ignores because name is a dotted path (and no nested
// member exists), so a caller can say why the claim counts as absent.
func FlatOnly(claims map[string]any, name string) bool {
	if len(ClaimPath(name)) == 1 {
		return false
	}
	_, hasFlat := claims[name]
	_, ok, err := LookupClaim(claims, name)
	return hasFlat && !ok && err == nil
}

// Claims builds the claim set: Base, then the registered claims, then Extra
// (in sorted key order, dotted keys nested with SetClaim). NumericDates are
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
		if err := SetClaim(m, name, roles); err != nil {
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
		if err := SetClaim(m, k, deepCopy(s.Extra[k])); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// CheckClaimTypes reports registered claims that do not have their RFC
// 7519 types (iss, sub and jti strings; aud a string or an array of
// strings; exp, nbf and iat numbers within years 1 to 9999): the error
// wraps ErrMemberType and names each claim, as Parse would on the token
// these claims make.
func CheckClaimTypes(claims map[string]any) error {
	b, err := json.Marshal(claims)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrMemberType, err)
	}
	m, err := strictjson.Object(string(b), MaxJSONDepth+1)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrMemberType, err)
	}
	var dates dateClaims
	dates.note(m)
	if problems := memberTypeProblems(nil, m, dates); len(problems) > 0 {
		return &memberTypeError{kind: ErrMemberType, msg: strings.Join(problems, "; ")}
	}
	return nil
}

// deepCopy copies the maps and slices of a decoded JSON value so that
// SetClaim on the copy never reaches the caller's data.
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

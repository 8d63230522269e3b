package token_test

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/jwtkit/jwtkit/pkg/token"
)

func TestClaimPaths(t *testing.T) {
	t.Parallel()
	m := map[string]any{"s": "str", "http://example.com/is_root": true}
	if err := token.SetClaim(m, "realm_access.roles", []any{"admin"}); err != nil {
		t.Fatal(err)
	}
	if err := token.SetClaim(m, "realm_access.other", 1); err != nil {
		t.Fatal(err)
	}
	if err := token.SetClaim(m, "https://example.com/roles", []any{"x"}); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"roles": []any{"admin"}, "other": 1}
	if !reflect.DeepEqual(m["realm_access"], want) {
		t.Errorf("realm_access = %#v", m["realm_access"])
	}
	if _, ok := m["https://example.com/roles"]; !ok {
		t.Errorf("a name with :// was split: %#v", m)
	}
	lookup := func(name string) (any, bool) {
		t.Helper()
		v, ok, err := token.LookupClaim(m, name)
		if err != nil {
			t.Errorf("LookupClaim(%q): %v", name, err)
		}
		return v, ok
	}
	if v, ok := lookup("realm_access.roles"); !ok || !reflect.DeepEqual(v, []any{"admin"}) {
		t.Errorf("LookupClaim = %#v, %v", v, ok)
	}
	if v, ok := lookup("http://example.com/is_root"); !ok || v != true {
		t.Errorf("LookupClaim of a namespaced name = %#v, %v", v, ok)
	}
	for _, p := range []string{"missing", "s.x", "realm_access.nope", "realm_access.roles.x"} {
		if _, ok := lookup(p); ok {
			t.Errorf("LookupClaim(%q) found something", p)
		}
	}
	// A flat member named like the dotted path is ignored when alone (the
	// name is a path), and is ambiguous beside the nested one.
	flat := map[string]any{"realm_access.roles": []any{"flat"}}
	if v, ok, err := token.LookupClaim(flat, "realm_access.roles"); err != nil || ok || v != nil {
		t.Errorf("flat only: %#v, %v, %v; want absent", v, ok, err)
	}
	if !token.FlatOnly(flat, "realm_access.roles") || token.FlatOnly(flat, "roles") {
		t.Errorf("FlatOnly does not tell the ignored flat member")
	}
	flat["realm_access"] = map[string]any{"roles": []any{"nested"}}
	if v, ok, err := token.LookupClaim(flat, "realm_access.roles"); !errors.Is(err, token.ErrAmbiguousClaim) || !ok || !reflect.DeepEqual(v, []any{"nested"}) {
		t.Errorf("both: %#v, %v, %v; want the nested one and ErrAmbiguousClaim", v, ok, err)
	}
	token.DeleteClaim(m, "realm_access.roles")
	if _, ok := lookup("realm_access.roles"); ok {
		t.Errorf("DeleteClaim left the claim")
	}
	for _, bad := range []string{"s.x", "a..b", ".a", "a.", ""} {
		if err := token.SetClaim(m, bad, 1); !errors.Is(err, token.ErrClaimName) {
			t.Errorf("SetClaim(%q) error = %v", bad, err)
		}
	}
}

func TestSpecClaims(t *testing.T) {
	iat := time.Date(2026, 1, 2, 3, 4, 5, 999, time.UTC)
	exp := iat.Add(15 * time.Minute)
	base := map[string]any{"sub": "base", "keep": "me", "realm_access": map[string]any{"x": 1}}
	s := token.Spec{
		Base:       base,
		Subject:    "alice",
		Issuer:     "https://issuer",
		Audience:   []string{"api"},
		Roles:      []string{"admin", "dev"},
		RolesClaim: "realm_access.roles",
		Scope:      "read write",
		JTI:        "id-1",
		Extra:      map[string]any{"a.b": "c", "n": json.Number("1"), "sub": "extra-wins"},
		IssuedAt:   &iat,
		Expires:    &exp,
	}
	got, err := s.Claims()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"sub":          "extra-wins",
		"keep":         "me",
		"iss":          "https://issuer",
		"aud":          "api",
		"realm_access": map[string]any{"x": 1, "roles": []any{"admin", "dev"}},
		"scope":        "read write",
		"jti":          "id-1",
		"iat":          iat.Unix(),
		"exp":          exp.Unix(),
		"a":            map[string]any{"b": "c"},
		"n":            json.Number("1"),
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Claims() =\n%#v\nwant\n%#v", got, want)
	}
	if _, touched := base["realm_access"].(map[string]any)["roles"]; touched {
		t.Errorf("Claims modified Base")
	}

	s = token.Spec{Audience: []string{"a", "b"}, Roles: []string{"r"}, JTI: "auto"}
	got, err = s.Claims()
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got["aud"], []any{"a", "b"}) || !reflect.DeepEqual(got["roles"], []any{"r"}) {
		t.Errorf("aud/roles = %#v %#v", got["aud"], got["roles"])
	}
	jti, _ := got["jti"].(string)
	if b, err := base64.RawURLEncoding.DecodeString(jti); err != nil || len(b) != 16 {
		t.Errorf("jti auto = %q", jti)
	}
	again, _ := s.Claims()
	if again["jti"] == got["jti"] {
		t.Errorf("jti auto repeated")
	}
	if got, _ := (token.Spec{}).Claims(); len(got) != 0 || got == nil {
		t.Errorf("empty spec gives %#v", got)
	}
	if _, err := (token.Spec{Base: map[string]any{"roles": "x"}, Roles: []string{"a"}, RolesClaim: "roles.inner"}).Claims(); !errors.Is(err, token.ErrClaimName) {
		t.Errorf("conflicting roles claim: %v", err)
	}
}

package cmd

import (
	"strings"
	"testing"
)

// TestRolesClaimPathRules: through mint and verify, a dotted --roles-claim
// is a path (a flat member so named is ignored, both is ambiguous), a name
// with :// is one member, and an empty segment is a usage error.
func TestRolesClaimPathRules(t *testing.T) {
	t.Parallel()
	secret := []byte(hsEnv["SECRET_KEY"])
	verify := func(tok string, args ...string) (int, string) {
		t.Helper()
		code, out, errOut := runCmd(t, "", hsEnv, append([]string{"verify", tok, "--secret-env", "SECRET_KEY"}, args...)...)
		return code, out + errOut
	}
	// :// is never split, in mint and verify alike.
	ns := mintHS(t, "--roles-claim", "https://example.com/roles", "--role", "admin")
	if c := decodeClaims(t, ns); c["https://example.com/roles"] == nil {
		t.Errorf("mint split a :// name: %v", c)
	}
	if code, out := verify(ns, "--roles-claim", "https://example.com/roles", "--role", "admin"); code != 0 {
		t.Errorf("verify of a :// roles claim: exit %d\n%s", code, out)
	}
	nested := mintHS(t, "--roles-claim", "realm_access.roles", "--role", "admin")
	if code, out := verify(nested, "--roles-claim", "realm_access.roles", "--role", "admin"); code != 0 {
		t.Errorf("nested roles: exit %d\n%s", code, out)
	}
	for _, tc := range []struct {
		name, claims string
		code         int
		want         string
	}{
		{"flat only", `{"realm_access.roles":["admin"]}`, ExitPolicy, "is ignored: a dotted name is a path"},
		{"flat and nested", `{"realm_access.roles":["admin"],"realm_access":{"roles":["admin"]}}`, ExitPolicy, "ambiguous: both a flat and a nested member"},
		{"nested", `{"realm_access":{"roles":["admin"]}}`, 0, "valid"},
	} {
		tok := signRaw(t, secret, "", tc.claims)
		if code, out := verify(tok, "--roles-claim", "realm_access.roles", "--role", "admin"); code != tc.code || !strings.Contains(out, tc.want) {
			t.Errorf("%s: exit %d, want %d and %q\n%s", tc.name, code, tc.code, tc.want, out)
		}
	}
	for _, name := range []string{"a.", ".a", "a..b"} {
		if code, out := verify(nested, "--roles-claim", name, "--role", "admin"); code != ExitUsage || !strings.Contains(out, "empty segment") {
			t.Errorf("verify --roles-claim %q: exit %d, want 2\n%s", name, code, out)
		}
		if code, _, errOut := runCmd(t, "", hsEnv, "mint", "--secret-env", "SECRET_KEY", "--roles-claim", name, "--role", "admin"); code != ExitUsage || !strings.Contains(errOut, "empty segment") {
			t.Errorf("mint --roles-claim %q: exit %d, want 2\n%s", name, code, errOut)
		}
	}
}

// TestScopeSplitsOnSpaceOnly: --scope values and scope claims split on
// U+0020 only; a tab, NBSP, U+2003 or U+3000 is part of a scope, and an
// scp array holding a non-string fails the scope check.
func TestScopeSplitsOnSpaceOnly(t *testing.T) {
	t.Parallel()
	secret := []byte(hsEnv["SECRET_KEY"])
	for _, sep := range []string{"\t", "\u00a0", "\u2003", "\u3000"} {
		tok := mintHS(t, "--scope", "read"+sep+"admin")
		code, out, _ := runCmd(t, "", hsEnv, "verify", tok, "--secret-env", "SECRET_KEY", "--scope", "admin")
		if code != ExitPolicy {
			t.Errorf("scope %q with --scope admin: exit %d, want 6\n%s", "read"+sep+"admin", code, out)
		}
		if code, out, _ = runCmd(t, "", hsEnv, "verify", tok, "--secret-env", "SECRET_KEY", "--scope", "read"+sep+"admin"); code != 0 {
			t.Errorf("--scope %q split the value: exit %d\n%s", "read"+sep+"admin", code, out)
		}
	}
	if code, out, _ := runCmd(t, "", hsEnv, "verify", mintHS(t, "--scope", "read admin"), "--secret-env", "SECRET_KEY", "--scope", "admin read"); code != 0 {
		t.Errorf("U+0020 does separate: exit %d\n%s", code, out)
	}
	for _, claims := range []string{`{"scp":["read",1]}`, `{"scp":["read",["admin"]]}`, `{"scp":["read",null]}`} {
		code, out, _ := runCmd(t, "", hsEnv, "verify", signRaw(t, secret, "", claims), "--secret-env", "SECRET_KEY", "--scope", "read")
		if code != ExitPolicy || !strings.Contains(out, "scope") {
			t.Errorf("%s: exit %d, want 6\n%s", claims, code, out)
		}
	}
}

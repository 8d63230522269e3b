package cmd

import (
	"fmt"
	"maps"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"
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

// TestMintConflictingFlagsRefused: two flags setting one claim or header
// member are refused with its name instead of one silently winning.
func TestMintConflictingFlagsRefused(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--claim", "a=1", "--claim", "a=2"}, `--claim "a" is given twice`},
		{[]string{"--claim", "sub=x", "--sub", "y"}, "sub is set by both --sub and --claim sub="},
		{[]string{"--claim", `roles=["x"]`, "--role", "admin"}, "roles is set by both --role and --claim roles="},
		{[]string{"--claim", `realm_access.roles=["x"]`, "--role", "admin", "--roles-claim", "realm_access.roles"}, "set by both --role"},
		{[]string{"--claim", "aud=web", "--aud", "api"}, "set by both --aud"},
		{[]string{"--claim", "iss=a", "--iss", "b"}, "set by both --iss"},
		{[]string{"--claim", "scope=read", "--scope", "write"}, "set by both --scope"},
		{[]string{"--claim", "jti=1", "--jti", "auto"}, "set by both --jti"},
		{[]string{"--claim", "exp=1767366245", "--exp", "1h"}, "set by both --exp"},
		{[]string{"--header", "a=1", "--header", "a=2"}, `--header "a" is given twice`},
		{[]string{"--header", "kid=a", "--kid", "b"}, "kid is set by both --kid and --header kid="},
	} {
		code, out, errOut := runCmd(t, "", hsEnv, append([]string{"mint", "--secret-env", "SECRET_KEY"}, tc.args...)...)
		if code != ExitUsage || !strings.Contains(errOut, tc.want) || out != "" {
			t.Errorf("%q: exit %d, %q; want 2 and %q", tc.args, code, errOut, tc.want)
		}
	}
	// A --claim for a time whose flag is left at its default replaces it.
	if c := decodeClaims(t, mintHS(t, "--claim", "exp=1767366245")); fmt.Sprint(c["exp"]) != "1.767366245e+09" {
		t.Errorf("--claim exp without --exp: %#v", c["exp"])
	}
}

// TestMintRegisteredClaimTypes: mint makes valid tokens: registered claims
// of the wrong RFC 7519 type are refused (pointing at forge) unless
// --allow-invalid-claims is given.
func TestMintRegisteredClaimTypes(t *testing.T) {
	t.Parallel()
	for _, claim := range []string{`exp="soon"`, `aud=[1]`, `aud={"a":1}`, `sub=5`, `iss=true`, `jti=7`, `nbf=1e400`, `iat=null`} {
		code, out, errOut := runCmd(t, "", hsEnv, "mint", "--secret-env", "SECRET_KEY", "--claim", claim)
		if code != ExitUsage || out != "" || !strings.Contains(errOut, "jwtkit forge") || !strings.Contains(errOut, "--allow-invalid-claims") {
			t.Errorf("--claim %s: exit %d, %q; want 2 and a hint to forge", claim, code, errOut)
		}
		code, out, errOut = runCmd(t, "", hsEnv, "mint", "--secret-env", "SECRET_KEY", "--claim", claim, "--allow-invalid-claims")
		if code != 0 || out == "" {
			t.Errorf("--claim %s --allow-invalid-claims: exit %d, %q", claim, code, errOut)
		}
	}
	file := t.TempDir() + "/claims.json"
	if err := os.WriteFile(file, []byte(`{"aud":[1]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := runCmd(t, "", hsEnv, "mint", "--secret-env", "SECRET_KEY", "--claims", file); code != ExitUsage || !strings.Contains(errOut, `claim "aud"`) {
		t.Errorf("--claims with aud [1]: exit %d, %q", code, errOut)
	}
}

// TestMintClaimsStdinCap: --claims - has the 1 MiB cap of a claims file,
// with the same message and exit code.
func TestMintClaimsStdinCap(t *testing.T) {
	t.Parallel()
	big := `{"a":"` + strings.Repeat("x", 1<<20) + `"}`
	file := t.TempDir() + "/big.json"
	if err := os.WriteFile(file, []byte(big), 0o600); err != nil {
		t.Fatal(err)
	}
	fcode, _, ferr := runCmd(t, "", hsEnv, "mint", "--secret-env", "SECRET_KEY", "--claims", file)
	code, out, errOut := runCmd(t, big, hsEnv, "mint", "--secret-env", "SECRET_KEY", "--claims", "-")
	if code == 0 || code != fcode || out != "" || !strings.Contains(errOut, "is larger than 1048576 bytes") || !strings.Contains(ferr, "is larger than 1048576 bytes") {
		t.Errorf("--claims - over 1 MiB: exit %d %q; the file gives exit %d %q", code, errOut, fcode, ferr)
	}
}

// TestServeRolesClaimPath: serve reads a dotted --roles-claim as verify
// does: the nested member only, a flat member so named is ignored, and
// both together are refused as ambiguous.
func TestServeRolesClaimPath(t *testing.T) {
	keyPath, signer := fixtureKeyFile(t)
	f, _, errOut := testFactory(t, "", nil)
	s := startServe(t, f, errOut, "--key", keyPath, "--roles-claim", "realm_access.roles")
	client := &http.Client{Transport: &http.Transport{}, Timeout: 5 * time.Second}
	defer client.CloseIdleConnections()
	sign := func(extra map[string]any) string {
		c := map[string]any{"sub": "alice", "iat": testNow.Unix(), "exp": testNow.Add(15 * time.Minute).Unix()}
		maps.Copy(c, extra)
		tok, err := signer.Sign(c)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	nested := map[string]any{"roles": []any{"admin"}}
	for _, tc := range []struct {
		name   string
		claims map[string]any
		status int
	}{
		{"nested", map[string]any{"realm_access": nested}, 200},
		{"flat only", map[string]any{"realm_access.roles": []any{"admin"}}, 403},
		{"flat and nested", map[string]any{"realm_access": nested, "realm_access.roles": []any{"admin"}}, 403},
	} {
		if resp, body := getWith(t, client, s.apiURL+"/admin", sign(tc.claims)); resp.StatusCode != tc.status {
			t.Errorf("%s: /admin %d, want %d: %s", tc.name, resp.StatusCode, tc.status, body)
		}
	}
}

// TestSecretStdinCap: --secret-file - refuses a secret over 1 MiB as
// --secret-file refuses the file (same message form, same exit code); it
// used to sign with the first 1 MiB, silently.
func TestSecretStdinCap(t *testing.T) {
	t.Parallel()
	big := strings.Repeat("s", 1<<20+1)
	file := t.TempDir() + "/big.secret"
	if err := os.WriteFile(file, []byte(big), 0o600); err != nil {
		t.Fatal(err)
	}
	fcode, _, ferr := runCmd(t, "", nil, "mint", "--sub", "a", "--secret-file", file)
	code, out, errOut := runCmd(t, big, nil, "mint", "--sub", "a", "--secret-file", "-")
	if code == 0 || code != fcode || out != "" || errOut != "error: secret on stdin is larger than 1048576 bytes\n" || !strings.Contains(ferr, "is larger than 1048576 bytes") {
		t.Errorf("--secret-file - over 1 MiB: exit %d %q %q; the file gives exit %d %q", code, out, errOut, fcode, ferr)
	}
	if code, out, errOut := runCmd(t, big[:1<<20], nil, "mint", "--sub", "a", "--secret-file", "-"); code != ExitOK || out == "" {
		t.Errorf("--secret-file - of exactly 1 MiB: exit %d %q", code, errOut)
	}
}

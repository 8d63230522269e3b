package cmd

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jwtkit/jwtkit/pkg/token"
)

// Issue 10: flags mean one thing everywhere, and everyday mistakes get a
// message that says what to do. Each case runs the real command line.
func TestFlagsMeanOneThing(t *testing.T) {
	t.Parallel()
	tok := mintHS(t, "--sub", "alice")
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string // in stderr
	}{
		{"bare duration", []string{"verify", tok, "--secret-env", "SECRET_KEY", "--leeway", "30"}, ExitUsage, "did you mean 30s?"},
		{"days in max-age", []string{"verify", tok, "--secret-env", "SECRET_KEY", "--max-age", "7d"}, ExitOK, ""},
		{"exp 3600", []string{"mint", "--secret-env", "SECRET_KEY", "--exp", "3600"}, ExitUsage, `"3600" is a unix time in 1970; for 1h from now say 1h`},
		{"nbf after exp", []string{"mint", "--secret-env", "SECRET_KEY", "--exp", "1h", "--nbf", "2h"}, ExitUsage, "--nbf is after --exp"},
		{"exp before iat", []string{"mint", "--secret-env", "SECRET_KEY", "--exp", "1h", "--iat", "2h"}, ExitUsage, "--exp is before --iat"},
		{"nbf after exp allowed", []string{"mint", "--secret-env", "SECRET_KEY", "--exp", "1h", "--nbf", "2h", "--allow-invalid-times"}, ExitOK, ""},
		{"expired alone", []string{"mint", "--secret-env", "SECRET_KEY", "--exp", "-1h"}, ExitOK, ""},
		{"alg lower case in mint", []string{"mint", "--secret-env", "SECRET_KEY", "--alg", "hs384"}, ExitOK, ""},
		{"alg lower case in verify", []string{"verify", tok, "--secret-env", "SECRET_KEY", "--alg", "hs256"}, ExitOK, ""},
		{"unknown alg", []string{"verify", tok, "--secret-env", "SECRET_KEY", "--alg", "HS257"}, ExitUsage, `unknown alg "HS257"; known: HS256, HS384`},
		{"unknown alg in mint", []string{"mint", "--secret-env", "SECRET_KEY", "--alg", "RS-256"}, ExitUsage, `unknown alg "RS-256"; known:`},
		{"role with a comma", []string{"mint", "--secret-env", "SECRET_KEY", "--role", "cn=admins,dc=example"}, ExitOK, `note: one role "cn=admins,dc=example"; repeat --role for several`},
	} {
		code, _, errOut := runCmd(t, "", hsEnv, tc.args...)
		if code != tc.code || !strings.Contains(errOut, tc.want) {
			t.Errorf("%s: exit %d, stderr %q; want exit %d and %q", tc.name, code, errOut, tc.code, tc.want)
		}
	}
	if code, out, _ := runCmd(t, "", hsEnv, "mint", "--secret-env", "SECRET_KEY", "--alg", "hs512", "-o", "json"); code != 0 || !strings.Contains(out, `"alg": "HS512"`) {
		t.Errorf("mint --alg hs512 -o json: exit %d, %s: want the canonical HS512 in the header", code, out)
	}
	dir := t.TempDir()
	for name, content := range map[string]string{
		"one.env":  "SECRET_KEY=abcdefabcdefabcdefabcdefabcdef12\n",
		"exp.env":  "export SECRET_KEY=abcdefabcdefabcdefabcdefabcdef12\n",
		"two.env":  "abc\ndef\n",
		"b64.txt":  "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo=\n",
		"word.txt": "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345\n",
	} {
		path := dir + "/" + name
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		code, _, errOut := runCmd(t, "", nil, "mint", "--secret-file", path)
		dotenv := strings.HasSuffix(name, ".env")
		if dotenv && (code != ExitUsage || !strings.Contains(errOut, "looks like a dotenv file; use --secret-env NAME after sourcing it, or put only the secret in the file")) {
			t.Errorf("%s: exit %d, %q: want the dotenv refusal", name, code, errOut)
		}
		if !dotenv && code != ExitOK {
			t.Errorf("%s: exit %d, %q: a secret ending in = or a plain word is no dotenv file", name, code, errOut)
		}
		if strings.Contains(errOut, "abcdefabcdef") {
			t.Errorf("%s: the message quotes the file's secret: %q", name, errOut)
		}
	}
	scoped := decodeClaims(t, mintHS(t, "--scope", "read", "--scope", "write items"))
	if scoped["scope"] != "read write items" {
		t.Errorf("repeated --scope gave scope %v, want \"read write items\"", scoped["scope"])
	}
}

// TestErrorsSayWhatToDo: typos and misplaced arguments get a suggestion.
func TestErrorsSayWhatToDo(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"verfy"}, `unknown command "verfy" for "jwtkit"; did you mean verify?`},
		{[]string{"keys", "genrate"}, `unknown command "genrate" for "jwtkit keys"; did you mean generate?`},
		{[]string{"mint", "--subject", "alice"}, "unknown flag --subject; did you mean --sub?"},
		{[]string{"mint", "--roles", "admin"}, "unknown flag --roles; did you mean --role?"},
		{[]string{"verify", "--secret-key", "x"}, "unknown flag --secret-key; did you mean --secret-env, --secret-file or --secret?"},
		{[]string{"verify", "--leway", "30s"}, "unknown flag --leway; did you mean --leeway?"},
		{[]string{"keys", "public", "--key", "k.pem"}, "jwtkit keys public takes the key file as an argument: jwtkit keys public"},
		{[]string{"keys", "public"}, "jwtkit keys public needs the key file"},
		{[]string{"completion"}, "jwtkit completion needs a shell name"},
		{[]string{"version", "extra"}, "jwtkit version takes no arguments, got 1"},
	} {
		code, _, errOut := runCmd(t, "", nil, tc.args...)
		if code != ExitUsage || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d, %q; want exit 2 and %q", tc.args, code, errOut, tc.want)
		}
	}
}

// TestNoTokenSameExitBothWays: no token is exit 2 on a pipe and on a
// terminal; a pasted token keeps working without its quotes.
func TestNoTokenSameExitBothWays(t *testing.T) {
	t.Parallel()
	for _, cmd := range []string{"decode", "verify"} {
		code, _, errOut := runCmd(t, "\n", hsEnv, cmd, "--secret-env", "SECRET_KEY")
		if cmd == "decode" {
			code, _, errOut = runCmd(t, "\n", nil, cmd)
		}
		if code != ExitUsage || !strings.Contains(errOut, "no token") {
			t.Errorf("%s with empty stdin: exit %d, %q; want exit 2", cmd, code, errOut)
		}
		f, _, errBuf := testFactory(t, "", hsEnv)
		f.IO.InTTY = true
		args := []string{cmd}
		if cmd == "verify" {
			args = append(args, "--secret-env", "SECRET_KEY")
		}
		if code := runWith(f, args...); code != ExitUsage || !strings.Contains(errBuf.String(), "no token") {
			t.Errorf("%s on a terminal: exit %d, %q; want exit 2", cmd, code, errBuf.String())
		}
	}
	tok := mintHS(t, "--sub", "alice")
	for _, pasted := range []string{`"` + tok + `"`, "'" + tok + "'", "<" + tok + ">", `Bearer "` + tok + `"`} {
		code, _, errOut := runCmd(t, "", hsEnv, "verify", pasted, "--secret-env", "SECRET_KEY")
		if code != ExitOK || !strings.Contains(errOut, "note: removed the") || strings.Contains(errOut, tok[:20]) {
			t.Errorf("verify %.30s…: exit %d, %q; want exit 0 and a note without the token", pasted, code, errOut)
		}
	}
	for _, bad := range []string{`"` + tok, `"` + tok + `'`, "<" + tok} {
		if code, _, _ := runCmd(t, "", hsEnv, "decode", bad); code != ExitMalformed {
			t.Errorf("decode %.30s…: exit %d, want 3 (only one matching pair is removed)", bad, code)
		}
	}
}

// TestDevKeyRules: verify never creates a development key; a broken or
// exposed one says what to do.
func TestDevKeyRules(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	env := map[string]string{"JWTKIT_HOME": home}
	code, _, errOut := runCmd(t, "", env, "verify", "a.b.c")
	if code != ExitUsage || !strings.Contains(errOut, "no key: pass --key, --jwks or a secret") {
		t.Errorf("verify without a key: exit %d, %q; want exit 2 and what to pass", code, errOut)
	}
	if _, err := os.Stat(filepath.Join(home, "dev.pem")); err == nil {
		t.Errorf("verify created a development key")
	}
	code, out, _ := runCmd(t, "", env, "mint", "--sub", "alice")
	if code != ExitOK {
		t.Fatalf("mint: exit %d", code)
	}
	if code, _, errOut := runCmd(t, out, env, "verify"); code != ExitOK || !strings.Contains(errOut, "using development key") {
		t.Errorf("verify with the dev key: exit %d, %q", code, errOut)
	}
	if err := os.Chmod(filepath.Join(home, "dev.pem"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, errOut := runCmd(t, "", env, "mint"); !strings.Contains(errOut, "is readable by other users (mode 0644): chmod 600 it") {
		t.Errorf("exposed dev key: no warning in %q", errOut)
	}
	if err := os.WriteFile(filepath.Join(home, "dev.pem"), []byte("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := runCmd(t, "", env, "mint"); code == ExitOK || !strings.Contains(errOut, "delete it to make a new one") {
		t.Errorf("corrupt dev key: exit %d, %q; want a failure that says to delete it", code, errOut)
	}
}

// TestPublicJWKsAndPrivateSets: public JWKs carry kid and use always, alg
// from the curve or --alg; a private set lets mint pick a key by kid.
func TestPublicJWKsAndPrivateSets(t *testing.T) {
	t.Parallel()
	rsa := repoFile("testdata", "keys", "rsa2048-pkcs8.pem")
	code, out, errOut := runCmd(t, "", nil, "keys", "public", rsa, "-o", "json")
	if code != 0 || !strings.Contains(out, `"use": "sig"`) || !strings.Contains(out, `"kid"`) || strings.Contains(out, `"alg"`) {
		t.Errorf("keys public -o json on RSA: exit %d, %s %s: want kid and use, no alg", code, out, errOut)
	}
	if code, out, _ = runCmd(t, "", nil, "keys", "public", rsa, "-o", "json", "--alg", "ps256"); code != 0 || !strings.Contains(out, `"alg": "PS256"`) {
		t.Errorf("keys public --alg ps256: exit %d, %s", code, out)
	}
	if code, _, errOut = runCmd(t, "", nil, "keys", "public", repoFile("testdata", "keys", "ec256-sec1.pem"), "--alg", "ES384"); code != ExitUsage {
		t.Errorf("--alg ES384 on a P-256 key: exit %d, %q; want 2", code, errOut)
	}
	if code, out, _ = runCmd(t, "", nil, "keys", "jwks", rsa, "-o", "json"); code != 0 || !strings.Contains(out, `"keys"`) {
		t.Errorf("keys jwks -o json: exit %d, %s", code, out)
	}
	dir := t.TempDir()
	for _, name := range []string{"a", "b"} {
		if code, _, errOut := runCmd(t, "", nil, "keys", "generate", "--alg", "EdDSA", "--format", "jwk", "--kid", name, "--out", filepath.Join(dir, name)); code != 0 {
			t.Fatalf("keys generate %s: %s", name, errOut)
		}
	}
	set := filepath.Join(dir, "signing-jwks.json")
	code, _, errOut = runCmd(t, "", nil, "keys", "jwks", "--private", filepath.Join(dir, "a.jwk.json"), filepath.Join(dir, "b.jwk.json"), "--out", set)
	if code != 0 || !strings.Contains(errOut, "warning: this JWK Set holds private keys") {
		t.Fatalf("keys jwks --private: exit %d, %q", code, errOut)
	}
	if fi, err := os.Stat(set); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("private set mode: %v %v", fi, err)
	}
	code, tok, errOut := runCmd(t, "", nil, "mint", "--key", set, "--kid", "b", "--sub", "alice")
	if code != 0 {
		t.Fatalf("mint --key private-set --kid b: exit %d, %q", code, errOut)
	}
	if h := decodeHeader(t, strings.TrimSpace(tok)); h["kid"] != "b" {
		t.Errorf("minted header %v, want kid b", h)
	}
	pubSet := filepath.Join(dir, "jwks.json")
	if code, _, errOut = runCmd(t, "", nil, "keys", "jwks", filepath.Join(dir, "a.jwk.json"), filepath.Join(dir, "b.jwk.json"), "--out", pubSet); code != 0 {
		t.Fatalf("keys jwks: %q", errOut)
	}
	if code, _, errOut = runCmd(t, "", nil, "mint", "--key", pubSet, "--kid", "b"); code != ExitUsage || !strings.Contains(errOut, "public keys only: a private JWK Set is made with jwtkit keys jwks --private") {
		t.Errorf("mint from a public set: exit %d, %q", code, errOut)
	}
	if code, _, errOut = runCmd(t, "", nil, "keys", "generate", "--kid", "k1"); code != ExitUsage || !strings.Contains(errOut, "a PEM file cannot hold a kid") {
		t.Errorf("keys generate --kid with PEM: exit %d, %q", code, errOut)
	}
}

func decodeHeader(t *testing.T, tok string) map[string]any {
	t.Helper()
	parsed, err := token.Parse(tok)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return parsed.Header
}

// TestDecodeSaysNotVerifiedOncePerRun and output flags that contradict.
func TestDecodeSaysNotVerifiedOncePerRun(t *testing.T) {
	t.Parallel()
	tok := mintHS(t, "--sub", "alice")
	for _, args := range [][]string{{"decode", tok, "--claim", "sub"}, {"decode", "--batch"}, {"decode", tok}} {
		_, _, errOut := runCmd(t, tok+"\n"+tok+"\n", nil, args...)
		if n := strings.Count(errOut, "signature NOT verified"); n != 1 {
			t.Errorf("%v: %d notes on stderr, want 1: %q", args, n, errOut)
		}
	}
	for _, args := range [][]string{
		{"verify", "--batch", "--secret-env", "SECRET_KEY", "-o", "text"},
		{"decode", "--batch", "-o", "text"},
		{"verify", tok, "--secret-env", "SECRET_KEY", "-q", "-o", "json"},
	} {
		if code, _, errOut := runCmd(t, tok+"\n", hsEnv, args...); code != ExitUsage || !strings.Contains(errOut, "cannot be used with") {
			t.Errorf("%v: exit %d, %q; want a usage error", args, code, errOut)
		}
	}
}

package cmd

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jwtkit/jwtkit/internal/safetext"
)

// hostile holds every kind of character a token may use to drive a
// terminal: ESC (C0), DEL, the 8-bit CSI (C1) and a bidi override.
const hostile = "x\x1b[2J\x7f\u009b31m\u202egnp.exe"

// assertNoControls fails when text holds a character safetext escapes
// (newlines and tabs of jwtkit's own layout aside).
func assertNoControls(t *testing.T, what, text string) {
	t.Helper()
	for _, r := range text {
		if r != '\n' && r != '\t' && safetext.Unsafe(r) {
			t.Errorf("%s holds the raw control %U:\n%q", what, r, text)
			return
		}
	}
}

// TestTerminalOutputEscapesControls: a token's claims, header and the
// details about them cannot hijack the terminal in decode or verify text.
func TestTerminalOutputEscapesControls(t *testing.T) {
	t.Parallel()
	tok := mintHS(t, "--sub", hostile, "--claim", "note="+hostile, "--header", "x5u="+hostile, "--kid", hostile, "--aud", hostile)
	for _, args := range [][]string{
		{"decode", tok},
		{"decode", "--claim", "sub", tok},
		{"decode", "--claim", "note", tok},
		{"verify", tok, "--secret-env", "SECRET_KEY", "--sub", "someone-else", "--aud", "api"},
		{"verify", tok, "--secret-env", "SECRET_KEY"},
		{"verify", tok, "--secret-env", "WRONG"},
		{"verify", tok + "x", "--secret-env", "SECRET_KEY"},
	} {
		_, out, errOut := runCmd(t, "", map[string]string{"SECRET_KEY": hsEnv["SECRET_KEY"], "WRONG": strings.Repeat("w", 32)}, args...)
		assertNoControls(t, strings.Join(args[:2], " ")+" stdout", out)
		assertNoControls(t, strings.Join(args[:2], " ")+" stderr", errOut)
		if args[0] == "decode" && len(args) == 2 && !strings.Contains(out, `\u202e`) {
			t.Errorf("decode does not show the bidi override escaped:\n%s", out)
		}
	}
	// A hostile alg, typ, cty and kid in the header, hand-made (mint refuses
	// such an alg), through every text output of decode and verify.
	enc := func(v any) string {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return base64.RawURLEncoding.EncodeToString(b)
	}
	claims := enc(map[string]any{"sub": hostile, "exp": 1})
	for _, alg := range []string{hostile, "HS256"} {
		raw := enc(map[string]string{"alg": alg, "typ": hostile, "cty": hostile, "kid": hostile}) + "." + claims + ".c2ln"
		for _, args := range [][]string{
			{"decode", raw},
			{"decode", "--claim", "sub", raw},
			{"decode", "--claim", "nothing", raw},
			{"verify", raw, "--secret-env", "SECRET_KEY"},
			{"verify", raw, "--secret-env", "SECRET_KEY", "--alg", "HS256", "--role", "admin"},
			{"verify", raw, "--jwks", repoFile("testdata", "keys", "jwks-public.json")},
		} {
			_, out, errOut := runCmd(t, "", map[string]string{"SECRET_KEY": hsEnv["SECRET_KEY"]}, args...)
			assertNoControls(t, alg[:1]+" "+strings.Join(args[:2], " ")+" stdout", out)
			assertNoControls(t, alg[:1]+" "+strings.Join(args[:2], " ")+" stderr", errOut)
		}
	}
}

// TestBinaryLineCostsOneVerdict: a line holding a NUL byte gets its own
// malformed verdict and the batch goes on; exit code and summary count it.
func TestBinaryLineCostsOneVerdict(t *testing.T) {
	t.Parallel()
	tok := mintHS(t, "--sub", "alice")
	in := tok + "\nbad\x00line\n" + tok + "\n"
	for _, args := range [][]string{{"verify", "--batch", "--secret-env", "SECRET_KEY", "--summary"}, {"decode", "--batch", "--summary"}} {
		code, out, errOut := runCmd(t, in, hsEnv, args...)
		lines := strings.Split(strings.TrimSpace(out), "\n")
		if code != ExitMalformed || len(lines) != 3 || !strings.Contains(lines[1], `"line":2`) || !strings.Contains(lines[1], "NUL byte") || !strings.Contains(lines[2], `"line":3`) {
			t.Errorf("%s: exit %d, %d lines:\n%s", args[0], code, len(lines), out)
		}
		if !strings.Contains(errOut, "3 lines, 3 tokens") || !strings.Contains(errOut, "1 malformed") {
			t.Errorf("%s summary: %q", args[0], errOut)
		}
	}
}

// TestNoSecretInAnyError: every flag that takes a secret, a key or a token,
// given the secret or token itself by mistake (or a file holding it), fails
// without repeating it in any output.
func TestNoSecretInAnyError(t *testing.T) {
	t.Parallel()
	const secret = "Sup3rS3cretValue-0123456789abcdefXYZ"
	tok := mintHS(t, "--sub", "alice")
	dir := t.TempDir()
	pass := filepath.Join(dir, "pass.txt")
	dotenv := filepath.Join(dir, ".env")
	words := filepath.Join(dir, "words.txt")
	for name, content := range map[string]string{pass: "correct horse " + secret + "\n", dotenv: "SECRET_KEY=" + secret + "\nOTHER=1\n", words: secret + "\n"} {
		if err := os.WriteFile(name, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	env := map[string]string{"SECRET_KEY": hsEnv["SECRET_KEY"]}
	runs := [][]string{
		{"mint", "--secret-env", secret},
		{"verify", tok, "--secret-env", secret},
		{"serve", "--secret-env", secret},
		{"probe", "http://127.0.0.1:1/me", "--secret-env", secret},
		{"verify", "--batch", tok, "--secret-env", "SECRET_KEY"},
		{"verify", "--batch=" + tok, "--secret-env", "SECRET_KEY"},
		{"verify", "--batch=Authorization: Bearer " + tok, "--secret-env", "SECRET_KEY"},
		{"verify", "--batch=" + tok[:strings.LastIndex(tok, ".")], "--secret-env", "SECRET_KEY"},
		{"decode", "--batch", tok},
		{"decode", tok, "--claim", tok},
		{"decode", tok, "--claim", secret},
		{"mint", "--secret-env", "SECRET_KEY", "--claim", tok},
		{"mint", "--secret-env", "SECRET_KEY", "--claim", secret},
		{"mint", "--secret-env", "SECRET_KEY", "--header", tok},
		{"mint", "--secret-env", "SECRET_KEY", "--claim", "=" + secret},
		{"mint", "--secret-env", "SECRET_KEY", "--secret-encoding", secret},
		{"verify", tok, "--secret-env", "SECRET_KEY", "--leeway", secret},
		{"verify", tok, "--secret-env", "SECRET_KEY", "--max-age", tok},
		{"verify", tok, "--secret-env", "SECRET_KEY", "--alg", secret},
		{"mint", "--secret-env", "SECRET_KEY", "--alg", tok},
		{"mint", "--secret-env", "SECRET_KEY", "--exp", secret},
		{"mint", "--secret-env", "SECRET_KEY", "--now", tok},
		{"decode", tok, "-o", secret},
		{"verify", tok, "--secret-env", "SECRET_KEY", "-o", tok},
		{"mint", "--secret-env", "SECRET_KEY", "--count", secret},
		{"keys", "generate", "--kid", secret, "--alg", "ES256"},
		{"verify", tok, "--" + secret},
		{"mint", "--" + tok},
		{"verify", tok, "--secret-env", "SECRET_KEY", "--timeout", secret},
		{"verify", tok, "--secret-env", "SECRET_KEY", "--iss", tok},
		{"verify", tok, "--secret-env", "SECRET_KEY", "--aud", tok},
		{"verify", tok, "--secret-env", "SECRET_KEY", "--sub", tok},
		{"verify", tok, "--secret-env", "SECRET_KEY", "--role", tok},
		{"verify", tok, "--secret-env", "SECRET_KEY", "--scope", "Bearer " + tok},
		{"verify", tok, "--secret-env", "SECRET_KEY", "--require", tok},
		{"verify", tok, "--key", repoFile("testdata", "keys", "jwks-public.json"), "--kid", secret},
		{"mint", "--key", repoFile("testdata", "keys", "jwks-public.json"), "--kid", secret},
		{"verify", tok, "--secret-env", "SECRET_KEY", "--roles-claim", secret + ".", "--role", "a"},
		{"mint", "--secret-env", "SECRET_KEY", "--roles-claim", "." + secret, "--role", "a"},
		{"mint", "--key", pass},
		{"mint", "--key", secret},
		{"verify", tok, "--key", secret},
		{"verify", tok, "--jwks", secret},
		{"verify", tok, "--jwks", "https://user:" + secret + "@127.0.0.1:1/jwks.json"},
		{"verify", tok, "--secret-file", secret},
		{"mint", "--secret-file", dotenv},
		{"mint", "--secret-file", pass, "--secret-encoding", "base64"},
		{"keys", "public", secret},
		{"keys", "inspect", secret},
		{"keys", "jwks", secret},
		{"keys", "public", pass},
		{"mint", "--claims", secret},
		{"probe", "http://127.0.0.1:1/me", "--token", secret},
		{"probe", "http://127.0.0.1:1/me", "--token", tok + "x.y"},
		{"forge", secret, "--all"},
		{"decode", tok + ".x"},
		{"mint", "--key", pass, "--key-password-env", secret},
		{"probe", "http://127.0.0.1:1/me", "--login-url", "http://127.0.0.1:1/token", "--login-user", "alice", "--login-password-env", secret},
	}
	// Any 24 characters of the secret or the token count as a leak: a
	// value cut after 64 characters still gives most of a secret away.
	leaks := func(all string) string {
		for what, s := range map[string]string{"secret": secret, "token": tok} {
			for i := 0; i+24 <= len(s); i++ {
				if strings.Contains(all, s[i:i+24]) {
					return what
				}
			}
		}
		return ""
	}
	for _, args := range runs {
		code, out, errOut := runCmd(t, "", env, args...)
		if code == 0 {
			t.Errorf("%.60q: exit 0, want a failure", args)
		}
		if what := leaks(out + errOut); what != "" {
			t.Errorf("%.80q: the output repeats part of the %s:\n%s", strings.Join(args, " "), what, out+errOut)
		}
	}
}

// TestDecodeShowsMistypedMembers: decode shows a token whose registered
// members have the wrong types, under a warning naming them; verify calls
// it malformed.
func TestDecodeShowsMistypedMembers(t *testing.T) {
	t.Parallel()
	enc := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	tok := enc(`{"alg":"HS256"}`) + "." + enc(`{"aud":[1,"api"],"sub":5}`) + ".c2ln"
	code, out, errOut := runCmd(t, "", nil, "decode", tok)
	if code != 0 || !strings.Contains(out, `"sub": 5`) || !strings.Contains(errOut, `warning: claim "sub" is a number, want a string; claim "aud" holds a number at index 0`) {
		t.Errorf("decode: exit %d\n%s\n%s", code, out, errOut)
	}
	if _, out, _ = runCmd(t, tok+"\n", nil, "decode", "--batch"); !strings.Contains(out, `"warning":"claim \"sub\" is a number`) {
		t.Errorf("decode --batch: %s", out)
	}
	if code, _, _ = runCmd(t, "", hsEnv, "verify", tok, "--secret-env", "SECRET_KEY", "--aud", "api"); code != ExitMalformed {
		t.Errorf("verify: exit %d, want 3", code)
	}
}

// TestProbeAttackFlagsAndWeakKid: the usage rules of issue 12's flags, a
// wordlist hit named by line, and verify's exit 4 when a token's kid picks a
// weak key of its set.
func TestProbeAttackFlagsAndWeakKid(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"probe", "http://127.0.0.1:1/me", "--callback-url", "https://tunnel.example"}, "--callback-url and --callback-addr go together"},
		{[]string{"probe", "http://127.0.0.1:1/me", "--callback-url", "ftp://x", "--callback-addr", "127.0.0.1:0"}, "invalid --callback-url"},
		{[]string{"probe", "http://127.0.0.1:1/me", "--wordlist", "/no/such/words.txt"}, "--wordlist \"/no/such/words.txt\" is not a readable file"},
	} {
		if code, _, errOut := runCmd(t, "", hsEnv, tc.args...); code != ExitUsage || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d, %q; want 2 and %q", tc.args[2:], code, errOut, tc.want)
		}
	}
	// A weak secret found in a wordlist is named by its line, never shown.
	const weak = "hunter2-but-longer-than-32-bytes!!"
	dir := t.TempDir()
	words := filepath.Join(dir, "words.txt")
	if err := os.WriteFile(words, []byte("alpha\nbeta\n"+weak+"\ngamma\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="api", error="invalid_token"`)
		w.WriteHeader(http.StatusUnauthorized)
	}))
	t.Cleanup(api.Close)
	env := map[string]string{"W": weak}
	_, tok, _ := runCmd(t, "", env, "mint", "--secret-env", "W", "--sub", "alice")
	code, out, errOut := runCmd(t, "", env, "probe", api.URL+"/me", "--token", strings.TrimSpace(tok), "--wordlist", words, "--only", "jwt.weak-secret")
	if code != ExitProbeFailed || !strings.Contains(out, "line 3 of") || strings.Contains(out+errOut, weak) {
		t.Errorf("probe --wordlist: exit %d\n%s\n%s", code, out, errOut)
	}
	// verify: a weak key in the set is skipped; the token whose kid picks it fails with exit 4.
	weakPub := repoFile("testdata", "keys", "rsa1024-weak.pub.pem")
	code, out, _ = runCmd(t, "", nil, "verify", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln", "--key", weakPub)
	if code != ExitSignature || !strings.Contains(out, "is too weak to verify with: RSA key is 1024 bits") {
		t.Errorf("verify with a weak key: exit %d\n%s\nwant 4 and the reason", code, out)
	}
}

// TestDuplicateClaimsRefused: --claims files and --claim JSON values with a
// duplicate member name are refused, naming it (they kept the last one).
func TestDuplicateClaimsRefused(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "base.json")
	if err := os.WriteFile(file, []byte(`{"tenant":"a","tenant":"b"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"mint", "--secret-env", "SECRET_KEY", "--claims", file},
		{"mint", "--secret-env", "SECRET_KEY", "--claim", `ctx={"org":1,"org":2}`},
	} {
		code, _, errOut := runCmd(t, "", hsEnv, args...)
		if code != ExitUsage || !strings.Contains(errOut, "duplicate JSON member name") {
			t.Errorf("%v: exit %d, %q; want 2 naming the duplicate", args[3:], code, errOut)
		}
	}
}

// TestProbeTextEscapesServerControls: what a server answers (evidence) and
// the token's claims cannot drive the terminal through probe's text report.
func TestProbeTextEscapesServerControls(t *testing.T) {
	t.Parallel()
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("WWW-Authenticate", "Bearer realm=\"a\x1b]0;owned\x07\u009b31m\u202e\"")
		w.WriteHeader(http.StatusUnauthorized)
		w.Write([]byte("denied \x1b[2J\u202e"))
	}))
	t.Cleanup(api.Close)
	tok := mintHS(t, "--sub", hostile)
	_, out, errOut := runCmd(t, "", hsEnv, "probe", api.URL+"/me", "--token", tok, "--only", "auth", "--only", "jwt.alg-none")
	assertNoControls(t, "probe stdout", out)
	assertNoControls(t, "probe stderr", errOut)
	if !strings.Contains(out, "jwtkit probe") {
		t.Errorf("no report:\n%s\n%s", out, errOut)
	}
}

// TestJWKSWithWeakKey: keys jwks publishes a weak public key with a note
// that verifiers skip it; verify then skips it and still verifies with the
// set's strong key.
func TestJWKSWithWeakKey(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	set := filepath.Join(dir, "jwks.json")
	code, _, errOut := runCmd(t, "", nil, "keys", "jwks", repoFile("testdata", "keys", "rsa1024-weak.pub.pem"), repoFile("testdata", "keys", "rsa2048-pkcs8.pem"), "--out", set)
	if code != 0 || !strings.Contains(errOut, "is weak (RSA key is 1024 bits") {
		t.Fatalf("keys jwks: exit %d, %q; want a note about the weak key", code, errOut)
	}
	_, tok, _ := runCmd(t, "", nil, "mint", "--key", repoFile("testdata", "keys", "rsa2048-pkcs8.pem"), "--sub", "alice")
	if code, out, _ := runCmd(t, "", nil, "verify", strings.TrimSpace(tok), "--jwks", set); code != 0 {
		t.Errorf("verify against a set with a weak key: exit %d\n%s", code, out)
	}
}

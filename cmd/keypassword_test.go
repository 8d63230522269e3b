package cmd

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jwtkit/jwtkit/pkg/keys"
)

// encFixture is testdata/keys/ec256-encrypted.pem: the P-256 fixture key,
// PBKDF2-HMAC-SHA256 (2048 iterations) / AES-256-CBC, passphrase encPass.
const encPass = "jwtkit-test"

var encFixture = keyFixture("ec256-encrypted.pem")

// fakeTTY makes f's controlling terminal answer each prompt with the next
// answer, recording the prompts.
func fakeTTY(f *factory, answers ...string) *[]string {
	var prompts []string
	f.IO.TTYSecret = func(prompt string) ([]byte, error) {
		prompts = append(prompts, prompt)
		if len(answers) == 0 {
			return nil, os.ErrClosed
		}
		a := answers[0]
		answers = answers[1:]
		return []byte(a), nil
	}
	return &prompts
}

func TestKeyPasswordUsage(t *testing.T) {
	dir := t.TempDir()
	pwFile := filepath.Join(dir, "pw")
	os.WriteFile(pwFile, []byte(encPass+"\n"), 0o600)
	tests := []struct {
		args []string
		env  map[string]string
		code int
		msg  string
	}{
		{[]string{"mint", "--key", encFixture, "--sub", "a"}, nil, ExitUsage, `reading key "` + encFixture + `": PEM block "ENCRYPTED PRIVATE KEY": passphrase required: there is no terminal to ask on; pass --key-password-file or --key-password-env`},
		{[]string{"verify", "x.y.z", "--key", encFixture}, nil, ExitUsage, "pass --key-password-file or --key-password-env"},
		{[]string{"keys", "public", encFixture}, nil, ExitUsage, "pass --key-password-file or --key-password-env"},
		{[]string{"keys", "jwks", encFixture}, nil, ExitUsage, "pass --key-password-file or --key-password-env"},
		{[]string{"mint", "--key", encFixture, "--key-password-file", pwFile, "--key-password-env", "KP"}, nil, ExitUsage, "--key-password-file and --key-password-env cannot be used together"},
		{[]string{"mint", "--secret-env", "S", "--key-password-env", "KP"}, map[string]string{"S": "0123456789abcdef0123456789abcdef"}, ExitUsage, "open an encrypted --key; no --key was given"},
		{[]string{"keys", "public", encFixture, "--key-password-file", "-"}, nil, ExitUsage, "--key-password-file does not read stdin"},
		{[]string{"keys", "public", encFixture, "--key-password-env", "$hunter2 x"}, nil, ExitUsage, "does not look like one"},
		{[]string{"keys", "public", encFixture, "--key-password-env", "NOT_SET"}, nil, ExitError, "--key-password-env: environment variable NOT_SET is not set or empty"},
		{[]string{"keys", "public", encFixture, "--key-password-file", filepath.Join(dir, "nope")}, nil, ExitError, "does not exist"},
		{[]string{"keys", "public", keyFixture("rsa2048-pkcs1-encrypted.pem"), "--key-password-file", pwFile}, nil, ExitError, "Proc-Type: 4,ENCRYPTED), whose MD5 key derivation is unsafe; convert it with: openssl pkcs8 -topk8 -v2 aes-256-cbc"},
		{[]string{"keys", "public", keyFixture("ec256-encrypted-scrypt.pem"), "--key-password-file", pwFile}, nil, ExitError, "uses scrypt, which jwtkit does not read"},
		{[]string{"keys", "generate", "--encrypt", "--alg", "HS256"}, nil, ExitUsage, "an HMAC secret (HS256) cannot be encrypted"},
		{[]string{"keys", "generate", "--encrypt", "--format", "jwk"}, nil, ExitUsage, "it does not apply to --format jwk"},
		{[]string{"keys", "generate", "--key-password-env", "KP"}, nil, ExitUsage, "apply only with --encrypt"},
		{[]string{"keys", "generate", "--encrypt"}, nil, ExitUsage, "--encrypt needs a passphrase and there is no terminal to ask for it: pass --key-password-file or --key-password-env"},
		{[]string{"keys", "generate", "--encrypt", "--key-password-env", "KP"}, nil, ExitError, "environment variable KP is not set"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, out, errOut := runCmd(t, "", tt.env, tt.args...)
			if code != tt.code || out != "" {
				t.Fatalf("exit %d (want %d), stdout %q, stderr %s", code, tt.code, out, errOut)
			}
			mustContain(t, errOut, tt.msg)
			if strings.Contains(errOut, "hunter2") {
				t.Errorf("stderr echoes the value: %s", errOut)
			}
		})
	}
}

// TestKeyPasswordSources: the fixture opens with the passphrase from a
// file (first line only), the environment or the terminal, for every
// command that loads a private key.
func TestKeyPasswordSources(t *testing.T) {
	dir := t.TempDir()
	pwFile := filepath.Join(dir, "pw")
	os.WriteFile(pwFile, []byte(encPass+"\r\nsecond line is ignored\n"), 0o600)
	wantPub, _ := os.ReadFile(keyFixture("ec256-spki.pub.pem"))
	sources := map[string][]string{
		"file": {"--key-password-file", pwFile},
		"env":  {"--key-password-env", "KEY_PASSWORD"},
		"tty":  nil,
	}
	for name, flags := range sources {
		t.Run(name, func(t *testing.T) {
			env := map[string]string{"KEY_PASSWORD": encPass}
			f, out, errOut := testFactory(t, "", env)
			prompts := fakeTTY(f, encPass)
			if code := runWith(f, append([]string{"keys", "public", encFixture}, flags...)...); code != 0 {
				t.Fatalf("keys public: exit %d: %s", code, errOut)
			}
			if out.String() != string(wantPub) {
				t.Errorf("public key differs:\n%s", out)
			}
			if name == "tty" && (len(*prompts) != 1 || (*prompts)[0] != "Passphrase for "+encFixture+": ") {
				t.Errorf("prompts %q", *prompts)
			}
			if name != "tty" && len(*prompts) != 0 {
				t.Errorf("asked on the terminal although a flag was given: %q", *prompts)
			}

			f, out, errOut = testFactory(t, "", env)
			fakeTTY(f, encPass)
			if code := runWith(f, append([]string{"keys", "inspect", encFixture}, flags...)...); code != 0 {
				t.Fatalf("keys inspect: exit %d: %s", code, errOut)
			}
			mustContain(t, out.String(), "encrypted PKCS#8 PEM (PBES2: PBKDF2-HMAC-SHA256, 2048 iterations, AES-256-CBC)")

			// mint signs with the encrypted key; verify reads the token
			// from stdin while the passphrase comes from the terminal.
			f, out, errOut = testFactory(t, "", env)
			fakeTTY(f, encPass)
			if code := runWith(f, append([]string{"mint", "--key", encFixture, "--sub", "alice"}, flags...)...); code != 0 {
				t.Fatalf("mint: exit %d: %s", code, errOut)
			}
			tok := out.String()
			f, out, errOut = testFactory(t, tok, env)
			fakeTTY(f, encPass)
			if code := runWith(f, append([]string{"verify", "--key", encFixture, "-q"}, flags...)...); code != 0 {
				t.Fatalf("verify: exit %d: %s%s", code, out, errOut)
			}
		})
	}
}

func TestKeyPasswordWrong(t *testing.T) {
	const wrong = "not-the-passphrase"
	for _, args := range [][]string{
		{"keys", "public", encFixture, "--key-password-env", "KP"},
		{"mint", "--key", encFixture, "--key-password-env", "KP", "--sub", "a"},
	} {
		code, out, errOut := runCmd(t, "", map[string]string{"KP": wrong}, args...)
		if code != ExitError || out != "" {
			t.Fatalf("%v: exit %d, stdout %q", args, code, out)
		}
		want := `error: reading key "` + encFixture + `": PEM block "ENCRYPTED PRIVATE KEY": wrong passphrase for the encrypted private key (or the file is damaged)` + "\n"
		if errOut != want {
			t.Errorf("%v: stderr\n%q\nwant\n%q", args, errOut, want)
		}
	}
}

// runGenerate runs `keys generate` with the PBKDF2 count lowered to
// keys.MinIterations (the test seam); TestInteropEncryptedKeys covers the
// real default.
func runGenerate(f *factory, args ...string) int {
	c := newKeysGenerateCmd(f, func(o *keysGenerateOptions) error {
		o.iterations = keys.MinIterations
		return runKeysGenerate(o)
	})
	c.SetArgs(args)
	c.SetOut(f.IO.Out)
	c.SetErr(f.IO.ErrOut)
	c.SilenceErrors, c.SilenceUsage = true, true
	return exitCode(c.Execute())
}

func TestKeysGenerateEncrypt(t *testing.T) {
	dir := t.TempDir()
	prefix := filepath.Join(dir, "k")

	// On a terminal: asked twice; a mismatch writes nothing.
	f, _, _ := testFactory(t, "", nil)
	prompts := fakeTTY(f, "one", "two")
	if code := runGenerate(f, "--encrypt", "--out", prefix); code != ExitError {
		t.Fatalf("mismatch: exit %d", code)
	}
	if _, err := os.Stat(prefix + ".pem"); err == nil {
		t.Error("a key was written although the passphrases differ")
	}
	if len(*prompts) != 2 || (*prompts)[0] != "Passphrase for the new key: " || (*prompts)[1] != "Same passphrase again: " {
		t.Errorf("prompts %q", *prompts)
	}

	f, _, errOut := testFactory(t, "", nil)
	fakeTTY(f, "s3cret pass", "s3cret pass")
	if code := runGenerate(f, "--alg", "EdDSA", "--encrypt", "--out", prefix); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	mustContain(t, errOut.String(), "(encrypted private key, mode 0600)")
	data, _ := os.ReadFile(prefix + ".pem")
	if !strings.HasPrefix(string(data), "-----BEGIN ENCRYPTED PRIVATE KEY-----") {
		t.Fatalf("not encrypted:\n%s", data)
	}
	set, err := keys.ParseWith(data, "k", keys.ParseOptions{Password: func(string) ([]byte, error) { return []byte("s3cret pass"), nil }})
	if err != nil || !set.Keys[0].IsPrivate() || !strings.Contains(set.Keys[0].Format, "1000 iterations") {
		t.Fatalf("written key does not load: %v", err)
	}
	pub, _ := os.ReadFile(prefix + ".pub.pem")
	if !strings.HasPrefix(string(pub), "-----BEGIN PUBLIC KEY-----") {
		t.Errorf("public key file:\n%s", pub)
	}

	// From the environment, to stdout, with -o json.
	f, out, errOut := testFactory(t, "", map[string]string{"KP": "from env"})
	if code := runGenerate(f, "--encrypt", "--key-password-env", "KP", "-o", "json"); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	mustContain(t, out.String(), `"encrypted": true`)
	mustContain(t, out.String(), `"private_pem": "-----BEGIN ENCRYPTED PRIVATE KEY-----`)
	mustContain(t, out.String(), `"public_pem": "-----BEGIN PUBLIC KEY-----`)

	// An empty passphrase is refused.
	f, _, _ = testFactory(t, "", nil)
	fakeTTY(f, "")
	if code := runGenerate(f, "--encrypt"); code != ExitUsage {
		t.Errorf("empty passphrase: exit %d", code)
	}
}

// TestEnvFlagsFailAlike: every --*-env flag fails the same way: an unset
// variable is exit 1 naming it, a value that is no variable name is exit 2
// and never echoed.
func TestEnvFlagsFailAlike(t *testing.T) {
	t.Parallel()
	const value = "$hunter2-not-a-name"
	for _, tc := range []struct {
		flag string
		args []string
	}{
		{"--secret-env", []string{"mint", "--sub", "a"}},
		{"--key-password-env", []string{"keys", "public", encFixture}},
		{"--login-password-env", []string{"probe", "http://127.0.0.1:9/me", "--login-url", "http://127.0.0.1:9/token", "--login-user", "a"}},
		{"--demo-password-env", []string{"serve", "--addr", "127.0.0.1:0", "--demo-login", "alice"}},
	} {
		code, _, errOut := runCmd(t, "", nil, append(tc.args, tc.flag, "NOT_SET_ANYWHERE")...)
		if code != ExitError || !strings.Contains(errOut, tc.flag+": environment variable NOT_SET_ANYWHERE is not set or empty") {
			t.Errorf("%s unset: exit %d, %q", tc.flag, code, errOut)
		}
		code, _, errOut = runCmd(t, "", nil, append(tc.args, tc.flag, value)...)
		if code != ExitUsage || !strings.Contains(errOut, tc.flag+" expects the name of an environment variable") || strings.Contains(errOut, "hunter2") {
			t.Errorf("%s %q: exit %d, %q", tc.flag, value, code, errOut)
		}
	}
}

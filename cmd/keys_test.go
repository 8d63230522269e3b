package cmd

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/jwtkit/jwtkit/pkg/keys"
)

func keyFixture(name string) string { return repoFile("testdata", "keys", name) }

func TestKeysGenerateArgs(t *testing.T) {
	tests := []struct {
		args []string
		want keysGenerateOptions
		msg  string // usage error
	}{
		{nil, keysGenerateOptions{Alg: "ES256", Format: "pem", Output: "text"}, ""},
		{[]string{"--alg", "rs256", "--bits", "3072", "--out", "k", "--force"}, keysGenerateOptions{Alg: "RS256", Bits: 3072, Out: "k", Force: true, Format: "pem", Output: "text"}, ""},
		{[]string{"--alg", "EdDSA", "--format", "jwk", "--kid", "x", "-o", "json"}, keysGenerateOptions{Alg: "EdDSA", KID: "x", Format: "jwk", Output: "json"}, ""},
		{[]string{"--alg", "HS512"}, keysGenerateOptions{Alg: "HS512", Format: "pem", Output: "text"}, ""},
		{[]string{"--alg", "none"}, keysGenerateOptions{}, `--alg none: jwtkit never signs or accepts unsecured tokens`},
		{[]string{"--alg", "ES256K"}, keysGenerateOptions{}, `unknown alg "ES256K"; known: HS256`},
		{[]string{"--alg", "RS256", "--bits", "1024"}, keysGenerateOptions{}, "--bits 1024: RSA keys below 2048 bits are too weak"},
		{[]string{"--alg", "RS256", "--bits", "2000"}, keysGenerateOptions{}, "too weak"},
		{[]string{"--alg", "PS256", "--bits", "5000"}, keysGenerateOptions{}, "invalid --bits 5000"},
		{[]string{"--bits", "2048"}, keysGenerateOptions{}, "--bits applies only to RSA algs"},
		{[]string{"--format", "der"}, keysGenerateOptions{}, `invalid --format "der"`},
		{[]string{"-o", "yaml"}, keysGenerateOptions{}, `invalid --output "yaml"`},
		{[]string{"--force"}, keysGenerateOptions{}, "--force only applies with --out"},
		{[]string{"extra"}, keysGenerateOptions{}, "takes no arguments, got 1"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			f, _, _ := testFactory(t, "", nil)
			var got *keysGenerateOptions
			c := newKeysGenerateCmd(f, func(o *keysGenerateOptions) error { got = o; return nil })
			c.SetArgs(tt.args)
			c.SetOut(f.IO.Out)
			c.SetErr(f.IO.ErrOut)
			err := c.Execute()
			if tt.msg != "" {
				if err == nil || exitCode(err) != ExitUsage || !strings.Contains(err.Error(), tt.msg) {
					t.Fatalf("error %v (exit %d), want usage error with %q", err, exitCode(err), tt.msg)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got.f = nil
			if *got != tt.want {
				t.Errorf("options %+v, want %+v", *got, tt.want)
			}
		})
	}
}

// TestKeysGenerateUsageExit runs the usage errors through the real command
// line: exit 2 and a pointer to --help.
func TestKeysGenerateUsageExit(t *testing.T) {
	code, out, errOut := runCmd(t, "", nil, "keys", "generate", "--alg", "RS256", "--bits", "1024")
	if code != ExitUsage || out != "" {
		t.Fatalf("exit %d, stdout %q", code, out)
	}
	mustContain(t, errOut, "error: --bits 1024: RSA keys below 2048 bits are too weak; use 2048, 3072 or 4096")
	mustContain(t, errOut, "Run 'jwtkit keys generate --help' for usage.")
	code, _, errOut = runCmd(t, "", nil, "keys", "generate", "--alg", "XS256")
	if code != ExitUsage {
		t.Errorf("bad alg: exit %d", code)
	}
	mustContain(t, errOut, `unknown alg "XS256"; known: HS256, HS384`)
	code, _, _ = runCmd(t, "", nil, "keys", "frobnicate")
	if code != ExitUsage {
		t.Errorf("unknown subcommand: exit %d", code)
	}
}

func TestKeysGenerateEveryAlg(t *testing.T) {
	dir := t.TempDir()
	hexRE := regexp.MustCompile(`^[0-9a-f]+\n$`)
	for _, alg := range generateAlgs() {
		t.Run(alg, func(t *testing.T) {
			prefix := filepath.Join(dir, strings.ToLower(alg))
			code, out, errOut := runCmd(t, "", nil, "keys", "generate", "--alg", alg, "--out", prefix)
			if code != 0 || out != "" {
				t.Fatalf("exit %d, stdout %q: %s", code, out, errOut)
			}
			if strings.HasPrefix(alg, "HS") {
				b, err := os.ReadFile(prefix + ".secret")
				if err != nil {
					t.Fatal(err)
				}
				if !hexRE.Match(b) || len(b) != map[string]int{"HS256": 65, "HS384": 97, "HS512": 129}[alg] {
					t.Errorf("secret file %d bytes, not hex", len(b))
				}
				checkMode(t, prefix+".secret", 0o600)
				mustContain(t, errOut, "wrote "+prefix+".secret (secret, mode 0600)")
				if strings.Contains(errOut, strings.TrimSpace(string(b))) {
					t.Error("the secret is on stderr")
				}
				return
			}
			checkMode(t, prefix+".pem", 0o600)
			checkMode(t, prefix+".pub.pem", 0o644)
			priv := parseKeyFile(t, prefix+".pem")
			pub := parseKeyFile(t, prefix+".pub.pem")
			tp, _ := priv.Thumbprint()
			if !priv.IsPrivate() || pub.IsPrivate() || priv.KID != tp || pub.KID != tp || priv.Format != "PKCS#8 PEM" || pub.Format != "SPKI PEM" {
				t.Errorf("private %s %s kid %s, public %s %s kid %s, thumbprint %s", priv.Describe(), priv.Format, priv.KID, pub.Describe(), pub.Format, pub.KID, tp)
			}
			if err := priv.CheckAlg(alg); err != nil {
				t.Error(err)
			}
			mustContain(t, errOut, "kid "+tp)
			mustContain(t, errOut, "wrote "+prefix+".pem (private key, mode 0600)")
		})
	}
}

func checkMode(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm() != want {
		t.Errorf("%s: mode %04o, want %04o", path, fi.Mode().Perm(), want)
	}
}

func parseKeyFile(t *testing.T, path string) *keys.Key {
	t.Helper()
	set, err := keys.ParseFile(path)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if len(set.Keys) != 1 {
		t.Fatalf("%s: %d keys", path, len(set.Keys))
	}
	return set.Keys[0]
}

func TestKeysGenerateJWKFiles(t *testing.T) {
	dir := t.TempDir()
	prefix := filepath.Join(dir, "ed")
	code, out, errOut := runCmd(t, "", nil, "keys", "generate", "--alg", "EdDSA", "--format", "jwk", "--kid", "ed-2026", "--out", prefix, "-o", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var sum keysGenerateJSON
	if err := json.Unmarshal([]byte(out), &sum); err != nil {
		t.Fatal(err)
	}
	if sum.Alg != "EdDSA" || sum.KID != "ed-2026" || sum.Type != keys.OKP || len(sum.Files) != 2 ||
		sum.Files[0].Path != prefix+".jwk.json" || sum.Files[0].Mode != "0600" || !sum.Files[0].Private ||
		sum.Files[1].Path != prefix+".pub.jwk.json" || sum.Files[1].Mode != "0644" || sum.Files[1].Private {
		t.Errorf("summary %+v", sum)
	}
	if strings.Contains(out, `"d"`) {
		t.Error("summary holds private material")
	}
	priv := parseKeyFile(t, prefix+".jwk.json")
	pub := parseKeyFile(t, prefix+".pub.jwk.json")
	if priv.KID != "ed-2026" || pub.KID != "ed-2026" || priv.Alg != "EdDSA" || pub.Use != "sig" || !priv.IsPrivate() || pub.IsPrivate() {
		t.Errorf("JWK files: %+v %+v", priv, pub)
	}
	checkMode(t, prefix+".jwk.json", 0o600)
	checkMode(t, prefix+".pub.jwk.json", 0o644)

	prefix = filepath.Join(dir, "hs")
	if code, _, errOut := runCmd(t, "", nil, "keys", "generate", "--alg", "HS384", "--format", "jwk", "--out", prefix); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	k := parseKeyFile(t, prefix+".jwk.json")
	if k.Type != keys.Oct || len(k.Secret) != 96 || k.Alg != "HS384" {
		t.Errorf("oct JWK: %s alg %s", k.Describe(), k.Alg)
	}
	checkMode(t, prefix+".jwk.json", 0o600)
	if _, err := os.Stat(prefix + ".pub.jwk.json"); err == nil {
		t.Error("a secret got a public file")
	}
}

func TestKeysGenerateForce(t *testing.T) {
	dir := t.TempDir()
	prefix := filepath.Join(dir, "signing")
	if code, _, errOut := runCmd(t, "", nil, "keys", "generate", "--out", prefix); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	first, _ := os.ReadFile(prefix + ".pem")

	code, out, errOut := runCmd(t, "", nil, "keys", "generate", "--out", prefix)
	if code != ExitError || out != "" {
		t.Fatalf("second run: exit %d", code)
	}
	mustContain(t, errOut, `error: "`+prefix+`.pem" already exists; use --force to replace it`)
	if again, _ := os.ReadFile(prefix + ".pem"); string(again) != string(first) {
		t.Error("key replaced without --force")
	}

	if code, _, errOut := runCmd(t, "", nil, "keys", "generate", "--out", prefix, "--force"); code != 0 {
		t.Fatalf("--force: exit %d: %s", code, errOut)
	}
	if again, _ := os.ReadFile(prefix + ".pem"); string(again) == string(first) {
		t.Error("--force did not replace the key")
	}
	priv, pub := parseKeyFile(t, prefix+".pem"), parseKeyFile(t, prefix+".pub.pem")
	if priv.KID != pub.KID {
		t.Error("--force left a mismatched pair")
	}

	// Only the public file exists: nothing is written, not even the
	// private file that does not exist yet.
	other := filepath.Join(dir, "other")
	os.WriteFile(other+".pub.pem", []byte("keep"), 0o644)
	code, _, errOut = runCmd(t, "", nil, "keys", "generate", "--alg", "RS256", "--out", other)
	if code != ExitError {
		t.Fatalf("exit %d", code)
	}
	mustContain(t, errOut, `"`+other+`.pub.pem" already exists`)
	if _, err := os.Stat(other + ".pem"); err == nil {
		t.Error("private key written although the public file blocked the pair")
	}

	// A symlink is refused even with --force.
	link := filepath.Join(dir, "link")
	if err := os.Symlink(filepath.Join(dir, "elsewhere"), link+".pem"); err == nil {
		code, _, errOut = runCmd(t, "", nil, "keys", "generate", "--out", link, "--force")
		if code != ExitError {
			t.Fatalf("symlink: exit %d", code)
		}
		mustContain(t, errOut, "is a symbolic link")
		if _, err := os.Stat(filepath.Join(dir, "elsewhere")); err == nil {
			t.Error("wrote through the symlink")
		}
	}

	code, _, errOut = runCmd(t, "", nil, "keys", "generate", "--out", filepath.Join(dir, "missing", "k"))
	if code != ExitError {
		t.Fatalf("missing folder: exit %d", code)
	}
	mustContain(t, errOut, "does not exist")
}

func TestKeysGenerateStdout(t *testing.T) {
	code, out, errOut := runCmd(t, "", nil, "keys", "generate", "--alg", "ES384")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	set, err := keys.Parse([]byte(out), "stdout")
	if err != nil || !set.Keys[0].IsPrivate() || set.Keys[0].Curve() != "P-384" {
		t.Fatalf("stdout is not the private key: %v", err)
	}
	mustContain(t, errOut, "generated ES384 EC P-384 key, kid "+set.Keys[0].KID)

	code, out, _ = runCmd(t, "", nil, "keys", "generate", "--alg", "HS256")
	if code != 0 || !regexp.MustCompile(`^[0-9a-f]{64}\n$`).MatchString(out) {
		t.Errorf("HS256 secret on stdout: %q", out)
	}

	code, out, _ = runCmd(t, "", nil, "keys", "generate", "--alg", "ES256", "--format", "jwk")
	if k, err := keys.Parse([]byte(out), "x"); code != 0 || err != nil || k.Keys[0].Alg != "ES256" || !k.Keys[0].IsPrivate() {
		t.Errorf("JWK on stdout: %v\n%s", err, out)
	}

	code, out, _ = runCmd(t, "", nil, "keys", "generate", "--alg", "EdDSA", "-o", "json")
	var sum keysGenerateJSON
	if code != 0 || json.Unmarshal([]byte(out), &sum) != nil || !strings.Contains(sum.PrivatePEM, "PRIVATE KEY") || !strings.Contains(sum.PublicPEM, "PUBLIC KEY") || sum.KID == "" {
		t.Errorf("-o json: %s", out)
	}
	code, out, _ = runCmd(t, "", nil, "keys", "generate", "--alg", "HS512", "-o", "json")
	if code != 0 || json.Unmarshal([]byte(out), &sum) != nil || len(sum.Secret) != 128 || sum.Type != keys.Oct {
		t.Errorf("-o json secret: %s", out)
	}
}

func TestKeysInspectGolden(t *testing.T) {
	tests := []struct {
		golden string
		args   []string
	}{
		{"keys-inspect-ec256-sec1.golden", []string{"keys", "inspect", keyFixture("ec256-sec1.pem")}},
		{"keys-inspect-rsa2048-cert.golden", []string{"keys", "inspect", keyFixture("rsa2048-cert.der")}},
		{"keys-inspect-hs256-jwk.golden", []string{"keys", "inspect", keyFixture("hs256.jwk.json")}},
		{"keys-inspect-jwks.golden", []string{"keys", "inspect", keyFixture("jwks-public.json")}},
		{"keys-inspect-jwks-json.golden", []string{"keys", "inspect", keyFixture("jwks-public.json"), "-o", "json"}},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			code, out, errOut := runCmd(t, "", nil, tt.args...)
			if code != 0 || errOut != "" {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			golden(t, tt.golden, out)
		})
	}
}

func TestKeysInspectNeverPrintsSecrets(t *testing.T) {
	dir := t.TempDir()
	sec := filepath.Join(dir, "app.secret")
	const secret = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0"
	os.WriteFile(sec, []byte(secret+"\n"), 0o600)
	for _, args := range [][]string{
		{"keys", "inspect", sec},
		{"keys", "inspect", sec, "-o", "json"},
		{"keys", "inspect", "-"},
		{"keys", "inspect", keyFixture("hs256.jwk.json"), "-o", "json"},
		{"keys", "public", sec},
		{"keys", "jwks", sec},
	} {
		code, out, errOut := runCmd(t, secret+"\n", nil, args...)
		for _, part := range []string{secret, secret[:16], "3f1c0a4b9d2e8f7a", "M2YxYzBhNGI5ZDJl"} {
			if strings.Contains(out+errOut, part) {
				t.Errorf("%v (exit %d) prints secret material %q:\n%s%s", args, code, part, out, errOut)
			}
		}
	}
	code, out, _ := runCmd(t, "", nil, "keys", "inspect", sec)
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	mustContain(t, out, "HMAC secret (64 bytes)")
	mustContain(t, out, "HS256, HS384, HS512")
}

func TestKeysInspectErrors(t *testing.T) {
	tests := []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"keys", "inspect", keyFixture("rsa1024-weak.pem")}, ExitError, `reading key "` + keyFixture("rsa1024-weak.pem") + `": PEM block "PRIVATE KEY": RSA key is 1024 bits`},
		{[]string{"keys", "inspect", keyFixture("ec256-encrypted.pem")}, ExitUsage, "passphrase required: there is no terminal to ask on; pass --key-password-file or --key-password-env"},
		{[]string{"keys", "inspect", keyFixture("not-a-key.txt")}, ExitError, `text of 30 characters on 1 line (content not shown: it may be a secret)`},
		{[]string{"keys", "inspect", "no-such.pem"}, ExitError, `key file "no-such.pem" does not exist`},
		{[]string{"keys", "inspect", repoFile("testdata")}, ExitError, "is a folder"},
		{[]string{"keys", "inspect"}, ExitUsage, "jwtkit keys inspect needs the key file to inspect"},
		{[]string{"keys", "inspect", "a", "b"}, ExitUsage, "takes at most 1 argument, got 2"},
		{[]string{"keys", "inspect", keyFixture("ec256-sec1.pem"), "-o", "yaml"}, ExitUsage, `invalid --output "yaml"`},
		{[]string{"keys", "public", keyFixture("hs256.jwk.json")}, ExitError, "HMAC secret, which has no public key"},
		{[]string{"keys", "public", keyFixture("ec256-sec1.pem"), "--format", "der"}, ExitUsage, `invalid --format "der"`},
		{[]string{"keys", "jwks", keyFixture("hs256.jwk.json")}, ExitError, "a JWK Set publishes public keys only"},
		{[]string{"keys", "jwks"}, ExitUsage, "jwtkit keys jwks needs at least one key file: jwtkit keys jwks"},
		{[]string{"keys", "jwks", "-", "-"}, ExitUsage, "only once"},
		{[]string{"keys", "jwks", keyFixture("ec256-sec1.pem"), "--force"}, ExitUsage, "--force only applies with --out"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args[1:], " "), func(t *testing.T) {
			code, out, errOut := runCmd(t, "", nil, tt.args...)
			if code != tt.code || out != "" {
				t.Fatalf("exit %d (want %d), stdout %q, stderr %s", code, tt.code, out, errOut)
			}
			mustContain(t, errOut, tt.msg)
			if strings.Count(strings.TrimSpace(errOut), "\n") > 1 {
				t.Errorf("error is not one line:\n%s", errOut)
			}
		})
	}
}

func TestKeysPublic(t *testing.T) {
	tests := []struct {
		in, format, want string
	}{
		{"ec256-sec1.pem", "", "ec256-spki.pub.pem"},
		{"ec256-pkcs8.pem", "pem", "ec256-spki.pub.pem"},
		{"rsa2048-pkcs8.der", "", "rsa2048-spki.pub.pem"},
		{"rsa2048-cert.pem", "", "rsa2048-spki.pub.pem"},
		{"ed25519-pkcs8.pem", "", "ed25519-spki.pub.pem"},
		{"ec256.jwk.json", "", "ec256.pub.jwk.json"},
		{"rsa2048.jwk.json", "jwk", "rsa2048.pub.jwk.json"},
		{"ec384.jwk.json", "pem", "ec384-spki.pub.pem"},
		{"jwks-public.json", "", "jwks-public.json"},
	}
	for _, tt := range tests {
		t.Run(tt.in+" "+tt.format, func(t *testing.T) {
			args := []string{"keys", "public", keyFixture(tt.in)}
			if tt.format != "" {
				args = append(args, "--format", tt.format)
			}
			code, out, errOut := runCmd(t, "", nil, args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			want, _ := os.ReadFile(keyFixture(tt.want))
			if out != string(want) {
				t.Errorf("got\n%s\nwant (%s)\n%s", out, tt.want, want)
			}
		})
	}
	// stdin, and a JWK out of a PEM in.
	pemIn, _ := os.ReadFile(keyFixture("ec256-sec1.pem"))
	code, out, _ := runCmd(t, string(pemIn), nil, "keys", "public", "-", "--format", "jwk")
	k, err := keys.Parse([]byte(out), "out")
	if code != 0 || err != nil || k.Keys[0].IsPrivate() || k.Keys[0].Format != "JWK" {
		t.Errorf("stdin → JWK: exit %d, %v\n%s", code, err, out)
	}
	// Two PEM keys give two PEM blocks; as JWK, a set.
	two := filepath.Join(t.TempDir(), "two.pem")
	b1, _ := os.ReadFile(keyFixture("ec256-sec1.pem"))
	b2, _ := os.ReadFile(keyFixture("ed25519-pkcs8.pem"))
	os.WriteFile(two, append(b1, b2...), 0o600)
	_, out, _ = runCmd(t, "", nil, "keys", "public", two)
	if strings.Count(out, "BEGIN PUBLIC KEY") != 2 || strings.Contains(out, "PRIVATE") {
		t.Errorf("two keys as PEM:\n%s", out)
	}
	_, out, _ = runCmd(t, "", nil, "keys", "public", two, "--format", "jwk")
	if set, err := keys.Parse([]byte(out), "x"); err != nil || len(set.Keys) != 2 || set.Keys[0].Format != "JWKS" {
		t.Errorf("two keys as JWK: %v\n%s", err, out)
	}
}

func TestKeysJWKS(t *testing.T) {
	dir := t.TempDir()
	code, out, errOut := runCmd(t, "", nil, "keys", "jwks",
		keyFixture("ec256-sec1.pem"), keyFixture("ec256-spki.pub.pem"), keyFixture("rsa2048-cert.pem"), keyFixture("ed25519.pub.jwk.json"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	mustContain(t, errOut, "is already in the set")
	set, err := keys.Parse([]byte(out), "jwks")
	if err != nil {
		t.Fatal(err)
	}
	want := "Lop-FzVmC6WLaNsTrGbjvp9nLWcXfBy1H-vLE3_q_8o rlZCFLAXwVrdj6bY_-kFhV3d0LKr0F4VnZLjHSnT1tA l8p3a7UrZQLAL_cs_-u0eHr5T90LF7xuzXprCWjqkxY"
	if got := strings.Join(set.KIDs(), " "); got != want {
		t.Errorf("kids %s, want %s", got, want)
	}
	for _, k := range set.Keys {
		if k.IsPrivate() || k.Use != "sig" {
			t.Errorf("%s use %q", k.Describe(), k.Use)
		}
	}
	if set.Keys[0].Alg != "ES256" || set.Keys[1].Alg != "" {
		t.Errorf("algs: %q %q", set.Keys[0].Alg, set.Keys[1].Alg)
	}

	// Two different keys with one kid.
	a, b := filepath.Join(dir, "a.json"), filepath.Join(dir, "b.json")
	writeJWKWithKID(t, keyFixture("ec256.pub.jwk.json"), a, "same")
	writeJWKWithKID(t, keyFixture("ed25519.pub.jwk.json"), b, "same")
	code, _, errOut = runCmd(t, "", nil, "keys", "jwks", a, b)
	if code != ExitError {
		t.Fatalf("duplicate kid: exit %d", code)
	}
	mustContain(t, errOut, `kid "same" names two different keys, in "`+a+`" and "`+b+`"`)

	// --out writes 0644 and keeps an existing file without --force.
	jwks := filepath.Join(dir, "jwks.json")
	if code, _, errOut := runCmd(t, "", nil, "keys", "jwks", keyFixture("ec256-sec1.pem"), "--out", jwks); code != 0 {
		t.Fatalf("--out: exit %d: %s", code, errOut)
	}
	checkMode(t, jwks, 0o644)
	code, _, errOut = runCmd(t, "", nil, "keys", "jwks", keyFixture("ec384-sec1.pem"), "--out", jwks)
	if code != ExitError {
		t.Fatalf("existing --out: exit %d", code)
	}
	mustContain(t, errOut, "already exists; use --force to replace it")
	if code, _, errOut := runCmd(t, "", nil, "keys", "jwks", keyFixture("ec384-sec1.pem"), "--out", jwks, "--force"); code != 0 {
		t.Fatalf("--force: exit %d: %s", code, errOut)
	}
	if k := parseKeyFile(t, jwks); k.Curve() != "P-384" {
		t.Errorf("--force did not replace: %s", k.Describe())
	}
}

func writeJWKWithKID(t *testing.T, from, to, kid string) {
	t.Helper()
	b, _ := os.ReadFile(from)
	var m map[string]any
	json.Unmarshal(b, &m)
	m["kid"] = kid
	out, _ := json.Marshal(m)
	os.WriteFile(to, out, 0o644)
}

// TestKeysInspectWeakPublicKey: a weak public key loads with a warning on
// stderr and its reason in the JSON.
func TestKeysInspectWeakPublicKey(t *testing.T) {
	code, out, errOut := runCmd(t, "", nil, "keys", "inspect", keyFixture("rsa1024-weak.pub.pem"))
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	mustContain(t, out, "RSA 1024-bit")
	mustContain(t, errOut, "warning: key 1: RSA key is 1024 bits; jwtkit needs at least 2048: key too weak: loaded to be audited; jwtkit never signs or verifies with it")
	code, out, _ = runCmd(t, "", nil, "keys", "inspect", "-o", "json", keyFixture("rsa1024-weak.pub.pem"))
	if code != ExitOK {
		t.Fatalf("exit %d", code)
	}
	mustContain(t, out, `"weak": "RSA key is 1024 bits; jwtkit needs at least 2048: key too weak"`)
}

// TestKeysGenerateOutWithExtension: --out key.pem names the files key.pem
// and key.pub.pem, not key.pem.pem; likewise .jwk.json, .json and .secret.
func TestKeysGenerateOutWithExtension(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		args []string
		out  string
		want []string
	}{
		{nil, "k.pem", []string{"k.pem", "k.pub.pem"}},
		{[]string{"--format", "jwk"}, "j.jwk.json", []string{"j.jwk.json", "j.pub.jwk.json"}},
		{[]string{"--format", "jwk"}, "s.json", []string{"s.jwk.json", "s.pub.jwk.json"}},
		{[]string{"--alg", "HS256"}, "api.secret", []string{"api.secret"}},
		{nil, "p.pub.pem", []string{"p.pem", "p.pub.pem"}},
	} {
		args := append([]string{"keys", "generate", "--out", filepath.Join(dir, tc.out)}, tc.args...)
		if code, _, errOut := runCmd(t, "", nil, args...); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errOut)
		}
		for _, name := range tc.want {
			if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
				t.Errorf("%v: %v", args, err)
			}
		}
	}
}

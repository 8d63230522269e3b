package cmd

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jwtkit/jwtkit/pkg/keys"
	"github.com/jwtkit/jwtkit/pkg/token"
)

// hsEnv holds a 32-byte HS256 secret in SECRET_KEY.
var hsEnv = map[string]string{"SECRET_KEY": "0123456789abcdef0123456789abcdef"}

// mintHS mints a token with the test secret at testNow.
func mintHS(t *testing.T, args ...string) string {
	t.Helper()
	code, out, errOut := runCmd(t, "", hsEnv, append([]string{"mint", "--secret-env", "SECRET_KEY"}, args...)...)
	if code != 0 {
		t.Fatalf("mint %v: exit %d: %s", args, code, errOut)
	}
	return strings.TrimSpace(out)
}

func decodeClaims(t *testing.T, tok string) map[string]any {
	t.Helper()
	parsed, err := token.Parse(tok)
	if err != nil {
		t.Fatalf("parse %q: %v", tok, err)
	}
	b, _ := json.Marshal(parsed.Claims)
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	return m
}

func TestMintClaims(t *testing.T) {
	cases := []struct {
		name  string
		args  []string
		check func(t *testing.T, c map[string]any)
	}{
		{"defaults", nil, func(t *testing.T, c map[string]any) {
			if c["iat"] != float64(testNow.Unix()) || c["exp"] != float64(testNow.Unix()+900) {
				t.Errorf("iat/exp = %v/%v, want now and now+15m", c["iat"], c["exp"])
			}
		}},
		{"one aud is a string", []string{"--aud", "api"}, func(t *testing.T, c map[string]any) {
			if c["aud"] != "api" {
				t.Errorf("aud = %#v", c["aud"])
			}
		}},
		{"two auds are an array", []string{"--aud", "a", "--aud", "b"}, func(t *testing.T, c map[string]any) {
			if a, ok := c["aud"].([]any); !ok || len(a) != 2 {
				t.Errorf("aud = %#v", c["aud"])
			}
		}},
		{"roles array", []string{"--role", "admin", "--role", "dev"}, func(t *testing.T, c map[string]any) {
			if a, ok := c["roles"].([]any); !ok || len(a) != 2 || a[0] != "admin" {
				t.Errorf("roles = %#v", c["roles"])
			}
		}},
		{"nested roles claim", []string{"--role", "admin", "--roles-claim", "realm_access.roles"}, func(t *testing.T, c map[string]any) {
			ra, _ := c["realm_access"].(map[string]any)
			if a, ok := ra["roles"].([]any); !ok || a[0] != "admin" {
				t.Errorf("realm_access = %#v", c["realm_access"])
			}
		}},
		{"scope string", []string{"--scope", "read write"}, func(t *testing.T, c map[string]any) {
			if c["scope"] != "read write" {
				t.Errorf("scope = %#v", c["scope"])
			}
		}},
		{"typed claims", []string{"--claim", "n=42", "--claim", "b=true", "--claim", "s=hello", "--claim", `arr=["x"]`, "--claim", "eq=a=b"}, func(t *testing.T, c map[string]any) {
			if c["n"] != float64(42) || c["b"] != true || c["s"] != "hello" || c["eq"] != "a=b" {
				t.Errorf("claims = %#v", c)
			}
			if _, ok := c["arr"].([]any); !ok {
				t.Errorf("arr = %#v", c["arr"])
			}
		}},
		{"no exp no iat", []string{"--no-exp", "--no-iat"}, func(t *testing.T, c map[string]any) {
			if _, ok := c["exp"]; ok {
				t.Error("exp present")
			}
			if _, ok := c["iat"]; ok {
				t.Error("iat present")
			}
		}},
		{"expired", []string{"--exp", "-1h"}, func(t *testing.T, c map[string]any) {
			if c["exp"] != float64(testNow.Unix()-3600) {
				t.Errorf("exp = %v", c["exp"])
			}
		}},
		{"days and rfc3339", []string{"--exp", "7d", "--nbf", "2026-01-02T03:04:05Z"}, func(t *testing.T, c map[string]any) {
			if c["exp"] != float64(testNow.Unix()+7*86400) || c["nbf"] != float64(testNow.Unix()) {
				t.Errorf("exp/nbf = %v/%v", c["exp"], c["nbf"])
			}
		}},
		{"jti auto", []string{"--jti", "auto"}, func(t *testing.T, c map[string]any) {
			if s, _ := c["jti"].(string); len(s) < 16 {
				t.Errorf("jti = %#v", c["jti"])
			}
		}},
		{"fixed now", []string{"--now", "1700000000", "--exp", "1h"}, func(t *testing.T, c map[string]any) {
			if c["iat"] != float64(1700000000) || c["exp"] != float64(1700003600) {
				t.Errorf("iat/exp = %v/%v", c["iat"], c["exp"])
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.check(t, decodeClaims(t, mintHS(t, tc.args...)))
		})
	}
}

func TestMintClaimsFileFlagsWin(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "claims.json")
	os.WriteFile(path, []byte(`{"sub":"file","tenant":7}`), 0o600)
	c := decodeClaims(t, mintHS(t, "--claims", path, "--sub", "flag"))
	if c["sub"] != "flag" || c["tenant"] != float64(7) {
		t.Errorf("claims = %#v", c)
	}
	code, _, errOut := runCmd(t, `[1,2]`, hsEnv, "mint", "--secret-env", "SECRET_KEY", "--claims", "-")
	if code != ExitUsage || !strings.Contains(errOut, "not a JSON object") {
		t.Errorf("array on stdin: exit %d, %s", code, errOut)
	}
}

func TestMintHeaderAndOutputs(t *testing.T) {
	code, out, _ := runCmd(t, "", hsEnv, "mint", "--secret-env", "SECRET_KEY", "--typ", "at+jwt", "--kid", "k1", "--header", "x5t=abc", "-o", "json")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	var m mintJSON
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatal(err)
	}
	if m.Header["typ"] != "at+jwt" || m.Header["kid"] != "k1" || m.Header["x5t"] != "abc" || m.Header["alg"] != "HS256" {
		t.Errorf("header = %#v", m.Header)
	}
	if m.Claims["iat"] == nil || m.Token == "" {
		t.Errorf("json = %s", out)
	}
	code, out, _ = runCmd(t, "", hsEnv, "mint", "--secret-env", "SECRET_KEY", "-o", "header")
	if code != 0 || !strings.HasPrefix(out, "Authorization: Bearer ey") {
		t.Errorf("header output = %q", out)
	}
}

func TestMintDeterministicHS256(t *testing.T) {
	tok := mintHS(t, "--sub", "alice", "--role", "admin", "--iss", "https://issuer.example", "--aud", "api")
	golden(t, "mint-hs256.golden", tok+"\n")
}

func TestMintUsageErrors(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"--alg", "RS256"}, "cannot be used"},
		{[]string{"--alg", "none"}, "none"},
		{[]string{"--exp", "tomorrow"}, "--exp"},
		{[]string{"--exp", "1h", "--no-exp"}, "--no-exp"},
		{[]string{"--claim", "=x"}, "--claim"},
		{[]string{"--secret", "x", "--secret-env", "SECRET_KEY"}, "cannot be used together"},
		{[]string{"--secret-encoding", "rot13"}, "--secret-encoding"},
		{[]string{"-o", "yaml"}, "--output"},
		{[]string{"--header", "alg=none"}, "cannot set alg"},
		{[]string{"--count", "0"}, "--count"},
		{[]string{"--bogus"}, "unknown flag"},
	}
	for _, tc := range cases {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, out, errOut := runCmd(t, "", hsEnv, append([]string{"mint", "--secret-env", "SECRET_KEY"}, tc.args...)...)
			if tc.args[0] == "--secret" {
				code, out, errOut = runCmd(t, "", hsEnv, append([]string{"mint"}, tc.args...)...)
			}
			if code != ExitUsage {
				t.Errorf("exit %d, want 2; stderr: %s", code, errOut)
			}
			if out != "" {
				t.Errorf("stdout not empty: %q", out)
			}
			mustContain(t, errOut, tc.want)
			mustContain(t, errOut, "--help")
		})
	}
}

func TestMintSecretHandling(t *testing.T) {
	// --secret works but warns; the secret never appears on stderr.
	code, _, errOut := runCmd(t, "", nil, "mint", "--secret", "s3cr3t-value-that-is-long-enough-xx")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	mustContain(t, errOut, "warning: --secret")
	if strings.Contains(errOut, "s3cr3t-value") {
		t.Errorf("secret echoed on stderr: %s", errOut)
	}
	// A short secret warns (RFC 7518 §3.2).
	_, _, errOut = runCmd(t, "", map[string]string{"S": "short"}, "mint", "--secret-env", "S")
	mustContain(t, errOut, "RFC 7518")
	// A PEM key passed as a secret is refused: no asymmetric key acts as an HMAC secret.
	k, err := keys.Generate("RS256", keys.GenerateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	pub, _ := keys.MarshalPEM(k, false)
	path := filepath.Join(t.TempDir(), "pub.pem")
	os.WriteFile(path, pub, 0o600)
	code, _, errOut = runCmd(t, "", nil, "mint", "--secret-file", path)
	if code != ExitUsage {
		t.Errorf("PEM as secret: exit %d, want 2", code)
	}
	mustContain(t, errOut, "looks like a PEM or JWK key")
	// Unset env var.
	code, _, errOut = runCmd(t, "", nil, "mint", "--secret-env", "NOPE")
	if code != ExitError {
		t.Errorf("unset env: exit %d", code)
	}
	mustContain(t, errOut, "NOPE is not set")
	// Base64 and hex encodings give the same key as utf8 of the decoded bytes.
	hexOfSecret := "3031323334353637383961626364656630313233343536373839616263646566"
	code, out, _ := runCmd(t, "", map[string]string{"H": hexOfSecret}, "mint", "--secret-env", "H", "--secret-encoding", "hex", "--sub", "x")
	if code != 0 {
		t.Fatalf("hex: exit %d", code)
	}
	code, _, errOut = runCmd(t, strings.TrimSpace(out), hsEnv, "verify", "--secret-env", "SECRET_KEY")
	if code != 0 {
		t.Errorf("hex-encoded secret should equal the utf8 one: exit %d %s", code, errOut)
	}
}

func TestDevKeyRoundTrip(t *testing.T) {
	f, out, errOut := testFactory(t, "", nil)
	if code := runWith(f, "mint", "--sub", "alice"); code != 0 {
		t.Fatalf("mint: exit %d: %s", code, errOut)
	}
	mustContain(t, errOut.String(), "created development key")
	tok := strings.TrimSpace(out.String())
	out.Reset()
	errOut.Reset()
	f.IO.In = strings.NewReader(tok + "\n")
	if code := runWith(f, "verify"); code != 0 {
		t.Fatalf("verify with dev key: exit %d: %s %s", code, out, errOut)
	}
	mustContain(t, errOut.String(), "using development key")
	mustContain(t, out.String(), "valid")
	home := f.Getenv("JWTKIT_HOME")
	fi, err := os.Stat(filepath.Join(home, "dev.pem"))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("dev key file: %v %v", fi, err)
	}
}

func TestDecode(t *testing.T) {
	tok := mintHS(t, "--sub", "alice", "--role", "admin", "--iss", "https://issuer.example", "--aud", "api")
	code, out, errOut := runCmd(t, "", nil, "decode", tok)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	golden(t, "decode-text.golden", out)
	mustContain(t, errOut, "NOT verified")

	// Prefixes and stdin.
	code, out2, _ := runCmd(t, "  Authorization: Bearer "+tok+"\n", nil, "decode")
	if code != 0 || out2 != out {
		t.Errorf("stdin with prefix: exit %d\n%s", code, out2)
	}
	code, out2, _ = runCmd(t, "", nil, "decode", "Bearer "+tok)
	if code != 0 || out2 != out {
		t.Errorf("Bearer arg: exit %d", code)
	}

	code, out, _ = runCmd(t, "", nil, "decode", tok, "-o", "json")
	if code != 0 {
		t.Fatal(code)
	}
	var d map[string]any
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatal(err)
	}
	if d["verified"] != false || d["signature"] == "" || d["header"] == nil || d["claims"] == nil {
		t.Errorf("json = %s", out)
	}

	code, out, _ = runCmd(t, "", nil, "decode", tok, "--claim", "sub")
	if code != 0 || out != "alice\n" {
		t.Errorf("--claim sub = %q", out)
	}
	code, out, _ = runCmd(t, "", nil, "decode", tok, "--claim", "roles")
	if code != 0 || out != "[\"admin\"]\n" {
		t.Errorf("--claim roles = %q", out)
	}
	code, _, errOut = runCmd(t, "", nil, "decode", tok, "--claim", "nope")
	if code != ExitError {
		t.Errorf("missing claim exit %d", code)
	}
	mustContain(t, errOut, `no claim "nope"`)
}

func TestDecodeMalformed(t *testing.T) {
	cases := map[string]string{
		"jwe":        "eyJhbGciOiJSU0EtT0FFUCJ9.a.b.c.d",
		"two parts":  "eyJhbGciOiJIUzI1NiJ9.e30",
		"bad base64": "eyJhbGciOiJIUzI1NiJ9.e30!.sig",
		"not json":   "bm90IGpzb24.e30.c2ln",
	}
	wants := map[string]string{"jwe": "JWE", "two parts": "segments", "bad base64": "base64", "not json": "JSON"}
	// No token at all is a usage error (exit 2) whether stdin is a pipe or a
	// terminal; TestNoTokenSameExitBothWays holds that.
	for name, tok := range cases {
		t.Run(name, func(t *testing.T) {
			code, _, errOut := runCmd(t, "", nil, "decode", tok)
			if code != ExitMalformed {
				t.Errorf("exit %d, want 3: %s", code, errOut)
			}
			mustContain(t, errOut, wants[name])
			if strings.Count(strings.TrimSpace(errOut), "\n") != 0 {
				t.Errorf("error is not one line: %q", errOut)
			}
		})
	}
}

func TestDecodeUnsecuredWarns(t *testing.T) {
	none := "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."
	code, _, errOut := runCmd(t, "", nil, "decode", none)
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	mustContain(t, errOut, "UNSECURED")
	code, _, _ = runCmd(t, "", hsEnv, "verify", none, "--secret-env", "SECRET_KEY")
	if code != ExitSignature {
		t.Errorf("verify of alg none: exit %d, want 4", code)
	}
}

func TestVerifyVerdicts(t *testing.T) {
	valid := mintHS(t, "--sub", "alice", "--iss", "https://issuer.example", "--aud", "api", "--role", "admin", "--scope", "read write")
	expired := mintHS(t, "--sub", "alice", "--exp", "-1h")
	future := mintHS(t, "--nbf", "1h", "--exp", "2h")
	other := strings.TrimSpace(func() string {
		_, out, _ := runCmd(t, "", map[string]string{"S": "another-secret-another-secret-xx"}, "mint", "--secret-env", "S")
		return out
	}())
	base := []string{"verify", "--secret-env", "SECRET_KEY"}
	cases := []struct {
		name   string
		args   []string
		code   int
		reason string
	}{
		{"valid", []string{valid}, ExitOK, ""},
		{"policy ok", []string{valid, "--iss", "https://issuer.example", "--aud", "web", "--aud", "api", "--sub", "alice", "--role", "admin", "--scope", "read", "--require", "iat"}, ExitOK, ""},
		{"wrong key", []string{other}, ExitSignature, "signature_invalid"},
		{"alg not allowed", []string{valid, "--alg", "HS512"}, ExitSignature, "alg_not_allowed"},
		{"expired", []string{expired}, ExitTime, "expired"},
		{"expired within leeway", []string{expired, "--leeway", "2h"}, ExitOK, ""},
		{"not yet valid", []string{future}, ExitTime, "not_yet_valid"},
		{"issuer", []string{valid, "--iss", "https://other"}, ExitPolicy, "issuer"},
		{"audience", []string{valid, "--aud", "web"}, ExitPolicy, "audience"},
		{"subject", []string{valid, "--sub", "bob"}, ExitPolicy, "subject"},
		{"role", []string{valid, "--role", "root"}, ExitPolicy, "role"},
		{"scope", []string{valid, "--scope", "delete"}, ExitPolicy, "scope"},
		{"missing claim", []string{valid, "--require", "email"}, ExitPolicy, "missing_claim"},
		{"too old", []string{valid, "--max-age", "1m", "--now", "10m"}, ExitPolicy, "too_old"},
		{"time beats policy", []string{expired, "--iss", "x"}, ExitTime, "expired"},
		{"malformed", []string{"abc"}, ExitMalformed, "malformed"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runCmd(t, "", hsEnv, append(append(base, tc.args...), "-o", "json")...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\n%s%s", code, tc.code, out, errOut)
			}
			var v verdictJSON
			if err := json.Unmarshal([]byte(out), &v); err != nil {
				t.Fatalf("not JSON: %v\n%s", err, out)
			}
			if v.ExitCode != tc.code || v.Valid != (tc.code == 0) {
				t.Errorf("verdict = %+v", v)
			}
			got := ""
			if v.Reason != nil {
				got = *v.Reason
			}
			if got != tc.reason {
				t.Errorf("reason %q, want %q", got, tc.reason)
			}
		})
	}
}

func TestVerifyListsEveryFailingCheck(t *testing.T) {
	tok := mintHS(t, "--sub", "alice", "--iss", "a", "--aud", "b")
	code, out, _ := runCmd(t, "", hsEnv, "verify", tok, "--secret-env", "SECRET_KEY", "--iss", "x", "--aud", "y", "--sub", "z", "-o", "json")
	if code != ExitPolicy {
		t.Fatalf("exit %d", code)
	}
	var v verdictJSON
	json.Unmarshal([]byte(out), &v)
	failed := map[string]bool{}
	for _, c := range v.Checks {
		if !c.OK {
			failed[c.Name] = true
		}
	}
	if len(failed) < 3 {
		t.Errorf("want iss, aud and sub all failing, got %v", v.Checks)
	}
}

func TestVerifyQuietAndText(t *testing.T) {
	tok := mintHS(t, "--sub", "alice", "--exp", "-1h")
	code, out, errOut := runCmd(t, "", hsEnv, "verify", "-q", tok, "--secret-env", "SECRET_KEY")
	if code != ExitTime || out != "" || errOut != "" {
		t.Errorf("-q: exit %d out %q err %q", code, out, errOut)
	}
	code, out, _ = runCmd(t, "", hsEnv, "verify", tok, "--secret-env", "SECRET_KEY")
	if code != ExitTime {
		t.Errorf("exit %d", code)
	}
	golden(t, "verify-expired-text.golden", out)
}

func TestVerifyKeyConfusionRefused(t *testing.T) {
	k, err := keys.Generate("RS256", keys.GenerateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	pub, _ := keys.MarshalPEM(k, false)
	pubPath := filepath.Join(dir, "pub.pem")
	os.WriteFile(pubPath, pub, 0o644)
	// Minting HS256 with the public key PEM as the secret (the first step of
	// the RS256→HS256 confusion attack) is refused.
	code, out, _ := runCmd(t, "", map[string]string{"P": string(pub)}, "mint", "--secret-env", "P")
	if code != ExitUsage {
		t.Fatalf("minting with a PEM secret must be refused, exit %d %s", code, out)
	}
	code, _, errOut := runCmd(t, "", nil, "verify", "x.y.z", "--key", pubPath, "--alg", "HS256")
	if code != ExitUsage {
		t.Errorf("--alg HS256 with an RSA key: exit %d, want 2", code)
	}
	mustContain(t, errOut, "HS256")
}

func TestVerifyBatch(t *testing.T) {
	valid := mintHS(t, "--sub", "a")
	expired := mintHS(t, "--exp", "-1h")
	in := strings.Join([]string{valid, "", "garbage", expired, "  Bearer " + valid + "  ", ""}, "\n") + "\n"
	for _, workers := range []string{"1", "3"} {
		code, out, errOut := runCmd(t, in, hsEnv, "verify", "--batch", "--secret-env", "SECRET_KEY", "--summary", "--workers", workers)
		if code != ExitMalformed {
			t.Errorf("exit %d, want 3 (lowest failure)", code)
		}
		lines := strings.Split(strings.TrimSpace(out), "\n")
		if len(lines) != 4 {
			t.Fatalf("want 4 verdict lines, got %d:\n%s", len(lines), out)
		}
		wantLines := []int{1, 3, 4, 5}
		wantValid := []bool{true, false, false, true}
		for i, l := range lines {
			var v verdictJSON
			if err := json.Unmarshal([]byte(l), &v); err != nil {
				t.Fatalf("line %d not JSON: %v", i, err)
			}
			if v.Line != wantLines[i] || v.Valid != wantValid[i] {
				t.Errorf("line %d: %+v", i, v)
			}
		}
		mustContain(t, errOut, "2 valid")
		mustContain(t, errOut, "1 expired")
		mustContain(t, errOut, "1 malformed")
		mustContain(t, errOut, "2 blank")
	}
	// From a file, "--batch FILE".
	path := filepath.Join(t.TempDir(), "tokens.txt")
	os.WriteFile(path, []byte(valid+"\n"+valid+"\n"), 0o600)
	code, out, errOut := runCmd(t, "", hsEnv, "verify", "--batch", path, "--secret-env", "SECRET_KEY")
	if code != 0 || strings.Count(out, "\n") != 2 {
		t.Errorf("batch file: exit %d %s %s", code, out, errOut)
	}
	// Empty input fails closed.
	code, _, errOut = runCmd(t, "\n\n", hsEnv, "verify", "--batch", "--secret-env", "SECRET_KEY")
	if code != ExitMalformed {
		t.Errorf("empty batch: exit %d", code)
	}
	mustContain(t, errOut, "no tokens")
}

func TestDecodeBatchAndMintCount(t *testing.T) {
	code, out, errOut := runCmd(t, "", hsEnv, "mint", "--secret-env", "SECRET_KEY", "--jti", "auto", "--count", "1000", "--workers", "2")
	if code != 0 {
		t.Fatalf("mint --count: exit %d %s", code, errOut)
	}
	toks := strings.Split(strings.TrimSpace(out), "\n")
	if len(toks) != 1000 {
		t.Fatalf("got %d tokens", len(toks))
	}
	seen := map[string]bool{}
	for _, tk := range toks {
		jti, _ := decodeClaims(t, tk)["jti"].(string)
		if jti == "" || seen[jti] {
			t.Fatalf("jti %q missing or repeated", jti)
		}
		seen[jti] = true
	}
	code, out, _ = runCmd(t, strings.Join(toks, "\n"), nil, "decode", "--batch")
	if code != 0 || strings.Count(out, "\n") != 1000 {
		t.Errorf("decode --batch: exit %d, %d lines", code, strings.Count(out, "\n"))
	}
	code, out, _ = runCmd(t, strings.Join(toks[:3], "\n")+"\nnot-a-token\n", nil, "decode", "--batch")
	if code != ExitMalformed || !strings.Contains(out, `"line":4`) {
		t.Errorf("decode --batch bad line: exit %d\n%s", code, out)
	}
}

func TestUsageAndRuntimeErrors(t *testing.T) {
	cases := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"nosuch"}, ExitUsage, `unknown command "nosuch"`},
		{[]string{"verify", "a", "b"}, ExitUsage, "jwtkit verify takes at most 1 argument, got 2 arguments"},
		{[]string{"--color", "sometimes", "version"}, ExitUsage, "--color"},
		{[]string{"verify", "x.y.z", "--key", "/nonexistent/key.pem"}, ExitError, "does not exist"},
		{[]string{"verify", "x.y.z", "--jwks", "/nonexistent/jwks.json"}, ExitError, "does not exist"},
		{[]string{"mint", "--claims", "/nonexistent.json"}, ExitError, "does not exist"},
		{[]string{"verify", "--batch", "/nonexistent.txt", "--secret", "x"}, ExitError, "does not exist"},
	}
	for _, tc := range cases {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, _, errOut := runCmd(t, "", nil, tc.args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d: %s", code, tc.code, errOut)
			}
			mustContain(t, errOut, tc.want)
			if !strings.HasPrefix(errOut, "error: ") && !strings.HasPrefix(errOut, "warning") {
				t.Errorf("stderr does not start with error: %q", errOut)
			}
		})
	}
}

func TestVersion(t *testing.T) {
	code, out, _ := runCmd(t, "", nil, "--version")
	if code != 0 || !strings.Contains(out, "v0.0.0-test") {
		t.Errorf("--version: %d %q", code, out)
	}
	code, out, _ = runCmd(t, "", nil, "version", "-o", "json")
	var b buildInfo
	if code != 0 || json.Unmarshal([]byte(out), &b) != nil || b.Commit != "abcdef123456" {
		t.Errorf("version -o json: %d %q", code, out)
	}
}

func TestCompletionsUpToDate(t *testing.T) {
	for _, sh := range completionShells {
		t.Run(sh, func(t *testing.T) {
			code, out, errOut := runCmd(t, "", nil, "completion", sh)
			if code != 0 || out == "" {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			path := repoFile("completions", completionFile(sh))
			if *update {
				os.WriteFile(path, []byte(out), 0o644)
				return
			}
			want, err := os.ReadFile(path)
			if err != nil || string(want) != out {
				t.Errorf("%s is out of date: run go test ./cmd -run TestCompletionsUpToDate -update", path)
			}
		})
	}
	code, _, _ := runCmd(t, "", nil, "completion", "tcsh")
	if code != ExitUsage {
		t.Errorf("unknown shell: exit %d", code)
	}
}

func TestColor(t *testing.T) {
	tok := mintHS(t, "--sub", "a")
	_, out, _ := runCmd(t, "", nil, "--color", "always", "decode", tok)
	if !strings.Contains(out, "\x1b[") {
		t.Error("--color always: no escape codes")
	}
	_, out, _ = runCmd(t, "", nil, "decode", tok)
	if strings.Contains(out, "\x1b[") {
		t.Error("auto on a non-terminal: escape codes")
	}
	f, outB, _ := testFactory(t, "", map[string]string{"NO_COLOR": "1"})
	f.IO.OutTTY = true
	runWith(f, "decode", tok)
	if strings.Contains(outB.String(), "\x1b[") {
		t.Error("NO_COLOR on a terminal: escape codes")
	}
}

// completionFile names the committed script for a shell.
func completionFile(shell string) string {
	switch shell {
	case "bash":
		return "jwtkit.bash"
	case "zsh":
		return "_jwtkit"
	case "fish":
		return "jwtkit.fish"
	}
	return "jwtkit." + shell + ".ps1"
}

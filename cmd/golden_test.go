package cmd

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/jwtkit/jwtkit/pkg/keys"
	"github.com/jwtkit/jwtkit/pkg/token"
)

// The machine contracts (-o json, batch NDJSON, JWK output) are pinned byte
// for byte in testdata/golden/. Every test goes through run, the command
// entry point, so the files hold whatever the engine behind a command
// becomes. Rewrite them with `go test ./cmd -update` and review git diff.
//
// Byte-exact goldens need deterministic signatures: HS*, RS* (PKCS #1 v1.5)
// and EdDSA with the fixture keys and the fixed clock. ES* and PS* signatures
// are random, so their tokens are only checked to parse and verify; their
// verify verdicts hold no signature and are pinned like the others.

// goldenCase is one command line and its pinned stdout.
type goldenCase struct {
	name  string // golden file is name + ".golden"
	stdin string
	env   map[string]string
	args  []string
	code  int
}

// runGoldenCases runs each case as a parallel subtest.
func runGoldenCases(t *testing.T, cases []goldenCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			code, out, errOut := runCmd(t, tc.stdin, tc.env, tc.args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d\nstderr: %.500s", code, tc.code, errOut)
			}
			golden(t, tc.name+".golden", out)
		})
	}
}

// mintGolden mints a token at testNow and fails the test when mint does.
func mintGolden(t *testing.T, env map[string]string, args ...string) string {
	t.Helper()
	code, out, errOut := runCmd(t, "", env, append([]string{"mint"}, args...)...)
	if code != 0 {
		t.Fatalf("mint %q: exit %d: %s", args, code, errOut)
	}
	return strings.TrimSpace(out)
}

// goldenTokens are the tokens the verdict goldens are about, all minted at
// testNow with fixture keys.
type goldenTokens struct {
	hs, hsExpired, hsNotYet, rs, ed, es, ps string
}

func newGoldenTokens(t *testing.T) goldenTokens {
	t.Helper()
	claims := []string{"--sub", "alice", "--iss", "https://issuer.example", "--aud", "api", "--role", "admin", "--exp", "1h"}
	hs := append([]string{"--secret-env", "SECRET_KEY"}, claims...)
	return goldenTokens{
		hs:        mintGolden(t, hsEnv, hs...),
		hsExpired: mintGolden(t, hsEnv, "--secret-env", "SECRET_KEY", "--sub", "alice", "--aud", "api", "--iat", "-2h", "--exp", "-1h"),
		hsNotYet:  mintGolden(t, hsEnv, "--secret-env", "SECRET_KEY", "--sub", "alice", "--aud", "api", "--nbf", "1h", "--exp", "2h"),
		rs:        mintGolden(t, nil, append([]string{"--key", keyFixture("rsa2048-pkcs8.pem")}, claims...)...),
		ed:        mintGolden(t, nil, append([]string{"--key", keyFixture("ed25519-pkcs8.pem")}, claims...)...),
		es:        mintGolden(t, nil, append([]string{"--key", keyFixture("ec256-sec1.pem")}, claims...)...),
		ps:        mintGolden(t, nil, append([]string{"--key", keyFixture("rsa2048-pkcs8.pem"), "--alg", "PS256"}, claims...)...),
	}
}

func TestGoldenVerifyJSON(t *testing.T) {
	t.Parallel()
	tok := newGoldenTokens(t)
	hsKey := []string{"--secret-env", "SECRET_KEY"}
	verify := func(tok string, extra ...string) []string {
		return append([]string{"verify", tok, "-o", "json"}, extra...)
	}
	otherSecret := map[string]string{"SECRET_KEY": hsEnv["SECRET_KEY"], "OTHER": "a-different-secret-of-32-bytes!!"}
	runGoldenCases(t, []goldenCase{
		{"verify-json-hs256-valid", "", hsEnv, verify(tok.hs, append(hsKey, "--iss", "https://issuer.example", "--aud", "api", "--role", "admin")...), ExitOK},
		{"verify-json-hs256-expired", "", hsEnv, verify(tok.hsExpired, hsKey...), ExitTime},
		{"verify-json-hs256-not-yet-valid", "", hsEnv, verify(tok.hsNotYet, hsKey...), ExitTime},
		{"verify-json-hs256-wrong-key", "", otherSecret, verify(tok.hs, "--secret-env", "OTHER"), ExitSignature},
		{"verify-json-hs256-wrong-audience", "", hsEnv, verify(tok.hs, append(hsKey, "--aud", "other-api")...), ExitPolicy},
		{"verify-json-hs256-missing-role", "", hsEnv, verify(tok.hs, append(hsKey, "--role", "root")...), ExitPolicy},
		{"verify-json-malformed-segments", "", hsEnv, verify("not-a-token", hsKey...), ExitMalformed},
		{"verify-json-malformed-base64", "", hsEnv, verify("eyJhbGciOiJIUzI1NiJ9.!!!.sig", hsKey...), ExitMalformed},
		{"verify-json-stdin-bearer", "Authorization: Bearer " + tok.hs + "\n", hsEnv, append([]string{"verify", "-o", "json"}, hsKey...), ExitOK},
		{"verify-json-rs256-valid", "", nil, verify(tok.rs, "--key", keyFixture("rsa2048-spki.pub.pem")), ExitOK},
		{"verify-json-rs256-wrong-key", "", nil, verify(tok.rs, "--key", keyFixture("rsa2048-pkcs1.pem")), ExitSignature},
		{"verify-json-rs256-alg-not-allowed", "", nil, verify(tok.rs, "--key", keyFixture("rsa2048-spki.pub.pem"), "--alg", "PS256"), ExitSignature},
		{"verify-json-eddsa-valid", "", nil, verify(tok.ed, "--key", keyFixture("ed25519.pub.jwk.json")), ExitOK},
		{"verify-json-eddsa-wrong-audience", "", nil, verify(tok.ed, "--key", keyFixture("ed25519-spki.pub.pem"), "--aud", "other-api"), ExitPolicy},
		// The verdict of an ES*/PS* token holds no signature: it is pinned too.
		{"verify-json-es256-valid", "", nil, verify(tok.es, "--key", keyFixture("ec256-spki.pub.pem")), ExitOK},
		{"verify-json-ps256-valid", "", nil, verify(tok.ps, "--key", keyFixture("rsa2048-spki.pub.pem")), ExitOK},
	})
}

func TestGoldenDecodeJSON(t *testing.T) {
	t.Parallel()
	tok := newGoldenTokens(t)
	runGoldenCases(t, []goldenCase{
		{"decode-json-hs256", "", nil, []string{"decode", tok.hs, "-o", "json"}, ExitOK},
		{"decode-json-rs256", "", nil, []string{"decode", tok.rs, "-o", "json"}, ExitOK},
		{"decode-json-eddsa", "", nil, []string{"decode", tok.ed, "-o", "json"}, ExitOK},
		{"decode-json-expired", "", nil, []string{"decode", tok.hsExpired, "-o", "json"}, ExitOK},
		{"decode-json-stdin", tok.ed + "\n", nil, []string{"decode", "-o", "json"}, ExitOK},
		// A malformed token still gets one document, with exit 3.
		{"decode-json-malformed", "", nil, []string{"decode", "a.b", "-o", "json"}, ExitMalformed},
	})
}

// batchInput is a mixed batch: good and bad tokens, a blank line (skipped,
// but counted in line numbers), garbage, and a line one byte over the limit.
func batchInput(tok goldenTokens) string {
	lines := []string{
		tok.hs,
		"",
		tok.hsExpired,
		"Bearer " + tok.hs,
		"not-a-token",
		strings.Repeat("a", 2*token.MaxTokenBytes), // over any line limit
		tok.hsNotYet,
		tok.rs,
		"eyJhbGciOiJIUzI1NiJ9.!!!.sig",
		"  " + tok.hs + "\r",
	}
	return strings.Join(lines, "\n") + "\n"
}

func TestGoldenBatchNDJSON(t *testing.T) {
	t.Parallel()
	tok := newGoldenTokens(t)
	in := batchInput(tok)
	twoSecrets := map[string]string{"SECRET_KEY": hsEnv["SECRET_KEY"], "OTHER": "a-different-secret-of-32-bytes!!"}
	runGoldenCases(t, []goldenCase{
		{"verify-batch-hs256", in, hsEnv, []string{"verify", "--batch", "--secret-env", "SECRET_KEY", "--workers", "2"}, ExitMalformed},
		{"verify-batch-hs256-aud", in, hsEnv, []string{"verify", "--batch", "--secret-env", "SECRET_KEY", "--aud", "other-api", "--workers", "3"}, ExitMalformed},
		{"verify-batch-wrong-key", tok.hs + "\n" + tok.hs + "\n", twoSecrets, []string{"verify", "--batch", "--secret-env", "OTHER"}, ExitSignature},
		{"verify-batch-all-valid", tok.rs + "\n\n" + tok.rs + "\n", nil, []string{"verify", "--batch", "--key", keyFixture("rsa2048-spki.pub.pem")}, ExitOK},
		{"decode-batch", in, nil, []string{"decode", "--batch", "--workers", "2"}, ExitMalformed},
		{"mint-count-json-hs256", "", hsEnv, []string{"mint", "--secret-env", "SECRET_KEY", "--sub", "alice", "--count", "3", "-o", "json"}, ExitOK},
		{"mint-count-json-rs256", "", nil, []string{"mint", "--key", keyFixture("rsa2048-pkcs8.pem"), "--sub", "alice", "--count", "2", "-o", "json"}, ExitOK},
		{"mint-count-json-eddsa", "", nil, []string{"mint", "--key", keyFixture("ed25519-pkcs8.pem"), "--sub", "alice", "--count", "2", "-o", "json"}, ExitOK},
		{"mint-json-eddsa", "", nil, []string{"mint", "--key", keyFixture("ed25519-pkcs8.pem"), "--sub", "alice", "--aud", "api", "-o", "json"}, ExitOK},
	})
	t.Run("summary", func(t *testing.T) {
		t.Parallel()
		code, _, errOut := runCmd(t, in, hsEnv, "verify", "--batch", "--secret-env", "SECRET_KEY", "--summary")
		if code != ExitMalformed {
			t.Errorf("exit %d, want %d", code, ExitMalformed)
		}
		golden(t, "verify-batch-summary-stderr.golden", errOut)
	})
	t.Run("batch from file equals stdin", func(t *testing.T) {
		t.Parallel()
		path := filepath.Join(t.TempDir(), "tokens.txt")
		writeTestFile(t, path, in)
		_, fromStdin, _ := runCmd(t, in, nil, "decode", "--batch")
		_, fromFile, _ := runCmd(t, "", nil, "decode", "--batch="+path)
		if fromStdin != fromFile {
			t.Errorf("--batch FILE differs from stdin:\n%s\n---\n%s", fromFile, fromStdin)
		}
	})
}

// TestGoldenRandomSignaturesParseAndVerify covers what cannot be pinned:
// ES* and PS* tokens from mint, single and --count, parse and verify.
func TestGoldenRandomSignaturesParseAndVerify(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ alg, priv, pub string }{
		{"ES256", "ec256-sec1.pem", "ec256-spki.pub.pem"},
		{"ES384", "ec384-sec1.pem", "ec384-spki.pub.pem"},
		{"ES512", "ec521-sec1.pem", "ec521-spki.pub.pem"},
		{"PS256", "rsa2048-pkcs8.pem", "rsa2048-spki.pub.pem"},
		{"PS512", "rsa2048-pkcs8.pem", "rsa2048-spki.pub.pem"},
	} {
		t.Run(tc.alg, func(t *testing.T) {
			t.Parallel()
			code, out, errOut := runCmd(t, "", nil, "mint", "--key", keyFixture(tc.priv), "--alg", tc.alg, "--sub", "alice", "--count", "3", "-o", "json")
			if code != 0 {
				t.Fatalf("mint: exit %d: %s", code, errOut)
			}
			lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
			if len(lines) != 3 {
				t.Fatalf("%d lines, want 3:\n%s", len(lines), out)
			}
			var batch strings.Builder
			for i, l := range lines {
				var m struct {
					Token  string         `json:"token"`
					Header map[string]any `json:"header"`
					Claims map[string]any `json:"claims"`
				}
				if err := json.Unmarshal([]byte(l), &m); err != nil {
					t.Fatalf("line %d is not JSON: %v: %s", i+1, err, l)
				}
				p, err := token.Parse(m.Token)
				if err != nil {
					t.Fatalf("line %d: token does not parse: %v", i+1, err)
				}
				if p.Header["alg"] != tc.alg || m.Header["alg"] != tc.alg || m.Claims["sub"] != "alice" {
					t.Errorf("line %d: header %v claims %v", i+1, m.Header, m.Claims)
				}
				batch.WriteString(m.Token + "\n")
			}
			code, out, errOut = runCmd(t, batch.String(), nil, "verify", "--batch", "--key", keyFixture(tc.pub))
			if code != 0 || strings.Count(out, `"valid":true`) != 3 {
				t.Errorf("verify --batch: exit %d\n%s%s", code, out, errOut)
			}
		})
	}
}

func TestGoldenKeysJSON(t *testing.T) {
	t.Parallel()
	runGoldenCases(t, []goldenCase{
		{"keys-inspect-json-ec256-sec1", "", nil, []string{"keys", "inspect", keyFixture("ec256-sec1.pem"), "-o", "json"}, ExitOK},
		{"keys-inspect-json-ec384-spki", "", nil, []string{"keys", "inspect", keyFixture("ec384-spki.pub.pem"), "-o", "json"}, ExitOK},
		{"keys-inspect-json-rsa2048-pkcs8", "", nil, []string{"keys", "inspect", keyFixture("rsa2048-pkcs8.pem"), "-o", "json"}, ExitOK},
		{"keys-inspect-json-rsa2048-cert", "", nil, []string{"keys", "inspect", keyFixture("rsa2048-cert.pem"), "-o", "json"}, ExitOK},
		{"keys-inspect-json-ed25519-pkcs8", "", nil, []string{"keys", "inspect", keyFixture("ed25519-pkcs8.pem"), "-o", "json"}, ExitOK},
		{"keys-inspect-json-hs256-jwk", "", nil, []string{"keys", "inspect", keyFixture("hs256.jwk.json"), "-o", "json"}, ExitOK},
		{"keys-inspect-json-jwks-with-enc", "", nil, []string{"keys", "inspect", keyFixture("jwks-with-enc.json"), "-o", "json"}, ExitOK},
		{"keys-inspect-json-stdin", readFixtureString(t, "ed25519.pub.jwk.json"), nil, []string{"keys", "inspect", "-", "-o", "json"}, ExitOK},
		{"keys-public-jwk-rsa2048", "", nil, []string{"keys", "public", keyFixture("rsa2048-pkcs8.pem"), "--format", "jwk"}, ExitOK},
		{"keys-public-jwk-ec256", "", nil, []string{"keys", "public", keyFixture("ec256-sec1.pem"), "--format", "jwk"}, ExitOK},
		{"keys-public-jwk-ed25519", "", nil, []string{"keys", "public", keyFixture("ed25519.jwk.json")}, ExitOK},
		{"keys-public-jwk-ec521", "", nil, []string{"keys", "public", keyFixture("ec521.jwk.json")}, ExitOK},
		{"keys-jwks-mixed", "", nil, []string{"keys", "jwks", keyFixture("rsa2048-pkcs8.pem"), keyFixture("ec256-sec1.pem"), keyFixture("ed25519-pkcs8.pem"), keyFixture("ec384.pub.jwk.json")}, ExitOK},
		{"keys-jwks-from-jwks", "", nil, []string{"keys", "jwks", keyFixture("jwks-public.json")}, ExitOK},
	})
}

// TestGoldenKeysGenerateJSON pins the shape of `keys generate -o json`:
// member names and order. Generated material is random, so it is masked
// after checking that it is a key of the asked kind whose kid matches.
func TestGoldenKeysGenerateJSON(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"keys-generate-json-es256", []string{"--alg", "ES256"}},
		{"keys-generate-json-eddsa-jwk", []string{"--alg", "EdDSA", "--format", "jwk"}},
		{"keys-generate-json-rs256", []string{"--alg", "RS256"}},
		{"keys-generate-json-hs256", []string{"--alg", "HS256"}},
		{"keys-generate-json-es384-kid", []string{"--alg", "ES384", "--kid", "k1", "--format", "jwk"}},
		{"keys-generate-json-ps256-out", []string{"--alg", "PS256", "--out", "OUT"}},
		{"keys-generate-json-hs512-out", []string{"--alg", "HS512", "--out", "OUT"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			args := append([]string{"keys", "generate", "-o", "json"}, tc.args...)
			for i, a := range args {
				if a == "OUT" {
					args[i] = filepath.Join(dir, "signing")
				}
			}
			code, out, errOut := runCmd(t, "", nil, args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			var g keysGenerateJSON
			if err := json.Unmarshal([]byte(out), &g); err != nil {
				t.Fatalf("not JSON: %v\n%s", err, out)
			}
			chosenKID := slices.Contains(tc.args, "--kid")
			for _, material := range []string{g.PrivatePEM, string(g.PrivateJWK), g.PublicPEM, string(g.PublicJWK)} {
				if material == "" {
					continue
				}
				set, err := keys.Parse([]byte(material), "output")
				if err != nil || len(set.Keys) != 1 {
					t.Fatalf("generated key does not load: %v", err)
				}
				// A PEM file cannot carry a chosen kid; it loads with its thumbprint.
				if k := set.Keys[0]; k.KID != g.KID && !(chosenKID && strings.HasPrefix(material, "-----")) {
					t.Errorf("generated key loads with kid %q, output says %q", k.KID, g.KID)
				}
			}
			if g.Type == keys.Oct && g.Secret == "" && len(g.Files) == 0 {
				t.Errorf("no secret in %s", out)
			}
			golden(t, tc.name+".golden", maskGenerated(strings.ReplaceAll(out, dir, "$TMP")))
		})
	}
}

// randomMembers matches the members of generated output whose values are
// random: key material, secrets and thumbprint kids.
var randomMembers = regexp.MustCompile(`("(?:kid|private_pem|public_pem|secret|x|y|d|n|p|q|dp|dq|qi|k)": )"[^"]*"`)

// maskGenerated replaces random values, keeping every member and its
// place. A kid the command line chose (no '-' or '_' and short) is kept.
func maskGenerated(s string) string {
	s = randomMembers.ReplaceAllStringFunc(s, func(m string) string {
		if strings.HasPrefix(m, `"kid": "k1"`) || strings.HasPrefix(m, `"kid":"k1"`) {
			return m
		}
		i := strings.Index(m, ": ")
		return m[:i+2] + `"<random>"`
	})
	// Compact private_jwk / public_jwk members are one line each.
	return regexp.MustCompile(`("(?:kid|x|y|d|n|p|q|dp|dq|qi|k)":)"[^"]*"`).ReplaceAllStringFunc(s, func(m string) string {
		if m == `"kid":"k1"` {
			return m
		}
		return m[:strings.Index(m, ":")+1] + `"<random>"`
	})
}

// writeTestFile writes content to path or fails the test.
func writeTestFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// readFixtureString returns a file of testdata/keys.
func readFixtureString(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(keyFixture(name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

package cmd

// Interoperability of encrypted PKCS#8 keys: keys openssl encrypts (several
// ciphers, PRFs and iteration counts, made here with the openssl binary)
// load in jwtkit; keys `jwtkit keys generate --encrypt` writes, at the real
// default strength, load in `openssl pkey -passin` and in Python's
// cryptography. Outside CI a missing peer skips; with CI=true it fails.

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jwtkit/jwtkit/pkg/keys"
)

// interopPass is not ASCII on purpose: every side must take the UTF-8
// bytes as they are.
const interopPass = "pässwörd ✓ 42"

// runPeer runs a peer command with KP set to interopPass and returns its
// stdout.
func runPeer(t *testing.T, argv ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	c := exec.CommandContext(ctx, argv[0], argv[1:]...)
	c.Env = append(os.Environ(), "KP="+interopPass)
	out, err := c.Output()
	if err != nil {
		msg := ""
		if ee, ok := err.(*exec.ExitError); ok {
			msg = string(ee.Stderr)
		}
		t.Fatalf("%s: %v\n%s", strings.Join(argv, " "), err, msg)
	}
	return string(out)
}

// kidOf is the thumbprint of the one key in a PEM text.
func kidOf(t *testing.T, pemText string) string {
	t.Helper()
	set, err := keys.Parse([]byte(pemText), "peer")
	if err != nil {
		t.Fatalf("%v\n%s", err, pemText)
	}
	return set.Keys[0].KID
}

func TestInteropOpenSSLEncryptedKeysLoad(t *testing.T) {
	ossl := requirePeer(t, "openssl").argv[0]
	dir := t.TempDir()
	// What openssl users write: genpkey's -aes-*-cbc (PBKDF2-HMAC-SHA256,
	// 2048 iterations) and pkcs8 -topk8 with other ciphers, PRFs and counts.
	cases := []struct {
		name string
		gen  []string // genpkey algorithm options
		enc  []string // nil: genpkey encrypts; else pkcs8 -topk8 options
	}{
		{"genpkey EC P-256 aes-256-cbc", []string{"-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"}, nil},
		{"genpkey RSA-2048 aes-128-cbc", []string{"-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"}, nil},
		{"pkcs8 Ed25519 aes-192-cbc sha256 2048", []string{"-algorithm", "ed25519"}, []string{"-v2", "aes-192-cbc", "-iter", "2048"}},
		{"pkcs8 EC P-384 aes-128-cbc sha1 10000", []string{"-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"}, []string{"-v2", "aes-128-cbc", "-v2prf", "hmacWithSHA1", "-iter", "10000"}},
		{"pkcs8 EC P-521 aes-256-cbc sha512 100000", []string{"-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-521"}, []string{"-v2", "aes-256-cbc", "-v2prf", "hmacWithSHA512", "-iter", "100000"}},
		{"pkcs8 EC P-256 aes-256-cbc sha256 600000", []string{"-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"}, []string{"-v2", "aes-256-cbc", "-v2prf", "hmacWithSHA256", "-iter", "600000"}},
		{"pkcs8 DER Ed25519 aes-256-cbc", []string{"-algorithm", "ed25519"}, []string{"-v2", "aes-256-cbc", "-outform", "DER"}},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			plain := filepath.Join(dir, "plain"+string(rune('a'+i))+".pem")
			enc := filepath.Join(dir, "enc"+string(rune('a'+i)))
			if tc.enc == nil {
				cipher := "-" + strings.Fields(tc.name)[len(strings.Fields(tc.name))-1]
				runPeer(t, append(append([]string{ossl, "genpkey"}, tc.gen...), cipher, "-pass", "env:KP", "-out", enc)...)
			} else {
				runPeer(t, append(append([]string{ossl, "genpkey"}, tc.gen...), "-out", plain)...)
				runPeer(t, append([]string{ossl, "pkcs8", "-topk8", "-in", plain, "-passout", "env:KP", "-out", enc}, tc.enc...)...)
			}
			wantKID := kidOf(t, runPeer(t, ossl, "pkey", "-in", enc, "-inform", map[bool]string{true: "DER", false: "PEM"}[strings.Contains(tc.name, "DER")], "-passin", "env:KP", "-pubout"))
			code, out, errOut := runCmd(t, "", map[string]string{"KP": interopPass}, "keys", "public", enc, "--key-password-env", "KP")
			if code != 0 {
				t.Fatalf("jwtkit keys public: exit %d: %s", code, errOut)
			}
			if got := kidOf(t, out); got != wantKID {
				t.Errorf("public key kid %s, openssl's %s", got, wantKID)
			}
			code, _, errOut = runCmd(t, "", map[string]string{"KP": "wrong"}, "keys", "public", enc, "--key-password-env", "KP")
			if code != ExitError || !strings.Contains(errOut, "wrong passphrase") {
				t.Errorf("wrong passphrase: exit %d: %s", code, errOut)
			}
		})
	}
}

// pyLoad prints the SPKI PEM of an encrypted key read by cryptography.
const pyLoad = `import os, sys
from cryptography.hazmat.primitives import serialization
k = serialization.load_pem_private_key(open(sys.argv[1], "rb").read(), password=os.environ["KP"].encode())
sys.stdout.write(k.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode())
`

// TestInteropEncryptedKeysWritten writes real default-strength keys (600,000
// iterations) through the command line and reads them back in openssl and
// Python's cryptography.
func TestInteropEncryptedKeysWritten(t *testing.T) {
	ossl := requirePeer(t, "openssl").argv[0]
	py := requirePeer(t, "PyJWT").argv[0] // the interpreter that has cryptography
	dir := t.TempDir()
	for _, alg := range []string{"ES256", "RS256", "EdDSA"} {
		t.Run(alg, func(t *testing.T) {
			prefix := filepath.Join(dir, alg)
			code, _, errOut := runCmd(t, "", map[string]string{"KP": interopPass}, "keys", "generate", "--alg", alg, "--encrypt", "--key-password-env", "KP", "--out", prefix)
			if code != 0 {
				t.Fatalf("keys generate: exit %d: %s", code, errOut)
			}
			pub, _ := os.ReadFile(prefix + ".pub.pem")
			wantKID := kidOf(t, string(pub))
			if got := runPeer(t, ossl, "pkey", "-in", prefix+".pem", "-passin", "env:KP", "-pubout"); kidOf(t, got) != wantKID {
				t.Errorf("openssl reads a different key")
			}
			text := runPeer(t, ossl, "asn1parse", "-in", prefix+".pem")
			for _, want := range []string{"PBES2", "PBKDF2", "hmacWithSHA256", "aes-256-cbc", "INTEGER           :0927C0"} {
				if !strings.Contains(text, want) {
					t.Errorf("openssl asn1parse lacks %q (600000 = 0x0927C0):\n%s", want, text)
				}
			}
			if got := runPeer(t, py, "-c", pyLoad, prefix+".pem"); kidOf(t, got) != wantKID {
				t.Errorf("cryptography reads a different key")
			}
		})
	}
}

package cmd

import (
	"encoding/base64"
	"strings"
	"testing"
)

// TestProbeWarnsWeakKey: a weak public key is loaded to audit the API that
// uses it, with the warning keys inspect prints.
func TestProbeWarnsWeakKey(t *testing.T) {
	b := base64.RawURLEncoding.EncodeToString
	tok := b([]byte(`{"alg":"RS256","typ":"JWT"}`)) + "." + b([]byte(`{"sub":"a"}`)) + "." + b(make([]byte, 128))
	code, _, errOut := runCmd(t, "", nil, "probe", "http://127.0.0.1:1/me", "--token", tok, "--key", keyFixture("rsa1024-weak.pub.pem"), "--dry-run", "--only", "jwt.weak-key")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	mustContain(t, errOut, "warning: --key: RSA key is 1024 bits")
	mustContain(t, errOut, "loaded to be audited; jwtkit never signs or verifies with it")
	if strings.Count(errOut, "warning:") != 1 {
		t.Errorf("stderr: %s", errOut)
	}
}

// TestForgeWarnsWeakKey: forge loads a weak public key for key confusion
// with the same warning as probe, once.
func TestForgeWarnsWeakKey(t *testing.T) {
	b := base64.RawURLEncoding.EncodeToString
	tok := b([]byte(`{"alg":"RS256","typ":"JWT"}`)) + "." + b([]byte(`{"sub":"a"}`)) + "." + b(make([]byte, 128))
	code, out, errOut := runCmd(t, "", nil, "forge", tok, "--variant", "jwt.key-confusion/HS256-spki-pem", "--key", keyFixture("rsa1024-weak.pub.pem"))
	if code != 0 || strings.Count(out, "\n") != 1 {
		t.Fatalf("exit %d, stdout %q: %s", code, out, errOut)
	}
	mustContain(t, errOut, "warning: --key: RSA key is 1024 bits; jwtkit needs at least 2048: key too weak: loaded to be audited; jwtkit never signs or verifies with it")
	if strings.Count(errOut, "warning:") != 1 {
		t.Errorf("stderr: %s", errOut)
	}
}

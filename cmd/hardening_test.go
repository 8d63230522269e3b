package cmd

import (
	"bytes"
	"crypto/rand"
	"encoding/pem"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jwtkit/jwtkit/pkg/keys"
	"github.com/jwtkit/jwtkit/pkg/token"
)

// jwksFixture returns a private key file and the JWKS JSON of its public key.
func jwksFixture(t *testing.T) (privPath string, jwks []byte) {
	t.Helper()
	k, err := keys.Generate("ES256", keys.GenerateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	pem, err := keys.MarshalPEM(k, true)
	if err != nil {
		t.Fatal(err)
	}
	privPath = filepath.Join(t.TempDir(), "k.pem")
	if err := os.WriteFile(privPath, pem, 0o600); err != nil {
		t.Fatal(err)
	}
	jwks, err = keys.MarshalJWKS([]*keys.Key{k.PublicKey()})
	if err != nil {
		t.Fatal(err)
	}
	return privPath, jwks
}

func TestVerifyJWKSURL(t *testing.T) {
	priv, jwks := jwksFixture(t)
	code, out, errOut := runCmd(t, "", nil, "mint", "--key", priv, "--sub", "a")
	if code != 0 {
		t.Fatalf("mint: %d %s", code, errOut)
	}
	tok := strings.TrimSpace(out)
	hits := 0
	release := make(chan struct{}) // ends /hang handlers when the test is done
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits++
		switch r.URL.Path {
		case "/jwks.json":
			w.Header().Set("Content-Type", "application/json")
			w.Write(jwks)
		case "/loop":
			http.Redirect(w, r, "/loop", http.StatusFound)
		case "/huge":
			chunk := bytes.Repeat([]byte(" "), 1<<20)
			for range 64 {
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
		case "/hang":
			select {
			case <-r.Context().Done():
			case <-release:
			}
		case "/notjwks":
			w.Write([]byte(`<html>login</html>`))
		case "/500":
			http.Error(w, "boom", 500)
		}
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the untrusted-certificate case logs a handshake error
	srv.StartTLS()
	defer srv.Close()
	defer close(release) // before Close, which waits for handlers

	certFile := filepath.Join(t.TempDir(), "ca.pem")
	os.WriteFile(certFile, pemCert(srv.Certificate().Raw), 0o644)

	// The test server's certificate is not trusted: a clear error, exit 1.
	code, _, errOut = runCmd(t, "", nil, "verify", tok, "--jwks", srv.URL+"/jwks.json")
	if code != ExitError {
		t.Errorf("untrusted certificate: exit %d, want 1: %s", code, errOut)
	}
	mustContain(t, errOut, "certificate")

	// Trusted through a transport that knows the test CA: valid.
	f, outB, errB := testFactory(t, "", nil)
	f.HTTPTransport = srv.Client().Transport
	if code := runWith(f, "verify", tok, "--jwks", srv.URL+"/jwks.json"); code != 0 {
		t.Fatalf("verify via JWKS URL: exit %d: %s %s", code, outB, errB)
	}

	cases := []struct {
		path, want string
		timeout    string
	}{
		{"/loop", "redirect", "5s"},
		{"/huge", "larger", "5s"},
		{"/hang", "timeout", "300ms"}, // the server never answers: only --timeout ends the fetch
		{"/notjwks", "", "5s"},
		{"/500", "500", "5s"},
	}
	for _, tc := range cases {
		t.Run(tc.path, func(t *testing.T) {
			f, _, errB := testFactory(t, "", nil)
			f.HTTPTransport = srv.Client().Transport
			code := runWith(f, "verify", tok, "--jwks", srv.URL+tc.path, "--timeout", tc.timeout)
			if code != ExitError {
				t.Errorf("exit %d, want 1: %s", code, errB)
			}
			if tc.want != "" {
				mustContain(t, strings.ToLower(errB.String()), tc.want)
			}
			if strings.Count(strings.TrimSpace(errB.String()), "\n") > 1 {
				t.Errorf("error is not one line: %q", errB.String())
			}
		})
	}
}

func TestVerifyJWKSIgnoresProxyEnvAndCrossHostRedirect(t *testing.T) {
	priv, jwks := jwksFixture(t)
	_, out, _ := runCmd(t, "", nil, "mint", "--key", priv)
	tok := strings.TrimSpace(out)
	good := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(jwks) }))
	defer good.Close()
	// A proxy in the environment is not used: no proxy unless asked.
	t.Setenv("HTTP_PROXY", "http://127.0.0.1:1")
	t.Setenv("HTTPS_PROXY", "http://127.0.0.1:1")
	if code, _, errOut := runCmd(t, "", nil, "verify", tok, "--jwks", good.URL); code != 0 {
		t.Fatalf("proxy env must be ignored: exit %d %s", code, errOut)
	}
	// A redirect to another host is refused.
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, strings.Replace(good.URL, "127.0.0.1", "localhost", 1), http.StatusFound)
	}))
	defer other.Close()
	code, _, errOut := runCmd(t, "", nil, "verify", tok, "--jwks", other.URL)
	if code != ExitError {
		t.Errorf("cross-host redirect: exit %d", code)
	}
	mustContain(t, errOut, "another host")
}

func TestGarbageOnStdinFailsFast(t *testing.T) {
	t.Parallel()
	garbage := make([]byte, 16<<20)
	rand.Read(garbage)
	for _, cmdline := range [][]string{{"decode"}, {"verify", "--secret-env", "SECRET_KEY"}} {
		code, _, errOut, read := runCmdCounting(t, garbage, hsEnv, cmdline...)
		if code != ExitMalformed {
			t.Errorf("%v: exit %d, want 3: %.200s", cmdline, code, errOut)
		}
		// "Fast" is measured in bytes, not seconds: the refusal comes after
		// at most one token's worth of input, whatever the machine's speed.
		if limit := int64(token.MaxTokenBytes + 64<<10); read > limit {
			t.Errorf("%v: read %d bytes of 16 MiB of garbage before refusing, want at most %d", cmdline, read, limit)
		}
	}
}

// TestNoSecretInOutput runs failure paths with a known secret, private key
// and token and scans everything printed for them.
func TestNoSecretInOutput(t *testing.T) {
	const secret = "TOPSECRET-0123456789-abcdefghijklmnop"
	env := map[string]string{"S": secret}
	tok := func() string {
		_, out, _ := runCmd(t, "", env, "mint", "--secret-env", "S", "--sub", "a")
		return strings.TrimSpace(out)
	}()
	if tok == "" {
		t.Fatal("mint failed")
	}
	k, err := keys.Generate("ES256", keys.GenerateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	pem, _ := keys.MarshalPEM(k, true)
	dir := t.TempDir()
	privPath := filepath.Join(dir, "k.pem")
	os.WriteFile(privPath, pem, 0o600)
	secretFile := filepath.Join(dir, "s.txt")
	os.WriteFile(secretFile, []byte(secret), 0o600)
	pemBody := strings.Split(string(pem), "\n")[1]
	sig := tok[strings.LastIndex(tok, ".")+1:]

	runs := [][]string{
		{"verify", tok, "--secret-env", "S", "--iss", "x"},
		{"verify", tok, "--secret", secret + "x"},
		{"verify", tok, "--key", privPath},
		{"verify", tok[:len(tok)-3] + "AAA", "--secret-env", "S", "-o", "json"},
		{"verify", tok, "--secret-file", secretFile, "--alg", "RS256"},
		{"verify", tok + ".x", "--secret-env", "S"},
		{"mint", "--secret-env", "S", "--alg", "ES256"},
		{"mint", "--key", privPath, "--alg", "HS256"},
		{"mint", "--secret-env", "S", "--secret-encoding", "base64"},
		{"decode", tok + "x.y"},
		{"verify", "--batch", "--secret-env", "S", "--summary"},
	}
	for _, args := range runs {
		stdin := tok + "\n" + tok + "x\n"
		code, out, errOut := runCmd(t, stdin, env, args...)
		all := out + errOut
		if code == 0 && args[0] != "verify" {
			t.Errorf("%v: expected a failure", args)
		}
		for name, s := range map[string]string{"secret": secret, "private key": pemBody, "signature": sig} {
			if strings.Contains(all, s) {
				t.Errorf("%v: output contains the %s:\n%s", args, name, all)
			}
		}
	}
}

func pemCert(der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

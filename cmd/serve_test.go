package cmd

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/jwtkit/jwtkit/pkg/keys"
	"github.com/jwtkit/jwtkit/pkg/probe"
	"github.com/jwtkit/jwtkit/pkg/token"
)

func TestServeArgsToOptions(t *testing.T) {
	o, err := runOptions(t, newServeCmd, "--addr", "127.0.0.1:9000", "--tls", "--http-addr", "127.0.0.1:9001",
		"--cert-out", "c.pem", "--force", "--allow-origin", "https://a.example", "--allow-origin", "http://localhost:3000",
		"--role", "ops", "--role", "admin", "--roles-claim", "realm_access.roles", "--log", "--key", "k.pem",
		"--alg", "ES256", "--iss", "i", "--aud", "a", "--sub", "s", "--scope", "read", "--require", "jti", "--leeway", "30s", "--max-age", "1h")
	if err != nil {
		t.Fatal(err)
	}
	if o.Addr != "127.0.0.1:9000" || !o.TLS || o.HTTPAddr != "127.0.0.1:9001" || o.CertOut != "c.pem" || !o.Force ||
		!reflect.DeepEqual(o.AllowOrigins, []string{"https://a.example", "http://localhost:3000"}) ||
		!reflect.DeepEqual(o.Roles, []string{"ops", "admin"}) || o.RolesClaim != "realm_access.roles" || !o.Log ||
		o.Keys.Key != "k.pem" || !reflect.DeepEqual(o.Policy.Algs, []string{"ES256"}) || o.Policy.Sub != "s" ||
		o.Policy.Leeway != 30*time.Second || o.Policy.MaxAge != time.Hour || len(o.Policy.Roles) != 0 {
		t.Errorf("options = %+v", o)
	}
	o, err = runOptions(t, newServeCmd)
	if err != nil {
		t.Fatal(err)
	}
	if o.Addr != "127.0.0.1:8080" || o.TLS || o.HTTPAddr != "127.0.0.1:8081" || o.CertOut != "" ||
		!reflect.DeepEqual(o.Roles, []string{"admin"}) || o.RolesClaim != "roles" || o.Log || o.Keys.SecretEncoding != "utf8" {
		t.Errorf("defaults = %+v", o)
	}
}

func TestServeUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--addr", "nope"}, `invalid --addr "nope"`},
		{[]string{"--addr", "127.0.0.1:99999"}, `invalid --addr "127.0.0.1:99999"`},
		{[]string{"--addr", "127.0.0.1:http"}, `invalid --addr`},
		{[]string{"--allow-origin", "null"}, `origin "null" cannot be allowed`},
		{[]string{"--allow-origin", "*"}, `origin "*" cannot be allowed`},
		{[]string{"--allow-origin", "https://app.example/"}, `--allow-origin`},
		{[]string{"--allow-origin", "app.example"}, `--allow-origin`},
		{[]string{"--http-addr", "127.0.0.1:9"}, "--http-addr needs --tls"},
		{[]string{"--cert-out", "x.pem"}, "--cert-out needs --tls"},
		{[]string{"--tls", "--http-addr", "bad"}, `invalid --http-addr "bad"`},
		{[]string{"--tls", "--addr", "127.0.0.1:9", "--http-addr", "127.0.0.1:9"}, "must differ"},
		{[]string{"--role", ""}, "--role must not be empty"},
		{[]string{"--key", "a.pem", "--secret-env", "S"}, "cannot be used together"},
		{[]string{"extra"}, "takes no arguments, got 1"},
		{[]string{"--leeway", "-1s"}, "must not be negative"},
		{[]string{"--alg", "HS256"}, "--alg"},
	} {
		code, stdout, stderr := runCmd(t, "", nil, append([]string{"serve"}, tc.args...)...)
		if code != ExitUsage {
			t.Errorf("serve %q: exit %d, want 2; stderr %s", tc.args, code, stderr)
		}
		mustContain(t, stderr, tc.want)
		mustContain(t, stderr, "Run 'jwtkit serve --help' for usage.")
		if stdout != "" {
			t.Errorf("serve %q: stdout %q", tc.args, stdout)
		}
	}
}

// serveRun is one in-process serve command started on port 0.
type serveRun struct {
	apiURL, httpURL string
	stderr          *bytes.Buffer
	cancel          context.CancelFunc
	done            chan error
}

// startServe runs `serve args` with f until stop; it returns once the
// listeners accept connections, or fails the test when serve ends first.
func startServe(t *testing.T, f *factory, errOut *bytes.Buffer, args ...string) *serveRun {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan [2]string, 1)
	c := newServeCmd(f, func(o *serveOptions) error {
		o.ready = func(api, http string) { ready <- [2]string{api, http} }
		return runServe(ctx, o)
	})
	c.SetArgs(append([]string{"--addr", "127.0.0.1:0"}, args...))
	c.SetOut(io.Discard)
	c.SetErr(io.Discard)
	c.SilenceErrors, c.SilenceUsage = true, true
	c.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &usageError{err} })
	s := &serveRun{stderr: errOut, cancel: cancel, done: make(chan error, 1)}
	go func() { s.done <- c.Execute() }()
	select {
	case u := <-ready:
		s.apiURL, s.httpURL = u[0], u[1]
	case err := <-s.done:
		cancel()
		t.Fatalf("serve ended before listening: %v; stderr:\n%s", err, errOut)
	case <-time.After(10 * time.Second):
		cancel()
		t.Fatal("serve did not start")
	}
	t.Cleanup(func() { s.stop(t) })
	return s
}

// stop cancels the run and returns its error (once; later calls return nil).
func (s *serveRun) stop(t *testing.T) error {
	t.Helper()
	if s.done == nil {
		return nil
	}
	s.cancel()
	defer func() { s.done = nil }()
	select {
	case err := <-s.done:
		return err
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop after cancel")
	}
	return nil
}

// fixtureKeyFile writes a fresh ES256 private key (PEM, so its kid is the
// RFC 7638 thumbprint) and returns its path and a signer for it.
func fixtureKeyFile(t *testing.T) (string, *token.Signer) {
	t.Helper()
	path, s, _ := fixtureKey(t)
	return path, s
}

// fixtureKey is fixtureKeyFile that also returns the key.
func fixtureKey(t *testing.T) (string, *token.Signer, *keys.Key) {
	t.Helper()
	k, err := keys.Generate("ES256", keys.GenerateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := keys.MarshalPEM(k, true)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "signing.pem")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := token.NewSigner(k, "ES256", nil)
	if err != nil {
		t.Fatal(err)
	}
	return path, s, k
}

// serveToken signs alice's claims, valid at the test clock.
func serveToken(t *testing.T, s *token.Signer, roles ...string) string {
	t.Helper()
	spec := token.Spec{Subject: "alice", Roles: roles}
	iat, exp := testNow, testNow.Add(15*time.Minute)
	spec.IssuedAt, spec.Expires = &iat, &exp
	c, err := spec.Claims()
	if err != nil {
		t.Fatal(err)
	}
	tok, err := s.Sign(c)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func getWith(t *testing.T, c *http.Client, url, tok string) (*http.Response, string) {
	t.Helper()
	r, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if tok != "" {
		r.Header.Set("Authorization", "Bearer "+tok)
	}
	resp, err := c.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func TestServePlain(t *testing.T) {
	keyPath, signer := fixtureKeyFile(t)
	f, _, errOut := testFactory(t, "", nil)
	s := startServe(t, f, errOut, "--key", keyPath, "--log")
	if !strings.HasPrefix(s.apiURL, "http://127.0.0.1:") || s.httpURL != "" {
		t.Fatalf("URLs %q %q", s.apiURL, s.httpURL)
	}
	client := &http.Client{Transport: &http.Transport{}, Timeout: 5 * time.Second}
	defer client.CloseIdleConnections()

	tok := serveToken(t, signer, "admin")
	resp, body := getWith(t, client, s.apiURL+"/me", tok)
	if resp.StatusCode != 200 {
		t.Fatalf("/me: %d %s", resp.StatusCode, body)
	}
	var claims map[string]any
	if err := json.Unmarshal([]byte(body), &claims); err != nil || claims["sub"] != "alice" {
		t.Errorf("/me body %s", body)
	}
	if resp.Header.Get("Strict-Transport-Security") != "" || resp.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("headers %v", resp.Header)
	}
	if resp, _ := getWith(t, client, s.apiURL+"/admin", tok); resp.StatusCode != 200 {
		t.Errorf("/admin with role: %d", resp.StatusCode)
	}
	if resp, _ := getWith(t, client, s.apiURL+"/admin", serveToken(t, signer)); resp.StatusCode != 403 {
		t.Errorf("/admin without role: %d", resp.StatusCode)
	}
	resp, _ = getWith(t, client, s.apiURL+"/me", "")
	if resp.StatusCode != 401 || resp.Header.Get("WWW-Authenticate") != `Bearer realm="jwtkit"` {
		t.Errorf("no token: %d %q", resp.StatusCode, resp.Header.Get("WWW-Authenticate"))
	}
	if resp, _ := getWith(t, client, s.apiURL+"/.well-known/jwks.json", ""); resp.StatusCode != 200 {
		t.Errorf("jwks: %d", resp.StatusCode)
	}
	client.CloseIdleConnections()
	if err := s.stop(t); err != nil {
		t.Fatalf("serve: %v", err)
	}
	stderr := errOut.String()
	for _, want := range []string{
		"serving " + s.apiURL, s.apiURL + "/me", fmt.Sprintf("key: kid %q, ES256, EC P-256", signer.Header()["kid"]),
		"warning: plain HTTP: tokens travel in clear",
		"jwtkit mint --key " + keyPath + " --sub alice --role admin",
		"GET /me 200 ", "GET /admin 403 ", "GET /me 401 ", "stopped",
	} {
		mustContain(t, stderr, want)
	}
	if strings.Contains(stderr, tok) || strings.Contains(stderr, "not a loopback") {
		t.Errorf("stderr leaks the token or warns about loopback:\n%s", stderr)
	}
}

func TestServeDevKeyHint(t *testing.T) {
	f, _, errOut := testFactory(t, "", nil)
	s := startServe(t, f, errOut)
	home, err := f.homeDir()
	if err != nil {
		t.Fatal(err)
	}
	dk, _, _, err := keys.DevKey(home)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := token.NewSigner(dk, dk.DefaultAlg(), nil)
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Transport: &http.Transport{}, Timeout: 5 * time.Second}
	defer client.CloseIdleConnections()
	if resp, body := getWith(t, client, s.apiURL+"/admin", serveToken(t, signer, "admin")); resp.StatusCode != 200 {
		t.Errorf("dev-key token on /admin: %d %s", resp.StatusCode, body)
	}
	client.CloseIdleConnections()
	if err := s.stop(t); err != nil {
		t.Fatal(err)
	}
	mustContain(t, errOut.String(), "development key")
	mustContain(t, errOut.String(), `$(jwtkit mint --sub alice --role admin)`)
}

func TestServeTLS(t *testing.T) {
	keyPath, signer := fixtureKeyFile(t)
	certPath := filepath.Join(t.TempDir(), "cert.pem")
	f, _, errOut := testFactory(t, "", nil)
	s := startServe(t, f, errOut, "--key", keyPath, "--tls", "--http-addr", "127.0.0.1:0", "--cert-out", certPath,
		"--allow-origin", "https://app.example")
	if !strings.HasPrefix(s.apiURL, "https://127.0.0.1:") || !strings.HasPrefix(s.httpURL, "http://127.0.0.1:") {
		t.Fatalf("URLs %q %q", s.apiURL, s.httpURL)
	}
	pemBytes, err := os.ReadFile(certPath)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pemBytes) {
		t.Fatal("--cert-out holds no certificate")
	}
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}
	client := &http.Client{Transport: tr, Timeout: 5 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	defer tr.CloseIdleConnections()

	tok := serveToken(t, signer)
	resp, body := getWith(t, client, s.apiURL+"/me", tok)
	if resp.StatusCode != 200 {
		t.Fatalf("/me over TLS: %d %s", resp.StatusCode, body)
	}
	if hsts := resp.Header.Get("Strict-Transport-Security"); hsts != "max-age=31536000; includeSubDomains" {
		t.Errorf("HSTS %q", hsts)
	}
	resp, body = getWith(t, client, s.httpURL+"/me?a=1", tok)
	if resp.StatusCode != 308 || resp.Header.Get("Location") != s.apiURL+"/me?a=1" || body != "" {
		t.Errorf("plain HTTP: %d %q %q", resp.StatusCode, resp.Header.Get("Location"), body)
	}
	tr.CloseIdleConnections()
	if err := s.stop(t); err != nil {
		t.Fatal(err)
	}
	stderr := errOut.String()
	for _, want := range []string{"serving " + s.apiURL, "redirecting " + s.httpURL, "certificate: " + certPath, "--cacert", "CORS allowed for: https://app.example"} {
		mustContain(t, stderr, want)
	}
	if strings.Contains(stderr, "tokens travel in clear") {
		t.Error("TLS run warns about plain HTTP")
	}

	// A second run replaces its own certificate without --force.
	f2, _, errOut2 := testFactory(t, "", nil)
	s2 := startServe(t, f2, errOut2, "--key", keyPath, "--tls", "--http-addr", "", "--cert-out", certPath)
	if err := s2.stop(t); err != nil {
		t.Fatalf("second run: %v", err)
	}
	if again, _ := os.ReadFile(certPath); bytes.Equal(again, pemBytes) {
		t.Error("second run kept the old certificate")
	}

	// Any other file is the user's: refused without --force.
	userFile := filepath.Join(t.TempDir(), "mine.pem")
	if err := os.WriteFile(userFile, []byte("my notes\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runCmd(t, "", nil, "serve", "--addr", "127.0.0.1:0", "--key", keyPath, "--tls", "--http-addr", "", "--cert-out", userFile)
	if code != ExitError {
		t.Errorf("existing user file: exit %d, want 1", code)
	}
	mustContain(t, stderr, "--force")
	if b, _ := os.ReadFile(userFile); string(b) != "my notes\n" {
		t.Error("user file overwritten")
	}
	f3, _, errOut3 := testFactory(t, "", nil)
	s3 := startServe(t, f3, errOut3, "--key", keyPath, "--tls", "--http-addr", "", "--cert-out", userFile, "--force")
	if err := s3.stop(t); err != nil {
		t.Fatalf("--force run: %v", err)
	}
	if b, _ := os.ReadFile(userFile); !bytes.HasPrefix(b, []byte("-----BEGIN CERTIFICATE-----")) {
		t.Error("--force did not replace the file")
	}
}

func TestServeDefaultCertPath(t *testing.T) {
	keyPath, _ := fixtureKeyFile(t)
	f, _, errOut := testFactory(t, "", nil)
	s := startServe(t, f, errOut, "--key", keyPath, "--tls", "--http-addr", "")
	if err := s.stop(t); err != nil {
		t.Fatal(err)
	}
	home, _ := f.homeDir()
	want := filepath.Join(home, "serve-cert.pem")
	if _, err := os.Stat(want); err != nil {
		t.Errorf("default certificate file: %v", err)
	}
	mustContain(t, errOut.String(), "certificate: "+want)
}

func TestServeListenError(t *testing.T) {
	keyPath, _ := fixtureKeyFile(t)
	f, _, errOut := testFactory(t, "", nil)
	s := startServe(t, f, errOut, "--key", keyPath)
	addr := strings.TrimPrefix(s.apiURL, "http://")
	code, _, stderr := runCmd(t, "", nil, "serve", "--key", keyPath, "--addr", addr)
	if code != ExitError {
		t.Errorf("port in use: exit %d, want 1", code)
	}
	mustContain(t, stderr, "cannot listen on --addr")
}

func TestServeMintHint(t *testing.T) {
	o := &serveOptions{Roles: []string{"admin", "ops"}, RolesClaim: "realm_access.roles"}
	o.Policy = policyFlags{Iss: []string{"https://issuer.example"}, Aud: []string{"api"}, Scopes: []string{"read write"}, Require: []string{"jti"}}
	o.Keys.SecretEnv = "JWT_SECRET"
	got := o.mintHint(keys.NewSet())
	want := "jwtkit mint --secret-env JWT_SECRET --sub alice --iss https://issuer.example --aud api --roles-claim realm_access.roles --role admin --role ops --scope 'read write' --jti auto"
	if got != want {
		t.Errorf("hint\n got %s\nwant %s", got, want)
	}
	o = &serveOptions{Roles: []string{"admin"}, RolesClaim: "roles"}
	o.Keys.Secret = "s3cret"
	if got := o.mintHint(keys.NewSet()); got != "" {
		t.Errorf("hint for --secret %q, want none (it would print the secret)", got)
	}
	o.Keys = keySourceFlags{JWKS: "https://issuer.example/jwks"}
	if got := o.mintHint(keys.NewSet()); got != "" {
		t.Errorf("hint for --jwks %q, want none", got)
	}
}

func TestServeRefusesTokensWithoutExp(t *testing.T) {
	keyPath, signer := fixtureKeyFile(t)
	f, _, errOut := testFactory(t, "", nil)
	s := startServe(t, f, errOut, "--key", keyPath)
	tok, err := signer.Sign(map[string]any{"sub": "alice", "iat": testNow.Unix()})
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Transport: &http.Transport{}, Timeout: 5 * time.Second}
	defer client.CloseIdleConnections()
	resp, _ := getWith(t, client, s.apiURL+"/me", tok)
	if resp.StatusCode != 401 || !strings.Contains(resp.Header.Get("WWW-Authenticate"), `error="invalid_token"`) {
		t.Errorf("token without exp: %d %q", resp.StatusCode, resp.Header.Get("WWW-Authenticate"))
	}
}

// TestServePassesProbe runs the probe audit against serve, with TLS and
// without: no check may fail. Over TLS with --iss and --aud nothing may even
// warn; over plain HTTP only tls.http-redirect warns (the target itself is
// plain http).
func TestServePassesProbe(t *testing.T) {
	for _, useTLS := range []bool{true, false} {
		name := "plain"
		if useTLS {
			name = "tls"
		}
		t.Run(name, func(t *testing.T) {
			keyPath, signer, key := fixtureKey(t)
			f, _, errOut := testFactory(t, "", nil)
			args := []string{"--key", keyPath, "--iss", "https://issuer.example", "--aud", "jwtkit-api", "--allow-origin", "https://app.example"}
			certPath := filepath.Join(t.TempDir(), "cert.pem")
			if useTLS {
				args = append(args, "--tls", "--http-addr", "127.0.0.1:0", "--cert-out", certPath)
			}
			s := startServe(t, f, errOut, args...)

			tr := &http.Transport{}
			if useTLS {
				b, err := os.ReadFile(certPath)
				if err != nil {
					t.Fatal(err)
				}
				pool := x509.NewCertPool()
				pool.AppendCertsFromPEM(b)
				tr.TLSClientConfig = &tls.Config{RootCAs: pool}
			}
			defer tr.CloseIdleConnections()
			spec := token.Spec{Subject: "alice", Issuer: "https://issuer.example", Audience: []string{"jwtkit-api"}, Roles: []string{"admin"}}
			iat, exp := testNow, testNow.Add(15*time.Minute)
			spec.IssuedAt, spec.Expires = &iat, &exp
			c, err := spec.Claims()
			if err != nil {
				t.Fatal(err)
			}
			tok, err := signer.Sign(c)
			if err != nil {
				t.Fatal(err)
			}
			cfg := probe.Config{
				Target: s.apiURL + "/admin", Token: tok, Key: key, PublicKey: key.Public, Minted: true,
				Roles: []string{"admin"}, Origin: "https://app.example",
				WriteURL: s.apiURL + "/items", WriteBody: []byte(`{"name":"probe"}`),
				Client: &http.Client{Transport: tr, Timeout: 5 * time.Second}, Timeout: 5 * time.Second,
				Now: func() time.Time { return testNow },
				// serve never fetches: answers arrive with nothing logged,
				// and the 5 s grace period would only slow the test.
				CallbackGrace: -1,
			}
			if useTLS {
				cfg.HTTPURL = s.httpURL + "/admin"
			}
			rep, err := probe.Run(context.Background(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rep.Checks {
				bad := r.Verdict == probe.Fail || r.Verdict == probe.Error ||
					(r.Verdict == probe.Warn && (useTLS || r.ID != "tls.http-redirect"))
				if bad {
					t.Errorf("%s: %s: %s", r.ID, r.Verdict, r.Evidence)
				}
			}
			if rep.Summary.Pass < 25 {
				t.Errorf("only %d checks passed: %+v", rep.Summary.Pass, rep.Summary)
			}
			// Issue 12: serve passes every new check, under the default cap.
			got := map[string]probe.Verdict{}
			for _, r := range rep.Checks {
				got[r.ID] = r.Verdict
			}
			for _, id := range []string{"jwt.jku-injection", "jwt.x5u-injection", "jwt.x5c-injection", "jwt.issuer-discovery-injection", "jwt.weak-key", "jwt.unknown-crit", "jwt.claim-reflection", "jwt.expired", "jwt.kid-injection", "jwt.key-confusion"} {
				if got[id] != probe.Pass {
					t.Errorf("%s = %s, want pass", id, got[id])
				}
			}
			if rep.Requests >= probe.DefaultMaxRequests {
				t.Errorf("%d requests: the default cap is %d", rep.Requests, probe.DefaultMaxRequests)
			}
			if len(rep.Listener) != 0 {
				t.Errorf("serve fetched from probe's listener: %+v", rep.Listener)
			}
		})
	}
}

package cmd

import (
	"bytes"
	"encoding/base64"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// auditToken is a well-formed HS256 JWT no server here accepts.
func auditToken() string {
	e := base64.RawURLEncoding.EncodeToString
	return e([]byte(`{"alg":"HS256","typ":"JWT"}`)) + "." + e([]byte(`{"sub":"alice","exp":4102444800}`)) + "." + e([]byte("a-signature-of-32-bytes-long-xyz"))
}

// TestProbeAuditUsageErrors: plain http to a host that is not loopback
// needs --allow-plain-http; a header Go manages cannot carry the token; a
// SARIF path must be repository-relative; and no message quotes a token
// or a password given where a URL belongs.
func TestProbeAuditUsageErrors(t *testing.T) {
	tok := auditToken()
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"http://192.0.2.2:19120/me", "--token", tok, "--token-in", "cookie:sid"}, "pass --allow-plain-http"},
		{[]string{"http://192.0.2.2:19120/me"}, "the target \"http://192.0.2.2:19120/me\" is plain http to a host that is not loopback"},
		{[]string{"http://127.0.0.1:19120/me", "--write-url", "http://192.0.2.2/items"}, "--write-url \"http://192.0.2.2/items\" is plain http"},
		{[]string{"http://bob:hunter2@192.0.2.2/me"}, "\"http://REDACTED@192.0.2.2/me\" is plain http"},
		{[]string{tok}, "invalid target URL (a value of"},
		{[]string{"ftp://u:hunter2@x/api"}, "invalid target URL \"ftp://REDACTED@x/api\""},
		{[]string{"https://a/me", "--write-url", "http://a/items?access_token=" + tok}, "access_token=REDACTED"},
		{[]string{"https://a/me", "--token-in", "header:Host"}, "Host is a header Go's HTTP client manages"},
		{[]string{"https://a/me", "--token-in", "header:Content-Length"}, "Content-Length is a header"},
		{[]string{"https://a/me", "--token-in", "header:Proxy-Authorization"}, "drops hop by hop"},
		{[]string{"https://a/me", "--token-in", "header:connection"}, "drops hop by hop"},
		{[]string{"https://a/me", "-o", "sarif", "--sarif-path", "https://evil.example/x"}, "URL scheme"},
		{[]string{"https://a/me", "-o", "sarif", "--sarif-path", `C:\x\y`}, "backslash"},
		{[]string{"https://a/me", "-o", "sarif", "--sarif-path", "C:/x"}, "drive letter"},
		{[]string{"https://a/me", "-o", "sarif", "--sarif-path", "a/../b"}, `".." segment`},
		{[]string{"https://a/me", "-o", "sarif", "--sarif-path", "/abs"}, "absolute"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, out, errOut := runCmd(t, "", nil, append([]string{"probe"}, tt.args...)...)
			if code != ExitUsage || out != "" {
				t.Errorf("exit %d, stdout %q", code, out)
			}
			mustContain(t, errOut, tt.want)
			for _, secret := range []string{tok, "hunter2"} {
				if strings.Contains(errOut, secret) {
					t.Errorf("the message holds %q: %s", secret, errOut)
				}
			}
		})
	}
}

// TestProbePlainHTTPDryRun: a dry run sends nothing, so it needs no
// --allow-plain-http, but it says the real run would.
func TestProbePlainHTTPDryRun(t *testing.T) {
	code, out, errOut := runCmd(t, "", nil, "probe", "http://192.0.2.2:19120/me", "--dry-run")
	if code != 0 || !strings.Contains(out, "curl ") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	mustContain(t, errOut, "the real run would send the test tokens in clear and needs --allow-plain-http")
	code, _, errOut = runCmd(t, "", nil, "probe", "http://192.0.2.2:19120/me", "--dry-run", "--allow-plain-http")
	if code != 0 || strings.Contains(errOut, "allow-plain-http") {
		t.Errorf("with the flag: exit %d, %s", code, errOut)
	}
	// the dry run redacts a password and a token in the target URL
	tok := auditToken()
	code, out, _ = runCmd(t, "", nil, "probe", "http://bob:hunter2@127.0.0.1:19120/me?access_token="+tok, "--dry-run")
	if code != 0 || strings.Contains(out, "hunter2") || strings.Contains(out, tok) || !strings.Contains(out, "REDACTED@127.0.0.1") {
		t.Errorf("exit %d, dry run:\n%s", code, out)
	}
}

// TestProbeLoginIssuesNoJWT: a login that issues an opaque token fails
// the run (exit 1) and says what probe can do, never quoting the token.
func TestProbeLoginIssuesNoJWT(t *testing.T) {
	const opaque = "opaque-access-token-0123456789abcdef"
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/token" {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"access_token":"` + opaque + `","token_type":"bearer"}`))
			return
		}
		w.WriteHeader(http.StatusUnauthorized)
	}))
	defer ts.Close()
	code, out, errOut := runCmd(t, "", map[string]string{"PW": "pw-0123456789"}, "probe", ts.URL+"/me", "--login-url", ts.URL+"/token", "--login-user", "alice", "--login-password-env", "PW")
	if code != ExitError || strings.Contains(out+errOut, opaque) {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	mustContain(t, errOut, "issued an opaque access token")
	mustContain(t, errOut, "run without the login")
}

// TestProbeBaselineUnderOnly: --only without probe.baseline still reports
// the baseline, and its failure or error decides the exit status.
func TestProbeBaselineUnderOnly(t *testing.T) {
	tok := auditToken()
	refuse := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusUnauthorized) }))
	defer refuse.Close()
	code, got, ev := probeVerdicts(t, nil, refuse.URL+"/me", "--token", tok, "--only", "jwt.bad-signature")
	if code != ExitProbeFailed || got["probe.baseline"] != "fail" || got["jwt.bad-signature"] != "skip" {
		t.Errorf("refused baseline: exit %d\n%s", code, ev)
	}
	limited := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusTooManyRequests) }))
	defer limited.Close()
	code, got, ev = probeVerdicts(t, nil, limited.URL+"/me", "--token", tok, "--only", "jwt.bad-signature")
	if code != ExitError || got["probe.baseline"] != "error" || !strings.Contains(ev, "the valid-token request was rate limited (429)") {
		t.Errorf("rate-limited baseline: exit %d\n%s", code, ev)
	}
	_, out, _ := runCmd(t, "", nil, "probe", limited.URL+"/me", "--token", tok, "--only", "jwt.bad-signature", "-o", "sarif")
	mustContain(t, out, `"executionSuccessful": false`)
}

// TestProbeUnreachableRedactsTheTarget: a token in the target's query and
// a password in its userinfo show in neither the report nor the
// "target unreachable" error.
func TestProbeUnreachableRedactsTheTarget(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	tok := auditToken()
	for _, o := range []string{"text", "json", "junit", "sarif", "markdown"} {
		code, out, errOut := runCmd(t, "", nil, "probe", "http://bob:hunter2@"+addr+"/me?access_token="+tok, "--timeout", "2s", "-o", o)
		if code != ExitError {
			t.Errorf("-o %s: exit %d, want 1\n%s", o, code, errOut)
		}
		mustContain(t, errOut, "target unreachable")
		if s := out + errOut; strings.Contains(s, tok) || strings.Contains(s, "hunter2") {
			t.Errorf("-o %s: the output holds the token or the password:\n%s\n%s", o, out, errOut)
		}
	}
}

// TestProbeInputFilesBounded: --body-file and --login-password-file are read
// through keys.ReadInputFile: a size cap, and one message naming the flag
// (exit 1, as for mint --secret-file).
func TestProbeInputFilesBounded(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.json")
	if err := os.WriteFile(big, bytes.Repeat([]byte("A"), maxBodyFile+1), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--method", "POST", "--allow-write", "--body-file", big, "--dry-run"}, "--body-file " + strconv.Quote(big) + " is larger than"},
		{[]string{"--login-url", "http://127.0.0.1:9/token", "--login-user", "a", "--login-password-file", filepath.Join(dir, "none")}, "--login-password-file " + strconv.Quote(filepath.Join(dir, "none")) + " does not exist"},
	}
	for _, tt := range tests {
		code, out, errOut := runCmd(t, "", nil, append([]string{"probe", "http://127.0.0.1:9/me"}, tt.args...)...)
		if code != ExitError || out != "" {
			t.Errorf("%v: exit %d, stdout %q", tt.args, code, out)
		}
		mustContain(t, errOut, tt.want)
	}
}

// TestProbeDryRunLoginNeedsNoPassword: a dry run plans the login without
// reading the password (it shows it as REDACTED and sends nothing).
func TestProbeDryRunLoginNeedsNoPassword(t *testing.T) {
	code, out, errOut := runCmd(t, "", nil, "probe", "http://127.0.0.1:9/me", "--login-url", "http://127.0.0.1:9/token",
		"--login-user", "alice", "--login-password-env", "NOT_SET_ANYWHERE", "--dry-run")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	mustContain(t, out, "password=REDACTED&username=alice")
}

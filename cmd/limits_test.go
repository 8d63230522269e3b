package cmd

import (
	"bytes"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestSecurityDocNamesRealTests: every test or fuzz target docs/security.md
// cites exists, and every row of its Limits table cites at least one.
func TestSecurityDocNamesRealTests(t *testing.T) {
	t.Parallel()
	doc, err := os.ReadFile("../docs/security.md")
	if err != nil {
		t.Fatal(err)
	}
	defined := map[string]bool{}
	funcRE := regexp.MustCompile(`(?m)^func ((?:Test|Fuzz)\w+)\(`)
	filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, "_test.go") {
			return err
		}
		b, err := os.ReadFile(path)
		for _, m := range funcRE.FindAllSubmatch(b, -1) {
			defined[string(m[1])] = true
		}
		return err
	})
	exists := func(name string) bool {
		if prefix, ok := strings.CutSuffix(name, "*"); ok {
			for d := range defined {
				if strings.HasPrefix(d, prefix) {
					return true
				}
			}
			return false
		}
		return defined[name]
	}
	citeRE := regexp.MustCompile("`((?:Test|Fuzz)\\w+\\*?)`")
	for _, m := range citeRE.FindAllStringSubmatch(string(doc), -1) {
		if !exists(m[1]) {
			t.Errorf("docs/security.md cites %s, which no _test.go file defines", m[1])
		}
	}
	_, limits, _ := strings.Cut(string(doc), "## Limits")
	limits, _, _ = strings.Cut(limits, "\n## ")
	for _, row := range strings.Split(limits, "\n") {
		if strings.HasPrefix(row, "| ") && !strings.HasPrefix(row, "| limit ") && !citeRE.MatchString(row) {
			t.Errorf("docs/security.md Limits row names no test: %s", row)
		}
	}
}

// TestJWKSDownloadLimits holds the "JWKS download" row of docs/security.md:
// a body of 1 MiB is read and one byte more is refused, same-host redirects
// stop at the 5th, and every fetch has a 10 s overall timeout.
func TestJWKSDownloadLimits(t *testing.T) {
	t.Parallel()
	priv, jwks := jwksFixture(t)
	_, out, _ := runCmd(t, "", nil, "mint", "--key", priv)
	tok := strings.TrimSpace(out)
	padded := func(n int) []byte { return append(bytes.Clone(jwks), bytes.Repeat([]byte(" "), n-len(jwks))...) }
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch p := r.URL.Path; {
		case p == "/1mib":
			w.Write(padded(1 << 20))
		case p == "/1mib+1":
			w.Write(padded(1<<20 + 1))
		case strings.HasPrefix(p, "/r/"):
			n, _ := strconv.Atoi(strings.TrimPrefix(p, "/r/"))
			if n == 0 {
				w.Write(jwks)
				return
			}
			http.Redirect(w, r, fmt.Sprintf("/r/%d", n-1), http.StatusFound)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	for _, tc := range []struct {
		path string
		code int
		msg  string
	}{
		{"/1mib", ExitOK, ""},
		{"/1mib+1", ExitError, "larger than 1048576 bytes"},
		{"/r/4", ExitOK, ""},
		{"/r/5", ExitError, "stopped after 5 redirects"},
	} {
		code, _, errOut := runCmd(t, "", nil, "verify", tok, "--jwks", srv.URL+tc.path, "--no-cache", "-q")
		if code != tc.code || !strings.Contains(errOut, tc.msg) {
			t.Errorf("%s: exit %d %q, want exit %d and %q", tc.path, code, errOut, tc.code, tc.msg)
		}
	}
	f, _, _ := testFactory(t, "", nil)
	if got := newHTTPClient(f, httpOptions{}).Timeout; got != 10*time.Second {
		t.Errorf("fetch timeout %v, want 10s", got)
	}
	for _, cmd := range []string{"verify", "keys fetch"} {
		_, help, _ := runCmd(t, "", nil, append(strings.Fields(cmd), "--help")...)
		if !strings.Contains(help, `(default 10s)`) {
			t.Errorf("%s --help: --timeout does not default to 10s", cmd)
		}
	}
}

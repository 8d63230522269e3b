package cmd

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jwtkit/jwtkit/internal/ui"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/golden")

// testNow is the fixed clock of command tests: 2026-01-02T03:04:05Z.
var testNow = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// testFactory returns a factory with buffer streams, a fixed clock, an
// isolated JWTKIT_HOME and an environment that holds only env.
func testFactory(t *testing.T, stdin string, env map[string]string) (*factory, *bytes.Buffer, *bytes.Buffer) {
	t.Helper()
	io, out, errOut := ui.Test(stdin)
	home := t.TempDir()
	getenv := func(k string) string {
		if v, ok := env[k]; ok {
			return v
		}
		if k == "JWTKIT_HOME" {
			return home
		}
		return ""
	}
	io.Getenv = getenv
	return &factory{
		IO:      io,
		Now:     func() time.Time { return testNow },
		Getenv:  getenv,
		Version: buildInfo{Version: "v0.0.0-test", Commit: "abcdef123456", GoVersion: "go1.26"},
		// Fixtures and serve never fetch late: no 5 s grace period.
		CallbackGrace: -1,
	}, out, errOut
}

// runCmd runs one jwtkit command line in-process and returns its exit code
// and both streams.
func runCmd(t *testing.T, stdin string, env map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	f, out, errOut := testFactory(t, stdin, env)
	code = run(f, args)
	return code, out.String(), errOut.String()
}

// runWith runs a command line against a prepared factory.
func runWith(f *factory, args ...string) int { return run(f, args) }

// golden compares got with testdata/golden/name, rewriting it under -update.
func golden(t *testing.T, name string, got string) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading golden file (run go test ./cmd -update to create it): %v", err)
	}
	if string(want) != got {
		t.Errorf("output differs from %s (run go test ./cmd -update and review git diff)\n--- got ---\n%s\n--- want ---\n%s", path, got, want)
	}
}

// repoFile returns a path relative to the repository root.
func repoFile(parts ...string) string {
	return filepath.Join(append([]string{".."}, parts...)...)
}

// mustContain fails when s lacks sub.
func mustContain(t *testing.T, s, sub string) {
	t.Helper()
	if !strings.Contains(s, sub) {
		t.Errorf("output lacks %q:\n%s", sub, s)
	}
}

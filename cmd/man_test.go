package cmd

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestManPagesUpToDate holds docs/man/ to what `jwtkit __man` writes: one
// page per command with every section. Rewrite with
// go test ./cmd -run TestManPagesUpToDate -update.
func TestManPagesUpToDate(t *testing.T) {
	tmp := t.TempDir()
	if code, _, errOut := runCmd(t, "", nil, "__man", tmp); code != 0 {
		t.Fatalf("__man: exit %d: %s", code, errOut)
	}
	got, _ := filepath.Glob(filepath.Join(tmp, "*.1"))
	dir := repoFile("docs", "man")
	if *update {
		old, _ := filepath.Glob(filepath.Join(dir, "*.1"))
		for _, p := range old {
			os.Remove(p)
		}
		os.MkdirAll(dir, 0o755)
		for _, p := range got {
			b, _ := os.ReadFile(p)
			os.WriteFile(filepath.Join(dir, filepath.Base(p)), b, 0o644)
		}
	}
	want, _ := filepath.Glob(filepath.Join(dir, "*.1"))
	base := func(ps []string) []string {
		out := make([]string, len(ps))
		for i, p := range ps {
			out[i] = filepath.Base(p)
		}
		return out
	}
	if !slices.Equal(base(got), base(want)) {
		t.Fatalf("docs/man has %v, the command tree gives %v: run go test ./cmd -run TestManPagesUpToDate -update", base(want), base(got))
	}
	for _, name := range base(got) {
		g, _ := os.ReadFile(filepath.Join(tmp, name))
		w, _ := os.ReadFile(filepath.Join(dir, name))
		if string(g) != string(w) {
			t.Errorf("docs/man/%s is out of date: run go test ./cmd -run TestManPagesUpToDate -update", name)
		}
		for _, sec := range []string{".SH NAME", ".SH SYNOPSIS", ".SH DESCRIPTION", ".SH OPTIONS", ".SH EXIT STATUS", ".SH EXAMPLES"} {
			if !strings.Contains(string(g), "\n"+sec+"\n") {
				t.Errorf("%s lacks %s", name, sec)
			}
		}
	}
	for _, cmd := range []string{"jwtkit.1", "jwtkit-keys-generate.1", "jwtkit-verify.1", "jwtkit-probe.1", "jwtkit-version.1"} {
		if !slices.Contains(base(got), cmd) {
			t.Errorf("no page %s", cmd)
		}
	}
	// groff, when installed, must render every page without a warning.
	if groff, err := exec.LookPath("groff"); err == nil {
		args := append([]string{"-t", "-man", "-Tutf8", "-ww", "-z"}, got...)
		if out, err := exec.Command(groff, args...).CombinedOutput(); err != nil || len(out) > 0 {
			t.Errorf("groff: %v\n%s", err, out)
		}
	}
}

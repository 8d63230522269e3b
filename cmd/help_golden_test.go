package cmd

import (
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// TestGoldenHelp pins every --help page: the root, every command and every
// subcommand, found by walking the full command tree, so a new command
// needs a golden file (go test ./cmd -update) before the test passes.
// Help is documentation; a change to it shows up in review as a diff.
func TestGoldenHelp(t *testing.T) {
	t.Parallel()
	f, _, _ := testFactory(t, "", nil)
	var paths [][]string
	var walk func(c *cobra.Command, path []string)
	walk = func(c *cobra.Command, path []string) {
		if c.Hidden || c.Name() == "help" {
			return
		}
		paths = append(paths, path)
		for _, sub := range c.Commands() {
			walk(sub, append(append([]string(nil), path...), sub.Name()))
		}
	}
	walk(newRootCmd(f, nil), nil)
	if len(paths) < 10 {
		t.Fatalf("found only %d commands: %q", len(paths), paths)
	}
	for _, path := range paths {
		name := "help-" + strings.Join(append([]string{"jwtkit"}, path...), "-")
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			code, out, errOut := runCmd(t, "", nil, append(append([]string(nil), path...), "--help")...)
			if code != 0 || errOut != "" {
				t.Errorf("exit %d, stderr %q", code, errOut)
			}
			golden(t, name+".golden", out)
			// -h is the same page.
			if _, short, _ := runCmd(t, "", nil, append(append([]string(nil), path...), "-h")...); short != out {
				t.Errorf("-h differs from --help")
			}
		})
	}
}

package cmd

import (
	"fmt"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// version is set at link time by release builds:
// go build -ldflags "-X github.com/jwtkit/jwtkit/cmd.version=v1.2.3".
var version = ""

type buildInfo struct {
	Version   string `json:"version"`
	Commit    string `json:"commit"`
	GoVersion string `json:"go"`
	Modified  bool   `json:"modified,omitempty"`
}

func (b buildInfo) String() string {
	s := fmt.Sprintf("jwtkit %s (commit %s, %s)", b.Version, b.Commit, b.GoVersion)
	if b.Modified {
		s += " with local changes"
	}
	return s
}

func readBuildInfo() buildInfo {
	b := buildInfo{Version: version, Commit: "unknown", GoVersion: "unknown"}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		if b.Version == "" {
			b.Version = "(devel)"
		}
		return b
	}
	b.GoVersion = bi.GoVersion
	if b.Version == "" {
		b.Version = bi.Main.Version
	}
	if b.Version == "" {
		b.Version = "(devel)"
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			b.Commit = s.Value
			if len(b.Commit) > 12 {
				b.Commit = b.Commit[:12]
			}
		case "vcs.modified":
			b.Modified = s.Value == "true"
		}
	}
	return b
}

type versionOptions struct {
	f      *factory
	output string
}

func newVersionCmd(f *factory) *cobra.Command {
	opts := &versionOptions{f: f}
	c := &cobra.Command{
		Use:   "version [-o {text | json}]",
		Short: "Print jwtkit's version, commit and Go version",
		Args:  namedArgs(0, 0, ""),
		Example: `  jwtkit version
  jwtkit version -o json`,
		RunE: func(c *cobra.Command, args []string) error {
			if err := checkOutput(opts.output, "text", "json"); err != nil {
				return err
			}
			if opts.output == "json" {
				return writeJSON(f.IO.Out, f.Version)
			}
			_, err := fmt.Fprintln(f.IO.Out, f.Version.String())
			return err
		},
	}
	addOutputFlag(c, &opts.output, "text", "text or json")
	return c
}

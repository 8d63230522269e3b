package cmd

import (
	"fmt"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// Set at link time by scripts/release.sh:
//
//	go build -ldflags "-X github.com/jwtkit/jwtkit/cmd.version=v1.2.3 -X github.com/jwtkit/jwtkit/cmd.buildDate=2026-01-02T03:04:05Z"
//
// Empty in any other build: the version then comes from the build info (a
// go install'ed module version, or a VCS pseudo-version), the build date is
// unknown.
//
// commit and commitTime are the script's fallback for builds whose
// toolchain recorded no VCS data (a git worktree, -buildvcs=false): read
// from git by the script, never guessed here.
var (
	version    = ""
	buildDate  = ""
	commit     = ""
	commitTime = ""
)

// unknown is what jwtkit says about a fact its build did not record: it
// never guesses.
const unknown = "unknown"

type buildInfo struct {
	Version    string `json:"version"`
	Commit     string `json:"commit"`
	CommitTime string `json:"commit_time"`
	BuildDate  string `json:"build_date"`
	GoVersion  string `json:"go"`
	Platform   string `json:"platform,omitempty"`
	Modified   bool   `json:"modified,omitempty"`
}

func (b buildInfo) String() string {
	or := func(s string) string {
		if s == "" {
			return unknown
		}
		return s
	}
	s := fmt.Sprintf("jwtkit %s (commit %s", or(b.Version), or(b.Commit))
	if b.Modified {
		s += " with local changes"
	}
	s += fmt.Sprintf(", committed %s, built %s, %s", or(b.CommitTime), or(b.BuildDate), or(b.GoVersion))
	if b.Platform != "" {
		s += " " + b.Platform
	}
	return s + ")"
}

func readBuildInfo() buildInfo {
	bi, ok := debug.ReadBuildInfo()
	return buildInfoFrom(bi, ok, linkInfo{version, buildDate, commit, commitTime})
}

// linkInfo is what the release script sets with -ldflags -X.
type linkInfo struct{ Version, BuildDate, Commit, CommitTime string }

// buildInfoFrom says what a build knows about itself: the link-time version
// and date when the release script set them, else the module version; the
// VCS commit, its time and local changes when the toolchain stamped them
// (not under -buildvcs=false, nor in a go install'ed module), else what
// the release script linked in, else "unknown".
func buildInfoFrom(bi *debug.BuildInfo, ok bool, ld linkInfo) buildInfo {
	or := func(s string) string {
		if s == "" {
			return unknown
		}
		return s
	}
	b := buildInfo{Version: ld.Version, Commit: or(ld.Commit), CommitTime: or(ld.CommitTime), BuildDate: or(ld.BuildDate), GoVersion: unknown}
	if len(b.Commit) > 12 {
		b.Commit = b.Commit[:12]
	}
	if ok && bi != nil {
		b.GoVersion = bi.GoVersion
		if b.Version == "" {
			b.Version = bi.Main.Version
		}
		var goos, goarch string
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				b.Commit = s.Value
				if len(b.Commit) > 12 {
					b.Commit = b.Commit[:12]
				}
			case "vcs.time":
				b.CommitTime = s.Value
			case "vcs.modified":
				b.Modified = s.Value == "true"
			case "GOOS":
				goos = s.Value
			case "GOARCH":
				goarch = s.Value
			}
		}
		if goos != "" && goarch != "" {
			b.Platform = goos + "/" + goarch
		}
	}
	if b.Version == "" {
		b.Version = "(devel)"
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
		Short: "Print jwtkit's version, commit, build date and Go version",
		Long: `Print the version jwtkit was built as and what its build recorded: the VCS
commit and commit time (when the Go toolchain stamped them: a build from a
git checkout; not a 'go install module@version' build, nor -buildvcs=false),
the build date (release builds only), the Go version and the platform.
Whatever the build did not record is shown as "unknown", never guessed.

-o json prints {"version", "commit", "commit_time", "build_date", "go",
"platform", "modified"}.`,
		Args: namedArgs(0, 0, ""),
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

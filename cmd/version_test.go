package cmd

import (
	"runtime/debug"
	"testing"
)

// TestBuildInfoFrom: what each kind of build knows, and "unknown" for the
// rest, never a guess.
func TestBuildInfoFrom(t *testing.T) {
	vcs := []debug.BuildSetting{
		{Key: "GOOS", Value: "linux"}, {Key: "GOARCH", Value: "arm64"},
		{Key: "vcs", Value: "git"},
		{Key: "vcs.revision", Value: "0123456789abcdef0123456789abcdef01234567"},
		{Key: "vcs.time", Value: "2026-01-02T03:04:05Z"},
		{Key: "vcs.modified", Value: "true"},
	}
	tests := []struct {
		name string
		bi   *debug.BuildInfo
		ok   bool
		ld   linkInfo
		want string
	}{
		{"no build info", nil, false, linkInfo{},
			"jwtkit (devel) (commit unknown, committed unknown, built unknown, unknown)"},
		{"go install module@version", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.2.3"}, Settings: vcs[:2]}, true, linkInfo{},
			"jwtkit v1.2.3 (commit unknown, committed unknown, built unknown, go1.26.8 linux/arm64)"},
		{"-buildvcs=false checkout", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}}, true, linkInfo{},
			"jwtkit (devel) (commit unknown, committed unknown, built unknown, go1.26.8)"},
		{"checkout with VCS", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v0.0.0-20260102030405-0123456789ab+dirty"}, Settings: vcs}, true, linkInfo{},
			"jwtkit v0.0.0-20260102030405-0123456789ab+dirty (commit 0123456789ab with local changes, committed 2026-01-02T03:04:05Z, built unknown, go1.26.8 linux/arm64)"},
		{"release build", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}, Settings: vcs[:2]}, true,
			linkInfo{Version: "v1.3.0", BuildDate: "2026-02-01T00:00:00Z", Commit: "fedcba9876543210fedcba9876543210fedcba98", CommitTime: "2026-01-31T12:00:00Z"},
			"jwtkit v1.3.0 (commit fedcba987654, committed 2026-01-31T12:00:00Z, built 2026-02-01T00:00:00Z, go1.26.8 linux/arm64)"},
		{"toolchain VCS wins over the script's", &debug.BuildInfo{GoVersion: "go1.26.8", Settings: vcs[:5]}, true, linkInfo{Version: "v1.3.0", Commit: "ffffffffffff"},
			"jwtkit v1.3.0 (commit 0123456789ab, committed 2026-01-02T03:04:05Z, built unknown, go1.26.8 linux/arm64)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := buildInfoFrom(tt.bi, tt.ok, tt.ld).String(); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

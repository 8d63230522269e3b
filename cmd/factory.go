package cmd

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/jwtkit/jwtkit/internal/ui"
)

// factory carries what commands need from the outside world. Tests build one
// with buffers, a fixed clock and a fake environment.
type factory struct {
	IO      *ui.Streams
	Now     func() time.Time
	Getenv  func(string) string
	Version buildInfo
	// HTTPClient builds the client for JWKS fetches and probes. timeout and
	// proxy come from flags; proxy "" means no proxy.
	HTTPTransport http.RoundTripper // nil: a fresh hardened transport per use
	// CallbackGrace is probe's wait for a late fetch by the target (0: the
	// default 5 s); in-process tests set it negative (no wait).
	CallbackGrace time.Duration
	// Quiet drops notes (verify -q); warnings and errors still go to stderr.
	Quiet bool
}

// notef prints a note on stderr unless the command runs quietly.
func (f *factory) notef(format string, a ...any) {
	if !f.Quiet {
		fmt.Fprintf(f.IO.ErrOut, "note: "+format+"\n", a...)
	}
}

func newSystemFactory() *factory {
	io := ui.System()
	return &factory{
		IO:      io,
		Now:     time.Now,
		Getenv:  os.Getenv,
		Version: readBuildInfo(),
	}
}

// homeDir is jwtkit's config directory: $JWTKIT_HOME, else the OS user
// config dir + /jwtkit.
func (f *factory) homeDir() (string, error) {
	if h := f.Getenv("JWTKIT_HOME"); h != "" {
		return h, nil
	}
	base, err := os.UserConfigDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(base, "jwtkit"), nil
}

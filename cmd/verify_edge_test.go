package cmd

import (
	"errors"
	"strings"
	"testing"

	"github.com/jwtkit/jwtkit/pkg/token"
)

// TestVerifySafelyRecovers holds the command line's promise that a bug in
// verification becomes a malformed verdict, not a crash: a nil verifier
// panics inside Verify.
func TestVerifySafelyRecovers(t *testing.T) {
	t.Parallel()
	res := verifySafely(nil, "a.b.c")
	if res.Valid || res.Reason != token.ReasonMalformed || !errors.Is(res.Err, token.ErrMalformed) || len(res.Checks) != 1 {
		t.Fatalf("verifySafely(nil) = %+v, want a malformed verdict", res)
	}
	if reasonExitCode(res.Reason) != ExitMalformed {
		t.Errorf("exit code %d, want %d", reasonExitCode(res.Reason), ExitMalformed)
	}
}

// TestDecodeSafelyRecovers: a bug that panics while decoding one token is a
// malformed error (exit 3) naming an internal error, never a stack trace.
func TestDecodeSafelyRecovers(t *testing.T) {
	t.Parallel()
	f, out, errOut := testFactory(t, "", nil)
	opts := &decodeOptions{f: f, Args: []string{"a.b.c"}, Output: "text", parse: func(string) (*token.Token, error) { panic("boom") }}
	err := runDecode(opts)
	if !errors.Is(err, token.ErrMalformed) || !strings.Contains(err.Error(), "internal error") || exitCode(err) != ExitMalformed {
		t.Fatalf("runDecode with a panicking parser: %v (exit %d), stdout %q, stderr %q", err, exitCode(err), out, errOut)
	}
}

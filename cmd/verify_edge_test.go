package cmd

import (
	"errors"
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

package cmd

import (
	"errors"
	"fmt"
	"strings"

	"github.com/jwtkit/jwtkit/pkg/keys"
	"github.com/jwtkit/jwtkit/pkg/token"
)

// The exit-code table. It is the only place codes are defined; README.md and
// every command's help repeat it.
const (
	ExitOK          = 0 // success; the token is valid
	ExitError       = 1 // runtime error: unreadable file, network failure, anything unexpected
	ExitUsage       = 2 // usage error: unknown flag, missing or conflicting arguments
	ExitMalformed   = 3 // token malformed
	ExitSignature   = 4 // signature invalid, algorithm not allowed, or no matching key
	ExitTime        = 5 // token expired, not yet valid, or issued in the future
	ExitPolicy      = 6 // claim policy failed
	ExitProbeFailed = 7 // probe: at least one check failed
)

// exitStatusHelp is the root help's EXIT STATUS section: every code.
var exitStatusHelp = exitStatusSection("success; the token is valid",
	ExitOK, ExitError, ExitUsage, ExitMalformed, ExitSignature, ExitTime, ExitPolicy, ExitProbeFailed)

// exitStatusSection is the EXIT STATUS section appended to the Long help of
// a command that can exit with codes other than 0, 1 and 2: it lists only
// the codes that command can exit with (zero says what 0 means there), so
// decode's help does not promise a signature verdict.
func exitStatusSection(zero string, codes ...int) string {
	var b strings.Builder
	b.WriteString("\nEXIT STATUS")
	verdicts := 0
	for _, c := range codes {
		meaning := exitMeaning(c)
		if c == ExitOK {
			meaning = zero
		}
		if c >= ExitMalformed && c <= ExitPolicy {
			verdicts++
		}
		fmt.Fprintf(&b, "\n  %d  %s", c, meaning)
	}
	if verdicts > 1 {
		b.WriteString("\n  When several apply, the lowest of 3-6 wins.")
	}
	return b.String()
}

// exitMeaning is a code's line in the exit-code table.
func exitMeaning(code int) string {
	switch code {
	case ExitOK:
		return "success"
	case ExitError:
		return "runtime error: unreadable file, network failure, anything unexpected"
	case ExitUsage:
		return "usage error: unknown flag, missing or conflicting arguments"
	case ExitMalformed:
		return "token malformed"
	case ExitSignature:
		return "signature invalid, algorithm not allowed, or no matching key"
	case ExitTime:
		return "token expired, not yet valid, or issued in the future"
	case ExitPolicy:
		return "claim policy failed: iss, aud, sub, role, scope, required claim, max age"
	case ExitProbeFailed:
		return "probe: at least one check failed"
	}
	return ""
}

// ExitError carries an exit code through the error chain. Main turns it into
// the process status; its message (if any) is printed once on stderr.
type exitError struct {
	code int
	err  error // nil: exit silently with code (the verdict was already printed)
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit status %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// withCode attaches an exit code to err.
func withCode(code int, err error) error { return &exitError{code: code, err: err} }

// silentExit ends the command with code and prints nothing more: the command
// already reported its verdict on stdout.
func silentExit(code int) error { return &exitError{code: code} }

// usageError is a usage mistake; Main adds a pointer to --help.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

// usagef builds a usage error (exit 2).
func usagef(format string, a ...any) error {
	return &usageError{fmt.Errorf(format, a...)}
}

// exitCode maps an error to its exit status.
func exitCode(err error) int {
	if err == nil {
		return ExitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	var ue *usageError
	if errors.As(err, &ue) || isKeySourceUsage(err) {
		return ExitUsage
	}
	switch {
	case errors.Is(err, keys.ErrPasswordRequired):
		// An encrypted key, no passphrase flag and no terminal: the
		// command line lacks a flag.
		return ExitUsage
	case errors.Is(err, keys.ErrWrongPassword):
		return ExitError
	}
	return ExitError
}

// reasonExitCode maps a verdict's failure category onto the exit-code
// table: pkg/token knows categories, only cmd knows codes.
func reasonExitCode(r token.Reason) int {
	switch r.Category() {
	case token.CategoryNone:
		return ExitOK
	case token.CategoryMalformed:
		return ExitMalformed
	case token.CategoryKey:
		return ExitSignature
	case token.CategoryTime:
		return ExitTime
	case token.CategoryPolicy:
		return ExitPolicy
	}
	return ExitError
}

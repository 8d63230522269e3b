package cmd

import (
	"strings"
	"testing"

	"github.com/jwtkit/jwtkit/internal/safetext"
)

// hostile holds every kind of character a token may use to drive a
// terminal: ESC (C0), DEL, the 8-bit CSI (C1) and a bidi override.
const hostile = "x\x1b[2J\x7f\u009b31m\u202egnp.exe"

// assertNoControls fails when text holds a character safetext escapes
// (newlines and tabs of jwtkit's own layout aside).
func assertNoControls(t *testing.T, what, text string) {
	t.Helper()
	for _, r := range text {
		if r != '\n' && r != '\t' && safetext.Unsafe(r) {
			t.Errorf("%s holds the raw control %U:\n%q", what, r, text)
			return
		}
	}
}

// TestTerminalOutputEscapesControls: a token's claims, header and the
// details about them cannot hijack the terminal in decode or verify text.
func TestTerminalOutputEscapesControls(t *testing.T) {
	t.Parallel()
	tok := mintHS(t, "--sub", hostile, "--claim", "note="+hostile, "--header", "x5u="+hostile, "--kid", hostile, "--aud", hostile)
	for _, args := range [][]string{
		{"decode", tok},
		{"decode", "--claim", "sub", tok},
		{"decode", "--claim", "note", tok},
		{"verify", tok, "--secret-env", "SECRET_KEY", "--sub", "someone-else", "--aud", "api"},
		{"verify", tok, "--secret-env", "SECRET_KEY"},
		{"verify", tok, "--secret-env", "WRONG"},
		{"verify", tok + "x", "--secret-env", "SECRET_KEY"},
	} {
		_, out, errOut := runCmd(t, "", map[string]string{"SECRET_KEY": hsEnv["SECRET_KEY"], "WRONG": strings.Repeat("w", 32)}, args...)
		assertNoControls(t, strings.Join(args[:2], " ")+" stdout", out)
		assertNoControls(t, strings.Join(args[:2], " ")+" stderr", errOut)
		if args[0] == "decode" && len(args) == 2 && !strings.Contains(out, `\u202e`) {
			t.Errorf("decode does not show the bidi override escaped:\n%s", out)
		}
	}
}

// TestBinaryLineCostsOneVerdict: a line holding a NUL byte gets its own
// malformed verdict and the batch goes on; exit code and summary count it.
func TestBinaryLineCostsOneVerdict(t *testing.T) {
	t.Parallel()
	tok := mintHS(t, "--sub", "alice")
	in := tok + "\nbad\x00line\n" + tok + "\n"
	for _, args := range [][]string{{"verify", "--batch", "--secret-env", "SECRET_KEY", "--summary"}, {"decode", "--batch", "--summary"}} {
		code, out, errOut := runCmd(t, in, hsEnv, args...)
		lines := strings.Split(strings.TrimSpace(out), "\n")
		if code != ExitMalformed || len(lines) != 3 || !strings.Contains(lines[1], `"line":2`) || !strings.Contains(lines[1], "NUL byte") || !strings.Contains(lines[2], `"line":3`) {
			t.Errorf("%s: exit %d, %d lines:\n%s", args[0], code, len(lines), out)
		}
		if !strings.Contains(errOut, "3 lines, 3 tokens") || !strings.Contains(errOut, "1 malformed") {
			t.Errorf("%s summary: %q", args[0], errOut)
		}
	}
}

package cmd

import (
	"fmt"
	"io"

	"github.com/jwtkit/jwtkit/pkg/token"
)

// readToken takes the token from the argument, from "-", or from piped stdin
// when no argument is given. Input beyond token.MaxTokenBytes (plus room for
// a "Authorization: Bearer " prefix and whitespace) is refused without
// reading further, so a flood on stdin ends at once.
func readToken(f *factory, args []string) (string, error) {
	if len(args) == 1 && args[0] != "-" {
		t := cleanToken(f, args[0])
		if t == "" {
			// verify "$TOKEN" with TOKEN unset: the same mistake as empty
			// stdin, so the same code (not exit 3 for a malformed token).
			return "", usagef("no token: the token argument is empty; is $TOKEN set?")
		}
		return t, nil
	}
	if len(args) == 0 && f.IO.InTTY {
		return "", usagef("no token: pass it as an argument, or pipe it on stdin")
	}
	limit := int64(token.MaxTokenBytes + 4096)
	b, err := io.ReadAll(io.LimitReader(f.IO.In, limit+1))
	if err != nil {
		return "", fmt.Errorf("reading token from stdin: %w", err)
	}
	if int64(len(b)) > limit {
		return "", withCode(ExitMalformed, fmt.Errorf("token on stdin is larger than %d bytes: %w", token.MaxTokenBytes, token.ErrTooLarge))
	}
	t := cleanToken(f, string(b))
	if t == "" {
		// The same mistake as no argument on a terminal, so the same code.
		return "", usagef("no token: stdin is empty; pass the token as an argument or pipe it in")
	}
	return t, nil
}

// cleanToken is token.CleanInput with a note when a pair of quotes or
// angle brackets came off: the token itself is never repeated.
func cleanToken(f *factory, raw string) string {
	t, pair := token.CleanInput(raw)
	if pair != "" {
		f.notef("removed the %s around the token", pair)
	}
	return t
}

// malformed wraps a token parse error with exit code 3.
func malformed(err error) error {
	return withCode(ExitMalformed, fmt.Errorf("decoding token: %w", err))
}

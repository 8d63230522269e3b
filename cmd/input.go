package cmd

import (
	"errors"
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
		return token.Clean(args[0]), nil
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
	t := token.Clean(string(b))
	if t == "" {
		return "", withCode(ExitMalformed, errors.New("no token on stdin: the input is empty"))
	}
	return t, nil
}

// malformed wraps a token parse error with exit code 3.
func malformed(err error) error {
	return withCode(ExitMalformed, fmt.Errorf("decoding token: %w", err))
}

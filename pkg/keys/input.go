package keys

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// ReadInputFile reads a file the user named, with one clear message per
// failure, each naming it as what (e.g. "key file") and its path: it does
// not exist (wraps fs.ErrNotExist), is a folder, cannot be read, is larger
// than max bytes (wraps ErrTooLarge) or holds only white space (wraps
// ErrEmpty).
func ReadInputFile(path, what string, max int64) ([]byte, error) {
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, &msgError{fmt.Sprintf("%s %q does not exist", what, path), fs.ErrNotExist}
	case err != nil:
		return nil, fmt.Errorf("%s %q: %w", what, path, errors.Unwrap(err))
	case fi.IsDir():
		return nil, fmt.Errorf("%s %q is a folder, not a file", what, path)
	}
	fh, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%s %q cannot be read: %w", what, path, errors.Unwrap(err))
	}
	defer fh.Close()
	b, err := io.ReadAll(io.LimitReader(fh, max+1))
	if err != nil {
		return nil, fmt.Errorf("reading %s %q: %w", what, path, err)
	}
	if int64(len(b)) > max {
		return nil, &msgError{fmt.Sprintf("%s %q is larger than %d bytes", what, path, max), ErrTooLarge}
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return nil, &msgError{fmt.Sprintf("%s %q is empty", what, path), ErrEmpty}
	}
	return b, nil
}

// readStdin reads at most max bytes of r for what ("key"), with the
// messages of a key on standard input.
func readStdin(r io.Reader, what string, max int64) ([]byte, error) {
	if r == nil {
		return nil, fmt.Errorf("reading %s from stdin: no standard input given", what)
	}
	b, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, fmt.Errorf("reading %s from stdin: %w", what, err)
	}
	if int64(len(b)) > max {
		return nil, &msgError{fmt.Sprintf("%s on stdin is larger than %d bytes", what, max), ErrTooLarge}
	}
	return b, nil
}

// taggedError is an error whose message is msg and which wraps every one
// of errs without repeating their text.
type taggedError struct {
	msg  string
	errs []error
}

func (e *taggedError) Error() string   { return e.msg }
func (e *taggedError) Unwrap() []error { return e.errs }

// tagf builds a taggedError: the message from format and a, wrapping errs.
func tagf(errs []error, format string, a ...any) error {
	return &taggedError{fmt.Sprintf(format, a...), errs}
}

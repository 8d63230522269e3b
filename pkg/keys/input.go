package keys

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/jwtkit/jwtkit/internal/safetext"
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
		return nil, tagf([]error{fs.ErrNotExist}, "%s %s does not exist", what, safetext.FileName(path))
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
		return nil, tagf([]error{ErrTooLarge}, "%s %q is larger than %d bytes", what, path, max)
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return nil, tagf([]error{ErrEmpty}, "%s %q is empty", what, path)
	}
	return b, nil
}

// ReadInput reads what ("key") from standard input r, as ReadInputFile
// reads a file: at most MaxFileBytes (else an error wrapping ErrTooLarge),
// with messages that name stdin.
func ReadInput(r io.Reader, what string) ([]byte, error) {
	return readStdin(r, what, MaxFileBytes)
}

// ReadSecretInput reads an HMAC secret from standard input r, as a
// Source reads its SecretFile: at most MaxSecretFileBytes (else an error
// wrapping ErrTooLarge, never a silent cut), with messages that name stdin.
func ReadSecretInput(r io.Reader) ([]byte, error) {
	return readStdin(r, "secret", MaxSecretFileBytes)
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
		return nil, tagf([]error{ErrTooLarge}, "%s on stdin is larger than %d bytes", what, max)
	}
	return b, nil
}

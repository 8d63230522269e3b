package keys

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// DevKeyFile is the name of the development key inside jwtkit's folder.
const DevKeyFile = "dev.pem"

// DevKey loads the development ES256 key from dir/dev.pem, creating it
// (0600, folder 0700) on first use. created reports a fresh key. The key
// is loaded from the file either way, so it looks the same on every run:
// kid = thumbprint, no pinned alg (its curve gives ES256), Source "dev key".
func DevKey(dir string) (k *Key, path string, created bool, err error) {
	if dir == "" {
		return nil, "", false, errors.New("no folder given for the development key")
	}
	path = filepath.Join(dir, DevKeyFile)
	if _, err := os.Lstat(path); errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, path, false, fmt.Errorf("creating folder %q: %w", dir, unwrapPath(err))
		}
		gen, err := Generate("ES256", GenerateOptions{})
		if err != nil {
			return nil, path, false, err
		}
		pemData, err := MarshalPEM(gen, true)
		if err != nil {
			return nil, path, false, err
		}
		switch err := WriteFile(path, pemData, 0o600, false); {
		case err == nil:
			created = true
		case errors.Is(err, ErrExists):
			// Another jwtkit created it meanwhile: use theirs.
		default:
			return nil, path, false, err
		}
	}
	k, err = loadDevKey(path)
	if err != nil {
		return nil, path, false, err
	}
	return k, path, created, nil
}

// ErrNoDevKey: there is no development key yet and the caller did not ask
// for one to be created.
var ErrNoDevKey = errors.New("no development key")

// LoadDevKey loads the development key from dir/dev.pem without creating
// it: a missing file is ErrNoDevKey. A verifier uses it, since a fresh key
// could verify nothing.
func LoadDevKey(dir string) (k *Key, path string, err error) {
	path = filepath.Join(dir, DevKeyFile)
	if _, err := os.Lstat(path); errors.Is(err, fs.ErrNotExist) {
		return nil, path, fmt.Errorf("%s does not exist: %w", path, ErrNoDevKey)
	}
	k, err = loadDevKey(path)
	return k, path, err
}

// DevKeyExposed reports whether the development key file at path can be
// read or written by users other than its owner.
func DevKeyExposed(path string) (fs.FileMode, bool) {
	fi, err := os.Stat(path)
	if err != nil {
		return 0, false
	}
	return fi.Mode().Perm(), fi.Mode().Perm()&0o077 != 0
}

func loadDevKey(path string) (*Key, error) {
	data, err := ReadInputFile(path, "development key", MaxFileBytes)
	if err != nil {
		return nil, fmt.Errorf("%w (delete it to make a new one)", err)
	}
	set, err := Parse(data, path)
	if err != nil {
		return nil, fmt.Errorf("reading development key %q: %w (delete it to make a new one)", path, err)
	}
	if len(set.Keys) != 1 || !set.Keys[0].IsPrivate() || set.Keys[0].Type == Oct {
		return nil, fmt.Errorf("development key %q must hold exactly one private key; delete it to make a new one: %w", path, ErrInvalidKey)
	}
	k := set.Keys[0]
	k.Source = "dev key"
	return k, nil
}

package keys

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// WriteFile writes data atomically: a temp file in the same folder created
// with perm (0600 for private material) from the start, fsync, rename. It
// refuses (ErrExists) to replace an existing file unless force, never writes
// through a symlink, and leaves no partial file behind on any error.
//
// Without force the final step is a hard link of the temp file to path,
// which fails when path exists, so a file created meanwhile by someone else
// is never replaced. On a filesystem without hard links it falls back to a
// check and a rename. With force, path must not be a symlink or a folder;
// the rename replaces the link itself, never its target. Errors name path.
func WriteFile(path string, data []byte, perm os.FileMode, force bool) error {
	if path == "" {
		return errors.New("no output path given")
	}
	if err := checkTarget(path, force); err != nil {
		return err
	}
	dir := filepath.Dir(path)
	if err := checkDir(path, dir); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		if errors.Is(err, fs.ErrPermission) {
			return fmt.Errorf("folder %q is not writable: %w", dir, fs.ErrPermission)
		}
		return fmt.Errorf("creating a file in %q: %w", dir, unwrapPath(err))
	}
	tmpName := tmp.Name()
	done := false
	defer func() {
		if !done {
			tmp.Close()
			os.Remove(tmpName)
		}
	}()
	// CreateTemp made it 0600; set the final mode before any data is in it.
	if err := tmp.Chmod(perm.Perm()); err != nil {
		return fmt.Errorf("setting the mode of %q: %w", path, unwrapPath(err))
	}
	if _, err := tmp.Write(data); err != nil {
		return fmt.Errorf("writing %q: %w", path, unwrapPath(err))
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("writing %q: %w", path, unwrapPath(err))
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("writing %q: %w", path, unwrapPath(err))
	}
	if force {
		// Check again right before the rename: a symlink planted since the
		// first check is still refused.
		if err := checkTarget(path, true); err != nil {
			return err
		}
		if err := os.Rename(tmpName, path); err != nil {
			return fmt.Errorf("replacing %q: %w", path, unwrapLink(err))
		}
	} else {
		if err := os.Link(tmpName, path); err != nil {
			if errors.Is(err, fs.ErrExist) {
				return existsError(path)
			}
			// No hard links here (some network and FAT filesystems).
			if _, lerr := os.Lstat(path); lerr == nil {
				return existsError(path)
			}
			if err := os.Rename(tmpName, path); err != nil {
				return fmt.Errorf("creating %q: %w", path, unwrapLink(err))
			}
		} else {
			os.Remove(tmpName)
		}
	}
	done = true
	syncDir(dir)
	return nil
}

func existsError(path string) error {
	return tagf([]error{ErrExists}, "%q already exists", path)
}

// checkTarget refuses folders, symlinks and special files at path, and any
// existing file unless force.
func checkTarget(path string, force bool) error {
	fi, err := os.Lstat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case errors.Is(err, syscall.ENOTDIR):
		return fmt.Errorf("cannot write %q: a part of the path is a file, not a folder", path)
	case err != nil:
		return fmt.Errorf("cannot write %q: %w", path, unwrapPath(err))
	case fi.IsDir():
		return fmt.Errorf("%q is a folder, not a file", path)
	case fi.Mode()&fs.ModeSymlink != 0:
		return fmt.Errorf("%q is a symbolic link; jwtkit never writes through one (remove it first)", path)
	case !fi.Mode().IsRegular():
		return fmt.Errorf("%q is not a regular file", path)
	case !force:
		return existsError(path)
	}
	return nil
}

// checkDir refuses a missing folder dir for path, or one that is not a
// folder.
func checkDir(path, dir string) error {
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("cannot write %q: folder %q does not exist", path, dir)
	case errors.Is(err, syscall.ENOTDIR):
		return fmt.Errorf("%q is not a folder", dir)
	case err != nil:
		return fmt.Errorf("folder %q: %w", dir, unwrapPath(err))
	case !fi.IsDir():
		return fmt.Errorf("%q is not a folder", dir)
	}
	return nil
}

// unwrapLink drops the *os.LinkError wrapper, whose message names the temp
// file.
func unwrapLink(err error) error {
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}

// syncDir makes the new directory entry durable; failure only weakens
// durability after a crash, so it is not reported.
func syncDir(dir string) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	_ = d.Sync()
	d.Close()
}

package keys

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// OutFile is one file for WriteFiles.
type OutFile struct {
	Path string
	Data []byte
	// Perm is the file's mode: 0600 for private keys and secrets.
	Perm fs.FileMode
	// Desc names the file in errors while writing ("private key"); "" names
	// it by its path.
	Desc string
}

// WriteFiles writes files all or nothing, each as WriteFile does
// (atomically, never through a symlink, never replacing without force).
//
// Every target is checked before anything is written: an existing file
// without force (ErrExists), a folder, a symlink, a special file, a missing
// folder or the same path twice is refused as it is, and nothing is
// touched. An error while writing is wrapped as "writing <Desc>: ..." and
// undoes the files already written: new ones are removed, and ones that
// force replaced get their old content back (kept meanwhile as a hard
// link; on a filesystem without hard links a replaced file cannot be
// restored and keeps its new content).
func WriteFiles(files []OutFile, force bool) error {
	paths := make([]string, len(files))
	for i, f := range files {
		paths[i] = f.Path
	}
	if err := CheckTargets(paths, force); err != nil {
		return err
	}
	type done struct {
		path, backup string // backup: the replaced file's old content, "" = none
	}
	var written []done
	undo := func() {
		for i := len(written) - 1; i >= 0; i-- {
			if w := written[i]; w.backup != "" {
				os.Rename(w.backup, w.path)
			} else {
				os.Remove(w.path)
			}
		}
	}
	for _, f := range files {
		backup := ""
		if force {
			backup = keepOld(f.Path)
		}
		if err := WriteFile(f.Path, f.Data, f.Perm, force); err != nil {
			if backup != "" {
				os.Remove(backup)
			}
			undo()
			what := f.Desc
			if what == "" {
				what = fmt.Sprintf("%q", f.Path)
			}
			return fmt.Errorf("writing %s: %w", what, err)
		}
		written = append(written, done{f.Path, backup})
	}
	for _, w := range written {
		if w.backup != "" {
			os.Remove(w.backup)
		}
	}
	return nil
}

// CheckTargets refuses, before anything is written, what WriteFiles (and
// WriteFile) would refuse: an empty path, the same path twice, an existing
// file without force (ErrExists), a folder, a symlink, a special file or a
// missing folder. A caller with slow work to do before writing (generating
// an RSA key) checks first.
func CheckTargets(paths []string, force bool) error {
	seen := map[string]bool{}
	for _, p := range paths {
		if p == "" {
			return errors.New("no output path given")
		}
		clean := filepath.Clean(p)
		if seen[clean] {
			return fmt.Errorf("%q is named twice", p)
		}
		seen[clean] = true
		if err := checkTarget(p, force); err != nil {
			return err
		}
		if err := checkDir(p, filepath.Dir(p)); err != nil {
			return err
		}
	}
	return nil
}

// keepOld hard-links an existing regular file at path to a fresh name
// beside it, so that it can be put back; "" when there is nothing to keep
// or no way to keep it.
func keepOld(path string) string {
	if fi, err := os.Lstat(path); err != nil || !fi.Mode().IsRegular() {
		return ""
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".old-*")
	if err != nil {
		return ""
	}
	name := tmp.Name()
	tmp.Close()
	// Link cannot replace: free the name first. Only this process knows it.
	os.Remove(name)
	if err := os.Link(path, name); err != nil {
		return ""
	}
	return name
}

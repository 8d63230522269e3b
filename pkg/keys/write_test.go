package keys_test

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/jwtkit/jwtkit/pkg/keys"
)

// leftovers fails when dir holds anything but want (temp files left behind).
func leftovers(t *testing.T, dir string, want ...string) {
	t.Helper()
	entries, _ := os.ReadDir(dir)
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("folder holds %v, want %v", got, want)
	}
}

func TestWriteFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "k.pem")

	if err := keys.WriteFile(path, []byte("one"), 0o600, false); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil || (runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600) {
		t.Fatalf("mode %v, %v", fi.Mode(), err)
	}

	err = keys.WriteFile(path, []byte("two"), 0o600, false)
	if !errors.Is(err, keys.ErrExists) || err.Error() != `"`+path+`" already exists` {
		t.Errorf("second write without force: %v", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "one" {
		t.Errorf("file was replaced without force: %q", b)
	}

	if err := keys.WriteFile(path, []byte("three"), 0o644, true); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "three" {
		t.Errorf("force did not replace: %q", b)
	}
	if fi, _ := os.Stat(path); runtime.GOOS != "windows" && fi.Mode().Perm() != 0o644 {
		t.Errorf("mode after force %v", fi.Mode())
	}
	leftovers(t, dir, "k.pem")
}

func TestWriteFileModeIgnoresUmask(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no POSIX modes")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "pub.pem")
	if err := keys.WriteFile(path, []byte("x"), 0o644, false); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, want 0644", fi.Mode())
	}
}

func TestWriteFileRefusals(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "target")
	os.WriteFile(target, []byte("precious"), 0o600)
	link := filepath.Join(dir, "link.pem")
	if err := os.Symlink(target, link); err != nil {
		t.Skipf("no symlinks: %v", err)
	}
	dangling := filepath.Join(dir, "dangling.pem")
	os.Symlink(filepath.Join(dir, "nowhere"), dangling)
	sub := filepath.Join(dir, "sub")
	os.Mkdir(sub, 0o755)
	file := filepath.Join(dir, "file")
	os.WriteFile(file, nil, 0o600)

	tests := []struct {
		name  string
		path  string
		force bool
		want  error
		msg   string
	}{
		{"symlink", link, false, nil, "is a symbolic link"},
		{"symlink with force", link, true, nil, "is a symbolic link"},
		{"dangling symlink", dangling, true, nil, "is a symbolic link"},
		{"folder", sub, true, nil, "is a folder, not a file"},
		{"missing folder", filepath.Join(dir, "nope", "k.pem"), false, nil, "does not exist"},
		{"parent is a file", filepath.Join(file, "k.pem"), false, nil, "not a folder"},
		{"empty path", "", false, nil, "no output path"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := keys.WriteFile(tt.path, []byte("evil"), 0o600, tt.force)
			if err == nil {
				t.Fatal("no error")
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("error %v does not wrap %v", err, tt.want)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("error %q lacks %q", err, tt.msg)
			}
		})
	}
	if b, _ := os.ReadFile(target); string(b) != "precious" {
		t.Errorf("symlink target was written: %q", b)
	}
	if _, err := os.Lstat(filepath.Join(dir, "nowhere")); err == nil {
		t.Error("dangling symlink was followed")
	}
	leftovers(t, dir, "dangling.pem", "file", "link.pem", "sub", "target")
}

func TestWriteFileUnwritableFolder(t *testing.T) {
	if runtime.GOOS == "windows" || os.Geteuid() == 0 {
		t.Skip("needs a non-root POSIX user: root writes anywhere")
	}
	dir := t.TempDir()
	ro := filepath.Join(dir, "ro")
	os.Mkdir(ro, 0o500)
	defer os.Chmod(ro, 0o700)
	err := keys.WriteFile(filepath.Join(ro, "k.pem"), []byte("x"), 0o600, false)
	if err == nil || !strings.Contains(err.Error(), "is not writable") {
		t.Errorf("error %v", err)
	}
}

// TestWriteFileNoPartialFile: a temp file that cannot be created leaves
// nothing behind.
func TestWriteFileNoPartialFile(t *testing.T) {
	dir := t.TempDir()
	// A name so long that the temp name (longer still) cannot be created.
	long := filepath.Join(dir, strings.Repeat("k", 250))
	if err := keys.WriteFile(long, []byte("x"), 0o600, false); err == nil {
		t.Skip("filesystem accepts very long names")
	}
	leftovers(t, dir)
}

// TestWriteFileDiskFull makes the write itself fail, as on a full disk, in
// a child process whose file size limit is 16 bytes (RLIMIT_FSIZE; the
// limit would hit every test if set here). Nothing may be left behind.
func TestWriteFileDiskFull(t *testing.T) {
	if dir := os.Getenv("JWTKIT_WRITEFILE_CHILD"); dir != "" {
		if err := limitFileSize(16); err != nil {
			t.Skip(err)
		}
		err := keys.WriteFile(filepath.Join(dir, "k.pem"), make([]byte, 4096), 0o600, false)
		if err == nil {
			t.Fatal("write beyond the size limit succeeded")
		}
		t.Logf("error: %v", err)
		return
	}
	if runtime.GOOS != "linux" {
		t.Skip("uses RLIMIT_FSIZE")
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestWriteFileDiskFull$", "-test.v")
	cmd.Env = append(os.Environ(), "JWTKIT_WRITEFILE_CHILD="+dir)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "file too large") {
		t.Logf("child output:\n%s", out)
	}
	leftovers(t, dir)
}

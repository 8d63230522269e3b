package keys_test

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/jwtkit/jwtkit/pkg/keys"
)

// failingName is a file name that passes every check but whose temp file
// cannot be created (its name is too long), so that writing it fails after
// the files before it were written.
func failingName(t *testing.T, dir string) string {
	t.Helper()
	long := filepath.Join(dir, strings.Repeat("k", 250))
	if err := keys.WriteFile(long, []byte("x"), 0o600, false); err == nil {
		t.Skip("filesystem accepts very long names")
	}
	return long
}

func TestWriteFiles(t *testing.T) {
	dir := t.TempDir()
	priv, pub := filepath.Join(dir, "k.pem"), filepath.Join(dir, "k.pub.pem")
	files := []keys.OutFile{
		{Path: priv, Data: []byte("private"), Perm: 0o600, Desc: "private key"},
		{Path: pub, Data: []byte("public"), Perm: 0o644, Desc: "public key"},
	}
	if err := keys.WriteFiles(files, false); err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f.Path)
		if err != nil || string(b) != string(f.Data) {
			t.Errorf("%s holds %q, %v", f.Path, b, err)
		}
		if fi, _ := os.Stat(f.Path); runtime.GOOS != "windows" && fi.Mode().Perm() != f.Perm {
			t.Errorf("%s: mode %v, want %v", f.Path, fi.Mode().Perm(), f.Perm)
		}
	}
	// Again without force: refused before anything is written.
	err := keys.WriteFiles(files, false)
	if !errors.Is(err, keys.ErrExists) || err.Error() != `"`+priv+`" already exists` {
		t.Errorf("without force: %v", err)
	}
	// With force: replaced, and no backup left behind.
	files[0].Data, files[1].Data = []byte("private 2"), []byte("public 2")
	if err := keys.WriteFiles(files, true); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(priv); string(b) != "private 2" {
		t.Errorf("not replaced: %q", b)
	}
	leftovers(t, dir, "k.pem", "k.pub.pem")
}

// A refusal of any target comes before anything is written.
func TestWriteFilesChecksEveryTargetFirst(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "target")
	os.WriteFile(target, []byte("precious"), 0o600)
	link := filepath.Join(dir, "link.pem")
	if err := os.Symlink(target, link); err != nil {
		t.Skipf("no symlinks: %v", err)
	}
	existing := filepath.Join(dir, "existing.pem")
	os.WriteFile(existing, []byte("old"), 0o600)
	fresh := filepath.Join(dir, "fresh.pem")

	tests := []struct {
		name  string
		path  string
		force bool
		want  error
		msg   string
	}{
		{"planted symlink", link, false, nil, `"` + link + `" is a symbolic link; jwtkit never writes through one (remove it first)`},
		{"planted symlink with force", link, true, nil, "is a symbolic link"},
		{"existing file", existing, false, keys.ErrExists, `"` + existing + `" already exists`},
		{"folder", dir, true, nil, "is a folder, not a file"},
		{"missing folder", filepath.Join(dir, "nope", "k.pem"), false, nil, `cannot write "` + filepath.Join(dir, "nope", "k.pem") + `": folder "` + filepath.Join(dir, "nope") + `" does not exist`},
		{"named twice", fresh, false, nil, `"` + fresh + `" is named twice`},
		{"empty path", "", false, nil, "no output path given"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := []keys.OutFile{
				{Path: fresh, Data: []byte("new"), Perm: 0o600},
				{Path: tt.path, Data: []byte("evil"), Perm: 0o644},
			}
			err := keys.WriteFiles(files, tt.force)
			if err == nil {
				t.Fatal("no error")
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("error %v does not wrap %v", err, tt.want)
			}
			if err.Error() != tt.msg && !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("error %q lacks %q", err, tt.msg)
			}
			if strings.HasPrefix(err.Error(), "writing") {
				t.Errorf("refusal %q reads as a write failure", err)
			}
			leftovers(t, dir, "existing.pem", "link.pem", "target")
		})
	}
	if b, _ := os.ReadFile(target); string(b) != "precious" {
		t.Errorf("symlink target was written: %q", b)
	}
	if b, _ := os.ReadFile(existing); string(b) != "old" {
		t.Errorf("existing file was written: %q", b)
	}
}

// A failure while writing removes the files already written.
func TestWriteFilesRollsBackNewFiles(t *testing.T) {
	dir := t.TempDir()
	bad := failingName(t, dir)
	files := []keys.OutFile{
		{Path: filepath.Join(dir, "a.pem"), Data: []byte("a"), Perm: 0o600, Desc: "private key"},
		{Path: filepath.Join(dir, "b.pem"), Data: []byte("b"), Perm: 0o644},
		{Path: bad, Data: []byte("c"), Perm: 0o644, Desc: "public key"},
	}
	err := keys.WriteFiles(files, false)
	if err == nil || !strings.HasPrefix(err.Error(), "writing public key: ") {
		t.Fatalf("error %v, want a write failure naming the public key", err)
	}
	leftovers(t, dir)

	files[2].Desc = ""
	err = keys.WriteFiles(files, false)
	if err == nil || !strings.HasPrefix(err.Error(), `writing "`+bad+`": `) {
		t.Errorf("without Desc: %v", err)
	}
	leftovers(t, dir)
}

// With force, a failure puts back the old content of the files replaced.
func TestWriteFilesRollsBackReplacedFiles(t *testing.T) {
	dir := t.TempDir()
	bad := failingName(t, dir)
	a, b := filepath.Join(dir, "a.pem"), filepath.Join(dir, "b.pem")
	os.WriteFile(a, []byte("old a"), 0o600)
	files := []keys.OutFile{
		{Path: a, Data: []byte("new a"), Perm: 0o644},
		{Path: b, Data: []byte("new b"), Perm: 0o644},
		{Path: bad, Data: []byte("c"), Perm: 0o644},
	}
	if err := keys.WriteFiles(files, true); err == nil {
		t.Fatal("no error")
	}
	got, _ := os.ReadFile(a)
	if string(got) != "old a" {
		t.Errorf("a.pem holds %q after the rollback, want its old content", got)
	}
	if fi, _ := os.Stat(a); runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Errorf("a.pem mode %v after the rollback, want 0600", fi.Mode().Perm())
	}
	leftovers(t, dir, "a.pem")
}

func TestCheckTargets(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "k.pem")
	if err := keys.CheckTargets([]string{p, filepath.Join(dir, "k.pub.pem")}, false); err != nil {
		t.Errorf("fresh targets: %v", err)
	}
	os.WriteFile(p, []byte("x"), 0o600)
	if err := keys.CheckTargets([]string{p}, false); !errors.Is(err, keys.ErrExists) {
		t.Errorf("existing without force: %v", err)
	}
	if err := keys.CheckTargets([]string{p}, true); err != nil {
		t.Errorf("existing with force: %v", err)
	}
	if err := keys.CheckTargets([]string{p, dir + "/./k.pem"}, true); err == nil || !strings.Contains(err.Error(), "named twice") {
		t.Errorf("same file twice: %v", err)
	}
	leftovers(t, dir, "k.pem")
}

package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/jwtkit/jwtkit/"

// goFile is one parsed non-test source file of the module.
type goFile struct {
	dir  string // package folder relative to the module root, "." for main
	path string
	ast  *ast.File
}

func sourceFiles(t *testing.T) []goFile {
	t.Helper()
	var out []goFile
	fset := token.NewFileSet()
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (path == "bench" || path == "testdata" || strings.HasPrefix(d.Name(), ".") && path != ".") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution|parser.ParseComments)
		if err != nil {
			return err
		}
		out = append(out, goFile{dir: filepath.ToSlash(filepath.Dir(path)), path: path, ast: f})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) < 20 {
		t.Fatalf("found only %d source files: is the test running at the module root?", len(out))
	}
	return out
}

func imports(f *ast.File) []string {
	var out []string
	for _, im := range f.Imports {
		p, _ := strconv.Unquote(im.Path.Value)
		out = append(out, p)
	}
	return out
}

// TestHouseImportRules holds the arrows of README's Architecture section:
// cmd → internal/*, pkg/*; pkg/probe → pkg/token → pkg/keys; pkg/ never
// imports the command-line packages; nothing imports cmd but main.
func TestHouseImportRules(t *testing.T) {
	t.Parallel()
	// internal packages a library package may use: they have no CLI in them.
	pkgMayUseInternal := map[string]bool{"internal/strictjson": true, "internal/safetext": true, "internal/human": true, "internal/jsonenc": true}
	// what each pkg/ package must not import from the module
	notFrom := map[string][]string{
		"pkg/keys":        {"pkg/token", "pkg/probe"},
		"pkg/token":       {"pkg/probe"},
		"pkg/probe/forge": {"pkg/probe"},
	}
	cliOnly := []string{"github.com/spf13/cobra", "github.com/spf13/pflag", "github.com/fatih/color", "golang.org/x/term"}
	for _, f := range sourceFiles(t) {
		for _, imp := range imports(f.ast) {
			local, inModule := strings.CutPrefix(imp, module)
			switch {
			case inModule && local == "cmd" && f.dir != ".":
				t.Errorf("%s imports cmd: only main.go may", f.path)
			case strings.HasPrefix(f.dir, "pkg/"):
				for _, c := range cliOnly {
					if imp == c {
						t.Errorf("%s imports %s: pkg/ is a library, the command line's packages stay in cmd and internal/ui", f.path, imp)
					}
				}
				if inModule && strings.HasPrefix(local, "internal/") && !pkgMayUseInternal[local] {
					t.Errorf("%s imports %s: pkg/ may use only %v", f.path, local, pkgMayUseInternal)
				}
				for _, bad := range notFrom[f.dir] {
					if inModule && (local == bad || strings.HasPrefix(local, bad+"/") && !strings.HasPrefix(f.dir, bad)) {
						t.Errorf("%s imports %s: the arrow runs the other way", f.path, local)
					}
				}
			case strings.HasPrefix(f.dir, "internal/") && f.dir != "internal/ui":
				for _, c := range []string{"github.com/fatih/color", "golang.org/x/term"} {
					if imp == c {
						t.Errorf("%s imports %s: only internal/ui may", f.path, imp)
					}
				}
			}
		}
	}
}

// codeMethod reports a function or method named Class, Code or ExitCode
// whose one result is an int: the shape of an exit code, whatever its name.
func codeMethod(fd *ast.FuncDecl) bool {
	switch fd.Name.Name {
	case "Class", "Code", "ExitCode":
	default:
		return false
	}
	res := fd.Type.Results
	if res == nil || len(res.List) != 1 || len(res.List[0].Names) > 1 {
		return false
	}
	id, ok := res.List[0].Type.(*ast.Ident)
	return ok && id.Name == "int"
}

// TestHouseNoExitBelowCmd holds that exit codes and process exits live in
// cmd (and main.go) alone, and that library packages do not touch the
// process streams or keep mutable package state.
func TestHouseNoExitBelowCmd(t *testing.T) {
	t.Parallel()
	exitName := regexp.MustCompile(`^(?i:exit)[A-Z_]|(?i)exitcode`)
	for _, f := range sourceFiles(t) {
		below := strings.HasPrefix(f.dir, "pkg/") || strings.HasPrefix(f.dir, "internal/")
		ast.Inspect(f.ast, func(n ast.Node) bool {
			switch x := n.(type) {
			case *ast.SelectorExpr:
				if id, ok := x.X.(*ast.Ident); ok && id.Name == "os" {
					switch x.Sel.Name {
					case "Exit":
						if f.path != "main.go" {
							t.Errorf("%s calls os.Exit: return an error carrying an exit code to cmd.Main", f.path)
						}
					case "Stdin", "Stdout", "Stderr":
						if below && f.dir != "internal/ui" {
							t.Errorf("%s uses os.%s: take an io.Reader/io.Writer", f.path, x.Sel.Name)
						}
					}
				}
			case *ast.Ident:
				if below && exitName.MatchString(x.Name) {
					t.Errorf("%s names %s: exit codes are cmd's business", f.path, x.Name)
				}
			case *ast.FuncDecl:
				if below && codeMethod(x) {
					t.Errorf("%s: %s returns an int: a status code below cmd is an exit code by another name (return a category or a sentinel error; cmd maps it)", f.path, x.Name.Name)
				}
			}
			return true
		})
		if !strings.HasPrefix(f.dir, "pkg/") {
			continue
		}
		for _, d := range f.ast.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.VAR {
				continue
			}
			for _, sp := range g.Specs {
				vs := sp.(*ast.ValueSpec)
				for i, n := range vs.Names {
					if strings.HasPrefix(n.Name, "Err") || strings.HasPrefix(n.Name, "err") || n.Name == "_" || embedded(g) {
						continue
					}
					if i < len(vs.Values) && onceValue(vs.Values[i]) {
						continue
					}
					t.Errorf("%s: package-level var %s: pkg/ keeps no mutable state (sentinel errors, sync.OnceValue and go:embed only)", f.path, n.Name)
				}
			}
		}
	}
}

func embedded(g *ast.GenDecl) bool {
	if g.Doc == nil {
		return false
	}
	for _, c := range g.Doc.List {
		if strings.HasPrefix(c.Text, "//go:embed ") {
			return true
		}
	}
	return false
}

func onceValue(e ast.Expr) bool {
	c, ok := e.(*ast.CallExpr)
	if !ok {
		return false
	}
	s, ok := c.Fun.(*ast.SelectorExpr)
	if !ok {
		if ix, isIx := c.Fun.(*ast.IndexExpr); isIx {
			s, ok = ix.X.(*ast.SelectorExpr)
		}
	}
	return ok && (s.Sel.Name == "OnceValue" || s.Sel.Name == "OnceValues")
}

// TestHouseCodeMethod: the exit-code shape is caught under any of the
// names, as a method or a function, and nothing else is.
func TestHouseCodeMethod(t *testing.T) {
	t.Parallel()
	src := `package p
func (r Reason) Code() int { return 0 }
func (r Reason) Class() int { return 0 }
func ExitCode(err error) int { return 0 }
func (r Reason) Category() int { return 0 }
func (r Reason) Code() string { return "" }
func Class() (int, error) { return 0, nil }
`
	f, err := parser.ParseFile(token.NewFileSet(), "p.go", src, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	var got []bool
	for _, d := range f.Decls {
		got = append(got, codeMethod(d.(*ast.FuncDecl)))
	}
	want := []bool{true, true, true, false, false, false}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("declaration %d: codeMethod = %v, want %v", i+1, got[i], want[i])
		}
	}
}

package cmd

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/jwtkit/jwtkit/internal/ui"
)

// TestExamples runs every example as written: the Example of every command
// and subcommand, and every command line in the ```sh, ```bash, ```shell
// and ```console blocks of README.md and docs/*.md (new pages and commands
// are picked up by themselves). A block is one script: its lines run top to
// bottom in one fresh work directory, as a user pasting it would run them.
//
// The shell is the small one in examples_shell_test.go; the commands it
// knows are jwtkit (and ./jwtkit), echo, cat, chmod OCTAL FILE, jq (paths and -r only), curl
// (-s -i -f -H -X -d --cacert) and NAME=value / export NAME=value. A line it
// cannot run must be in examplesNotRun with a reason.
//
// Substitutions (examplePlaceholders documents them for reviewers):
//   - files the line names that the block has not made yet are copied from
//     a fixture directory made once (exampleFixtures); relative paths
//     resolve in the block's directory;
//   - ~ is the block's home; JWTKIT_HOME is ~/.config/jwtkit; SECRET_KEY,
//     TENANT_ID and CLIENT_ID are set;
//   - $TOKEN, and a token cut short (eyJhbGciOi...), is a token minted for
//     the line that uses it: signed with the fixture key (or the line's
//     secret or development key) and carrying the line's --iss,
//     --issuer-url, --aud, --sub, --role, --scope and --require claims;
//   - `jwtkit serve` (with or without &) starts in process on a free port,
//     stands for its --addr and --http-addr (defaults 127.0.0.1:8080 and,
//     with --tls, 127.0.0.1:8081) for the rest of the block, and replaces a
//     serve already standing for the same address; its banner (written
//     before it listens) is the line's output, compared in a transcript;
//   - a line naming a host that is not loopback talks to a fake network:
//     api.* is a `jwtkit serve --tls` started for that line with the line's
//     key, --iss, --aud, --role and --origin; every other host is a fake
//     identity provider that answers discovery for any issuer and serves
//     the fixture key set on every other path. Its certificates stand for
//     publicly trusted ones.
//
// Expected status: 0, or N when the line's comment says "exit N". A block
// written as a transcript ($ before each command) also compares each
// command's stderr and stdout, in the order written, with the lines shown
// under it after normalising both (normaliseExample): tokens, times, unix
// times, kids, paths and ports; a shown line ending in … matches any line
// it begins.
func TestExamples(t *testing.T) {
	t.Parallel()
	exs := collectExamples(t)
	env := newExampleEnv(t)
	env.slashIssuers = map[string]bool{}
	for _, ex := range exs {
		for _, ln := range ex.lines {
			for _, m := range slashURL.FindAllStringSubmatch(ln.cmd, -1) {
				env.slashIssuers[m[1]] = true
			}
		}
	}
	var mu sync.Mutex
	usedSkip := map[string]bool{}
	ran := 0
	t.Run("run", func(t *testing.T) {
		for _, ex := range exs {
			t.Run(ex.name, func(t *testing.T) {
				t.Parallel()
				mu.Lock()
				ran++
				mu.Unlock()
				if why, ok := blocksNotRun[ex.where]; ok {
					t.Skip("not run here: " + why)
				}
				b := env.newBlock(t)
				for _, l := range examplesSetup[ex.where] {
					if code, out := b.exec(l, nil); code != 0 {
						t.Fatalf("setup %q: exit %d\n%s", l, code, out)
					}
				}
				for _, ln := range ex.lines {
					if reason, key := notRunReason(ln.cmd); key != "" {
						mu.Lock()
						usedSkip[key] = true
						mu.Unlock()
						t.Logf("not run: %s (%s)", ln.cmd, reason)
						continue
					}
					b.check(ex, ln)
				}
			})
		}
	})
	if ran == len(exs) {
		for _, s := range examplesNotRun {
			if !usedSkip[s.match] {
				t.Errorf("examplesNotRun entry %q matches no example any more: remove it", s.match)
			}
		}
	}
}

var slashURL = regexp.MustCompile(`(https://[^\s"']*/)(?:[\s"']|$)`)

// examplesSetup are lines run before an example whose text assumes them
// (block name → lines).
var examplesSetup = map[string][]string{
	"jwtkit keys generate --help": {"echo correct-horse-battery-staple > pass.txt"},
}

// blocksNotRun are whole example blocks another test runs, with its name.
var blocksNotRun = map[string]string{
	"jwtkit probe --help": "TestProbeHelpExamples runs each example against the jwtkit serve its comment names (plain, --tls, cookie login)",
}

// examplesNotRun lists the example lines the test does not run (a line
// containing match), each with the reason.
var examplesNotRun = []struct{ match, reason string }{
	{"pbpaste", "reads the macOS clipboard"},
	{"source <(jwtkit completion bash)", "loads completions into the running shell; the generated scripts are held by TestCompletionsUpToDate"},
	{"go install .", "compiles and installs the module (slow, and writes to GOPATH/bin); every go test compiles the same code"},
	{"go vet ./... && go test ./...", "runs the test suite that runs this test"},
	{"jwtkit completion bash > /etc/bash_completion.d/jwtkit", "writes into a system folder; the generated scripts are held by TestCompletionsUpToDate"},
	{`jwtkit completion zsh > "${fpath[1]}/_jwtkit"`, "zsh array syntax the harness does not parse; the generated scripts are held by TestCompletionsUpToDate"},
	{"jwtkit completion bash > ~/.local/", "writes into the user's shell setup; the generated scripts are held by TestCompletionsUpToDate"},
	{"jwtkit completion fish > ~/.config/fish/", "writes into the user's shell setup; the generated scripts are held by TestCompletionsUpToDate"},
	{"Invoke-Expression", "PowerShell; the generated script is held by TestCompletionsUpToDate"},
	{"git clone", "needs the repository's address and the network"},
	{"go install github.com/jwtkit/jwtkit@", "needs the published module and the network"},
	{"CGO_ENABLED=0 go build", "a build of the module: every go test compiles the same code, and .ci/run builds a static foreign target through scripts/release.sh"},
	{"sha256sum --check", "needs a downloaded release archive and its SHA256SUMS"},
	{"tar xzf jwtkit_", "needs a downloaded release archive"},
	{"install -m 0755 jwtkit_", "needs a downloaded release archive"},
	{"mkdir -p ~/.local/share/man", "installs man pages into the user's folders; TestManPagesUpToDate holds the pages"},
	{"cp man/man1/", "installs man pages into the user's folders; TestManPagesUpToDate holds the pages"},
	{"man jwtkit-", "runs man(1); TestManPagesUpToDate renders every page with groff when it is installed"},
	{"man -l docs/man/", "runs man(1); TestManPagesUpToDate renders every page with groff when it is installed"},
	{"--encrypt      # asks twice", "asks for the passphrase on /dev/tty; TestKeysGenerateEncrypt runs it with a terminal stand-in"},
	{"--encrypt   # asks for a passphrase", "asks for the passphrase on /dev/tty; TestKeysGenerateEncrypt runs it with a terminal stand-in"},
	{"openssl pkey -in signing.pem -passin", "runs openssl; TestInteropEncryptedKeysWritten checks that openssl and Python cryptography read the keys jwtkit writes"},
	{"--login-url https://api.example.com/token", "needs an API with a password login; TestProbeCookieLoginAgainstServe runs the same flow against jwtkit serve --demo-login"},
}

func notRunReason(cmd string) (reason, key string) {
	for _, s := range examplesNotRun {
		if strings.Contains(cmd, s.match) {
			return s.reason, s.match
		}
	}
	return "", ""
}

// exampleLine is one command line and, in a transcript, what it shows.
type exampleLine struct {
	cmd     string
	lineNo  int
	want    []string
	hasWant bool
}

type example struct {
	name  string // subtest name
	where string // file:line or "jwtkit x --help"
	lines []exampleLine
}

func collectExamples(t *testing.T) []example {
	t.Helper()
	var exs []example
	// --help examples, from the whole command tree.
	f, _, _ := testFactory(t, "", nil)
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.Hidden || c.Name() == "help" {
			return
		}
		if c.Example != "" {
			where := c.CommandPath() + " --help"
			exs = append(exs, example{
				name:  "help/" + strings.ReplaceAll(c.CommandPath(), " ", "_"),
				where: where,
				lines: parseExampleLines(strings.Split(c.Example, "\n"), 1, false),
			})
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(newRootCmd(f, nil))
	// Markdown pages.
	pages, err := filepath.Glob(repoFile("docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	pages = append([]string{repoFile("README.md")}, pages...)
	for _, p := range pages {
		exs = append(exs, markdownExamples(t, p)...)
	}
	if len(exs) < 20 {
		t.Fatalf("found only %d example blocks", len(exs))
	}
	return exs
}

var fenceRE = regexp.MustCompile("^\\s*```+\\s*([A-Za-z]*)")

func markdownExamples(t *testing.T, path string) []example {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	rel, _ := filepath.Rel(repoFile(), path)
	var exs []example
	lines := strings.Split(string(data), "\n")
	exs = append(exs, tableExamples(rel, lines)...)
	for i := 0; i < len(lines); i++ {
		m := fenceRE.FindStringSubmatch(lines[i])
		if m == nil {
			continue
		}
		start := i
		j := i + 1
		for j < len(lines) && !fenceRE.MatchString(lines[j]) {
			j++
		}
		body := lines[i+1 : min(j, len(lines))]
		i = j
		switch m[1] {
		case "sh", "bash", "shell", "console":
		default:
			continue
		}
		transcript := false
		for _, l := range body {
			if strings.HasPrefix(l, "$ ") {
				transcript = true
			}
		}
		where := fmt.Sprintf("%s:%d", rel, start+1)
		exs = append(exs, example{
			name:  strings.ReplaceAll(where, "/", "_"),
			where: where,
			lines: parseExampleLines(body, start+2, transcript),
		})
	}
	return exs
}

// tableExamples takes the `code` in the "example" column of Markdown tables
// (the README's command table); each row is a block of its own.
func tableExamples(rel string, lines []string) []example {
	var exs []example
	col := -1
	for i, l := range lines {
		if !strings.HasPrefix(strings.TrimSpace(l), "|") {
			col = -1
			continue
		}
		cells := strings.Split(strings.Trim(strings.TrimSpace(l), "|"), "|")
		if col < 0 {
			for j, c := range cells {
				if strings.TrimSpace(c) == "example" {
					col = j
				}
			}
			continue
		}
		if col >= len(cells) {
			continue
		}
		cell := strings.TrimSpace(cells[col])
		if !strings.HasPrefix(cell, "`") || !strings.HasSuffix(cell, "`") {
			continue
		}
		where := fmt.Sprintf("%s:%d", rel, i+1)
		exs = append(exs, example{
			name:  strings.ReplaceAll(where, "/", "_"),
			where: where,
			lines: []exampleLine{{cmd: strings.Trim(cell, "`"), lineNo: i + 1}},
		})
	}
	return exs
}

// parseExampleLines splits a block into command lines: in a transcript the
// lines after "$ ", with the lines below each as its output; otherwise every
// line that is not blank or a comment. A trailing \ continues a command.
func parseExampleLines(body []string, firstLine int, transcript bool) []exampleLine {
	var out []exampleLine
	for i := 0; i < len(body); i++ {
		l := strings.TrimSpace(body[i])
		if transcript {
			if !strings.HasPrefix(body[i], "$ ") {
				if len(out) > 0 {
					out[len(out)-1].want = append(out[len(out)-1].want, body[i])
				}
				continue
			}
			l = strings.TrimSpace(body[i][2:])
		} else if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		ln := exampleLine{lineNo: firstLine + i, hasWant: transcript}
		for strings.HasSuffix(l, "\\") && i+1 < len(body) {
			i++
			l = strings.TrimSuffix(l, "\\") + " " + strings.TrimSpace(body[i])
		}
		ln.cmd = l
		out = append(out, ln)
	}
	for i := range out {
		w := out[i].want
		for len(w) > 0 && strings.TrimSpace(w[len(w)-1]) == "" {
			w = w[:len(w)-1]
		}
		out[i].want = w
	}
	return out
}

// exampleEnv is what every block shares: the fixture directory and the fake
// identity provider.
type exampleEnv struct {
	fixtures string
	idp      *httptest.Server
	secret   string
	jwks     string
	// slashIssuers are the URLs ending in / that examples name: the fake
	// provider gives those issuers with their slash.
	slashIssuers map[string]bool
}

// exampleFixtures are the files examples name, made once: copies of
// testdata/keys, then the commands below run in the fixture directory.
var exampleFixtureCopies = map[string]string{
	"signing.pem":     "rsa2048-pkcs8.pem",
	"signing.pub.pem": "rsa2048-spki.pub.pem",
	"pub.pem":         "rsa2048-spki.pub.pem",
	"rsa.pem":         "rsa2048-pkcs1.pem",
	"current.pem":     "rsa2048-pkcs8.pem",
	"other.pem":       "rsa3072-pkcs8.pem",
	"key.pem":         "ec256-pkcs8.pem",
	"old.pub.pem":     "ec256-spki.pub.pem",
	"next.pem":        "ec384-sec1.pem",
	"new.pub.pem":     "ec384-spki.pub.pem",
	"a.jwk.json":      "ec256.jwk.json",
	"key.jwk.json":    "ec256.jwk.json",
	"b.jwk.json":      "ed25519.jwk.json",
	"hs.secret":       "hs256.secret",
	"hs256.secret":    "hs256.secret",
}

var exampleFixtureCommands = []string{
	"jwtkit keys jwks signing.pub.pem --out jwks.json",
	"jwtkit keys jwks old.pub.pem --out old-jwks.json",
	"jwtkit keys jwks signing.pub.pem old.pub.pem --out public-jwks.json",
	"jwtkit keys generate --alg ES256 --format jwk --kid 2026-01 --out k2026",
	"jwtkit keys jwks --private k2026.jwk.json a.jwk.json --out private-jwks.json",
	"jwtkit mint --key signing.pem --sub alice --exp 1h --count 3 > tokens.txt",
	`echo '{"tenant": 7, "plan": "pro"}' > base.json`,
	`echo "SECRET_KEY=$SECRET_KEY" > .env`,
	"echo 'not a key' > corrupt-dev.pem",
}

func newExampleEnv(t *testing.T) *exampleEnv {
	t.Helper()
	e := &exampleEnv{fixtures: t.TempDir()}
	for name, src := range exampleFixtureCopies {
		b, err := os.ReadFile(repoFile("testdata", "keys", src))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(e.fixtures, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(e.fixtures, "public"), 0o755); err != nil { // a web root
		t.Fatal(err)
	}
	e.secret = strings.TrimSpace(readFile(t, filepath.Join(e.fixtures, "hs.secret")))
	e.idp = httptest.NewTLSServer(http.HandlerFunc(e.serveIdP))
	t.Cleanup(e.idp.Close)
	ca := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: e.idp.Certificate().Raw})
	if err := os.WriteFile(filepath.Join(e.fixtures, "internal-ca.pem"), ca, 0o644); err != nil {
		t.Fatal(err)
	}
	b := e.blockIn(t, e.fixtures, t.TempDir())
	for _, c := range exampleFixtureCommands {
		if code, out := b.exec(c, nil); code != 0 {
			t.Fatalf("fixture command %q: exit %d\n%s", c, code, out)
		}
	}
	e.jwks = readFile(t, filepath.Join(e.fixtures, "jwks.json"))
	return e
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// serveIdP answers discovery for any issuer (the issuer is the URL asked
// for, with the trailing slash the examples use for it) and the fixture key
// set on every other path.
func (e *exampleEnv) serveIdP(w http.ResponseWriter, r *http.Request) {
	const wk = "/.well-known/openid-configuration"
	w.Header().Set("Content-Type", "application/json")
	if prefix, ok := strings.CutSuffix(r.URL.Path, wk); ok {
		iss := "https://" + r.Host + prefix
		if e.slashIssuers[iss+"/"] {
			iss += "/" // the examples write this issuer with its slash (Auth0)
		}
		fmt.Fprintf(w, `{"issuer":%q,"jwks_uri":%q}`, iss, "https://"+r.Host+prefix+"/keys")
		return
	}
	io.WriteString(w, e.jwks)
}

// exampleBlock is the state of one block: its directory, variables, the
// serves it started and the status of the last line.
type exampleBlock struct {
	t      *testing.T
	env    *exampleEnv
	dir    string
	home   string // ~
	vars   map[string]string
	serves map[string]*blockServe // by the address the example names
	last   int
	mu     sync.Mutex
}

type blockServe struct {
	run   *serveRun
	addrs map[string]string // named address → real one
}

func (e *exampleEnv) newBlock(t *testing.T) *exampleBlock {
	root := t.TempDir()
	dir := filepath.Join(root, "work")
	home := filepath.Join(root, "home")
	for _, d := range []string{dir, filepath.Join(home, ".config", "jwtkit")} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	return e.blockIn(t, dir, home)
}

func (e *exampleEnv) blockIn(t *testing.T, dir, home string) *exampleBlock {
	b := &exampleBlock{t: t, env: e, dir: dir, home: home, serves: map[string]*blockServe{},
		vars: map[string]string{
			"JWTKIT_HOME": filepath.Join(home, ".config", "jwtkit"),
			"HOME":        home,
			"SECRET_KEY":  e.secret,
			"TENANT_ID":   "9188040d-6c67-4c5b-b112-36a304b66dad",
			"CLIENT_ID":   "0oa1b2c3d4e5f6",
			// GitHub Actions' job summary file
			"GITHUB_STEP_SUMMARY": filepath.Join(dir, "step-summary.md"),
		}}
	t.Cleanup(func() {
		for _, s := range b.serves {
			s.run.stop(t)
		}
	})
	return b
}

func (b *exampleBlock) getenv(k string) string { b.mu.Lock(); defer b.mu.Unlock(); return b.vars[k] }

// check runs one line and compares its status and, in a transcript, its
// output.
func (b *exampleBlock) check(ex example, ln exampleLine) {
	t := b.t
	t.Helper()
	wantCode := 0
	if l, err := parseShell(ln.cmd); err == nil {
		if m := regexp.MustCompile(`\bexit (\d+)\b`).FindStringSubmatch(l.comment); m != nil {
			wantCode, _ = strconv.Atoi(m[1])
		}
	}
	code, out := b.exec(ln.cmd, nil)
	where := fmt.Sprintf("%s (line %d): %s", ex.where, ln.lineNo, ln.cmd)
	if code != wantCode {
		t.Errorf("%s\nexit %d, want %d; output:\n%s", where, code, wantCode, out)
		return
	}
	if !ln.hasWant || len(ln.want) == 0 { // a transcript may leave output out
		return
	}
	got := strings.Split(strings.TrimRight(b.normalise(out), "\n"), "\n")
	if out == "" {
		got = nil
	}
	want := make([]string, len(ln.want))
	for i, w := range ln.want {
		want[i] = b.normalise(w)
	}
	if !linesMatch(got, want) {
		t.Errorf("%s\nshown output differs from the real one (normalised)\n--- real ---\n%s\n--- shown ---\n%s",
			where, strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func linesMatch(got, want []string) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		w := want[i]
		if p, ok := strings.CutSuffix(w, "…"); ok {
			if !strings.HasPrefix(got[i], p) {
				return false
			}
		} else if got[i] != w {
			return false
		}
	}
	return true
}

var (
	normToken = regexp.MustCompile(`eyJ[A-Za-z0-9_-]*(\.[A-Za-z0-9_-]*){0,2}(\.\.\.)?`)
	normTime  = regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)`)
	normUnix  = regexp.MustCompile(`\b1\d{9}\b`)
	normKid   = regexp.MustCompile(`(^|[^A-Za-z0-9_-])[A-Za-z0-9_-]{43}($|[^A-Za-z0-9_-])`)
	normDur   = regexp.MustCompile(`\b(requests|finished|took) in [0-9.]+(ns|µs|ms|s)\b`)
)

// normalise makes real and shown output comparable: the block's directory
// becomes ".", its home "~" (as does /home/me in the docs), real ports the
// ones the example names, and tokens, RFC 3339 times, unix times, 43-char
// kids and run durations placeholders.
func (b *exampleBlock) normalise(s string) string {
	s = strings.ReplaceAll(s, b.dir+string(filepath.Separator), "")
	s = strings.ReplaceAll(s, b.dir, ".")
	s = strings.ReplaceAll(s, b.home, "~")
	s = strings.ReplaceAll(s, "/home/me", "~")
	for _, sv := range b.serves {
		for named, real := range sv.addrs {
			s = strings.ReplaceAll(s, real, named)
		}
	}
	s = normToken.ReplaceAllString(s, "<TOKEN>")
	s = normTime.ReplaceAllString(s, "<TIME>")
	s = normUnix.ReplaceAllString(s, "<UNIX>")
	for i := 0; i < 2; i++ { // adjacent matches share a delimiter
		s = normKid.ReplaceAllString(s, "${1}<KID>${2}")
	}
	s = normDur.ReplaceAllString(s, "$1 in <DUR>")
	return s
}

// exec runs one line and returns its status and its output: the stderr of
// every command and the stdout that was not piped or redirected, in the
// order they were written.
func (b *exampleBlock) exec(line string, _ []byte) (int, string) {
	l, err := parseShell(line)
	if err != nil {
		return -1, fmt.Sprintf("harness: cannot parse: %v (teach examples_shell_test.go or add the line to examplesNotRun)", err)
	}
	var out bytes.Buffer
	code := b.runList(l, &out)
	b.last = code
	return code, out.String()
}

func (b *exampleBlock) runList(l *shList, out *bytes.Buffer) int {
	if l.background {
		if len(l.pipes) != 1 || len(l.pipes[0]) != 1 {
			fmt.Fprintf(out, "harness: only `jwtkit serve … &` may run in the background\n")
			return -1
		}
	}
	code := 0
	for i, p := range l.pipes {
		if i > 0 {
			switch l.ops[i-1] {
			case "&&":
				if code != 0 {
					continue
				}
			case "||":
				if code == 0 {
					continue
				}
			}
		}
		code = b.runPipeline(p, out)
		b.last = code
	}
	return code
}

func (b *exampleBlock) runPipeline(p shPipeline, out *bytes.Buffer) int {
	var stdin []byte
	code := 0
	for i, c := range p {
		if i == len(p)-1 {
			return b.runCmd(c, stdin, out, out)
		}
		var stdout bytes.Buffer
		code = b.runCmd(c, stdin, &stdout, out)
		stdin = stdout.Bytes()
	}
	return code
}

// expand turns words into argv; $TOKEN without a value becomes a marker the
// caller replaces with a token minted for the whole command.
const tokenMarker = "\x00TOKEN\x00"

func (b *exampleBlock) expand(words []shWord, out io.Writer) ([]string, error) {
	var argv []string
	for _, w := range words {
		var cur strings.Builder
		started := false
		for _, p := range w {
			var val string
			switch p.kind {
			case 'l':
				val, started = p.text, true
				cur.WriteString(val)
				continue
			case 'v':
				switch {
				case p.text == "?":
					val = strconv.Itoa(b.last)
				case p.text == "~":
					val = b.home
				case p.text == "TOKEN" && b.getenv("TOKEN") == "":
					val = tokenMarker
				default:
					val = b.getenv(p.text)
					if val == "" {
						return nil, fmt.Errorf("variable $%s is not set (add it to the block's variables)", p.text)
					}
				}
			case 'c':
				var sub bytes.Buffer
				var subOut bytes.Buffer
				b.runSub(p.sub, &sub, &subOut)
				out.Write(subOut.Bytes())
				val = strings.TrimRight(sub.String(), "\n")
			}
			if p.quoted {
				cur.WriteString(val)
				started = true
				continue
			}
			fields := strings.Fields(val)
			for i, f := range fields {
				if i > 0 {
					argv = append(argv, cur.String())
					cur.Reset()
				}
				cur.WriteString(f)
				started = true
			}
		}
		if started {
			argv = append(argv, cur.String())
		}
	}
	return argv, nil
}

// runSub runs a $(…) list: its stdout is the value, its stderr goes to the
// line's output.
func (b *exampleBlock) runSub(l *shList, stdout *bytes.Buffer, stderr io.Writer) {
	for _, p := range l.pipes {
		var in []byte
		for i, c := range p {
			var o bytes.Buffer
			b.last = b.runCmd(c, in, &o, stderr)
			in = o.Bytes()
			if i == len(p)-1 {
				stdout.Write(o.Bytes())
			}
		}
	}
}

// path resolves a file a command reads (copying a fixture on first use) or
// writes.
func (b *exampleBlock) path(name string, reads bool) string {
	if name == "/dev/null" || filepath.IsAbs(name) {
		return name
	}
	if reads {
		b.materialise(name)
	}
	return filepath.Join(b.dir, name)
}

// materialise copies a fixture into the block's directory the first time a
// line names it, unless the block made that file itself.
func (b *exampleBlock) materialise(name string) {
	if b.dir == b.env.fixtures || name == "" || strings.HasPrefix(name, "-") || strings.Contains(name, "://") {
		return
	}
	dir, _, inDir := strings.Cut(name, "/")
	if inDir {
		name = dir // a file under a folder the example assumes exists
	}
	dst := filepath.Join(b.dir, name)
	if _, err := os.Lstat(dst); err == nil {
		return
	}
	src := filepath.Join(b.env.fixtures, name)
	if fi, err := os.Stat(src); err == nil && fi.IsDir() {
		if inDir {
			_ = os.Mkdir(dst, 0o755)
		}
		return
	}
	data, err := os.ReadFile(src)
	if err != nil {
		return
	}
	_ = os.WriteFile(dst, data, 0o600)
}

// outputFlags take a path that need not exist yet.
var outputFlags = map[string]bool{"--out": true, "--cert-out": true}

// resolve makes relative file arguments absolute in the block's directory
// (copying fixtures on first use) and points named serve addresses at the
// real ports.
func (b *exampleBlock) resolve(argv []string) []string {
	out := make([]string, len(argv))
	for i, a := range argv {
		for _, sv := range b.serves {
			for named, real := range sv.addrs {
				for _, host := range []string{"127.0.0.1", "localhost"} {
					_, port, _ := net.SplitHostPort(named)
					a = strings.ReplaceAll(a, host+":"+port, real)
				}
			}
		}
		name, val, isFlag := "", a, false
		if strings.HasPrefix(a, "-") {
			if n, v, ok := strings.Cut(a, "="); ok {
				name, val, isFlag = n, v, true
			} else {
				out[i] = a
				continue
			}
		}
		if !isFlag && i > 0 {
			name = argv[i-1]
		}
		// A file is a word with a dot or a slash (signing.pem, public/jwks.json)
		// or an output flag's value (--out signing); never a subcommand.
		fileish := strings.ContainsAny(val, "./") || outputFlags[name]
		if fileish && val != "-" && !strings.Contains(val, "://") && !filepath.IsAbs(val) && !strings.HasPrefix(val, "-") && !strings.Contains(val, tokenMarker) {
			if outputFlags[name] {
				if strings.Contains(val, "/") {
					b.materialise(val) // the folder only
				}
			} else {
				b.materialise(val)
			}
			p := filepath.Join(b.dir, val)
			if _, err := os.Stat(p); err == nil || outputFlags[name] {
				val = p
			}
		}
		if isFlag {
			out[i] = name + "=" + val
		} else {
			out[i] = val
		}
	}
	return out
}

func (b *exampleBlock) runCmd(c shCmd, stdin []byte, stdout, stderr io.Writer) int {
	argv, err := b.expand(c.words, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "harness: %v\n", err)
		return -1
	}
	var errW io.Writer = stderr
	var outW io.Writer = stdout
	var closers []func()
	defer func() {
		for _, c := range closers {
			c()
		}
	}()
	for _, r := range c.redirs {
		if r.op == "2>&1" {
			errW = outW
			continue
		}
		ws, err := b.expand([]shWord{r.target}, stderr)
		if err != nil || len(ws) != 1 {
			fmt.Fprintf(stderr, "harness: bad redirect target\n")
			return -1
		}
		p := b.path(ws[0], r.op == "<")
		switch r.op {
		case "<":
			if p == "/dev/null" {
				stdin = nil
				continue
			}
			data, err := os.ReadFile(p)
			if err != nil {
				fmt.Fprintf(stderr, "sh: %v\n", err)
				return 1
			}
			stdin = data
		case ">", ">>", "2>":
			var w io.Writer = io.Discard
			if p != "/dev/null" {
				flags := os.O_WRONLY | os.O_CREATE | os.O_TRUNC
				if r.op == ">>" {
					flags = os.O_WRONLY | os.O_CREATE | os.O_APPEND
				}
				fh, err := os.OpenFile(p, flags, 0o644)
				if err != nil {
					fmt.Fprintf(stderr, "sh: %v\n", err)
					return 1
				}
				closers = append(closers, func() { fh.Close() })
				w = fh
			}
			if r.op == "2>" {
				errW = w
			} else {
				outW = w
			}
		}
	}
	if len(argv) == 0 {
		return 0
	}
	name := argv[0]
	if name == "export" {
		argv = argv[1:]
		name = ""
		if len(argv) > 0 {
			name = argv[0]
		}
	}
	if k, v, ok := strings.Cut(name, "="); ok && shVarName.FindString(k) == k && len(argv) == 1 {
		b.mu.Lock()
		b.vars[k] = v
		b.mu.Unlock()
		return 0
	}
	switch name {
	case "jwtkit", "./jwtkit":
		return b.jwtkit(argv[1:], stdin, outW, errW)
	case "echo":
		args, nl := argv[1:], "\n"
		if len(args) > 0 && args[0] == "-n" {
			args, nl = args[1:], ""
		}
		fmt.Fprint(outW, strings.Join(args, " ")+nl)
		return 0
	case "cat":
		if len(argv) == 1 {
			outW.Write(stdin)
			return 0
		}
		for _, a := range argv[1:] {
			data, err := os.ReadFile(b.path(a, true))
			if err != nil {
				fmt.Fprintf(errW, "cat: %v\n", err)
				return 1
			}
			outW.Write(data)
		}
		return 0
	case "true":
		return 0
	case "chmod": // chmod OCTAL FILE, for the dev-key permission warning
		mode, err := strconv.ParseUint(argvAt(argv, 1), 8, 32)
		if err != nil || len(argv) != 3 {
			fmt.Fprintf(errW, "harness: only chmod OCTAL FILE is supported\n")
			return -1
		}
		if err := os.Chmod(b.path(argv[2], true), os.FileMode(mode)); err != nil {
			fmt.Fprintf(errW, "chmod: %v\n", err)
			return 1
		}
		return 0
	case "jq":
		return miniJQ(argv[1:], stdin, outW, errW)
	case "curl":
		return b.curl(argv[1:], outW, errW)
	}
	fmt.Fprintf(stderr, "harness: command %q is not supported (teach examples_test.go or add the line to examplesNotRun)\n", name)
	return -1
}

// shortToken is a token cut short in the docs (eyJhbGciOi...).
var shortToken = regexp.MustCompile(`eyJ[A-Za-z0-9_-]*(\.\.\.|…)`)

func (b *exampleBlock) jwtkit(args []string, stdin []byte, out, errOut io.Writer) int {
	for i, a := range args {
		args[i] = shortToken.ReplaceAllString(a, tokenMarker)
	}
	args = b.resolve(args)
	net := b.network(args)
	var api *serveRun
	if len(args) > 0 && args[0] == "probe" && net != nil {
		api = b.apiServe(args)
		net.api = api
		defer api.stop(b.t)
	}
	for i, a := range args {
		if strings.Contains(a, tokenMarker) {
			tok, err := b.tokenFor(args)
			if err != nil {
				fmt.Fprintf(errOut, "harness: minting $TOKEN: %v\n", err)
				return -1
			}
			args[i] = strings.ReplaceAll(a, tokenMarker, tok)
		}
	}
	if len(args) > 0 && args[0] == "serve" {
		return b.serve(args[1:], errOut)
	}
	f := b.factory(stdin, out, errOut)
	if net != nil {
		f.HTTPTransport = net.transport()
	}
	return run(f, args)
}

func (b *exampleBlock) factory(stdin []byte, out, errOut io.Writer) *factory {
	s, _, _ := ui.Test(string(stdin))
	s.Out, s.ErrOut, s.Getenv = out, errOut, b.getenv
	return &factory{
		IO:      s,
		Now:     time.Now,
		Getenv:  b.getenv,
		Version: buildInfo{Version: "v0.0.0-test", Commit: "abcdef123456", GoVersion: "go1.26"},
		// probe waits for a late fetch by the target; no example's target
		// fetches, so the wait would only slow the run down.
		CallbackGrace: -1,
	}
}

// mintQuiet runs jwtkit mint and returns its token.
func (b *exampleBlock) mintQuiet(args ...string) (string, error) {
	var out, errOut bytes.Buffer
	if code := run(b.factory(nil, &out, &errOut), append([]string{"mint"}, args...)); code != 0 {
		return "", fmt.Errorf("mint %q: exit %d: %s", args, code, errOut.String())
	}
	return strings.TrimSpace(out.String()), nil
}

// tokenFor mints the token a line's $TOKEN stands for: one its own flags
// accept.
func (b *exampleBlock) tokenFor(args []string) (string, error) {
	mint := []string{}
	sub, keyed, secret := "alice", false, false
	registered := map[string]bool{"exp": true, "iat": true, "nbf": true, "sub": true, "iss": true, "aud": true, "jti": true}
	for i := 1; i < len(args); i++ {
		name, val, hasVal := strings.Cut(args[i], "=")
		next := func() string {
			if hasVal {
				return val
			}
			if i+1 < len(args) {
				i++
				return args[i]
			}
			return ""
		}
		switch name {
		case "--key", "--jwks":
			next()
			keyed = true
		case "--issuer-url":
			mint = append(mint, "--iss", next())
			keyed = true
		case "--secret-env", "--secret-file", "--secret", "--secret-encoding":
			mint = append(mint, name, next())
			secret = true
		case "--alg":
			if v := next(); strings.HasPrefix(strings.ToUpper(v), "HS") {
				mint = append(mint, "--alg", v)
			}
		case "--iss", "--role", "--roles-claim", "--scope":
			mint = append(mint, name, next())
		case "--aud":
			if v := next(); !containsStr(mint, "--aud") {
				mint = append(mint, "--aud", v)
			}
		case "--sub":
			sub = next()
		case "--require":
			if c := next(); !registered[c] {
				mint = append(mint, "--claim", c+"=demo")
			}
		}
	}
	// verify with no key flag checks with the development key: sign with
	// it when there is one.
	_, err := os.Stat(filepath.Join(b.getenv("JWTKIT_HOME"), "dev.pem"))
	if !secret && (keyed || args[0] != "verify" || err != nil) {
		mint = append(mint, "--key", filepath.Join(b.env.fixtures, "signing.pem"))
	}
	return b.mintQuiet(append(mint, "--sub", sub)...)
}

func containsStr(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

// serve starts `jwtkit serve args` for the rest of the block on free ports,
// standing for the addresses it names.
func (b *exampleBlock) serve(args []string, errOut io.Writer) int {
	addr, httpAddr, tlsOn := "127.0.0.1:8080", "", false
	var rest []string
	for i := 0; i < len(args); i++ {
		name, val, hasVal := strings.Cut(args[i], "=")
		value := func() string {
			if hasVal {
				return val
			}
			i++
			if i < len(args) {
				return args[i]
			}
			return ""
		}
		switch name {
		case "--addr":
			addr = value()
		case "--http-addr":
			httpAddr = value()
			if httpAddr == "" {
				httpAddr = "off"
			}
		default:
			if name == "--tls" {
				tlsOn = true
			}
			rest = append(rest, args[i])
		}
	}
	if tlsOn && httpAddr == "" {
		httpAddr = "127.0.0.1:8081"
	}
	for named, old := range b.serves {
		if named == addr || named == httpAddr {
			old.run.stop(b.t)
			delete(b.serves, named)
		}
	}
	if tlsOn {
		if httpAddr == "off" {
			rest = append(rest, "--http-addr", "")
		} else {
			rest = append(rest, "--http-addr", "127.0.0.1:0")
		}
	}
	var serr bytes.Buffer
	f := b.factory(nil, io.Discard, &serr)
	run, err := startServeFor(f, &serr, rest...)
	if err != nil {
		fmt.Fprintf(errOut, "%s", serr.String())
		return ExitUsage
	}
	sv := &blockServe{run: run, addrs: map[string]string{addr: hostPort(run.apiURL)}}
	if run.httpURL != "" && httpAddr != "off" {
		sv.addrs[httpAddr] = hostPort(run.httpURL)
	}
	b.serves[addr] = sv
	// serve writes its banner (key note, routes, warnings, try lines) before
	// it reports ready, so a transcript of `jwtkit serve &` can show it and
	// is compared like any other line's stderr.
	fmt.Fprint(errOut, serr.String())
	return 0
}

func hostPort(u string) string {
	_, rest, _ := strings.Cut(u, "://")
	h, _, _ := strings.Cut(rest, "/")
	return h
}

// startServeFor is startServe without a *testing.T: it returns once serve
// listens, or with serve's error when it ends first.
func startServeFor(f *factory, errOut *bytes.Buffer, args ...string) (*serveRun, error) {
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan [2]string, 1)
	c := newServeCmd(f, func(o *serveOptions) error {
		o.ready = func(api, http string) { ready <- [2]string{api, http} }
		return runServe(ctx, o)
	})
	c.SetArgs(append([]string{"--addr", "127.0.0.1:0"}, args...))
	c.SetOut(io.Discard)
	c.SetErr(io.Discard)
	c.SilenceErrors, c.SilenceUsage = true, true
	s := &serveRun{stderr: errOut, cancel: cancel, done: make(chan error, 1)}
	go func() { s.done <- c.Execute() }()
	select {
	case u := <-ready:
		s.apiURL, s.httpURL = u[0], u[1]
		return s, nil
	case err := <-s.done:
		cancel()
		return nil, fmt.Errorf("serve ended before listening: %v", err)
	}
}

// apiServe starts the API that api.* stands for in a probe line: jwtkit
// serve --tls with the line's key and policy.
func (b *exampleBlock) apiServe(args []string) *serveRun {
	sa := []string{"--tls", "--http-addr", "127.0.0.1:0", "--cert-out", filepath.Join(b.dir, ".api-cert.pem"), "--force"}
	keyed := false
	for i := 1; i < len(args); i++ {
		name, val, hasVal := strings.Cut(args[i], "=")
		next := func() string {
			if hasVal {
				return val
			}
			if i+1 < len(args) {
				i++
				return args[i]
			}
			return ""
		}
		switch name {
		case "--key", "--jwks", "--secret-env", "--secret-file", "--secret", "--secret-encoding":
			sa = append(sa, name, next())
			keyed = true
		case "--iss", "--aud", "--role", "--roles-claim":
			sa = append(sa, name, next())
		case "--origin":
			sa = append(sa, "--allow-origin", next())
		case "--token":
			next()
			if !keyed {
				sa = append(sa, "--key", filepath.Join(b.env.fixtures, "signing.pem"))
				keyed = true
			}
		}
	}
	var serr bytes.Buffer
	run, err := startServeFor(b.factory(nil, io.Discard, &serr), &serr, sa...)
	if err != nil {
		b.t.Fatalf("starting the API for %q: %v\n%s", args, err, serr.String())
	}
	return run
}

// fakeNet routes a line's non-loopback hosts: api.* to the line's API
// serve, every other one to the fake identity provider.
type fakeNet struct {
	api *serveRun
	idp string
}

func (b *exampleBlock) network(args []string) *fakeNet {
	for _, a := range args {
		_, rest, ok := strings.Cut(a, "://")
		if !ok {
			continue
		}
		host, _, _ := strings.Cut(rest, "/")
		h := host
		if hh, _, err := net.SplitHostPort(host); err == nil {
			h = hh
		}
		if h != "127.0.0.1" && h != "localhost" && h != "[::1]" && h != "::1" {
			return &fakeNet{idp: b.env.idp.Listener.Addr().String()}
		}
	}
	return nil
}

func (n *fakeNet) transport() http.RoundTripper {
	d := &net.Dialer{}
	return &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			host, port, _ := net.SplitHostPort(addr)
			switch {
			case host == "127.0.0.1" || host == "localhost" || host == "::1":
			case strings.HasPrefix(host, "api."):
				if n.api == nil {
					return nil, fmt.Errorf("harness: no API for %s on this line", host)
				}
				if port == "80" {
					addr = hostPort(n.api.httpURL)
				} else {
					addr = hostPort(n.api.apiURL)
				}
			default:
				addr = n.idp
			}
			return d.DialContext(ctx, network, addr)
		},
		// The fake hosts' certificates stand for publicly trusted ones.
		TLSClientConfig: &tls.Config{InsecureSkipVerify: true}, //nolint:gosec // test network
	}
}

// curl is the part of curl the examples use.
func (b *exampleBlock) curl(args []string, out, errOut io.Writer) int {
	method, body, include, fail := "", "", false, false
	var headers []string
	var url, cacert string
	args = b.resolve(args)
	for i := 0; i < len(args); i++ {
		next := func() string {
			i++
			if i < len(args) {
				return args[i]
			}
			return ""
		}
		switch a := args[i]; a {
		case "-s", "--silent", "-S", "-sS":
		case "-i", "--include":
			include = true
		case "-f", "--fail", "-sf", "-fsS":
			fail = true
		case "-H", "--header":
			headers = append(headers, next())
		case "-X", "--request":
			method = next()
		case "-d", "--data":
			body = next()
		case "--cacert":
			cacert = next()
		default:
			if strings.HasPrefix(a, "-") {
				fmt.Fprintf(errOut, "harness: curl option %s is not supported\n", a)
				return -1
			}
			url = a
		}
	}
	if method == "" {
		method = "GET"
		if body != "" {
			method = "POST"
		}
	}
	var rt http.RoundTripper
	if n := b.network([]string{url}); n != nil {
		rt = n.transport()
	} else {
		t, err := newTransport(httpOptions{CACert: cacert})
		if err != nil {
			fmt.Fprintf(errOut, "curl: (77) %v\n", err)
			return 77
		}
		rt = t
	}
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		fmt.Fprintf(errOut, "curl: (3) %v\n", err)
		return 3
	}
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ":")
		req.Header.Add(strings.TrimSpace(k), strings.TrimSpace(v))
	}
	resp, err := (&http.Client{Transport: rt, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
	if err != nil {
		fmt.Fprintf(errOut, "curl: (7) %v\n", err)
		return 7
	}
	defer resp.Body.Close()
	if fail && resp.StatusCode >= 400 {
		return 22
	}
	if include {
		fmt.Fprintf(out, "%s %s\n", resp.Proto, resp.Status)
		keys := make([]string, 0, len(resp.Header))
		for k := range resp.Header {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			for _, v := range resp.Header[k] {
				fmt.Fprintf(out, "%s: %s\n", k, v)
			}
		}
		fmt.Fprintln(out)
	}
	_, _ = io.Copy(out, resp.Body)
	return 0
}

// miniJQ runs the jq filters the examples use: paths of .name and [] (and
// -r). Objects print with sorted keys.
func miniJQ(args []string, stdin []byte, out, errOut io.Writer) int {
	raw := false
	filter := ""
	for _, a := range args {
		switch {
		case a == "-r":
			raw = true
		case filter == "":
			filter = a
		default:
			fmt.Fprintf(errOut, "harness: jq argument %q is not supported\n", a)
			return -1
		}
	}
	steps := regexp.MustCompile(`\.[A-Za-z_][A-Za-z0-9_]*|\[\]|\.`).FindAllString(filter, -1)
	if strings.Join(steps, "") != filter {
		fmt.Fprintf(errOut, "harness: jq filter %q is not supported\n", filter)
		return -1
	}
	dec := jsonDecoder(bytes.NewReader(stdin))
	for {
		var v any
		if err := dec.Decode(&v); err == io.EOF {
			return 0
		} else if err != nil {
			fmt.Fprintf(errOut, "jq: error: %v\n", err)
			return 2
		}
		vals := []any{v}
		for _, s := range steps {
			var next []any
			for _, x := range vals {
				switch {
				case s == ".":
					next = append(next, x)
				case s == "[]":
					switch y := x.(type) {
					case []any:
						next = append(next, y...)
					case map[string]any:
						for _, k := range sortedAnyKeys(y) {
							next = append(next, y[k])
						}
					}
				default:
					m, _ := x.(map[string]any)
					next = append(next, m[s[1:]])
				}
			}
			vals = next
		}
		for _, x := range vals {
			if s, ok := x.(string); ok && raw {
				fmt.Fprintln(out, s)
				continue
			}
			var buf bytes.Buffer
			_ = writeJSON(&buf, x)
			out.Write(buf.Bytes())
		}
	}
}

func sortedAnyKeys(m map[string]any) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func jsonDecoder(r io.Reader) *json.Decoder {
	d := json.NewDecoder(r)
	d.UseNumber()
	return d
}

// argvAt is argv[i], or "" when there is none.
func argvAt(argv []string, i int) string {
	if i < len(argv) {
		return argv[i]
	}
	return ""
}

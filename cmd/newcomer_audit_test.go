package cmd

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// Audit of issue 10, second pass: the gaps a newcomer still met.

// TestDotenvSecretOnStdin: a .env file piped to --secret-file - meets the
// same dotenv check as a named file; a plain secret on stdin still signs.
func TestDotenvSecretOnStdin(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, stdin string
		code        int
	}{
		{"one dotenv line", "SECRET_KEY=abcdefabcdefabcdefabcdefabcdef12\n", ExitUsage},
		{"two lines", "abcdefabcdefabcdefabcdefabcdef12\nOTHER\n", ExitUsage},
		{"plain secret", "abcdefabcdefabcdefabcdefabcdef12\n", ExitOK},
		{"base64 ending in =", "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo=\n", ExitOK},
	} {
		code, _, errOut := runCmd(t, tc.stdin, nil, "mint", "--secret-file", "-", "--sub", "a")
		if code != tc.code {
			t.Errorf("%s: exit %d, %q; want %d", tc.name, code, errOut, tc.code)
		}
		if tc.code == ExitUsage && !strings.Contains(errOut, "the secret from stdin looks like a dotenv file; use --secret-env NAME after sourcing it, or put only the secret in the file") {
			t.Errorf("%s: %q: want the dotenv refusal", tc.name, errOut)
		}
		if strings.Contains(errOut, "abcdefabcdef") {
			t.Errorf("%s: the message quotes the secret: %q", tc.name, errOut)
		}
	}
}

// TestEmptyTokenArgument: an argument that is empty once quotes and
// "Bearer " come off is no token (exit 2), as empty stdin is.
func TestEmptyTokenArgument(t *testing.T) {
	t.Parallel()
	for _, arg := range []string{"", `""`, "Bearer ", "  "} {
		for _, args := range [][]string{{"decode", arg}, {"verify", arg, "--secret-env", "SECRET_KEY"}} {
			code, out, errOut := runCmd(t, "", hsEnv, args...)
			if code != ExitUsage || !strings.Contains(errOut, "error: no token: the token argument is empty; is $TOKEN set?") || out != "" {
				t.Errorf("%q: exit %d, stdout %q, stderr %q; want exit 2 and the no-token message", args, code, out, errOut)
			}
		}
	}
}

// TestEmptyTokenFetchesNothing: with no token, verify fails before it
// fetches or discovers a key set.
func TestEmptyTokenFetchesNothing(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		http.NotFound(w, r)
	}))
	defer srv.Close()
	for _, args := range [][]string{{"verify", "", "--jwks", srv.URL + "/jwks.json", "--no-cache"}, {"verify", "", "--issuer-url", srv.URL, "--no-cache"}} {
		if code, _, errOut := runCmd(t, "", nil, args...); code != ExitUsage || !strings.Contains(errOut, "no token") {
			t.Errorf("%q: exit %d, %q; want exit 2, no token", args, code, errOut)
		}
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("%d requests for a command line without a token", n)
	}
}

// TestVerifyQuietDropsLocalNotes: -q drops every note, not only those
// about fetched key sets: the comma role, the quotes taken off, the
// development key. Warnings (--secret) stay.
func TestVerifyQuietDropsLocalNotes(t *testing.T) {
	t.Parallel()
	tok := mintHS(t, "--sub", "alice", "--role", "a,b")
	args := []string{"verify", `"` + tok + `"`, "--secret-env", "SECRET_KEY", "--role", "a,b"}
	if code, _, errOut := runCmd(t, "", hsEnv, args...); code != ExitOK || strings.Count(errOut, "note:") != 2 {
		t.Errorf("verify without -q: exit %d, %q; want exit 0 and two notes", code, errOut)
	}
	if code, out, errOut := runCmd(t, "", hsEnv, append(args, "-q")...); code != ExitOK || out != "" || errOut != "" {
		t.Errorf("verify -q: exit %d, %q, %q; want exit 0 and nothing", code, out, errOut)
	}
	f, out, errOut := testFactory(t, "", nil)
	if code := runWith(f, "mint", "--sub", "alice"); code != ExitOK {
		t.Fatalf("mint with the dev key: exit %d: %s", code, errOut)
	}
	devTok := strings.TrimSpace(out.String())
	errOut.Reset()
	if code := runWith(f, "verify", devTok, "-q", "--secret", "0123456789abcdef0123456789abcdef"); code != ExitSignature || strings.Contains(errOut.String(), "note:") || !strings.Contains(errOut.String(), "warning: --secret") {
		t.Errorf("verify -q --secret: exit %d, %q; want exit 4, the --secret warning and no note", code, errOut)
	}
	errOut.Reset()
	if code := runWith(f, "verify", devTok, "-q"); code != ExitOK || errOut.String() != "" {
		t.Errorf("verify -q with the dev key: exit %d, %q; want exit 0 and nothing", code, errOut)
	}
}

// TestCommaRoleNoteEverywhere: verify, serve and forge note a --role
// holding a comma as mint and probe do: it is one role, not two.
func TestCommaRoleNoteEverywhere(t *testing.T) {
	t.Parallel()
	const note = `note: one role "a,b"; repeat --role for several`
	tok := mintHS(t, "--sub", "alice", "--role", "a,b")
	if code, _, errOut := runCmd(t, "", hsEnv, "verify", tok, "--secret-env", "SECRET_KEY", "--role", "a,b"); code != ExitOK || strings.Count(errOut, note) != 1 {
		t.Errorf("verify --role a,b: exit %d, %q; want exit 0 and one note %q", code, errOut, note)
	}
	if code, _, errOut := runCmd(t, "", hsEnv, "forge", tok, "--all", "--secret-env", "SECRET_KEY", "--role", "a,b"); code != ExitOK || strings.Count(errOut, note) != 1 {
		t.Errorf("forge --role a,b: exit %d, %q; want exit 0 and one note %q", code, errOut, note)
	}
	keyPath, _ := fixtureKeyFile(t)
	f, _, errOut := testFactory(t, "", nil)
	s := startServe(t, f, errOut, "--key", keyPath, "--role", "a,b")
	if err := s.stop(t); err != nil {
		t.Fatal(err)
	}
	if strings.Count(errOut.String(), note) != 1 {
		t.Errorf("serve --role a,b: stderr %q; want one note %q", errOut, note)
	}
}

// TestHintsForNearMisses: a bare decimal duration, a long flag with one
// dash, --jwk where --jwks exists, and help for a misspelt command.
func TestHintsForNearMisses(t *testing.T) {
	t.Parallel()
	tok := mintHS(t, "--sub", "alice")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"verify", tok, "--secret-env", "SECRET_KEY", "--leeway", "1.5"}, "did you mean 1.5s?"},
		{[]string{"mint", "-subject", "alice"}, "error: unknown flag -subject (a long flag takes two dashes); did you mean --sub?"},
		{[]string{"verify", "-leeway", "30s"}, "error: unknown flag -leeway (a long flag takes two dashes); did you mean --leeway?"},
		{[]string{"verify", "--jwk", "x"}, "error: unknown flag --jwk; did you mean --jwks?"},
		{[]string{"serve", "--jwk", "x"}, "error: unknown flag --jwk; did you mean --jwks?"},
		{[]string{"mint", "--jwk", "x"}, "error: unknown flag --jwk; did you mean --key?"},
		{[]string{"help", "verfy"}, "error: unknown command \"verfy\" for \"jwtkit\"; did you mean verify?\nRun 'jwtkit --help' for usage."},
		{[]string{"help", "keys", "genrate"}, `error: unknown command "genrate" for "jwtkit keys"; did you mean generate?`},
	} {
		code, out, errOut := runCmd(t, "", hsEnv, tc.args...)
		if code != ExitUsage || !strings.Contains(errOut, tc.want) || out != "" {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want exit 2 and %q", tc.args, code, out, errOut, tc.want)
		}
	}
	if code, out, _ := runCmd(t, "", nil, "help", "verify"); code != ExitOK || !strings.Contains(out, "jwtkit verify") {
		t.Errorf("help verify: exit %d, %q; want verify's help", code, out)
	}
}

// TestTimesAgainstDefaultExp: --nbf or --iat after the default --exp makes
// a token no verifier accepts; refused, naming the default, in mint and in
// probe's minting (the same claim flags).
func TestTimesAgainstDefaultExp(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"mint", "--secret-env", "SECRET_KEY", "--nbf", "2h"}, ExitUsage, "error: --nbf 2h is after the default --exp of 15m: no verifier accepts such a token; pass a later --exp"},
		{[]string{"mint", "--secret-env", "SECRET_KEY", "--iat", "2w"}, ExitUsage, "error: --iat 2w is after the default --exp of 15m: pass a later --exp"},
		{[]string{"probe", "http://127.0.0.1:1/me", "--secret-env", "SECRET_KEY", "--nbf", "2h"}, ExitUsage, "--nbf 2h is after the default --exp of 15m"},
		{[]string{"mint", "--secret-env", "SECRET_KEY", "--nbf", "2h", "--allow-invalid-times"}, ExitOK, ""},
		{[]string{"mint", "--secret-env", "SECRET_KEY", "--nbf", "10m"}, ExitOK, ""},
		{[]string{"mint", "--secret-env", "SECRET_KEY", "--nbf", "2h", "--exp", "3h"}, ExitOK, ""},
	} {
		code, _, errOut := runCmd(t, "", hsEnv, tc.args...)
		if code != tc.code || !strings.Contains(errOut, tc.want) {
			t.Errorf("%q: exit %d, %q; want exit %d and %q", tc.args, code, errOut, tc.code, tc.want)
		}
	}
}

// TestExitStatusListsOwnCodes: each command's EXIT STATUS lists only the
// codes it can exit with (decode never reaches 4-7, verify never 7).
func TestExitStatusListsOwnCodes(t *testing.T) {
	t.Parallel()
	for cmd, tc := range map[string]struct{ has, lacks []string }{
		"decode": {[]string{"\n  3  token malformed"}, []string{"\n  4  ", "\n  5  ", "\n  6  ", "\n  7  ", "the token is valid"}},
		"verify": {[]string{"\n  4  ", "\n  6  ", "lowest of 3-6"}, []string{"\n  7  "}},
	} {
		code, out, _ := runCmd(t, "", nil, cmd, "--help")
		_, section, _ := strings.Cut(out, "\nEXIT STATUS\n")
		section, _, _ = strings.Cut(section, "\n\n")
		section = "\n" + section
		for _, s := range tc.has {
			if !strings.Contains(section, s) {
				t.Errorf("%s --help (exit %d): EXIT STATUS lacks %q:%s", cmd, code, s, section)
			}
		}
		for _, s := range tc.lacks {
			if strings.Contains(section, s) {
				t.Errorf("%s --help: EXIT STATUS lists %q, which it cannot exit with:%s", cmd, s, section)
			}
		}
	}
	if _, out, _ := runCmd(t, "", nil, "verify", "--help"); !strings.Contains(out, "print nothing on stdout and no notes (warnings still go to stderr)") {
		t.Errorf("verify --help: -q does not say it drops notes and keeps warnings")
	}
}

package cmd

import (
	"bytes"
	"net/url"
	"strings"
	"testing"
)

// shellWords splits a command line as sh would for the examples: quotes,
// $NAME expansion (not in single quotes), a leading ~, and a trailing
// "> file" redirection dropped.
func shellWords(t *testing.T, line string, env map[string]string, home string) []string {
	t.Helper()
	var words []string
	var cur strings.Builder
	inWord, quote := false, byte(0)
	expand := func(i int) int {
		j := i + 1
		for j < len(line) && (line[j] == '_' || line[j] >= 'A' && line[j] <= 'Z' || line[j] >= '0' && line[j] <= '9') {
			j++
		}
		v, ok := env[line[i+1:j]]
		if !ok {
			t.Fatalf("example uses $%s, which the test does not set", line[i+1:j])
		}
		cur.WriteString(v)
		return j
	}
	for i := 0; i < len(line); {
		c := line[i]
		switch {
		case quote == '\'' && c == '\'', quote == '"' && c == '"':
			quote = 0
			i++
		case quote == '\'':
			cur.WriteByte(c)
			i++
		case c == '$':
			inWord = true
			i = expand(i)
		case quote == '"':
			cur.WriteByte(c)
			i++
		case c == '\'' || c == '"':
			quote, inWord = c, true
			i++
		case c == ' ':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
			i++
		case c == '~' && !inWord:
			cur.WriteString(home)
			inWord = true
			i++
		default:
			cur.WriteByte(c)
			inWord = true
			i++
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	if n := len(words); n >= 2 && words[n-2] == ">" {
		words = words[:n-2]
	}
	return words
}

// TestProbeHelpExamples runs every example of probe --help as written
// against the jwtkit serve its comment names, with only the addresses
// (127.0.0.1:8080 and :8081) and the jwtkit home replaced by the test's.
func TestProbeHelpExamples(t *testing.T) {
	var blocks [][]string
	var cur []string
	for _, l := range strings.Split(probeExamples, "\n") {
		l = strings.TrimSpace(l)
		if l == "" {
			if len(cur) > 0 {
				blocks = append(blocks, cur)
			}
			cur = nil
			continue
		}
		if n := len(cur); n > 0 && strings.HasSuffix(cur[n-1], "\\") {
			cur[n-1] = strings.TrimSuffix(cur[n-1], "\\") + l
			continue
		}
		cur = append(cur, l)
	}
	blocks = append(blocks, cur)
	ran := 0
	for _, b := range blocks {
		comment := strings.TrimPrefix(b[0], "# ")
		t.Run(comment, func(t *testing.T) {
			env := map[string]string{"DEMO_PASSWORD": "correct horse battery staple"}
			f, out, errOut := testFactory(t, "", env)
			// ~/.config/jwtkit is the jwtkit home on Linux; the test's is a
			// temporary folder.
			home := f.Getenv("JWTKIT_HOME")
			tilde := "/nonexistent-home"
			var serveArgs []string
			if strings.HasPrefix(comment, "jwtkit serve") {
				spec := strings.TrimSuffix(strings.TrimPrefix(comment, "jwtkit serve"), ":")
				spec, _, _ = strings.Cut(spec, ": ")
				spec, _, _ = strings.Cut(spec, " (")
				serveArgs = shellWords(t, spec, env, tilde)
			}
			if strings.Contains(comment, "--tls") {
				serveArgs = append(serveArgs, "--http-addr", "127.0.0.1:0")
			}
			s := startServe(t, f, &bytes.Buffer{}, serveArgs...)
			api, _ := url.Parse(s.apiURL)
			plain := ""
			if s.httpURL != "" {
				u, _ := url.Parse(s.httpURL)
				plain = u.Host
			}
			if code := runWith(f, "mint", "--sub", "alice"); code != 0 {
				t.Fatalf("mint: exit %d: %s", code, errOut)
			}
			env["TOKEN"] = strings.TrimSpace(out.String())
			for _, cmdLine := range b[1:] {
				if strings.HasPrefix(cmdLine, "#") {
					continue
				}
				cmdLine = strings.ReplaceAll(cmdLine, "127.0.0.1:8080", api.Host)
				cmdLine = strings.ReplaceAll(cmdLine, "~/.config/jwtkit", home)
				if plain != "" {
					cmdLine = strings.ReplaceAll(cmdLine, "127.0.0.1:8081", plain)
				}
				words := shellWords(t, cmdLine, env, tilde)
				if words[0] != "jwtkit" {
					t.Fatalf("example does not start with jwtkit: %q", cmdLine)
				}
				out.Reset()
				errOut.Reset()
				if code := runWith(f, words[1:]...); code != 0 {
					t.Errorf("%s\nexit %d\nstdout:\n%s\nstderr:\n%s", cmdLine, code, out, errOut)
				}
				ran++
			}
		})
	}
	if ran < 6 {
		t.Errorf("ran %d examples", ran)
	}
}

// TestProbeCookieLoginAgainstServe: the README's cookie-and-login audit of
// jwtkit serve: zero fails, the cookie graded, the password and the token
// in no output.
func TestProbeCookieLoginAgainstServe(t *testing.T) {
	const pw = "correct horse battery staple"
	env := map[string]string{"DEMO_PASSWORD": pw}
	f, out, errOut := testFactory(t, "", env)
	home := f.Getenv("JWTKIT_HOME")
	s := startServe(t, f, &bytes.Buffer{}, "--tls", "--http-addr", "127.0.0.1:0", "--token-in", "cookie:access_token",
		"--demo-login", "alice", "--demo-password-env", "DEMO_PASSWORD", "--allow-origin", "https://app.example")
	args := []string{"probe", s.apiURL + "/admin", "--token-in", "cookie:access_token", "--login-url", s.apiURL + "/token",
		"--login-user", "alice", "--login-password-env", "DEMO_PASSWORD", "--role", "admin",
		"--cacert", home + "/serve-cert.pem", "--http-url", s.httpURL + "/admin"}
	full := append(args[:len(args):len(args)], "--origin", "https://app.example", "--write-url", s.apiURL+"/items", "--write-body", `{"name":"probe"}`)
	// the README's command line, then with an origin and a write URL
	out.Reset()
	if code := runWith(f, args...); code != 0 || !strings.Contains(out.String(), "summary: 34 pass, 1 warn, 0 fail, 0 info, 11 skip, 0 error") {
		t.Errorf("README audit: exit %d\n%s", code, out)
	}
	for _, o := range []string{"text", "json", "sarif", "markdown"} {
		out.Reset()
		errOut.Reset()
		code := runWith(f, append(full, "-o", o)...)
		if code != 0 {
			t.Errorf("-o %s: exit %d\n%s\n%s", o, code, out, errOut)
		}
		if strings.Contains(out.String()+errOut.String(), pw) {
			t.Errorf("-o %s: the output holds the password", o)
		}
		if o == "text" {
			t.Log(out.String())
			for _, want := range []string{"PASS  cookie.token-flags", "PASS  probe.baseline", "WARN  csrf.applicability", "PASS  csrf.foreign-origin-write", "summary: 35 pass, 1 warn, 0 fail", "SKIP  auth.www-authenticate"} {
				if !strings.Contains(out.String(), want) {
					t.Errorf("text report lacks %q", want)
				}
			}
		}
	}
}

package cmd

import (
	"encoding/base64"
	"strings"
	"testing"
)

// TestJSONOutputForEveryInput: -o json answers input it cannot read with
// one JSON document (header and claims null, an error member) and the
// same exit code, instead of an empty stdout.
func TestJSONOutputForEveryInput(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		stdin string
		args  []string
		code  int
		want  string
	}{
		{"", []string{"decode", "-o", "json", "a.b.c"}, ExitMalformed, `"header": null`},
		{"", []string{"decode", "-o", "json", "not-a-token"}, ExitMalformed, `"reason": "malformed"`},
		{"\n", []string{"decode", "-o", "json"}, ExitUsage, `"error": "no token: stdin is empty`},
		{strings.Repeat("A", 266000), []string{"verify", "--secret-env", "SECRET_KEY", "-o", "json"}, ExitMalformed, `"exit_code": 3`},
		{strings.Repeat("A", 300000), []string{"verify", "--secret-env", "SECRET_KEY", "-o", "json"}, ExitMalformed, `"exit_code": 3`},
		{strings.Repeat("A", 300000), []string{"decode", "-o", "json"}, ExitMalformed, `"header": null`},
		{"\n", []string{"verify", "--secret-env", "SECRET_KEY", "-o", "json"}, ExitUsage, `"exit_code": 2`},
	} {
		code, out, _ := runCmd(t, tc.stdin, hsEnv, tc.args...)
		if code != tc.code || !strings.HasPrefix(out, "{") || !strings.Contains(out, tc.want) || strings.Count(out, "\n}\n") != 1 {
			t.Errorf("%.40q: exit %d, stdout %q; want exit %d and one document with %s", tc.args, code, out, tc.code, tc.want)
		}
	}
}

// TestDecodeShowsWhatDecoded: the header is shown whenever it decoded,
// roles and scp arrays holding non-strings get a warning, and two tokens
// pasted together are called that, not a JWE.
func TestDecodeShowsWhatDecoded(t *testing.T) {
	t.Parallel()
	tok := mintHS(t, "--sub", "alice")
	badClaims := tok[:strings.Index(tok, ".")] + "." + base64.RawURLEncoding.EncodeToString([]byte(`{"a":1}x`)) + ".c2ln"
	_, out, _ := runCmd(t, badClaims+"\n", nil, "decode", "--batch")
	if !strings.Contains(out, `"header":{"alg":"HS256","typ":"JWT"}`) || !strings.Contains(out, `"claims":null`) {
		t.Errorf("decode --batch with bad claims hides the header: %s", out)
	}
	_, vout, _ := runCmd(t, badClaims+"\n", hsEnv, "verify", "--batch", "--secret-env", "SECRET_KEY")
	if !strings.Contains(vout, `"header":{"alg":"HS256","typ":"JWT"}`) {
		t.Errorf("verify --batch with bad claims: %s", vout)
	}
	code, _, errOut := runCmd(t, "", nil, "decode", mintHS(t, "--claim", `roles=[1,"admin"]`, "--claim", `scp=["read",{}]`))
	if code != 0 || !strings.Contains(errOut, `warning: claim "roles" holds a number at index 0`) || !strings.Contains(errOut, `claim "scp" holds an object at index 1`) {
		t.Errorf("decode of non-string roles/scp: exit %d, %q", code, errOut)
	}
	for _, in := range []string{tok + " " + tok, tok + "\n" + tok + "\n", tok + "\t" + tok} {
		code, _, errOut := runCmd(t, in, nil, "decode")
		if code != ExitMalformed || !strings.Contains(errOut, "two tokens?") || strings.Contains(errOut, "JWE") {
			t.Errorf("two tokens: exit %d, %q", code, errOut)
		}
		_, out, _ := runCmd(t, in+"\n", nil, "decode", "--batch")
		if strings.Count(in, "\n") == 0 && !strings.Contains(out, "two tokens?") {
			t.Errorf("two tokens on one batch line: %s", out)
		}
		// verify says the same, in its text and JSON verdicts and per batch line.
		for _, args := range [][]string{{"verify"}, {"verify", "-o", "json"}} {
			code, out, _ := runCmd(t, in, hsEnv, append(args, "--secret-env", "SECRET_KEY")...)
			if code != ExitMalformed || !strings.Contains(out, "two tokens?") || strings.Contains(out, "JWE") {
				t.Errorf("%v, two tokens: exit %d, %q", args, code, out)
			}
		}
		if strings.Count(in, "\n") == 0 {
			_, out, _ := runCmd(t, in+"\n", hsEnv, "verify", "--batch", "--secret-env", "SECRET_KEY")
			if !strings.Contains(out, "two tokens?") || strings.Contains(out, "JWE") {
				t.Errorf("verify --batch, two tokens on one line: %s", out)
			}
		}
	}
	jwe := "eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ.a.b.c.d"
	if _, _, errOut := runCmd(t, "", nil, "decode", jwe); !strings.Contains(errOut, "JWE") || strings.Contains(errOut, "two tokens") {
		t.Errorf("a real JWE: %q", errOut)
	}
}

package cmd

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/jwtkit/jwtkit/internal/strictjson"
)

// FuzzMachineOutputIsJSON holds issue 9's contract: for any input line,
// every line verify and decode write in JSON mode (batch and single) is
// strict UTF-8 JSON with the documented members.
func FuzzMachineOutputIsJSON(f *testing.F) {
	b64 := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	for _, s := range []string{
		"", "not a token", "a.b.c", "\x00\xff", "   ", strings.Repeat("A", 266000),
		b64(`{"alg":"HS256"}`) + ".e30x.c2ln",
		b64(`{"alg":"EdDSA\xff"}`) + "." + b64(`{"sub":"a"}`) + ".c2ln",
		b64(`{"alg":"HS256"}`) + "." + b64(`{"sub":"\ud800"}`) + ".c2ln",
		b64(`{"alg":"HS256","alg":"none"}`) + "." + b64(`{}`) + ".",
		b64(`{"alg":"HS256","kid":1}`) + "." + b64(`{"aud":[1]}`) + ".c2ln",
		b64(`{"alg":"HS256"}`) + "." + b64("{\"x\":\"\x1b\u009b\u202e\"}") + ".c2ln",
	} {
		f.Add(s)
	}
	env := map[string]string{"S": strings.Repeat("s", 32)}
	members := map[string][]string{
		"verify": {"valid", "reason", "exit_code", "header", "claims", "key", "checks"},
		"decode": {"header", "claims", "signature", "verified"},
	}
	f.Fuzz(func(t *testing.T, line string) {
		if strings.ContainsAny(line, "\n\r") {
			return // one line of a batch
		}
		for _, args := range [][]string{
			{"verify", "--batch", "--secret-env", "S"},
			{"decode", "--batch"},
			{"verify", "-o", "json", "--secret-env", "S", "-"},
			{"decode", "-o", "json", "-"},
		} {
			code, out, _ := runCmd(t, line+"\n", env, args...)
			docs := []string{out} // single mode: exactly one document, whatever the input
			if args[1] != "--batch" && strings.Count(out, "\n}\n") != 1 {
				t.Fatalf("%v: exit %d, want one JSON document, got %q", args, code, out)
			}
			if args[1] == "--batch" {
				docs = strings.Split(strings.TrimSuffix(out, "\n"), "\n")
				if out == "" {
					continue
				}
			}
			for _, doc := range docs {
				if !utf8.ValidString(doc) {
					t.Fatalf("%v: output is not UTF-8: %q", args, doc)
				}
				v, err := strictjson.Parse(bytes.TrimSpace([]byte(doc)), 64)
				if err != nil {
					t.Fatalf("%v: output is not strict JSON (%v): %q", args, err, doc)
				}
				m, ok := v.(map[string]any)
				if !ok {
					t.Fatalf("%v: output is not an object: %q", args, doc)
				}
				if ec, ok := m["exit_code"]; ok && args[1] != "--batch" && fmt.Sprint(ec) != fmt.Sprint(code) {
					t.Fatalf("%v: exit_code %v, but the exit status is %d", args, ec, code)
				}
				for _, name := range members[args[0]] {
					if _, ok := m[name]; !ok {
						t.Fatalf("%v: output lacks %q: %q", args, name, doc)
					}
				}
			}
		}
	})
}

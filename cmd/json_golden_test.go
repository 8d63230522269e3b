package cmd

import (
	"strings"
	"testing"
)

// TestJSONOutputsGolden pins the bytes of every JSON shape the batch
// encoders write, single-token (indented) and batch (one line per token).
// The golden files were written by the encoding/json-based code these
// encoders replaced.
func TestJSONOutputsGolden(t *testing.T) {
	valid := mintHS(t, "--sub", "al<i>ce & \"bob\"", "--iss", "me", "--claim", `note="tab\there \u2028 é"`)
	expired := mintHS(t, "--sub", "alice", "--exp", "-1h", "--kid", "k1")
	spaced := "eyAiYWxnIjogIkhTMjU2IiwgInR5cCI6ICJKV1QiIH0.eyAic3ViIjogImEgYiIsCiJ4IjogWyAxLCAyIF0gfQ.c2ln"
	for _, tc := range []struct {
		name, stdin string
		args        []string
	}{
		{"verify-valid-json", "", []string{"verify", valid, "--secret-env", "SECRET_KEY", "-o", "json"}},
		{"verify-expired-policy-json", "", []string{"verify", expired, "--secret-env", "SECRET_KEY", "--iss", "x", "--require", "role", "-o", "json"}},
		{"verify-malformed-json", "", []string{"verify", spaced, "--secret-env", "SECRET_KEY", "-o", "json"}},
		{"decode-json", "", []string{"decode", spaced, "-o", "json"}},
		{"mint-json", "", []string{"mint", "--secret-env", "SECRET_KEY", "--sub", "al<i>ce", "--claim", `x={"b":[1.5,"\u2028"],"a":null}`, "-o", "json"}},
		{"mint-count-json", "", []string{"mint", "--secret-env", "SECRET_KEY", "--sub", "alice", "--count", "3", "-o", "json"}},
		{"verify-batch", strings.Join([]string{valid, "", expired, "  Bearer " + expired, "not-a-token", strings.Repeat("a", 300<<10), spaced + "\r"}, "\n"),
			[]string{"verify", "--batch", "--secret-env", "SECRET_KEY", "--workers", "2"}},
		{"decode-batch-mixed", strings.Join([]string{valid, "", "not-a-token", strings.Repeat("a", 300<<10), spaced}, "\n"),
			[]string{"decode", "--batch", "--workers", "2"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, out, _ := runCmd(t, tc.stdin, hsEnv, tc.args...)
			golden(t, tc.name+".golden", out)
		})
	}
}

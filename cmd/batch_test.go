package cmd

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/jwtkit/jwtkit/internal/batch"
	"github.com/jwtkit/jwtkit/internal/ui"
	"github.com/jwtkit/jwtkit/pkg/token"
)

// The engine (pipeline, line reader, encoders) is tested in internal/batch;
// these are the command-level tests of the batch modes.

// verdictJSON reads back verify's -o json and --batch output in tests.
type verdictJSON struct {
	Line     int             `json:"line,omitempty"`
	Valid    bool            `json:"valid"`
	Reason   *string         `json:"reason"`
	ExitCode int             `json:"exit_code"`
	Error    string          `json:"error,omitempty"`
	Header   json.RawMessage `json:"header"`
	Claims   json.RawMessage `json:"claims"`
	Key      *token.KeyRef   `json:"key"`
	Checks   []token.Check   `json:"checks"`
}

// mintJSON reads back mint's -o json output in tests.
type mintJSON struct {
	Token  string         `json:"token"`
	Header map[string]any `json:"header"`
	Claims map[string]any `json:"claims"`
}

func TestBatchGarbageOnStdin(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	binary := make([]byte, 4<<20)
	for i := range binary {
		binary[i] = byte(rng.Uint32())
	}
	printable := bytes.Repeat([]byte("garbage!"), 2<<20) // 16 MiB, no newline
	// One bad line costs one verdict: binary lines (a NUL byte) and a line
	// over the limit are each answered with a short malformed verdict and
	// not kept; the run goes on to the end of the input.
	for _, tc := range []struct {
		name, in string
	}{
		{"binary", string(binary)},
		{"one 16 MiB line", string(printable)},
	} {
		lines := 0
		for _, l := range strings.Split(strings.TrimSuffix(tc.in, "\n"), "\n") {
			if strings.TrimSpace(l) != "" {
				lines++
			}
		}
		for _, args := range [][]string{{"decode", "--batch"}, {"verify", "--batch", "--secret-env", "S"}} {
			t.Run(tc.name+"/"+args[0], func(t *testing.T) {
				t.Parallel()
				code, out, errOut, read := runCmdCounting(t, []byte(tc.in), map[string]string{"S": strings.Repeat("s", 32)}, args...)
				if read != int64(len(tc.in)) {
					t.Errorf("read %d of %d input bytes: the run must answer every line", read, len(tc.in))
				}
				if code != ExitMalformed {
					t.Errorf("exit %d, want 3\nstderr: %.300s", code, errOut)
				}
				got := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
				if len(got) > lines || len(got) == 0 {
					t.Errorf("%d verdicts for %d non-blank lines", len(got), lines)
				}
				for _, l := range got {
					if len(l) > 2048 || !strings.Contains(l, `"reason":"malformed"`) && !strings.Contains(l, `"error"`) {
						t.Errorf("verdict %.200s: want a short malformed verdict", l)
						break
					}
				}
			})
		}
	}
}

func TestProgressNeverDrawnOnAPipe(t *testing.T) {
	// stderr here is a buffer, as it is on a pipe. How long the run lasts
	// does not matter: on a pipe StartProgress starts no drawing loop at
	// all (internal/ui's tests drive the loop's clock by hand), so the run
	// is not slowed down to outlast the bar's delay.
	io, _, errOut := ui.Test("")
	prog := io.StartProgress("verifying", 0)
	work := func(items []batch.Item, out []byte, st *batch.Stats) []byte {
		st.Lines += len(items)
		return append(out, "x\n"...)
	}
	_, err := batch.Run(1, batch.Lines(strings.NewReader(strings.Repeat("z\n", 70*batch.ChunkLines))), work, io.Out, prog.Add)
	prog.Done()
	if err != nil {
		t.Fatal(err)
	}
	if errOut.Len() != 0 {
		t.Errorf("progress written to a non-terminal stderr: %q", errOut.String())
	}
}

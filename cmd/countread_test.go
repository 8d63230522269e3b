package cmd

import (
	"bytes"
	"io"
	"strings"
	"testing"
)

// countingReader counts the bytes read through it, so a test can bound how
// much input a command consumed before refusing it: a measurable stand-in
// for "it gave up quickly" that does not depend on the machine's speed.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// runCmdCounting is runCmd with stdin read through a countingReader; it
// also returns how many bytes of stdin the command read.
func runCmdCounting(t *testing.T, stdin []byte, env map[string]string, args ...string) (code int, stdout, stderr string, read int64) {
	t.Helper()
	f, out, errOut := testFactory(t, "", env)
	in := &countingReader{r: bytes.NewReader(stdin)}
	f.IO.In = in
	code = run(f, args)
	return code, out.String(), errOut.String(), in.n
}

func TestCountingReader(t *testing.T) {
	t.Parallel()
	c := &countingReader{r: strings.NewReader("hello")}
	if b, _ := io.ReadAll(c); string(b) != "hello" || c.n != 5 {
		t.Errorf("read %q, counted %d", b, c.n)
	}
}

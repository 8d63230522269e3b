package cmd

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jwtkit/jwtkit/internal/ui"
	"github.com/jwtkit/jwtkit/pkg/token"
)

// genLines is a reader of n generated lines ("<i> <filler>\n") that never
// holds more than one line, so a test can feed a pipeline far more input
// than it should ever keep.
type genLines struct {
	n, i   int
	filler string
	cur    []byte
}

func (g *genLines) Read(p []byte) (int, error) {
	if len(g.cur) == 0 {
		if g.i == g.n {
			return 0, io.EOF
		}
		g.i++
		g.cur = append(strconv.AppendInt(g.cur[:0], int64(g.i), 10), ' ')
		g.cur = append(append(g.cur, g.filler...), '\n')
	}
	n := copy(p, g.cur)
	g.cur = g.cur[n:]
	return n, nil
}

// echoWork writes "<line> <text>" for each item, after a random pause so
// that chunks finish out of order.
func echoWork(jitter bool) func([]batchItem, *bytes.Buffer, *batchStats) {
	return func(items []batchItem, buf *bytes.Buffer, st *batchStats) {
		if jitter {
			time.Sleep(time.Duration(rand.IntN(300)) * time.Microsecond)
		}
		for _, it := range items {
			st.lines++
			if it.tooLong {
				fmt.Fprintf(buf, "%d TOO LONG\n", it.line)
				continue
			}
			buf.WriteString(strconv.Itoa(it.line))
			buf.WriteByte(' ')
			buf.WriteString(it.text)
			buf.WriteByte('\n')
		}
	}
}

func TestPipelineKeepsInputOrderWithManyWorkers(t *testing.T) {
	const n = 20000
	for _, workers := range []int{1, 3, 16, 64} {
		var out bytes.Buffer
		st, err := runPipeline(workers, produceLines(&genLines{n: n, filler: "x"}), echoWork(true), &out, nil)
		if err != nil {
			t.Fatalf("workers %d: %v", workers, err)
		}
		if st.lines != n {
			t.Errorf("workers %d: counted %d lines, want %d", workers, st.lines, n)
		}
		sc := bufio.NewScanner(&out)
		want := 0
		for sc.Scan() {
			want++
			if got := sc.Text(); got != fmt.Sprintf("%d %d x", want, want) {
				t.Fatalf("workers %d: output line %d is %q", workers, want, got)
			}
		}
		if want != n {
			t.Errorf("workers %d: %d output lines, want %d", workers, want, n)
		}
	}
}

func TestPipelineMemoryStaysFlat(t *testing.T) {
	// 200k lines of ~600 bytes: 120 MB through the pipeline. The heap must
	// stay near what the chunks in flight need, whatever the input size.
	const n = 200_000
	filler := strings.Repeat("eyJhbGciOiJIUzI1NiJ9", 30)
	var peak atomic.Uint64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		// Sample the live heap: collect first, so garbage the pipeline has
		// already dropped (and whatever earlier tests left) does not count.
		// Sampling HeapInuse without a GC made the test depend on GC pacing.
		var ms runtime.MemStats
		for {
			runtime.GC()
			runtime.ReadMemStats(&ms)
			if ms.HeapAlloc > peak.Load() {
				peak.Store(ms.HeapAlloc)
			}
			select {
			case <-stop:
				return
			case <-time.After(10 * time.Millisecond):
			}
		}
	}()
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	st, err := runPipeline(4, produceLines(&genLines{n: n, filler: filler}), echoWork(false), io.Discard, nil)
	close(stop)
	<-sampled
	if err != nil || st.lines != n {
		t.Fatalf("lines %d, err %v", st.lines, err)
	}
	grew := int64(peak.Load()) - int64(before.HeapAlloc)
	t.Logf("live heap grew by at most %.1f MiB over %d MiB of input", float64(grew)/(1<<20), n*len(filler)>>20)
	if grew > 48<<20 {
		t.Errorf("live heap grew by %.1f MiB: the pipeline is buffering its input", float64(grew)/(1<<20))
	}
}

// oneLongLine is a reader of a single line of size bytes of 'a', then "\nok\n".
type oneLongLine struct{ left int }

func (r *oneLongLine) Read(p []byte) (int, error) {
	if r.left < 0 {
		return 0, io.EOF
	}
	if r.left == 0 {
		r.left = -1
		return copy(p, "\nok\n"), nil
	}
	n := min(len(p), r.left)
	for i := range n {
		p[i] = 'a'
	}
	r.left -= n
	return n, nil
}

func TestOverlongLineIsSkippedWithoutBuffering(t *testing.T) {
	const size = 64 << 20
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	var out bytes.Buffer
	st, err := runPipeline(2, produceLines(&oneLongLine{left: size}), echoWork(false), &out, nil)
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := out.String(), "1 TOO LONG\n2 ok\n"; got != want {
		t.Errorf("output %q, want %q", got, want)
	}
	if st.lines != 2 {
		t.Errorf("counted %d lines, want 2", st.lines)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 8<<20 {
		t.Errorf("reading a %d MiB line allocated %.1f MiB: it was buffered", size>>20, float64(alloc)/(1<<20))
	}
}

func TestReadLineLimits(t *testing.T) {
	for _, tc := range []struct {
		name    string
		in      string
		text    []string
		tooLong []bool
	}{
		{"crlf and no final newline", "a\r\nb\nc", []string{"a", "b", "c"}, []bool{false, false, false}},
		{"blank lines kept", "\n\nx\n", []string{"", "", "x"}, []bool{false, false, false}},
		{"exactly the limit", strings.Repeat("t", maxBatchLine) + "\n", []string{strings.Repeat("t", maxBatchLine)}, []bool{false}},
		{"one over the limit", strings.Repeat("t", maxBatchLine+1) + "\r\nnext", []string{"", "next"}, []bool{true, false}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			br := bufio.NewReaderSize(strings.NewReader(tc.in), 64<<10)
			var acc []byte
			for i := range tc.text {
				text, tooLong, scratch, err := readLine(br, acc)
				acc = scratch
				if err != nil && err != io.EOF {
					t.Fatal(err)
				}
				if string(text) != tc.text[i] || tooLong != tc.tooLong[i] {
					t.Errorf("line %d: %.20q (tooLong %v), want %.20q (tooLong %v)", i+1, text, tooLong, tc.text[i], tc.tooLong[i])
				}
			}
		})
	}
}

func TestBatchGarbageOnStdinEndsQuickly(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	binary := make([]byte, 16<<20)
	for i := range binary {
		binary[i] = byte(rng.Uint32())
	}
	printable := bytes.Repeat([]byte("garbage!"), 2<<20) // 16 MiB, no newline
	// What is bounded is measurable: how much of the input was read before
	// the refusal (binary input stops within the first buffer; a long line
	// must be consumed to its end, but is not kept) and how much came out.
	for _, tc := range []struct {
		name, in string
		code     int
		stderr   string
		stdout   string
		maxRead  int64
	}{
		{"binary", string(binary), ExitMalformed, "input is binary (NUL byte)", "", 1 << 20},
		{"one 16 MiB line", string(printable), ExitMalformed, "", "line longer than", int64(len(printable))},
	} {
		for _, args := range [][]string{{"decode", "--batch"}, {"verify", "--batch", "--secret-env", "S"}} {
			t.Run(tc.name+"/"+args[0], func(t *testing.T) {
				t.Parallel()
				code, out, errOut, read := runCmdCounting(t, []byte(tc.in), map[string]string{"S": strings.Repeat("s", 32)}, args...)
				if read > tc.maxRead {
					t.Errorf("read %d of %d input bytes, want at most %d", read, len(tc.in), tc.maxRead)
				}
				if code != tc.code || !strings.Contains(errOut, tc.stderr) || !strings.Contains(out, tc.stdout) {
					t.Errorf("exit %d, want %d\nstdout: %.300s\nstderr: %.300s", code, tc.code, out, errOut)
				}
				if len(out) > 4096 {
					t.Errorf("%d bytes of output for garbage", len(out))
				}
			})
		}
	}
}

// failWriter accepts limit bytes, then fails.
type failWriter struct{ limit int }

func (w *failWriter) Write(p []byte) (int, error) {
	if len(p) > w.limit {
		n := w.limit
		w.limit = 0
		return n, errors.New("disk full")
	}
	w.limit -= len(p)
	return len(p), nil
}

func TestPipelineStopsWorkingAfterAWriteError(t *testing.T) {
	const n = 200_000
	var worked atomic.Int64
	work := func(items []batchItem, buf *bytes.Buffer, st *batchStats) {
		worked.Add(int64(len(items)))
		echoWork(false)(items, buf, st)
	}
	_, err := runPipeline(2, produceLines(&genLines{n: n, filler: strings.Repeat("y", 200)}), work, &failWriter{limit: 1 << 20}, nil)
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("err = %v, want the write error", err)
	}
	if w := worked.Load(); w > n/4 {
		t.Errorf("%d of %d lines were still worked on after the write error", w, n)
	}
}

func TestProgressNeverDrawnOnAPipe(t *testing.T) {
	// stderr here is a buffer, as it is on a pipe. How long the run lasts
	// does not matter: on a pipe StartProgress starts no drawing loop at
	// all (internal/ui's tests drive the loop's clock by hand), so the run
	// is not slowed down to outlast the bar's delay.
	io, _, errOut := ui.Test("")
	prog := io.StartProgress("verifying", 0)
	_, err := runPipeline(1, produceLines(&genLines{n: 70 * chunkSize, filler: "z"}), echoWork(false), io.Out, prog)
	prog.Done()
	if err != nil {
		t.Fatal(err)
	}
	if errOut.Len() != 0 {
		t.Errorf("progress written to a non-terminal stderr: %q", errOut.String())
	}
}

func TestLineJSONMatchesEncodingJSON(t *testing.T) {
	// The hand-written encoder knows these shapes field by field: a new
	// field must be added there too.
	for _, c := range []struct {
		v    any
		want int
	}{{verdictJSON{}, 9}, {decodedJSON{}, 7}, {token.KeyRef{}, 3}, {token.Check{}, 3}} {
		if n := reflect.TypeOf(c.v).NumField(); n != c.want {
			t.Fatalf("%T has %d fields, appendVerdictJSON/appendDecodedJSON know %d: update them", c.v, n, c.want)
		}
	}
	rng := rand.New(rand.NewPCG(3, 4))
	pieces := []string{"a", "Z", " ", "\"", "\\", "\n", "\r", "\t", "\b", "\f", "\x00", "\x1f", "\x7f", "<", ">", "&",
		"é", "€", "😀", "\u2028", "\u2029", "\xff", "\xc3", "\xe2\x82", "kid-1", "signature_invalid"}
	str := func() string {
		var b strings.Builder
		for range rng.IntN(8) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		return b.String()
	}
	// Members are built the only way the commands build them: toValidJSON
	// (invalid input becomes null, whitespace is compacted).
	var raws []validJSON
	for _, r := range []string{"", "null", `{"alg":"HS256","typ":"JWT"}`, `{"a": 1}`, `{"bad"`, `{"s":"\u003c\u2028"}`, `[1,2,{"x":"é"}]`} {
		raws = append(raws, toValidJSON([]byte(r), false))
	}
	encode := func(v any) string {
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		_ = enc.Encode(v)
		return b.String()
	}
	for i := range 3000 {
		var v any
		if i%2 == 0 {
			vj := verdictJSON{Line: rng.IntN(3), Valid: rng.IntN(2) == 0, ExitCode: rng.IntN(7), Error: str(),
				Header: raws[rng.IntN(len(raws))], Claims: raws[rng.IntN(len(raws))]}
			if rng.IntN(2) == 0 {
				r := str()
				vj.Reason = &r
			}
			if rng.IntN(2) == 0 {
				vj.Key = &token.KeyRef{KID: str(), Alg: str(), Source: str()}
			}
			if rng.IntN(3) > 0 {
				vj.Checks = []token.Check{}
				for range rng.IntN(4) {
					vj.Checks = append(vj.Checks, token.Check{Name: str(), OK: rng.IntN(2) == 0, Detail: str()})
				}
			}
			v = vj
		} else {
			v = decodedJSON{Line: rng.IntN(3), Header: raws[rng.IntN(len(raws))], Claims: raws[rng.IntN(len(raws))],
				Signature: str(), Verified: rng.IntN(2) == 0, Error: str(), Reason: str()}
		}
		var got bytes.Buffer
		got.WriteString("prefix\n")
		writeLineJSON(&got, v)
		if want := "prefix\n" + encode(v); got.String() != want {
			t.Fatalf("writeLineJSON(%#v)\n got %q\nwant %q", v, got.String(), want)
		}
	}
}

package batch_test

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/jwtkit/jwtkit/internal/batch"
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

// echo writes "<line> <text>" for each item ("<line> TOO LONG" for an
// overlong one).
func echo(items []batch.Item, out []byte, st *batch.Stats) []byte {
	for _, it := range items {
		st.Lines++
		out = strconv.AppendInt(out, int64(it.Line), 10)
		if it.TooLong {
			out = append(out, " TOO LONG\n"...)
			continue
		}
		out = append(out, ' ')
		out = append(out, it.Text...)
		out = append(out, '\n')
	}
	return out
}

// shuffled is echo after a random amount of yielding, so that chunks
// finish out of order (without sleeping).
func shuffled(items []batch.Item, out []byte, st *batch.Stats) []byte {
	for range rand.IntN(50) {
		runtime.Gosched()
	}
	return echo(items, out, st)
}

func TestRunKeepsInputOrderWithManyWorkers(t *testing.T) {
	const n = 20000
	for _, workers := range []int{1, 3, 16, 64} {
		var out bytes.Buffer
		st, err := batch.Run(workers, batch.Lines(&genLines{n: n, filler: "x"}), shuffled, &out, nil)
		if err != nil {
			t.Fatalf("workers %d: %v", workers, err)
		}
		if st.Lines != n {
			t.Errorf("workers %d: counted %d lines, want %d", workers, st.Lines, n)
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

// countingWriter counts what reaches it.
type countingWriter struct{ n atomic.Int64 }

func (w *countingWriter) Write(p []byte) (int, error) {
	w.n.Add(int64(len(p)))
	return len(p), nil
}

func TestRunBoundsChunksInFlight(t *testing.T) {
	// Every chunk writes one block larger than the pipeline's output
	// buffer, so it reaches the writer whole when its turn comes; then
	// "emitted − written" is the number of chunks in flight, which must
	// never pass 4×workers however far the producer could run ahead.
	const block = 96 << 10
	for _, workers := range []int{1, 2, 5} {
		var w countingWriter
		var emitted, peak int64
		produce := func(emit func([]batch.Item) bool) error {
			for i := range 400 {
				if !emit([]batch.Item{{Line: i + 1}}) {
					return errors.New("aborted")
				}
				emitted++
				peak = max(peak, emitted-w.n.Load()/block)
			}
			return nil
		}
		work := func(items []batch.Item, out []byte, st *batch.Stats) []byte {
			for range rand.IntN(50) {
				runtime.Gosched()
			}
			st.Lines += len(items)
			return append(out, make([]byte, block)...)
		}
		if _, err := batch.Run(workers, produce, work, &w, nil); err != nil {
			t.Fatal(err)
		}
		if w.n.Load() != 400*block {
			t.Fatalf("workers %d: wrote %d bytes, want %d", workers, w.n.Load(), 400*block)
		}
		if limit := int64(4 * workers); peak > limit {
			t.Errorf("workers %d: %d chunks in flight, the limit is %d", workers, peak, limit)
		}
		t.Logf("workers %d: at most %d chunks in flight", workers, peak)
	}
}

// heapSampler is a writer that samples the live heap (after a GC, so that
// garbage the pipeline already dropped does not count) every 8 writes.
type heapSampler struct {
	writes int
	peak   uint64
}

func (h *heapSampler) Write(p []byte) (int, error) {
	if h.writes%8 == 0 {
		var ms runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&ms)
		h.peak = max(h.peak, ms.HeapAlloc)
	}
	h.writes++
	return len(p), nil
}

func TestRunMemoryStaysFlat(t *testing.T) {
	// 200k lines of ~600 bytes: 120 MB through the pipeline. The live heap
	// must stay near what the chunks in flight need, whatever the input size.
	const n = 200_000
	filler := strings.Repeat("eyJhbGciOiJIUzI1NiJ9", 30)
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	var h heapSampler
	st, err := batch.Run(4, batch.Lines(&genLines{n: n, filler: filler}), echo, &h, nil)
	if err != nil || st.Lines != n {
		t.Fatalf("lines %d, err %v", st.Lines, err)
	}
	grew := int64(h.peak) - int64(before.HeapAlloc)
	t.Logf("live heap grew by at most %.1f MiB over %d MiB of input (%d samples)", float64(grew)/(1<<20), n*len(filler)>>20, (h.writes+7)/8)
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
	st, err := batch.Run(2, batch.Lines(&oneLongLine{left: size}), echo, &out, nil)
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := out.String(), "1 TOO LONG\n2 ok\n"; got != want {
		t.Errorf("output %q, want %q", got, want)
	}
	if st.Lines != 2 {
		t.Errorf("counted %d lines, want 2", st.Lines)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 8<<20 {
		t.Errorf("reading a %d MiB line allocated %.1f MiB: it was buffered", size>>20, float64(alloc)/(1<<20))
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

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

func TestRunStopsAfterAWriteError(t *testing.T) {
	const n = 200_000
	var worked atomic.Int64
	work := func(items []batch.Item, out []byte, st *batch.Stats) []byte {
		worked.Add(int64(len(items)))
		return echo(items, out, st)
	}
	in := &countingReader{r: &genLines{n: n, filler: strings.Repeat("y", 200)}}
	_, err := batch.Run(2, batch.Lines(in), work, &failWriter{limit: 1 << 20}, nil)
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("err = %v, want the write error", err)
	}
	if w := worked.Load(); w > n/4 {
		t.Errorf("%d of %d lines were still worked on after the write error", w, n)
	}
	if r, total := in.n.Load(), int64(n*210); r > total/4 {
		t.Errorf("%d of %d input bytes were still read after the write error", r, total)
	}
}

func TestRunReportsTheProducerError(t *testing.T) {
	boom := errors.New("boom")
	produce := func(emit func([]batch.Item) bool) error {
		emit([]batch.Item{{Line: 1, Text: "a"}})
		return boom
	}
	var out bytes.Buffer
	var progressed int
	st, err := batch.Run(3, produce, echo, &out, func(n int) { progressed += n })
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want boom", err)
	}
	if out.String() != "1 a\n" || st.Lines != 1 || progressed != 1 {
		t.Errorf("output %q, %d lines, progress %d: the chunk emitted before the error must still be written", out.String(), st.Lines, progressed)
	}
}

func TestStatsMergeAcrossChunks(t *testing.T) {
	work := func(items []batch.Item, out []byte, st *batch.Stats) []byte {
		for _, it := range items {
			st.Lines++
			if it.Text == "" {
				st.Blank++
				continue
			}
			st.Add(it.Text)
		}
		return out
	}
	in := strings.Repeat("a\nb\n\na\n", 1000)
	st, err := batch.Run(4, batch.Lines(strings.NewReader(in)), work, io.Discard, nil)
	if err != nil {
		t.Fatal(err)
	}
	if st.Lines != 4000 || st.Blank != 1000 || st.Counts["a"] != 2000 || st.Counts["b"] != 1000 || len(st.Counts) != 2 {
		t.Errorf("stats = %+v", st)
	}
}

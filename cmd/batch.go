package cmd

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/jwtkit/jwtkit/internal/ui"
	"github.com/jwtkit/jwtkit/pkg/token"
)

// batchOptions are the flags of the batch modes (verify/decode --batch,
// mint --count).
type batchOptions struct {
	Workers int
	Summary bool
	batch   *string
}

func (b *batchOptions) addFlags(c *cobra.Command, batch *string) {
	fs := c.Flags()
	b.batch = batch
	if batch != nil {
		fs.StringVar(batch, "batch", "", "read newline-separated tokens from stdin, or from `file` (--batch FILE); write one JSON object per line")
		fs.Lookup("batch").NoOptDefVal = "-"
		fs.BoolVar(&b.Summary, "summary", false, "with --batch: print counts per reason on stderr")
	}
	fs.IntVar(&b.Workers, "workers", 0, "parallel workers for batch work (default: number of CPUs)")
}

// validate normalises the flags. "--batch FILE" arrives as --batch with the
// file as a positional argument (the flag's value is optional), so a single
// argument after a bare --batch is taken as the file.
func (b *batchOptions) validate(c *cobra.Command) error {
	if b.Workers < 0 {
		return usagef("--workers must be positive")
	}
	if b.Workers == 0 {
		b.Workers = runtime.NumCPU()
	}
	return nil
}

// takeBatchFile moves a positional argument into --batch when --batch was
// given without "=".
func takeBatchFile(batch *string, args []string) []string {
	if batch != nil && *batch == "-" && len(args) == 1 && args[0] != "-" {
		*batch = args[0]
		return nil
	}
	return args
}

// maxBatchLine bounds one input line; longer lines get a malformed verdict
// and are skipped without being buffered.
const maxBatchLine = token.MaxTokenBytes + 4096

// batchItem is one input line (or one token to mint).
type batchItem struct {
	line    int
	text    string
	tooLong bool
}

// batchStats counts what a batch saw.
type batchStats struct {
	lines  int
	blank  int
	counts map[string]int
	worst  int // lowest non-zero exit code seen; 0 when all passed
}

func (s *batchStats) add(reason string, code int) {
	if s.counts == nil {
		s.counts = map[string]int{}
	}
	s.counts[reason]++
	if code != 0 && (s.worst == 0 || code < s.worst) {
		s.worst = code
	}
}

func (s *batchStats) merge(o batchStats) {
	s.lines += o.lines
	s.blank += o.blank
	for k, v := range o.counts {
		if s.counts == nil {
			s.counts = map[string]int{}
		}
		s.counts[k] += v
	}
	if o.worst != 0 && (s.worst == 0 || o.worst < s.worst) {
		s.worst = o.worst
	}
}

// chunkSize is how many lines one worker takes at a time: large enough to
// make channel traffic negligible, small enough to keep memory flat.
const chunkSize = 256

// chunkBytes caps the text of one chunk, so that long (but allowed) lines do
// not multiply the memory in flight: at most 4×workers chunks are in flight,
// each holding at most chunkBytes plus one line.
const chunkBytes = 256 << 10

type chunk struct {
	seq   int
	items []batchItem
}

type chunkResult struct {
	seq   int
	out   *bytes.Buffer
	stats batchStats
}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxPooledBuf keeps one freak chunk's output buffer from staying in the
// pool for the rest of the run.
const maxPooledBuf = 4 << 20

// runPipeline spreads chunks from produce over workers and writes their
// output to w in input order. At most 4×workers chunks are in flight, so
// memory stays flat whatever the input size. After a write error the
// remaining chunks are dropped unprocessed and the error is returned.
func runPipeline(workers int, produce func(emit func(chunk)) error, work func([]batchItem, *bytes.Buffer, *batchStats), w io.Writer, prog *ui.Progress) (batchStats, error) {
	workers = max(workers, 1)
	inflight := make(chan struct{}, 4*workers)
	jobs := make(chan chunk, workers)
	results := make(chan chunkResult, 4*workers)
	abort := make(chan struct{})
	var prodErr error
	go func() {
		defer close(jobs)
		prodErr = produce(func(c chunk) {
			select {
			case inflight <- struct{}{}:
			case <-abort:
				return
			}
			jobs <- c
		})
	}()
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for c := range jobs {
				buf := bufPool.Get().(*bytes.Buffer)
				buf.Reset()
				var st batchStats
				select {
				case <-abort:
				default:
					work(c.items, buf, &st)
				}
				results <- chunkResult{seq: c.seq, out: buf, stats: st}
			}
		})
	}
	go func() { wg.Wait(); close(results) }()

	bw := bufio.NewWriterSize(w, 64<<10)
	var total batchStats
	// pending holds results that arrived ahead of their turn; at most
	// 4×workers of them, so a slice indexed by seq offset would do as well,
	// but a map keeps the bookkeeping obvious.
	pending := make(map[int]chunkResult, 4*workers)
	next := 0
	var writeErr error
	for r := range results {
		pending[r.seq] = r
		for {
			cur, ok := pending[next]
			if !ok {
				break
			}
			delete(pending, next)
			if writeErr == nil {
				if _, writeErr = bw.Write(cur.out.Bytes()); writeErr != nil {
					close(abort)
				}
			}
			if cur.out.Cap() <= maxPooledBuf {
				bufPool.Put(cur.out)
			}
			total.merge(cur.stats)
			if prog != nil {
				prog.Add(cur.stats.lines)
			}
			next++
			<-inflight
		}
		// Flush whenever the workers have nothing ahead of the writer, so a
		// slow trickle of input still streams out promptly.
		if len(pending) == 0 && len(results) == 0 && writeErr == nil {
			if writeErr = bw.Flush(); writeErr != nil {
				close(abort)
			}
		}
	}
	if writeErr == nil {
		writeErr = bw.Flush()
	}
	if prodErr != nil {
		return total, prodErr
	}
	return total, writeErr
}

// produceLines reads newline-separated lines from r into chunks. The lines
// of one chunk share one string allocation.
func produceLines(r io.Reader) func(emit func(chunk)) error {
	return func(emit func(chunk)) error {
		br := bufio.NewReaderSize(r, 64<<10)
		seq, lineNo := 0, 0
		var (
			arena []byte // the text of the chunk's lines, back to back
			ends  []int  // ends[i]: end of item i's text in arena
			items []batchItem
		)
		flush := func() {
			if len(items) == 0 {
				return
			}
			s := string(arena)
			start := 0
			for i := range items {
				items[i].text = s[start:ends[i]]
				start = ends[i]
			}
			emit(chunk{seq: seq, items: items})
			seq++
			items = make([]batchItem, 0, chunkSize)
			arena, ends = arena[:0], ends[:0]
		}
		var acc []byte
		for {
			lineNo++
			var (
				text    []byte
				tooLong bool
				err     error
			)
			text, tooLong, acc, err = readLine(br, acc)
			if err == io.EOF && len(text) == 0 && !tooLong {
				break
			}
			if errors.Is(err, errBinaryInput) {
				flush()
				return withCode(ExitMalformed, fmt.Errorf("batch input line %d: %w", lineNo, err))
			}
			if err != nil && err != io.EOF {
				flush()
				return fmt.Errorf("reading batch input at line %d: %w", lineNo, err)
			}
			arena = append(arena, text...)
			ends = append(ends, len(arena))
			items = append(items, batchItem{line: lineNo, tooLong: tooLong})
			if len(items) == chunkSize || len(arena) >= chunkBytes {
				flush()
			}
			if err == io.EOF {
				break
			}
		}
		flush()
		return nil
	}
}

// errBinaryInput stops a batch whose input holds a NUL byte: that is not a
// list of tokens (a JWT is ASCII) but a binary file or /dev/urandom, and
// answering each of its "lines" would never end or help.
var errBinaryInput = errors.New("input is binary (NUL byte), not newline-separated tokens")

// readLine reads one line without its terminator ("\n" or "\r\n"). A line
// longer than maxBatchLine is consumed to its end without being kept and is
// reported as tooLong with no text. The returned text is valid until the
// next call; acc is scratch space handed back for reuse.
func readLine(br *bufio.Reader, acc []byte) (text []byte, tooLong bool, scratch []byte, err error) {
	acc = acc[:0]
	joined := false
	for {
		frag, e := br.ReadSlice('\n')
		if bytes.IndexByte(frag, 0) >= 0 {
			return nil, false, acc, errBinaryInput
		}
		if !tooLong {
			if len(acc)+len(frag) > maxBatchLine+2 { // +2: the terminator
				tooLong, acc = true, acc[:0]
			} else if e == bufio.ErrBufferFull || joined {
				acc = append(acc, frag...)
				joined = true
			}
		}
		if e == bufio.ErrBufferFull {
			continue
		}
		if tooLong {
			return nil, true, acc, e
		}
		if joined {
			frag = acc
		}
		frag = bytes.TrimSuffix(frag, []byte("\n"))
		frag = bytes.TrimSuffix(frag, []byte("\r"))
		if len(frag) > maxBatchLine {
			return nil, true, acc, e
		}
		return frag, false, acc, e
	}
}

// openBatchInput opens the --batch source.
func openBatchInput(f *factory, name string) (io.Reader, func(), error) {
	if name == "-" {
		return f.IO.In, func() {}, nil
	}
	fi, err := os.Stat(name)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, nil, fmt.Errorf("batch file %q does not exist", name)
		}
		return nil, nil, fmt.Errorf("batch file %q: %w", name, errors.Unwrap(err))
	}
	if fi.IsDir() {
		return nil, nil, fmt.Errorf("batch file %q is a folder, not a file", name)
	}
	fh, err := os.Open(name)
	if err != nil {
		return nil, nil, fmt.Errorf("batch file %q cannot be read: %w", name, errors.Unwrap(err))
	}
	return fh, func() { fh.Close() }, nil
}

// finishBatch prints the summary and turns the stats into an exit status.
func finishBatch(f *factory, st batchStats, summary bool, what string) error {
	tokens := st.lines - st.blank
	if summary {
		keys := make([]string, 0, len(st.counts))
		for k := range st.counts {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := []string{fmt.Sprintf("%d lines", st.lines), fmt.Sprintf("%d tokens", tokens)}
		for _, k := range keys {
			parts = append(parts, fmt.Sprintf("%d %s", st.counts[k], k))
		}
		parts = append(parts, fmt.Sprintf("%d blank", st.blank))
		fmt.Fprintf(f.IO.ErrOut, "summary: %s\n", strings.Join(parts, ", "))
	}
	if tokens == 0 {
		return withCode(ExitMalformed, fmt.Errorf("no tokens in the batch input: nothing was %s", what))
	}
	if st.worst != 0 {
		return silentExit(st.worst)
	}
	return nil
}

// validJSON is valid, compact JSON text (nil stands for null). Build it only
// with toValidJSON: the hand-written line encoder below writes it as is.
type validJSON []byte

// MarshalJSON writes the text itself, or null.
func (v validJSON) MarshalJSON() ([]byte, error) {
	if v == nil {
		return []byte("null"), nil
	}
	return v, nil
}

// UnmarshalJSON keeps the member's text (compacted), so verdicts read back
// in tests and tools round-trip.
func (v *validJSON) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*v = nil
		return nil
	}
	*v = toValidJSON(bytes.Clone(b), true)
	return nil
}

// toValidJSON returns raw without insignificant whitespace, or nil when raw
// is empty or not valid JSON. known says the token parser already accepted
// raw (Token.HeaderJSON/PayloadJSON are valid whenever Header/Claims are
// set), which spares a second validation on the batch hot path.
func toValidJSON(raw []byte, known bool) validJSON {
	if len(raw) == 0 || (!known && !json.Valid(raw)) {
		return nil
	}
	if !bytes.ContainsAny(raw, " \t\r\n") {
		return validJSON(raw)
	}
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return nil
	}
	return b.Bytes()
}

// compactRaw is toValidJSON for JSON of unknown validity, as a RawMessage.
func compactRaw(raw []byte) json.RawMessage { return json.RawMessage(toValidJSON(raw, false)) }

// writeLineJSON appends v as one line of JSON. The per-line shapes of the
// batch modes are written by hand, byte for byte what encoding/json writes
// (TestLineJSONMatchesEncodingJSON holds them to it): reflection was a fifth
// of a verify batch's time. Anything else, or a raw member that is not
// compact valid JSON, goes through encoding/json.
func writeLineJSON(buf *bytes.Buffer, v any) {
	mark := buf.Len()
	var ok bool
	switch x := v.(type) {
	case verdictJSON:
		ok = appendVerdictJSON(buf, &x)
	case decodedJSON:
		ok = appendDecodedJSON(buf, &x)
	}
	if ok {
		buf.WriteByte('\n')
		return
	}
	buf.Truncate(mark)
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

func appendVerdictJSON(buf *bytes.Buffer, v *verdictJSON) bool {
	buf.WriteByte('{')
	if v.Line != 0 {
		buf.WriteString(`"line":`)
		buf.WriteString(strconv.Itoa(v.Line))
		buf.WriteByte(',')
	}
	buf.WriteString(`"valid":`)
	buf.WriteString(strconv.FormatBool(v.Valid))
	buf.WriteString(`,"reason":`)
	if v.Reason == nil {
		buf.WriteString("null")
	} else {
		appendJSONString(buf, *v.Reason)
	}
	buf.WriteString(`,"exit_code":`)
	buf.WriteString(strconv.Itoa(v.ExitCode))
	if v.Error != "" {
		buf.WriteString(`,"error":`)
		appendJSONString(buf, v.Error)
	}
	buf.WriteString(`,"header":`)
	if !appendRawJSON(buf, v.Header) {
		return false
	}
	buf.WriteString(`,"claims":`)
	if !appendRawJSON(buf, v.Claims) {
		return false
	}
	buf.WriteString(`,"key":`)
	if v.Key == nil {
		buf.WriteString("null")
	} else {
		buf.WriteString(`{"kid":`)
		appendJSONString(buf, v.Key.KID)
		buf.WriteString(`,"alg":`)
		appendJSONString(buf, v.Key.Alg)
		buf.WriteString(`,"source":`)
		appendJSONString(buf, v.Key.Source)
		buf.WriteByte('}')
	}
	buf.WriteString(`,"checks":`)
	if v.Checks == nil {
		buf.WriteString("null")
	} else {
		buf.WriteByte('[')
		for i, c := range v.Checks {
			if i > 0 {
				buf.WriteByte(',')
			}
			buf.WriteString(`{"name":`)
			appendJSONString(buf, c.Name)
			buf.WriteString(`,"ok":`)
			buf.WriteString(strconv.FormatBool(c.OK))
			buf.WriteString(`,"detail":`)
			appendJSONString(buf, c.Detail)
			buf.WriteByte('}')
		}
		buf.WriteByte(']')
	}
	buf.WriteByte('}')
	return true
}

func appendDecodedJSON(buf *bytes.Buffer, d *decodedJSON) bool {
	buf.WriteByte('{')
	if d.Line != 0 {
		buf.WriteString(`"line":`)
		buf.WriteString(strconv.Itoa(d.Line))
		buf.WriteByte(',')
	}
	buf.WriteString(`"header":`)
	if !appendRawJSON(buf, d.Header) {
		return false
	}
	buf.WriteString(`,"claims":`)
	if !appendRawJSON(buf, d.Claims) {
		return false
	}
	buf.WriteString(`,"signature":`)
	appendJSONString(buf, d.Signature)
	buf.WriteString(`,"verified":`)
	buf.WriteString(strconv.FormatBool(d.Verified))
	if d.Error != "" {
		buf.WriteString(`,"error":`)
		appendJSONString(buf, d.Error)
	}
	if d.Reason != "" {
		buf.WriteString(`,"reason":`)
		appendJSONString(buf, d.Reason)
	}
	buf.WriteByte('}')
	return true
}

// appendRawJSON writes a validJSON member: the text, or null.
func appendRawJSON(buf *bytes.Buffer, v validJSON) bool {
	if v == nil {
		buf.WriteString("null")
		return true
	}
	buf.Write(v)
	return true
}

// appendJSONString quotes s exactly as encoding/json does with HTML escaping
// off: \" \\ \b \f \n \r \t, other control bytes as \u00xx, invalid UTF-8
// as \ufffd, and U+2028, U+2029 escaped.
func appendJSONString(buf *bytes.Buffer, s string) {
	const hex = "0123456789abcdef"
	buf.WriteByte('"')
	start := 0
	for i := 0; i < len(s); {
		if b := s[i]; b < utf8.RuneSelf {
			if b >= 0x20 && b != '"' && b != '\\' {
				i++
				continue
			}
			buf.WriteString(s[start:i])
			switch b {
			case '\\', '"':
				buf.WriteByte('\\')
				buf.WriteByte(b)
			case '\b':
				buf.WriteString(`\b`)
			case '\f':
				buf.WriteString(`\f`)
			case '\n':
				buf.WriteString(`\n`)
			case '\r':
				buf.WriteString(`\r`)
			case '\t':
				buf.WriteString(`\t`)
			default:
				buf.WriteString(`\u00`)
				buf.WriteByte(hex[b>>4])
				buf.WriteByte(hex[b&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			buf.WriteString(s[start:i])
			buf.WriteString(`\ufffd`)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			buf.WriteString(s[start:i])
			buf.WriteString(`\u202`)
			buf.WriteByte(hex[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	buf.WriteString(s[start:])
	buf.WriteByte('"')
}

// runLineBatch is the shared driver of decode --batch and verify --batch:
// it opens the input, shows progress, skips and counts blank lines, and
// hands every other line to each (tooLong lines with an empty raw) in
// order. what names the work in the summary ("decoded", "verified").
func runLineBatch(f *factory, name string, b batchOptions, label, what string, each func(it batchItem, raw string, buf *bytes.Buffer, st *batchStats)) error {
	in, closeIn, err := openBatchInput(f, name)
	if err != nil {
		return err
	}
	defer closeIn()
	prog := f.IO.StartProgress(label, 0)
	st, err := runPipeline(b.Workers, produceLines(in), func(items []batchItem, buf *bytes.Buffer, st *batchStats) {
		for _, it := range items {
			st.lines++
			raw := ""
			if !it.tooLong {
				if raw = token.Clean(it.text); raw == "" {
					st.blank++
					continue
				}
			}
			each(it, raw, buf, st)
		}
	}, f.IO.Out, prog)
	prog.Done()
	if err != nil {
		return err
	}
	return finishBatch(f, st, b.Summary, what)
}

// lineTooLong is the error of a batch line over maxBatchLine.
func lineTooLong() error {
	return fmt.Errorf("%w: line longer than %d bytes", token.ErrTooLarge, maxBatchLine)
}

func runDecodeBatch(opts *decodeOptions) error {
	return runLineBatch(opts.f, opts.Batch, opts.batchOptions, "decoding", "decoded", func(it batchItem, raw string, buf *bytes.Buffer, st *batchStats) {
		var tok *token.Token
		perr := lineTooLong()
		if !it.tooLong {
			tok, perr = token.Parse(raw)
		}
		if perr != nil {
			st.add(string(token.ReasonMalformed), ExitMalformed)
			writeLineJSON(buf, decodedJSON{Line: it.line, Error: perr.Error(), Reason: string(token.ReasonMalformed)})
			return
		}
		d := decodedOf(tok)
		d.Line = it.line
		st.add("decoded", 0)
		writeLineJSON(buf, d)
	})
}

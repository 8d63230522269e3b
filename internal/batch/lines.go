package batch

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/jwtkit/jwtkit/pkg/token"
)

// MaxLine bounds one input line; a longer line is consumed without being
// buffered and reaches the work function as a TooLong item.
const MaxLine = token.MaxTokenBytes + 4096

// ErrBinaryLine is the error of a Binary line: it held a NUL byte, which no
// token (ASCII) holds. The line is skipped unread, like a TooLong one, and
// the batch goes on: one bad line costs one verdict.
var ErrBinaryLine = errors.New("the line holds a NUL byte (binary data, not a token)")

// ErrInternal is the error of a line whose handler panicked: a bug, never
// expected. The line gets its own verdict instead of ending the run or
// printing a stack trace.
var ErrInternal = errors.New("internal error (a bug in jwtkit; please report it)")

// ErrLineTooLong is the error of a TooLong line. It wraps token.ErrTooLarge.
var ErrLineTooLong = fmt.Errorf("%w: line longer than %d bytes", token.ErrTooLarge, MaxLine)

// Lines returns a ProduceFunc that reads newline-separated lines ("\n" or
// "\r\n") from r into chunks of at most ChunkLines lines. The lines of one
// chunk share one string allocation. A line holding a NUL byte becomes a
// Binary item, read to its end without being kept.
func Lines(r io.Reader) ProduceFunc {
	return func(emit func([]Item) bool) error {
		br := bufio.NewReaderSize(r, 64<<10)
		lineNo := 0
		var (
			arena []byte // the text of the chunk's lines, back to back
			ends  []int  // ends[i]: end of item i's text in arena
			items []Item
		)
		flush := func() bool {
			if len(items) == 0 {
				return true
			}
			s := string(arena)
			start := 0
			for i := range items {
				items[i].Text = s[start:ends[i]]
				start = ends[i]
			}
			ok := emit(items)
			items = make([]Item, 0, ChunkLines)
			arena, ends = arena[:0], ends[:0]
			return ok
		}
		var acc []byte
		for {
			lineNo++
			var (
				text            []byte
				tooLong, binary bool
				err             error
			)
			text, tooLong, binary, acc, err = readLine(br, acc)
			if err == io.EOF && len(text) == 0 && !tooLong && !binary {
				break
			}
			if err != nil && err != io.EOF {
				flush()
				return fmt.Errorf("reading batch input at line %d: %w", lineNo, err)
			}
			arena = append(arena, text...)
			ends = append(ends, len(arena))
			items = append(items, Item{Line: lineNo, TooLong: tooLong, Binary: binary})
			if len(items) == ChunkLines || len(arena) >= chunkBytes {
				if !flush() {
					return nil // aborted: Run reports why
				}
			}
			if err == io.EOF {
				break
			}
		}
		flush()
		return nil
	}
}

// readLine reads one line without its terminator ("\n" or "\r\n"). A line
// longer than MaxLine, or holding a NUL byte, is consumed to its end
// without being kept and is reported as tooLong or binary with no text.
// The returned text is valid until the next call; acc is scratch space
// handed back for reuse.
func readLine(br *bufio.Reader, acc []byte) (text []byte, tooLong, binary bool, scratch []byte, err error) {
	acc = acc[:0]
	joined := false
	for {
		frag, e := br.ReadSlice('\n')
		if !binary && bytes.IndexByte(frag, 0) >= 0 {
			binary, acc = true, acc[:0]
		}
		if !tooLong && !binary {
			if len(acc)+len(frag) > MaxLine+2 { // +2: the terminator
				tooLong, acc = true, acc[:0]
			} else if e == bufio.ErrBufferFull || joined {
				acc = append(acc, frag...)
				joined = true
			}
		}
		if e == bufio.ErrBufferFull {
			continue
		}
		if binary || tooLong {
			return nil, tooLong && !binary, binary, acc, e
		}
		if joined {
			frag = acc
		}
		frag = bytes.TrimSuffix(frag, []byte("\n"))
		frag = bytes.TrimSuffix(frag, []byte("\r"))
		if len(frag) > MaxLine {
			return nil, true, false, acc, e
		}
		return frag, false, false, acc, e
	}
}

// TokenFunc handles one non-blank line of a token batch: raw is the line
// after token.Clean, empty for an item whose Err is set. It appends its output to out
// and returns it, counting the outcome in st.
type TokenFunc func(it Item, raw string, out []byte, st *Stats) []byte

// Tokens is the WorkFunc of decode and verify batches: it counts every
// line, skips and counts blank ones (blank after token.Clean removes
// whitespace and a Bearer prefix), and hands the others to each, in order.
func Tokens(each TokenFunc) WorkFunc {
	return func(items []Item, out []byte, st *Stats) []byte {
		for _, it := range items {
			st.Lines++
			raw := ""
			if it.Err() == nil {
				if raw = token.Clean(it.Text); raw == "" {
					st.Blank++
					continue
				}
			}
			out = safeEach(each, it, raw, out, st)
		}
		return out
	}
}

// safeEach calls each; should it panic, the line's partial output is
// dropped and each answers again for an item carrying the panic (Err is
// ErrInternal), so the line gets a verdict and the batch goes on. A second
// panic only counts the line as malformed.
func safeEach(each TokenFunc, it Item, raw string, out []byte, st *Stats) (res []byte) {
	n := len(out)
	defer func() {
		if p := recover(); p != nil {
			res = out[:n]
			func() {
				defer func() {
					if recover() != nil {
						res = out[:n]
						st.Add(string(token.ReasonMalformed))
					}
				}()
				res = each(Item{Line: it.Line, Panic: fmt.Sprint(p)}, "", out[:n], st)
			}()
		}
	}()
	return each(it, raw, out, st)
}

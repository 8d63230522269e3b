package probe

import (
	"bufio"
	"bytes"
	"context"
	"crypto/hmac"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/jwtkit/jwtkit/pkg/keys"
)

// wordHit is the outcome of a wordlist search: the 1-based line whose
// secret signs the token (0 when none does), that secret, and the lines
// read.
type wordHit struct {
	line   int64
	secret []byte
	lines  int64
}

// wordBatch is a run of consecutive lines.
type wordBatch struct {
	first int64 // line number of words[0]
	words [][]byte
}

const wordBatchLines = 4096

// maxWordLine bounds one line of a wordlist: longer lines are read whole
// but tried as secrets all the same; the bound only guards memory.
const maxWordLine = 1 << 20

func (r *run) wordlistName() string {
	if r.cfg.WordlistName != "" {
		return r.cfg.WordlistName
	}
	return r.cfg.Wordlist
}

// searchWordlist tries every line of cfg.Wordlist as the HMAC secret of a
// token (alg, signing input, signature). It streams the file (one reader,
// batches of lines) to one worker per core and stops at the first hit; the
// hit reported is the lowest line that matches among the batches tried.
// Lines are taken as they are, without the line end ("\n" or "\r\n");
// empty lines are skipped (jwt.blank-hmac covers the empty key).
func searchWordlist(ctx context.Context, cfg Config, alg string, input, sig []byte) (wordHit, error) {
	a, ok := keys.LookupAlg(alg)
	if !ok || a.Family != keys.FamilyHMAC {
		return wordHit{}, fmt.Errorf("%s is not an HMAC alg", alg)
	}
	f, err := os.Open(cfg.Wordlist)
	if err != nil {
		return wordHit{}, fmt.Errorf("reading the wordlist: %w", unwrapPathError(err))
	}
	defer f.Close()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	batches := make(chan wordBatch, runtime.GOMAXPROCS(0)*2)
	var found atomic.Int64 // lowest matching line, 0 = none
	var secretMu sync.Mutex
	secrets := map[int64][]byte{} // the hits, by line
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range batches {
				for i, w := range b.words {
					if len(w) == 0 {
						continue
					}
					mac := hmac.New(a.Hash.New, w)
					mac.Write(input)
					if hmac.Equal(mac.Sum(nil), sig) {
						line := b.first + int64(i)
						secretMu.Lock()
						secrets[line] = w
						secretMu.Unlock()
						for {
							cur := found.Load()
							if cur != 0 && cur <= line || found.CompareAndSwap(cur, line) {
								break
							}
						}
						cancel()
						break
					}
				}
				if cfg.WordlistProgress != nil {
					cfg.WordlistProgress(int64(len(b.words)))
				}
			}
		}()
	}

	var lines int64
	readErr := func() error {
		defer close(batches)
		br := bufio.NewReaderSize(f, 1<<16)
		b := wordBatch{first: 1}
		flush := func() bool {
			if len(b.words) == 0 {
				return true
			}
			select {
			case batches <- b:
			case <-ctx.Done():
				return false
			}
			b = wordBatch{first: lines + 1}
			return true
		}
		for {
			line, err := readLine(br)
			if len(line) > 0 || err == nil {
				lines++
				b.words = append(b.words, line)
				if len(b.words) == wordBatchLines && !flush() {
					return nil
				}
			}
			if errors.Is(err, io.EOF) {
				flush()
				return nil
			}
			if err != nil {
				return err
			}
		}
	}()
	wg.Wait()
	if readErr != nil {
		return wordHit{}, fmt.Errorf("reading the wordlist: %w", readErr)
	}
	line := found.Load()
	return wordHit{line: line, secret: secrets[line], lines: lines}, nil
}

// readLine returns the next line without its "\n" or "\r\n", copied.
func readLine(br *bufio.Reader) ([]byte, error) {
	var buf []byte
	for {
		chunk, err := br.ReadSlice('\n')
		if len(buf)+len(chunk) <= maxWordLine {
			buf = append(buf, chunk...)
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if err == nil {
			buf = bytes.TrimSuffix(buf[:len(buf)-1], []byte("\r"))
			if buf == nil {
				buf = []byte{}
			}
		} else {
			buf = bytes.TrimSuffix(buf, []byte("\r"))
		}
		return buf, err
	}
}

// unwrapPathError drops the *os.PathError wrapper's op ("open") but keeps
// the path and cause.
func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%q: %w", pe.Path, pe.Err)
	}
	return err
}

// Command jwtloop is the throughput reference for jwtkit: bare golang-jwt
// loops on every core, with nothing around them that jwtkit's batch modes
// would need (no ordering, no verdicts, no input limits).
//
//	jwtloop verify -alg ES256 -key pub.pem -in tokens.txt
//	jwtloop sign   -alg ES256 -key key.pem -n 100000 > tokens.txt
//
// verify parses every line of -in with jwt.Parse and jwt.WithValidMethods on
// runtime.NumCPU() goroutines and fails if any token does not verify. sign
// signs -n claim sets (sub, iss, iat, exp and a random 128-bit jti, like
// "jwtkit mint --jti auto") and writes one token per line. Both print their
// rate on stderr; run.sh times the whole process from outside.
package main

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/golang-jwt/jwt/v5"
)

func main() {
	if len(os.Args) < 2 || (os.Args[1] != "verify" && os.Args[1] != "sign") {
		fmt.Fprintln(os.Stderr, "usage: jwtloop {verify | sign} -alg ALG -key FILE [-in FILE | -n N]")
		os.Exit(2)
	}
	mode := os.Args[1]
	fs := flag.NewFlagSet(mode, flag.ExitOnError)
	alg := fs.String("alg", "HS256", "HS256, RS256, ES256 or EdDSA (any golang-jwt alg of those families)")
	keyFile := fs.String("key", "", "secret file (HS*: its bytes, one trailing newline dropped) or PEM key")
	in := fs.String("in", "", "verify: file of tokens, one per line")
	n := fs.Int("n", 100000, "sign: how many tokens")
	workers := fs.Int("workers", runtime.NumCPU(), "goroutines")
	_ = fs.Parse(os.Args[2:])

	var err error
	switch mode {
	case "verify":
		err = verify(*alg, *keyFile, *in, *workers)
	case "sign":
		err = sign(*alg, *keyFile, *n, *workers, os.Stdout)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "jwtloop:", err)
		os.Exit(1)
	}
}

func loadKey(alg, file string, private bool) (any, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	switch {
	case strings.HasPrefix(alg, "HS"):
		b = bytes.TrimSuffix(bytes.TrimSuffix(b, []byte("\n")), []byte("\r"))
		return b, nil
	case strings.HasPrefix(alg, "RS"), strings.HasPrefix(alg, "PS"):
		if private {
			return jwt.ParseRSAPrivateKeyFromPEM(b)
		}
		return jwt.ParseRSAPublicKeyFromPEM(b)
	case strings.HasPrefix(alg, "ES"):
		if private {
			return jwt.ParseECPrivateKeyFromPEM(b)
		}
		return jwt.ParseECPublicKeyFromPEM(b)
	case alg == "EdDSA":
		if private {
			return jwt.ParseEdPrivateKeyFromPEM(b)
		}
		return jwt.ParseEdPublicKeyFromPEM(b)
	}
	return nil, fmt.Errorf("unsupported alg %q", alg)
}

func verify(alg, keyFile, in string, workers int) error {
	key, err := loadKey(alg, keyFile, false)
	if err != nil {
		return fmt.Errorf("key %q: %w", keyFile, err)
	}
	data, err := os.ReadFile(in)
	if err != nil {
		return err
	}
	// The tokens stay in the file's bytes (no copy): a million tokens cost
	// their size once, and no garbage collection runs on their account.
	var toks []string
	for line := range strings.SplitSeq(unsafe.String(unsafe.SliceData(data), len(data)), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			toks = append(toks, line)
		}
	}
	keyfunc := func(*jwt.Token) (any, error) { return key, nil }
	start := time.Now()
	var next, bad atomic.Int64
	var firstErr atomic.Value
	const step = 64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				hi := int(next.Add(step))
				lo := hi - step
				if lo >= len(toks) {
					return
				}
				for _, t := range toks[lo:min(hi, len(toks))] {
					if _, err := jwt.Parse(t, keyfunc, jwt.WithValidMethods([]string{alg})); err != nil {
						bad.Add(1)
						firstErr.CompareAndSwap(nil, err.Error())
					}
				}
			}
		})
	}
	wg.Wait()
	el := time.Since(start)
	fmt.Fprintf(os.Stderr, "jwtloop verify %s: %d tokens in %.3fs on %d goroutines: %.0f tokens/s (loop only)\n",
		alg, len(toks), el.Seconds(), workers, float64(len(toks))/el.Seconds())
	if b := bad.Load(); b > 0 {
		return fmt.Errorf("%d of %d tokens did not verify, first: %v", b, len(toks), firstErr.Load())
	}
	return nil
}

func sign(alg, keyFile string, n, workers int, w io.Writer) error {
	key, err := loadKey(alg, keyFile, true)
	if err != nil {
		return fmt.Errorf("key %q: %w", keyFile, err)
	}
	method := jwt.GetSigningMethod(alg)
	if method == nil {
		return fmt.Errorf("unknown alg %q", alg)
	}
	now := time.Now().Unix()
	start := time.Now()
	var (
		next     atomic.Int64
		mu       sync.Mutex
		firstErr error
		wg       sync.WaitGroup
	)
	const step = 64
	for range workers {
		wg.Go(func() {
			buf := make([]byte, 0, 64<<10)
			var jti [16]byte
			flush := func() {
				mu.Lock()
				if _, err := w.Write(buf); err != nil && firstErr == nil {
					firstErr = err
				}
				mu.Unlock()
				buf = buf[:0]
			}
			for {
				hi := int(next.Add(step))
				lo := hi - step
				if lo >= n {
					break
				}
				for range min(hi, n) - lo {
					_, _ = rand.Read(jti[:])
					claims := jwt.MapClaims{
						"sub": "bench", "iss": "jwtkit-bench",
						"iat": now, "exp": now + 86400,
						"jti": base64.RawURLEncoding.EncodeToString(jti[:]),
					}
					s, err := jwt.NewWithClaims(method, claims).SignedString(key)
					if err != nil {
						mu.Lock()
						firstErr = errors.Join(firstErr, err)
						mu.Unlock()
						return
					}
					buf = append(buf, s...)
					buf = append(buf, '\n')
				}
				if len(buf) > 60<<10 {
					flush()
				}
			}
			flush()
		})
	}
	wg.Wait()
	el := time.Since(start)
	fmt.Fprintf(os.Stderr, "jwtloop sign %s: %d tokens in %.3fs on %d goroutines: %.0f tokens/s\n",
		alg, n, el.Seconds(), workers, float64(n)/el.Seconds())
	return firstErr
}

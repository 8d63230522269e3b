package batch_test

import (
	"encoding/json"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/jwtkit/jwtkit/internal/batch"
	"github.com/jwtkit/jwtkit/pkg/keys"
	"github.com/jwtkit/jwtkit/pkg/token"
)

// benchTokens returns a verifier and n distinct tokens of alg, minted as
// bench/run.sh mints them (--sub bench --iss jwtkit-bench --exp 24h --jti
// auto), so verdicts have bench's shape: six passing checks, ~700 bytes.
func benchTokens(b *testing.B, alg string, n int) (*token.Verifier, []string) {
	b.Helper()
	k, err := keys.Generate(alg, keys.GenerateOptions{})
	if err != nil {
		b.Fatal(err)
	}
	pub := k
	if k.Type != keys.Oct {
		pub = k.PublicKey()
	}
	s, err := token.NewSigner(k, alg, nil)
	if err != nil {
		b.Fatal(err)
	}
	now := time.Now()
	exp := now.Add(24 * time.Hour)
	spec := token.Spec{Subject: "bench", Issuer: "jwtkit-bench", IssuedAt: &now, Expires: &exp, JTI: "auto"}
	m := token.NewMinter(s, spec)
	toks := make([]string, n)
	for i := range toks {
		if toks[i], err = m.Mint(); err != nil {
			b.Fatal(err)
		}
	}
	v, err := token.NewVerifier(keys.NewSet(pub), token.Policy{Algs: []string{alg}})
	if err != nil {
		b.Fatal(err)
	}
	return v, toks
}

// BenchmarkAppendVerdict encodes the verdict of a valid token, as verify
// --batch does for every line; encoding/json on the same shape is the
// yardstick the hand-written encoder replaced.
func BenchmarkAppendVerdict(b *testing.B) {
	for _, alg := range []string{"HS256", "ES256"} {
		v, toks := benchTokens(b, alg, 64)
		res := make([]*token.Result, len(toks))
		for i, tok := range toks {
			if res[i] = v.Verify(tok); !res[i].Valid {
				b.Fatalf("%s: %v", alg, res[i].Err)
			}
		}
		b.Run(alg+"/batch", func(b *testing.B) {
			buf := make([]byte, 0, 64<<10)
			b.ReportAllocs()
			n := 0
			for i := 0; b.Loop(); i++ {
				buf = batch.AppendVerdict(buf[:0], i+1, res[i%len(res)], 0)
				n += len(buf)
			}
			b.SetBytes(int64(n / b.N))
		})
		b.Run(alg+"/encoding-json", func(b *testing.B) {
			enc := json.NewEncoder(io.Discard)
			enc.SetEscapeHTML(false)
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				if err := enc.Encode(verdictOf(i+1, res[i%len(res)], 0)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkVerifyBatch runs whole verify batches through the pipeline on
// every core, with JSON verdicts and without (-q): the difference is what
// the verdicts cost.
func BenchmarkVerifyBatch(b *testing.B) {
	for _, alg := range []string{"HS256", "ES256", "EdDSA"} {
		// 1000 distinct tokens repeated to 10000 lines (bench/run.sh
		// repeats 3000), so one run reuses its buffers as a long one does.
		v, toks := benchTokens(b, alg, 1000)
		input := strings.Repeat(strings.Join(toks, "\n")+"\n", 10)
		for _, quiet := range []bool{false, true} {
			name := alg + "/json"
			if quiet {
				name = alg + "/quiet"
			}
			b.Run(name, func(b *testing.B) {
				each := func(it batch.Item, raw string, out []byte, st *batch.Stats) []byte {
					res := v.Verify(raw)
					if res.Valid {
						st.Add("valid")
					} else {
						st.Add(string(res.Reason))
					}
					if quiet {
						return out
					}
					return batch.AppendVerdict(out, it.Line, res, 0)
				}
				b.ReportAllocs()
				b.SetBytes(int64(len(input)))
				for b.Loop() {
					st, err := batch.Run(0, batch.Lines(strings.NewReader(input)), batch.Tokens(each), io.Discard, nil)
					if err != nil || st.Counts["valid"] != 10*len(toks) {
						b.Fatalf("%v %+v", err, st.Counts)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*10*len(toks)), "ns/token")
			})
		}
	}
}

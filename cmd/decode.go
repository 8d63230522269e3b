package cmd

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/jwtkit/jwtkit/internal/batch"
	"github.com/jwtkit/jwtkit/internal/human"
	"github.com/jwtkit/jwtkit/internal/safetext"
	"github.com/jwtkit/jwtkit/pkg/token"
)

type decodeOptions struct {
	f      *factory
	Args   []string
	Output string
	Claim  string
	Now    string
	Batch  string // "" off, "-" stdin, else a file
	batchOptions

	parse func(string) (*token.Token, error) // token.Parse; tests inject a panicking one
}

func newDecodeCmd(f *factory, runF func(*decodeOptions) error) *cobra.Command {
	opts := &decodeOptions{f: f}
	c := &cobra.Command{
		Use:   "decode [<token> | -] [-o {text | json}] [--claim <name>]",
		Short: "Show what is inside a token, without verifying it",
		Long: `Decode a JWT and show its header and claims. Decode verifies NOTHING: anyone
can write any claims into a token. Use 'jwtkit verify' to check the signature.

The token comes from the argument, from "-", or from piped stdin. Surrounding
whitespace and "Bearer " or "Authorization: Bearer " prefixes are stripped.
exp, nbf and iat are annotated with their UTC time and how far they are from
now. Unsecured (alg none) tokens are shown under a warning. JWEs, bad
base64url, non-JSON segments and wrong segment counts are errors (exit 3).

With --batch, tokens are read one per line (stdin, or the named file) and one
JSON object per non-blank line is written in input order, using every core.
` + exitStatusSection("success; the token was decoded (nothing was verified)", ExitOK, ExitError, ExitUsage, ExitMalformed),
		Example: `  jwtkit decode eyJhbGciOiJFUzI1NiIs...
  pbpaste | jwtkit decode
  jwtkit decode "$TOKEN" -o json | jq .claims
  jwtkit decode "$TOKEN" --claim sub
  jwtkit decode --batch tokens.txt --summary > decoded.jsonl`,
		Args: namedArgs(0, 1, "a token"),
		RunE: func(c *cobra.Command, args []string) error {
			args = takeBatchFile(&opts.Batch, args)
			opts.Args = args
			if err := checkOutput(opts.Output, "text", "json"); err != nil {
				return err
			}
			if err := opts.batchOptions.validate(c); err != nil {
				return err
			}
			if opts.Batch != "" {
				if len(args) > 0 {
					return usagef("--batch reads tokens from stdin or its file: drop the token argument")
				}
				if opts.Claim != "" {
					return usagef("--claim cannot be used with --batch")
				}
			}
			if err := outputCombination(c, opts.Batch != "", false); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return runDecode(opts)
		},
	}
	fs := c.Flags()
	addOutputFlag(c, &opts.Output, "text", "text or json")
	fs.StringVar(&opts.Claim, "claim", "", "print only this claim's value (strings raw, anything else as JSON); a dotted name reads a nested claim")
	addNowFlag(fs, &opts.Now, "annotate dates as of this `time` instead of the clock")
	opts.batchOptions.addFlags(c, &opts.Batch)
	return c
}

func runDecode(opts *decodeOptions) error {
	f := opts.f
	if opts.Batch != "" {
		return runDecodeBatch(opts)
	}
	now, err := resolveNow(f, opts.Now)
	if err != nil {
		return err
	}
	raw, err := readToken(f, opts.Args)
	if err != nil {
		return opts.jsonError(err, "")
	}
	tok, err := opts.parseSafely(raw)
	warning := ""
	switch {
	case tok != nil && errors.Is(err, token.ErrMemberType):
		// Shown anyway, under a warning that names the members.
		warning = memberTypeWarning(err)
	case err != nil:
		return opts.jsonError(malformed(twoTokens(raw, err)), raw)
	}
	warning = joinWarnings(warning, listWarning(tok))
	errP := f.IO.Palette(false)
	if warning != "" {
		fmt.Fprintln(f.IO.ErrOut, errP.Yellow.Sprint("warning: "+safetext.Escape(warning)))
	}
	if strings.EqualFold(tok.Alg(), "none") {
		fmt.Fprintln(f.IO.ErrOut, errP.Red.Sprint("WARNING: this token is UNSECURED (alg \"")+tok.Alg()+errP.Red.Sprint("\"): it has no signature, anyone can forge it, and jwtkit verify always rejects it"))
	}
	if opts.Claim != "" {
		v, ok, err := token.LookupClaim(tok.Claims, opts.Claim)
		if err != nil {
			return withCode(ExitError, err)
		}
		if !ok {
			return fmt.Errorf("the token has no claim %s%s", safetext.QuoteArg(opts.Claim), flatIgnoredNote(tok.Claims, opts.Claim))
		}
		notVerifiedNote(f)
		if s, isStr := v.(string); isStr {
			_, err = fmt.Fprintln(f.IO.Out, safetext.Escape(s))
			return err
		}
		_, err = fmt.Fprintln(f.IO.Out, jsonText(v))
		return err
	}
	if opts.Output == "json" {
		return writeJSONLine(f.IO.Out, batch.AppendDecodedWarning(nil, 0, tok, warning))
	}
	p := f.IO.Palette(true)
	fmt.Fprintln(f.IO.Out, p.Bold.Sprint("Header"))
	if err := prettyJSON(f.IO.Out, tok.HeaderJSON, p, nil); err != nil {
		return err
	}
	fmt.Fprintln(f.IO.Out, p.Bold.Sprint("Claims"))
	if err := prettyJSON(f.IO.Out, tok.PayloadJSON, p, dateNote(tok, now)); err != nil {
		return err
	}
	fmt.Fprintf(f.IO.Out, "%s %s\n", p.Bold.Sprint("Signature"), p.Faint.Sprintf("%d bytes (%s)", len(tok.Signature), sigAlgNote(tok.Alg())))
	notVerifiedNote(f)
	return nil
}

// notVerifiedNote is decode's one line per run on stderr: nothing it shows
// was verified.
func notVerifiedNote(f *factory) {
	p := f.IO.Palette(false)
	fmt.Fprintln(f.IO.ErrOut, p.Yellow.Sprint("note: signature NOT verified; decode trusts nothing. Run 'jwtkit verify' to check it."))
}

// sigAlgNote names the header's alg, escaped: it is the token's text.
func sigAlgNote(alg string) string {
	if alg == "" {
		return "no alg"
	}
	return safetext.Escape(alg)
}

// dateNote annotates NumericDate claims with their UTC time and a relative phrase.
func dateNote(tok *token.Token, now time.Time) func(string, any) string {
	return func(key string, _ any) string {
		switch key {
		case "exp", "nbf", "iat", "auth_time":
		default:
			return ""
		}
		t, ok, err := tok.NumericDate(key)
		if err != nil || !ok {
			return ""
		}
		return t.UTC().Format(time.RFC3339) + " (" + human.Relative(key, t, now) + ")"
	}
}

func runDecodeBatch(opts *decodeOptions) error {
	defer notVerifiedNote(opts.f)
	return runLineBatch(opts.f, opts.Batch, opts.batchOptions, "decoding", "decoded", func(it batch.Item, raw string, out []byte, st *batch.Stats) []byte {
		var tok *token.Token
		err := it.Err()
		if err == nil {
			tok, err = token.Parse(raw)
		}
		warning := ""
		if tok != nil && errors.Is(err, token.ErrMemberType) {
			warning, err = memberTypeWarning(err), nil
		}
		if err == nil {
			warning = joinWarnings(warning, listWarning(tok))
		}
		if err != nil {
			st.Add(string(token.ReasonMalformed))
			return batch.AppendDecodeErrorHeader(out, it.Line, decodedHeader(raw), token.ReasonMalformed, twoTokens(raw, err))
		}
		st.Add("decoded")
		return batch.AppendDecodedWarning(out, it.Line, tok, warning)
	})
}

// memberTypeWarning words a token.ErrMemberType for decode, which shows
// such a token anyway: what is wrong, and that verify refuses it.
func memberTypeWarning(err error) string {
	return strings.TrimPrefix(err.Error(), "token malformed: ") + "; jwtkit verify rejects this token as malformed (exit 3)"
}

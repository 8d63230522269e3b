package cmd

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/jwtkit/jwtkit/internal/batch"
	"github.com/jwtkit/jwtkit/internal/human"
	"github.com/jwtkit/jwtkit/internal/safetext"
	"github.com/jwtkit/jwtkit/internal/strictjson"
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
` + exitStatusHelp,
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

// jsonError is decode's answer to input it cannot show: with -o json, one
// JSON document in the shape of a batch line that failed (the header too,
// when it decoded) goes to stdout before the error, whose exit code stays.
func (opts *decodeOptions) jsonError(err error, raw string) error {
	if opts.Output != "json" || opts.Claim != "" {
		return err
	}
	reason := token.Reason("")
	if exitCode(err) == ExitMalformed {
		reason = token.ReasonMalformed
	}
	if werr := writeJSONLine(opts.f.IO.Out, batch.AppendDecodeErrorHeader(nil, 0, decodedHeader(raw), reason, err)); werr != nil {
		return werr
	}
	return err
}

// decodedHeader is the header JSON of raw when its first segment decodes
// to a JSON object on its own, for a token whose claims or signature do
// not: nil otherwise.
func decodedHeader(raw string) []byte {
	first, _, ok := strings.Cut(raw, ".")
	if !ok || first == "" {
		return nil
	}
	b, err := base64.RawURLEncoding.Strict().DecodeString(first)
	if err != nil {
		return nil
	}
	if _, err := strictjson.Object(string(b), token.MaxJSONDepth); err != nil {
		return nil
	}
	return b
}

// twoTokens rewords a parse error for input that holds two tokens
// separated by whitespace (two pasted at once, or two lines on stdin),
// which would otherwise read as a JWE or bad base64url. A real JWE has
// no whitespace, so it keeps its own error.
func twoTokens(raw string, err error) error {
	fields := strings.Fields(raw)
	if len(fields) < 2 {
		return err
	}
	jws := 0
	for _, f := range fields {
		if strings.Count(f, ".") == 2 {
			jws++
		}
	}
	if jws >= 2 || (errors.Is(err, token.ErrJWE) && strings.Count(raw, ".") == 4) {
		return fmt.Errorf("%w: two tokens? the input holds %d whitespace-separated parts; give one token (--batch reads one per line)", token.ErrMalformed, len(fields))
	}
	return err
}

// parseSafely is decode's edge around Parse, like verifySafely: a panic (a
// bug, never expected) becomes a malformed error, never a stack trace.
func (opts *decodeOptions) parseSafely(raw string) (tok *token.Token, err error) {
	defer func() {
		if p := recover(); p != nil {
			tok, err = nil, fmt.Errorf("%w: %w: %v", token.ErrMalformed, batch.ErrInternal, p)
		}
	}()
	if opts.parse != nil {
		return opts.parse(raw)
	}
	return token.Parse(raw)
}

// flatIgnoredNote explains a missing dotted --claim when a flat member
// literally holds the name (it is ignored: a dotted name is a path).
func flatIgnoredNote(claims map[string]any, name string) string {
	if !token.FlatOnly(claims, name) {
		return ""
	}
	return " (a flat member of that name is ignored: a dotted name is a path to a nested member)"
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

// listWarning names the roles and scope claims that hold something other
// than strings (an array with a number, an object): verify's --role and
// --scope fail such a token, so decode says so.
func listWarning(tok *token.Token) string {
	var out []string
	for _, name := range [...]string{token.DefaultRolesClaim, "scope", "scp"} {
		if _, _, err := token.StringList(tok.Claims, name); err != nil {
			out = append(out, err.Error())
		}
	}
	if len(out) == 0 {
		return ""
	}
	return strings.Join(out, "; ") + "; jwtkit verify --role/--scope fails this token (exit 6)"
}

func joinWarnings(a, b string) string {
	if a == "" || b == "" {
		return a + b
	}
	return a + "; " + b
}

// memberTypeWarning words a token.ErrMemberType for decode, which shows
// such a token anyway: what is wrong, and that verify refuses it.
func memberTypeWarning(err error) string {
	return strings.TrimPrefix(err.Error(), "token malformed: ") + "; jwtkit verify rejects this token as malformed (exit 3)"
}

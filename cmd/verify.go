package cmd

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/jwtkit/jwtkit/internal/batch"
	"github.com/jwtkit/jwtkit/internal/flagsyntax"
	"github.com/jwtkit/jwtkit/internal/human"
	"github.com/jwtkit/jwtkit/internal/safetext"
	"github.com/jwtkit/jwtkit/pkg/keys"
	"github.com/jwtkit/jwtkit/pkg/token"
)

type verifyOptions struct {
	f       *factory
	Args    []string
	Keys    keySourceFlags
	Policy  policyFlags
	Now     string
	Output  string
	Quiet   bool
	Timeout time.Duration
	Batch   string
	Remote  remoteFlags
	batchOptions

	remote *keys.Remote // the network key set, when there is one
	policy token.Policy // the policy as given, for a verifier after a refetch
}

func newVerifyCmd(f *factory, runF func(*verifyOptions) error) *cobra.Command {
	opts := &verifyOptions{f: f}
	c := &cobra.Command{
		Use:   "verify [<token> | -] [--key <file> | --jwks <file-or-url> | --issuer-url <url> | --secret-env <name> | ...] [policy flags]",
		Short: "Verify a token's signature, times and claims; fail closed",
		Long: `Verify a JWT against a key and a policy. The signature must verify with an
allowed algorithm (default: what the key can verify; never none, and never an
HMAC algorithm with an asymmetric key). exp, nbf and iat are checked with
--leeway (default 0); then every claim rule given (--iss, --aud, --sub,
--role, --scope, --require, --max-age) is checked, and every failing one is
listed, not only the first.

Keys: --key (PEM, DER, JWK or JWKS; --kid picks from a set), --jwks FILE|URL
(the token header's kid picks the key), an HMAC secret (--secret-file,
--secret-env, --secret), or with none of these your development key.
Embedded jwk, jku, x5u and x5c headers are never used to find a key.

--issuer-url URL finds the key set by OpenID Connect discovery (RFC 8414's
metadata as a fallback): the document's issuer must equal URL exactly, its
jwks_uri must be https, and the token's iss must equal URL (exit 6). Key
sets from URLs are cached in $JWTKIT_HOME/cache for the smaller of the
server's max-age and --jwks-ttl (5m), revalidated with ETag; a kid missing
from a cached set refetches it once (at most every 30s per URL);
--no-cache fetches afresh. Weak keys in a fetched set are skipped with a
note.

-o json prints {valid, reason, exit_code, header, claims, key, checks}; -q
prints nothing on stdout and no notes (warnings and errors still go to
stderr): the exit status tells. --batch
verifies one token per line (stdin or a file) on all cores and prints one
JSON verdict per line, in order.
` + exitStatusSection("success; the token is valid", ExitOK, ExitError, ExitUsage, ExitMalformed, ExitSignature, ExitTime, ExitPolicy),
		Example: `  jwtkit mint --sub alice | jwtkit verify
  jwtkit verify "$TOKEN" --jwks https://auth.example.com/.well-known/jwks.json --iss https://auth.example.com --aud api
  jwtkit verify "$TOKEN" --issuer-url https://keycloak.example.com/realms/acme --aud account
  jwtkit verify "$TOKEN" --secret-env SECRET_KEY --alg HS256 --require sub --leeway 30s
  jwtkit verify "$TOKEN" --key pub.pem --role admin -o json | jq .reason
  jwtkit verify -q "$TOKEN" --key pub.pem || echo "rejected with exit $?"
  jwtkit verify --batch tokens.txt --key pub.pem --summary > verdicts.jsonl`,
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
			if err := opts.Keys.validate(); err != nil {
				return err
			}
			if err := opts.Remote.validate(&opts.Keys, opts.Policy.Iss); err != nil {
				return err
			}
			if opts.Batch != "" && len(args) > 0 {
				return usagef("--batch reads tokens from stdin or its file: drop the token argument")
			}
			if err := outputCombination(c, opts.Batch != "", opts.Quiet); err != nil {
				return err
			}
			readsStdin := (opts.Batch == "-") || (opts.Batch == "" && (len(args) == 0 || args[0] == "-"))
			if readsStdin && opts.Keys.usesStdin() {
				return usagef("the token and the key or secret cannot both come from stdin: pass the token as an argument")
			}
			if opts.Timeout <= 0 {
				return usagef("--timeout must be positive")
			}
			if runF != nil {
				return runF(opts)
			}
			return runVerify(c.Context(), opts)
		},
	}
	fs := c.Flags()
	opts.Keys.addFlags(fs, true)
	opts.Policy.addFlags(fs, true)
	addNowFlag(fs, &opts.Now, "evaluate exp, nbf, iat and --max-age at this `time` instead of the clock")
	addOutputFlag(c, &opts.Output, "text", "text or json")
	fs.BoolVarP(&opts.Quiet, "quiet", "q", false, "print nothing on stdout and no notes (warnings still go to stderr); the exit status tells")
	fs.Var(flagsyntax.NewDuration(&opts.Timeout, DefaultTimeout), "timeout", "timeout for fetching --jwks from a URL")
	opts.Remote.addFlags(fs)
	opts.batchOptions.addFlags(c, &opts.Batch)
	_ = c.RegisterFlagCompletionFunc("alg", algCompletions())
	return c
}

func (opts *verifyOptions) verifier(ctx context.Context) (*token.Verifier, error) {
	f := opts.f
	now, err := resolveNow(f, opts.Now)
	if err != nil {
		return nil, err
	}
	clock := f.Now
	if opts.Now != "" {
		clock = func() time.Time { return now }
	}
	pol, err := opts.Policy.policy(clock)
	if err != nil {
		return nil, err
	}
	noteCommaRoles(f, opts.Policy.Roles)
	if ctx == nil {
		ctx = context.Background()
	}
	opts.Remote.issuerPolicy(&pol)
	opts.policy = pol
	set, err := opts.keySet(ctx)
	if err != nil {
		return nil, err
	}
	v, err := token.NewVerifier(set, pol)
	if err != nil {
		return nil, usagef("%v", err)
	}
	return v, nil
}

func runVerify(ctx context.Context, opts *verifyOptions) error {
	f := opts.f
	f.Quiet = opts.Quiet
	if opts.Batch != "" {
		v, err := opts.verifier(ctx)
		if err != nil {
			return err
		}
		return runVerifyBatch(ctx, opts, v)
	}
	// The token first: no key is loaded, fetched or discovered for a
	// command line that has no token ("$TOKEN" unset).
	raw, err := readToken(f, opts.Args)
	if err != nil {
		if opts.Output == "json" && !opts.Quiet {
			// -o json answers every input with one verdict document.
			res := &token.Result{Reason: token.ReasonMalformed, Err: err}
			if werr := writeJSONLine(f.IO.Out, batch.AppendVerdict(nil, 0, res, exitCode(err))); werr != nil {
				return werr
			}
		}
		return err
	}
	v, err := opts.verifier(ctx)
	if err != nil {
		return err
	}
	res := opts.retryKIDMiss(ctx, verifySafely(v, raw), raw)
	code := reasonExitCode(res.Reason)
	switch {
	case opts.Quiet:
	case opts.Output == "json":
		if err := writeJSONLine(f.IO.Out, batch.AppendVerdict(nil, 0, res, code)); err != nil {
			return err
		}
	default:
		writeVerdictText(opts, res)
	}
	if code != ExitOK {
		return silentExit(code)
	}
	return nil
}

func writeVerdictText(opts *verifyOptions, res *token.Result) {
	f := opts.f
	w := f.IO.Out
	p := f.IO.Palette(true)
	now := f.Now()
	if opts.Now != "" {
		if t, err := resolveNow(f, opts.Now); err == nil {
			now = t
		}
	}
	if res.Valid {
		fmt.Fprintf(w, "%s\n", p.Green.Sprint("valid"))
	} else {
		fmt.Fprintf(w, "%s %s\n", p.Red.Sprint("invalid:"), p.Bold.Sprint(string(res.Reason)))
	}
	if res.Key != nil {
		fmt.Fprintf(w, "%-8s %s\n", "key", safetext.Escape(describeKeyRef(res.Key)))
	}
	if res.Expires != nil {
		fmt.Fprintf(w, "%-8s %s (%s)\n", "expires", res.Expires.UTC().Format(time.RFC3339), human.Relative("exp", *res.Expires, now))
	}
	if len(res.Checks) > 0 {
		fmt.Fprintln(w, "checks")
		for _, c := range res.Checks {
			mark := p.Green.Sprint("ok  ")
			if !c.OK {
				mark = p.Red.Sprint("FAIL")
			}
			fmt.Fprintf(w, "  %s %-10s %s\n", mark, c.Name, safetext.Escape(c.Detail))
		}
	}
	if res.Token != nil && res.Token.Claims != nil {
		if res.Key == nil {
			fmt.Fprintln(w, "claims "+p.Yellow.Sprint("(signature NOT verified: do not trust them)"))
		} else {
			fmt.Fprintln(w, "claims")
		}
		var buf bytes.Buffer
		if err := prettyJSON(&buf, res.Token.PayloadJSON, p, dateNote(res.Token, now)); err == nil {
			w.Write(buf.Bytes())
		}
	}
}

func describeKeyRef(k *token.KeyRef) string {
	s := k.Alg
	if k.KID != "" {
		s += fmt.Sprintf(", kid %q", k.KID)
	}
	if k.Source != "" {
		s += ", from " + k.Source
	}
	return s
}

func runVerifyBatch(ctx context.Context, opts *verifyOptions, v *token.Verifier) error {
	bv := newBatchVerifier(ctx, opts, v)
	return runLineBatch(opts.f, opts.Batch, opts.batchOptions, "verifying", "verified", func(it batch.Item, raw string, out []byte, st *batch.Stats) []byte {
		var res *token.Result
		if err := it.Err(); err != nil {
			res = &token.Result{Reason: token.ReasonMalformed, Err: fmt.Errorf("%w: %w", token.ErrMalformed, err)}
		} else {
			res = bv.verify(raw)
		}
		if res.Valid {
			st.Add("valid")
		} else {
			st.Add(string(res.Reason))
		}
		if opts.Quiet { // the verdict would be thrown away: skip building it
			return out
		}
		return batch.AppendVerdict(out, it.Line, res, reasonExitCode(res.Reason))
	})
}

// verifySafely is the command line's edge around Verify: a panic (a bug,
// never expected) becomes a malformed verdict with the panic's message,
// so one token cannot end a batch or print a stack trace.
func verifySafely(v *token.Verifier, raw string) (res *token.Result) {
	defer func() {
		if p := recover(); p != nil {
			err := fmt.Errorf("%w: internal error: %v", token.ErrMalformed, p)
			res = &token.Result{Reason: token.ReasonMalformed, Err: err,
				Checks: []token.Check{{Name: "internal", Detail: err.Error()}}}
		}
	}()
	return twoTokensVerdict(raw, v.Verify(raw))
}

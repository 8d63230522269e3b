package cmd

import (
	"fmt"
	"sync"

	"github.com/spf13/cobra"

	"github.com/jwtkit/jwtkit/internal/batch"
	"github.com/jwtkit/jwtkit/pkg/keys"
	"github.com/jwtkit/jwtkit/pkg/token"
)

type mintOptions struct {
	f      *factory
	cmd    *cobra.Command
	Keys   keySourceFlags
	Claims claimFlags
	Alg    string
	Now    string
	Output string
	Count  int
	batchOptions
}

func newMintCmd(f *factory, runF func(*mintOptions) error) *cobra.Command {
	opts := &mintOptions{f: f}
	c := &cobra.Command{
		Use:   "mint [--key <file> | --secret-file <file> | --secret-env <name>] [--sub <sub>] [--role <role>]... [flags]",
		Short: "Mint a signed JWT",
		Long: `Mint a JWT with a subject, roles, scopes, issuer, audience, expiry and any
other claim, signed with a key file, an HMAC secret, or, with no key flag at
all, your development key (an ES256 key created on first use in
$JWTKIT_HOME, default ~/.config/jwtkit; verify and serve use it too).

Times (--exp, --nbf, --iat, --now) take a duration from now (15m, 1h30m, 7d,
-1h for an already-expired token), an RFC 3339 time, or unix seconds.
--claim values are JSON when they parse as JSON, else strings.

HMAC secrets are the bytes of the given text (as PyJWT and jsonwebtoken use
them) unless --secret-encoding says base64, base64url or hex.`,
		Example: `  # a token for a local API, signed with the development key
  jwtkit mint --sub alice --role admin

  # HS256 with the secret your FastAPI app reads from SECRET_KEY
  jwtkit mint --secret-env SECRET_KEY --sub alice --scope "items:read items:write"

  # RS256 for an audience, valid one hour, as a ready header
  jwtkit mint --key signing.pem --iss https://auth.example.com --aud api --exp 1h -o header

  # an already-expired token for a negative test, reproducible
  jwtkit mint --secret-file hs.secret --sub bob --exp -1h --now 2026-01-01T00:00:00Z

  # Keycloak-style nested roles and typed custom claims
  jwtkit mint --role admin --roles-claim realm_access.roles --claim tenant=42 --claim 'flags=["a","b"]'

  # 10000 tokens with unique ids, on all cores
  jwtkit mint --secret-env SECRET_KEY --jti auto --count 10000 > tokens.txt`,
		Args: namedArgs(0, 0, ""),
		RunE: func(c *cobra.Command, args []string) error {
			opts.cmd = c
			if err := checkOutput(opts.Output, "token", "json", "header"); err != nil {
				return err
			}
			if err := opts.batchOptions.validate(c); err != nil {
				return err
			}
			if opts.Count < 1 {
				return usagef("--count must be at least 1")
			}
			if err := opts.Keys.validate(); err != nil {
				return err
			}
			if opts.Keys.usesStdin() && opts.Claims.ClaimsFile == "-" {
				return usagef("--claims - and a key or secret from stdin cannot both read stdin")
			}
			if runF != nil {
				return runF(opts)
			}
			return runMint(opts)
		},
	}
	fs := c.Flags()
	opts.Keys.addFlags(fs, false)
	opts.Claims.addFlags(fs)
	fs.StringVar(&opts.Alg, "alg", "", "signing algorithm (default: from the key; ES256 for the development key)")
	addNowFlag(fs, &opts.Now, "mint as if the clock read this `time` (iat, and --exp/--nbf durations, count from it)")
	addOutputFlag(c, &opts.Output, "token", "token, json or header")
	fs.IntVar(&opts.Count, "count", 1, "mint `N` tokens, one per line, on all cores (use --jti auto for unique ids)")
	opts.batchOptions.addFlags(c, nil)
	_ = c.RegisterFlagCompletionFunc("alg", algCompletions())
	return c
}

func runMint(opts *mintOptions) error {
	f := opts.f
	now, err := resolveNow(f, opts.Now)
	if err != nil {
		return err
	}
	m, err := prepareMint(f, opts.cmd.Flags(), &opts.Keys, &opts.Claims, opts.Alg, now)
	if err != nil {
		return err
	}
	signer := m.signer
	if opts.Count > 1 {
		return mintMany(opts, signer, m.spec)
	}
	tok, claims, err := m.mintOne()
	if err != nil {
		return err
	}
	switch opts.Output {
	case "json":
		line, err := batch.AppendMinted(nil, tok, signer.Header(), claims)
		if err != nil {
			return err
		}
		return writeJSONLine(f.IO.Out, line)
	case "header":
		_, err = fmt.Fprintf(f.IO.Out, "Authorization: Bearer %s\n", tok)
	default:
		_, err = fmt.Fprintln(f.IO.Out, tok)
	}
	return err
}

// warnShortSecret follows RFC 7518 §3.2: an HMAC key must be at least as
// long as the hash output.
func warnShortSecret(f *factory, key *keys.Key, alg string) {
	a, ok := keys.LookupAlg(alg)
	if key.Type != keys.Oct || !ok {
		return
	}
	if want := a.MinSecretBytes; len(key.Secret) < want {
		fmt.Fprintf(f.IO.ErrOut, "warning: the HMAC secret is %d bytes; %s wants at least %d (RFC 7518 §3.2). Generate one with: jwtkit keys generate --alg %s\n", len(key.Secret), alg, want, alg)
	}
}

// mintMany mints opts.Count tokens on all cores, one per line, in order.
func mintMany(opts *mintOptions, signer *token.Signer, spec token.Spec) error {
	f := opts.f
	n := opts.Count
	produce := func(emit func([]batch.Item) bool) error {
		// Small counts of slow signatures still spread over every worker.
		step := min(batch.ChunkLines, max(1, n/(opts.Workers*4)))
		for start := 0; start < n; start += step {
			items := make([]batch.Item, min(start+step, n)-start)
			for i := range items {
				items[i].Line = start + i + 1
			}
			if !emit(items) {
				return nil
			}
		}
		return nil
	}
	var (
		errMu    sync.Mutex
		firstErr error
	)
	// The claims are built and encoded once; each token gets its own jti.
	minter := token.NewMinter(signer, spec)
	header := signer.Header()
	prog := f.IO.StartProgress("minting", int64(n))
	st, err := batch.Run(opts.Workers, produce, func(items []batch.Item, out []byte, st *batch.Stats) []byte {
		for range items {
			st.Lines++
			var (
				tok    string
				claims map[string]any
				err    error
			)
			n := len(out)
			func() {
				// A panic (a bug) costs this token, not the run.
				defer func() {
					if p := recover(); p != nil {
						out, err = out[:n], fmt.Errorf("%w: %v", batch.ErrInternal, p)
					}
				}()
				if opts.Output == "json" {
					tok, claims, err = minter.MintClaims()
					if err == nil {
						out, err = batch.AppendMinted(out, tok, header, claims)
					}
				} else {
					tok, err = minter.Mint()
				}
			}()
			if err != nil {
				st.Add("error")
				errMu.Lock()
				if firstErr == nil {
					firstErr = err
				}
				errMu.Unlock()
				continue
			}
			switch opts.Output {
			case "json":
			case "header":
				out = append(append(append(out, "Authorization: Bearer "...), tok...), '\n')
			default:
				out = append(append(out, tok...), '\n')
			}
		}
		return out
	}, f.IO.Out, prog.Add)
	prog.Done()
	if err != nil {
		return err
	}
	if failed := st.Counts["error"]; failed > 0 {
		return fmt.Errorf("minting failed for %d of %d tokens: %v", failed, n, firstErr)
	}
	return nil
}

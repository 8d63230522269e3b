package cmd

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/jwtkit/jwtkit/internal/flagsyntax"
	"github.com/jwtkit/jwtkit/pkg/probe"
)

type probeOptions struct {
	f   *factory
	cmd *cobra.Command

	URL    string
	Keys   keySourceFlags
	Claims claimFlags
	Alg    string
	Token  string
	// IssuerURL names the key set that verifies --token (issue 13).
	IssuerURL string

	Origin         string
	HTTPURL        string
	WriteURL       string
	WriteMethod    string
	WriteBody      string
	RequestHeaders []string
	ExpectBody     string

	Reach probeReachFlags

	HTTP        httpOptions
	MaxRequests int
	Concurrency int

	Only   []string
	Skip   []string
	List   bool
	DryRun bool
	Output string
	FailOn string

	checks []string // resolved from Only and Skip

	Attacks probeAttackFlags // issue 12: --callback-url, --callback-addr, --wordlist
	// wait replaces resp.availability's pause; tests set it so nothing
	// sleeps. nil: probe's default (a timer).
	wait func(ctx context.Context, d time.Duration) error
}

const probeHelp = `Send a planned set of requests to one protected endpoint and grade how the
API treats tokens, plain HTTP and foreign origins. Each check has a stable
id (see --list) and grades pass, warn, fail, info, skip (an input is missing) or
error (the request failed), with one line of evidence and a reference.

probe mints its own valid token with the same key and claim flags as mint
(no key flag: your development key), and every forged variant changes one
property of it. --role names the roles the endpoint requires; the token
carries them and authz.insufficient-role sends it without them. With
--token, probe uses your token instead, and the checks that need the
signing key skip.

Only GET, HEAD and OPTIONS are sent unless --write-url names an endpoint
that may safely receive a --write-method request. Redirects are never
followed; tokens go only to the target's origin (and --write-url's), never
to plain http when the target is https, and to a plain-http host that is
not loopback only with --allow-plain-http; the plain-HTTP checks send no
token. TLS is verified unless --insecure. Reports show tokens as header
and claims only, never a signature.

Request headers: --header 'Name: value', or -H/--request-header (repeatable).
--header 'key=value' (an '=' before any ':') sets a JWT header member of the
minted token, exactly as in mint.

Real APIs: --token-in puts every token of every check in another carrier
(header:x-access-token, cookie:access_token, query:token, form:token);
--login-url with --login-user and --login-password-env or -file gets the
valid token from the API's password login (never from argv, never re-sent
after a redirect); --low-token or --low-login-user adds a real low-privilege
identity for authz.low-privilege; --method with --body and --allow-write
targets endpoints that only answer POST, PUT, PATCH or DELETE. A secret
that jwt.weak-secret cracks becomes the signing key for the other checks.
-o sarif (GitHub code scanning) and -o markdown (pull requests, CI job
summaries) render the report for upload and pasting.

EXIT STATUS
  0  no check failed and none ended in error (with --fail-on warn: none warned)
  1  the target could not be reached at all, the login failed (or issued no
     JWT), a check ended in error (the audit is incomplete; probe.baseline
     counts whatever --only says) and none failed, or another runtime error
  2  usage error: unknown flag, missing or conflicting arguments, a --token
     that is no JWT, a plain-http target or --write-url on a host that is
     not loopback without --allow-plain-http
  7  at least one check failed (with --fail-on warn: or warned)`

// probeExamples run as written against jwtkit serve (TestProbeHelpExamples
// runs each against the serve named in its comment).
const probeExamples = `  # jwtkit serve (plain http, development key): the admin route
  jwtkit probe http://127.0.0.1:8080/admin --role admin

  # jwtkit serve --tls: trust its certificate, grade its plain-http redirect
  jwtkit probe https://127.0.0.1:8080/admin --role admin --cacert ~/.config/jwtkit/serve-cert.pem --http-url http://127.0.0.1:8081/admin

  # jwtkit serve --tls --token-in cookie:access_token --demo-login alice --demo-password-env DEMO_PASSWORD:
  # the token in a cookie, issued by the API's password login
  jwtkit probe https://127.0.0.1:8080/admin --token-in cookie:access_token --login-url https://127.0.0.1:8080/token \
    --login-user alice --login-password-env DEMO_PASSWORD --role admin --cacert ~/.config/jwtkit/serve-cert.pem --http-url http://127.0.0.1:8081/admin

  # jwtkit serve: in CI, a SARIF file for GitHub code scanning
  jwtkit probe http://127.0.0.1:8080/me -o sarif > probe.sarif

  # jwtkit serve: a token you already have; only the jwt and auth checks
  jwtkit probe http://127.0.0.1:8080/me --token "$TOKEN" --only jwt,auth

  # what would be sent, as curl command lines (tokens redacted); the catalogue
  jwtkit probe http://127.0.0.1:8080/me --dry-run
  jwtkit probe --list`

func newProbeCmd(f *factory, runF func(*probeOptions) error) *cobra.Command {
	opts := &probeOptions{f: f}
	c := &cobra.Command{
		Use:     "probe <url> [--key <file> | --secret-env <name> | --token <jwt>] [--role <role>]... [flags]",
		Short:   "Audit a live API's token handling, redirects and Origin rules",
		Long:    probeHelp,
		Example: probeExamples,
		Args:    namedArgs(0, 1, "the URL to probe"),
		RunE: func(c *cobra.Command, args []string) error {
			opts.cmd = c
			if err := opts.validate(args); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return runProbe(c.Context(), opts)
		},
	}
	fs := c.Flags()
	opts.Keys.addFlags(fs, false)
	addIssuerURLFlag(fs, &opts.IssuerURL)
	opts.Claims.addFlags(fs)
	fs.StringVar(&opts.Alg, "alg", "", "signing algorithm of the probe's token (default: from the key)")
	fs.StringVar(&opts.Token, "token", "", "use this valid `jwt` instead of minting one (checks needing the key then skip)")
	fs.StringVar(&opts.Origin, "origin", "", "an `origin` the API should trust, e.g. https://app.example.com")
	fs.StringVar(&opts.HTTPURL, "http-url", "", "plain-HTTP `url` for the redirect checks (default: the target with http and port 80)")
	fs.StringVar(&opts.WriteURL, "write-url", "", "an endpoint `url` that may safely receive a state-changing request (default: none sent)")
	fs.StringVar(&opts.WriteMethod, "write-method", "POST", "`method` for --write-url")
	fs.StringVar(&opts.WriteBody, "write-body", "{}", "JSON `body` for --write-url")
	fs.StringArrayVarP(&opts.RequestHeaders, "request-header", "H", nil, "extra request header `'Name: value'` for the target (repeatable; values are redacted in --dry-run)")
	fs.StringVar(&opts.ExpectBody, "expect-body", "", "`text` only an accepted answer holds (when valid and anonymous answers look alike)")
	fs.StringVar(&opts.HTTP.CACert, "cacert", "", "trust the CA certificates in this PEM `file` too")
	fs.BoolVar(&opts.HTTP.Insecure, "insecure", false, "skip TLS certificate verification (tokens can then be read by anyone on the path)")
	fs.Var(flagsyntax.NewDuration(&opts.HTTP.Timeout, DefaultTimeout), "timeout", "per-request timeout")
	fs.StringVar(&opts.HTTP.Proxy, "proxy", "", "send requests through this proxy `url` (default: none, whatever the environment says)")
	fs.IntVar(&opts.MaxRequests, "max-requests", probe.DefaultMaxRequests, "stop sending after `n` requests")
	fs.IntVar(&opts.Concurrency, "concurrency", probe.DefaultConcurrency, "requests in flight at once (1-16)")
	fs.StringSliceVar(&opts.Only, "only", nil, "run only these check `ids` or areas (cors, jwt, ...; repeatable or comma-separated)")
	fs.StringSliceVar(&opts.Skip, "skip", nil, "skip these check `ids` or areas")
	fs.BoolVar(&opts.List, "list", false, "print the check catalogue and exit (sends nothing)")
	fs.BoolVar(&opts.DryRun, "dry-run", false, "print the requests as curl command lines (tokens redacted) and send nothing")
	opts.Attacks.addFlags(fs)
	opts.Reach.addFlags(fs)
	addOutputFlag(c, &opts.Output, "text", "text, json, junit, sarif or markdown")
	fs.StringVar(&opts.FailOn, "fail-on", "fail", "exit 7 on a failed check (fail) or on a warning too (warn)")
	_ = c.RegisterFlagCompletionFunc("fail-on", fixedCompletions("fail", "warn"))
	_ = c.RegisterFlagCompletionFunc("token-in", fixedCompletions("authorization", "header:", "cookie:", "query:", "form:"))
	_ = c.RegisterFlagCompletionFunc("login-format", fixedCompletions("form", "json"))
	_ = c.RegisterFlagCompletionFunc("role-format", fixedCompletions("array", "string", "space"))
	_ = c.RegisterFlagCompletionFunc("method", fixedCompletions("GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"))
	_ = c.RegisterFlagCompletionFunc("alg", algCompletions())
	_ = c.RegisterFlagCompletionFunc("only", checkIDCompletions)
	_ = c.RegisterFlagCompletionFunc("skip", checkIDCompletions)
	return c
}

func checkIDCompletions(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	out := probe.Areas()
	for _, c := range probe.Catalogue() {
		out = append(out, c.ID)
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}

func runProbe(ctx context.Context, opts *probeOptions) error {
	f := opts.f
	if ctx == nil {
		ctx = context.Background()
	}
	if opts.List {
		if opts.Output == "json" {
			return writeJSON(f.IO.Out, probe.Catalogue())
		}
		return probe.WriteList(f.IO.Out)
	}
	cfg, err := opts.config()
	if err != nil {
		return err
	}
	warnWeakKeyFlag(f, cfg.PublicKey)
	if opts.DryRun {
		cfg.CallbackURL, cfg.CallbackAddr = opts.Attacks.CallbackURL, opts.Attacks.CallbackAddr
		plan, err := probe.Plan(ctx, cfg)
		if err != nil {
			return probeError(err)
		}
		if opts.Output == "json" {
			return writeJSON(f.IO.Out, plan)
		}
		return probe.WritePlan(f.IO.Out, plan)
	}
	done := opts.Attacks.apply(f, &cfg, opts.Keys.Key)
	defer done()
	if opts.HTTP.Insecure {
		p := f.IO.Palette(false)
		fmt.Fprintf(f.IO.ErrOut, "%s --insecure: TLS certificates are NOT verified; anyone on the path can read the tokens probe sends\n", p.Yellow.Sprint("warning:"))
	}
	rep, runErr := probe.Run(ctx, cfg)
	if rep != nil {
		if err := writeProbeReport(opts, rep); err != nil {
			return err
		}
	}
	if runErr != nil {
		return probeError(runErr)
	}
	if rep.Failed(opts.FailOn == "warn") {
		return silentExit(ExitProbeFailed)
	}
	if rep.Summary.Error > 0 {
		// a check that could not run is no pass: the audit is incomplete
		return silentExit(ExitError)
	}
	return nil
}

func probeError(err error) error {
	if errors.Is(err, probe.ErrConfig) {
		return usagef("%v", err)
	}
	return withCode(ExitError, fmt.Errorf("probe: %w", err))
}

func writeProbeReport(opts *probeOptions, rep *probe.Report) error {
	f := opts.f
	switch opts.Output {
	case "json":
		return probe.WriteJSON(f.IO.Out, rep)
	case "junit":
		return probe.WriteJUnit(f.IO.Out, rep, opts.FailOn == "warn")
	case "sarif":
		return probe.WriteSARIF(f.IO.Out, rep, probe.SARIFOptions{ToolVersion: f.Version.Version, Path: opts.Reach.SARIFPath, FailOnWarn: opts.FailOn == "warn"})
	case "markdown":
		return probe.WriteMarkdown(f.IO.Out, rep)
	}
	p := f.IO.Palette(true)
	style := func(v probe.Verdict, s string) string {
		switch v {
		case probe.Pass:
			return p.Green.Sprint(s)
		case probe.Warn:
			return p.Yellow.Sprint(s)
		case probe.Fail:
			return p.Red.Sprint(s)
		case probe.Error:
			return p.Magenta.Sprint(s)
		case probe.Info:
			return p.Cyan.Sprint(s)
		}
		return p.Faint.Sprint(s)
	}
	return probe.WriteText(f.IO.Out, rep, style)
}

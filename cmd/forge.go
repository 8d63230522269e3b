package cmd

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/jwtkit/jwtkit/pkg/probe/forge"
	"github.com/jwtkit/jwtkit/pkg/token"
)

type forgeOptions struct {
	f *factory

	Token       string
	Variants    []string
	Keys        keySourceFlags
	CallbackURL string
	CACert      string
	Roles       []string
	RolesClaim  string
	List        bool
	All         bool
	Output      string
}

const forgeHelp = `Print the forged variants of a valid token that jwtkit probe sends, as
tokens for your own negative tests. Each variant changes one property (the
alg, the signature, the key, a header, a claim) and has the id probe's JSON
report gives it: <check-id>/<variant>, e.g. jwt.alg-none/nOnE or
jwt.kid-injection/dev-null. --variant takes such an id, or a check id for
all of its variants; --all prints every variant; --list the catalogue.

Variants re-signed with the real key (expired, nbf-future, wrong-issuer,
unknown-crit, ...) need --key or a secret flag; jwt.key-confusion needs the
issuer's public key (--key pub.pem: its exact file bytes are used too; --jwks
FILE|URL: the set the API publishes, for the jwks-* variants). The
jku, x5u and issuer-discovery variants point at --callback-url, which must
serve the documents that -o json lists under "serve". What cannot be made
from the given material is skipped with a note on stderr: a check id that
yields some of its variants prints those (exit 0), one that yields none, or
a variant id that cannot be made, is an error (exit 1).

Output: --variant prints one token per line, --all one "ID<TAB>TOKEN" line
per variant; -o json: one JSON object per line (NDJSON): id, token, what,
and serve for the callback variants.

EXIT STATUS
  0  the variants were printed
  1  a requested variant id, or every variant of a requested check id,
     cannot be made from this token and key material
  2  usage error: no --variant or --all, an unknown id
  3  the token is not a compact JWS with a JSON payload`

func newForgeCmd(f *factory, runF func(*forgeOptions) error) *cobra.Command {
	opts := &forgeOptions{f: f}
	c := &cobra.Command{
		Use:   "forge <jwt> {--variant <id> | --all} [--key <file> | --secret-env <name>] [--callback-url <url>] [-o json]",
		Short: "Print the forged variants probe sends, for your own negative tests",
		Long:  forgeHelp,
		Example: `  # every casing of alg none, one token per line
  jwtkit forge "$TOKEN" --variant jwt.alg-none

  # one variant, by the id probe's report gives it
  jwtkit forge "$TOKEN" --variant jwt.kid-injection/dev-null

  # everything the private key can make, as NDJSON
  jwtkit forge "$TOKEN" --all --key signing.pem -o json > variants.ndjson

  # the catalogue of variant ids
  jwtkit forge --list`,
		Args: usageArgs(cobra.MaximumNArgs(1)),
		RunE: func(c *cobra.Command, args []string) error {
			if err := opts.validate(args); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return runForge(c.Context(), opts)
		},
	}
	fs := c.Flags()
	opts.Keys.addFlags(fs, true)
	// forge verifies nothing: --jwks is the set the API publishes.
	fs.Lookup("jwks").Usage = "the JWK Set the API publishes, from a `file` or an http(s) URL: its key feeds the jwt.key-confusion/jwks-* variants"
	fs.StringVar(&opts.CACert, "cacert", "", "trust the CA certificates in this PEM `file` too (for --jwks URL)")
	fs.StringSliceVar(&opts.Variants, "variant", nil, "variant `id` (<check-id>/<variant>) or check id (repeatable or comma-separated)")
	fs.BoolVar(&opts.All, "all", false, "print every variant the given key material can make")
	fs.BoolVar(&opts.List, "list", false, "print the variant ids and what each tests")
	fs.StringVar(&opts.CallbackURL, "callback-url", "", "http(s) `url` the jku, x5u and issuer-discovery variants point at")
	fs.StringArrayVar(&opts.Roles, "role", nil, "a `role` the endpoint requires (authz.insufficient-role takes it out; repeatable)")
	fs.StringVar(&opts.RolesClaim, "roles-claim", "roles", "dotted `claim` holding the roles")
	addOutputFlag(c, &opts.Output, "text", "text or json")
	_ = c.RegisterFlagCompletionFunc("variant", variantCompletions)
	return c
}

func variantCompletions(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	out := forge.Checks()
	for _, v := range forge.Variants() {
		out = append(out, v.ID)
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}

func (o *forgeOptions) validate(args []string) error {
	if err := checkOutput(o.Output, "text", "json"); err != nil {
		return err
	}
	if o.List {
		if len(args) > 0 || len(o.Variants) > 0 || o.All {
			return usagef("--list prints the catalogue: drop the token, --variant and --all")
		}
		return nil
	}
	if len(args) == 0 {
		return usagef("a token is required, e.g. jwtkit forge \"$TOKEN\" --variant jwt.alg-none")
	}
	o.Token = args[0]
	if (len(o.Variants) > 0) == o.All {
		return usagef("one of --variant or --all is required")
	}
	known := map[string]bool{}
	for _, v := range forge.Variants() {
		known[v.ID], known[v.Check] = true, true
	}
	for _, v := range o.Variants {
		if !known[v] {
			return usagef("unknown --variant %s: see jwtkit forge --list", describeVariantArg(v))
		}
	}
	if o.CallbackURL != "" {
		if err := checkHTTPURL("--callback-url", o.CallbackURL); err != nil {
			return err
		}
	}
	if o.CACert != "" {
		if !isURL(o.Keys.JWKS) {
			return usagef("--cacert is for fetching: it needs --jwks URL")
		}
		if _, err := loadCACert(o.CACert); err != nil {
			return err
		}
	}
	return o.Keys.validate()
}

// forgeLine is one NDJSON line of forge -o json.
type forgeLine struct {
	ID    string       `json:"id"`
	Token string       `json:"token"`
	What  string       `json:"what"`
	Serve []forgeServe `json:"serve,omitempty"`
}

type forgeServe struct {
	URL         string `json:"url"`
	ContentType string `json:"content_type"`
	Body        string `json:"body"`
}

func runForge(ctx context.Context, opts *forgeOptions) error {
	f := opts.f
	if opts.List {
		if opts.Output == "json" {
			return writeJSON(f.IO.Out, forge.Variants())
		}
		for _, v := range forge.Variants() {
			fmt.Fprintf(f.IO.Out, "%-58s %s\n", v.ID, v.What)
		}
		return nil
	}
	tok, pair := token.CleanInput(opts.Token)
	if pair != "" {
		fmt.Fprintf(f.IO.ErrOut, "note: removed the %s around the token\n", pair)
	}
	if what := notJWT(tok, "forge", ""); what != "" {
		return withCode(ExitMalformed, fmt.Errorf("forge: the token is not a JWT: %s", what))
	}
	fg, err := forge.NewForger(tok)
	if err != nil {
		return withCode(ExitMalformed, fmt.Errorf("forge: %w", err))
	}
	m, err := opts.material(ctx, fg)
	if err != nil {
		return err
	}
	want := map[string]bool{}
	var checks []string
	addCheck := func(c string) {
		for _, have := range checks {
			if have == c {
				return
			}
		}
		checks = append(checks, c)
	}
	if opts.All {
		checks = forge.Checks()
	}
	for _, v := range opts.Variants {
		check, _, isVariant := strings.Cut(v, "/")
		addCheck(check)
		if isVariant {
			want[v] = true
		} else {
			want[check] = true
		}
	}
	info := map[string]forge.VariantInfo{}
	for _, v := range forge.Variants() {
		info[v.ID] = v
	}
	enc := json.NewEncoder(f.IO.Out)
	enc.SetEscapeHTML(false)
	made := map[string]int{} // per requested id (check or variant): the tokens printed
	noted := map[string]bool{}
	for _, check := range checks {
		res, err := fg.Make(check, m)
		if err != nil {
			return withCode(ExitError, fmt.Errorf("forge %s: %w", check, err))
		}
		for _, note := range res.Skipped {
			fmt.Fprintf(f.IO.ErrOut, "note: skipped %s\n", note)
			noted[check] = true
		}
		for _, v := range res.Variants {
			if !opts.All && !want[v.ID] && !want[check] {
				continue
			}
			made[v.ID]++
			made[check]++
			line := forgeLine{ID: v.ID, Token: v.Token, What: info[v.ID].What}
			if m.Callback != nil {
				for _, file := range m.Callback.FilesFor(check) {
					line.Serve = append(line.Serve, forgeServe{URL: file.URL, ContentType: file.ContentType, Body: string(file.Body)})
				}
			}
			switch {
			case opts.Output == "json":
				if err := enc.Encode(line); err != nil {
					return err
				}
				continue
			case opts.All:
				fmt.Fprintf(f.IO.Out, "%s\t%s\n", v.ID, v.Token)
			default:
				fmt.Fprintln(f.IO.Out, v.Token)
			}
			for _, s := range line.Serve {
				fmt.Fprintf(f.IO.ErrOut, "note: %s expects %s to serve %s (-o json carries the document)\n", v.ID, s.URL, s.ContentType)
			}
		}
	}
	// A requested id that yields nothing is an error; the note above says
	// why when the forge gave one, else the catalogue's "needs" does.
	for _, id := range opts.Variants {
		if made[id] > 0 {
			continue
		}
		check, _, isVariant := strings.Cut(id, "/")
		why := "see the note above"
		if !noted[check] {
			needs := info[id].Needs
			if !isVariant {
				for _, v := range forge.Variants() {
					if v.Check == check {
						needs = v.Needs
						break
					}
				}
			}
			why = "it needs: " + needsText(needs)
			fmt.Fprintf(f.IO.ErrOut, "note: skipped %s: %s\n", id, why)
			why = "see the note above"
		}
		what := "variant " + id + " cannot be made"
		if !isVariant {
			what = "no variant of " + id + " can be made"
		}
		return withCode(ExitError, fmt.Errorf("%s from this token and key material (%s)", what, why))
	}
	return nil
}

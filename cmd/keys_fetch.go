package cmd

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/jwtkit/jwtkit/internal/flagsyntax"
	"github.com/jwtkit/jwtkit/internal/safetext"
	"github.com/jwtkit/jwtkit/pkg/keys"
)

type keysFetchOptions struct {
	f         *factory
	URL       string
	IssuerURL string
	Out       string
	Force     bool
	Output    string
	CACert    string
	Timeout   time.Duration
}

func newKeysFetchCmd(f *factory, runF func(*keysFetchOptions) error) *cobra.Command {
	opts := &keysFetchOptions{f: f}
	c := &cobra.Command{
		Use:   "fetch {<jwks-url> | --issuer-url <url>} [--out <file>] [-o {text | json}]",
		Short: "Save an identity provider's JWK Set for offline use",
		Long: `Fetch a JWK Set from its URL, or find it by OpenID Connect discovery with
--issuer-url (RFC 8414's metadata as a fallback; the document's issuer must
equal the URL exactly and its jwks_uri must be https), and print it as
served, or save it with --out for offline verification ('verify --jwks FILE').

The set is checked before it is kept: it must parse as a JWK Set of public
keys. A set holding private key material is refused. Weak keys, and keys
whose x5c certificate holds another key, are noted: verify skips them.
Fetches have the same hygiene as 'verify --jwks URL' (timeout, 1 MiB cap,
TLS verification, redirects only on the same host, no proxy); the cache is
neither read nor written.

-o json prints {"jwks_uri", "jwks", "issuer", "discovery_url", "discovery",
"keys": [{"kid", "alg", "alg_derived", "use", "type", "size", "thumbprint"}]};
discovery members only with --issuer-url. An EC or OKP key without an alg
member shows the alg of its curve with "alg_derived": true; an RSA key
without one has no alg (it fits every RS* and PS* alg).`,
		Example: `  jwtkit keys fetch --issuer-url https://keycloak.example.com/realms/acme --out acme-jwks.json
  jwtkit keys fetch https://www.googleapis.com/oauth2/v3/certs > google.json
  jwtkit keys fetch --issuer-url https://acme.okta.com/oauth2/default -o json | jq .discovery`,
		Args: usageArgs(cobra.MaximumNArgs(1)),
		RunE: func(c *cobra.Command, args []string) error {
			if err := checkOutput(opts.Output, "text", "json"); err != nil {
				return err
			}
			switch {
			case len(args) == 1 && opts.IssuerURL != "":
				return usagef("give a JWKS URL or --issuer-url, not both")
			case len(args) == 0 && opts.IssuerURL == "":
				return usagef("a JWKS URL or --issuer-url is required")
			case len(args) == 1:
				opts.URL = args[0]
				if !isURL(opts.URL) {
					return usagef("invalid JWKS URL %s: want an http:// or https:// URL", safetext.Quote(opts.URL))
				}
			default:
				if _, err := keys.CheckIssuerURL(opts.IssuerURL); err != nil {
					return usagef("--issuer-url: %v", err)
				}
			}
			if opts.Timeout <= 0 {
				return usagef("--timeout must be positive")
			}
			if opts.CACert != "" {
				if _, err := loadCACert(opts.CACert); err != nil {
					return err
				}
			}
			if runF != nil {
				return runF(opts)
			}
			return runKeysFetch(c.Context(), opts)
		},
	}
	fs := c.Flags()
	addIssuerURLFlag(fs, &opts.IssuerURL)
	fs.StringVar(&opts.Out, "out", "", "write the JWK Set to `file` (0644) instead of stdout")
	fs.BoolVar(&opts.Force, "force", false, "replace an existing --out file")
	fs.StringVar(&opts.CACert, "cacert", "", "trust the CA certificates in this PEM `file` too")
	fs.Var(flagsyntax.NewDuration(&opts.Timeout, DefaultTimeout), "timeout", "timeout of each request")
	addOutputFlag(c, &opts.Output, "text", "text or json")
	return c
}

// fetchKeyJSON is one key in `keys fetch -o json`.
type fetchKeyJSON struct {
	KID        string    `json:"kid"`
	Alg        string    `json:"alg,omitempty"`
	AlgDerived bool      `json:"alg_derived,omitempty"` // the key has no alg; its curve names it
	Use        string    `json:"use,omitempty"`
	Type       keys.Type `json:"type"`
	Size       int       `json:"size"`
	Thumbprint string    `json:"thumbprint"`
}

type fetchJSON struct {
	JWKSURI      string          `json:"jwks_uri"`
	JWKS         json.RawMessage `json:"jwks"`
	Issuer       string          `json:"issuer,omitempty"`
	DiscoveryURL string          `json:"discovery_url,omitempty"`
	Discovery    json.RawMessage `json:"discovery,omitempty"`
	Keys         []fetchKeyJSON  `json:"keys"`
	Skipped      []string        `json:"skipped,omitempty"`
}

func runKeysFetch(ctx context.Context, opts *keysFetchOptions) error {
	f := opts.f
	if ctx == nil {
		ctx = context.Background()
	}
	rm := &keys.Remote{
		JWKSURL:   opts.URL,
		IssuerURL: opts.IssuerURL,
		Client:    newHTTPClient(f, httpOptions{Timeout: opts.Timeout, CACert: opts.CACert}),
		OnNote:    func(n keys.Note) { printNote(f, n) },
	}
	set, err := rm.Load(ctx)
	if err != nil {
		return err
	}
	// The set as served may hold private members that Load dropped:
	// never save those.
	if full, err := keys.ParseProviderJWKS(rm.JWKS, rm.JWKSLocation()); err == nil {
		for _, k := range full.Keys {
			if k.IsPrivate() {
				return fmt.Errorf("the key set at %s holds private key material (kid %s): refusing to save it; tell its owner", rm.JWKSLocation(), safetext.Quote(k.KID))
			}
		}
	}
	body := bytes.TrimSpace(rm.JWKS)
	res := fetchJSON{JWKSURI: rm.JWKSLocation(), JWKS: compactRaw(body), Keys: []fetchKeyJSON{}}
	if d := rm.Discovery; d != nil {
		res.Issuer, res.DiscoveryURL, res.Discovery = d.Issuer, d.URL, compactRaw(bytes.TrimSpace(d.Document))
	}
	var kids []string
	for _, k := range set.Keys {
		tp, _ := k.Thumbprint()
		kj := fetchKeyJSON{KID: k.KID, Alg: k.Alg, Use: k.Use, Type: k.Type, Size: k.Size(), Thumbprint: tp}
		if algs := k.Algs(); kj.Alg == "" && len(algs) == 1 {
			// EC and OKP keys take their alg from the curve, as keys
			// inspect shows; an RSA key without alg fits several.
			kj.Alg, kj.AlgDerived = algs[0], true
		}
		res.Keys = append(res.Keys, kj)
		kids = append(kids, safetext.Escape(k.KID))
	}
	for _, sk := range set.Skipped {
		res.Skipped = append(res.Skipped, sk.KID)
	}
	if opts.Out != "" {
		if err := keys.WriteFile(opts.Out, append(append([]byte(nil), body...), '\n'), 0o644, opts.Force); err != nil {
			return forceHint(err)
		}
		fmt.Fprintf(f.IO.ErrOut, "saved %d key(s) (kid %s) from %s to %s\n", len(set.Keys), strings.Join(kids, ", "), rm.JWKSLocation(), opts.Out)
	}
	switch {
	case opts.Output == "json":
		return writeJSON(f.IO.Out, res)
	case opts.Out == "":
		_, err := f.IO.Out.Write(append(append([]byte(nil), body...), '\n'))
		return err
	}
	return nil
}

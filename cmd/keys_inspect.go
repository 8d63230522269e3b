package cmd

import (
	"bytes"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/jwtkit/jwtkit/internal/safetext"
	"github.com/jwtkit/jwtkit/pkg/keys"
)

func kidSuffix(kid string) string {
	if kid == "" {
		return ""
	}
	return " (kid " + safetext.Quote(kid) + ")"
}

type keysInspectOptions struct {
	f        *factory
	Password keyPasswordFlags
	File     string
	Output   string
}

func newKeysInspectCmd(f *factory, runF func(*keysInspectOptions) error) *cobra.Command {
	opts := &keysInspectOptions{f: f}
	c := &cobra.Command{
		Use:   "inspect {<file> | -} [-o {text | json}]",
		Short: "Show what a key file holds",
		Long: `Show every key in a file (or stdin with "-"): its type, size or curve, the
format it was found in, kid (and whether the file named it or it is the RFC
7638 thumbprint), thumbprint, whether it is private, the algorithms it can
sign or verify with, its "use", and where it came from. A JWK with an x5c
certificate is shown with the certificate's subject once its public key
(and x5t/x5t#S256, when given) are checked to be the JWK's; the certificate
is never trusted for anything else. In a JWK Set, keys are numbered by
their position in the file, a key equal to an earlier one is flagged, and
weak keys, keys whose x5c holds another key and encryption keys ("use":
"enc") are listed as skipped with the reason: verify leaves them out. A set
whose every key is skipped is listed whole, then fails (exit 1).

Secret material is never printed: for an HMAC secret only its length is
shown, not even its thumbprint (a hash of a weak secret can be brute-forced).
A file holding a single word (such as PREFIX.secret from 'keys generate') is
shown as a raw HMAC secret: its UTF-8 bytes.

-o json prints {"source", "keys": [{"index", "type", "description", "size",
"curve", "format", "kid", "kid_source", "thumbprint", "private", "algs",
"alg", "use", "source", "x5c", "warnings"}], "skipped": [{"index", "kid",
"reason"}]}.`,
		Example: `  jwtkit keys inspect signing.pem
  jwtkit keys inspect jwks.json -o json | jq -r '.keys[].kid'
  curl -s https://auth.example.com/.well-known/jwks.json | jwtkit keys inspect -`,
		Args: namedArgs(1, 1, "the key file to inspect (\"-\" reads stdin)"),
		RunE: func(c *cobra.Command, args []string) error {
			opts.File = args[0]
			if err := checkOutput(opts.Output, "text", "json"); err != nil {
				return err
			}
			if err := opts.Password.validate(); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return runKeysInspect(opts)
		},
	}
	addOutputFlag(c, &opts.Output, "text", "text or json")
	opts.Password.addFlags(c.Flags())
	return c
}

// keyInfo is one key in `keys inspect -o json`.
type keyInfo struct {
	Index       int       `json:"index"`
	Type        keys.Type `json:"type"`
	Description string    `json:"description"`
	Size        int       `json:"size"`
	Curve       string    `json:"curve,omitempty"`
	Format      string    `json:"format"`
	KID         string    `json:"kid,omitempty"`
	KIDSource   string    `json:"kid_source"`
	Thumbprint  string    `json:"thumbprint,omitempty"`
	Private     bool      `json:"private"`
	Algs        []string  `json:"algs"`
	Alg         string    `json:"alg,omitempty"`
	Use         string    `json:"use,omitempty"`
	Source      string    `json:"source"`
	X5C         *x5cJSON  `json:"x5c,omitempty"`
	Warnings    []string  `json:"warnings,omitempty"`
	Weak        string    `json:"weak,omitempty"` // why jwtkit never signs or verifies with it
}

// x5cJSON says what the key's x5c certificate was checked for.
type x5cJSON struct {
	Subject  string   `json:"subject"`
	NotAfter string   `json:"not_after"`
	Chain    int      `json:"chain"`
	KeyMatch bool     `json:"key_matches"`
	Digests  []string `json:"digests_checked"`
	Trusted  bool     `json:"trusted"`
}

// skippedJSON is a key of a set that verification leaves out.
type skippedJSON struct {
	Index  int    `json:"index"`
	KID    string `json:"kid,omitempty"`
	Reason string `json:"reason"`
}

type inspectJSON struct {
	Source  string        `json:"source"`
	Keys    []keyInfo     `json:"keys"`
	Skipped []skippedJSON `json:"skipped,omitempty"`
}

// inspected is what inspect found in a file.
type inspected struct {
	set *keys.Set
	// members lists a JWK Set's members in file order, kept or skipped;
	// nil for other files.
	members []keys.JWKSMember
	// unusable: a JWK Set whose every key is skipped. Inspect lists them
	// all (it is for audits), then fails with this.
	unusable error
}

// inspectLoad loads a key file for inspect. A file holding one word and
// nothing else (what 'keys generate --alg HS256 --out x' writes) is shown
// as a raw HMAC secret (its UTF-8 bytes) rather than refused.
func inspectLoad(f *factory, arg string, pw *keyPasswordFlags) (*inspected, error) {
	var data []byte
	var err error
	source := arg
	if arg == "-" {
		source = "stdin"
		data, err = keys.ReadInput(f.IO.In, "key")
	} else {
		data, err = keys.ReadInputFile(arg, "key file", keys.MaxFileBytes)
	}
	if err != nil {
		return nil, err
	}
	// A JWKS is read as verify reads a provider's: weak keys and keys
	// whose x5c does not match are listed as skipped, not fatal. Anything
	// else may be an encrypted private key, which needs the passphrase.
	set, err := keys.ParseProviderJWKS(data, source)
	if errors.Is(err, keys.ErrPasswordRequired) {
		set, err = keys.ParseWith(data, source, keys.ParseOptions{Password: pw.passwordFunc(f)})
	}
	if err == nil || errors.Is(err, keys.ErrWeakKey) || errors.Is(err, keys.ErrCertMismatch) {
		if members, aerr := keys.AuditJWKS(data, source); aerr == nil {
			return &inspected{set: set, members: members, unusable: err}, nil
		}
	}
	if err == nil {
		return &inspected{set: set}, nil
	}
	word := bytes.TrimSpace(data)
	if errors.Is(err, keys.ErrUnrecognized) && len(word) > 0 && utf8.Valid(word) && len(bytes.Fields(word)) == 1 {
		if k, serr := keys.NewSecret(word, source); serr == nil {
			return &inspected{set: keys.NewSet(k)}, nil
		}
	}
	if arg == "-" {
		return nil, fmt.Errorf("reading key from stdin: %w", err)
	}
	return nil, fmt.Errorf("reading key %q: %w", arg, err)
}

func runKeysInspect(opts *keysInspectOptions) error {
	f := opts.f
	in, err := inspectLoad(f, opts.File, &opts.Password)
	if err != nil {
		return err
	}
	source := opts.File
	if source == "-" {
		source = "stdin"
	}
	res := inspectJSON{Source: source}
	// Keys are numbered by their position in the file, skipped ones too.
	type indexed struct {
		index int
		key   *keys.Key
	}
	var list []indexed
	if in.members != nil {
		for _, m := range in.members {
			if m.Key != nil {
				list = append(list, indexed{m.Index, m.Key})
			} else {
				res.Skipped = append(res.Skipped, skippedJSON{Index: m.Index, KID: m.KID, Reason: m.Skipped})
			}
		}
	} else {
		for i, k := range in.set.Keys {
			list = append(list, indexed{i + 1, k})
		}
	}
	total := len(list) + len(res.Skipped)
	for _, ik := range list {
		i, k := ik.index-1, ik.key
		info := keyInfo{
			Index: i + 1, Type: k.Type, Description: k.Describe(), Size: k.Size(),
			Curve: k.Curve(), Format: k.Format, KID: k.KID, Private: k.IsPrivate(),
			Algs: k.Algs(), Alg: k.Alg, Use: k.Use, Source: k.Source,
		}
		if info.Source == "" {
			info.Source = source
		}
		if werr := k.Weak(); werr != nil {
			info.Weak = werr.Error()
			p := f.IO.Palette(false)
			fmt.Fprintf(f.IO.ErrOut, "%s key %d: %s: loaded to be audited; jwtkit never signs or verifies with it\n", p.Yellow.Sprint("warning:"), i+1, werr)
		}
		switch {
		case k.KID == "":
			info.KIDSource = "none"
		case k.KIDDerived():
			info.KIDSource = "thumbprint"
		default:
			info.KIDSource = "file"
		}
		if k.Type != keys.Oct {
			if info.Thumbprint, err = k.Thumbprint(); err != nil {
				return fmt.Errorf("key %s: %w", sourceName(opts.File), err)
			}
		}
		if c := k.Cert; c != nil {
			info.X5C = &x5cJSON{Subject: c.Subject, NotAfter: c.NotAfter.Format(time.RFC3339), Chain: c.Chain, KeyMatch: true, Digests: append([]string{}, c.Digests...)}
		}
		for _, other := range res.Keys {
			if info.Thumbprint != "" && other.Thumbprint == info.Thumbprint {
				w := fmt.Sprintf("duplicate: the same key as key %d (kid %s)", other.Index, safetext.Quote(other.KID))
				info.Warnings = append(info.Warnings, w)
			}
		}
		res.Keys = append(res.Keys, info)
	}
	if opts.Output == "json" {
		if err := writeJSON(f.IO.Out, res); err != nil {
			return err
		}
		return inspectUnusable(in.unusable)
	}
	writeInspectText(f, res, total)
	return inspectUnusable(in.unusable)
}

// inspectUnusable fails inspect, after the listing, for a JWK Set that
// verify would refuse: every key in it is skipped.
func inspectUnusable(err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("JWKS has no usable key: every key is skipped (each is listed with the reason), so verify refuses the set")
}

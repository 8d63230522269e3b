package cmd

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/jwtkit/jwtkit/pkg/keys"
)

type keysJWKSOptions struct {
	f        *factory
	Password keyPasswordFlags
	Files    []string
	Out      string
	Force    bool
	Output   string
	Alg      string
	Private  bool
}

func newKeysJWKSCmd(f *factory, runF func(*keysJWKSOptions) error) *cobra.Command {
	opts := &keysJWKSOptions{f: f}
	c := &cobra.Command{
		Use:   "jwks {<file> | -}... [--out <file> [--force]] [--alg <alg>] [--private] [-o json]",
		Short: "Combine the public keys of key files into one JWK Set",
		Long: `Build one JWK Set from the public halves of the keys in the given files (PEM,
DER, JWK or JWKS, in any mix), in order: publish it for key rotation with the
current and the next key.

Each key keeps its kid (the RFC 7638 thumbprint when its file names none)
and its alg; "use" is set to "sig" where missing, and EC and Ed25519 keys get
the alg their curve implies. RSA keys get an alg only when they have one or
--alg names it (a JWK alg pins the key; an RSA key serves RS* and PS*):
--alg, an RS* or PS* alg, pins the RSA keys that have none; an RSA key
pinned to another alg keeps its own, with a note, and other keys are left
as they are.

--private keeps the private members: a private JWK Set that mint can sign
from with --kid. Never publish it; the file is written 0600. The same key named twice (a private key and its
public file) appears once; two different keys with one kid are an error, and
so are HMAC secrets, which are never published.

The set goes to stdout, or with --out to a file (mode 0644, its missing
folders created 0755; an existing file is kept unless --force). With
--private the folder must exist.`,
		Example: `  jwtkit keys jwks signing.pub.pem > jwks.json
  jwtkit keys jwks current.pem next.pem --out public/jwks.json --force
  jwtkit keys jwks old-jwks.json new.pub.pem
  jwtkit keys jwks rsa.pem --alg RS256 -o json
  jwtkit keys jwks --private a.jwk.json b.jwk.json --out signing-jwks.json`,
		Args: namedArgs(1, -1, "at least one key file"),
		RunE: func(c *cobra.Command, args []string) error {
			opts.Files = args
			stdin := 0
			for _, a := range args {
				if a == "-" {
					stdin++
				}
			}
			if stdin > 1 {
				return usagef("\"-\" (stdin) can be given only once")
			}
			if opts.Force && opts.Out == "" {
				return usagef("--force only applies with --out")
			}
			if err := checkOutput(opts.Output, "text", "json"); err != nil {
				return err
			}
			if err := canonicalAlgFlag(&opts.Alg); err != nil {
				return err
			}
			if a, ok := keys.LookupAlg(opts.Alg); opts.Alg != "" && (!ok || a.KeyType != keys.RSA) {
				return usagef("--alg %s: --alg pins RSA keys only (RS256, RS384, RS512, PS256, PS384, PS512); EC and Ed25519 keys take their alg from the curve", opts.Alg)
			}
			if err := opts.Password.validate(); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return runKeysJWKS(opts)
		},
	}
	c.Flags().StringVar(&opts.Out, "out", "", "write the JWK Set to `file` instead of stdout")
	c.Flags().BoolVar(&opts.Force, "force", false, "replace an existing --out file")
	c.Flags().StringVar(&opts.Alg, "alg", "", "alg to pin on RSA keys without one (RS256, PS256, ...)")
	c.Flags().BoolVar(&opts.Private, "private", false, "keep the keys' private members: a set to sign from, never to publish")
	addOutputFlag(c, &opts.Output, "text", "text or json (the set is JSON either way)")
	_ = c.RegisterFlagCompletionFunc("alg", algCompletions())
	opts.Password.addFlags(c.Flags())
	return c
}

func runKeysJWKS(opts *keysJWKSOptions) error {
	f := opts.f
	// A public set goes where it is served from: its missing folders are
	// created (0755), once the set is built. A private set's folder is the
	// user's to make.
	mkParents := false
	if opts.Out != "" && !opts.Private {
		_, err := os.Stat(filepath.Dir(opts.Out))
		mkParents = errors.Is(err, fs.ErrNotExist)
	}
	if opts.Out != "" && !mkParents {
		if err := keys.CheckTargets([]string{opts.Out}, opts.Force); err != nil {
			return forceHint(err)
		}
	}
	inputs := make([]keys.JWKSInput, len(opts.Files))
	for i, file := range opts.Files {
		set, err := loadKeyArg(f, file, &opts.Password)
		if err != nil {
			return err
		}
		inputs[i] = keys.JWKSInput{Name: file, Keys: set.Keys}
	}
	if opts.Alg != "" && !anyRSA(inputs) {
		return usagef("--alg %s pins RSA keys, and none of the keys given is one (EC and Ed25519 keys take their alg from the curve): drop --alg", opts.Alg)
	}
	out, set, err := keys.BuildJWKSWith(inputs, keys.JWKSOptions{Alg: opts.Alg, Private: opts.Private,
		OnNote: func(n keys.Note) { fmt.Fprintf(f.IO.ErrOut, "note: %s\n", n.Text) }})
	if err != nil {
		return err
	}
	perm := os.FileMode(0o644)
	if opts.Private {
		perm = 0o600
		fmt.Fprintln(f.IO.ErrOut, "warning: this JWK Set holds private keys: use it to sign (jwtkit mint --key FILE --kid KID), never publish it")
	}
	if opts.Out == "" {
		_, err = f.IO.Out.Write(out)
		return err
	}
	if mkParents {
		if err := os.MkdirAll(filepath.Dir(opts.Out), 0o755); err != nil {
			return fmt.Errorf("creating the folder of --out %q: %w", opts.Out, errors.Unwrap(err))
		}
	}
	if err := keys.WriteFiles([]keys.OutFile{{Path: opts.Out, Data: out, Perm: perm, Desc: "JWK Set"}}, opts.Force); err != nil {
		return forceHint(err)
	}
	noun := "keys"
	if len(set.Keys) == 1 {
		noun = "key"
	}
	fmt.Fprintf(f.IO.ErrOut, "wrote %s (%d %s: %s)\n", opts.Out, len(set.Keys), noun, strings.Join(set.KIDs(), ", "))
	return nil
}

// anyRSA reports whether an input holds an RSA key, the only kind --alg pins.
func anyRSA(inputs []keys.JWKSInput) bool {
	for _, in := range inputs {
		for _, k := range in.Keys {
			if k.Type == keys.RSA {
				return true
			}
		}
	}
	return false
}

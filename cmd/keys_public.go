package cmd

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/jwtkit/jwtkit/pkg/keys"
)

type keysPublicOptions struct {
	f        *factory
	Password keyPasswordFlags
	File     string
	Format   string
	Output   string
	Alg      string
}

func newKeysPublicCmd(f *factory, runF func(*keysPublicOptions) error) *cobra.Command {
	opts := &keysPublicOptions{f: f}
	c := &cobra.Command{
		Use:   "public {<file> | -} [--format {pem | jwk}] [-o json] [--alg <alg>]",
		Short: "Print the public key(s) of a key file",
		Long: `Print the public half of every key in a file (or stdin with "-"), dropping
all private material. A public key prints unchanged.

The output format follows the input: PEM or DER in gives SPKI PEM out, a
JWK gives a JWK, and a JWK Set stays a JWK Set of public keys. --format pem
or --format jwk chooses; -o json is --format jwk. A file with several keys
gives one PEM block per key, or a JWK Set. An HMAC secret has no public half
and is an error.

A public JWK carries kid (the RFC 7638 thumbprint unless the key names one)
and "use": "sig"; EC and Ed25519 keys carry the alg their curve fixes. An RSA
key carries an alg only when it has one or you name it with --alg: a JWK alg
pins the key to that one algorithm, and an RSA key serves RS* and PS* alike.`,
		Example: `  jwtkit keys public signing.pem > signing.pub.pem
  jwtkit keys public signing.pem --format jwk
  jwtkit keys public rsa.pem -o json --alg RS256
  jwtkit keys public private-jwks.json > jwks.json
  cat key.jwk.json | jwtkit keys public -`,
		Args: namedArgs(1, 1, "the key file (\"-\" reads stdin)"),
		RunE: func(c *cobra.Command, args []string) error {
			opts.File = args[0]
			if opts.Format != "" && opts.Format != "pem" && opts.Format != "jwk" {
				return usagef("invalid --format %q: want pem or jwk", opts.Format)
			}
			if err := checkOutput(opts.Output, "text", "json"); err != nil {
				return err
			}
			if opts.Output == "json" {
				if opts.Format == "pem" {
					return usagef("-o json prints a JWK: it cannot be used with --format pem")
				}
				opts.Format = "jwk"
			}
			if err := canonicalAlgFlag(&opts.Alg); err != nil {
				return err
			}
			if err := opts.Password.validate(); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return runKeysPublic(opts)
		},
	}
	c.Flags().StringVar(&opts.Format, "format", "", "output format: pem or jwk (default: as the input)")
	opts.Password.addFlags(c.Flags())
	_ = c.RegisterFlagCompletionFunc("format", fixedCompletions("pem", "jwk"))
	addOutputFlag(c, &opts.Output, "text", "text or json (the JWK form, as --format jwk)")
	c.Flags().StringVar(&opts.Alg, "alg", "", "alg to pin on an RSA key in the JWK (RS256, PS256, ...); EC and Ed25519 keys get theirs from the curve")
	_ = c.RegisterFlagCompletionFunc("alg", algCompletions())
	return c
}

func runKeysPublic(opts *keysPublicOptions) error {
	f := opts.f
	set, err := loadKeyArg(f, opts.File, &opts.Password)
	if err != nil {
		return err
	}
	format := opts.Format
	if format == "" {
		format = "pem"
		if k := set.Keys[0]; k.Format == "JWK" || k.Format == "JWKS" {
			format = "jwk"
		}
	}
	var pub []*keys.Key
	for _, k := range set.Keys {
		if k.Type == keys.Oct {
			return fmt.Errorf("key %s holds an HMAC secret, which has no public key", sourceName(opts.File))
		}
		p, err := keys.PublishedKey(k, opts.Alg, false)
		if err != nil {
			return usagef("--alg %s: key %s: %v", opts.Alg, sourceName(opts.File), err)
		}
		pub = append(pub, p)
	}
	var out []byte
	switch {
	case format == "jwk" && len(pub) == 1 && set.Keys[0].Format != "JWKS":
		out, err = keys.MarshalJWK(pub[0], false)
	case format == "jwk":
		out, err = keys.MarshalJWKS(pub)
	default:
		for _, k := range pub {
			b, err := keys.MarshalPEM(k, false)
			if err != nil {
				return fmt.Errorf("key %s: %w", sourceName(opts.File), err)
			}
			out = append(out, b...)
		}
	}
	if err != nil {
		return fmt.Errorf("key %s: %w", sourceName(opts.File), err)
	}
	_, err = f.IO.Out.Write(out)
	return err
}

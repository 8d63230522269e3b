package cmd

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/jwtkit/jwtkit/internal/safetext"
	"github.com/jwtkit/jwtkit/pkg/keys"
)

// generateAlgs lists the algs of keys.Algs in the order `keys generate`
// offers them: the recommended families first.
func generateAlgs() []string {
	var out []string
	for _, fam := range []keys.Family{keys.FamilyECDSA, keys.FamilyEdDSA, keys.FamilyRSA, keys.FamilyPSS, keys.FamilyHMAC} {
		for _, a := range keys.Algs() {
			if a.Family == fam {
				out = append(out, a.Name)
			}
		}
	}
	return out
}

type keysGenerateOptions struct {
	f      *factory
	Alg    string
	Bits   int
	KID    string
	Out    string
	Format string
	Force  bool
	Output string

	Encrypt  bool
	Password keyPasswordFlags
	// iterations is the PBKDF2 count for --encrypt; 0: keys.DefaultIterations.
	// Only tests lower it.
	iterations int
}

func newKeysGenerateCmd(f *factory, runF func(*keysGenerateOptions) error) *cobra.Command {
	opts := &keysGenerateOptions{f: f}
	c := &cobra.Command{
		Use:   "generate [--alg <alg>] [--bits <n>] [--kid <kid>] [--out <prefix> [--force]] [--format {pem | jwk}] [--encrypt [--key-password-file <file> | --key-password-env <name>]] [-o {text | json}]",
		Short: "Generate a signing key or an HMAC secret",
		Long: `Generate a key for one JWS algorithm: ES256 (default), ES384, ES512 (P-256,
P-384, P-521), EdDSA (Ed25519), RS256/384/512 and PS256/384/512 (RSA, --bits
2048 (default), 3072 or 4096; smaller keys are refused), or an HMAC secret
for HS256/384/512.

An HMAC secret is a random hex string (64, 96 or 128 characters, like
'openssl rand -hex 32') whose UTF-8 bytes are the secret, the way PyJWT and
FastAPI apps keep one: paste it into SECRET_KEY as it is.

The kid is the key's RFC 7638 thumbprint unless --kid says otherwise; JWKs
carry kid, alg and use ("sig").

Without --out, the private key (PKCS#8 PEM, a JWK, or the secret) goes to
stdout. With --out PREFIX, files are written atomically, private ones mode
0600, public ones 0644:
  --format pem  PREFIX.pem (PKCS#8) and PREFIX.pub.pem (SPKI)
  --format jwk  PREFIX.jwk.json and PREFIX.pub.jwk.json
  HMAC          PREFIX.secret (the hex string and a newline), or with
                --format jwk an oct JWK in PREFIX.jwk.json
Existing files are never replaced without --force; every target is checked
before anything is written. What was written is reported on stderr.

--encrypt protects the private PEM with a passphrase: encrypted PKCS#8
(PBES2, PBKDF2-HMAC-SHA256 with 600,000 iterations, AES-256-CBC), which
openssl and Python's cryptography read. The passphrase comes from
--key-password-file (its first line), --key-password-env, or is asked for
twice on the terminal; never from the command line. It does not apply to
--format jwk or HMAC secrets.

-o json prints a summary on stdout instead:
  with --out:    {"alg", "kid", "type", "encrypted" (with --encrypt),
                 "files": [{"path", "mode", "private"}]}
  without --out: {"alg", "kid", "type", and "private_pem" + "public_pem",
                 or "private_jwk" + "public_jwk", or "secret"}`,
		Example: `  jwtkit keys generate --out dev                  # dev.pem + dev.pub.pem, ES256
  jwtkit keys generate --alg RS256 --bits 3072 --out signing
  jwtkit keys generate --alg EdDSA --format jwk --kid 2026-01 --out ed
  jwtkit keys generate --alg RS256 --out signing --encrypt   # asks for a passphrase
  jwtkit keys generate --encrypt --key-password-file pass.txt --out ci
  jwtkit keys generate --alg HS256 > hs256.secret
  jwtkit keys generate --alg PS256 -o json | jq -r .public_pem`,
		Args: namedArgs(0, 0, ""),
		RunE: func(c *cobra.Command, args []string) error {
			if err := checkOutput(opts.Output, "text", "json"); err != nil {
				return err
			}
			if opts.Format != "pem" && opts.Format != "jwk" {
				return usagef("invalid --format %q: want pem or jwk", opts.Format)
			}
			alg, err := algFlag(opts.Alg)
			if err != nil {
				return err
			}
			opts.Alg = alg
			a, _ := keys.LookupAlg(alg)
			if opts.KID != "" && opts.Format == "pem" && a.KeyType == keys.Oct {
				return usagef("a hex secret cannot carry a kid, so --kid %s would be lost: add --format jwk to keep it in an oct JWK, or set the kid when you mint (jwtkit mint --kid)", safetext.Quote(opts.KID))
			}
			if opts.KID != "" && opts.Format == "pem" {
				return usagef("a PEM file cannot hold a kid, so --kid %s would be lost: add --format jwk to keep it (a PEM key's kid is its RFC 7638 thumbprint)", safetext.QuoteArg(opts.KID))
			}
			isRSA := a.KeyType == keys.RSA
			if flagChanged(c.Flags(), "bits") {
				switch {
				case !isRSA:
					return usagef("--bits applies only to RSA algs (RS*, PS*), not %s", alg)
				case opts.Bits < keys.MinRSABits:
					return usagef("--bits %d: RSA keys below %d bits are too weak; use 2048, 3072 or 4096", opts.Bits, keys.MinRSABits)
				case opts.Bits != 2048 && opts.Bits != 3072 && opts.Bits != 4096:
					return usagef("invalid --bits %d: use 2048, 3072 or 4096", opts.Bits)
				}
			} else {
				opts.Bits = 0
			}
			if opts.Force && opts.Out == "" {
				return usagef("--force only applies with --out")
			}
			if err := checkEncrypt(opts, a); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return runKeysGenerate(opts)
		},
	}
	fs := c.Flags()
	fs.StringVar(&opts.Alg, "alg", "ES256", "algorithm: "+strings.Join(generateAlgs(), ", "))
	fs.IntVar(&opts.Bits, "bits", 2048, "RSA modulus size: 2048, 3072 or 4096")
	fs.StringVar(&opts.KID, "kid", "", "key id (default: the RFC 7638 thumbprint; none for a secret)")
	fs.StringVar(&opts.Out, "out", "", "write files `PREFIX`.pem and PREFIX.pub.pem (or .jwk.json, .secret) instead of printing; a PREFIX ending in one of those extensions is taken without it")
	fs.StringVar(&opts.Format, "format", "pem", "key format: pem or jwk")
	fs.BoolVar(&opts.Force, "force", false, "replace existing files")
	fs.BoolVar(&opts.Encrypt, "encrypt", false, "encrypt the private key with a passphrase (PEM only)")
	opts.Password.addFlags(fs)
	addOutputFlag(c, &opts.Output, "text", "text or json")
	_ = c.RegisterFlagCompletionFunc("alg", fixedCompletions(generateAlgs()...))
	_ = c.RegisterFlagCompletionFunc("format", fixedCompletions("pem", "jwk"))
	_ = c.RegisterFlagCompletionFunc("bits", fixedCompletions("2048", "3072", "4096"))
	return c
}

func runKeysGenerate(opts *keysGenerateOptions) error {
	f := opts.f
	var files []keys.OutFile
	if opts.Out != "" {
		// Check every target before generating, let alone writing: a
		// refusal comes at once and leaves nothing half-done.
		files = generateTargets(opts)
		paths := make([]string, len(files))
		for i, kf := range files {
			paths[i] = kf.Path
		}
		if err := keys.CheckTargets(paths, opts.Force); err != nil {
			return forceHint(err)
		}
	}
	var pass []byte
	if opts.Encrypt {
		// Asked before generating: an RSA key takes a moment, and a
		// mismatch should cost nothing.
		var err error
		if pass, err = opts.Password.newPassword(f); err != nil {
			return err
		}
		defer clear(pass)
	}
	k, err := keys.Generate(opts.Alg, keys.GenerateOptions{Bits: opts.Bits, KID: opts.KID})
	if err != nil {
		return fmt.Errorf("generating %s key: %w", opts.Alg, err)
	}
	g, err := encodeGenerated(k, pass, opts.iterations)
	if err != nil {
		return err
	}
	if opts.Out == "" {
		return printGenerated(opts, g)
	}
	for i := range files {
		files[i].Data = g.fileData(files[i], opts.Format)
	}
	if err := keys.WriteFiles(files, opts.Force); err != nil {
		return forceHint(err)
	}
	report := make([]keyFile, len(files))
	for i, kf := range files {
		report[i] = keyFile{Path: kf.Path, Mode: fmt.Sprintf("%04o", kf.Perm), Private: kf.Perm == 0o600}
	}
	if opts.Output == "json" {
		return writeJSON(f.IO.Out, keysGenerateJSON{Alg: k.Alg, KID: k.KID, Type: k.Type, Encrypted: opts.Encrypt, Files: report})
	}
	for i, kf := range files {
		fmt.Fprintf(f.IO.ErrOut, "wrote %s (%s, mode %s)\n", kf.Path, kf.Desc, report[i].Mode)
	}
	fmt.Fprintf(f.IO.ErrOut, "generated %s%s\n", describeGenerated(k), kidNote(k))
	return nil
}

// checkEncrypt validates --encrypt and the passphrase flags.
func checkEncrypt(opts *keysGenerateOptions, a keys.Alg) error {
	switch {
	case !opts.Encrypt && opts.Password.given():
		return usagef("--key-password-file and --key-password-env apply only with --encrypt")
	case !opts.Encrypt:
		return nil
	case a.Family == keys.FamilyHMAC:
		return usagef("--encrypt protects private keys; an HMAC secret (%s) cannot be encrypted", a.Name)
	case opts.Format != "pem":
		return usagef("--encrypt writes encrypted PKCS#8 PEM; it does not apply to --format %s", opts.Format)
	}
	return opts.Password.validate()
}

package cmd

import (
	"encoding/json"
	"fmt"
	"io/fs"
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
}

func newKeysGenerateCmd(f *factory, runF func(*keysGenerateOptions) error) *cobra.Command {
	opts := &keysGenerateOptions{f: f}
	c := &cobra.Command{
		Use:   "generate [--alg <alg>] [--bits <n>] [--kid <kid>] [--out <prefix> [--force]] [--format {pem | jwk}] [-o {text | json}]",
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

-o json prints a summary on stdout instead:
  with --out:    {"alg", "kid", "type", "files": [{"path", "mode", "private"}]}
  without --out: {"alg", "kid", "type", and "private_pem" + "public_pem",
                 or "private_jwk" + "public_jwk", or "secret"}`,
		Example: `  jwtkit keys generate --out dev                  # dev.pem + dev.pub.pem, ES256
  jwtkit keys generate --alg RS256 --bits 3072 --out signing
  jwtkit keys generate --alg EdDSA --format jwk --kid 2026-01 --out ed
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
			if opts.KID != "" && opts.Format == "pem" {
				return usagef("a PEM file cannot hold a kid, so --kid %s would be lost: add --format jwk to keep it (a PEM key's kid is its RFC 7638 thumbprint)", safetext.Quote(opts.KID))
			}
			a, _ := keys.LookupAlg(alg)
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
	fs.StringVar(&opts.Out, "out", "", "write files `PREFIX`.pem and PREFIX.pub.pem (or .jwk.json, .secret) instead of printing")
	fs.StringVar(&opts.Format, "format", "pem", "key format: pem or jwk")
	fs.BoolVar(&opts.Force, "force", false, "replace existing files")
	addOutputFlag(c, &opts.Output, "text", "text or json")
	_ = c.RegisterFlagCompletionFunc("alg", fixedCompletions(generateAlgs()...))
	_ = c.RegisterFlagCompletionFunc("format", fixedCompletions("pem", "jwk"))
	_ = c.RegisterFlagCompletionFunc("bits", fixedCompletions("2048", "3072", "4096"))
	return c
}

// keyFile is one file `keys generate` writes, as -o json reports it.
type keyFile struct {
	Path    string `json:"path"`
	Mode    string `json:"mode"`
	Private bool   `json:"private"`
}

// keysGenerateJSON is the -o json shape of `keys generate`.
type keysGenerateJSON struct {
	Alg        string          `json:"alg"`
	KID        string          `json:"kid,omitempty"`
	Type       keys.Type       `json:"type"`
	Files      []keyFile       `json:"files,omitempty"`
	PrivatePEM string          `json:"private_pem,omitempty"`
	PublicPEM  string          `json:"public_pem,omitempty"`
	PrivateJWK json.RawMessage `json:"private_jwk,omitempty"`
	PublicJWK  json.RawMessage `json:"public_jwk,omitempty"`
	Secret     string          `json:"secret,omitempty"`
}

// generatedKey holds every encoding of a generated key that an output may use.
type generatedKey struct {
	key                              *keys.Key
	privPEM, pubPEM, privJWK, pubJWK []byte
	secretLine                       []byte // the secret and a newline
}

func encodeGenerated(k *keys.Key) (*generatedKey, error) {
	g := &generatedKey{key: k, secretLine: append(append([]byte(nil), k.Secret...), '\n')}
	var err error
	if k.Type != keys.Oct {
		if g.privPEM, err = keys.MarshalPEM(k, true); err != nil {
			return nil, err
		}
		if g.pubPEM, err = keys.MarshalPEM(k, false); err != nil {
			return nil, err
		}
		if g.pubJWK, err = keys.MarshalJWK(k, false); err != nil {
			return nil, err
		}
	}
	if g.privJWK, err = keys.MarshalJWK(k, true); err != nil {
		return nil, err
	}
	return g, nil
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
	k, err := keys.Generate(opts.Alg, keys.GenerateOptions{Bits: opts.Bits, KID: opts.KID})
	if err != nil {
		return fmt.Errorf("generating %s key: %w", opts.Alg, err)
	}
	g, err := encodeGenerated(k)
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
		return writeJSON(f.IO.Out, keysGenerateJSON{Alg: k.Alg, KID: k.KID, Type: k.Type, Files: report})
	}
	for i, kf := range files {
		fmt.Fprintf(f.IO.ErrOut, "wrote %s (%s, mode %s)\n", kf.Path, kf.Desc, report[i].Mode)
	}
	fmt.Fprintf(f.IO.ErrOut, "generated %s%s\n", describeGenerated(k), kidNote(k))
	return nil
}

// printGenerated writes the key to stdout: without --out there are no files.
func printGenerated(opts *keysGenerateOptions, g *generatedKey) error {
	f, k := opts.f, g.key
	if opts.Output == "json" {
		out := keysGenerateJSON{Alg: k.Alg, KID: k.KID, Type: k.Type}
		switch {
		case k.Type == keys.Oct && opts.Format == "pem":
			out.Secret = string(k.Secret)
		case opts.Format == "jwk":
			out.PrivateJWK, out.PublicJWK = compactJSON(g.privJWK), compactJSON(g.pubJWK)
		default:
			out.PrivatePEM, out.PublicPEM = string(g.privPEM), string(g.pubPEM)
		}
		return writeJSON(f.IO.Out, out)
	}
	var payload []byte
	switch {
	case k.Type == keys.Oct && opts.Format == "pem":
		payload = g.secretLine
	case opts.Format == "jwk":
		payload = g.privJWK
	default:
		payload = g.privPEM
	}
	if _, err := f.IO.Out.Write(payload); err != nil {
		return err
	}
	fmt.Fprintf(f.IO.ErrOut, "generated %s%s; use --out to write files\n", describeGenerated(k), kidNote(k))
	return nil
}

// fileData is what goes in one of the --out files.
func (g *generatedKey) fileData(kf keys.OutFile, format string) []byte {
	private := kf.Perm == 0o600
	switch {
	case strings.HasSuffix(kf.Path, ".secret"):
		return g.secretLine
	case private && format == "jwk":
		return g.privJWK
	case format == "jwk":
		return g.pubJWK
	case private:
		return g.privPEM
	}
	return g.pubPEM
}

// generateTargets lists the files --out PREFIX stands for, without data.
func generateTargets(opts *keysGenerateOptions) []keys.OutFile {
	mk := func(suffix string, private bool, what string) keys.OutFile {
		perm := fs.FileMode(0o644)
		if private {
			perm = 0o600
		}
		return keys.OutFile{Path: opts.Out + suffix, Perm: perm, Desc: what}
	}
	a, _ := keys.LookupAlg(opts.Alg)
	hmac := a.Family == keys.FamilyHMAC
	switch {
	case hmac && opts.Format == "jwk":
		return []keys.OutFile{mk(".jwk.json", true, "secret JWK")}
	case hmac:
		return []keys.OutFile{mk(".secret", true, "secret")}
	case opts.Format == "jwk":
		return []keys.OutFile{mk(".jwk.json", true, "private JWK"), mk(".pub.jwk.json", false, "public JWK")}
	}
	return []keys.OutFile{mk(".pem", true, "private key"), mk(".pub.pem", false, "public key")}
}

func describeGenerated(k *keys.Key) string {
	if k.Type == keys.Oct {
		return fmt.Sprintf("%s secret (%d hex characters)", k.Alg, len(k.Secret))
	}
	return fmt.Sprintf("%s %s", k.Alg, strings.TrimSuffix(k.Describe(), " private key")+" key")
}

func kidNote(k *keys.Key) string {
	if k.KID == "" {
		return ""
	}
	return ", kid " + k.KID
}

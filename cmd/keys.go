package cmd

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/spf13/cobra"

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

func newKeysCmd(f *factory) *cobra.Command {
	c := &cobra.Command{
		Use:   "keys <command>",
		Short: "Generate, convert and inspect signing keys",
		Long: `Generate signing keys and HMAC secrets, turn private keys into public ones,
collect public keys into a JWK Set, and show what a key file holds.

Key files are recognised by content, never by name: PEM (PKCS#1, PKCS#8,
SEC1 as written by 'openssl ecparam -genkey', SPKI, X.509 certificates),
DER, a JWK or a JWK Set. The kid of an asymmetric key is its RFC 7638
thumbprint unless the file names one.`,
		Example: `  jwtkit keys generate --alg RS256 --out signing
  jwtkit keys public signing.pem
  jwtkit keys jwks old.pub.pem signing.pub.pem --out jwks.json
  jwtkit keys inspect signing.pem`,
		Args: noSubcommand,
		RunE: func(c *cobra.Command, args []string) error { return c.Help() },
	}
	c.AddCommand(
		newKeysGenerateCmd(f, nil),
		newKeysPublicCmd(f, nil),
		newKeysJWKSCmd(f, nil),
		newKeysInspectCmd(f, nil),
	)
	return c
}

// ---- keys generate ----

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
		Args: usageArgs(cobra.NoArgs),
		RunE: func(c *cobra.Command, args []string) error {
			if err := checkOutput(opts.Output, "text", "json"); err != nil {
				return err
			}
			if opts.Format != "pem" && opts.Format != "jwk" {
				return usagef("invalid --format %q: want pem or jwk", opts.Format)
			}
			alg, ok := keys.CanonicalAlg(opts.Alg)
			if !ok {
				return usagef("invalid --alg %q: want one of %s", opts.Alg, strings.Join(generateAlgs(), ", "))
			}
			opts.Alg = alg
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

// keyFile is one file `keys generate` writes.
type keyFile struct {
	Path    string      `json:"path"`
	Mode    string      `json:"mode"`
	Private bool        `json:"private"`
	data    []byte      // what goes in it
	perm    fs.FileMode // its mode
	what    string      // for the report: "private key", "public key", "secret"
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

func runKeysGenerate(opts *keysGenerateOptions) error {
	f := opts.f
	var files []keyFile
	if opts.Out != "" {
		// Check every target before generating, let alone writing: a
		// refusal leaves nothing half-done.
		files = generateTargets(opts)
		for _, kf := range files {
			if err := checkWritable(kf.Path, opts.Force); err != nil {
				return err
			}
		}
	}
	k, err := keys.Generate(opts.Alg, keys.GenerateOptions{Bits: opts.Bits, KID: opts.KID})
	if err != nil {
		return fmt.Errorf("generating %s key: %w", opts.Alg, err)
	}
	var privPEM, pubPEM, privJWK, pubJWK []byte
	if k.Type != keys.Oct {
		if privPEM, err = keys.MarshalPEM(k, true); err != nil {
			return err
		}
		if pubPEM, err = keys.MarshalPEM(k, false); err != nil {
			return err
		}
		if pubJWK, err = keys.MarshalJWK(k, false); err != nil {
			return err
		}
	}
	if privJWK, err = keys.MarshalJWK(k, true); err != nil {
		return err
	}
	secretLine := append(append([]byte(nil), k.Secret...), '\n')

	if opts.Out == "" {
		if opts.Output == "json" {
			out := keysGenerateJSON{Alg: k.Alg, KID: k.KID, Type: k.Type}
			switch {
			case k.Type == keys.Oct && opts.Format == "pem":
				out.Secret = string(k.Secret)
			case opts.Format == "jwk":
				out.PrivateJWK, out.PublicJWK = compactJSON(privJWK), compactJSON(pubJWK)
			default:
				out.PrivatePEM, out.PublicPEM = string(privPEM), string(pubPEM)
			}
			return writeJSON(f.IO.Out, out)
		}
		var payload []byte
		switch {
		case k.Type == keys.Oct && opts.Format == "pem":
			payload = secretLine
		case opts.Format == "jwk":
			payload = privJWK
		default:
			payload = privPEM
		}
		if _, err := f.IO.Out.Write(payload); err != nil {
			return err
		}
		fmt.Fprintf(f.IO.ErrOut, "generated %s%s; use --out to write files\n", describeGenerated(k), kidNote(k))
		return nil
	}

	for i := range files {
		switch {
		case strings.HasSuffix(files[i].Path, ".secret"):
			files[i].data = secretLine
		case files[i].Private && opts.Format == "jwk":
			files[i].data = privJWK
		case opts.Format == "jwk":
			files[i].data = pubJWK
		case files[i].Private:
			files[i].data = privPEM
		default:
			files[i].data = pubPEM
		}
	}
	var written []string
	for _, kf := range files {
		if err := keys.WriteFile(kf.Path, kf.data, kf.perm, opts.Force); err != nil {
			// Without --force every file was new: remove the ones written,
			// so a failure leaves no half key pair.
			if !opts.Force {
				for _, p := range written {
					os.Remove(p)
				}
			}
			return fmt.Errorf("writing %s: %w", kf.what, forceHint(err))
		}
		written = append(written, kf.Path)
	}
	if opts.Output == "json" {
		return writeJSON(f.IO.Out, keysGenerateJSON{Alg: k.Alg, KID: k.KID, Type: k.Type, Files: files})
	}
	for _, kf := range files {
		fmt.Fprintf(f.IO.ErrOut, "wrote %s (%s, mode %s)\n", kf.Path, kf.what, kf.Mode)
	}
	fmt.Fprintf(f.IO.ErrOut, "generated %s%s\n", describeGenerated(k), kidNote(k))
	return nil
}

// generateTargets lists the files --out PREFIX stands for.
func generateTargets(opts *keysGenerateOptions) []keyFile {
	mk := func(suffix string, private bool, what string) keyFile {
		perm := fs.FileMode(0o644)
		if private {
			perm = 0o600
		}
		return keyFile{Path: opts.Out + suffix, Mode: fmt.Sprintf("%04o", perm), Private: private, perm: perm, what: what}
	}
	hmac := strings.HasPrefix(opts.Alg, "HS")
	switch {
	case hmac && opts.Format == "jwk":
		return []keyFile{mk(".jwk.json", true, "secret JWK")}
	case hmac:
		return []keyFile{mk(".secret", true, "secret")}
	case opts.Format == "jwk":
		return []keyFile{mk(".jwk.json", true, "private JWK"), mk(".pub.jwk.json", false, "public JWK")}
	}
	return []keyFile{mk(".pem", true, "private key"), mk(".pub.pem", false, "public key")}
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

// checkWritable refuses, before anything is written, what keys.WriteFile
// would refuse at the end: an existing file without --force, a folder, a
// symlink, a missing folder.
func checkWritable(path string, force bool) error {
	fi, err := os.Lstat(path)
	switch {
	case err == nil && fi.Mode()&fs.ModeSymlink != 0:
		return fmt.Errorf("%q is a symbolic link; jwtkit never writes through one (remove it first)", path)
	case err == nil && fi.IsDir():
		return fmt.Errorf("%q is a folder, not a file", path)
	case err == nil && !force:
		return fmt.Errorf("%q already exists; use --force to replace it", path)
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("cannot write %q: %w", path, errors.Unwrap(err))
	}
	dir := filepath.Dir(path)
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return fmt.Errorf("cannot write %q: folder %q does not exist", path, dir)
	}
	return nil
}

// forceHint adds the way out to an ErrExists from keys.WriteFile.
func forceHint(err error) error {
	if errors.Is(err, keys.ErrExists) {
		return fmt.Errorf("%w; use --force to replace it", err)
	}
	return err
}

func compactJSON(b []byte) json.RawMessage {
	if b == nil {
		return nil
	}
	return compactRaw(b)
}

// ---- shared: loading key files named on the command line ----

// loadKeyArg loads FILE or "-" (stdin) with the messages of --key.
func loadKeyArg(f *factory, arg string) (*keys.Set, error) {
	ks := keySourceFlags{Key: arg}
	return ks.loadKeyFile(f)
}

// sourceName is how a key argument appears in messages.
func sourceName(arg string) string {
	if arg == "-" {
		return "stdin"
	}
	return strconv.Quote(arg)
}

// ---- keys public ----

type keysPublicOptions struct {
	f      *factory
	File   string
	Format string
}

func newKeysPublicCmd(f *factory, runF func(*keysPublicOptions) error) *cobra.Command {
	opts := &keysPublicOptions{f: f}
	c := &cobra.Command{
		Use:   "public {<file> | -} [--format {pem | jwk}]",
		Short: "Print the public key(s) of a key file",
		Long: `Print the public half of every key in a file (or stdin with "-"), dropping
all private material. A public key prints unchanged.

The output format follows the input: PEM or DER in gives SPKI PEM out, a
JWK gives a JWK, and a JWK Set stays a JWK Set of public keys. --format pem
or --format jwk chooses. A file with several keys gives one PEM block per
key, or a JWK Set. An HMAC secret has no public half and is an error.`,
		Example: `  jwtkit keys public signing.pem > signing.pub.pem
  jwtkit keys public signing.pem --format jwk
  jwtkit keys public private-jwks.json > jwks.json
  cat key.jwk.json | jwtkit keys public -`,
		Args: usageArgs(cobra.ExactArgs(1)),
		RunE: func(c *cobra.Command, args []string) error {
			opts.File = args[0]
			if opts.Format != "" && opts.Format != "pem" && opts.Format != "jwk" {
				return usagef("invalid --format %q: want pem or jwk", opts.Format)
			}
			if runF != nil {
				return runF(opts)
			}
			return runKeysPublic(opts)
		},
	}
	c.Flags().StringVar(&opts.Format, "format", "", "output format: pem or jwk (default: as the input)")
	_ = c.RegisterFlagCompletionFunc("format", fixedCompletions("pem", "jwk"))
	return c
}

func runKeysPublic(opts *keysPublicOptions) error {
	f := opts.f
	set, err := loadKeyArg(f, opts.File)
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
		pub = append(pub, k.PublicKey())
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

// ---- keys jwks ----

type keysJWKSOptions struct {
	f     *factory
	Files []string
	Out   string
	Force bool
}

func newKeysJWKSCmd(f *factory, runF func(*keysJWKSOptions) error) *cobra.Command {
	opts := &keysJWKSOptions{f: f}
	c := &cobra.Command{
		Use:   "jwks {<file> | -}... [--out <file> [--force]]",
		Short: "Combine the public keys of key files into one JWK Set",
		Long: `Build one JWK Set from the public halves of the keys in the given files (PEM,
DER, JWK or JWKS, in any mix), in order: publish it for key rotation with the
current and the next key.

Each key keeps its kid (the RFC 7638 thumbprint when its file names none)
and its alg; "use" is set to "sig" where missing, and EC and Ed25519 keys get
the alg their curve implies. The same key named twice (a private key and its
public file) appears once; two different keys with one kid are an error, and
so are HMAC secrets, which are never published.

The set goes to stdout, or with --out to a file (mode 0644; an existing file
is kept unless --force).`,
		Example: `  jwtkit keys jwks signing.pub.pem > jwks.json
  jwtkit keys jwks current.pem next.pem --out public/jwks.json --force
  jwtkit keys jwks old-jwks.json new.pub.pem`,
		Args: usageArgs(cobra.MinimumNArgs(1)),
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
			if runF != nil {
				return runF(opts)
			}
			return runKeysJWKS(opts)
		},
	}
	c.Flags().StringVar(&opts.Out, "out", "", "write the JWK Set to `file` instead of stdout")
	c.Flags().BoolVar(&opts.Force, "force", false, "replace an existing --out file")
	return c
}

func runKeysJWKS(opts *keysJWKSOptions) error {
	f := opts.f
	if opts.Out != "" {
		if err := checkWritable(opts.Out, opts.Force); err != nil {
			return err
		}
	}
	type seenKey struct {
		thumb, file string
	}
	seen := map[string]seenKey{}
	var all []*keys.Key
	for _, file := range opts.Files {
		set, err := loadKeyArg(f, file)
		if err != nil {
			return err
		}
		for _, k := range set.Keys {
			if k.Type == keys.Oct {
				return fmt.Errorf("key %s holds an HMAC secret: a JWK Set publishes public keys only", sourceName(file))
			}
			thumb, err := k.Thumbprint()
			if err != nil {
				return fmt.Errorf("key %s: %w", sourceName(file), err)
			}
			if prev, dup := seen[k.KID]; dup {
				if prev.thumb == thumb {
					fmt.Fprintf(f.IO.ErrOut, "note: key %q in %s is already in the set (from %s); listed once\n", k.KID, sourceName(file), prev.file)
					continue
				}
				return fmt.Errorf("kid %q names two different keys, in %s and %s: give one of them another kid", k.KID, prev.file, sourceName(file))
			}
			seen[k.KID] = seenKey{thumb, sourceName(file)}
			p := k.PublicKey()
			if p.Use == "" {
				p.Use = "sig"
			}
			if p.Alg == "" && (p.Type == keys.EC || p.Type == keys.OKP) {
				p.Alg = p.DefaultAlg()
			}
			all = append(all, p)
		}
	}
	if len(all) > keys.MaxJWKSKeys {
		return fmt.Errorf("%d keys: a JWK Set holds at most %d", len(all), keys.MaxJWKSKeys)
	}
	out, err := keys.MarshalJWKS(all)
	if err != nil {
		return fmt.Errorf("building the JWK Set: %w", err)
	}
	if opts.Out == "" {
		_, err = f.IO.Out.Write(out)
		return err
	}
	if err := keys.WriteFile(opts.Out, out, 0o644, opts.Force); err != nil {
		return fmt.Errorf("writing JWK Set: %w", forceHint(err))
	}
	kids := make([]string, len(all))
	for i, k := range all {
		kids[i] = k.KID
	}
	fmt.Fprintf(f.IO.ErrOut, "wrote %s (%d keys: %s)\n", opts.Out, len(all), strings.Join(kids, ", "))
	return nil
}

// ---- keys inspect ----

type keysInspectOptions struct {
	f      *factory
	File   string
	Output string
}

func newKeysInspectCmd(f *factory, runF func(*keysInspectOptions) error) *cobra.Command {
	opts := &keysInspectOptions{f: f}
	c := &cobra.Command{
		Use:   "inspect {<file> | -} [-o {text | json}]",
		Short: "Show what a key file holds",
		Long: `Show every key in a file (or stdin with "-"): its type, size or curve, the
format it was found in, kid (and whether the file named it or it is the RFC
7638 thumbprint), thumbprint, whether it is private, the algorithms it can
sign or verify with, its "use", and where it came from.

Secret material is never printed: for an HMAC secret only its length is
shown, not even its thumbprint (a hash of a weak secret can be brute-forced).
A file holding a single word (such as PREFIX.secret from 'keys generate') is
shown as a raw HMAC secret: its UTF-8 bytes.

-o json prints {"source", "keys": [{"index", "type", "description", "size",
"curve", "format", "kid", "kid_source", "thumbprint", "private", "algs",
"alg", "use", "source"}]}.`,
		Example: `  jwtkit keys inspect signing.pem
  jwtkit keys inspect jwks.json -o json | jq -r '.keys[].kid'
  curl -s https://auth.example.com/.well-known/jwks.json | jwtkit keys inspect -`,
		Args: usageArgs(cobra.ExactArgs(1)),
		RunE: func(c *cobra.Command, args []string) error {
			opts.File = args[0]
			if err := checkOutput(opts.Output, "text", "json"); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return runKeysInspect(opts)
		},
	}
	addOutputFlag(c, &opts.Output, "text", "text or json")
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
}

type inspectJSON struct {
	Source string    `json:"source"`
	Keys   []keyInfo `json:"keys"`
}

// inspectLoad loads a key file for inspect. A file holding one word and
// nothing else (what 'keys generate --alg HS256 --out x' writes) is shown
// as a raw HMAC secret (its UTF-8 bytes) rather than refused.
func inspectLoad(f *factory, arg string) (*keys.Set, error) {
	var data []byte
	var err error
	source := arg
	if arg == "-" {
		source = "stdin"
		data, err = io.ReadAll(io.LimitReader(f.IO.In, maxKeyFileBytes+1))
		if err != nil {
			return nil, fmt.Errorf("reading key from stdin: %w", err)
		}
		if len(data) > maxKeyFileBytes {
			return nil, fmt.Errorf("key on stdin is larger than %d bytes", maxKeyFileBytes)
		}
	} else if data, err = readInputFile(arg, "key file", maxKeyFileBytes); err != nil {
		return nil, err
	}
	set, err := keys.Parse(data, source)
	if err == nil {
		return set, nil
	}
	word := bytes.TrimSpace(data)
	if errors.Is(err, keys.ErrUnrecognized) && len(word) > 0 && utf8.Valid(word) && len(bytes.Fields(word)) == 1 {
		if k, serr := keys.NewSecret(word, source); serr == nil {
			return keys.NewSet(k), nil
		}
	}
	if arg == "-" {
		return nil, fmt.Errorf("reading key from stdin: %w", err)
	}
	return nil, fmt.Errorf("reading key %q: %w", arg, err)
}

func runKeysInspect(opts *keysInspectOptions) error {
	f := opts.f
	set, err := inspectLoad(f, opts.File)
	if err != nil {
		return err
	}
	source := opts.File
	if source == "-" {
		source = "stdin"
	}
	res := inspectJSON{Source: source}
	for i, k := range set.Keys {
		info := keyInfo{
			Index: i + 1, Type: k.Type, Description: k.Describe(), Size: k.Size(),
			Curve: k.Curve(), Format: k.Format, KID: k.KID, Private: k.IsPrivate(),
			Algs: k.Algs(), Alg: k.Alg, Use: k.Use, Source: k.Source,
		}
		if info.Source == "" {
			info.Source = source
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
		res.Keys = append(res.Keys, info)
	}
	if opts.Output == "json" {
		return writeJSON(f.IO.Out, res)
	}
	p := f.IO.Palette(true)
	w := f.IO.Out
	for i, info := range res.Keys {
		if i > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "%s %s\n", p.Bold.Sprintf("key %d of %d:", info.Index, len(res.Keys)), info.Description)
		row := func(name, value string) {
			fmt.Fprintf(w, "  %-12s%s\n", name+":", value)
		}
		row("format", info.Format)
		row("source", info.Source)
		switch info.KIDSource {
		case "none":
			row("kid", p.Faint.Sprint("(none)"))
		case "thumbprint":
			row("kid", info.KID+p.Faint.Sprint(" (RFC 7638 thumbprint)"))
		default:
			row("kid", info.KID)
		}
		if info.Thumbprint != "" {
			row("thumbprint", info.Thumbprint)
		} else if info.Type == keys.Oct {
			row("thumbprint", p.Faint.Sprint("(not shown for secrets)"))
		}
		if info.Private {
			row("private", "yes: it can sign")
		} else {
			row("private", "no: it can only verify")
		}
		algs := strings.Join(info.Algs, ", ")
		if info.Alg != "" {
			algs += p.Faint.Sprint(" (pinned by the key's alg)")
		}
		row("algs", algs)
		if info.Use != "" {
			row("use", info.Use)
		}
	}
	return nil
}

// algCompletions completes --alg with every alg of keys.Algs.
func algCompletions() func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return fixedCompletions(keys.AlgNames()...)
}

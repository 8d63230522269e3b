package cmd

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/jwtkit/jwtkit/internal/safetext"
	"github.com/jwtkit/jwtkit/pkg/keys"
)

// keySourceFlags is the key-source flag group shared by mint, verify, probe
// and serve: --key, --kid, --secret-file, --secret-env, --secret,
// --secret-encoding and (for verifying commands) --jwks. It turns the
// flags into a keys.Source, which does the work.
type keySourceFlags struct {
	Key            string
	KID            string
	SecretFile     string
	SecretEnv      string
	Secret         string
	SecretEncoding string
	JWKS           string // only registered when withJWKS
	Password       keyPasswordFlags

	withJWKS bool
	// signs: the command signs with the keys it verifies with (serve), so a
	// missing development key is created for verification too.
	signs bool
}

func (k *keySourceFlags) addFlags(fs *pflag.FlagSet, withJWKS bool) {
	k.withJWKS = withJWKS
	fs.StringVar(&k.Key, "key", "", "key `file`: PEM, DER, JWK or JWKS, found by content")
	if withJWKS {
		fs.StringVar(&k.KID, "kid", "", "key id: picks the key from a JWK Set given with --key")
	} else {
		fs.StringVar(&k.KID, "kid", "", "key id: picks the key from a JWK Set given with --key, and is the token header's kid")
	}
	fs.StringVar(&k.SecretFile, "secret-file", "", "read the HMAC secret from `file` (\"-\": stdin, hidden prompt on a terminal)")
	fs.StringVar(&k.SecretEnv, "secret-env", "", "read the HMAC secret from environment variable `name`")
	fs.StringVar(&k.Secret, "secret", "", "HMAC secret `value` (visible to other users in ps; prefer --secret-env or --secret-file)")
	fs.StringVar(&k.SecretEncoding, "secret-encoding", "utf8", "how the secret text maps to bytes: utf8, base64, base64url or hex")
	k.Password.addFlags(fs)
	if withJWKS {
		fs.StringVar(&k.JWKS, "jwks", "", "verify with a JWK Set from a `file` or an http(s) URL (kid from the token header)")
	}
}

// sources lists the key-source flags given; more than one is a usage error.
func (k *keySourceFlags) sources() []string {
	var s []string
	add := func(set bool, name string) {
		if set {
			s = append(s, name)
		}
	}
	add(k.Key != "", "--key")
	add(k.SecretFile != "", "--secret-file")
	add(k.SecretEnv != "", "--secret-env")
	add(k.Secret != "", "--secret")
	add(k.JWKS != "", "--jwks")
	return s
}

func (k *keySourceFlags) validate() error {
	if s := k.sources(); len(s) > 1 {
		return usagef("%s cannot be used together: give one key source", strings.Join(s, " and "))
	}
	switch k.SecretEncoding {
	case "utf8", "base64", "base64url", "hex":
	default:
		return usagef("invalid --secret-encoding %s: want utf8, base64, base64url or hex", safetext.QuoteArg(k.SecretEncoding))
	}
	if k.Password.given() && k.Key == "" {
		return usagef("--key-password-file and --key-password-env open an encrypted --key; no --key was given")
	}
	return k.Password.validate()
}

// usesStdin reports whether the key source reads standard input.
func (k *keySourceFlags) usesStdin() bool {
	return k.SecretFile == "-" || k.Key == "-" || k.JWKS == "-"
}

// source builds the keys.Source. It does what needs the environment or the
// terminal: --secret-env, --secret-file - (a hidden prompt on a terminal,
// else the first line of stdin), the --secret warning and the development
// key's folder.
func (k *keySourceFlags) source(f *factory) (*keys.Source, error) {
	if err := k.validate(); err != nil {
		return nil, err
	}
	s := &keys.Source{
		File: k.Key, Stdin: f.IO.In, KID: k.KID,
		SecretEncoding: k.SecretEncoding, JWKS: k.JWKS, DevKeyCreate: k.signs,
		FileLabel: "--key", KIDLabel: "--kid",
		Password: k.Password.passwordFunc(f),
		OnNote: func(n keys.Note) {
			if n.Kind == keys.NoteDevKeyExposed {
				fmt.Fprintf(f.IO.ErrOut, "warning: %s\n", n.Text)
				return
			}
			if n.Kind == keys.NoteDevKeyCreated {
				f.notef("%s; pass --key to use your own", n.Text)
				return
			}
			f.notef("%s", n.Text)
		},
	}
	switch {
	case k.Secret != "":
		fmt.Fprintln(f.IO.ErrOut, "warning: --secret puts the secret in the process list and shell history; prefer --secret-env or --secret-file")
		s.Secret, s.SecretOrigin = []byte(k.Secret), "--secret"
	case k.SecretEnv != "":
		v, err := envValue(f, "--secret-env", k.SecretEnv, "SECRET_KEY")
		if err != nil {
			return nil, err
		}
		s.Secret, s.SecretOrigin = []byte(v), "env "+k.SecretEnv
	case k.SecretFile == "-":
		text, err := readSecretStdin(f)
		if err != nil {
			return nil, err
		}
		s.Secret, s.SecretOrigin, s.SecretFromStream = text, "stdin", !f.IO.InTTY
	case k.SecretFile != "":
		s.SecretFile = k.SecretFile
	case k.Key == "" && k.JWKS == "":
		dir, err := f.homeDir()
		if err != nil {
			return nil, fmt.Errorf("finding the config folder for the development key (set JWTKIT_HOME): %w", err)
		}
		s.DevKeyDir = dir
	}
	return s, nil
}

// readSecretStdin reads the secret with a hidden prompt on a terminal, else
// all of stdin, as --secret-file reads a file (so a piped .env file meets
// the same dotenv check): it never blocks waiting for a terminal.
func readSecretStdin(f *factory) ([]byte, error) {
	if f.IO.InTTY {
		return f.IO.ReadSecret("HMAC secret: ")
	}
	return keys.ReadSecretInput(f.IO.In)
}

// signingKey resolves the one key that signs: --key (with --kid for a set),
// a secret, or the development key when no source is given.
func (k *keySourceFlags) signingKey(f *factory) (*keys.Key, error) {
	s, err := k.source(f)
	if err != nil {
		return nil, err
	}
	return s.Signing()
}

// verificationSet resolves the keys that verify: --key, --jwks (file or
// URL, fetched with the hardened client), a secret, or the development
// key's public half.
func (k *keySourceFlags) verificationSet(ctx context.Context, f *factory, timeout time.Duration) (*keys.Set, error) {
	s, err := k.source(f)
	if err != nil {
		return nil, err
	}
	var client *http.Client
	if k.JWKS != "" {
		client = newHTTPClient(f, httpOptions{Timeout: timeout})
	}
	return s.Verification(ctx, client)
}

// isKeySourceUsage reports errors of a keys.Source that no file content
// causes (a key passed as a secret, conflicting sources, no or several
// signing keys, an unknown kid): usage errors.
func isKeySourceUsage(err error) bool {
	for _, target := range []error{
		keys.ErrConflictingSources, keys.ErrSecretIsKey, keys.ErrBadSecret, keys.ErrNoDevKey,
		keys.ErrNoSigningKey, keys.ErrAmbiguousKey, keys.ErrKIDNotFound,
	} {
		if errors.Is(err, target) {
			return true
		}
	}
	return false
}

// envName is the shape of a conventional environment variable name; only
// such a --secret-env argument is ever repeated in a message.
// It is a function rather than a regexp so that package init does no work.
func isEnvName(s string) bool {
	if len(s) == 0 || len(s) > 64 || s[0] >= '0' && s[0] <= '9' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// envValue reads the environment variable that flag (a --*-env flag)
// names. Every such flag fails the same way: a name that does not look
// like one (likely the value itself, "$SECRET_KEY") is a usage error that
// never echoes it; an unset or empty variable is exit 1, as a missing
// --*-file is. example is the conventional name the hint shows.
func envValue(f *factory, flag, name, example string) (string, error) {
	v, set := lookupEnv(f, name)
	switch {
	case set:
		return v, nil
	case !isEnvName(name):
		return "", usagef("%s expects the name of an environment variable; the value given does not look like one (write %s %s, not %s \"$%s\")", flag, flag, example, flag, example)
	}
	return "", withCode(ExitError, fmt.Errorf("%s: environment variable %s is not set or empty", flag, name))
}

func lookupEnv(f *factory, name string) (string, bool) {
	v := f.Getenv(name)
	return v, v != ""
}

// algCompletions completes --alg with every alg of keys.Algs.
func algCompletions() func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return fixedCompletions(keys.AlgNames()...)
}

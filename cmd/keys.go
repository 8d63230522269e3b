package cmd

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/jwtkit/jwtkit/pkg/keys"
)

func newKeysCmd(f *factory) *cobra.Command {
	c := &cobra.Command{
		Use:   "keys <command>",
		Short: "Generate, convert and inspect signing keys",
		Long: `Generate signing keys and HMAC secrets, turn private keys into public ones,
collect public keys into a JWK Set, and show what a key file holds.

Key files are recognised by content, never by name: PEM (PKCS#1, PKCS#8,
SEC1 as written by 'openssl ecparam -genkey', SPKI, X.509 certificates),
DER, a JWK or a JWK Set. The kid of an asymmetric key is its RFC 7638
thumbprint unless the file names one.

An encrypted private key (PKCS#8 "ENCRYPTED PRIVATE KEY": PBKDF2 and
AES-CBC, as openssl writes) is opened with --key-password-file,
--key-password-env or a passphrase asked for on the terminal; with neither
a flag nor a terminal the command exits 2. A wrong passphrase exits 1.`,
		Example: `  jwtkit keys generate --alg RS256 --out signing
  jwtkit keys public signing.pem
  jwtkit keys jwks old.pub.pem signing.pub.pem --out jwks.json
  jwtkit keys inspect signing.pem
  jwtkit keys fetch --issuer-url https://auth.example.com --out auth-jwks.json`,
		Args: noSubcommand,
		RunE: func(c *cobra.Command, args []string) error { return c.Help() },
	}
	c.AddCommand(
		newKeysGenerateCmd(f, nil),
		newKeysPublicCmd(f, nil),
		newKeysJWKSCmd(f, nil),
		newKeysInspectCmd(f, nil),
		newKeysFetchCmd(f, nil),
	)
	return c
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

// loadKeyArg loads FILE or "-" (stdin) with the messages of --key; pw
// opens an encrypted key.
func loadKeyArg(f *factory, arg string, pw *keyPasswordFlags) (*keys.Set, error) {
	s := keys.Source{File: arg, Stdin: f.IO.In, Password: pw.passwordFunc(f)}
	return s.Keys(context.Background(), nil)
}

// sourceName is how a key argument appears in messages.
func sourceName(arg string) string {
	if arg == "-" {
		return "stdin"
	}
	return strconv.Quote(arg)
}

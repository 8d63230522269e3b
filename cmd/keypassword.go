package cmd

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/spf13/pflag"

	"github.com/jwtkit/jwtkit/internal/ui"
	"github.com/jwtkit/jwtkit/pkg/keys"
)

// maxPasswordFileBytes caps --key-password-file: a passphrase is one line.
const maxPasswordFileBytes = 64 << 10

// keyPasswordFlags is the passphrase flag group of every command that loads
// a private key (--key-password-file, --key-password-env) and of
// `keys generate --encrypt`. Without either flag the passphrase is asked
// for on the controlling terminal (/dev/tty), never taken from argv.
type keyPasswordFlags struct {
	File string
	Env  string
}

func (p *keyPasswordFlags) addFlags(fs *pflag.FlagSet) {
	fs.StringVar(&p.File, "key-password-file", "", "read an encrypted key's passphrase from the first line of `file`")
	fs.StringVar(&p.Env, "key-password-env", "", "read an encrypted key's passphrase from environment variable `name`")
}

func (p *keyPasswordFlags) given() bool { return p.File != "" || p.Env != "" }

func (p *keyPasswordFlags) validate() error {
	switch {
	case p.File != "" && p.Env != "":
		return usagef("--key-password-file and --key-password-env cannot be used together")
	case p.File == "-":
		return usagef("--key-password-file does not read stdin: name a file, or use --key-password-env")
	case p.Env != "" && !isEnvName(p.Env):
		// Perhaps the passphrase itself: never echo it.
		return usagef("--key-password-env expects the name of an environment variable; the value given does not look like one (write --key-password-env KEY_PASSWORD, not --key-password-env \"$KEY_PASSWORD\")")
	}
	return nil
}

// fromFlags reads the passphrase a flag names; ok is false when no flag is
// given. A file gives its first line (as openssl's -passin file: does).
func (p *keyPasswordFlags) fromFlags(f *factory) (pw []byte, ok bool, err error) {
	switch {
	case p.File != "":
		b, err := keys.ReadInputFile(p.File, "--key-password-file", maxPasswordFileBytes)
		if err != nil {
			return nil, true, err
		}
		line, _, _ := bytes.Cut(b, []byte("\n"))
		return bytes.TrimSuffix(line, []byte("\r")), true, nil
	case p.Env != "":
		v, err := envValue(f, "--key-password-env", p.Env, "KEY_PASSWORD")
		if err != nil {
			return nil, true, err
		}
		return []byte(v), true, nil
	}
	return nil, false, nil
}

// passwordFunc opens encrypted keys: from the flags, else from the terminal.
// It is called only when an encrypted key is met, so the flags cost nothing
// on a plain key.
func (p *keyPasswordFlags) passwordFunc(f *factory) keys.PasswordFunc {
	return func(source string) ([]byte, error) {
		if pw, ok, err := p.fromFlags(f); ok || err != nil {
			return pw, err
		}
		pw, err := f.IO.ReadSecretTTY(fmt.Sprintf("Passphrase for %s: ", source))
		if errors.Is(err, ui.ErrNoTTY) {
			return nil, fmt.Errorf("%w: there is no terminal to ask on; pass --key-password-file or --key-password-env", keys.ErrPasswordRequired)
		}
		return pw, err
	}
}

// newPassword gets the passphrase that encrypts a new key: from the flags,
// else asked twice on the terminal.
func (p *keyPasswordFlags) newPassword(f *factory) ([]byte, error) {
	pw, ok, err := p.fromFlags(f)
	if err != nil {
		return nil, err
	}
	if !ok {
		pw, err = f.IO.ReadSecretTTY("Passphrase for the new key: ")
		if errors.Is(err, ui.ErrNoTTY) {
			return nil, usagef("--encrypt needs a passphrase and there is no terminal to ask for it: pass --key-password-file or --key-password-env")
		}
		if err != nil {
			return nil, err
		}
		if len(pw) > 0 {
			again, err := f.IO.ReadSecretTTY("Same passphrase again: ")
			if err != nil {
				return nil, err
			}
			if !bytes.Equal(pw, again) {
				return nil, errors.New("the passphrases do not match; nothing was written")
			}
		}
	}
	if len(pw) == 0 {
		return nil, usagef("--encrypt: the passphrase is empty")
	}
	return pw, nil
}

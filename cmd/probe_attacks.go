package cmd

import (
	"fmt"
	"net/url"
	"os"
	"strings"

	"github.com/spf13/pflag"

	"github.com/jwtkit/jwtkit/internal/safetext"
	"github.com/jwtkit/jwtkit/pkg/keys"
	"github.com/jwtkit/jwtkit/pkg/probe"
)

// probeAttackFlags are probe's flags for the out-of-band and offline
// attacks of issue 12: the listener's public URL and bind address, and a
// wordlist for jwt.weak-secret.
type probeAttackFlags struct {
	CallbackURL  string
	CallbackAddr string
	Wordlist     string
}

func (a *probeAttackFlags) addFlags(fs *pflag.FlagSet) {
	fs.StringVar(&a.CallbackURL, "callback-url", "", "public `url` under which the target reaches probe's listener (e.g. a tunnel); needs --callback-addr")
	fs.StringVar(&a.CallbackAddr, "callback-addr", "", "`host:port` probe's listener binds for --callback-url")
	fs.StringVar(&a.Wordlist, "wordlist", "", "`file` of candidate HMAC secrets, one a line, tried by jwt.weak-secret after its built-in list")
}

func (a *probeAttackFlags) validate() error {
	if (a.CallbackURL == "") != (a.CallbackAddr == "") {
		return usagef("--callback-url and --callback-addr go together: the public URL the target reaches and the address probe binds behind it")
	}
	if a.CallbackURL != "" {
		u, err := url.Parse(a.CallbackURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" {
			return usagef("invalid --callback-url %s: want an http:// or https:// URL", safetext.URLArg(a.CallbackURL))
		}
		a.CallbackURL = strings.TrimRight(a.CallbackURL, "/")
	}
	if a.Wordlist != "" {
		st, err := os.Stat(a.Wordlist)
		if err != nil || st.IsDir() {
			return usagef("--wordlist %s is not a readable file", safetext.FileName(a.Wordlist))
		}
	}
	return nil
}

// apply fills cfg; it returns a function to call when the run ends (the
// wordlist progress line).
func (a *probeAttackFlags) apply(f *factory, cfg *probe.Config, keyFile string) func() {
	cfg.CallbackURL, cfg.CallbackAddr = a.CallbackURL, a.CallbackAddr
	cfg.CallbackGrace = f.CallbackGrace
	if keyFile != "" && keyFile != "-" {
		// The exact bytes the server may read from disk, for
		// jwt.key-confusion; only for a public key (a private key or
		// secret file is never used as an HMAC secret).
		if b, err := keys.ReadInputFile(keyFile, "key file", keys.MaxFileBytes); err == nil && cfg.Key == nil && cfg.PublicKey != nil {
			cfg.KeyFile = b
		}
	}
	if a.Wordlist == "" {
		return func() {}
	}
	cfg.Wordlist, cfg.WordlistName = a.Wordlist, a.Wordlist
	p := f.IO.StartProgress("jwt.weak-secret: wordlist lines", 0)
	cfg.WordlistProgress = func(n int64) { p.Add(int(n)) }
	return p.Done
}

// warnWeakKeyFlag says, as keys inspect does, that a weak public key
// (--key rsa1024.pub.pem) was loaded only to audit the API that uses it;
// probe and forge both load such keys.
func warnWeakKeyFlag(f *factory, pub any) {
	if pub == nil {
		return
	}
	if werr := (&keys.Key{Public: pub}).Weak(); werr != nil {
		p := f.IO.Palette(false)
		fmt.Fprintf(f.IO.ErrOut, "%s --key: %s: loaded to be audited; jwtkit never signs or verifies with it\n", p.Yellow.Sprint("warning:"), werr)
	}
}

package cmd

import (
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// flagAlias maps a flag name people reach for to jwtkit's name ("" when
// none). A function, so that package init builds no map for every run.
func flagAlias(name string) string {
	return map[string]string{
		"subject": "--sub", "issuer": "--iss", "audience": "--aud", "roles": "--role",
		"scopes": "--scope", "expiry": "--exp", "expires": "--exp", "expiration": "--exp",
		"algorithm": "--alg", "algo": "--alg", "key-id": "--kid", "keyid": "--kid",
		"secret-key": "--secret-env, --secret-file or --secret", "hmac": "--secret-env, --secret-file or --secret",
		"jwk": "--key", "pem": "--key", "key-file": "--key", "token-file": "--batch", "output-format": "-o",
		"not-before": "--nbf", "issued-at": "--iat", "claim-file": "--claims",
	}[name]
}

// flagError turns pflag's parse errors into usage errors that say what to
// type instead: a known alias, the nearest flag of the command, or (for the
// keys subcommands that read a file argument) how to pass the file. A long
// flag written with one dash ("-subject") gets the same suggestion.
func flagError(c *cobra.Command, err error) error {
	msg := err.Error()
	if rest, ok := strings.CutPrefix(msg, "unknown shorthand flag: "); ok {
		_, word, _ := strings.Cut(rest, " in -")
		word, _, _ = strings.Cut(word, "=")
		if len(word) >= 3 && isFlagName(word) {
			if hint := flagHint(c, word); hint != "" {
				return usagef("unknown flag -%s (a long flag takes two dashes); did you mean %s?", word, hint)
			}
		}
		return &usageError{err}
	}
	name, ok := strings.CutPrefix(msg, "unknown flag: --")
	if !ok {
		return &usageError{err}
	}
	name, _, _ = strings.Cut(name, "=")
	if name == "key" && c.Flags().Lookup("key") == nil && strings.HasPrefix(c.CommandPath(), "jwtkit keys ") {
		return usagef("unknown flag --key: %s takes the key file as an argument: %s", c.CommandPath(), c.UseLine())
	}
	if isPasswordFlag(name) && c.Flags().Lookup("key-password-file") != nil {
		// No such flag on purpose: argv is visible to other users (ps).
		return usagef("unknown flag --%s: a passphrase never goes on the command line, where other users can read it; use --key-password-file <file> or --key-password-env <name>", name)
	}
	if hint := flagHint(c, name); hint != "" {
		return usagef("unknown flag --%s; did you mean %s?", name, hint)
	}
	return &usageError{err}
}

// flagHint is what to suggest for the flag name the user typed (without
// dashes): the flag itself when it exists (typed with one dash), a flag
// one letter longer ("jwk" → --jwks), a known alias the command has, the
// nearest flag; "" when none fits.
func flagHint(c *cobra.Command, name string) string {
	fs := c.Flags()
	if fl := fs.Lookup(name); fl != nil && !fl.Hidden {
		return "--" + name
	}
	longer := ""
	fs.VisitAll(func(f *pflag.Flag) {
		if !f.Hidden && longer == "" && len(f.Name) == len(name)+1 && strings.HasPrefix(f.Name, name) {
			longer = f.Name
		}
	})
	if longer != "" {
		return "--" + longer
	}
	if alias := flagAlias(name); alias != "" && (strings.Contains(alias, " ") || fs.Lookup(strings.TrimLeft(alias, "-")) != nil) {
		return alias
	}
	if near := nearestFlag(fs, name); near != "" {
		return "--" + near
	}
	return ""
}

// isFlagName reports text that can be a flag's name (so a message may
// repeat it: it is no secret or token).
func isFlagName(s string) bool {
	for i, r := range s {
		if !(r >= 'a' && r <= 'z' || i > 0 && (r == '-' || r >= '0' && r <= '9')) {
			return false
		}
	}
	return s != ""
}

// isPasswordFlag: names people try for a key's passphrase.
func isPasswordFlag(name string) bool {
	switch name {
	case "key-password", "password", "passphrase", "key-passphrase", "pass", "passin", "key-pass":
		return true
	}
	return false
}

// nearestFlag is the command's flag closest to name: one whose name starts
// with it or that it starts with, else within two edits; "" when none is.
func nearestFlag(fs *pflag.FlagSet, name string) string {
	best, bestD := "", 3
	fs.VisitAll(func(f *pflag.Flag) {
		if f.Hidden {
			return
		}
		d := editDistance(name, f.Name)
		if len(name) >= 3 && (strings.HasPrefix(f.Name, name) || strings.HasPrefix(name, f.Name)) {
			d = min(d, 1)
		}
		if d < bestD {
			best, bestD = f.Name, d
		}
	})
	return best
}

// editDistance is the Levenshtein distance of a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// unknownCommand says what a mistyped command may have meant.
func unknownCommand(c *cobra.Command, name string) error {
	if c.SuggestionsMinimumDistance <= 0 {
		c.SuggestionsMinimumDistance = 2 // Cobra's default, set only on its own error path
	}
	if s := c.SuggestionsFor(name); len(s) > 0 {
		return usagef("unknown command %q for %q; did you mean %s?", name, c.CommandPath(), strings.Join(s, " or "))
	}
	var names []string
	for _, sub := range c.Commands() {
		if sub.IsAvailableCommand() {
			names = append(names, sub.Name())
		}
	}
	return usagef("unknown command %q for %q; the commands are %s", name, c.CommandPath(), strings.Join(names, ", "))
}

// strictHelpCmd makes `jwtkit help <typo>` what `jwtkit <typo>` is: an
// unknown command with a suggestion (exit 2), not the root help (exit 0).
func strictHelpCmd(root *cobra.Command) {
	root.InitDefaultHelpCmd()
	for _, h := range root.Commands() {
		if h.Name() != "help" || h.Run == nil {
			continue
		}
		show := h.Run
		h.Run = nil
		h.RunE = func(c *cobra.Command, args []string) error {
			if cmd, rest, _ := c.Root().Find(args); len(rest) > 0 {
				if cmd == nil {
					cmd = c.Root()
				}
				return unknownCommand(cmd, rest[0])
			}
			show(c, args)
			return nil
		}
	}
}

// namedArgs checks how many positional arguments a command got and names
// what is missing or extra. It never repeats an argument: it may be a token.
func namedArgs(min, max int, what string) cobra.PositionalArgs {
	return func(c *cobra.Command, args []string) error {
		switch {
		case len(args) < min:
			return usagef("%s needs %s: %s", c.CommandPath(), what, c.UseLine())
		case max >= 0 && len(args) > max:
			if max == 0 {
				return usagef("%s takes no arguments, got %d", c.CommandPath(), len(args))
			}
			return usagef("%s takes at most %d %s, got %d arguments", c.CommandPath(), max, plural(max, "argument", "arguments"), len(args))
		}
		return nil
	}
}

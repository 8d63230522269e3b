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
// keys subcommands that read a file argument) how to pass the file.
func flagError(c *cobra.Command, err error) error {
	msg := err.Error()
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
	if alias := flagAlias(name); alias != "" && (strings.Contains(alias, " ") || c.Flags().Lookup(strings.TrimLeft(alias, "-")) != nil) {
		return usagef("unknown flag --%s; did you mean %s?", name, alias)
	}
	if near := nearestFlag(c.Flags(), name); near != "" {
		return usagef("unknown flag --%s; did you mean --%s?", name, near)
	}
	return &usageError{err}
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

package cmd

import (
	"errors"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/pflag"

	"github.com/jwtkit/jwtkit/internal/safetext"
)

// redactFlagError rewrites the message of a flag error (from pflag, or
// flagError's hints about it) so that it repeats no value that could be a
// secret or a token: pflag quotes the value of an invalid argument and the
// name of an unknown flag whole (`--$SECRET`). Each such value is replaced
// by safetext.QuoteArg's description.
func redactFlagError(orig, err error) error {
	var values []string
	var (
		iv *pflag.InvalidValueError
		ne *pflag.NotExistError
		vr *pflag.ValueRequiredError
		sx *pflag.InvalidSyntaxError
	)
	switch {
	case errors.As(orig, &iv):
		values = append(values, iv.GetValue())
	case errors.As(orig, &ne):
		values = append(values, ne.GetSpecifiedName(), ne.GetSpecifiedShortnames())
	case errors.As(orig, &vr):
		values = append(values, vr.GetSpecifiedShortnames())
	case errors.As(orig, &sx):
		values = append(values, sx.GetSpecifiedFlag())
	}
	msg := err.Error()
	changed := false
	for _, v := range values {
		if v == "" || safetext.QuoteArg(v) == safetext.Quote(v) {
			continue
		}
		desc := safetext.QuoteArg(v)
		var did bool
		msg, did = replaceQuoted(msg, v, desc)
		changed = changed || did
		for i := 0; i+24 <= len(v); i++ {
			if strings.Contains(msg, v[i:i+24]) { // a part no form above caught
				msg, changed = "a flag was given "+desc+" that it does not accept", true
				break
			}
		}
	}
	if !changed {
		return err
	}
	return usagef("%s", msg)
}

// redactArgs is the last net under the rule that no error repeats a value
// that could be a secret or a token: any command-line value (an argument,
// or a flag's value after "=") that safetext.QuoteArg would not quote and
// that is no file path is replaced in msg by its description, in
// whatever form a message quoted it. Library errors (a --kid that no key
// has, a claim name) go through here too.
func redactArgs(msg string, args []string) string {
	for _, a := range args {
		v := a
		if strings.HasPrefix(a, "-") {
			_, val, ok := strings.Cut(a, "=")
			if !ok {
				continue
			}
			v = val
		}
		if len(v) <= 16 || !strings.Contains(msg, v[:16]) {
			continue
		}
		desc := safetext.QuoteArg(v)
		if desc == safetext.Quote(v) {
			continue
		}
		if _, err := os.Stat(v); err == nil {
			continue
		}
		if strings.ContainsAny(v, `/\`) && safetext.ShapeOf(v) != safetext.TokenShaped {
			continue // a path: file messages describe their own names
		}
		msg, _ = replaceQuoted(msg, v, desc)
	}
	return msg
}

// replaceQuoted replaces v in msg, in each form a message may quote it
// (Go's %q, safetext.Quote, bare), by desc, and reports whether it did.
func replaceQuoted(msg, v, desc string) (string, bool) {
	did := false
	for _, form := range []string{strconv.Quote(v), safetext.Quote(v), v} {
		if strings.Contains(msg, form) {
			msg, did = strings.ReplaceAll(msg, form, desc), true
		}
	}
	return msg, did
}

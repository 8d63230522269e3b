// Package cmd wires jwtkit's Cobra commands to the pkg/ libraries. It owns
// flags, help text, output formats and the exit-code table; the work itself
// happens in pkg/keys, pkg/token and pkg/probe.
package cmd

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/jwtkit/jwtkit/internal/batch"
	"github.com/jwtkit/jwtkit/internal/safetext"
	"github.com/jwtkit/jwtkit/internal/strictjson"
	"github.com/jwtkit/jwtkit/internal/ui"
	"github.com/jwtkit/jwtkit/pkg/keys"
)

// Main runs jwtkit with the process arguments and returns the exit status.
func Main() int {
	return run(newSystemFactory(), os.Args[1:])
}

// run executes one command line against f and maps the outcome to an exit
// code. It is the only place that prints an error.
func run(f *factory, args []string) int {
	root := newRootCmd(f, args)
	root.SetArgs(args)
	c, err := root.ExecuteC()
	if err == nil {
		return ExitOK
	}
	code := exitCode(err)
	var ee *exitError
	if errors.As(err, &ee) && ee.err == nil {
		return code
	}
	p := f.IO.Palette(false)
	fmt.Fprintf(f.IO.ErrOut, "%s %s\n", p.Red.Sprint("error:"), redactArgs(oneLine(err.Error()), args))
	if code == ExitUsage {
		path := c.CommandPath()
		if c.Name() == "help" && c.Parent() == c.Root() {
			path = c.Root().CommandPath() // help <typo>: the root's help lists the commands
		}
		fmt.Fprintf(f.IO.ErrOut, "Run '%s --help' for usage.\n", path)
	}
	return code
}

// oneLine keeps an error message on one line whatever its cause said.
func oneLine(s string) string {
	s = strings.TrimSpace(s)
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", " ")), " ")
}

// subcommandNames lists the top-level commands in the order of help output.
var subcommandNames = [...]string{"keys", "mint", "decode", "verify", "probe", "forge", "serve", "completion", "version"}

// subcommand builds one top-level command by name (nil for an unknown name).
func subcommand(f *factory, name string) *cobra.Command {
	switch name {
	case "keys":
		return newKeysCmd(f)
	case "mint":
		return newMintCmd(f, nil)
	case "decode":
		return newDecodeCmd(f, nil)
	case "verify":
		return newVerifyCmd(f, nil)
	case "probe":
		return newProbeCmd(f, nil)
	case "forge":
		return newForgeCmd(f, nil)
	case "serve":
		return newServeCmd(f, nil)
	case "completion":
		return newCompletionCmd(f)
	case "version":
		return newVersionCmd(f)
	}
	return nil
}

// newRootCmd builds the root command. When args name a subcommand first,
// only that one is built, so start-up costs what one command costs; its
// help and behaviour do not depend on its siblings. Any other command line
// (root help, completion requests, a typo, a flag first) gets the whole tree.
func newRootCmd(f *factory, args []string) *cobra.Command {
	var colorFlag string
	root := &cobra.Command{
		Use:   "jwtkit <command> [flags]",
		Short: "Mint, decode and verify JWTs, manage keys, and audit API token handling",
		Long: `jwtkit is a command-line token toolkit: it generates and converts signing keys,
mints JWTs, decodes them (verifying nothing, and saying so), verifies them
against a key and a policy with CI-friendly exit codes, and probes live APIs
for mistakes in how they treat tokens, plain HTTP and foreign origins.
` + exitStatusHelp,
		Example: `  jwtkit mint --sub alice --role admin          # signs with your dev key
  jwtkit mint --sub alice | jwtkit verify        # valid: exit 0
  jwtkit decode "$TOKEN"
  jwtkit keys generate --alg RS256 --out signing
  jwtkit probe https://api.example.com/me --key signing.pem`,
		Version:       f.Version.String(),
		SilenceErrors: true,
		SilenceUsage:  true,
		Args:          noSubcommand,
		RunE: func(c *cobra.Command, args []string) error {
			return c.Help()
		},
		PersistentPreRunE: func(c *cobra.Command, args []string) error {
			m, err := ui.ParseColorMode(colorFlag)
			if err != nil {
				return &usageError{err}
			}
			f.IO.SetColorMode(m)
			return nil
		},
	}
	root.SetVersionTemplate("{{.Version}}\n")
	root.SetOut(f.IO.Out)
	if len(args) > 0 && (args[0] == cobra.ShellCompRequestCmd || args[0] == cobra.ShellCompNoDescRequestCmd) {
		root.SetOut(completionWriter{f.IO.Out})
	}
	root.SetErr(f.IO.ErrOut)
	root.SetIn(f.IO.In)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return redactFlagError(err, flagError(c, err)) })
	root.PersistentFlags().StringVar(&colorFlag, "color", "auto", "colorize output: auto, always or never")
	_ = root.RegisterFlagCompletionFunc("color", fixedCompletions("auto", "always", "never"))
	root.CompletionOptions.DisableDefaultCmd = true

	if len(args) > 0 {
		if c := subcommand(f, args[0]); c != nil {
			root.AddCommand(c)
			return root
		}
	}
	for _, name := range subcommandNames {
		root.AddCommand(subcommand(f, name))
	}
	root.AddCommand(newManCmd(f))
	strictHelpCmd(root)
	return root
}

// completionWriter drops the backticks of flag usages from completion
// descriptions: pflag reads "this `file`" as the value name in --help, but
// Cobra hands the usage to the shell as written.
type completionWriter struct{ w io.Writer }

func (c completionWriter) Write(p []byte) (int, error) {
	var out []byte
	for _, line := range bytes.SplitAfter(p, []byte("\n")) {
		if i := bytes.IndexByte(line, '\t'); i >= 0 {
			line = append(line[:i:i], bytes.ReplaceAll(line[i:], []byte("`"), nil)...)
		}
		out = append(out, line...)
	}
	if _, err := c.w.Write(out); err != nil {
		return 0, err
	}
	return len(p), nil
}

// noSubcommand rejects positional arguments on a command that only groups
// subcommands, so a typo is a usage error rather than a help page.
func noSubcommand(c *cobra.Command, args []string) error {
	if len(args) > 0 {
		return unknownCommand(c, args[0])
	}
	return nil
}

// usageArgs wraps a Cobra positional-argument validator so its failures are
// usage errors (exit 2).
func usageArgs(v cobra.PositionalArgs) cobra.PositionalArgs {
	return func(c *cobra.Command, args []string) error {
		if err := v(c, args); err != nil {
			return &usageError{err}
		}
		return nil
	}
}

func fixedCompletions(values ...string) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return values, cobra.ShellCompDirectiveNoFileComp
	}
}

// addOutputFlag registers -o/--output with its completions.
func addOutputFlag(c *cobra.Command, p *string, def, usage string) {
	c.Flags().StringVarP(p, "output", "o", def, "output format: "+usage)
	vals := strings.FieldsFunc(usage, func(r rune) bool { return r == ',' || r == ' ' })
	var keep []string
	for _, v := range vals {
		if v != "or" {
			keep = append(keep, v)
		}
	}
	_ = c.RegisterFlagCompletionFunc("output", fixedCompletions(keep...))
}

// checkOutput validates an -o value.
func checkOutput(got string, allowed ...string) error {
	for _, a := range allowed {
		if got == a {
			return nil
		}
	}
	return usagef("invalid --output %s: want %s", safetext.QuoteArg(got), strings.Join(allowed, ", "))
}

// writeJSON writes v as indented JSON and a newline.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// writeJSONLine writes one line of compact JSON (an internal/batch encoder's
// output) indented as writeJSON would write the same value.
func writeJSONLine(w io.Writer, line []byte) error {
	var buf bytes.Buffer
	if err := json.Indent(&buf, line, "", "  "); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// compactRaw is raw without insignificant whitespace, or nil when raw is
// empty or not strict JSON: it passes server answers through (keys fetch
// -o json), which must not carry invalid UTF-8 or duplicate names out.
func compactRaw(raw []byte) json.RawMessage {
	if len(raw) == 0 || strictjson.Valid(raw, keys.MaxJSONDepth) != nil {
		return nil
	}
	return json.RawMessage(batch.AppendCompactJSON(nil, raw))
}

// flagChanged reports whether the user set the flag on the command line.
func flagChanged(fs *pflag.FlagSet, name string) bool {
	fl := fs.Lookup(name)
	return fl != nil && fl.Changed
}

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
		for _, form := range []string{strconv.Quote(v), safetext.Quote(v), v} {
			if strings.Contains(msg, form) {
				msg, changed = strings.ReplaceAll(msg, form, desc), true
			}
		}
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
		for _, form := range []string{strconv.Quote(v), safetext.Quote(v), v} {
			msg = strings.ReplaceAll(msg, form, desc)
		}
	}
	return msg
}

// Package cmd wires jwtkit's Cobra commands to the pkg/ libraries. It owns
// flags, help text, output formats and the exit-code table; the work itself
// happens in pkg/keys, pkg/token and pkg/probe.
package cmd

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/jwtkit/jwtkit/internal/ui"
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

// flagChanged reports whether the user set the flag on the command line.
func flagChanged(fs *pflag.FlagSet, name string) bool {
	fl := fs.Lookup(name)
	return fl != nil && fl.Changed
}

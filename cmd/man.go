package cmd

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/jwtkit/jwtkit/internal/manpage"
)

// newManCmd is the hidden `jwtkit __man DIR`: it writes one manual page per
// command into DIR (docs/man/ in the repository, kept current by
// TestManPagesUpToDate; release archives bundle it).
func newManCmd(f *factory) *cobra.Command {
	return &cobra.Command{
		Use:    "__man <dir>",
		Short:  "Write the manual pages",
		Hidden: true,
		Args:   usageArgs(cobra.ExactArgs(1)),
		RunE: func(c *cobra.Command, args []string) error {
			dir := args[0]
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return err
			}
			pages := manPages(c.Root())
			for _, name := range sortedKeys(pages) {
				if err := os.WriteFile(filepath.Join(dir, name), pages[name], 0o644); err != nil {
					return err
				}
			}
			fmt.Fprintf(f.IO.ErrOut, "wrote %d manual pages to %s\n", len(pages), dir)
			return nil
		},
	}
}

// manPages renders every visible command of the tree: file name → roff.
func manPages(root *cobra.Command) map[string][]byte {
	out := map[string][]byte{}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.Hidden || c.Name() == "help" {
			return
		}
		p := manPage(c)
		out[p.Name+"."+p.Section] = manpage.Render(p)
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	return out
}

func manName(c *cobra.Command) string { return strings.ReplaceAll(c.CommandPath(), " ", "-") }

func manPage(c *cobra.Command) manpage.Page {
	desc := c.Long
	if desc == "" {
		desc = c.Short
	}
	desc, status, note := splitExitStatus(desc)
	p := manpage.Page{
		Name: manName(c), Section: "1", Summary: c.Short,
		Synopsis:    []string{c.UseLine()},
		Description: desc,
		Options:     append(manOptions(c.NonInheritedFlags()), helpOption(c)),
		Global:      manOptions(c.InheritedFlags()),
		Status:      status,
		StatusNote:  note,
		Examples:    c.Example,
		Source:      "jwtkit",
		Manual:      "jwtkit manual",
	}
	if c.HasParent() {
		p.SeeAlso = append(p.SeeAlso, manName(c.Parent())+"(1)")
	}
	for _, sub := range c.Commands() {
		if !sub.Hidden && sub.Name() != "help" {
			p.SeeAlso = append(p.SeeAlso, manName(sub)+"(1)")
		}
	}
	return p
}

// statusRow is compiled on first use: package init stays free of work for
// every command line.
var statusRow = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\s+(\d+)\s+(.+)$`) })

// splitExitStatus takes the EXIT STATUS section out of a Long help text;
// a command without one exits 0, 1 or 2.
func splitExitStatus(long string) (desc string, rows []manpage.Status, note string) {
	desc, section, found := strings.Cut(long, "\nEXIT STATUS\n")
	if !found {
		return long, []manpage.Status{
			{Value: fmt.Sprint(ExitOK), Meaning: "success"},
			{Value: fmt.Sprint(ExitError), Meaning: "runtime error: unreadable file, wrong passphrase, network failure, anything unexpected"},
			{Value: fmt.Sprint(ExitUsage), Meaning: "usage error: unknown flag, missing or conflicting arguments, an encrypted key with no passphrase flag and no terminal"},
		}, ""
	}
	var notes []string
	for _, l := range strings.Split(section, "\n") {
		if m := statusRow().FindStringSubmatch(l); m != nil {
			rows = append(rows, manpage.Status{Value: m[1], Meaning: m[2]})
		} else if t := strings.TrimSpace(l); t != "" {
			notes = append(notes, t)
		}
	}
	return desc, rows, strings.Join(notes, "\n")
}

// helpOption is the -h flag Cobra adds to every command when it runs, and
// so only to the one running now.
func helpOption(c *cobra.Command) manpage.Option {
	return manpage.Option{Names: "-h, --help", Usage: "show help for " + c.CommandPath()}
}

func manOptions(fs *pflag.FlagSet) []manpage.Option {
	var out []manpage.Option
	fs.VisitAll(func(fl *pflag.Flag) {
		if fl.Hidden || fl.Name == "help" {
			return
		}
		names := "--" + fl.Name
		if fl.Shorthand != "" {
			names = "-" + fl.Shorthand + ", " + names
		}
		arg, usage := pflag.UnquoteUsage(fl)
		if def := fl.DefValue; def != "" && def != "false" && def != "0" && def != "[]" && fl.Value.Type() != "bool" {
			usage += fmt.Sprintf(" (default %q)", def)
		}
		out = append(out, manpage.Option{Names: names, Arg: arg, Usage: usage})
	})
	return out
}

func sortedKeys(m map[string][]byte) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

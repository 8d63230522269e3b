// Package manpage renders manual pages in roff (man(7) macros, with one tbl
// table) from plain text. It knows nothing of Cobra: cmd turns its command
// tree into Pages. Written here rather than taken from cobra/doc, which
// would pull go-md2man and blackfriday into the module for what is a
// hundred lines of escaping and macros.
package manpage

import (
	"bytes"
	"fmt"
	"strings"
)

// Page is one manual page.
type Page struct {
	Name     string // file and title name: "jwtkit-keys-generate"
	Section  string // "1"
	Summary  string // the NAME line after the dash
	Synopsis []string
	// Description is plain text: blank lines separate paragraphs, lines
	// that start with white space are kept as they are (lists, layouts).
	Description string
	Options     []Option
	Global      []Option
	Status      []Status
	StatusNote  string // text after the table ("When several apply, ...")
	Examples    string // shown as is
	SeeAlso     []string
	Source      string // footer: "jwtkit"
	Manual      string // header: "jwtkit manual"
}

// Option is one command-line flag.
type Option struct {
	Names string // "-o, --output"
	Arg   string // "string", "file", "" for a switch
	Usage string
}

// Status is one row of the EXIT STATUS table.
type Status struct {
	Value   string
	Meaning string
}

// Render writes p as roff. The output depends on p alone (no date), so a
// committed page stays current until the command changes.
func Render(p Page) []byte {
	var b bytes.Buffer
	// Tells man(1) to run tbl for the EXIT STATUS table.
	b.WriteString("'\\\" t\n")
	fmt.Fprintf(&b, ".TH %s %s \"\" %s %s\n", quoteArg(strings.ToUpper(p.Name)), p.Section, quoteArg(p.Source), quoteArg(p.Manual))
	b.WriteString(".SH NAME\n")
	fmt.Fprintf(&b, "%s \\- %s\n", escape(p.Name), escape(p.Summary))
	b.WriteString(".SH SYNOPSIS\n")
	for i, s := range p.Synopsis {
		if i > 0 {
			b.WriteString(".br\n")
		}
		fmt.Fprintf(&b, "\\fB%s\\fR\n", escape(s))
	}
	b.WriteString(".SH DESCRIPTION\n")
	writeText(&b, p.Description)
	if len(p.Options) > 0 {
		b.WriteString(".SH OPTIONS\n")
		writeOptions(&b, p.Options)
	}
	if len(p.Global) > 0 {
		b.WriteString(".SH GLOBAL OPTIONS\n")
		writeOptions(&b, p.Global)
	}
	b.WriteString(".SH EXIT STATUS\n")
	b.WriteString(".TS\ntab(@);\nl lx.\n")
	for _, s := range p.Status {
		fmt.Fprintf(&b, "%s@T{\n%s\nT}\n", escape(s.Value), escape(s.Meaning))
	}
	b.WriteString(".TE\n")
	if p.StatusNote != "" {
		b.WriteString(".PP\n")
		writeText(&b, p.StatusNote)
	}
	if strings.TrimSpace(p.Examples) != "" {
		b.WriteString(".SH EXAMPLES\n.PP\n.RS 2\n.nf\n")
		for _, l := range strings.Split(dedent(p.Examples), "\n") {
			b.WriteString(escapeLine(l) + "\n")
		}
		b.WriteString(".fi\n.RE\n")
	}
	if len(p.SeeAlso) > 0 {
		b.WriteString(".SH SEE ALSO\n")
		refs := make([]string, len(p.SeeAlso))
		for i, r := range p.SeeAlso {
			refs[i] = "\\fB" + escape(r) + "\\fR"
		}
		b.WriteString(strings.Join(refs, ", ") + "\n")
	}
	return b.Bytes()
}

func writeOptions(b *bytes.Buffer, opts []Option) {
	for _, o := range opts {
		b.WriteString(".TP\n")
		names := strings.Split(o.Names, ", ")
		for i, n := range names {
			names[i] = "\\fB" + escape(n) + "\\fR"
		}
		head := strings.Join(names, ", ")
		if o.Arg != "" {
			head += " \\fI" + escape(o.Arg) + "\\fR"
		}
		b.WriteString(head + "\n")
		b.WriteString(escapeLine(o.Usage) + "\n")
	}
}

// writeText renders plain text: paragraphs are filled, runs of indented
// lines are kept as they are, in an indented no-fill block.
func writeText(b *bytes.Buffer, text string) {
	paras := strings.Split(strings.Trim(text, "\n"), "\n\n")
	for _, para := range paras {
		b.WriteString(".PP\n")
		lines := strings.Split(para, "\n")
		for i := 0; i < len(lines); {
			if !indented(lines[i]) {
				b.WriteString(escapeLine(strings.TrimSpace(lines[i])) + "\n")
				i++
				continue
			}
			j := i
			for j < len(lines) && indented(lines[j]) {
				j++
			}
			b.WriteString(".RS 2\n.nf\n")
			for _, l := range strings.Split(dedent(strings.Join(lines[i:j], "\n")), "\n") {
				b.WriteString(escapeLine(l) + "\n")
			}
			b.WriteString(".fi\n.RE\n")
			i = j
		}
	}
}

func indented(l string) bool { return strings.HasPrefix(l, " ") || strings.HasPrefix(l, "\t") }

// dedent removes the indentation common to all non-blank lines.
func dedent(s string) string {
	lines := strings.Split(strings.Trim(s, "\n"), "\n")
	min := -1
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		n := len(l) - len(strings.TrimLeft(l, " "))
		if min < 0 || n < min {
			min = n
		}
	}
	for i, l := range lines {
		if len(l) >= min && min > 0 {
			lines[i] = l[min:]
		}
	}
	return strings.Join(lines, "\n")
}

// escape makes text safe inside a roff line: backslashes print as such and
// hyphens stay ASCII hyphen-minus (so options copy and paste).
func escape(s string) string {
	s = strings.ReplaceAll(s, `\`, `\e`)
	s = strings.ReplaceAll(s, "-", `\-`)
	return s
}

// escapeLine escapes a whole output line, including a leading . or ' and an
// empty line (which roff would turn into a blank line break; keep it).
func escapeLine(l string) string {
	l = escape(l)
	if strings.HasPrefix(l, ".") || strings.HasPrefix(l, "'") { // roff would read a request
		l = `\&` + l
	}
	return l
}

func quoteArg(s string) string {
	return `"` + strings.ReplaceAll(escape(s), `"`, `\(dq`) + `"`
}

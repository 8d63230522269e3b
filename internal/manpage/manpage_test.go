package manpage

import (
	"strings"
	"testing"
)

func TestRenderEscapes(t *testing.T) {
	got := string(Render(Page{
		Name: "tool-sub", Section: "1", Summary: "do a thing",
		Synopsis:    []string{"tool sub [--flag <x>]"},
		Description: "First line\n.starts with a dot and a back\\slash.\n\n  indented -x\n  kept\nafter",
		Options:     []Option{{Names: "-o, --output", Arg: "string", Usage: "format"}},
		Status:      []Status{{"0", "ok"}, {"1", "not ok"}},
		Examples:    "  tool sub --flag 'a'",
		Source:      "tool", Manual: "tool manual",
	}))
	for _, want := range []string{
		"'\\\" t\n.TH \"TOOL\\-SUB\" 1 \"\" \"tool\" \"tool manual\"\n",
		"tool\\-sub \\- do a thing\n",
		"\\fBtool sub [\\-\\-flag <x>]\\fR\n",
		"First line\n\\&.starts with a dot and a back\\eslash.\n",
		".RS 2\n.nf\nindented \\-x\nkept\n.fi\n.RE\nafter\n",
		".TP\n\\fB\\-o\\fR, \\fB\\-\\-output\\fR \\fIstring\\fR\nformat\n",
		".TS\ntab(@);\nl lx.\n0@T{\nok\nT}\n1@T{\nnot ok\nT}\n.TE\n",
		".SH EXAMPLES\n.PP\n.RS 2\n.nf\ntool sub \\-\\-flag 'a'\n.fi\n.RE\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
}

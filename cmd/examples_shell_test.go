package cmd

import (
	"fmt"
	"regexp"
	"strings"
)

// The doc-example harness (examples_test.go) runs shell lines from --help
// and the Markdown pages with a deliberately small shell of its own, in
// process, rather than /bin/sh. This file is its parser. It understands:
//
//	words       plain, '…', "…" (with $VAR, ${VAR}, $?, $(…) and \" \\ \$ \` inside),
//	            backslash escapes, $VAR, ${VAR}, $? and $(…) outside quotes
//	operators   |  &&  ||  ;  and a trailing & (background)
//	redirects   > FILE, >> FILE, < FILE, 2> FILE, 2>&1 (/dev/null allowed)
//	comments    # to the end of the line, at the start of a word
//	assignment  NAME=value and export NAME=value as the whole command
//
// Anything else — <(…), <<, backticks, $((…)), ${x[…]}, subshells, globs —
// is refused with an error, so a line using it must be in the skip list.

// shPart is one piece of a word: literal text, a variable or a command
// substitution. quoted parts are not split on whitespace after expansion.
type shPart struct {
	kind   byte // 'l' literal, 'v' variable, 'c' command substitution
	text   string
	quoted bool
	sub    *shList
}

type shWord []shPart

type shRedir struct {
	op     string // ">", ">>", "<", "2>", "2>&1"
	target shWord
}

type shCmd struct {
	words  []shWord
	redirs []shRedir
}

type shPipeline []shCmd

// shList is pipelines joined by &&, || and ;. ops[i] joins pipes[i] and
// pipes[i+1].
type shList struct {
	pipes      []shPipeline
	ops        []string
	background bool
	comment    string
}

type shParser struct {
	s   string
	pos int
}

func parseShell(line string) (*shList, error) {
	p := &shParser{s: line}
	l, err := p.list(false)
	if err != nil {
		return nil, err
	}
	if p.pos < len(p.s) {
		return nil, fmt.Errorf("unexpected %q", p.s[p.pos:])
	}
	return l, nil
}

func (p *shParser) peek() byte {
	if p.pos < len(p.s) {
		return p.s[p.pos]
	}
	return 0
}

func (p *shParser) skipSpace() {
	for p.pos < len(p.s) && (p.s[p.pos] == ' ' || p.s[p.pos] == '\t') {
		p.pos++
	}
}

// list parses up to the end of input (or a ')' when inner).
func (p *shParser) list(inner bool) (*shList, error) {
	l := &shList{}
	for {
		pl, err := p.pipeline(inner)
		if err != nil {
			return nil, err
		}
		l.pipes = append(l.pipes, pl)
		p.skipSpace()
		rest := p.s[p.pos:]
		switch {
		case strings.HasPrefix(rest, "&&"), strings.HasPrefix(rest, "||"):
			l.ops = append(l.ops, rest[:2])
			p.pos += 2
		case strings.HasPrefix(rest, ";"):
			p.pos++
			p.skipSpace()
			if p.pos == len(p.s) || p.peek() == '#' {
				return l, p.comment(l)
			}
			l.ops = append(l.ops, ";")
		case strings.HasPrefix(rest, "&"):
			p.pos++
			l.background = true
			p.skipSpace()
			return l, p.comment(l)
		case inner && strings.HasPrefix(rest, ")"):
			return l, nil
		default:
			return l, p.comment(l)
		}
	}
}

func (p *shParser) comment(l *shList) error {
	p.skipSpace()
	if p.peek() == '#' {
		l.comment = strings.TrimSpace(p.s[p.pos+1:])
		p.pos = len(p.s)
	}
	return nil
}

func (p *shParser) pipeline(inner bool) (shPipeline, error) {
	var pl shPipeline
	for {
		c, err := p.command(inner)
		if err != nil {
			return nil, err
		}
		if len(c.words) == 0 {
			return nil, fmt.Errorf("empty command at %q", p.s[p.pos:])
		}
		pl = append(pl, c)
		p.skipSpace()
		if p.peek() == '|' && !strings.HasPrefix(p.s[p.pos:], "||") {
			p.pos++
			continue
		}
		return pl, nil
	}
}

func (p *shParser) command(inner bool) (shCmd, error) {
	var c shCmd
	for {
		p.skipSpace()
		rest := p.s[p.pos:]
		if rest == "" || rest[0] == '|' || rest[0] == '&' || rest[0] == ';' || rest[0] == '#' || (inner && rest[0] == ')') {
			return c, nil
		}
		switch {
		case strings.HasPrefix(rest, "<(") || strings.HasPrefix(rest, "<<") || strings.HasPrefix(rest, ">("):
			return c, fmt.Errorf("unsupported construct %q", rest[:2])
		case strings.HasPrefix(rest, "2>&1"):
			c.redirs = append(c.redirs, shRedir{op: "2>&1"})
			p.pos += 4
			continue
		}
		op := ""
		for _, o := range []string{">>", "2>", ">", "<"} {
			if strings.HasPrefix(rest, o) {
				op = o
				break
			}
		}
		if op != "" {
			p.pos += len(op)
			p.skipSpace()
			w, err := p.word(inner)
			if err != nil {
				return c, err
			}
			if len(w) == 0 {
				return c, fmt.Errorf("%s without a file", op)
			}
			c.redirs = append(c.redirs, shRedir{op: op, target: w})
			continue
		}
		w, err := p.word(inner)
		if err != nil {
			return c, err
		}
		c.words = append(c.words, w)
	}
}

var shVarName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*`)

func (p *shParser) word(inner bool) (shWord, error) {
	var w shWord
	lit := func(s string, quoted bool) { w = append(w, shPart{kind: 'l', text: s, quoted: quoted}) }
	for p.pos < len(p.s) {
		ch := p.s[p.pos]
		switch {
		case ch == ' ' || ch == '\t' || ch == '|' || ch == '&' || ch == ';' || ch == '<' || ch == '>' || (inner && ch == ')'):
			return w, nil
		case ch == '(' || ch == ')' || ch == '`' || ch == '*' || ch == '?' || ch == '{' && len(w) == 0:
			return nil, fmt.Errorf("unsupported character %q in %q", ch, p.s)
		case ch == '\'':
			end := strings.IndexByte(p.s[p.pos+1:], '\'')
			if end < 0 {
				return nil, fmt.Errorf("unterminated ' in %q", p.s)
			}
			lit(p.s[p.pos+1:p.pos+1+end], true)
			p.pos += end + 2
		case ch == '"':
			p.pos++
			if err := p.dquoted(&w); err != nil {
				return nil, err
			}
		case ch == '\\':
			if p.pos+1 < len(p.s) {
				lit(p.s[p.pos+1:p.pos+2], true)
			}
			p.pos += 2
		case ch == '$':
			part, err := p.dollar(false)
			if err != nil {
				return nil, err
			}
			w = append(w, part)
		case ch == '~' && len(w) == 0:
			lit("", false)
			w = append(w, shPart{kind: 'v', text: "~"})
			p.pos++
		default:
			start := p.pos
			for p.pos < len(p.s) && !strings.ContainsRune(" \t|&;<>'\"\\$()`*?", rune(p.s[p.pos])) {
				p.pos++
			}
			lit(p.s[start:p.pos], false)
		}
	}
	return w, nil
}

func (p *shParser) dquoted(w *shWord) error {
	var b strings.Builder
	flush := func() {
		if b.Len() > 0 {
			*w = append(*w, shPart{kind: 'l', text: b.String(), quoted: true})
			b.Reset()
		}
	}
	// An empty "" still makes a word.
	*w = append(*w, shPart{kind: 'l', quoted: true})
	for p.pos < len(p.s) {
		ch := p.s[p.pos]
		switch ch {
		case '"':
			p.pos++
			flush()
			return nil
		case '\\':
			if p.pos+1 < len(p.s) && strings.ContainsRune("\"\\$`", rune(p.s[p.pos+1])) {
				b.WriteByte(p.s[p.pos+1])
				p.pos += 2
				continue
			}
			b.WriteByte(ch)
			p.pos++
		case '`':
			return fmt.Errorf("backticks are not supported: %q", p.s)
		case '$':
			flush()
			part, err := p.dollar(true)
			if err != nil {
				return err
			}
			*w = append(*w, part)
		default:
			b.WriteByte(ch)
			p.pos++
		}
	}
	return fmt.Errorf("unterminated \" in %q", p.s)
}

func (p *shParser) dollar(quoted bool) (shPart, error) {
	rest := p.s[p.pos+1:]
	switch {
	case strings.HasPrefix(rest, "(("):
		return shPart{}, fmt.Errorf("arithmetic $((…)) is not supported")
	case strings.HasPrefix(rest, "("):
		p.pos += 2
		l, err := p.list(true)
		if err != nil {
			return shPart{}, err
		}
		if p.peek() != ')' {
			return shPart{}, fmt.Errorf("unterminated $( in %q", p.s)
		}
		p.pos++
		return shPart{kind: 'c', sub: l, quoted: quoted}, nil
	case strings.HasPrefix(rest, "?"):
		p.pos += 2
		return shPart{kind: 'v', text: "?", quoted: quoted}, nil
	case strings.HasPrefix(rest, "{"):
		end := strings.IndexByte(rest, '}')
		name := ""
		if end > 0 {
			name = rest[1:end]
		}
		if !shVarName.MatchString(name) || shVarName.FindString(name) != name {
			return shPart{}, fmt.Errorf("unsupported parameter expansion ${%s}", name)
		}
		p.pos += end + 2
		return shPart{kind: 'v', text: name, quoted: quoted}, nil
	}
	name := shVarName.FindString(rest)
	if name == "" {
		p.pos++
		return shPart{kind: 'l', text: "$", quoted: quoted}, nil
	}
	p.pos += 1 + len(name)
	return shPart{kind: 'v', text: name, quoted: quoted}, nil
}

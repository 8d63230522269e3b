package probe

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Challenge is one authentication challenge of a WWW-Authenticate field
// (RFC 9110 §11.6.1). Scheme keeps its spelling (schemes compare
// case-insensitively); Params keys are lower case.
type Challenge struct {
	Scheme  string
	Token68 string
	Params  map[string]string
}

// Param returns an auth-param value; ok is false when absent.
func (c Challenge) Param(name string) (v string, ok bool) {
	v, ok = c.Params[strings.ToLower(name)]
	return v, ok
}

// ErrSyntax is wrapped by the header parsers' errors.
var ErrSyntax = errors.New("invalid header syntax")

func isTchar(c byte) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

func isToken68(c byte) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	}
	return strings.IndexByte("-._~+/", c) >= 0
}

type scanner struct {
	s string
	i int
}

func (p *scanner) ows() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\t') {
		p.i++
	}
}

func (p *scanner) token() string {
	start := p.i
	for p.i < len(p.s) && isTchar(p.s[p.i]) {
		p.i++
	}
	return p.s[start:p.i]
}

// quoted reads a quoted-string starting at '"'.
func (p *scanner) quoted() (string, error) {
	p.i++ // opening quote
	var b strings.Builder
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch c {
		case '"':
			p.i++
			return b.String(), nil
		case '\\':
			if p.i+1 >= len(p.s) {
				return "", fmt.Errorf("%w: unterminated escape", ErrSyntax)
			}
			b.WriteByte(p.s[p.i+1])
			p.i += 2
		default:
			b.WriteByte(c)
			p.i++
		}
	}
	return "", fmt.Errorf("%w: unterminated quoted string", ErrSyntax)
}

// paramAhead reports whether an auth-param (token OWS "=" OWS value)
// starts at the current position, without consuming anything.
func (p *scanner) paramAhead() bool {
	q := scanner{p.s, p.i}
	q.ows()
	if q.token() == "" {
		return false
	}
	q.ows()
	if q.i >= len(q.s) || q.s[q.i] != '=' {
		return false
	}
	q.i++
	q.ows()
	return q.i < len(q.s) && (q.s[q.i] == '"' || isTchar(q.s[q.i]) && q.s[q.i] != '=')
}

// ParseChallenge parses a WWW-Authenticate field value into its challenges:
// `Bearer realm="api", error="invalid_token"`, `Basic realm="x", Bearer`,
// `Negotiate abc==`. It is strict enough to reject garbage and never panics.
func ParseChallenge(s string) ([]Challenge, error) {
	p := &scanner{s: s}
	var out []Challenge
	for {
		for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\t' || p.s[p.i] == ',') {
			p.i++
		}
		if p.i >= len(p.s) {
			break
		}
		scheme := p.token()
		if scheme == "" {
			return out, fmt.Errorf("%w: unexpected %q at offset %d", ErrSyntax, p.s[p.i], p.i)
		}
		c := Challenge{Scheme: scheme, Params: map[string]string{}}
		p.ows()
		if p.i < len(p.s) && p.s[p.i] != ',' && !p.paramAhead() {
			// token68
			start := p.i
			for p.i < len(p.s) && isToken68(p.s[p.i]) {
				p.i++
			}
			for p.i < len(p.s) && p.s[p.i] == '=' {
				p.i++
			}
			if p.i == start {
				return out, fmt.Errorf("%w: unexpected %q at offset %d", ErrSyntax, p.s[p.i], p.i)
			}
			c.Token68 = p.s[start:p.i]
			p.ows()
			if p.i < len(p.s) && p.s[p.i] != ',' {
				return out, fmt.Errorf("%w: unexpected %q after token68 at offset %d", ErrSyntax, p.s[p.i], p.i)
			}
		}
		for c.Token68 == "" && p.paramAhead() {
			p.ows()
			name := strings.ToLower(p.token())
			p.ows()
			p.i++ // '='
			p.ows()
			var v string
			if p.s[p.i] == '"' {
				var err error
				if v, err = p.quoted(); err != nil {
					return out, err
				}
			} else {
				v = p.token()
			}
			if _, dup := c.Params[name]; dup {
				return out, fmt.Errorf("%w: auth-param %q repeated", ErrSyntax, name)
			}
			c.Params[name] = v
			p.ows()
			if p.i < len(p.s) && p.s[p.i] != ',' {
				return out, fmt.Errorf("%w: unexpected %q at offset %d", ErrSyntax, p.s[p.i], p.i)
			}
			if p.i < len(p.s) {
				p.i++ // ','; a following token without "=" starts the next challenge
			}
		}
		out = append(out, c)
	}
	return out, nil
}

// HSTS is a parsed Strict-Transport-Security value (RFC 6797 §6.1).
type HSTS struct {
	MaxAge            int64
	IncludeSubDomains bool
	Preload           bool
}

// ParseHSTS parses one Strict-Transport-Security field value. max-age is
// required and must be digits (optionally quoted); a directive may appear
// once; unknown directives are ignored (RFC 6797 §6.1). A comma means
// several fields were folded together, which user agents treat as invalid.
func ParseHSTS(v string) (HSTS, error) {
	var h HSTS
	if strings.Contains(v, ",") {
		return h, fmt.Errorf("%w: several Strict-Transport-Security values folded into one (comma)", ErrSyntax)
	}
	seen := map[string]bool{}
	haveMaxAge := false
	for d := range strings.SplitSeq(v, ";") {
		d = strings.Trim(d, " \t")
		if d == "" {
			continue
		}
		name, val, hasVal := strings.Cut(d, "=")
		name = strings.ToLower(strings.Trim(name, " \t"))
		val = strings.Trim(val, " \t")
		if name == "" {
			return h, fmt.Errorf("%w: empty directive name", ErrSyntax)
		}
		for i := 0; i < len(name); i++ {
			if !isTchar(name[i]) {
				return h, fmt.Errorf("%w: invalid directive name %q", ErrSyntax, name)
			}
		}
		if seen[name] {
			return h, fmt.Errorf("%w: directive %q repeated", ErrSyntax, name)
		}
		seen[name] = true
		if len(val) >= 2 && val[0] == '"' && val[len(val)-1] == '"' {
			val = val[1 : len(val)-1]
		}
		switch name {
		case "max-age":
			if !hasVal || val == "" {
				return h, fmt.Errorf("%w: max-age without a value", ErrSyntax)
			}
			for i := 0; i < len(val); i++ {
				if val[i] < '0' || val[i] > '9' {
					return h, fmt.Errorf("%w: max-age %q is not a number of seconds", ErrSyntax, val)
				}
			}
			n, err := strconv.ParseInt(val, 10, 64)
			if err != nil {
				return h, fmt.Errorf("%w: max-age %q out of range", ErrSyntax, val)
			}
			h.MaxAge, haveMaxAge = n, true
		case "includesubdomains":
			if hasVal {
				return h, fmt.Errorf("%w: includeSubDomains takes no value", ErrSyntax)
			}
			h.IncludeSubDomains = true
		case "preload":
			h.Preload = true
		}
	}
	if !haveMaxAge {
		return h, fmt.Errorf("%w: max-age is missing", ErrSyntax)
	}
	return h, nil
}

package probe_test

import (
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/jwtkit/jwtkit/pkg/probe"
)

func TestParseChallenge(t *testing.T) {
	tests := []struct {
		in   string
		want string // scheme[params]; ...
		err  bool
	}{
		{`Bearer`, `Bearer[]`, false},
		{`Bearer realm="api"`, `Bearer[realm=api]`, false},
		{`bearer realm="api", error="invalid_token", error_description="The token \"x\" expired"`, `bearer[error=invalid_token error_description=The token "x" expired realm=api]`, false},
		{`Basic realm="x", Bearer realm=y`, `Basic[realm=x]; Bearer[realm=y]`, false},
		{`Negotiate abc==, Bearer`, `Negotiate[~abc==]; Bearer[]`, false},
		{`Bearer realm = "a" ,scope="read write"`, `Bearer[realm=a scope=read write]`, false},
		{`Bearer realm="a", realm="b"`, ``, true},
		{`Bearer realm="unterminated`, ``, true},
		{`"quoted"`, ``, true},
		{`Bearer realm="a" junk`, ``, true},
		{``, ``, false},
	}
	for _, tt := range tests {
		cs, err := probe.ParseChallenge(tt.in)
		if (err != nil) != tt.err {
			t.Errorf("ParseChallenge(%q) err = %v", tt.in, err)
			continue
		}
		if err != nil {
			if !errors.Is(err, probe.ErrSyntax) {
				t.Errorf("ParseChallenge(%q) err = %v, want ErrSyntax", tt.in, err)
			}
			continue
		}
		var parts []string
		for _, c := range cs {
			var ps []string
			if c.Token68 != "" {
				ps = append(ps, "~"+c.Token68)
			}
			for _, k := range sortedKeys(c.Params) {
				ps = append(ps, k+"="+c.Params[k])
			}
			parts = append(parts, c.Scheme+"["+strings.Join(ps, " ")+"]")
		}
		if got := strings.Join(parts, "; "); got != tt.want {
			t.Errorf("ParseChallenge(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func sortedKeys(m map[string]string) []string { return slices.Sorted(maps.Keys(m)) }

func TestParseHSTS(t *testing.T) {
	tests := []struct {
		in   string
		want probe.HSTS
		err  bool
	}{
		{"max-age=31536000; includeSubDomains; preload", probe.HSTS{MaxAge: 31536000, IncludeSubDomains: true, Preload: true}, false},
		{`MAX-AGE="600"`, probe.HSTS{MaxAge: 600}, false},
		{"max-age=0", probe.HSTS{}, false},
		{"max-age=1; unknown=x", probe.HSTS{MaxAge: 1}, false},
		{"includeSubDomains", probe.HSTS{}, true},
		{"max-age=-1", probe.HSTS{}, true},
		{"max-age=1e9", probe.HSTS{}, true},
		{"max-age=99999999999999999999999", probe.HSTS{}, true},
		{"max-age=1; max-age=2", probe.HSTS{}, true},
		{"max-age=1, max-age=2", probe.HSTS{}, true},
		{"max-age=1; includeSubDomains=yes", probe.HSTS{}, true},
		{"", probe.HSTS{}, true},
	}
	for _, tt := range tests {
		got, err := probe.ParseHSTS(tt.in)
		if (err != nil) != tt.err || err == nil && got != tt.want {
			t.Errorf("ParseHSTS(%q) = %+v, %v", tt.in, got, err)
		}
	}
}

func FuzzParseChallenge(f *testing.F) {
	for _, s := range []string{`Bearer`, `Bearer realm="api", error="invalid_token"`, `Basic realm="x", Bearer realm=y`, `Negotiate abc==`, `Bearer realm="a\"b"`, `,,, Bearer ,`, `Bearer realm="`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		cs, err := probe.ParseChallenge(s)
		if err != nil && !errors.Is(err, probe.ErrSyntax) {
			t.Fatalf("error %v does not wrap ErrSyntax", err)
		}
		if err == nil {
			for _, c := range cs {
				if c.Scheme == "" {
					t.Fatalf("empty scheme from %q", s)
				}
			}
		}
	})
}

func FuzzParseHSTS(f *testing.F) {
	for _, s := range []string{"max-age=31536000; includeSubDomains", `max-age="0"`, "max-age=1; preload; x=y", ";;", "max-age=1, max-age=2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		h, err := probe.ParseHSTS(s)
		if err != nil {
			if !errors.Is(err, probe.ErrSyntax) {
				t.Fatalf("error %v does not wrap ErrSyntax", err)
			}
			return
		}
		if h.MaxAge < 0 || strings.Contains(s, ",") {
			t.Fatalf("ParseHSTS(%q) = %+v", s, h)
		}
	})
}

package flagsyntax_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/jwtkit/jwtkit/internal/flagsyntax"
	"github.com/jwtkit/jwtkit/pkg/token"
)

func TestParseDuration(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"15m", 15 * time.Minute},
		{"1h30m", 90 * time.Minute},
		{"7d", 7 * 24 * time.Hour},
		{"2w", 14 * 24 * time.Hour},
		{"-1h", -time.Hour},
		{"+30m", 30 * time.Minute},
		{"1.5h", 90 * time.Minute},
		{"1d12h", 36 * time.Hour},
		{"500ms", 500 * time.Millisecond},
		{"10us", 10 * time.Microsecond},
		{"10µs", 10 * time.Microsecond},
		{"3ns", 3},
		{"0", 0},
		{"-0", 0},
		{"45s", 45 * time.Second},
		{" 5m ", 5 * time.Minute},
	}
	for _, tt := range tests {
		got, err := flagsyntax.ParseDuration(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{"", "m", "15", "1x", "h1", "--1h", "+-1h", "1h-30m", "1e3s", "9999999999999999999h", "100000000w", ".h", "1..5h", "1 h"} {
		if _, err := flagsyntax.ParseDuration(bad); !errors.Is(err, flagsyntax.ErrDuration) {
			t.Errorf("ParseDuration(%q) error = %v, want an error", bad, err)
		} else if !strings.Contains(err.Error(), "15m") {
			t.Errorf("ParseDuration(%q) error %q does not list the accepted forms", bad, err)
		}
	}
}

func TestParseTime(t *testing.T) {
	now := time.Date(2026, 1, 2, 15, 4, 5, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Time
	}{
		{"15m", now.Add(15 * time.Minute)},
		{"-1h", now.Add(-time.Hour)},
		{"+2w", now.Add(14 * 24 * time.Hour)},
		{"7d", now.Add(7 * 24 * time.Hour)},
		{"2026-03-04T05:06:07Z", time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)},
		{"2026-03-04T05:06:07.123Z", time.Date(2026, 3, 4, 5, 6, 7, 123000000, time.UTC)},
		{"2026-03-04T07:06:07+02:00", time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)},
		{"1767366245", time.Unix(1767366245, 0)},
		{"1767366245.5", time.Unix(1767366245, 500000000)},
		{"1000000000", time.Unix(1e9, 0)},
		{"0s", now},
	}
	for _, tt := range tests {
		got, err := flagsyntax.ParseTime(tt.in, now)
		if err != nil || !got.Equal(tt.want) {
			t.Errorf("ParseTime(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{"", "  ", "tomorrow", "2026-13-01T00:00:00Z", "2026-01-01", "2026-01-01 00:00:00", "1e9", "99999999999999999999", "1.", "15x", "0", "3600", "-86400", "999999999"} {
		_, err := flagsyntax.ParseTime(bad, now)
		if !errors.Is(err, flagsyntax.ErrTime) {
			t.Errorf("ParseTime(%q) error = %v, want an error", bad, err)
		}
	}
	if _, err := flagsyntax.ParseTime("3600", now); err == nil || !strings.Contains(err.Error(), `"3600" is a unix time in 1970; for 1h from now say 1h`) {
		t.Errorf("ParseTime(3600) error = %v, want the 1970 hint", err)
	}
	if _, err := flagsyntax.ParseDuration("30"); err == nil || !strings.Contains(err.Error(), "did you mean 30s?") {
		t.Errorf("ParseDuration(30) error = %v, want the did-you-mean hint", err)
	}
	for in, hint := range map[string]string{"1.5": "did you mean 1.5s?", "-0.5": "did you mean -0.5s?"} {
		if _, err := flagsyntax.ParseDuration(in); err == nil || !strings.Contains(err.Error(), hint) {
			t.Errorf("ParseDuration(%s) error = %v, want %q", in, err, hint)
		}
	}
	for _, in := range []string{"1.", ".5", "1.2.3"} {
		if _, err := flagsyntax.ParseDuration(in); err == nil || strings.Contains(err.Error(), "did you mean") {
			t.Errorf("ParseDuration(%s) error = %v, want no did-you-mean", in, err)
		}
	}
	_, err := flagsyntax.ParseTime("soon", now)
	for _, form := range []string{"15m", "RFC 3339", "unix seconds"} {
		if !strings.Contains(err.Error(), form) {
			t.Errorf("error %q does not mention %q", err, form)
		}
	}
}

func TestParseValue(t *testing.T) {
	tests := []struct {
		in   string
		want any
	}{
		{"42", json.Number("42")},
		{"-1.5e3", json.Number("-1.5e3")},
		{"true", true},
		{"false", false},
		{"null", nil},
		{`"quoted"`, "quoted"},
		{`[1,"a"]`, []any{json.Number("1"), "a"}},
		{`{"a":{"b":1}}`, map[string]any{"a": map[string]any{"b": json.Number("1")}}},
		{"hello", "hello"},
		{"", ""},
		{"007", "007"},
		{"1.2.3", "1.2.3"},
		{"True", "True"},
		{"[1,", "[1,"},
		{"a=b", "a=b"},
	}
	for _, bad := range []string{`{"a":1,"a":2}`, `"\ud800"`, strings.Repeat("[", 40) + strings.Repeat("]", 40)} {
		if _, err := flagsyntax.ParseValue(bad); err == nil {
			t.Errorf("ParseValue(%q): want an error for JSON that breaks a strict rule", bad)
		}
	}
	for _, tt := range tests {
		if got, err := flagsyntax.ParseValue(tt.in); err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("ParseValue(%q) = %#v, want %#v", tt.in, got, tt.want)
		}
	}
}

func TestParseAssignment(t *testing.T) {
	tests := []struct {
		in    string
		key   string
		value any
		err   bool
	}{
		{in: "a=b", key: "a", value: "b"},
		{in: "a=", key: "a", value: ""},
		{in: "a=b=c", key: "a", value: "b=c"},
		{in: "n=3", key: "n", value: json.Number("3")},
		{in: "realm_access.roles=[\"x\"]", key: "realm_access.roles", value: []any{"x"}},
		{in: "=b", err: true},
		{in: "  =b", err: true},
		{in: "novalue", err: true},
		{in: "", err: true},
	}
	for _, tt := range tests {
		k, v, err := flagsyntax.ParseAssignment(tt.in)
		if tt.err {
			if !errors.Is(err, flagsyntax.ErrAssignment) {
				t.Errorf("ParseAssignment(%q) error = %v, want ErrAssignment", tt.in, err)
			}
			continue
		}
		if err != nil || k != tt.key || !reflect.DeepEqual(v, tt.value) {
			t.Errorf("ParseAssignment(%q) = %q, %#v, %v", tt.in, k, v, err)
		}
	}
}

func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"15m", "1h30m", "7d", "-1h", "+2w", "2026-01-02T15:04:05Z", "2026-01-02T15:04:05.999999999+01:00", "1767366245", "1767366245.5", "0", "-0", "1.", "9999999999999999999d"} {
		f.Add(s)
	}
	now := time.Date(2026, 1, 2, 15, 4, 5, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		_, _ = flagsyntax.ParseTime(s, now)
	})
}

func FuzzParseDuration(f *testing.F) {
	for _, s := range []string{"15m", "1h30m", "7d", "2w", "-1h", "+30m", "1.5h", "0", "9223372036854775807ns", "2562047h", "106751d", "1µs"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := flagsyntax.ParseDuration(s)
		if err != nil || strings.ContainsAny(s, ".dw+ \t\n\r\v\f") {
			return
		}
		// Without fractions and the extra units it agrees with the standard library.
		if want, werr := time.ParseDuration(s); werr == nil && want != got {
			t.Fatalf("ParseDuration(%q) = %v, time.ParseDuration %v", s, got, want)
		}
	})
}

func FuzzParseAssignment(f *testing.F) {
	for _, s := range []string{"a=b", "a=", "=b", "a.b.c=[1,{\"x\":2}]", "n=1e400", "a..b=1", "x=\"unterminated", "k=" + strings.Repeat("[", 40), "k={\"a\":1,\"a\":2}"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k, v, err := flagsyntax.ParseAssignment(s)
		if err != nil {
			return
		}
		if k == "" {
			t.Fatal("empty key accepted")
		}
		m := map[string]any{"a": "x"}
		if token.SetClaim(m, k, v) == nil {
			if got, ok, _ := token.LookupClaim(m, k); !ok || !reflect.DeepEqual(got, v) {
				t.Fatalf("LookupClaim(%q) = %#v, %v after SetClaim %#v", k, got, ok, v)
			}
		}
		if _, err := json.Marshal(v); err != nil {
			t.Fatalf("value %#v does not encode: %v", v, err)
		}
	})
}

package token_test

import (
	"errors"
	"strings"
	"testing"
	"time"

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
		got, err := token.ParseDuration(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{"", "m", "15", "1x", "h1", "--1h", "+-1h", "1h-30m", "1e3s", "9999999999999999999h", "100000000w", ".h", "1..5h", "1 h"} {
		if _, err := token.ParseDuration(bad); !errors.Is(err, token.ErrBadTime) {
			t.Errorf("ParseDuration(%q) error = %v, want ErrBadTime", bad, err)
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
		{"0", time.Unix(0, 0)},
		{"-86400", time.Unix(-86400, 0)},
	}
	for _, tt := range tests {
		got, err := token.ParseTime(tt.in, now)
		if err != nil || !got.Equal(tt.want) {
			t.Errorf("ParseTime(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{"", "  ", "tomorrow", "2026-13-01T00:00:00Z", "2026-01-01", "2026-01-01 00:00:00", "1e9", "99999999999999999999", "1.", "15x"} {
		_, err := token.ParseTime(bad, now)
		if !errors.Is(err, token.ErrBadTime) {
			t.Errorf("ParseTime(%q) error = %v, want ErrBadTime", bad, err)
		}
	}
	_, err := token.ParseTime("soon", now)
	for _, form := range []string{"15m", "RFC 3339", "unix seconds"} {
		if !strings.Contains(err.Error(), form) {
			t.Errorf("error %q does not mention %q", err, form)
		}
	}
}

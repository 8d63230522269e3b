package human_test

import (
	"testing"
	"time"

	"github.com/jwtkit/jwtkit/internal/human"
)

func TestDuration(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{
		{0, "0s"}, {45 * time.Second, "45s"}, {-45 * time.Second, "45s"},
		{14*time.Minute + 59*time.Second, "14m"}, {3*time.Hour + 5*time.Minute, "3h5m"},
		{3 * time.Hour, "3h"}, {49 * time.Hour, "2d1h"}, {48 * time.Hour, "2d"},
		{29*24*time.Hour + 23*time.Hour, "29d23h"}, {45*24*time.Hour + 5*time.Hour, "45d"},
	} {
		if got := human.Duration(tc.d); got != tc.want {
			t.Errorf("Duration(%v) = %q, want %q", tc.d, got, tc.want)
		}
	}
}

func TestRelative(t *testing.T) {
	t.Parallel()
	now := time.Unix(1_700_000_000, 0)
	for _, tc := range []struct {
		claim string
		d     time.Duration
		want  string
	}{
		{"exp", 49 * time.Hour, "expires in 2d1h"}, {"exp", -3 * time.Hour, "expired 3h ago"},
		{"exp", 0, "expires now"}, {"nbf", time.Hour, "not valid for another 1h"},
		{"nbf", -time.Minute, "valid since 1m ago"}, {"iat", 2 * time.Minute, "issued 2m in the future"},
		{"iat", -time.Hour, "issued 1h ago"}, {"auth_time", -time.Hour, "1h ago"},
	} {
		if got := human.Relative(tc.claim, now.Add(tc.d), now); got != tc.want {
			t.Errorf("Relative(%s, %v) = %q, want %q", tc.claim, tc.d, got, tc.want)
		}
	}
}

func TestExact(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0: "0s", 30 * time.Second: "30s", 90 * time.Second: "90s", 5 * time.Minute: "5m", time.Hour: "1h",
		24 * time.Hour: "1d", 14 * 24 * time.Hour: "2w", -90 * time.Second: "-90s",
	} {
		if got := human.Exact(d); got != want {
			t.Errorf("Exact(%v) = %q, want %q", d, got, want)
		}
	}
}

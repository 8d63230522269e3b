// Package human renders durations the one way jwtkit shows them to people,
// in verdicts, decode's date notes and probe evidence: "45s", "14m",
// "3h5m", "2d4h", "45d".
package human

import (
	"strconv"
	"time"
)

// Duration renders |d| compactly: seconds under a minute, minutes under an
// hour, hours and minutes under two days, days and hours under 30 days,
// then days.
func Duration(d time.Duration) string {
	var arr [24]byte
	return string(AppendDuration(arr[:0], d))
}

// AppendDuration appends Duration(d) to b.
func AppendDuration(b []byte, d time.Duration) []byte {
	if d < 0 {
		d = -d
	}
	switch {
	case d < time.Minute:
		return append(strconv.AppendInt(b, int64(d/time.Second), 10), 's')
	case d < time.Hour:
		return append(strconv.AppendInt(b, int64(d/time.Minute), 10), 'm')
	case d < 48*time.Hour:
		return pair(b, int64(d/time.Hour), 'h', int64(d%time.Hour/time.Minute), 'm')
	}
	days, hours := int64(d/(24*time.Hour)), int64(d%(24*time.Hour)/time.Hour)
	if days >= 30 {
		hours = 0
	}
	return pair(b, days, 'd', hours, 'h')
}

func pair(b []byte, n int64, unit byte, m int64, sub byte) []byte {
	b = append(strconv.AppendInt(b, n, 10), unit)
	if m == 0 {
		return b
	}
	return append(strconv.AppendInt(b, m, 10), sub)
}

// Relative says how a NumericDate claim relates to now in words read at a
// glance: "expires in 14m", "expired 3h ago", "valid since 2d ago".
func Relative(claim string, t, now time.Time) string {
	d := t.Sub(now)
	if d > -time.Second && d < time.Second {
		switch claim {
		case "exp":
			return "expires now"
		case "nbf":
			return "valid from now"
		case "iat":
			return "issued just now"
		}
		return "now"
	}
	h := Duration(d)
	future := d > 0
	switch claim {
	case "exp":
		if future {
			return "expires in " + h
		}
		return "expired " + h + " ago"
	case "nbf":
		if future {
			return "not valid for another " + h
		}
		return "valid since " + h + " ago"
	case "iat":
		if future {
			return "issued " + h + " in the future"
		}
		return "issued " + h + " ago"
	}
	if future {
		return "in " + h
	}
	return h + " ago"
}

// Exact renders d in the largest unit that divides it exactly, the form
// flags accept and ids use: "30s", "5m", "1h", "1d", "2w", "-90s", "0s".
func Exact(d time.Duration) string {
	if d == 0 {
		return "0s"
	}
	sign := ""
	if d < 0 {
		sign, d = "-", -d
	}
	for _, u := range []struct {
		unit string
		d    time.Duration
	}{{"w", 7 * 24 * time.Hour}, {"d", 24 * time.Hour}, {"h", time.Hour}, {"m", time.Minute}} {
		if d%u.d == 0 {
			return sign + strconv.FormatInt(int64(d/u.d), 10) + u.unit
		}
	}
	return sign + strconv.FormatInt(int64(d/time.Second), 10) + "s"
}

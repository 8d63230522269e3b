package cmd

import (
	"fmt"
	"time"
)

// humanDuration renders a non-negative duration compactly: 45s, 14m, 3h5m, 2d4h.
func humanDuration(d time.Duration) string {
	if d < 0 {
		d = -d
	}
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 48*time.Hour:
		h := int(d.Hours())
		if m := int(d.Minutes()) % 60; m != 0 {
			return fmt.Sprintf("%dh%dm", h, m)
		}
		return fmt.Sprintf("%dh", h)
	default:
		days := int(d.Hours()) / 24
		if h := int(d.Hours()) % 24; h != 0 && days < 30 {
			return fmt.Sprintf("%dd%dh", days, h)
		}
		return fmt.Sprintf("%dd", days)
	}
}

// relativePhrase says how a NumericDate claim relates to now, in words a
// person reads at a glance: "expires in 14m", "expired 3h ago".
func relativePhrase(claim string, t, now time.Time) string {
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
	future := d > 0
	h := humanDuration(d)
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

package token

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// NumericDate bounds: values outside clamp to these (0001-01-01T00:00:00Z and
// 9999-12-31T23:59:59Z), so no arithmetic on them can overflow.
const (
	minUnix = -62135596800
	maxUnix = 253402300799
)

// NumericDate reads claim name as a time. ok is false when absent. A present
// claim that is not a JSON number is an error wrapping ErrNumericDate.
// Fractions are kept; values beyond year 9999 clamp to that limit (and
// values before year 1 to that one).
func (t *Token) NumericDate(name string) (tm time.Time, ok bool, err error) {
	v, present := t.Claims[name]
	if !present {
		return time.Time{}, false, nil
	}
	tm, err = numericDate(v)
	if err != nil {
		return time.Time{}, true, fmt.Errorf("claim %q: %w", name, err)
	}
	return tm, true, nil
}

// numericDate converts a decoded claim value to a UTC time.
func numericDate(v any) (time.Time, error) {
	switch n := v.(type) {
	case json.Number:
		if sec, ok := smallUnix(string(n)); ok {
			return time.Unix(sec, 0).UTC(), nil
		}
		tm, _, err := parseUnix(string(n))
		return tm, err
	case float64:
		return unixFloat(n)
	case int64:
		return unixClamp(n, 0), nil
	case int:
		return unixClamp(int64(n), 0), nil
	default:
		return time.Time{}, fmt.Errorf("%w: %s, want a JSON number of seconds", ErrNumericDate, jsonKind(v))
	}
}

// smallUnix reads the common NumericDate, digits only with no sign, fraction
// or exponent, within the clamping range: parseUnix's result for it without
// its checks.
func smallUnix(s string) (int64, bool) {
	if len(s) == 0 || len(s) > 12 {
		return 0, false
	}
	var n int64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, n <= maxUnix
}

// parseUnix reads decimal seconds since the epoch ("1300819380",
// "-1.5", "1e300"). clamped reports a value outside years 1..9999.
func parseUnix(s string) (tm time.Time, clamped bool, err error) {
	bad := func() (time.Time, bool, error) {
		return time.Time{}, false, fmt.Errorf("%w: %s is not a number", ErrNumericDate, quoteShort(s))
	}
	if s == "" {
		return bad()
	}
	if strings.ContainsAny(s, "eE") {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil && !isRangeErr(err) {
			return bad()
		}
		tm, err := unixFloat(f)
		return tm, err == nil && (f < minUnix || f > maxUnix), err
	}
	neg := false
	body := s
	if body[0] == '-' || body[0] == '+' {
		neg = body[0] == '-'
		body = body[1:]
	}
	intPart, frac, hasDot := strings.Cut(body, ".")
	if intPart == "" || !allDigits(intPart) || (hasDot && (frac == "" || !allDigits(frac))) {
		return bad()
	}
	intPart = strings.TrimLeft(intPart, "0")
	if len(intPart) > 12 { // more than 999,999,999,999 s: far beyond year 9999
		if neg {
			return time.Unix(minUnix, 0).UTC(), true, nil
		}
		return time.Unix(maxUnix, 0).UTC(), true, nil
	}
	var sec int64
	if intPart != "" {
		sec, _ = strconv.ParseInt(intPart, 10, 64) // ≤ 12 digits: cannot fail
	}
	var nsec int64
	for i := 0; i < 9; i++ {
		nsec *= 10
		if i < len(frac) {
			nsec += int64(frac[i] - '0')
		}
	}
	if neg {
		sec, nsec = -sec, -nsec
	}
	clamped = sec < minUnix || sec > maxUnix || (sec == maxUnix && nsec > 0)
	return unixClamp(sec, nsec), clamped, nil
}

func unixFloat(f float64) (time.Time, error) {
	if math.IsNaN(f) {
		return time.Time{}, fmt.Errorf("%w: NaN", ErrNumericDate)
	}
	if f <= minUnix {
		return time.Unix(minUnix, 0).UTC(), nil
	}
	if f >= maxUnix {
		return time.Unix(maxUnix, 0).UTC(), nil
	}
	sec := math.Floor(f)
	nsec := math.Round((f - sec) * 1e9)
	return unixClamp(int64(sec), int64(nsec)), nil
}

func unixClamp(sec, nsec int64) time.Time {
	if sec < minUnix {
		return time.Unix(minUnix, 0).UTC()
	}
	if sec > maxUnix || (sec == maxUnix && nsec > 0) {
		return time.Unix(maxUnix, 0).UTC()
	}
	tm := time.Unix(sec, nsec).UTC()
	if tm.Unix() < minUnix {
		return time.Unix(minUnix, 0).UTC()
	}
	return tm
}

func isRangeErr(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

const timeForms = "a duration from now (15m, 1h30m, 7d, -1h), an RFC 3339 time (2026-01-02T15:04:05Z) or unix seconds (1767366245)"

// ParseTime reads a time flag: a duration from now ("15m", "1h30m", "7d",
// "-1h", "+2w"), an RFC 3339 time (fractional seconds allowed), or unix
// seconds (an integer, optionally with a fraction). A bare number is always
// unix seconds, so "0" is the epoch, not now.
func ParseTime(s string, now time.Time) (time.Time, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return time.Time{}, fmt.Errorf("%w: empty; want %s", ErrBadTime, timeForms)
	}
	if isUnixSeconds(t) {
		tm, clamped, err := parseUnix(t)
		if err != nil || clamped {
			return time.Time{}, fmt.Errorf("%w %s: unix seconds out of range (years 1 to 9999)", ErrBadTime, quoteShort(s))
		}
		return tm, nil
	}
	if len(t) >= 10 && allDigits(t[:4]) && t[4] == '-' {
		tm, err := time.Parse(time.RFC3339Nano, t)
		if err != nil {
			return time.Time{}, fmt.Errorf("%w %s: not a valid RFC 3339 time; want %s", ErrBadTime, quoteShort(s), timeForms)
		}
		return tm, nil
	}
	d, err := ParseDuration(t)
	if err != nil {
		return time.Time{}, fmt.Errorf("%w %s: want %s", ErrBadTime, quoteShort(s), timeForms)
	}
	return now.Add(d), nil
}

// isUnixSeconds matches -?[0-9]+(\.[0-9]+)?
func isUnixSeconds(s string) bool {
	if s[0] == '-' {
		s = s[1:]
	}
	i, f, dot := strings.Cut(s, ".")
	return i != "" && allDigits(i) && (!dot || (f != "" && allDigits(f)))
}

// ParseDuration is time.ParseDuration plus "d" (24h) and "w" (7d) units and
// an optional leading "+". Components may carry fractions ("1.5h").
func ParseDuration(s string) (time.Duration, error) {
	d, ok := parseDuration(strings.TrimSpace(s))
	if !ok {
		return 0, fmt.Errorf("%w: invalid duration %s: want a number and a unit such as 15m, 1h30m, 7d, 2w or -1h (units ns, us, ms, s, m, h, d, w)", ErrBadTime, quoteShort(s))
	}
	return d, nil
}

func parseDuration(s string) (time.Duration, bool) {
	neg := false
	if s != "" && (s[0] == '-' || s[0] == '+') {
		neg = s[0] == '-'
		s = s[1:]
	}
	if s == "0" {
		return 0, true
	}
	if s == "" {
		return 0, false
	}
	var total int64
	for s != "" {
		i := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		whole := s[:i]
		frac := ""
		if i < len(s) && s[i] == '.' {
			j := i + 1
			for j < len(s) && s[j] >= '0' && s[j] <= '9' {
				j++
			}
			frac = s[i+1 : j]
			i = j
		}
		if whole == "" && frac == "" {
			return 0, false
		}
		s = s[i:]
		unit, n := durationUnit(s)
		if n == 0 {
			return 0, false
		}
		s = s[n:]
		var w int64
		if whole != "" {
			var err error
			if w, err = strconv.ParseInt(whole, 10, 64); err != nil {
				return 0, false
			}
		}
		if w > math.MaxInt64/unit {
			return 0, false
		}
		v := w * unit
		if frac != "" {
			f, err := strconv.ParseFloat("0."+frac, 64)
			if err != nil {
				return 0, false
			}
			v += int64(f * float64(unit))
		}
		if v < 0 || total > math.MaxInt64-v {
			return 0, false
		}
		total += v
	}
	if neg {
		total = -total
	}
	return time.Duration(total), true
}

func durationUnit(s string) (unit int64, n int) {
	for _, u := range [...]struct {
		name string
		d    time.Duration
	}{
		{"ns", time.Nanosecond}, {"us", time.Microsecond}, {"µs", time.Microsecond},
		{"μs", time.Microsecond}, {"ms", time.Millisecond}, {"s", time.Second},
		{"m", time.Minute}, {"h", time.Hour}, {"d", 24 * time.Hour}, {"w", 7 * 24 * time.Hour},
	} {
		if strings.HasPrefix(s, u.name) {
			return int64(u.d), len(u.name)
		}
	}
	return 0, 0
}

// Package flagsyntax reads the values jwtkit's flags take, the same way in
// every command: durations ("30s", "15m", "1h30m", "7d", "2w"), times (a
// duration from now, RFC 3339, or unix seconds) and name=value assignments
// whose value is JSON when it parses as JSON. pkg/token never imports it:
// flag syntax is the command line's business, not the JWT core's.
package flagsyntax

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/jwtkit/jwtkit/internal/human"
	"github.com/jwtkit/jwtkit/internal/safetext"
	"github.com/jwtkit/jwtkit/internal/strictjson"
	"github.com/jwtkit/jwtkit/pkg/token"
)

// Errors, usable with errors.Is.
var (
	ErrTime       = errors.New("invalid time")
	ErrDuration   = errors.New("invalid duration")
	ErrAssignment = errors.New("invalid name=value")
)

// MaxValueDepth bounds the nesting of a JSON value given in a flag; it is
// the depth the token parser accepts, so a flag cannot build a claim set
// that jwtkit itself would refuse to read.
const MaxValueDepth = token.MaxJSONDepth

// Unix seconds of 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z.
const (
	minUnix = -62135596800
	maxUnix = 253402300799
)

const timeForms = "a duration from now (15m, 1h30m, 7d, -1h), an RFC 3339 time (2026-01-02T15:04:05Z) or unix seconds (1767366245)"

// ParseTime reads a time flag: a duration from now ("15m", "1h30m", "7d",
// "-1h", "+2w"), an RFC 3339 time (fractional seconds allowed), or unix
// seconds (an integer, optionally with a fraction). A bare number is always
// unix seconds, so "0" is the epoch, not now.
func ParseTime(s string, now time.Time) (time.Time, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return time.Time{}, fmt.Errorf("%w: empty; want %s", ErrTime, timeForms)
	}
	if sec, nsec, ok := unixSeconds(t); ok {
		if sec > -1e9 && sec < 1e9 {
			// "--exp 3600" means "in an hour" to its writer and 1970 to a
			// parser: refuse the ambiguity rather than mint a dead token.
			if sec == 0 && nsec == 0 {
				return time.Time{}, fmt.Errorf("%w: %s is the unix epoch (1970); for now say 0s, or give an RFC 3339 time", ErrTime, safetext.QuoteArg(t))
			}
			d := time.Duration(sec) * time.Second
			when := "from now"
			if d < 0 {
				when = "ago"
			}
			return time.Time{}, fmt.Errorf("%w: %s is a unix time in %d; for %s %s say %s, or give an RFC 3339 time",
				ErrTime, safetext.QuoteArg(t), time.Unix(sec, nsec).UTC().Year(), human.Duration(d), when, durationWord(d))
		}
		if sec < minUnix || sec > maxUnix || (sec == maxUnix && nsec > 0) {
			return time.Time{}, fmt.Errorf("%w %s: unix seconds out of range (years 1 to 9999)", ErrTime, safetext.QuoteArg(s))
		}
		return time.Unix(sec, nsec).UTC(), nil
	}
	if len(t) >= 10 && allDigits(t[:4]) && t[4] == '-' {
		tm, err := time.Parse(time.RFC3339Nano, t)
		if err != nil {
			return time.Time{}, fmt.Errorf("%w %s: not a valid RFC 3339 time; want %s", ErrTime, safetext.QuoteArg(s), timeForms)
		}
		return tm, nil
	}
	d, ok := parseDuration(t)
	if !ok {
		return time.Time{}, fmt.Errorf("%w %s: want %s", ErrTime, safetext.QuoteArg(s), timeForms)
	}
	return now.Add(d), nil
}

// unixSeconds reads -?[0-9]+(\.[0-9]+)? as seconds and nanoseconds. ok is
// false for any other text; a value too large for int64 reads as out of
// range.
func unixSeconds(s string) (sec, nsec int64, ok bool) {
	neg := s[0] == '-'
	if neg {
		s = s[1:]
	}
	whole, frac, dot := strings.Cut(s, ".")
	if whole == "" || !allDigits(whole) || (dot && (frac == "" || !allDigits(frac))) {
		return 0, 0, false
	}
	sec, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		sec = math.MaxInt64
	}
	for i := range 9 {
		nsec *= 10
		if i < len(frac) {
			nsec += int64(frac[i] - '0')
		}
	}
	if neg {
		sec, nsec = -sec, -nsec
		if nsec < 0 {
			sec, nsec = sec-1, nsec+1e9
		}
	}
	return sec, nsec, true
}

// durationWord is d in the flag syntax, as the hint for a bare number.
func durationWord(d time.Duration) string { return human.Exact(d) }

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// ParseDuration is time.ParseDuration plus "d" (24h) and "w" (7d) units and
// an optional leading "+". Components may carry fractions ("1.5h").
func ParseDuration(s string) (time.Duration, error) {
	t := strings.TrimSpace(s)
	if t != "" && t != "0" && t != "-0" && t != "+0" {
		if body := strings.TrimLeft(t, "+-"); body != "" && isBareNumber(body) {
			return 0, fmt.Errorf("%w %s: a duration needs a unit; did you mean %ss? (such as 30s, 15m, 1h30m, 7d, 2w)", ErrDuration, safetext.QuoteArg(s), t)
		}
	}
	d, ok := parseDuration(t)
	if !ok {
		return 0, fmt.Errorf("%w %s: want a number and a unit such as 15m, 1h30m, 7d, 2w or -1h (units ns, us, ms, s, m, h, d, w)", ErrDuration, safetext.QuoteArg(s))
	}
	return d, nil
}

// isBareNumber reports digits with at most one decimal point between
// digits ("30", "1.5"): a duration missing its unit.
func isBareNumber(s string) bool {
	whole, frac, dot := strings.Cut(s, ".")
	return whole != "" && allDigits(whole) && (!dot || frac != "" && allDigits(frac))
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

// ParseValue types a --claim/--header value: JSON when it parses as strict
// JSON (numbers, true/false/null, arrays, objects, quoted strings), else
// the raw string. A value that is JSON but breaks a strict rule (duplicate
// member names, a lone surrogate, nesting deeper than MaxValueDepth) is
// an error, not silently a string: the user meant JSON.
func ParseValue(s string) (any, error) {
	if s == "" {
		return "", nil
	}
	v, err := strictjson.Parse([]byte(s), MaxValueDepth)
	if err == nil {
		return v, nil
	}
	if errors.Is(err, strictjson.ErrDuplicate) || errors.Is(err, strictjson.ErrDepth) || errors.Is(err, strictjson.ErrSurrogate) {
		return nil, err
	}
	return s, nil
}

// ParseAssignment splits "name=value" (the first "=" separates; the value
// may contain more) and types the value with ParseValue.
func ParseAssignment(s string) (name string, value any, err error) {
	k, v, ok := strings.Cut(s, "=")
	if !ok {
		return "", nil, fmt.Errorf("%w %s: want name=value", ErrAssignment, safetext.QuoteArg(s))
	}
	if strings.TrimSpace(k) == "" {
		return "", nil, fmt.Errorf("%w %s: the name before \"=\" is empty", ErrAssignment, safetext.QuoteArg(s))
	}
	val, err := ParseValue(v)
	if err != nil {
		return "", nil, fmt.Errorf("%w %s: the value is JSON but %v", ErrAssignment, safetext.QuoteArg(k), err)
	}
	return k, val, nil
}

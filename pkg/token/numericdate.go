package token

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/jwtkit/jwtkit/internal/safetext"
	"github.com/jwtkit/jwtkit/internal/strictjson"
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
		return time.Time{}, fmt.Errorf("%w: %s, want a JSON number of seconds", ErrNumericDate, strictjson.Kind(v))
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
		return time.Time{}, false, fmt.Errorf("%w: %s is not a number", ErrNumericDate, safetext.Quote(s))
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

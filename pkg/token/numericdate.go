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

// NumericDate bounds, 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z: a
// value outside them (or not finite as a float64, like 1e400) is malformed,
// as PyJWT and golang-jwt refuse such values too; inside them no arithmetic
// can overflow.
const (
	minUnix = -62135596800
	maxUnix = 253402300799
)

// NumericDate reads claim name as a time. ok is false when absent. A present
// claim that is not a JSON number, or a number outside years 1 to 9999, is
// an error wrapping ErrNumericDate. Fractions are kept.
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
		return parseUnix(string(n))
	case float64:
		return unixFloat(n)
	case int64:
		return unixInt(n, 0)
	case int:
		return unixInt(int64(n), 0)
	default:
		return time.Time{}, fmt.Errorf("%w: %s, want a JSON number of seconds", ErrNumericDate, strictjson.Kind(v))
	}
}

// smallUnix reads the common NumericDate, digits only with no sign, fraction
// or exponent, within the NumericDate range: parseUnix's result for it without
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
// "-1.5", "1.5e9"); a value outside years 1..9999 is an error.
func parseUnix(s string) (time.Time, error) {
	bad := func() (time.Time, error) {
		return time.Time{}, fmt.Errorf("%w: %s is not a number", ErrNumericDate, safetext.Quote(s))
	}
	if s == "" {
		return bad()
	}
	if strings.ContainsAny(s, "eE") {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil && !isRangeErr(err) {
			return bad()
		}
		return unixFloat(f)
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
		return time.Time{}, outOfRange()
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
	return unixInt(sec, nsec)
}

// outOfRange is the error for a NumericDate outside years 1..9999.
func outOfRange() error {
	return fmt.Errorf("%w: out of range, want seconds between %d and %d (years 1 to 9999)", ErrNumericDate, int64(minUnix), int64(maxUnix))
}

func unixFloat(f float64) (time.Time, error) {
	if math.IsNaN(f) {
		return time.Time{}, fmt.Errorf("%w: NaN", ErrNumericDate)
	}
	if math.IsInf(f, 0) || f < minUnix || f > maxUnix {
		return time.Time{}, outOfRange()
	}
	sec := math.Floor(f)
	nsec := math.Round((f - sec) * 1e9)
	return unixInt(int64(sec), int64(nsec))
}

func unixInt(sec, nsec int64) (time.Time, error) {
	if sec < minUnix || sec > maxUnix || (sec == maxUnix && nsec > 0) {
		return time.Time{}, outOfRange()
	}
	tm := time.Unix(sec, nsec).UTC()
	if tm.Unix() < minUnix { // -62135596800 with a negative fraction
		return time.Time{}, outOfRange()
	}
	return tm, nil
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

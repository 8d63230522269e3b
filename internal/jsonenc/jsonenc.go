// Package jsonenc is jwtkit's one JSON string encoder: the bytes
// encoding/json writes with HTML escaping off (what PyJWT and jose write
// in tokens, and what verdicts need), a plain ASCII word at a time. Token
// serialisation (pkg/token) and the NDJSON encoders (internal/batch) share
// it.
package jsonenc

import "unicode/utf8"

// skipPlain returns the index, from i on, of the first eight-byte word of
// s that is not all plain ASCII (none below 0x20, none at or above 0x80,
// no '"' and no '\\'), or of the tail shorter than eight bytes. It tests a
// word at once in a uint64 (SWAR): x-0x20 borrows into a byte's high bit
// exactly when the byte is below 0x20, and the other tests cannot miss.
func skipPlain(s string, i int) int {
	const lo, hi = 0x0101010101010101, 0x8080808080808080
	for ; i+8 <= len(s); i += 8 {
		x := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
			uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
		q, b := x^(lo*'"'), x^(lo*'\\')
		if ((x-lo*0x20)&^x|x|(q-lo)&^q|(b-lo)&^b)&hi != 0 {
			return i
		}
	}
	return i
}

// AppendString quotes s exactly as encoding/json does with HTML escaping
// off: \" \\ \b \f \n \r \t, other control bytes as \u00xx, invalid UTF-8
// as \ufffd, and U+2028, U+2029 escaped.
func AppendString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		if i = skipPlain(s, i); i == len(s) {
			break
		}
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' { // held as it is
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '\\', '"':
				dst = append(dst, '\\', c)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i++
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hex[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

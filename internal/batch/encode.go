package batch

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"strconv"

	"github.com/jwtkit/jwtkit/internal/jsonenc"
	"github.com/jwtkit/jwtkit/internal/strictjson"
	"github.com/jwtkit/jwtkit/pkg/token"
)

// The encoders below write the JSON shapes of the batch modes by hand, byte
// for byte what encoding/json writes for them with HTML escaping off (the
// tests hold them to it): reflection was a fifth of a verify batch's time.
// Each appends one line, "\n" included; a single-token command indents that
// line with json.Indent to get what json.Encoder.SetIndent writes.

// AppendVerdict appends verify's JSON verdict on res as one line:
//
//	{"line":N,"valid":B,"reason":R,"exit_code":C,"error":E,"header":{…},"claims":{…},"key":{"kid":…,"alg":…,"source":…},"checks":[{"name":…,"ok":…,"detail":…}]}
//
// "line" is left out when line is 0 (a single token), "error" when there is
// none; reason is null for a valid token. status is the caller's exit
// status for res: the encoder does not map reasons to codes. header is the
// token's header JSON (null when it is missing or not JSON), claims the
// payload JSON when the token's claims were parsed (else null), key null
// when no key verified the token, and checks [] when none ran.
func AppendVerdict(dst []byte, line int, res *token.Result, status int) []byte {
	dst = append(dst, '{')
	if line != 0 {
		dst = append(dst, `"line":`...)
		dst = strconv.AppendInt(dst, int64(line), 10)
		dst = append(dst, ',')
	}
	if res.Valid {
		dst = append(dst, `"valid":true,"reason":null,"exit_code":`...)
		dst = strconv.AppendInt(dst, int64(status), 10)
	} else {
		dst = append(dst, `"valid":false,"reason":`...)
		dst = appendString(dst, string(res.Reason))
		dst = append(dst, `,"exit_code":`...)
		dst = strconv.AppendInt(dst, int64(status), 10)
		if res.Err != nil {
			if msg := res.Err.Error(); msg != "" {
				dst = append(dst, `,"error":`...)
				dst = appendString(dst, msg)
			}
		}
	}
	dst = append(dst, `,"header":`...)
	t := res.Token
	if t != nil {
		dst = appendRaw(dst, t.HeaderJSON, t.Header != nil)
	} else {
		dst = append(dst, "null"...)
	}
	dst = append(dst, `,"claims":`...)
	if t != nil && t.Claims != nil {
		dst = appendRaw(dst, t.PayloadJSON, true)
	} else {
		dst = append(dst, "null"...)
	}
	if k := res.Key; k == nil {
		dst = append(dst, `,"key":null`...)
	} else {
		dst = append(dst, `,"key":{"kid":`...)
		dst = appendString(dst, k.KID)
		dst = append(dst, `,"alg":`...)
		dst = appendString(dst, k.Alg)
		dst = append(dst, `,"source":`...)
		dst = appendString(dst, k.Source)
		dst = append(dst, '}')
	}
	dst = append(dst, `,"checks":[`...)
	for i := range res.Checks {
		c := &res.Checks[i]
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, `{"name":`...)
		dst = appendString(dst, c.Name)
		if c.OK {
			dst = append(dst, `,"ok":true,"detail":`...)
		} else {
			dst = append(dst, `,"ok":false,"detail":`...)
		}
		dst = appendString(dst, c.Detail)
		dst = append(dst, '}')
	}
	return append(dst, "]}\n"...)
}

// AppendDecodedWarning appends decode's JSON for a parsed token as one line:
//
//	{"line":N,"header":{…},"claims":{…},"signature":"<base64url>","verified":false}
//
// "line" is left out when line is 0. header and claims are the token's JSON
// (null when missing or not JSON), verified is always false: decode checks
// nothing. A "warning" member is added when warning is set: decode shows a
// token whose registered members have the wrong types
// (token.ErrMemberType), and says so.
func AppendDecodedWarning(dst []byte, line int, tok *token.Token, warning string) []byte {
	dst = appendLine(dst, line)
	dst = append(dst, `"header":`...)
	dst = appendRaw(dst, tok.HeaderJSON, tok.Header != nil)
	dst = append(dst, `,"claims":`...)
	dst = appendRaw(dst, tok.PayloadJSON, tok.Claims != nil)
	dst = append(dst, `,"signature":"`...)
	dst = base64.RawURLEncoding.AppendEncode(dst, tok.Signature)
	dst = append(dst, `","verified":false`...)
	if warning != "" {
		dst = append(dst, `,"warning":`...)
		dst = appendString(dst, warning)
	}
	return append(dst, "}\n"...)
}

// AppendDecodeError appends decode's JSON for a line that is not a token,
// in the shape of AppendDecodedWarning with null header and claims, an empty
// signature, and the error and its reason:
//
//	{"line":N,"header":null,"claims":null,"signature":"","verified":false,"error":E,"reason":R}
func AppendDecodeError(dst []byte, line int, reason token.Reason, err error) []byte {
	return AppendDecodeErrorHeader(dst, line, nil, reason, err)
}

// AppendDecodeErrorHeader is AppendDecodeError for a token whose header
// decoded though the rest did not: header is that header's JSON, shown
// as AppendDecoded shows it (null when empty or not strict JSON).
func AppendDecodeErrorHeader(dst []byte, line int, header []byte, reason token.Reason, err error) []byte {
	dst = appendLine(dst, line)
	dst = append(dst, `"header":`...)
	dst = appendRaw(dst, header, false)
	dst = append(dst, `,"claims":null,"signature":"","verified":false`...)
	if msg := err.Error(); msg != "" {
		dst = append(dst, `,"error":`...)
		dst = appendString(dst, msg)
	}
	if reason != "" {
		dst = append(dst, `,"reason":`...)
		dst = appendString(dst, string(reason))
	}
	return append(dst, "}\n"...)
}

// AppendMinted appends mint's JSON for one token as one line:
//
//	{"token":T,"header":{…},"claims":{…}}
//
// header and claims are encoded as encoding/json encodes maps (names
// sorted, HTML escaping off); the error is encoding/json's when one of
// their values cannot be encoded, and dst is then returned unchanged.
func AppendMinted(dst []byte, tok string, header, claims map[string]any) ([]byte, error) {
	n := len(dst)
	dst = append(dst, `{"token":`...)
	dst = appendString(dst, tok)
	var err error
	dst = append(dst, `,"header":`...)
	if dst, err = appendMarshal(dst, header); err != nil {
		return dst[:n], err
	}
	dst = append(dst, `,"claims":`...)
	if dst, err = appendMarshal(dst, claims); err != nil {
		return dst[:n], err
	}
	return append(dst, "}\n"...), nil
}

// appendMarshal appends v as encoding/json writes it with HTML escaping
// off, without the encoder's newline.
func appendMarshal(dst []byte, v any) ([]byte, error) {
	b := bytes.NewBuffer(dst)
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return dst, err
	}
	out := b.Bytes()
	return out[:len(out)-1], nil
}

func appendLine(dst []byte, line int) []byte {
	dst = append(dst, '{')
	if line != 0 {
		dst = append(dst, `"line":`...)
		dst = strconv.AppendInt(dst, int64(line), 10)
		dst = append(dst, ',')
	}
	return dst
}

// AppendCompactJSON appends raw without insignificant whitespace, or null
// when raw is empty or not valid JSON: what encoding/json writes for a
// json.Marshaler that returns raw, and null for the rest.
func AppendCompactJSON(dst, raw []byte) []byte {
	return appendRaw(dst, raw, false)
}

// appendRaw appends raw JSON compacted, or null when raw is empty or not
// strictly valid (json.Valid lets invalid UTF-8 through, which would make
// the output line invalid JSON). known says the strict parser already
// accepted raw (a token's HeaderJSON and PayloadJSON are valid whenever
// Header and Claims are set), which spares validating it again on the hot
// path.
func appendRaw(dst, raw []byte, known bool) []byte {
	if len(raw) == 0 || (!known && strictjson.Valid(raw, token.MaxJSONDepth) != nil) {
		return append(dst, "null"...)
	}
	return appendCompact(dst, raw)
}

// appendCompact drops the whitespace outside strings of valid JSON: all
// that json.Compact changes when it does not escape HTML. Strings are
// skipped a closing quote at a time.
func appendCompact(dst, src []byte) []byte {
	if !hasSpace(src) { // the common case: nothing to drop
		return append(dst, src...)
	}
	start := 0
	for i := 0; i < len(src); i++ {
		switch src[i] {
		case ' ', '\t', '\r', '\n':
			dst = append(dst, src[start:i]...)
			start = i + 1
		case '"':
			for {
				j := bytes.IndexByte(src[i+1:], '"')
				if j < 0 { // unreachable for valid JSON
					return append(dst, src[start:]...)
				}
				i += 1 + j
				bs := 0
				for k := i - 1; src[k] == '\\'; k-- {
					bs++
				}
				if bs%2 == 0 {
					break
				}
			}
		}
	}
	return append(dst, src[start:]...)
}

// hasSpace reports whether b holds a JSON whitespace byte (space, tab, CR
// or LF) anywhere, eight bytes at a time.
func hasSpace(b []byte) bool {
	const lo, hi = 0x0101010101010101, 0x8080808080808080
	i := 0
	for ; i+8 <= len(b); i += 8 {
		x := binary.LittleEndian.Uint64(b[i:])
		sp, tab, cr, lf := x^(lo*' '), x^(lo*'\t'), x^(lo*'\r'), x^(lo*'\n')
		if ((sp-lo)&^sp|(tab-lo)&^tab|(cr-lo)&^cr|(lf-lo)&^lf)&hi != 0 {
			return true
		}
	}
	for ; i < len(b); i++ {
		switch b[i] {
		case ' ', '\t', '\r', '\n':
			return true
		}
	}
	return false
}

// appendString quotes s as encoding/json does with HTML escaping off.
func appendString(dst []byte, s string) []byte { return jsonenc.AppendString(dst, s) }

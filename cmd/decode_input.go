package cmd

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"github.com/jwtkit/jwtkit/internal/batch"
	"github.com/jwtkit/jwtkit/internal/strictjson"
	"github.com/jwtkit/jwtkit/pkg/token"
)

// jsonError is decode's answer to input it cannot show: with -o json, one
// JSON document in the shape of a batch line that failed (the header too,
// when it decoded) goes to stdout before the error, whose exit code stays.
func (opts *decodeOptions) jsonError(err error, raw string) error {
	if opts.Output != "json" || opts.Claim != "" {
		return err
	}
	reason := token.Reason("")
	if exitCode(err) == ExitMalformed {
		reason = token.ReasonMalformed
	}
	if werr := writeJSONLine(opts.f.IO.Out, batch.AppendDecodeErrorHeader(nil, 0, decodedHeader(raw), reason, err)); werr != nil {
		return werr
	}
	return err
}

// decodedHeader is the header JSON of raw when its first segment decodes
// to a JSON object on its own, for a token whose claims or signature do
// not: nil otherwise.
func decodedHeader(raw string) []byte {
	first, _, ok := strings.Cut(raw, ".")
	if !ok || first == "" {
		return nil
	}
	b, err := base64.RawURLEncoding.Strict().DecodeString(first)
	if err != nil {
		return nil
	}
	if _, err := strictjson.Object(string(b), token.MaxJSONDepth); err != nil {
		return nil
	}
	return b
}

// twoTokens rewords a parse error for input that holds two tokens
// separated by whitespace (two pasted at once, or two lines on stdin),
// which would otherwise read as a JWE or bad base64url. A real JWE has
// no whitespace, so it keeps its own error.
func twoTokens(raw string, err error) error {
	fields := strings.Fields(raw)
	if len(fields) < 2 {
		return err
	}
	jws := 0
	for _, f := range fields {
		if strings.Count(f, ".") == 2 {
			jws++
		}
	}
	if jws >= 2 || (errors.Is(err, token.ErrJWE) && strings.Count(raw, ".") == 4) {
		return fmt.Errorf("%w: two tokens? the input holds %d whitespace-separated parts; give one token (--batch reads one per line)", token.ErrMalformed, len(fields))
	}
	return err
}

// twoTokensVerdict gives a malformed verdict decode's "two tokens?"
// wording when the input holds two tokens separated by whitespace, which
// the parser would otherwise call a JWE.
func twoTokensVerdict(raw string, res *token.Result) *token.Result {
	if res.Reason != token.ReasonMalformed {
		return res
	}
	err := twoTokens(raw, res.Err)
	if err == res.Err {
		return res
	}
	res.Err = err
	detail := strings.TrimPrefix(err.Error(), token.ErrMalformed.Error()+": ")
	for i := range res.Checks {
		if res.Checks[i].Name == "parse" && !res.Checks[i].OK {
			res.Checks[i].Detail = detail
		}
	}
	return res
}

// parseSafely is decode's edge around Parse, like verifySafely: a panic (a
// bug, never expected) becomes a malformed error, never a stack trace.
func (opts *decodeOptions) parseSafely(raw string) (tok *token.Token, err error) {
	defer func() {
		if p := recover(); p != nil {
			tok, err = nil, fmt.Errorf("%w: %w: %v", token.ErrMalformed, batch.ErrInternal, p)
		}
	}()
	if opts.parse != nil {
		return opts.parse(raw)
	}
	return token.Parse(raw)
}

// flatIgnoredNote explains a missing dotted --claim when a flat member
// literally holds the name (it is ignored: a dotted name is a path).
func flatIgnoredNote(claims map[string]any, name string) string {
	if !token.FlatOnly(claims, name) {
		return ""
	}
	return " (a flat member of that name is ignored: a dotted name is a path to a nested member)"
}

// listWarning names the roles and scope claims that hold something other
// than strings (an array with a number, an object): verify's --role and
// --scope fail such a token, so decode says so.
func listWarning(tok *token.Token) string {
	var out []string
	for _, name := range [...]string{token.DefaultRolesClaim, "scope", "scp"} {
		if _, _, err := token.StringList(tok.Claims, name); err != nil {
			out = append(out, err.Error())
		}
	}
	if len(out) == 0 {
		return ""
	}
	return strings.Join(out, "; ") + "; jwtkit verify --role/--scope fails this token (exit 6)"
}

func joinWarnings(a, b string) string {
	if a == "" || b == "" {
		return a + b
	}
	return a + "; " + b
}

package cmd

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/jwtkit/jwtkit/pkg/token"
)

// cleanProbeToken cleans a token flag the way decode and verify clean
// their input ("Bearer " and "Authorization:" prefixes), strips one
// matching pair of surrounding quotes or angle brackets with a note, and
// refuses a value that is no JWT, saying what it looks like.
func cleanProbeToken(flag, raw string) (tok, note string, err error) {
	s, pair := token.CleanInput(raw)
	if pair != "" {
		note = fmt.Sprintf("%s: removed the %s around the token", flag, pair)
	}
	if s == "" {
		return "", "", usagef("%s is empty", flag)
	}
	if what := notJWT(s, "probe", flag); what != "" {
		return "", "", usagef("%s is not a JWT: %s", flag, what)
	}
	return s, note, nil
}

// notJWT says what s looks like when it is not a compact JWS, "" when it
// is one; tool is the command that needs a JWT and flag the flag that
// carried s ("" for tool's positional argument), so that the examples
// show the right way to pass it. It never quotes s.
func notJWT(s, tool, flag string) string {
	pass := flag + " "
	if flag == "" {
		pass = "jwtkit " + tool + " "
	}
	switch {
	case strings.HasPrefix(s, "{") || strings.HasPrefix(s, "["):
		return "it looks like JSON; pass the compact token (three base64url parts separated by dots)"
	case strings.HasPrefix(s, "$"):
		return "it looks like a shell variable that was not expanded; use double quotes, e.g. " + pass + "\"$TOKEN\""
	case strings.HasSuffix(s, ".jwt") || strings.HasSuffix(s, ".txt") || strings.ContainsAny(s, "/\\"):
		return "it looks like a file name; pass the token itself, e.g. " + pass + "\"$(cat token.jwt)\""
	}
	parts := strings.Split(s, ".")
	switch {
	case len(parts) == 5:
		return "it has 5 parts: an encrypted JWE, which " + tool + " cannot forge"
	case len(parts) != 3:
		return fmt.Sprintf("it has %d dot-separated %s where a JWT has 3 (an opaque access token cannot be forged; %s needs a JWT)", len(parts), plural(len(parts), "part", "parts"), tool)
	}
	for i, p := range parts[:2] {
		b, err := base64.RawURLEncoding.DecodeString(p)
		if err != nil {
			return fmt.Sprintf("part %d is not unpadded base64url", i+1)
		}
		var m map[string]any
		if json.Unmarshal(b, &m) != nil {
			return fmt.Sprintf("part %d does not decode to a JSON object", i+1)
		}
	}
	return ""
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

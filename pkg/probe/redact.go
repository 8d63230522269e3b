package probe

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/jwtkit/jwtkit/internal/safetext"
)

// redactToken shows a token as its decoded header and claims, never its
// signature or compact form. Short values that are not tokens (malformed
// test input) are shown as they are.
func redactToken(tok string) string {
	parts := strings.Split(tok, ".")
	if len(parts) >= 2 {
		h, herr := compactJSON(parts[0])
		c, cerr := compactJSON(parts[1])
		if herr == nil && cerr == nil {
			return fmt.Sprintf("<redacted JWT header=%s claims=%s>", h, c)
		}
	}
	if len(tok) <= 16 {
		return tok
	}
	return fmt.Sprintf("<redacted, %d bytes>", len(tok))
}

func compactJSON(seg string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, b); err != nil {
		return "", err
	}
	if buf.Len() == 0 || buf.Bytes()[0] != '{' {
		return "", fmt.Errorf("not an object")
	}
	return buf.String(), nil
}

// redactURL shows a URL as every output does (safetext.RedactURL:
// userinfo and credential-like query values redacted) with any occurrence
// of tok redacted too.
func redactURL(s, tok string) string {
	if tok != "" {
		s = strings.ReplaceAll(s, tok, safetext.Redacted)
	}
	return safetext.RedactURL(s)
}

// publicHeader reports a user-header name whose value a dry run shows;
// every other user header value is redacted because it may be a credential.
func publicHeader(name string) bool {
	switch name {
	case "Accept", "Accept-Language", "Content-Type", "User-Agent":
		return true
	}
	return false
}

// curlLine renders a request as a curl command line with every credential
// redacted: sh holds the URL, body and carrier header as reports show them.
func curlLine(req *http.Request, sh shown, userHeaders bool) string {
	var b strings.Builder
	b.WriteString("curl -sS -i")
	if req.Method == http.MethodHead {
		b.WriteString(" -I")
	} else if req.Method != http.MethodGet {
		b.WriteString(" -X " + req.Method)
	}
	names := make([]string, 0, len(req.Header))
	for k := range req.Header {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if k == "User-Agent" || k == "Accept" {
			continue
		}
		for _, v := range req.Header[k] {
			switch {
			case k == sh.carrier:
				v = sh.value
			case k == "Authorization" || k == "Cookie":
				v = "<redacted>"
			case sh.checkHeader(k):
				// set by the check itself: Origin, preflight headers
			case userHeaders && !publicHeader(k):
				v = "<redacted>"
			}
			b.WriteString(" -H " + safetext.ShellQuote(k+": "+v))
		}
	}
	if sh.body != nil {
		b.WriteString(" --data-binary " + safetext.ShellQuote(string(sh.body)))
	}
	b.WriteString(" " + safetext.ShellQuote(sh.url))
	return b.String()
}

package probe

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// CarrierKind names where a request carries its token.
type CarrierKind string

// Carrier kinds: the Authorization header (RFC 6750 §2.1), another request
// header, a cookie, a URL query parameter or a form field of the body.
const (
	CarrierAuthorization CarrierKind = "authorization"
	CarrierHeader        CarrierKind = "header"
	CarrierCookie        CarrierKind = "cookie"
	CarrierQuery         CarrierKind = "query"
	CarrierForm          CarrierKind = "form"
)

// Carrier says where every token variant goes. The zero Carrier is
// "Authorization: Bearer <token>".
type Carrier struct {
	Kind   CarrierKind
	Name   string // header, cookie, query or form field name; "" for authorization
	Scheme string // prefix before the token and a space ("Bearer"); "" sends the token alone
}

// ParseCarrier reads "authorization", "header:NAME", "cookie:NAME",
// "query:NAME" or "form:NAME". The scheme defaults to "Bearer" for
// authorization and to none for the others.
func ParseCarrier(spec string) (Carrier, error) {
	kind, name, hasName := strings.Cut(spec, ":")
	c := Carrier{Kind: CarrierKind(strings.ToLower(strings.TrimSpace(kind))), Name: strings.TrimSpace(name)}
	switch c.Kind {
	case CarrierAuthorization:
		if hasName {
			return c, fmt.Errorf("%q: authorization takes no name (for another header use header:NAME)", spec)
		}
		c.Scheme = "Bearer"
		return c, nil
	case CarrierHeader, CarrierCookie, CarrierQuery, CarrierForm:
	default:
		return c, fmt.Errorf("%q: want authorization, header:NAME, cookie:NAME, query:NAME or form:NAME", spec)
	}
	if c.Name == "" {
		return c, fmt.Errorf("%q: %s needs a name, e.g. %s:%s", spec, c.Kind, c.Kind, exampleName(c.Kind))
	}
	if !validName(c.Name) {
		return c, fmt.Errorf("%q: %q is not a valid %s name", spec, c.Name, c.Kind)
	}
	if c.Kind == CarrierHeader && managedHeader(c.Name) {
		return c, fmt.Errorf("%q: %s is a header Go's HTTP client manages or drops hop by hop, so no token can travel in it; name the header the API reads, e.g. header:x-access-token", spec, http.CanonicalHeaderKey(c.Name))
	}
	if c.Kind == CarrierHeader && strings.EqualFold(c.Name, "Authorization") {
		return Carrier{Kind: CarrierAuthorization, Scheme: "Bearer"}, nil
	}
	return c, nil
}

// managedHeader reports a header the transport sets itself (Host,
// Content-Length, Transfer-Encoding) or a hop-by-hop one (RFC 9110 §7.6.1)
// that a proxy removes, none of which can carry a token to the API.
func managedHeader(name string) bool {
	switch http.CanonicalHeaderKey(name) {
	case "Host", "Content-Length", "Transfer-Encoding", "Connection", "Te", "Upgrade", "Trailer", "Keep-Alive":
		return true
	}
	return strings.HasPrefix(strings.ToLower(name), "proxy-")
}

func exampleName(k CarrierKind) string {
	switch k {
	case CarrierHeader:
		return "x-access-token"
	case CarrierCookie:
		return "access_token"
	}
	return "token"
}

// validName accepts an HTTP token (RFC 9110 §5.6.2), which covers header
// and cookie names and every sensible query or form name.
func validName(s string) bool {
	for _, r := range s {
		if r <= ' ' || r >= 0x7f || strings.ContainsRune(`"(),/:;<=>?@[\]{}`, r) {
			return false
		}
	}
	return s != ""
}

func (c Carrier) norm() Carrier {
	if c.Kind == "" {
		return Carrier{Kind: CarrierAuthorization, Scheme: "Bearer"}
	}
	return c
}

// IsBearerHeader reports the RFC 6750 carrier: Authorization with the
// Bearer scheme, the only one whose answers a Bearer challenge grades.
func (c Carrier) IsBearerHeader() bool {
	c = c.norm()
	return c.Kind == CarrierAuthorization && strings.EqualFold(c.Scheme, "Bearer")
}

// String names the carrier as the flag does.
func (c Carrier) String() string {
	c = c.norm()
	s := string(c.Kind)
	if c.Name != "" {
		s += ":" + c.Name
	}
	return s
}

// Describe names the carrier for evidence: `the cookie "access_token"`.
func (c Carrier) Describe() string {
	c = c.norm()
	switch c.Kind {
	case CarrierHeader:
		return fmt.Sprintf("the header %s", c.Name)
	case CarrierCookie:
		return fmt.Sprintf("the cookie %q", c.Name)
	case CarrierQuery:
		return fmt.Sprintf("the query parameter %q", c.Name)
	case CarrierForm:
		return fmt.Sprintf("the form field %q", c.Name)
	}
	if c.Scheme == "" {
		return "the Authorization header (no scheme)"
	}
	return "the Authorization header (" + c.Scheme + ")"
}

// NeedsBody reports a carrier that rides in the request body.
func (c Carrier) NeedsBody() bool { return c.norm().Kind == CarrierForm }

func (c Carrier) value(tok string) string {
	if c.Scheme != "" {
		return c.Scheme + " " + tok
	}
	return tok
}

// placed is a request's URL, body and carrier header with a credential in
// place, once for real and once as reports show it.
type placed struct {
	url, shownURL   string
	body, shownBody []byte
	header          string // header name set ("" none)
	value, shown    string // its value
	cookie          bool   // header is Cookie: append to a user cookie
}

// place puts the credential cred (shown as shownCred) into a request to
// rawURL with body.
func (c Carrier) place(rawURL string, body []byte, cred, shownCred string) (placed, error) {
	c = c.norm()
	p := placed{url: rawURL, shownURL: rawURL, body: body, shownBody: body}
	switch c.Kind {
	case CarrierAuthorization:
		p.header, p.value, p.shown = "Authorization", c.value(cred), c.value(shownCred)
	case CarrierHeader:
		p.header, p.value, p.shown = http.CanonicalHeaderKey(c.Name), c.value(cred), c.value(shownCred)
	case CarrierCookie:
		p.header, p.value, p.shown, p.cookie = "Cookie", c.Name+"="+c.value(cred), c.Name+"="+c.value(shownCred), true
	case CarrierQuery:
		shownCred = urlShown(shownCred)
		u, err := url.Parse(rawURL)
		if err != nil {
			return p, err
		}
		sep := "&"
		if u.RawQuery == "" {
			sep = ""
		}
		base := u.RawQuery
		u.RawQuery = base + sep + url.QueryEscape(c.Name) + "=" + url.QueryEscape(c.value(cred))
		p.url = u.String()
		u.RawQuery = base + sep + url.QueryEscape(c.Name) + "=" + url.QueryEscape(c.value(shownCred))
		p.shownURL = u.String()
	case CarrierForm:
		shownCred = urlShown(shownCred)
		field := func(v string) []byte {
			b := append([]byte(nil), body...)
			if len(b) > 0 {
				b = append(b, '&')
			}
			return append(b, url.QueryEscape(c.Name)+"="+url.QueryEscape(c.value(v))...)
		}
		p.body, p.shownBody = field(cred), field(shownCred)
	}
	return p, nil
}

// urlShown is how a credential shows in a URL or form body: a redacted
// token as the word REDACTED (its decoded header and claims would be
// unreadable once escaped), anything else as it is.
func urlShown(shown string) string {
	if strings.HasPrefix(shown, "<redacted") {
		return "REDACTED"
	}
	return shown
}

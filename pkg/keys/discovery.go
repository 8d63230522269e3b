package keys

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/jwtkit/jwtkit/internal/safetext"
	"github.com/jwtkit/jwtkit/internal/strictjson"
)

// Discovery errors, usable with errors.Is.
var (
	// ErrBadIssuerURL: an issuer URL jwtkit will not use: not https (http
	// is allowed on loopback hosts only), with a query, fragment or
	// credentials, or templated ("{tenantid}").
	ErrBadIssuerURL = errors.New("unusable issuer URL")
	// ErrIssuerMismatch: the discovery document names another issuer than
	// the one asked for (OpenID Connect Discovery §4.3, RFC 8414 §3.3), or
	// a templated one.
	ErrIssuerMismatch = errors.New("discovery issuer does not match")
	// ErrBadJWKSURI: the discovery document has no usable jwks_uri.
	ErrBadJWKSURI = errors.New("unusable jwks_uri")
)

// Discovery is what jwtkit takes from an OpenID Connect or OAuth 2.0
// authorization server metadata document.
type Discovery struct {
	Issuer  string // equal to the issuer URL asked for
	JWKSURI string // where the key set is
	// URL is where the document was found: the OIDC well-known URL, or
	// RFC 8414's when the first was not there.
	URL string
	// Document is the document as served.
	Document json.RawMessage
}

// DiscoveryURLs returns where an issuer's metadata may be: OpenID Connect
// Discovery appends /.well-known/openid-configuration to the issuer;
// RFC 8414 §3.1 inserts /.well-known/oauth-authorization-server between the
// host and the issuer's path (a trailing "/" of the path removed).
func DiscoveryURLs(issuer string) (oidc, oauth string, err error) {
	u, err := CheckIssuerURL(issuer)
	if err != nil {
		return "", "", err
	}
	oidc = strings.TrimSuffix(issuer, "/") + "/.well-known/openid-configuration"
	o := *u
	o.Path = "/.well-known/oauth-authorization-server" + strings.TrimSuffix(u.Path, "/")
	o.RawPath = ""
	if u.RawPath != "" {
		o.RawPath = "/.well-known/oauth-authorization-server" + strings.TrimSuffix(u.RawPath, "/")
	}
	return oidc, o.String(), nil
}

// CheckIssuerURL checks an issuer identifier before anything is fetched:
// an https URL (http on a loopback host only, for tests) with no query,
// fragment or credentials (OIDC Core §2 and RFC 8414 §2), and no template
// such as Entra's "{tenantid}". Errors wrap ErrBadIssuerURL.
func CheckIssuerURL(issuer string) (*url.URL, error) {
	if strings.ContainsAny(issuer, "{}") || strings.Contains(strings.ToLower(issuer), "%7b") {
		return nil, fmt.Errorf("issuer URL %s is a template: name your own tenant's issuer (for Entra ID: https://login.microsoftonline.com/<tenant-id>/v2.0): %w", safetext.Quote(issuer), ErrBadIssuerURL)
	}
	u, err := url.Parse(issuer)
	if err != nil || u.Host == "" || u.Opaque != "" {
		return nil, fmt.Errorf("issuer URL does not parse as https://host[/path]: %w", ErrBadIssuerURL)
	}
	name := redactURL(u)
	switch {
	case u.User != nil:
		return nil, fmt.Errorf("issuer URL %s carries credentials: %w", safetext.Quote(name), ErrBadIssuerURL)
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.Contains(issuer, "#"):
		return nil, fmt.Errorf("issuer URL %s has a query or fragment; an issuer has neither: %w", safetext.Quote(name), ErrBadIssuerURL)
	case u.Scheme == "https":
	case u.Scheme == "http" && IsLoopback(u.Hostname()):
	case u.Scheme == "http":
		return nil, fmt.Errorf("issuer URL %s is plain http: an issuer must be https (http is accepted on loopback hosts only): %w", safetext.Quote(name), ErrBadIssuerURL)
	default:
		return nil, fmt.Errorf("issuer URL %s: want an https:// URL: %w", safetext.Quote(name), ErrBadIssuerURL)
	}
	return u, nil
}

// IsLoopback reports whether host (no port) is "localhost" or a loopback
// IP address.
func IsLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// ParseDiscovery reads a metadata document fetched from docURL for issuer:
// strict JSON, an "issuer" equal to issuer byte for byte, and a jwks_uri
// that is https (http on loopback hosts only). A mismatch that is only a
// trailing slash says so; a templated issuer (Entra ID's multi-tenant
// endpoints) is refused with its own message. Errors wrap
// ErrIssuerMismatch, ErrBadJWKSURI or ErrUnrecognized.
func ParseDiscovery(body []byte, docURL, issuer string) (*Discovery, error) {
	where := docURL
	if u, err := url.Parse(docURL); err == nil {
		where = redactURL(u)
	}
	v, err := strictjson.Parse(body, MaxJSONDepth)
	if err != nil {
		return nil, fmt.Errorf("discovery document at %s is not valid JSON: %w: %w", where, err, ErrUnrecognized)
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("discovery document at %s is %s, not a JSON object: %w", where, strictjson.Kind(v), ErrUnrecognized)
	}
	got, ok := obj["issuer"].(string)
	if !ok {
		return nil, fmt.Errorf("discovery document at %s has no \"issuer\" string: %w", where, ErrUnrecognized)
	}
	switch {
	case got == issuer:
	case strings.ContainsAny(got, "{}"):
		return nil, fmt.Errorf("discovery document at %s names the templated issuer %s, which stands for every tenant: use your tenant's own issuer URL (for Entra ID: https://login.microsoftonline.com/<tenant-id>/v2.0): %w", where, safetext.Quote(got), ErrIssuerMismatch)
	case strings.TrimSuffix(got, "/") == strings.TrimSuffix(issuer, "/"):
		return nil, fmt.Errorf("discovery document at %s names the issuer %s, which differs from %s only by a trailing slash; issuers must match exactly (OpenID Connect Discovery §4.3), and tokens carry the document's form: use --issuer-url %s: %w", where, safetext.Quote(got), safetext.Quote(issuer), safetext.Quote(got), ErrIssuerMismatch)
	default:
		return nil, fmt.Errorf("discovery document at %s names the issuer %s, not %s: refused (OpenID Connect Discovery §4.3: they must be equal): %w", where, safetext.Quote(got), safetext.Quote(issuer), ErrIssuerMismatch)
	}
	jwksURI, ok := obj["jwks_uri"].(string)
	if !ok || jwksURI == "" {
		return nil, fmt.Errorf("discovery document at %s has no \"jwks_uri\" string: %w", where, ErrBadJWKSURI)
	}
	if err := checkJWKSURI(jwksURI); err != nil {
		return nil, fmt.Errorf("discovery document at %s: %w", where, err)
	}
	return &Discovery{Issuer: got, JWKSURI: jwksURI, URL: docURL, Document: json.RawMessage(append([]byte(nil), body...))}, nil
}

// checkJWKSURI allows https, and http on loopback hosts only. Another host
// than the issuer's is fine (Google's keys live on www.googleapis.com).
func checkJWKSURI(s string) error {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return fmt.Errorf("jwks_uri does not parse as an https URL: %w", ErrBadJWKSURI)
	}
	name := safetext.Quote(redactURL(u))
	switch {
	case u.User != nil:
		return fmt.Errorf("jwks_uri %s carries credentials: %w", name, ErrBadJWKSURI)
	case u.Scheme == "https":
	case u.Scheme == "http" && IsLoopback(u.Hostname()):
	default:
		return fmt.Errorf("jwks_uri %s is not https (http is accepted on loopback hosts only): %w", name, ErrBadJWKSURI)
	}
	return nil
}

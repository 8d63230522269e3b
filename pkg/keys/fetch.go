package keys

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"github.com/jwtkit/jwtkit/internal/safetext"
)

// FetchOptions bound a JWKS download.
type FetchOptions struct {
	Client   *http.Client // required; carries timeout, TLS and proxy settings
	MaxBytes int64        // response size cap; 0 = DefaultMaxJWKSBytes
}

// DefaultMaxJWKSBytes caps a fetched JWKS.
const DefaultMaxJWKSBytes = 1 << 20

// FetchJWKS downloads and parses a JWKS from an http(s) URL. Non-2xx status,
// oversize bodies (ErrTooLarge) and non-JWKS content are errors that name
// the URL (without its query or credentials). A single JWK is accepted as a
// set of one. Private members in the response are dropped, and HMAC secrets
// are refused: a secret fetched over the network is a forgery waiting to
// happen. The set is read as a provider's (ParseProviderJWKS): weak keys
// and keys whose x5c certificate does not match are left out and listed in
// Set.Skipped.
func FetchJWKS(ctx context.Context, rawURL string, opts FetchOptions) (*Set, error) {
	u, name, err := checkFetchURL(rawURL, "JWKS")
	if err != nil {
		return nil, err
	}
	resp, err := get(ctx, opts.Client, u, name, "JWKS", opts.MaxBytes, "")
	if err != nil {
		return nil, err
	}
	return parseFetchedJWKS(resp.body, name)
}

// checkFetchURL parses an http(s) URL and names it for messages.
func checkFetchURL(rawURL, what string) (*url.URL, string, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		// Echo none of it: the part that did not parse may be a password.
		return nil, "", fmt.Errorf("%s URL does not parse: want an http:// or https:// URL", what)
	}
	name := redactURL(u)
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, "", fmt.Errorf("%s URL %s: want an http:// or https:// URL", what, safetext.Quote(name))
	}
	return u, name, nil
}

// response is what get kept of an HTTP answer.
type response struct {
	status int // 200-299, or 304 when an ETag was sent
	body   []byte
	header http.Header
}

// statusError is a non-2xx answer.
type statusError struct {
	what, name, status string
	code               int
}

func (e *statusError) Error() string {
	// The reason phrase is the server's own text: keep escapes out.
	return fmt.Sprintf("fetching %s from %s: HTTP %s", e.what, e.name, safetext.Escape(e.status))
}

// get does one bounded GET. etag, when set, is sent as If-None-Match and a
// 304 answer is returned as such.
func get(ctx context.Context, client *http.Client, u *url.URL, name, what string, max int64, etag string) (*response, error) {
	if client == nil {
		return nil, fmt.Errorf("fetching %s from %s: no HTTP client given", what, name)
	}
	if max <= 0 {
		max = DefaultMaxJWKSBytes
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("fetching %s from %s: %w", what, name, err)
	}
	if what == "JWKS" {
		req.Header.Set("Accept", "application/jwk-set+json, application/json")
	} else {
		req.Header.Set("Accept", "application/json")
	}
	if etag != "" {
		req.Header.Set("If-None-Match", etag)
	}
	resp, err := client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // its message repeats the full URL
		}
		return nil, fmt.Errorf("fetching %s from %s: %w", what, name, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotModified && etag != "" {
		return &response{status: resp.StatusCode, header: resp.Header}, nil
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, &statusError{what: what, name: name, status: resp.Status, code: resp.StatusCode}
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, max+1))
	if err != nil {
		return nil, fmt.Errorf("fetching %s from %s: reading the response: %w", what, name, err)
	}
	if int64(len(body)) > max {
		return nil, fmt.Errorf("fetching %s from %s: response is larger than %d bytes: %w", what, name, max, ErrTooLarge)
	}
	return &response{status: resp.StatusCode, body: body, header: resp.Header}, nil
}

// parseFetchedJWKS reads a JWKS that came from the network (or from the
// cache of what came from it): public keys only, no secrets.
func parseFetchedJWKS(body []byte, name string) (*Set, error) {
	t := bytes.TrimSpace(body)
	if len(t) == 0 {
		return nil, fmt.Errorf("JWKS from %s: the response is empty: %w", name, ErrUnrecognized)
	}
	if t[0] != '{' {
		return nil, fmt.Errorf("JWKS from %s: the response is not a JSON object (%s): %w", name, describeUnknown(t), ErrUnrecognized)
	}
	set, err := ParseProviderJWKS(t, name)
	if err != nil {
		return nil, fmt.Errorf("JWKS from %s: %w", name, err)
	}
	var pub []*Key
	for _, k := range set.Keys {
		if k.Type == Oct {
			return nil, fmt.Errorf("JWKS from %s holds an HMAC secret; jwtkit only verifies with public keys from the network: %w", name, ErrUnsupported)
		}
		pub = append(pub, k.PublicKey())
	}
	out := NewSet(pub...)
	out.Skipped = set.Skipped
	return out, nil
}

// redactURL names a URL in messages without credentials or query, which
// may carry tokens.
func redactURL(u *url.URL) string {
	c := *u
	c.User = nil
	c.RawQuery = ""
	c.ForceQuery = false
	c.Fragment = ""
	return c.String()
}

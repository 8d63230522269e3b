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
// happen.
func FetchJWKS(ctx context.Context, rawURL string, opts FetchOptions) (*Set, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		// Echo none of it: the part that did not parse may be a password.
		return nil, errors.New("JWKS URL does not parse: want an http:// or https:// URL")
	}
	name := redactURL(u)
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("JWKS URL %s: want an http:// or https:// URL", safetext.Quote(name))
	}
	if opts.Client == nil {
		return nil, fmt.Errorf("fetching JWKS from %s: no HTTP client given", name)
	}
	max := opts.MaxBytes
	if max <= 0 {
		max = DefaultMaxJWKSBytes
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("fetching JWKS from %s: %w", name, err)
	}
	req.Header.Set("Accept", "application/jwk-set+json, application/json")
	resp, err := opts.Client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // its message repeats the full URL
		}
		return nil, fmt.Errorf("fetching JWKS from %s: %w", name, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		// The reason phrase is the server's own text: keep escapes out.
		return nil, fmt.Errorf("fetching JWKS from %s: HTTP %s", name, safetext.Escape(resp.Status))
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, max+1))
	if err != nil {
		return nil, fmt.Errorf("fetching JWKS from %s: reading the response: %w", name, err)
	}
	if int64(len(body)) > max {
		return nil, fmt.Errorf("fetching JWKS from %s: response is larger than %d bytes: %w", name, max, ErrTooLarge)
	}
	t := bytes.TrimSpace(body)
	if len(t) == 0 {
		return nil, fmt.Errorf("JWKS from %s: the response is empty: %w", name, ErrUnrecognized)
	}
	if t[0] != '{' {
		return nil, fmt.Errorf("JWKS from %s: the response is not a JSON object (%s): %w", name, describeUnknown(t), ErrUnrecognized)
	}
	set, err := Parse(t, name)
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
	return NewSet(pub...), nil
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

package keys

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/jwtkit/jwtkit/internal/human"
	"github.com/jwtkit/jwtkit/internal/safetext"
)

// Remote is a key set published over HTTP(S): at JWKSURL, or found by
// OpenID Connect / RFC 8414 discovery from IssuerURL. With a Cache, the
// set and the discovery document are kept between runs (see Cache).
//
// Load returns the set; when a token's kid is not in it, Refetch fetches
// it once more, at most once per Cache.RefetchInterval per URL across
// processes, and only when Load answered from the cache (a set fetched in
// this run is current). Weak keys and keys whose x5c certificate does not
// match are left out with a NoteKeySkipped (see ParseProviderJWKS).
//
// A Remote is used by one goroutine at a time.
type Remote struct {
	// JWKSURL is the set's http(s) URL; ignored when IssuerURL is set.
	JWKSURL string
	// IssuerURL is an issuer identifier (https; http on loopback only):
	// its metadata's jwks_uri names the set, and its issuer must equal
	// IssuerURL exactly.
	IssuerURL string
	// Client does the requests (required): timeouts, TLS roots, redirect
	// and proxy rules are its own.
	Client *http.Client
	// Cache keeps answers between runs; nil fetches on every Load.
	Cache *Cache
	// MaxBytes caps each response; 0 = DefaultMaxJWKSBytes.
	MaxBytes int64
	// OnNote receives NoteKeySkipped, NoteRefetched, NoteRefetchLimited
	// and the Cache's notes when the Cache has no OnNote of its own.
	OnNote func(Note)

	// Discovery is the metadata document Load used (IssuerURL only).
	Discovery *Discovery
	// JWKS is the key set as served (or as cached), for saving it.
	JWKS []byte
	// Requests counts the HTTP requests this Remote sent.
	Requests int

	jwksURL   string
	set       *Set
	fromCache bool // the set came from the cache, no request this run
	refetched bool
}

// Load returns the key set, from the cache when a fresh entry is there.
// Errors name the URL (without its query) and wrap the errors of
// CheckIssuerURL, ParseDiscovery and FetchJWKS.
func (r *Remote) Load(ctx context.Context) (*Set, error) {
	if r.Cache != nil && r.Cache.OnNote == nil {
		r.Cache.OnNote = r.OnNote
	}
	r.jwksURL = r.JWKSURL
	if r.IssuerURL != "" {
		d, err := r.discover(ctx)
		if err != nil {
			return nil, err
		}
		r.Discovery, r.jwksURL = d, d.JWKSURI
	}
	u, name, err := checkFetchURL(r.jwksURL, "JWKS")
	if err != nil {
		return nil, err
	}
	var set *Set
	body, fromCache, err := r.getCached(ctx, u.String(), name, "JWKS", false, false, func(b []byte) (err error) {
		set, err = parseFetchedJWKS(b, name)
		return err
	})
	if err != nil {
		return nil, err
	}
	r.set, r.fromCache, r.JWKS = set, fromCache, body
	r.noteSkipped(name)
	return set, nil
}

// JWKSLocation is the URL of the set Load used ("" before Load).
func (r *Remote) JWKSLocation() string { return r.jwksURL }

func (r *Remote) noteSkipped(name string) {
	for _, sk := range r.set.Skipped {
		notify(r.OnNote, NoteKeySkipped, sk.SkipNote(name))
	}
}

// Refetch is for a token whose kid is not in the set Load returned. It
// fetches the set again when Load answered from the cache, the kid is
// neither in the set nor one of its skipped keys, nothing was refetched
// in this run, and no refetch of the URL was claimed less than the
// refetch interval ago. The claim is a file created exclusively in the
// cache before the request (see claimRefetch), so concurrent processes
// make at most one refetch per interval; when the cache cannot record a
// claim (read-only), nothing is refetched, since unrecorded refetches
// could not be limited. ok is false when nothing was fetched; the set is
// then the one Load returned.
func (r *Remote) Refetch(ctx context.Context, kid string) (set *Set, ok bool, err error) {
	if r.set == nil || kid == "" || !r.fromCache || r.refetched || r.Cache == nil {
		return r.set, false, nil
	}
	if found, _ := r.set.Find(kid, ""); len(found) > 0 || r.set.IsSkipped(kid) {
		return r.set, false, nil
	}
	u, name, err := checkFetchURL(r.jwksURL, "JWKS")
	if err != nil {
		return r.set, false, err
	}
	c := r.Cache
	e := c.read(u.String())
	if e == nil {
		return r.set, false, nil
	}
	now := c.now()
	limited := func(at time.Time) {
		since := now.Sub(at)
		if at.IsZero() || since < 0 {
			notify(r.OnNote, NoteRefetchLimited, fmt.Sprintf("kid %s is not in the cached key set from %s; not fetching it again: another run is refetching it (at most once per %s)", safetext.Quote(kid), name, human.Duration(c.refetchInterval())))
			return
		}
		notify(r.OnNote, NoteRefetchLimited, fmt.Sprintf("kid %s is not in the cached key set from %s; not fetching it again: it was refetched %s ago (at most once per %s)", safetext.Quote(kid), name, human.Duration(since), human.Duration(c.refetchInterval())))
	}
	if since := now.Sub(e.LastRefetch); since >= 0 && since < c.refetchInterval() {
		limited(e.LastRefetch)
		return r.set, false, nil
	}
	// Claim the refetch before sending it, across processes.
	ok, recorded, prev := c.claimRefetch(u.String())
	switch {
	case !recorded:
		// Without a record every process would refetch: a stream of
		// unknown kids must not become a stream of requests.
		notify(r.OnNote, NoteRefetchLimited, fmt.Sprintf("kid %s is not in the cached key set from %s; not fetching it again: the key-set cache cannot record the refetch, and unrecorded refetches are not rate-limited", safetext.Quote(kid), name))
		return r.set, false, nil
	case !ok:
		limited(prev)
		return r.set, false, nil
	}
	e.LastRefetch = now
	c.write(e)
	r.refetched = true
	var fresh *Set
	body, _, err := r.getCached(ctx, u.String(), name, "JWKS", true, false, func(b []byte) (err error) {
		fresh, err = parseFetchedJWKS(b, name)
		return err
	})
	if err != nil {
		return r.set, false, err
	}
	notify(r.OnNote, NoteRefetched, fmt.Sprintf("kid %s was not in the cached key set from %s: fetched it again", safetext.Quote(kid), name))
	r.set, r.fromCache, r.JWKS = fresh, false, body
	r.noteSkipped(name)
	return fresh, true, nil
}

// discover finds the metadata document: OIDC's well-known URL first, then
// RFC 8414's when the first answers 404 or 410.
func (r *Remote) discover(ctx context.Context) (*Discovery, error) {
	oidc, oauth, err := DiscoveryURLs(r.IssuerURL)
	if err != nil {
		return nil, err
	}
	var firstErr error
	for _, docURL := range []string{oidc, oauth} {
		u, name, err := checkFetchURL(docURL, "discovery document")
		if err != nil {
			return nil, err
		}
		var d *Discovery
		_, _, err = r.getCached(ctx, u.String(), name, "discovery document", false, docURL == oidc, func(b []byte) (err error) {
			d, err = ParseDiscovery(b, docURL, r.IssuerURL)
			return err
		})
		var se *statusError
		if errors.As(err, &se) && (se.code == http.StatusNotFound || se.code == http.StatusGone) {
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		if err != nil {
			return nil, err
		}
		return d, nil
	}
	return nil, fmt.Errorf("no discovery document for issuer %s: %w (and RFC 8414's %s was not there either)", safetext.Quote(r.IssuerURL), firstErr, oauth)
}

// getCached returns the body for rawURL: from a fresh cache entry (after
// check accepts it), else from the network, revalidating an expired entry
// with its ETag. check must accept every body returned; force skips the
// fresh-entry shortcut. fromCache is true when no request was sent.
func (r *Remote) getCached(ctx context.Context, rawURL, name, what string, force, keepMissing bool, check func([]byte) error) (body []byte, fromCache bool, err error) {
	c := r.Cache
	var e *cacheEntry
	if c != nil {
		e = c.read(rawURL)
	}
	if e != nil && e.Missing != 0 {
		if keepMissing && !force && c.now().Before(e.Expires) {
			return nil, true, &statusError{what: what, name: name, status: fmt.Sprintf("%d %s (cached)", e.Missing, http.StatusText(e.Missing)), code: e.Missing}
		}
		e = nil // expired, or not a URL whose absence is kept
	}
	if e != nil && !force && c.now().Before(e.Expires) {
		if check(e.Body) == nil {
			return e.Body, true, nil
		}
		e = nil // re-parsed and refused: fetch a new copy
	}
	etag := ""
	if e != nil {
		etag = e.ETag
	}
	u, _, err := checkFetchURL(rawURL, what)
	if err != nil {
		return nil, false, err
	}
	r.Requests++
	resp, err := get(ctx, r.Client, u, name, what, r.MaxBytes, etag)
	var se *statusError
	if keepMissing && c != nil && errors.As(err, &se) && (se.code == http.StatusNotFound || se.code == http.StatusGone) {
		// Remembered for the TTL (a 404 carries no max-age worth trusting).
		now := c.now()
		c.write(&cacheEntry{URL: rawURL, FetchedAt: now, Expires: now.Add(max(c.TTL, 0)), Missing: se.code})
	}
	if err != nil {
		return nil, false, err
	}
	if resp.status == http.StatusNotModified {
		if check(e.Body) != nil {
			// The kept copy no longer parses: fetch it whole.
			r.Requests++
			if resp, err = get(ctx, r.Client, u, name, what, r.MaxBytes, ""); err != nil {
				return nil, false, err
			}
		} else {
			ttl, store := c.lifetime(resp.header)
			now := c.now()
			e.FetchedAt, e.Expires = now, now.Add(ttl)
			if store {
				c.write(e)
			} else {
				c.remove(rawURL)
			}
			return e.Body, false, nil
		}
	}
	if err := check(resp.body); err != nil {
		return nil, false, err
	}
	if c != nil {
		ttl, store := c.lifetime(resp.header)
		if store {
			now := c.now()
			ne := &cacheEntry{URL: rawURL, FetchedAt: now, Expires: now.Add(ttl), ETag: resp.header.Get("ETag"), Body: resp.body}
			if e != nil {
				ne.LastRefetch = e.LastRefetch
			}
			if force {
				ne.LastRefetch = now
			}
			c.write(ne)
		} else {
			c.remove(rawURL)
		}
	}
	return resp.body, false, nil
}

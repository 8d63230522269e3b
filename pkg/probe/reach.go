package probe

import (
	"bytes"
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/jwtkit/jwtkit/internal/safetext"
	"github.com/jwtkit/jwtkit/pkg/probe/forge"
)

// DefaultAvailabilityWait is how long resp.availability waits after the
// first transport error before it resends the valid token.
const DefaultAvailabilityWait = 2 * time.Second

// reachState is what a run learns while it sends: the requests to the
// target in order, the first transport error, the login exchanges and
// anything the login or the cracked secret changed.
type reachState struct {
	mu       sync.Mutex
	timeline []sentAt
	first    *exchange // first transport error on the target's origin
	firstAt  time.Time

	logins   []*exchange // login requests (password redacted)
	upgraded string      // why the key is known although none was given
	cracked  *crackResult
}

type sentAt struct {
	at time.Time
	x  *exchange
}

// shown is a request as reports show it: URL, body and carrier header with
// credentials redacted.
type shown struct {
	url     string
	body    []byte
	carrier string // header name holding the credential ("" none)
	value   string // its value as shown
	spec    http.Header
}

func (sh shown) checkHeader(k string) bool { return sh.spec != nil && len(sh.spec.Values(k)) > 0 }

// isTargetRequest reports a request the configured method and body apply
// to: a GET of the target's path on its origin that a check sends as the
// API's own request (not a bare transport probe).
func (r *run) isTargetRequest(s reqSpec, u *url.URL) bool {
	return !s.bare && s.method == http.MethodGet && sameOrigin(u, r.target) && u.Path == r.target.Path
}

// build makes the request of s: the configured method and body for the
// target, the user's headers for its origin, and the credential in the
// configured carrier. It is the one place a token enters a request, so
// every variant of every check travels the same way.
func (r *run) build(s reqSpec, u *url.URL) (*http.Request, shown, bool, error) {
	method, body, ctype := s.method, s.body, ""
	if r.isTargetRequest(s, u) {
		if r.cfg.Method != "" {
			method = r.cfg.Method
		}
		if r.cfg.Body != nil {
			body, ctype = r.cfg.Body, r.cfg.ContentType
		}
	}
	sh := shown{url: s.url, body: body, spec: s.header}
	if s.shownURL != "" {
		sh.url = s.shownURL
	}
	var cred, shownCred string
	has := false
	switch {
	case s.token != "":
		cred, shownCred, has = s.token, redactToken(s.token), true
		r.mu.Lock()
		r.sent[s.token] = true
		r.mu.Unlock()
	case s.auth != "":
		cred, shownCred, has = strings.TrimPrefix(s.auth, "Bearer "), strings.TrimPrefix(s.shown, "Bearer "), true
	}
	target := s.url
	var p placed
	if has {
		var err error
		if p, err = r.cfg.Carrier.place(s.url, body, cred, shownCred); err != nil {
			return nil, sh, false, err
		}
		target, body = p.url, p.body
		sh.url, sh.body = p.shownURL, p.shownBody
		if r.cfg.Carrier.NeedsBody() {
			ctype = "application/x-www-form-urlencoded"
		}
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, target, rd)
	if err != nil {
		return nil, sh, false, err
	}
	req.Header.Set("User-Agent", r.cfg.UserAgent)
	req.Header.Set("Accept", "application/json, */*;q=0.5")
	userHeaders := !s.bare && r.mayCarry(u)
	if userHeaders {
		for k, vs := range r.cfg.Header {
			// -H replaces probe's own User-Agent and Accept: added next
			// to them it would never be the value Go sends.
			req.Header.Del(k)
			for _, v := range vs {
				req.Header.Add(k, v)
			}
		}
	}
	for k, vs := range s.header {
		req.Header[http.CanonicalHeaderKey(k)] = vs
	}
	if ctype != "" && s.header.Get("Content-Type") == "" {
		req.Header.Set("Content-Type", ctype)
	}
	// Every output shows URLs through the one redactor: a password in
	// the target's userinfo or a token in its query never shows.
	sh.url = redactURL(sh.url, s.token)
	if p.header != "" {
		sh.carrier, sh.value = p.header, p.shown
		if old := req.Header.Get("Cookie"); p.cookie && old != "" {
			req.Header.Set("Cookie", old+"; "+p.value)
			sh.value = "<redacted>; " + p.shown
		} else {
			req.Header.Set(p.header, p.value)
		}
	}
	return req, sh, userHeaders, nil
}

// onTarget reports a request to the API itself (the target's or the write
// URL's origin), whose transport errors resp.availability grades.
func (r *run) onTarget(x *exchange) bool {
	u, err := url.Parse(x.url)
	return err == nil && r.mayCarry(u)
}

// track notes a request about to be sent, for the in-flight list of
// resp.availability.
func (r *run) track(x *exchange) {
	if r.dry {
		return
	}
	r.reach.mu.Lock()
	r.reach.timeline = append(r.reach.timeline, sentAt{at: r.cfg.Now(), x: x})
	r.reach.mu.Unlock()
}

// transportError remembers the first refused, reset or timed-out request
// to the API.
func (r *run) transportError(x *exchange) {
	if errors.Is(x.err, context.Canceled) || !r.onTarget(x) {
		return
	}
	r.reach.mu.Lock()
	defer r.reach.mu.Unlock()
	if r.reach.first == nil {
		r.reach.first, r.reach.firstAt = x, r.cfg.Now()
	}
}

// wait pauses d (cfg.Wait when set), or until ctx ends.
func (r *run) wait(ctx context.Context, d time.Duration) error {
	if r.cfg.Wait != nil {
		return r.cfg.Wait(ctx, d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// newForger is the forger of tok, or nil when tok is no compact JWS with a
// JSON payload.
func newForger(tok string) *forge.Forger {
	f, err := forge.NewForger(tok)
	if err != nil {
		return nil
	}
	return f
}

// reachNotes are the report notes about where the token came from and
// how it travelled.
func (r *run) reachNotes() []string {
	var out []string
	if l := r.cfg.Login; l != nil {
		out = append(out, fmt.Sprintf("the valid token was issued by the login at %s for %s", redactURL(l.URL, ""), safetext.Quote(l.User)))
	}
	if !r.cfg.Carrier.IsBearerHeader() {
		out = append(out, "every token travelled in "+r.cfg.Carrier.Describe())
	}
	if r.cfg.Method != "" && r.cfg.Method != http.MethodGet {
		out = append(out, "every request to the target was a "+r.cfg.Method)
	}
	if r.reach.upgraded != "" {
		out = append(out, r.reach.upgraded)
	}
	return out
}

// bearerOnly skips a check that grades the Bearer challenge when the
// token travels anywhere but the Authorization header's Bearer scheme.
func bearerOnly(f func(*run, []*exchange) *Result) func(*run, []*exchange) *Result {
	return func(r *run, xs []*exchange) *Result {
		if !r.cfg.Carrier.IsBearerHeader() {
			return r.skipped("auth.www-authenticate", fmt.Sprintf("the token travels in %s: the Bearer challenge of RFC 6750 §3 grades the Authorization header only", r.cfg.Carrier.Describe()))
		}
		return f(r, xs)
	}
}

// explicitAuth names how the token travels when no ambient credential is
// in play, for csrf.applicability: every carrier but a cookie is one the
// browser never adds by itself.
func (r *run) explicitAuth() string {
	c := r.cfg.Carrier.norm()
	switch c.Kind {
	case CarrierAuthorization, CarrierHeader:
		if c.IsBearerHeader() {
			return "header-only bearer auth"
		}
		return "header-only token auth (" + c.Describe() + ")"
	}
	return "the token travels in " + c.Describe() + ", which a browser never adds by itself"
}

// queryCarrierGate grades auth.query-token without a request when the
// configured carrier is itself the URL query: the baseline already showed
// the API takes its token from there.
func (r *run) queryCarrierGate(id string) *Result {
	c := r.cfg.Carrier.norm()
	if c.Kind != CarrierQuery {
		return nil
	}
	return r.result(id, Warn, fmt.Sprintf("the API takes its token from %s (--token-in %s): tokens in URLs land in logs, history and Referer", c.Describe(), c), r.base.v)
}

// bodyMethod reports a method that carries a request body.
func bodyMethod(m string) bool {
	switch m {
	case http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
		return true
	}
	return false
}

// reachDefaults fills and checks the Config fields of reach.go.
func (cfg *Config) reachDefaults() error {
	if cfg.AvailabilityWait <= 0 {
		cfg.AvailabilityWait = DefaultAvailabilityWait
	}
	cfg.Carrier = cfg.Carrier.norm()
	cfg.Method = strings.ToUpper(cfg.Method)
	if cfg.Method == "" {
		cfg.Method = http.MethodGet
	}
	if cfg.Carrier.NeedsBody() && !bodyMethod(cfg.Method) {
		return fmt.Errorf("%w: --token-in %s puts the token in the request body: it needs a method with a body (POST, PUT, PATCH or DELETE), not %s", ErrConfig, cfg.Carrier, cfg.Method)
	}
	if cfg.Body != nil && cfg.ContentType == "" {
		cfg.ContentType = "application/json"
		if cfg.Carrier.NeedsBody() {
			cfg.ContentType = "application/x-www-form-urlencoded"
		}
	}
	if cfg.Carrier.NeedsBody() && cfg.Body != nil && !strings.HasPrefix(cfg.ContentType, "application/x-www-form-urlencoded") {
		return fmt.Errorf("%w: --token-in %s adds a form field to the body, so the body must be application/x-www-form-urlencoded, not %s", ErrConfig, cfg.Carrier, cfg.ContentType)
	}
	for _, l := range []struct {
		l    *Login
		what string
	}{{cfg.Login, "login"}, {cfg.LowLogin, "low-privilege login"}} {
		if l.l != nil {
			if err := l.l.check(l.what); err != nil {
				return err
			}
		}
	}
	if cfg.Login != nil && cfg.Token != "" {
		return fmt.Errorf("%w: a login and a token cannot both give the valid token", ErrConfig)
	}
	for k := range cfg.Header {
		// Go's client would drop these silently (Host, Content-Length,
		// Transfer-Encoding, Trailer) or send a hop-by-hop header a proxy
		// removes: refused rather than quietly not sent.
		if managedHeader(k) {
			hint := "probe sets it from the request"
			if http.CanonicalHeaderKey(k) == "Host" {
				hint = "put the host name in the target URL"
			}
			return fmt.Errorf("%w: -H cannot set %s: Go's HTTP client manages it or drops it hop by hop, so it would not reach the API as given; %s", ErrConfig, http.CanonicalHeaderKey(k), hint)
		}
	}
	return nil
}

// unknownAuthority reports a TLS handshake that failed on a certificate
// no trusted authority signed.
func unknownAuthority(err error) bool {
	var ua x509.UnknownAuthorityError
	return errors.As(err, &ua)
}

// tokenSource says where the valid token came from, for reports.
func (r *run) tokenSource() string {
	switch {
	case r.cfg.Login != nil:
		return "login"
	case r.cfg.Minted:
		return "minted"
	}
	return "token"
}

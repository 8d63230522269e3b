package probe

import (
	"bytes"
	"context"
	"crypto"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math/bits"
	"net"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"crypto/tls"

	"github.com/jwtkit/jwtkit/internal/safetext"
	"github.com/jwtkit/jwtkit/pkg/keys"
	"github.com/jwtkit/jwtkit/pkg/probe/forge"
)

// Defaults for the Config limits.
const (
	DefaultMaxRequests  = 200
	DefaultConcurrency  = 4
	DefaultTimeout      = 10 * time.Second
	DefaultMaxBodyBytes = 1 << 20
)

// Sentinel errors.
var (
	// ErrUnreachable: no request reached the target at all.
	ErrUnreachable = errors.New("target unreachable")
	// ErrConfig: the Config is unusable (missing target, bad URL).
	ErrConfig = errors.New("invalid probe configuration")
	// ErrRequestCap: the run hit Config.MaxRequests.
	ErrRequestCap = errors.New("request cap reached")
	// ErrRefused: the probe refused to send a request that would leak a
	// credential (a token to another origin or to plain http).
	ErrRefused = errors.New("refused to send a credential there")
	// ErrRateLimited: the API answered 429, or 503 with Retry-After. The
	// answer says nothing about the token, so the request counts as one
	// that got no answer: inconclusive, never a refusal.
	ErrRateLimited = errors.New("rate limited")
)

// Config is one probe run.
type Config struct {
	Target string // the protected endpoint, http or https

	Token      string           // a valid token V; "" skips the token checks
	Key        *keys.Key        // the key that signed Token; nil when unknown (--token)
	PublicKey  crypto.PublicKey // the issuer's public key for jwt.key-confusion; nil when unknown
	Minted     bool             // Token was minted by the caller from Key
	Roles      []string         // roles the endpoint requires (in Token)
	RolesClaim string           // dotted claim holding roles; "" = "roles"

	Origin      string      // an origin the API should trust ("" = none)
	HTTPURL     string      // plain-HTTP URL for tls.http-redirect ("" = Target with http and the default port)
	WriteURL    string      // an endpoint that may receive a state-changing request ("" = none sent)
	WriteMethod string      // default POST
	WriteBody   []byte      // sent with WriteURL
	WriteType   string      // Content-Type of WriteBody; default application/json
	Header      http.Header // extra request headers for the target's origin
	ExpectBody  string      // canary: a body holding it means the token was accepted
	UserAgent   string

	Checks []string // ids to run (Select); nil = all

	Client       *http.Client // transport, TLS and proxy settings; redirects are never followed whatever it says
	Timeout      time.Duration
	MaxRequests  int
	Concurrency  int
	MaxBodyBytes int64
	Now          func() time.Time // the clock for forged times and the report

	// Issue 12: remote keys, weak keys, deeper payloads.
	KeyFile []byte // the public key file exactly as given (--key), for jwt.key-confusion
	// CallbackURL is the public URL under which the target reaches probe's
	// listener (e.g. a tunnel); CallbackAddr is what the listener binds.
	// Without CallbackURL the listener runs only for a loopback target (on
	// 127.0.0.1:0) and the listener checks skip for any other target.
	CallbackURL  string
	CallbackAddr string
	// CallbackGrace is how long a listener check waits for a fetch after
	// its last request: 0 means DefaultCallbackGrace, a negative value
	// not at all. A fetch ends the wait at once.
	CallbackGrace       time.Duration
	CallbackMaxRequests int              // requests the listener serves (default DefaultCallbackMaxRequests)
	CallbackCert        *tls.Certificate // the x5u listener's TLS certificate on loopback; nil = a fresh self-signed one
	// Wordlist is a file of candidate HMAC secrets, one a line, that
	// jwt.weak-secret tries after its built-in list; WordlistName is how
	// reports name it ("" = Wordlist). WordlistProgress, when set, is
	// called with the number of lines each finished batch held (from
	// several goroutines at once).
	Wordlist         string
	WordlistName     string
	WordlistProgress func(lines int64)
	// Reaching real APIs (see reach.go).
	Carrier     Carrier  // where every token goes; zero: Authorization: Bearer
	Method      string   // method of every request to the target ("" = GET)
	Body        []byte   // body of every request to the target
	ContentType string   // Content-Type of Body
	Scopes      []string // scopes the endpoint requires (Token's scope claim)
	LowToken    string   // a valid token of a low-privilege identity
	Login       *Login   // get Token from the API's login first
	LowLogin    *Login   // get LowToken from the API's login first
	// Wait pauses resp.availability before it resends the valid token;
	// nil sleeps (honouring ctx). AvailabilityWait is the pause (2 s).
	Wait             func(ctx context.Context, d time.Duration) error
	AvailabilityWait time.Duration
	// AllowPlainHTTP lets tokens go over plain http to a host that is not
	// loopback (the target's or the write URL's). Without it Run refuses
	// such a Config with ErrConfig; Plan, which sends nothing, does not.
	AllowPlainHTTP bool
}

// Request is one request a check sent, as reports show it (tokens redacted).
type Request struct {
	Method  string `json:"method"`
	URL     string `json:"url"`
	Status  int    `json:"status"`
	Variant string `json:"variant,omitempty"` // a forged variant's id ("jwt.alg-none/nOnE"), else what was sent
	Label   string `json:"label,omitempty"`   // for a forged variant, what it changes
}

// Result is the outcome of one check.
type Result struct {
	ID        string    `json:"id"`
	Title     string    `json:"title"`
	Verdict   Verdict   `json:"verdict"`
	Severity  Severity  `json:"severity"`
	Evidence  string    `json:"evidence"`
	Reference string    `json:"reference"`
	Requests  []Request `json:"requests"`
}

// Summary counts results per verdict.
type Summary struct {
	Pass  int `json:"pass"`
	Warn  int `json:"warn"`
	Fail  int `json:"fail"`
	Info  int `json:"info"`
	Skip  int `json:"skip"`
	Error int `json:"error"`
}

// TokenInfo is the valid token as reports show it: header and claims,
// never the signature or the compact form.
type TokenInfo struct {
	Header map[string]any `json:"header"`
	Claims map[string]any `json:"claims"`
	Minted bool           `json:"minted"`
	Source string         `json:"source"` // "minted", "token" (--token) or "login"
}

// Report is the outcome of a run.
type Report struct {
	Target     string     `json:"target"`
	Started    time.Time  `json:"started"`
	DurationMS int64      `json:"duration_ms"`
	Summary    Summary    `json:"summary"`
	Requests   int        `json:"request_count"`
	Token      *TokenInfo `json:"token,omitempty"`
	Notes      []string   `json:"notes,omitempty"`
	Checks     []Result   `json:"checks"`
	Listener   []Fetch    `json:"listener,omitempty"` // what probe's own listener saw (out-of-band checks)
}

// Failed reports whether a check failed (or warned, when warn is set).
func (r *Report) Failed(warn bool) bool {
	return r.Summary.Fail > 0 || warn && r.Summary.Warn > 0
}

// Planned is one request a run would send, for --dry-run.
type Planned struct {
	Check   string `json:"check"`
	Variant string `json:"variant,omitempty"`
	Curl    string `json:"curl"`
}

// cred says what credential a request carried.
type cred int

const (
	credNone      cred = iota
	credValid          // V
	credForged         // a token variant
	credMalformed      // a malformed Authorization value
)

// exchange is one request and its response.
type exchange struct {
	label   string
	variant string // the forged variant's id, if any
	method  string
	url     string // as shown: tokens redacted
	origin  string // Origin header sent, if any
	cred    cred
	carries bool // the request carried a token (or a malformed one) to the API
	status  int
	header  http.Header
	body    []byte
	err     error
	curl    string
}

func (x *exchange) request() Request {
	if x.variant != "" {
		return Request{Method: x.method, URL: x.url, Status: x.status, Variant: x.variant, Label: x.label}
	}
	return Request{Method: x.method, URL: x.url, Status: x.status, Variant: x.label}
}

// reqSpec describes a request to send.
type reqSpec struct {
	method   string
	url      string
	shownURL string // url with the token redacted, when it carries one
	token    string // sent as "Authorization: Bearer <token>"
	auth     string // raw Authorization value (malformed variants)
	shown    string // redacted Authorization for reports and curl
	urlToken bool   // url carries a token
	header   http.Header
	body     []byte
	label    string
	variant  string // the forged variant's id
	cred     cred
	bare     bool // no user headers (plain-HTTP transport checks)
}

// run is the state of one probe run.
type run struct {
	cfg      Config
	target   *url.URL
	client   *http.Client
	sem      chan struct{}
	count    atomic.Int64
	dry      bool
	selected map[string]bool

	mu      sync.Mutex
	byCheck map[string][]*exchange
	sent    map[string]bool // every token sent, scrubbed from evidence

	memoMu sync.Mutex
	memo   map[string]*memoEntry

	base    *baseline
	forger  *forge.Forger
	ambient string // why ambient credentials are in play ("" = header-only)

	remote *remote    // listener and attacker material (checks_remote.go)
	reach  reachState // carriers, availability, login (reach.go)
}

type memoEntry struct {
	once sync.Once
	x    *exchange
}

// NoRedirectClient returns a copy of c (nil: a default client) that never
// follows a redirect: the 3xx response is returned as is, so no
// Authorization or Cookie header can travel to the Location, whatever its
// scheme, host or port.
func NoRedirectClient(c *http.Client) *http.Client {
	var cp http.Client
	if c != nil {
		cp = *c
	}
	cp.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	cp.Jar = nil
	return &cp
}

func (cfg *Config) defaults() error {
	if cfg.MaxRequests <= 0 {
		cfg.MaxRequests = DefaultMaxRequests
	}
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = DefaultConcurrency
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.CallbackMaxRequests <= 0 {
		cfg.CallbackMaxRequests = DefaultCallbackMaxRequests
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.WriteMethod == "" {
		cfg.WriteMethod = http.MethodPost
	}
	if cfg.WriteType == "" {
		cfg.WriteType = "application/json"
	}
	if cfg.RolesClaim == "" {
		cfg.RolesClaim = "roles"
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = "jwtkit-probe"
	}
	if cfg.Checks == nil {
		for _, c := range Catalogue() {
			cfg.Checks = append(cfg.Checks, c.ID)
		}
	}
	u, err := parseHTTPURL(cfg.Target)
	if err != nil {
		return fmt.Errorf("%w: target: %v", ErrConfig, err)
	}
	if err := cfg.reachDefaults(); err != nil {
		return err
	}
	if cfg.WriteURL != "" {
		w, err := parseHTTPURL(cfg.WriteURL)
		if err != nil {
			return fmt.Errorf("%w: write URL: %v", ErrConfig, err)
		}
		if u.Scheme == "https" && w.Scheme == "http" {
			return fmt.Errorf("%w: write URL %s is plain http while the target is https: the token would travel in clear", ErrConfig, safetext.URLArg(cfg.WriteURL))
		}
	}
	if cfg.HTTPURL != "" {
		if _, err := parseHTTPURL(cfg.HTTPURL); err != nil {
			return fmt.Errorf("%w: http URL: %v", ErrConfig, err)
		}
	}
	if cfg.Origin != "" {
		o, err := url.Parse(cfg.Origin)
		if err != nil || o.Host == "" || (o.Scheme != "http" && o.Scheme != "https") || (o.Path != "" && o.Path != "/") {
			return fmt.Errorf("%w: origin %q: want scheme://host[:port]", ErrConfig, cfg.Origin)
		}
	}
	return nil
}

func parseHTTPURL(s string) (*url.URL, error) {
	u, err := url.Parse(s)
	if err != nil {
		// url.Parse's error quotes the whole value, which may be a token
		return nil, fmt.Errorf("%s is not a URL", safetext.URLArg(s))
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return nil, fmt.Errorf("%s is not an http or https URL", safetext.URLArg(s))
	}
	return u, nil
}

func newRun(cfg Config, dry bool) (*run, error) {
	if err := cfg.defaults(); err != nil {
		return nil, err
	}
	if !dry {
		if err := cfg.PlainHTTPError(); err != nil {
			return nil, err
		}
	}
	r := &run{
		cfg:      cfg,
		sem:      make(chan struct{}, cfg.Concurrency),
		dry:      dry,
		memo:     map[string]*memoEntry{},
		byCheck:  map[string][]*exchange{},
		selected: map[string]bool{},
		sent:     map[string]bool{},
	}
	r.target, _ = url.Parse(cfg.Target)
	for _, id := range cfg.Checks {
		r.selected[id] = true
	}
	r.client = NoRedirectClient(cfg.Client)
	r.client.Timeout = 0 // per-request contexts bound every request
	if cfg.Token != "" {
		r.forger = newForger(cfg.Token)
	}
	return r, nil
}

// PlainHTTPError is the ErrConfig a Config gets when it would send tokens
// in clear to a host that is not loopback (its target or write URL is
// plain http) and AllowPlainHTTP is not set; nil otherwise.
func (cfg *Config) PlainHTTPError() error {
	if cfg.AllowPlainHTTP || cfg.Token == "" && cfg.Login == nil && cfg.LowToken == "" && cfg.LowLogin == nil {
		return nil
	}
	for _, p := range []struct{ what, raw string }{{"the target", cfg.Target}, {"the write URL", cfg.WriteURL}} {
		if u, err := url.Parse(p.raw); p.raw != "" && err == nil && u.Scheme == "http" && !keys.IsLoopback(u.Hostname()) {
			return fmt.Errorf("%w: %s %s is plain http to a host that is not loopback: the test tokens would travel in clear; use https, or allow plain http explicitly and use only throwaway tokens", ErrConfig, p.what, safetext.URLArg(p.raw))
		}
	}
	return nil
}

// sameOrigin compares scheme, host and port.
func sameOrigin(a, b *url.URL) bool {
	return strings.EqualFold(a.Scheme, b.Scheme) && strings.EqualFold(a.Hostname(), b.Hostname()) && port(a) == port(b)
}

func port(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	if u.Scheme == "https" {
		return "443"
	}
	return "80"
}

// mayCarry reports whether a credential may go to u: only to the target's
// origin or the write URL's origin, never to plain http when the target is
// https, and to plain http on a host that is not loopback only with
// AllowPlainHTTP.
func (r *run) mayCarry(u *url.URL) bool {
	if u.Scheme == "http" && r.target.Scheme == "https" {
		return false
	}
	if u.Scheme == "http" && !keys.IsLoopback(u.Hostname()) && !r.cfg.AllowPlainHTTP && !r.dry {
		return false
	}
	if sameOrigin(u, r.target) {
		return true
	}
	if r.cfg.WriteURL != "" {
		w, _ := url.Parse(r.cfg.WriteURL)
		return sameOrigin(u, w)
	}
	return false
}

// send performs one request for a check. It never panics and never follows
// a redirect; errors are recorded on the exchange.
func (r *run) send(ctx context.Context, s reqSpec) *exchange {
	x := &exchange{label: s.label, variant: s.variant, method: s.method, url: redactURL(s.url, s.token), cred: s.cred}
	if s.shownURL != "" {
		x.url = redactURL(s.shownURL, "")
	}
	if s.header != nil {
		x.origin = s.header.Get("Origin")
	}
	u, err := url.Parse(s.url)
	if err != nil {
		x.err = err
		return x
	}
	carries := s.token != "" || s.auth != "" || s.urlToken
	x.carries = carries
	if carries && !r.mayCarry(u) {
		x.err = fmt.Errorf("%w: %s", ErrRefused, x.url)
		return x
	}
	req, shadow, userHeaders, err := r.build(s, u)
	if err != nil {
		x.err = err
		return x
	}
	x.method = req.Method
	if s.shownURL == "" {
		x.url = shadow.url
	}
	x.curl = curlLine(req, shadow, userHeaders)
	r.track(x)
	n := r.count.Add(1)
	if n > int64(r.cfg.MaxRequests) {
		x.err = fmt.Errorf("%w (--max-requests %d)", ErrRequestCap, r.cfg.MaxRequests)
		return x
	}
	if r.dry {
		// Nothing leaves the process: the valid token is "accepted" and
		// everything else refused, so every planned request is listed.
		x.status, x.header, x.body = http.StatusUnauthorized, http.Header{"Content-Type": {"application/json"}}, []byte(`{}`)
		if s.cred == credValid {
			x.status = http.StatusOK
		}
		return x
	}
	select {
	case r.sem <- struct{}{}:
	case <-ctx.Done():
		x.err = ctx.Err()
		return x
	}
	defer func() { <-r.sem }()
	rctx, cancel := context.WithTimeout(ctx, r.cfg.Timeout)
	defer cancel()
	resp, err := r.client.Do(req.WithContext(rctx))
	if err != nil {
		x.err = err
		r.transportError(x)
		return x
	}
	defer resp.Body.Close()
	x.status = resp.StatusCode
	x.header = resp.Header
	// A body cut short (timeout, reset) still has a status worth grading,
	// so a read error keeps what arrived.
	x.body, _ = io.ReadAll(io.LimitReader(resp.Body, r.cfg.MaxBodyBytes))
	if rateLimited(x) {
		// Not retried: an API that is shedding load gets no extra
		// requests from probe, and the user's lower --concurrency is the
		// reliable fix. The status stays on the exchange for reports.
		x.err = fmt.Errorf("%w (%d)", ErrRateLimited, x.status)
	}
	return x
}

// memoSend sends a request once per key and shares the exchange.
func (r *run) memoSend(ctx context.Context, key string, s reqSpec) *exchange {
	r.memoMu.Lock()
	e, ok := r.memo[key]
	if !ok {
		e = &memoEntry{}
		r.memo[key] = e
	}
	r.memoMu.Unlock()
	e.once.Do(func() { e.x = r.send(ctx, s) })
	return e.x
}

// isTimeout reports a deadline or timeout error.
func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout()
}

// isDialError reports a connection that could not be opened.
func isDialError(err error) bool {
	var oe *net.OpError
	return errors.As(err, &oe) && oe.Op == "dial"
}

// errText is a short, one-line description of a request error.
func errText(err error) string {
	switch {
	case isTimeout(err):
		return "no answer within the timeout"
	case errors.Is(err, ErrRequestCap), errors.Is(err, ErrRefused):
		return err.Error()
	case errors.Is(err, ErrRateLimited):
		return err.Error() + ": the answer says nothing about the token; retry with a lower --concurrency"
	}
	if unknownAuthority(err) {
		return "the TLS certificate is signed by an unknown authority: pass the CA certificate with --cacert (or --insecure, which lets anyone on the path read the tokens)"
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return strings.Join(strings.Fields(err.Error()), " ")
}

// fingerprint summarises a body's shape: the sorted top-level member names
// of a JSON object, else the content type and a length class.
func fingerprint(x *exchange) string {
	var m map[string]json.RawMessage
	if json.Unmarshal(x.body, &m) == nil && m != nil {
		names := make([]string, 0, len(m))
		for k := range m {
			names = append(names, k)
		}
		sort.Strings(names)
		return "json{" + strings.Join(names, ",") + "}"
	}
	ct, _, _ := strings.Cut(x.header.Get("Content-Type"), ";")
	return fmt.Sprintf("%s/len%d", strings.TrimSpace(ct), bits.Len(uint(len(x.body))))
}

func class(status int) int { return status / 100 }

// baseline is the oracle of probe-checks.md §4.
type baseline struct {
	v, a   *exchange
	usable bool
	why    string // when not usable
	canary string
}

type outcome int

const (
	oRejected outcome = iota
	oAccepted
	oServerError
	oUnclear
	oFailed
)

// judge classifies a response to a token variant.
func (b *baseline) judge(x *exchange) (outcome, string) {
	switch {
	case x.err != nil:
		return oFailed, errText(x.err)
	case class(x.status) == 5:
		return oServerError, fmt.Sprintf("%d", x.status)
	case class(x.status) != 2:
		return oRejected, fmt.Sprintf("%d", x.status)
	}
	if b.canary != "" {
		if bytes.Contains(x.body, []byte(b.canary)) {
			return oAccepted, fmt.Sprintf("%d with the --expect-body text", x.status)
		}
		return oRejected, fmt.Sprintf("%d without the --expect-body text", x.status)
	}
	fp := fingerprint(x)
	likeV := b.v != nil && b.v.err == nil && class(b.v.status) == 2 && fp == fingerprint(b.v)
	aOK := b.a != nil && b.a.err == nil
	likeA := aOK && class(b.a.status) == 2 && fp == fingerprint(b.a)
	switch {
	case likeV && !likeA:
		return oAccepted, fmt.Sprintf("%d, answered like the valid token", x.status)
	case likeA && !likeV:
		return oRejected, fmt.Sprintf("%d, answered like the request without a token", x.status)
	case aOK && class(b.a.status) != 2:
		return oAccepted, fmt.Sprintf("%d where no token gets %d", x.status, b.a.status)
	}
	return oUnclear, fmt.Sprintf("%d, unlike both the valid and the anonymous answer", x.status)
}

// Run probes cfg.Target and returns the report. The error wraps
// ErrUnreachable when no request reached the target (the report then holds
// the baseline only) and ErrConfig for an unusable Config.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	r, err := newRun(cfg, false)
	if err != nil {
		return nil, err
	}
	return r.execute(ctx)
}

// Plan returns the requests Run would send, in check order, with tokens
// redacted, without sending anything. Requests that depend on an answer
// are planned as if the valid token were accepted and every other request
// refused.
func Plan(ctx context.Context, cfg Config) ([]Planned, error) {
	r, err := newRun(cfg, true)
	if err != nil {
		return nil, err
	}
	if _, err := r.execute(ctx); err != nil {
		return nil, err
	}
	var out []Planned
	for _, x := range r.reach.logins {
		out = append(out, Planned{Check: "login", Variant: x.label, Curl: x.curl})
	}
	seen := map[*exchange]bool{}
	for _, c := range Catalogue() {
		for _, x := range r.byCheck[c.ID] {
			if !seen[x] && x.curl != "" {
				seen[x] = true
				v := x.label
				if x.variant != "" {
					v = x.variant
				}
				out = append(out, Planned{Check: c.ID, Variant: v, Curl: x.curl})
			}
		}
	}
	return append(out, r.plannedListener()...), nil
}

// checkCtx sends the requests of one check and remembers them.
type checkCtx struct {
	r  *run
	id string
}

func (c *checkCtx) send(ctx context.Context, s reqSpec) *exchange {
	x := c.r.send(ctx, s)
	c.r.note(c.id, x)
	return x
}

func (c *checkCtx) memo(ctx context.Context, key string, s reqSpec) *exchange {
	x := c.r.memoSend(ctx, key, s)
	c.r.note(c.id, x)
	return x
}

func (r *run) note(id string, x *exchange) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !slices.Contains(r.byCheck[id], x) {
		r.byCheck[id] = append(r.byCheck[id], x)
	}
}

func (r *run) execute(ctx context.Context) (*Report, error) {
	started := r.cfg.Now()
	if err := r.logins(ctx); err != nil {
		return nil, err
	}
	cfg := r.cfg
	rep := &Report{Target: redactURL(cfg.Target, cfg.Token), Started: started}
	if r.forger != nil {
		rep.Token = &TokenInfo{Header: r.forger.Header(), Claims: r.forger.Claims(), Minted: cfg.Minted, Source: r.tokenSource()}
	}
	results := map[string]*Result{}
	var resMu sync.Mutex
	record := func(id string, res *Result) {
		resMu.Lock()
		results[id] = res
		resMu.Unlock()
	}

	// The baseline is always sent: it also tells whether the target is
	// reachable at all.
	bres := r.runBaseline(ctx)
	b := r.base
	if b.a.err != nil && (b.v == nil || b.v.err != nil) && !errors.Is(b.a.err, ErrRefused) && !errors.Is(b.a.err, ErrRateLimited) {
		rep.Checks = []Result{*r.result("probe.baseline", Error, "the target could not be reached: "+errText(b.a.err), b.v, b.a)}
		r.finish(rep, started)
		return rep, fmt.Errorf("%w: %s: %s", ErrUnreachable, rep.Target, errText(b.a.err))
	}
	record("probe.baseline", bres)
	if r.target.Scheme == "http" && cfg.Token != "" {
		rep.Notes = append(rep.Notes, "the target is plain http: the valid token travelled in clear")
	}
	if cfg.Client != nil && isInsecure(cfg.Client) {
		rep.Notes = append(rep.Notes, "TLS certificates were not verified (--insecure)")
	}
	r.ambient = r.ambientCredentials()
	r.crack(ctx)
	rep.Notes = append(rep.Notes, r.reachNotes()...)
	if err := r.startRemote(ctx); err != nil {
		rep.Notes = append(rep.Notes, err.Error())
	}
	defer r.stopRemote(rep)

	// Every selected check that sends requests runs concurrently; send
	// bounds the requests in flight.
	var wg sync.WaitGroup
	for _, c := range checks() {
		if !r.selected[c.id] || c.phase != phaseMain && c.run == nil {
			continue
		}
		if c.phase == phaseCorpus {
			// a corpus check may add requests of its own first
			wg.Add(1)
			go func() {
				defer wg.Done()
				_ = r.safeRun(ctx, c)
			}()
			continue
		}
		if c.phase != phaseMain {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			record(c.id, r.safeRun(ctx, c))
		}()
	}
	wg.Wait()
	// Then persistence, then the checks that grade the whole corpus.
	for _, c := range checks() {
		if r.selected[c.id] && c.phase == phaseLast {
			record(c.id, r.safeRun(ctx, c))
		}
	}
	corpus := r.corpus()
	for _, c := range checks() {
		if r.selected[c.id] && c.phase == phaseCorpus {
			record(c.id, c.corpus(r, corpus))
		}
	}
	for _, c := range Catalogue() {
		// probe.baseline is reported whatever --only says: every token
		// check stands on it, so its error or failure decides the exit
		// status too.
		if res := results[c.ID]; res != nil && (r.selected[c.ID] || c.ID == "probe.baseline") {
			rep.Checks = append(rep.Checks, *res)
		}
	}
	r.finish(rep, started)
	return rep, nil
}

func (r *run) finish(rep *Report, started time.Time) {
	rep.DurationMS = r.cfg.Now().Sub(started).Milliseconds()
	rep.Requests = int(min(r.count.Load(), int64(r.cfg.MaxRequests)))
	for _, c := range rep.Checks {
		switch c.Verdict {
		case Pass:
			rep.Summary.Pass++
		case Warn:
			rep.Summary.Warn++
		case Fail:
			rep.Summary.Fail++
		case Info:
			rep.Summary.Info++
		case Skip:
			rep.Summary.Skip++
		case Error:
			rep.Summary.Error++
		}
	}
}

// safeRun runs one check and turns a panic into an error verdict so that
// one broken check never takes the run down.
func (r *run) safeRun(ctx context.Context, c checkDef) (res *Result) {
	defer func() {
		if p := recover(); p != nil {
			res = r.result(c.id, Error, fmt.Sprintf("internal error in the check: %v", p))
		}
	}()
	return c.run(ctx, &checkCtx{r: r, id: c.id})
}

func isInsecure(c *http.Client) bool {
	t, ok := c.Transport.(*http.Transport)
	return ok && t.TLSClientConfig != nil && t.TLSClientConfig.InsecureSkipVerify
}

// result builds a Result with the catalogue's title, severity and reference.
func (r *run) result(id string, v Verdict, evidence string, xs ...*exchange) *Result {
	info := lookup(id)
	sev := SeverityNone
	switch v {
	case Fail:
		sev = info.Severity
	case Warn:
		sev = info.Severity.lower()
	}
	res := &Result{ID: id, Title: info.Title, Verdict: v, Severity: sev, Evidence: r.scrub(evidence), Reference: info.Reference, Requests: []Request{}}
	seen := map[*exchange]bool{}
	for _, x := range xs {
		if x == nil || seen[x] {
			continue
		}
		seen[x] = true
		res.Requests = append(res.Requests, x.request())
	}
	return res
}

// scrub removes from s every token the run sent and its signature: a
// server may echo one in a Location or WWW-Authenticate header that the
// evidence quotes.
func (r *run) scrub(s string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, t := range append(slices.Collect(maps.Keys(r.sent)), r.cfg.Token) {
		if t == "" {
			continue
		}
		s = strings.ReplaceAll(s, t, "REDACTED")
		if sig := t[strings.LastIndex(t, ".")+1:]; len(sig) >= 16 {
			s = strings.ReplaceAll(s, sig, "REDACTED")
		}
	}
	return s
}

// skipped is a skip verdict that says which input is missing.
func (r *run) skipped(id, why string) *Result { return r.result(id, Skip, why) }

// tokenGate returns a skip result when the token checks cannot run.
func (r *run) tokenGate(id string) *Result {
	switch {
	case r.cfg.Token == "":
		return r.skipped(id, "no valid token: give key flags or --token")
	case r.forger == nil:
		return r.skipped(id, "the valid token is not a compact JWS with a JSON payload, so no variant can be made")
	case !r.base.usable:
		return r.skipped(id, "the baseline cannot tell an accepted token from a refused one: "+r.base.why)
	}
	return nil
}

// canSign reports whether the run holds the signing key.
func (r *run) canSign() bool {
	return r.cfg.Key != nil && (r.cfg.Key.Private != nil || len(r.cfg.Key.Secret) > 0)
}

// keyGate returns a skip result when the check needs the signing key.
func (r *run) keyGate(id string) *Result {
	if g := r.tokenGate(id); g != nil {
		return g
	}
	if !r.canSign() {
		if r.cfg.Login != nil {
			return r.skipped(id, "needs the signing key to mint variants: the token came from the login and no private key or secret was given (add --key or --secret-env)")
		}
		return r.skipped(id, "needs the signing key to mint variants: --token was given without a private key or secret")
	}
	return nil
}

// corpus lists every exchange of the run once, in check order.
func (r *run) corpus() []*exchange {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []*exchange
	seen := map[*exchange]bool{}
	for _, c := range Catalogue() {
		for _, x := range r.byCheck[c.ID] {
			if !seen[x] {
				seen[x] = true
				out = append(out, x)
			}
		}
	}
	return out
}

// worst returns the worse of two verdicts for the exit status.
func worse(a, b Verdict) Verdict {
	order := []Verdict{Pass, Info, Skip, Warn, Error, Fail}
	if slices.Index(order, b) > slices.Index(order, a) {
		return b
	}
	return a
}

// Package server is jwtkit's reference API: a small HTTP handler that treats
// bearer JWTs the way probe-checks.md asks (RFC 6750 challenges, strict CORS,
// Origin checks on writes, HSTS, no-store, generic errors), plus the
// listeners that run it: HTTPS with a self-signed certificate and a plain-HTTP
// listener that only redirects.
//
// Routes:
//
//	GET  /                        index of the routes (no token)
//	GET  /me                      the verified claims
//	GET  /admin                   the verified claims, if the token has every admin role
//	POST /items                   echoes a JSON object; refuses foreign origins
//	GET  /.well-known/jwks.json   the public verification keys (404 for HMAC)
package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/jwtkit/jwtkit/pkg/keys"
	"github.com/jwtkit/jwtkit/pkg/token"
)

// Realm is the realm of every Bearer challenge.
const Realm = "jwtkit"

// Limits the handler and its listeners enforce.
const (
	DefaultMaxBodyBytes = 64 << 10 // POST body cap
	MaxHeaderBytes      = 64 << 10 // request line and headers
	PreflightMaxAge     = 600      // seconds a browser may cache a preflight
	HSTSValue           = "max-age=31536000; includeSubDomains"
)

// Config configures New.
type Config struct {
	// Verifier checks every bearer token. Required.
	Verifier *token.Verifier
	// Keys are the verification keys; their asymmetric public halves are
	// published at /.well-known/jwks.json. Nil or HMAC-only: 404 there.
	Keys *keys.Set
	// AdminRoles are the roles GET /admin needs, all of them.
	AdminRoles []string
	// RolesClaim is the dotted claim that holds roles; default "roles".
	RolesClaim string
	// AllowOrigins are the CORS origins, matched exactly. Each must pass
	// CheckOrigin.
	AllowOrigins []string
	// MaxBodyBytes caps POST bodies; 0 means DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// Log receives one line per request (method, path, status, duration);
	// nil logs nothing. Writes are serialised.
	Log io.Writer
	// Now stamps log lines; nil means time.Now.
	Now func() time.Time

	// TokenCookie, when set, is the cookie that carries the token instead
	// of the Authorization header (login.go).
	TokenCookie string
	// Login, when set, enables the demonstration password grant at
	// POST /token (login.go).
	Login *Login
}

type handler struct {
	cfg     Config
	allowed map[string]bool
	jwks    []byte // nil: no asymmetric key to publish
	routes  map[string]route
	logMu   sync.Mutex
}

type route struct {
	methods []string // HEAD is implied by GET
	serve   func(w http.ResponseWriter, r *http.Request)
}

// New builds the API handler. It fails when the config is unusable: no
// verifier, an invalid allowed origin, or keys that cannot be published.
func New(cfg Config) (http.Handler, error) {
	if cfg.Verifier == nil {
		return nil, errors.New("server: a verifier is required")
	}
	if cfg.RolesClaim == "" {
		cfg.RolesClaim = "roles"
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	h := &handler{cfg: cfg, allowed: map[string]bool{}}
	for _, o := range cfg.AllowOrigins {
		if err := CheckOrigin(o); err != nil {
			return nil, err
		}
		h.allowed[o] = true
	}
	if cfg.Keys != nil {
		var pub []*keys.Key
		for _, k := range cfg.Keys.Keys {
			if k.Type != keys.Oct {
				p, err := keys.PublishedKey(k, "", false)
				if err != nil {
					return nil, fmt.Errorf("publishing the JWKS: %w", err)
				}
				pub = append(pub, p)
			}
		}
		if len(pub) > 0 {
			b, err := keys.MarshalJWKS(pub)
			if err != nil {
				return nil, fmt.Errorf("publishing the JWKS: %w", err)
			}
			h.jwks = b
		}
	}
	h.routes = map[string]route{
		"/":                      {[]string{http.MethodGet}, h.index},
		"/me":                    {[]string{http.MethodGet}, h.me},
		"/admin":                 {[]string{http.MethodGet}, h.admin},
		"/items":                 {[]string{http.MethodPost}, h.items},
		"/.well-known/jwks.json": {[]string{http.MethodGet}, h.jwksDoc},
	}
	if cfg.Login != nil {
		if err := cfg.Login.check(); err != nil {
			return nil, err
		}
		h.routes["/token"] = route{[]string{http.MethodPost}, h.token}
	}
	return h, nil
}

// ServeHTTP wraps every request: status recording, panic recovery, the
// headers every response carries, CORS, then the route.
func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	rec := &recorder{ResponseWriter: w}
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler { //nolint:errorlint // sentinel panic value
				panic(v)
			}
			h.logf("panic serving %s %s: %s", r.Method, r.URL.EscapedPath(), panicSummary(v))
			if !rec.wrote {
				writeError(rec, http.StatusInternalServerError, "server_error", "the server could not complete the request")
			}
		}
		if h.cfg.Log != nil {
			h.logf("%s %s %d %s", r.Method, r.URL.EscapedPath(), rec.status(), time.Since(start).Round(time.Microsecond))
		}
	}()
	SecurityHeaders(rec.Header(), r.TLS != nil)
	if h.cors(rec, r) {
		return
	}
	rt, ok := h.routes[r.URL.Path]
	if !ok {
		writeError(rec, http.StatusNotFound, "not_found", "no such resource")
		return
	}
	if !allows(rt.methods, r.Method) {
		allow := strings.Join(rt.methods, ", ")
		if allows(rt.methods, http.MethodGet) {
			allow = "GET, HEAD"
		}
		rec.Header().Set("Allow", allow)
		writeError(rec, http.StatusMethodNotAllowed, "method_not_allowed", "method not allowed")
		return
	}
	rt.serve(rec, r)
}

func allows(methods []string, m string) bool {
	for _, x := range methods {
		if x == m || (x == http.MethodGet && m == http.MethodHead) {
			return true
		}
	}
	return false
}

// SecurityHeaders sets the headers every response carries: no-store, nosniff,
// a deny-all CSP and framing ban for an API that serves no HTML, and HSTS
// when the response goes over TLS (RFC 6797 §7.2 forbids it on plain HTTP).
func SecurityHeaders(hd http.Header, overTLS bool) {
	hd.Set("Cache-Control", "no-store")
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
	hd.Set("Referrer-Policy", "no-referrer")
	if overTLS {
		hd.Set("Strict-Transport-Security", HSTSValue)
	}
}

func (h *handler) logf(format string, a ...any) {
	if h.cfg.Log == nil {
		return
	}
	line := fmt.Sprintf(format, a...)
	h.logMu.Lock()
	defer h.logMu.Unlock()
	fmt.Fprintf(h.cfg.Log, "%s %s\n", h.cfg.Now().Format("15:04:05"), line)
}

// panicSummary describes a recovered panic without echoing arbitrary values,
// which could hold request data such as a token: runtime errors carry only
// fixed text, anything else is named by type.
func panicSummary(v any) string {
	if re, ok := v.(runtime.Error); ok {
		return re.Error()
	}
	return fmt.Sprintf("panic value of type %T (withheld)", v)
}

// recorder remembers the status for the log line and whether the header was
// sent, so a recovered panic does not write a second one.
type recorder struct {
	http.ResponseWriter
	code  int
	wrote bool
}

func (r *recorder) WriteHeader(code int) {
	if !r.wrote {
		r.code, r.wrote = code, true
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if !r.wrote {
		r.code, r.wrote = http.StatusOK, true
	}
	return r.ResponseWriter.Write(b)
}

func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

func (r *recorder) status() int {
	if !r.wrote {
		return http.StatusOK
	}
	return r.code
}

// errorBody is every error response: RFC 6750 names, nothing internal.
type errorBody struct {
	Error       string `json:"error"`
	Description string `json:"error_description,omitempty"`
}

func writeError(w http.ResponseWriter, code int, errCode, desc string) {
	writeJSON(w, code, errorBody{Error: errCode, Description: desc})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		code = http.StatusInternalServerError
		b = []byte(`{"error":"server_error"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_, _ = w.Write(append(b, '\n'))
}

// challenge answers an authentication failure with the RFC 6750 §3
// challenge. errCode "" is the no-credentials case: realm only.
func challenge(w http.ResponseWriter, code int, errCode, desc string) {
	v := fmt.Sprintf("Bearer realm=%q", Realm)
	if errCode != "" {
		v += fmt.Sprintf(", error=%q, error_description=%q", errCode, desc)
	}
	w.Header().Set("WWW-Authenticate", v)
	if errCode == "" {
		writeError(w, code, "unauthorized", "a bearer token is required")
		return
	}
	writeError(w, code, errCode, desc)
}

// authenticate extracts and verifies the bearer token. It answers the
// request itself and returns nil when the token is missing or bad.
func (h *handler) authenticate(w http.ResponseWriter, r *http.Request) *token.Result {
	// RFC 6750 §2.3: URI query tokens end up in logs and Referer headers;
	// refuse them outright, alone or next to a header (§2: one method only).
	if q, err := url.ParseQuery(r.URL.RawQuery); err != nil {
		challenge(w, http.StatusBadRequest, "invalid_request", "the query string is malformed")
		return nil
	} else if _, ok := q["access_token"]; ok {
		challenge(w, http.StatusBadRequest, "invalid_request", "send the token in the Authorization header, not the URL")
		return nil
	}
	if h.cfg.TokenCookie != "" {
		return h.authenticateCookie(w, r)
	}
	vals := r.Header.Values("Authorization")
	if len(vals) > 1 {
		challenge(w, http.StatusBadRequest, "invalid_request", "send exactly one Authorization header")
		return nil
	}
	if len(vals) == 0 {
		challenge(w, http.StatusUnauthorized, "", "")
		return nil
	}
	scheme, raw, _ := strings.Cut(strings.TrimSpace(vals[0]), " ")
	if !strings.EqualFold(scheme, "Bearer") {
		// Another scheme (Basic, Token, a bare token) is no bearer
		// credential at all: RFC 6750 §3.1 says no error code then.
		challenge(w, http.StatusUnauthorized, "", "")
		return nil
	}
	return h.verify(w, strings.TrimSpace(raw))
}

// verify checks a bearer token and answers the request itself when it is
// invalid.
func (h *handler) verify(w http.ResponseWriter, raw string) *token.Result {
	res := h.cfg.Verifier.Verify(raw)
	if res == nil || !res.Valid {
		desc := "the access token is invalid"
		switch {
		case res == nil:
		case res.Reason == token.ReasonMalformed:
			desc = "the access token is malformed"
		case res.Reason == token.ReasonExpired:
			desc = "the access token expired"
		}
		challenge(w, http.StatusUnauthorized, "invalid_token", desc)
		return nil
	}
	return res
}

func (h *handler) index(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{
		"service": "jwtkit serve",
		"routes": []string{
			"GET /me (bearer token)",
			"GET /admin (bearer token with roles " + strings.Join(h.cfg.AdminRoles, ", ") + ")",
			"POST /items (bearer token, JSON object, same-origin or allowed origin)",
			"GET /.well-known/jwks.json",
		},
	})
}

func (h *handler) me(w http.ResponseWriter, r *http.Request) {
	res := h.authenticate(w, r)
	if res == nil {
		return
	}
	writeJSON(w, http.StatusOK, claimsOf(res))
}

func claimsOf(res *token.Result) map[string]any {
	if res.Token == nil || res.Token.Claims == nil {
		return map[string]any{}
	}
	return res.Token.Claims
}

func (h *handler) admin(w http.ResponseWriter, r *http.Request) {
	res := h.authenticate(w, r)
	if res == nil {
		return
	}
	claims := claimsOf(res)
	have := rolesIn(claims, h.cfg.RolesClaim)
	for _, need := range h.cfg.AdminRoles {
		if !have[need] {
			w.Header().Set("WWW-Authenticate", fmt.Sprintf("Bearer realm=%q, error=%q, error_description=%q",
				Realm, "insufficient_scope", "the access token lacks a required role"))
			writeError(w, http.StatusForbidden, "insufficient_scope", "the access token lacks a required role")
			return
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"admin": true, "claims": claims})
}

// rolesIn reads the roles claim as token.StringList does: an array of
// strings, or one string of roles delimited by U+0020. An ambiguous name or
// a value of another shape holds no role.
func rolesIn(claims map[string]any, claim string) map[string]bool {
	have := map[string]bool{}
	list, _, err := token.StringList(claims, claim)
	if err != nil {
		return have
	}
	for _, s := range list {
		have[s] = true
	}
	return have
}

func (h *handler) items(w http.ResponseWriter, r *http.Request) {
	// With the token in a cookie a browser attaches it to any write, so a
	// write must also say where it comes from.
	if !h.sameOriginWrite(r) || h.cfg.TokenCookie != "" && r.Header.Get("Origin") == "" {
		writeError(w, http.StatusForbidden, "forbidden_origin", "cross-origin writes are refused")
		return
	}
	res := h.authenticate(w, r)
	if res == nil {
		return
	}
	// A JSON content type forces browsers into a preflight: text/plain and
	// form posts are the preflight-less CSRF path, so they are refused.
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		writeError(w, http.StatusUnsupportedMediaType, "unsupported_media_type", "send a JSON object with Content-Type: application/json")
		return
	}
	item, err := readObject(http.MaxBytesReader(w, r.Body, h.cfg.MaxBodyBytes))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			writeError(w, http.StatusRequestEntityTooLarge, "too_large", fmt.Sprintf("the body exceeds %d bytes", h.cfg.MaxBodyBytes))
			return
		}
		writeError(w, http.StatusBadRequest, "invalid_request", "the body must be one JSON object")
		return
	}
	sub, _ := claimsOf(res)["sub"].(string)
	writeJSON(w, http.StatusCreated, map[string]any{"item": item, "created_by": sub})
}

// readObject reads exactly one JSON object and nothing after it.
func readObject(r io.Reader) (map[string]any, error) {
	dec := json.NewDecoder(r)
	dec.UseNumber()
	var item map[string]any
	if err := dec.Decode(&item); err != nil {
		return nil, err
	}
	if item == nil {
		return nil, errors.New("the body is null")
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		if err == nil {
			err = errors.New("data after the object")
		}
		return nil, err
	}
	return item, nil
}

func (h *handler) jwksDoc(w http.ResponseWriter, r *http.Request) {
	if h.jwks == nil {
		writeError(w, http.StatusNotFound, "not_found", "this server verifies with an HMAC secret: there is no public key to publish")
		return
	}
	w.Header().Set("Content-Type", "application/jwk-set+json")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(h.jwks)
}

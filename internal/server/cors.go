package server

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// CheckOrigin validates an origin for the CORS allow-list. It must be exactly
// what a browser sends in Origin: scheme://host[:port], http or https, lower
// case, no default port, path, query or trailing slash. "null" and "*" are
// refused: any sandboxed page can send null, and a wildcard is not an
// allow-list.
func CheckOrigin(o string) error {
	switch o {
	case "null":
		return errors.New(`origin "null" cannot be allowed: sandboxed frames and redirect chains send it, so any page could pass`)
	case "*":
		return errors.New(`origin "*" cannot be allowed: list each trusted origin`)
	case "":
		return errors.New("origin is empty")
	}
	u, err := url.Parse(o)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Hostname() == "" ||
		u.User != nil || u.Opaque != "" || u.Path != "" || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" ||
		strings.ContainsAny(u.Host, "*?#/\\ ") {
		return fmt.Errorf("origin %q is not scheme://host[:port] (http or https, no path)", o)
	}
	host := strings.ToLower(u.Host)
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return fmt.Errorf("origin %q has an invalid port", o)
		}
		if (u.Scheme == "https" && n == 443) || (u.Scheme == "http" && n == 80) {
			host = strings.TrimSuffix(host, ":"+p)
		}
	}
	if want := u.Scheme + "://" + host; o != want {
		return fmt.Errorf("origin %q is not written as browsers send it: use %q", o, want)
	}
	return nil
}

// cors applies the CORS rules and answers preflights. It reports whether
// the request was answered. Only allow-listed origins, compared byte for
// byte, get Access-Control-Allow-Origin; credentials are never allowed
// (bearer tokens travel in Authorization, which needs no ambient
// credentials); a preflight needs no token.
func (h *handler) cors(w http.ResponseWriter, r *http.Request) bool {
	hd := w.Header()
	hd.Add("Vary", "Origin")
	origins := r.Header.Values("Origin")
	origin := ""
	if len(origins) == 1 {
		origin = origins[0]
	}
	allowed := origin != "" && h.allowed[origin]
	if r.Method == http.MethodOptions && len(origins) > 0 && r.Header.Get("Access-Control-Request-Method") != "" {
		hd.Set("Vary", "Origin, Access-Control-Request-Method, Access-Control-Request-Headers")
		rt, ok := h.routes[r.URL.Path]
		switch {
		case !ok:
			writeError(w, http.StatusNotFound, "not_found", "no such resource")
		case !allowed:
			writeError(w, http.StatusForbidden, "forbidden_origin", "this origin is not allowed")
		default:
			methods := rt.methods
			if allows(methods, http.MethodGet) {
				methods = []string{http.MethodGet, http.MethodHead}
			}
			hd.Set("Access-Control-Allow-Origin", origin)
			hd.Set("Access-Control-Allow-Methods", strings.Join(methods, ", "))
			hd.Set("Access-Control-Allow-Headers", "Authorization, Content-Type")
			hd.Set("Access-Control-Max-Age", strconv.Itoa(PreflightMaxAge))
			w.WriteHeader(http.StatusNoContent)
		}
		return true
	}
	if allowed {
		hd.Set("Access-Control-Allow-Origin", origin)
		hd.Set("Access-Control-Expose-Headers", "WWW-Authenticate")
	}
	return false
}

// sameOriginWrite decides whether a state-changing request may proceed: a
// browser request must come from this server's own origin or an
// allow-listed one (OWASP CSRF cheat sheet: Fetch Metadata first, then an
// exact Origin check). Requests with neither header are not from a browser
// and pass to authentication.
func (h *handler) sameOriginWrite(r *http.Request) bool {
	origins := r.Header.Values("Origin")
	if len(origins) > 1 {
		return false
	}
	site := strings.ToLower(r.Header.Get("Sec-Fetch-Site"))
	if len(origins) == 0 {
		return site == "" || site == "same-origin" || site == "none"
	}
	origin := origins[0]
	if h.allowed[origin] {
		return true
	}
	if site == "cross-site" || site == "same-site" {
		return false
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return origin != "null" && strings.EqualFold(origin, scheme+"://"+r.Host)
}

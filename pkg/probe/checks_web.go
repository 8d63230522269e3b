package probe

import (
	"bufio"
	"context"
	_ "embed"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/jwtkit/jwtkit/pkg/keys"
)

//go:embed weak-secrets.txt
var weakSecretsFile string

type weakSecret struct {
	line   int
	secret []byte
}

// weakSecrets parses the embedded list once, on first use.
var weakSecrets = sync.OnceValue(func() []weakSecret {
	var out []weakSecret
	sc := bufio.NewScanner(strings.NewReader(weakSecretsFile))
	for n := 1; sc.Scan(); n++ {
		l := strings.TrimSuffix(sc.Text(), "\r")
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		out = append(out, weakSecret{line: n, secret: []byte(l)})
	}
	return out
})

func checkWeakSecret(_ context.Context, c *checkCtx) (res *Result) {
	r := c.r
	if r.cfg.Token == "" || r.forger == nil {
		return r.skipped(c.id, "no valid token to test offline")
	}
	alg := r.forger.Alg()
	a, ok := keys.LookupAlg(alg)
	if !ok || a.Family != keys.FamilyHMAC {
		return r.skipped(c.id, fmt.Sprintf("the token is %s: weak secrets apply to HMAC (HS*) tokens", alg))
	}
	// The search ran once, before the checks (run.crack).
	cr := r.reach.cracked
	switch {
	case cr == nil:
		return r.result(c.id, Error, "the token cannot be parsed")
	case cr.line > 0 && cr.wordlist:
		return r.result(c.id, Fail, fmt.Sprintf("the HMAC secret is on the wordlist: %s; anyone can mint tokens", cr.where(r)))
	case cr.line > 0:
		return r.result(c.id, Fail, fmt.Sprintf("the HMAC secret is a published or default one: %s; anyone can mint tokens", cr.where(r)))
	case cr.err != nil:
		return r.result(c.id, Error, cr.err.Error())
	}
	if r.cfg.Wordlist != "" {
		defer func() { res.Evidence += fmt.Sprintf("; nor do the %d lines of %s", cr.lines, r.wordlistName()) }()
	}
	if k := r.cfg.Key; k != nil && len(k.Secret) > 0 && len(k.Secret) < a.MinSecretBytes {
		return r.result(c.id, Warn, fmt.Sprintf("no built-in secret matched, but the secret is %d bytes where %s wants at least %d (RFC 7518 §3.2)", len(k.Secret), alg, a.MinSecretBytes))
	}
	return r.result(c.id, Pass, fmt.Sprintf("none of the %d built-in published or default secrets signs the token", len(weakSecrets())))
}

// stackPatterns mark stack traces, debug pages and database errors;
// libraryPatterns mark JWT library internals. Compiled on first use.
var (
	stackPatterns = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`Traceback \(most recent call last\)|File "[^"]+", line \d+|goroutine \d+ \[|(?m)^panic: |\bat [\w$.]+\([\w$]+\.(java|kt|scala):\d+\)|Exception in thread "|at \S+ \(\S+\.[cm]?js:\d+:\d+\)|<title>Starlette Debugger</title>|Werkzeug Debugger|Whoops! There was an error|SQLSTATE\[|You have an error in your SQL syntax|syntax error at or near "|ORA-\d{5}|System\.\w+Exception:|Microsoft\.AspNetCore\.`)
	})
	libraryPatterns = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?i)Not enough segments|Invalid header padding|Invalid crypto padding|Signature verification failed|token contains an invalid number of segments|illegal base64 data at input|jwt malformed|invalid algorithm|JWSInvalidSignature|JWTDecodeException|SignatureVerificationException|MalformedJwtException|could not deserialize key data|invalid character '.' looking for beginning of value`)
	})
)

func checkStackTrace(r *run, xs []*exchange) *Result {
	const id = "resp.no-stack-trace"
	n := 0
	var lib *exchange
	var libMatch string
	for _, x := range xs {
		if x.err != nil || class(x.status) == 2 || len(x.body) == 0 {
			continue
		}
		n++
		if m := stackPatterns().Find(x.body); m != nil {
			return r.result(id, Fail, fmt.Sprintf("%s → %d with a stack trace or debug output in the body (%q)", x.label, x.status, clip(string(m))), x)
		}
		if lib == nil {
			if m := libraryPatterns().Find(x.body); m != nil {
				lib, libMatch = x, string(m)
			}
		}
	}
	switch {
	case lib != nil:
		return r.result(id, Warn, fmt.Sprintf("%s → %d with a JWT library message in the body (%q)", lib.label, lib.status, clip(libMatch)), lib)
	case n == 0:
		return r.result(id, Info, "no error body was collected")
	}
	return r.result(id, Pass, fmt.Sprintf("%d error bodies hold no stack trace, debug page or library message", n))
}

func checkCacheControl(_ context.Context, c *checkCtx) *Result {
	r := c.r
	v := r.base.v
	if v == nil || v.err != nil || class(v.status) != 2 {
		return r.skipped(c.id, "no accepted valid-token answer to inspect")
	}
	cc := strings.ToLower(strings.Join(v.header.Values("Cache-Control"), ", "))
	if strings.Contains(cc, "no-store") || strings.Contains(cc, "private") {
		return r.result(c.id, Pass, fmt.Sprintf("valid token → %d with Cache-Control: %s", v.status, clip(strings.Join(v.header.Values("Cache-Control"), ", "))), v)
	}
	if cc == "" {
		return r.result(c.id, Warn, fmt.Sprintf("valid token → %d without Cache-Control: shared caches may keep authenticated data (want no-store or private)", v.status), v)
	}
	return r.result(c.id, Warn, fmt.Sprintf("valid token → %d with Cache-Control: %s, which allows shared caching (want no-store or private)", v.status, clip(cc)), v)
}

// plainURL is the plain-HTTP URL tried by tls.http-redirect, with a marker
// query parameter to see whether the redirect keeps the query.
func (r *run) plainURL() *url.URL {
	var u *url.URL
	if r.cfg.HTTPURL != "" {
		u, _ = url.Parse(r.cfg.HTTPURL)
	} else {
		cp := *r.target
		u = &cp
		u.Scheme = "http"
		u.Host = u.Hostname()
		if strings.Contains(u.Host, ":") {
			u.Host = "[" + u.Host + "]"
		}
	}
	q := u.Query()
	q.Set("jwtkit-probe", "1")
	u.RawQuery = q.Encode()
	return u
}

func checkHTTPRedirect(ctx context.Context, c *checkCtx) *Result {
	r := c.r
	if r.target.Scheme == "http" {
		return r.result(c.id, Warn, "the target itself is plain http: tokens and data travel in clear (probe the https URL to grade the redirect)")
	}
	pu := r.plainURL()
	x := c.send(ctx, reqSpec{method: http.MethodGet, url: pu.String(), label: "plain http, no token", bare: true})
	if x.err != nil {
		switch {
		case isDialError(x.err):
			return r.result(c.id, Pass, fmt.Sprintf("no HTTP listener at %s (%s)", pu.Host, errText(x.err)), x)
		case isTimeout(x.err):
			return r.result(c.id, Pass, fmt.Sprintf("no answer on plain http at %s within the timeout", pu.Host), x)
		}
		return r.result(c.id, Error, "the plain-http request failed: "+errText(x.err), x)
	}
	loc := x.header.Get("Location")
	switch {
	case class(x.status) == 3 && loc != "":
		l, err := pu.Parse(loc)
		if err != nil {
			return r.result(c.id, Warn, fmt.Sprintf("plain http → %d with an unparsable Location: %s", x.status, clip(loc)), x)
		}
		switch {
		case l.Scheme != "https":
			return r.result(c.id, Fail, fmt.Sprintf("plain http → %d (Location: %s): the redirect stays on plain http", x.status, clip(loc)), x)
		case !strings.EqualFold(l.Hostname(), r.target.Hostname()):
			return r.result(c.id, Warn, fmt.Sprintf("plain http → %d (Location: %s): the first hop leaves the host, so HSTS cannot be set for it", x.status, clip(loc)), x)
		case l.Path != r.target.Path && !(l.Path == "" && r.target.Path == "/" || l.Path == "/" && r.target.Path == ""):
			return r.result(c.id, Warn, fmt.Sprintf("plain http → %d (Location: %s): the path is lost", x.status, clip(loc)), x)
		case l.Query().Get("jwtkit-probe") != "1":
			return r.result(c.id, Warn, fmt.Sprintf("plain http → %d (Location: %s): the query is lost", x.status, clip(loc)), x)
		case x.status == http.StatusMovedPermanently || x.status == http.StatusPermanentRedirect:
			return r.result(c.id, Pass, fmt.Sprintf("plain http → %s", describe(x)), x)
		}
		return r.result(c.id, Warn, fmt.Sprintf("plain http → %s: a temporary redirect; use 308 (or 301) so clients learn the https URL (RFC 6797 §7.2)", describe(x)), x)
	case class(x.status) == 2:
		return r.result(c.id, Fail, fmt.Sprintf("plain http → %d: the API serves content over plain http", x.status), x)
	case x.status == http.StatusUnauthorized || x.status == http.StatusForbidden:
		return r.result(c.id, Fail, fmt.Sprintf("plain http → %s: the API processes plaintext requests, so tokens sent there travel in clear", describe(x)), x)
	case class(x.status) == 5:
		return r.result(c.id, Warn, fmt.Sprintf("plain http → %d", x.status), x)
	case class(x.status) == 3:
		return r.result(c.id, Warn, fmt.Sprintf("plain http → %d without a Location", x.status), x)
	}
	return r.result(c.id, Pass, fmt.Sprintf("plain http → %d: refused without serving the API (ASVS 4.1.2)", x.status), x)
}

func checkNoDowngrade(ctx context.Context, c *checkCtx) *Result {
	r := c.r
	if r.target.Scheme != "https" {
		return r.skipped(c.id, "the target is plain http; there is no https redirect to grade")
	}
	u := *r.target
	if strings.HasSuffix(u.Path, "/") && u.Path != "/" {
		u.Path = strings.TrimSuffix(u.Path, "/")
	} else {
		u.Path += "/"
	}
	u.RawPath = ""
	x := c.send(ctx, reqSpec{method: http.MethodGet, url: u.String(), label: "trailing slash toggled, no token", bare: true})
	if x.err != nil {
		return r.result(c.id, Error, "the request failed: "+errText(x.err), x)
	}
	if class(x.status) == 3 {
		loc := x.header.Get("Location")
		if l, err := u.Parse(loc); err == nil && l.Scheme == "http" {
			return r.result(c.id, Fail, fmt.Sprintf("%s → %d (Location: %s): a redirect from https to plain http (proxy headers not trusted?)", u.Path, x.status, clip(loc)), x)
		}
		return r.result(c.id, Pass, fmt.Sprintf("%s → %s: the redirect stays on https", u.Path, describe(x)), x)
	}
	return r.result(c.id, Pass, fmt.Sprintf("%s → %d: no redirect triggered", u.Path, x.status), x)
}

const (
	hstsYear     = 31536000
	hstsHalfYear = 15552000
)

func checkHSTS(_ context.Context, c *checkCtx) *Result {
	r := c.r
	if r.target.Scheme != "https" {
		return r.skipped(c.id, "the target is plain http; HSTS is only sent and honoured over https")
	}
	type seen struct {
		x    *exchange
		name string
	}
	var got []seen
	if v := r.base.v; v != nil && v.err == nil {
		got = append(got, seen{v, fmt.Sprintf("the %d with the valid token", v.status)})
	}
	if a := r.base.a; a != nil && a.err == nil {
		got = append(got, seen{a, fmt.Sprintf("the %d without a token", a.status)})
	}
	if len(got) == 0 {
		return r.result(c.id, Error, "no https answer to inspect")
	}
	var missing, present []seen
	for _, s := range got {
		if len(s.x.header.Values("Strict-Transport-Security")) == 0 {
			missing = append(missing, s)
		} else {
			present = append(present, s)
		}
	}
	xs := []*exchange{}
	for _, s := range got {
		xs = append(xs, s.x)
	}
	if len(present) == 0 {
		return r.result(c.id, Fail, "no Strict-Transport-Security on "+joinNames(got, func(s seen) string { return s.name }), xs...)
	}
	vals := present[0].x.header.Values("Strict-Transport-Security")
	if len(vals) > 1 {
		return r.result(c.id, Warn, fmt.Sprintf("%d Strict-Transport-Security fields on %s; user agents use only the first", len(vals), present[0].name), xs...)
	}
	h, err := ParseHSTS(vals[0])
	switch {
	case err != nil:
		return r.result(c.id, Warn, fmt.Sprintf("Strict-Transport-Security: %s is invalid: %v", clip(vals[0]), err), xs...)
	case h.MaxAge == 0:
		return r.result(c.id, Fail, "Strict-Transport-Security: max-age=0 tells browsers to forget HSTS", xs...)
	case len(missing) > 0:
		return r.result(c.id, Warn, fmt.Sprintf("Strict-Transport-Security on %s but not on %s (nginx add_header without always?)", present[0].name, missing[0].name), xs...)
	case h.MaxAge < hstsHalfYear:
		return r.result(c.id, Warn, fmt.Sprintf("Strict-Transport-Security max-age=%d is under 6 months (want at least %d, ASVS 3.4.1)", h.MaxAge, hstsYear), xs...)
	case h.MaxAge < hstsYear:
		return r.result(c.id, Warn, fmt.Sprintf("Strict-Transport-Security max-age=%d is under a year (ASVS 3.4.1 wants %d)", h.MaxAge, hstsYear), xs...)
	}
	return r.result(c.id, Pass, fmt.Sprintf("Strict-Transport-Security: %s on %s", clip(vals[0]), joinNames(got, func(s seen) string { return s.name })), xs...)
}

func joinNames[T any](xs []T, f func(T) string) string {
	var s []string
	for _, x := range xs {
		s = append(s, f(x))
	}
	return strings.Join(s, " and ")
}

// Origins the CORS and CSRF checks send.
const (
	foreignOrigin = "https://jwtkit-probe.example"
)

func (r *run) corsGet(ctx context.Context, c *checkCtx, origin, label string) *exchange {
	return c.memo(ctx, "cors:"+origin, reqSpec{method: http.MethodGet, url: r.cfg.Target, label: label, header: http.Header{"Origin": {origin}}})
}

// acao returns the response's Access-Control-Allow-Origin and whether
// credentials are allowed.
func acao(x *exchange) (origin string, creds bool) {
	if x == nil || x.err != nil {
		return "", false
	}
	return x.header.Get("Access-Control-Allow-Origin"), strings.EqualFold(strings.TrimSpace(x.header.Get("Access-Control-Allow-Credentials")), "true")
}

// reflectsAny reports whether an arbitrary origin is echoed (shared by the
// CORS checks so one defect fails one check).
func (r *run) reflectsAny(ctx context.Context, c *checkCtx) (*exchange, bool) {
	x := r.corsGet(ctx, c, foreignOrigin, "Origin: "+foreignOrigin)
	o, _ := acao(x)
	return x, o == foreignOrigin
}

func checkCORSReflect(ctx context.Context, c *checkCtx) *Result {
	r := c.r
	x, _ := r.reflectsAny(ctx, c)
	if x.err != nil {
		return r.result(c.id, Error, "the request failed: "+errText(x.err), x)
	}
	o, creds := acao(x)
	switch {
	case o == foreignOrigin && creds:
		return r.result(c.id, Fail, fmt.Sprintf("Origin: %s → %d with Access-Control-Allow-Origin: %s and Access-Control-Allow-Credentials: true: any site can read authenticated answers", foreignOrigin, x.status, o), x)
	case o == foreignOrigin:
		return r.result(c.id, Warn, fmt.Sprintf("Origin: %s → %d with Access-Control-Allow-Origin: %s (no credentials): any site can read public answers", foreignOrigin, x.status, o), x)
	case o == "*":
		return r.result(c.id, Pass, fmt.Sprintf("Origin: %s → %d with Access-Control-Allow-Origin: * (browsers never send credentials with it)", foreignOrigin, x.status), x)
	case o != "":
		return r.result(c.id, Pass, fmt.Sprintf("Origin: %s → %d with the fixed Access-Control-Allow-Origin: %s", foreignOrigin, x.status, clip(o)), x)
	}
	return r.result(c.id, Pass, fmt.Sprintf("Origin: %s → %d without Access-Control-Allow-Origin", foreignOrigin, x.status), x)
}

func checkCORSNull(ctx context.Context, c *checkCtx) *Result {
	r := c.r
	if ax, every := r.reflectsAny(ctx, c); every {
		return r.result(c.id, Info, "not graded: every Origin is reflected (see cors.reflect-arbitrary), null included", ax)
	}
	x := r.corsGet(ctx, c, "null", "Origin: null")
	if x.err != nil {
		return r.result(c.id, Error, "the request failed: "+errText(x.err), x)
	}
	o, creds := acao(x)
	switch {
	case o == "null" && creds:
		return r.result(c.id, Fail, fmt.Sprintf("Origin: null → %d with Access-Control-Allow-Origin: null and credentials: sandboxed iframes of any site get in", x.status), x)
	case o == "null":
		return r.result(c.id, Warn, fmt.Sprintf("Origin: null → %d with Access-Control-Allow-Origin: null (no credentials)", x.status), x)
	}
	return r.result(c.id, Pass, fmt.Sprintf("Origin: null → %d without Access-Control-Allow-Origin: null", x.status), x)
}

// lookalikes builds the look-alike origins of cors.origin-matching around
// the trusted origin (or the target's own origin).
func (r *run) lookalikes() (subdomain, plain string, others []string) {
	base := r.target
	if r.cfg.Origin != "" {
		base, _ = url.Parse(r.cfg.Origin)
	}
	h := strings.ToLower(base.Hostname())
	portSuffix := ""
	if p := base.Port(); p != "" {
		portSuffix = ":" + p
	}
	d := h
	if net.ParseIP(h) == nil {
		if labels := strings.Split(h, "."); len(labels) > 2 {
			d = strings.Join(labels[len(labels)-2:], ".")
		}
	}
	others = []string{
		"https://" + h + ".evil.example",
		"https://evil" + h + portSuffix,
		"https://" + h + "_.evil.example",
		"https://" + h + "%60.evil.example",
	}
	if strings.Count(h, ".") >= 2 {
		others = append(others, "https://"+strings.Replace(h, ".", "x", 1)+portSuffix)
	}
	if d != h {
		others = append(others, "https://evil"+d+portSuffix)
	}
	for _, ch := range "$~=+&*()'!;," {
		others = append(others, "https://"+h+"."+string(ch)+".evil.example")
	}
	subdomain = "https://jwtkit-probe." + d + portSuffix
	if base.Scheme == "https" {
		plain = "http://" + h + portSuffix
	}
	return subdomain, plain, others
}

func checkCORSMatching(ctx context.Context, c *checkCtx) *Result {
	r := c.r
	if ax, every := r.reflectsAny(ctx, c); every {
		return r.result(c.id, Info, "not graded: every Origin is reflected (see cors.reflect-arbitrary)", ax)
	}
	sub, plain, others := r.lookalikes()
	var xs []*exchange
	var warnX, failX *exchange
	var warnWhy string
	try := func(origin, kind string) {
		x := c.send(ctx, reqSpec{method: http.MethodGet, url: r.cfg.Target, label: "Origin: " + origin, header: http.Header{"Origin": {origin}}})
		xs = append(xs, x)
		o, creds := acao(x)
		if o != origin {
			return
		}
		if kind == "lookalike" && creds && failX == nil {
			failX = x
		} else if warnX == nil {
			warnX = x
			warnWhy = kind
		}
	}
	for _, o := range others {
		try(o, "lookalike")
	}
	try(sub, "subdomain")
	if plain != "" {
		try(plain, "plain")
	}
	switch {
	case failX != nil:
		return r.result(c.id, Fail, fmt.Sprintf("the look-alike %s → %d with Access-Control-Allow-Origin echoed and credentials allowed: the origin check matches a prefix, suffix or pattern", failX.origin, failX.status), xs...)
	case warnX != nil:
		why := map[string]string{
			"lookalike": "a look-alike origin is echoed (no credentials)",
			"subdomain": "any subdomain is trusted: one taken-over or XSS-prone subdomain reads the API",
			"plain":     "the plain-http origin is trusted: a network attacker can inject it",
		}[warnWhy]
		return r.result(c.id, Warn, fmt.Sprintf("%s → %d with Access-Control-Allow-Origin echoed: %s", warnX.origin, warnX.status, why), xs...)
	}
	errs := 0
	for _, x := range xs {
		if x.err != nil {
			errs++
		}
	}
	if errs == len(xs) {
		return r.result(c.id, Error, "every request failed: "+errText(xs[0].err), xs...)
	}
	return r.result(c.id, Pass, fmt.Sprintf("none of %d look-alike origins was echoed", len(xs)), xs...)
}

func splitList(v string) []string {
	var out []string
	for p := range strings.SplitSeq(v, ",") {
		if p = strings.ToLower(strings.TrimSpace(p)); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func checkCORSPreflight(ctx context.Context, c *checkCtx) *Result {
	r := c.r
	pre := func(origin string) *exchange {
		return c.send(ctx, reqSpec{method: http.MethodOptions, url: r.cfg.Target, label: "preflight from " + origin, header: http.Header{
			"Origin":                         {origin},
			"Access-Control-Request-Method":  {"DELETE"},
			"Access-Control-Request-Headers": {"authorization, content-type"},
		}})
	}
	_, reflects := r.reflectsAny(ctx, c)
	var xs []*exchange
	if !reflects {
		ex := pre(foreignOrigin)
		xs = append(xs, ex)
		if ex.err != nil {
			return r.result(c.id, Error, "the preflight failed: "+errText(ex.err), xs...)
		}
		o, creds := acao(ex)
		methods := splitList(ex.header.Get("Access-Control-Allow-Methods"))
		hdrs := splitList(ex.header.Get("Access-Control-Allow-Headers"))
		if o == foreignOrigin || o == "*" {
			granted := (slices.Contains(methods, "delete") || slices.Contains(methods, "*")) && slices.Contains(hdrs, "authorization")
			if granted {
				v := Fail
				if o == "*" && !creds {
					v = Warn
				}
				return r.result(c.id, v, fmt.Sprintf("a preflight from %s → %d granting DELETE with Authorization (Access-Control-Allow-Origin: %s, credentials %t)", foreignOrigin, ex.status, o, creds), xs...)
			}
			if o == foreignOrigin {
				return r.result(c.id, Warn, fmt.Sprintf("a preflight from %s → %d with Access-Control-Allow-Origin echoed (methods %q, headers %q)", foreignOrigin, ex.status, ex.header.Get("Access-Control-Allow-Methods"), ex.header.Get("Access-Control-Allow-Headers")), xs...)
			}
		}
	}
	ev := fmt.Sprintf("a preflight from %s → %d without Access-Control-Allow-Origin", foreignOrigin, statusOf(xs))
	if reflects {
		ev = "the foreign preflight is not graded: every Origin is reflected (see cors.reflect-arbitrary)"
	}
	if r.cfg.Origin == "" {
		return r.result(c.id, Pass, ev+"; give --origin to grade the trusted preflight", xs...)
	}
	lx := pre(r.cfg.Origin)
	xs = append(xs, lx)
	if lx.err != nil {
		return r.result(c.id, Error, "the trusted preflight failed: "+errText(lx.err), xs...)
	}
	o, _ := acao(lx)
	hdrs := splitList(lx.header.Get("Access-Control-Allow-Headers"))
	switch {
	case lx.status == http.StatusUnauthorized:
		return r.result(c.id, Warn, fmt.Sprintf("a preflight from the trusted %s → 401: authentication runs before CORS, and preflights never carry tokens", r.cfg.Origin), xs...)
	case o != "" && slices.Contains(hdrs, "*") && !slices.Contains(hdrs, "authorization"):
		return r.result(c.id, Warn, "the trusted preflight allows headers \"*\", which does not cover Authorization (Fetch: non-wildcard request-header name)", xs...)
	}
	if ma := lx.header.Get("Access-Control-Max-Age"); ma != "" {
		var n int
		if _, err := fmt.Sscan(ma, &n); err == nil && n > 86400 {
			return r.result(c.id, Warn, fmt.Sprintf("Access-Control-Max-Age: %d caches preflights for more than a day", n), xs...)
		}
	}
	if class(lx.status) == 2 && o == r.cfg.Origin {
		return r.result(c.id, Pass, ev+fmt.Sprintf("; the trusted %s gets %d with Access-Control-Allow-Origin", r.cfg.Origin, lx.status), xs...)
	}
	return r.result(c.id, Pass, ev+fmt.Sprintf("; the trusted %s gets %d without Access-Control-Allow-Origin (no browser access configured)", r.cfg.Origin, lx.status), xs...)
}

func statusOf(xs []*exchange) int {
	if len(xs) == 0 {
		return 0
	}
	return xs[0].status
}

func checkVaryOrigin(r *run, xs []*exchange) *Result {
	const id = "cors.vary-origin"
	n := 0
	for _, x := range xs {
		o, _ := acao(x)
		if o == "" || o == "*" {
			continue
		}
		n++
		vary := strings.ToLower(strings.Join(x.header.Values("Vary"), ","))
		if !slices.Contains(splitList(vary), "origin") && !slices.Contains(splitList(vary), "*") {
			return r.result(id, Warn, fmt.Sprintf("%s → %d with Access-Control-Allow-Origin: %s but no Vary: Origin: a cache may serve it to other origins", x.label, x.status, clip(o)), x)
		}
	}
	if n == 0 {
		return r.result(id, Pass, "no answer named an origin in Access-Control-Allow-Origin, so nothing varies")
	}
	return r.result(id, Pass, fmt.Sprintf("%d of %d answers naming an origin send Vary: Origin", n, n))
}

// ambientCredentials says why browser-attached credentials are in play, or
// "" for header-only bearer auth. It names cookies, never their values.
func (r *run) ambientCredentials() string {
	if c := r.cfg.Carrier.norm(); c.Kind == CarrierCookie {
		return fmt.Sprintf("the token travels in the cookie %q (--token-in %s)", c.Name, c)
	}
	if r.cfg.Header.Get("Cookie") != "" {
		return "requests carry a Cookie header"
	}
	for _, x := range []*exchange{r.base.v, r.base.a} {
		if x == nil || x.err != nil {
			continue
		}
		for _, sc := range x.header.Values("Set-Cookie") {
			name, _, _ := strings.Cut(sc, "=")
			return fmt.Sprintf("the API sets the cookie %q", strings.TrimSpace(name))
		}
		for _, w := range x.header.Values("WWW-Authenticate") {
			cs, _ := ParseChallenge(w)
			for _, ch := range cs {
				if s := strings.ToLower(ch.Scheme); s == "basic" || s == "digest" || s == "negotiate" || s == "ntlm" {
					return fmt.Sprintf("the API offers HTTP %s authentication", ch.Scheme)
				}
			}
		}
	}
	return ""
}

func checkCSRFApplicability(_ context.Context, c *checkCtx) *Result {
	r := c.r
	if r.ambient != "" {
		return r.result(c.id, Warn, r.ambient+": browsers attach such credentials to cross-site requests, so CSRF defences matter at full weight", r.base.v, r.base.a)
	}
	return r.result(c.id, Info, r.explicitAuth()+" (no cookies, no HTTP authentication seen): classic CSRF does not apply; Origin checks are defence in depth", r.base.v, r.base.a)
}

func checkForeignWrite(ctx context.Context, c *checkCtx) *Result {
	r := c.r
	if r.cfg.WriteURL == "" {
		return r.skipped(c.id, "no --write-url: only GET, HEAD and OPTIONS are sent")
	}
	if r.cfg.Token == "" {
		return r.skipped(c.id, "no valid token to authorise the write")
	}
	if r.cfg.Carrier.NeedsBody() {
		return r.skipped(c.id, "--token-in form puts the token in a form body, which the JSON --write-body cannot hold")
	}
	write := func(label string, h http.Header) *exchange {
		h.Set("Content-Type", r.cfg.WriteType)
		return c.send(ctx, reqSpec{method: r.cfg.WriteMethod, url: r.cfg.WriteURL, token: r.cfg.Token, shown: "Bearer " + redactToken(r.cfg.Token), body: r.cfg.WriteBody, label: label, cred: credValid, header: h})
	}
	fx := write("write from "+foreignOrigin, http.Header{"Origin": {foreignOrigin}, "Sec-Fetch-Site": {"cross-site"}})
	nx := write("write without Origin", http.Header{})
	xs := []*exchange{fx, nx}
	if fx.err != nil {
		return r.result(c.id, Error, "the write failed: "+errText(fx.err), xs...)
	}
	switch {
	case class(fx.status) == 2 && r.ambient != "":
		return r.result(c.id, Fail, fmt.Sprintf("a %s from %s → %d while %s: a cross-site page can make this write", r.cfg.WriteMethod, foreignOrigin, fx.status, r.ambient), xs...)
	case class(fx.status) == 2:
		return r.result(c.id, Warn, fmt.Sprintf("a %s from %s with Sec-Fetch-Site: cross-site → %d; harmless under header-only bearer auth, but no Origin check backs it up", r.cfg.WriteMethod, foreignOrigin, fx.status), xs...)
	case class(fx.status) == 5:
		return r.result(c.id, Warn, fmt.Sprintf("a %s from %s → %d: refused only by a server error", r.cfg.WriteMethod, foreignOrigin, fx.status), xs...)
	case nx.err == nil && class(nx.status) == 2 && r.ambient != "":
		return r.result(c.id, Warn, fmt.Sprintf("the foreign write → %d, but a write without Origin → %d while %s", fx.status, nx.status, r.ambient), xs...)
	}
	return r.result(c.id, Pass, fmt.Sprintf("a %s from %s → %s", r.cfg.WriteMethod, foreignOrigin, describe(fx)), xs...)
}

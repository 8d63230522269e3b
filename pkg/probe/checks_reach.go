package probe

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/jwtkit/jwtkit/pkg/probe/forge"
	"github.com/jwtkit/jwtkit/pkg/token"
)

// credOther marks a validly signed token that is not V: one without the
// required roles or scopes, a low-privilege identity's, or a claim-type
// variant. Its refusals are authorisation answers, not invalid-token ones.
const credOther cred = 100

// reachChecks are the checks of issue 11, in catalogue order.
func reachChecks() []checkDef {
	return []checkDef{
		{id: "auth.invalid-token-status", phase: phaseCorpus, corpus: checkInvalidTokenStatus},
		{id: "authz.low-privilege", run: checkLowPrivilege},
		{id: "resp.availability", phase: phaseLast, run: checkAvailability},
		{id: "resp.server-error", phase: phaseCorpus, run: sendClaimTypes, corpus: checkServerError},
		{id: "cookie.token-flags", phase: phaseCorpus, corpus: checkCookieFlags},
	}
}

// checkAvailability: after the first transport error, wait and resend the
// valid token; an API that still does not answer went down during the
// probe.
func checkAvailability(ctx context.Context, c *checkCtx) *Result {
	r := c.r
	r.reach.mu.Lock()
	first, firstAt := r.reach.first, r.reach.firstAt
	var inFlight []string
	seen := map[string]bool{}
	for _, s := range r.reach.timeline {
		if s.x == first {
			break
		}
		if !s.at.Before(firstAt.Add(-r.cfg.AvailabilityWait)) && s.x.label != "" && !seen[s.x.label] {
			seen[s.x.label] = true
			inFlight = append(inFlight, s.x.label)
		}
	}
	r.reach.mu.Unlock()
	if first == nil {
		return r.result(c.id, Pass, "every request to the API got an answer")
	}
	wait := r.cfg.AvailabilityWait
	if err := r.wait(ctx, wait); err != nil {
		return r.result(c.id, Error, "the run ended before the API could be tried again: "+errText(err), first)
	}
	spec := reqSpec{method: http.MethodGet, url: r.cfg.Target, label: "no token, after the first transport error"}
	if r.cfg.Token != "" {
		spec = bearer(r.cfg.Target, r.cfg.Token, "valid token, after the first transport error", credValid)
	}
	x := c.send(ctx, spec)
	firstWhat := fmt.Sprintf("%s → %s", first.label, errText(first.err))
	if x.err == nil {
		return r.result(c.id, Warn, fmt.Sprintf("%s, but %s later the API answered again (%d): a request was dropped or the API restarted", firstWhat, wait, x.status), first, x)
	}
	ev := fmt.Sprintf("the API stopped answering during the probe: %s, and %s later the %s got no answer either (%s)", firstWhat, wait, strings.TrimSuffix(x.label, ", after the first transport error"), errText(x.err))
	if len(inFlight) > 0 {
		ev += fmt.Sprintf("; sent in the %s before the first error: %s", wait, listSome(inFlight, 8))
	}
	return r.result(c.id, Fail, ev, first, x)
}

func listSome(xs []string, n int) string {
	if len(xs) <= n {
		return strings.Join(xs, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(xs[len(xs)-n:], ", "), len(xs)-n)
}

// claimTypeVariants are validly signed tokens whose claims have the types
// real apps trip over (forge.ClaimTypes).
func (r *run) claimTypeVariants() ([]forge.Forged, error) {
	return r.forger.ClaimTypes(r.cfg.Key, r.cfg.Now(), r.cfg.RolesClaim)
}

// sendClaimTypes sends the claim-type variants resp.server-error grades
// with every other answer.
func sendClaimTypes(ctx context.Context, c *checkCtx) *Result {
	r := c.r
	if g := r.keyGate(c.id); g != nil {
		return g
	}
	vs, err := r.claimTypeVariants()
	if err != nil {
		return r.result(c.id, Error, err.Error())
	}
	for _, v := range vs {
		c.send(ctx, withVariant(bearer(r.cfg.Target, v.Token, v.Label, credOther), v.ID))
	}
	return nil
}

// rateLimited reports 429, and 503 with Retry-After.
func rateLimited(x *exchange) bool {
	return x.status == http.StatusTooManyRequests || x.status == http.StatusServiceUnavailable && x.header.Get("Retry-After") != ""
}

func checkServerError(r *run, xs []*exchange) *Result {
	const id = "resp.server-error"
	var five, limited, dropped []*exchange
	n, claimTypes := 0, false
	for _, x := range xs {
		// Only requests that carried a token to the API count: a crash
		// on a token is what this check is about, and a preflight, a
		// redirect probe or an anonymous request answered 501 is not one
		// (Python's http.server answers 501 to OPTIONS).
		if !x.carries || !r.onTarget(x) {
			continue
		}
		if strings.HasPrefix(x.label, "claim types: ") {
			claimTypes = true
		}
		switch {
		case errors.Is(x.err, ErrRateLimited):
			n++
			limited = append(limited, x)
		case x.err != nil:
			if r.droppedWhileUp(x) {
				n++
				dropped = append(dropped, x)
			}
		case x.method == http.MethodOptions && x.status == http.StatusNotImplemented:
		case class(x.status) == 5:
			n++
			five = append(five, x)
		default:
			n++
		}
	}
	var note string
	if !claimTypes && r.cfg.Token != "" && r.selected[id] {
		switch g := r.keyGate(id); {
		case g == nil:
		case r.forger == nil || !r.base.usable:
			note = " (the claim-type variants were not sent: " + strings.TrimPrefix(g.Evidence, "the baseline cannot tell an accepted token from a refused one: ") + ")"
		default:
			note = " (the claim-type variants need the signing key and were not sent)"
		}
	}
	if len(five)+len(dropped) > 0 {
		var names []string
		for _, x := range five {
			names = append(names, fmt.Sprintf("%s → %d", x.label, x.status))
		}
		for _, x := range dropped {
			names = append(names, x.label+" → the connection was dropped")
		}
		what := fmt.Sprintf("%d of %d answers were server errors", len(five), n)
		switch {
		case len(five) == 0:
			what = fmt.Sprintf("%d of %d requests crashed the connection instead of getting an answer (the API stayed up)", len(dropped), n)
		case len(dropped) > 0:
			what = fmt.Sprintf("%d of %d answers were server errors and %d connections were dropped (the API stayed up)", len(five), n, len(dropped))
		}
		return r.result(id, Fail, fmt.Sprintf("%s: %s%s", what, listSome(names, 6), note), append(five, dropped...)...)
	}
	if len(limited) > 0 {
		return r.result(id, Info, fmt.Sprintf("no server error, but the API rate-limited %d requests (%s): their answers say nothing about the token handling, and the checks that got them could not pass; lower --concurrency%s", len(limited), statusCounts(limited), note), limited...)
	}
	if n == 0 {
		return r.result(id, Info, "no answer from the API to a request carrying a token was collected")
	}
	return r.result(id, Pass, fmt.Sprintf("none of %d answers to a request carrying a token was a 5xx%s", n, note))
}

// droppedWhileUp reports a request whose connection was closed or reset
// without an answer while the API kept answering later requests: the
// handler crashed on what it was sent, which is a 500 by other means.
func (r *run) droppedWhileUp(x *exchange) bool {
	if !errors.Is(x.err, io.EOF) && !errors.Is(x.err, io.ErrUnexpectedEOF) && !errors.Is(x.err, syscall.ECONNRESET) {
		return false
	}
	r.reach.mu.Lock()
	defer r.reach.mu.Unlock()
	after := false
	for _, s := range r.reach.timeline {
		if s.x == x {
			after = true
			continue
		}
		if after && (s.x.err == nil || errors.Is(s.x.err, ErrRateLimited)) && s.x.status != 0 {
			return true
		}
	}
	return false
}

func statusCounts(xs []*exchange) string {
	counts := map[int]int{}
	for _, x := range xs {
		counts[x.status]++
	}
	var codes []int
	for k := range counts {
		codes = append(codes, k)
	}
	sort.Ints(codes)
	var parts []string
	for _, k := range codes {
		parts = append(parts, fmt.Sprintf("%d ×%d", k, counts[k]))
	}
	return strings.Join(parts, ", ")
}

func checkInvalidTokenStatus(r *run, xs []*exchange) *Result {
	const id = "auth.invalid-token-status"
	var refused, other []*exchange
	for _, x := range xs {
		// An empty value is no credential at all (RFC 6750 §3.1), which
		// auth.missing-token grades.
		if x.err != nil || x.cred != credForged && x.cred != credMalformed || x.label == "empty token" {
			continue
		}
		if c := class(x.status); c == 3 || c == 4 {
			refused = append(refused, x)
			if x.status != http.StatusUnauthorized {
				other = append(other, x)
			}
		}
	}
	switch {
	case len(refused) == 0:
		return r.result(id, Info, "no forged or invalid token was refused, so there is no refusal status to grade")
	case len(other) == 0:
		return r.result(id, Pass, fmt.Sprintf("all %d refusals of forged and invalid tokens were 401", len(refused)))
	}
	return r.result(id, Warn, fmt.Sprintf("forged and invalid tokens were refused with %s: RFC 6750 §3.1 wants 401 (invalid_token) for a bad token; 403 means valid but insufficient, 400 a malformed request", statusCounts(refused)), other...)
}

// gradeAuthz grades a valid token that lacks what the route needs.
func (r *run) gradeAuthz(id, label string, x *exchange) *Result {
	o, why := r.base.judge(x)
	switch {
	case o == oAccepted:
		return r.result(id, Fail, label+" → "+why, x)
	case o == oFailed:
		return r.result(id, Error, "the request failed: "+why, x)
	case o == oServerError:
		return r.result(id, Warn, fmt.Sprintf("%s → %d: refused only by a server error", label, x.status), x)
	case o == oUnclear:
		return r.result(id, Warn, label+" → "+why, x)
	case x.status == http.StatusUnauthorized || x.status == http.StatusBadRequest:
		return r.result(id, Warn, fmt.Sprintf("%s → %s: a valid token that lacks a right should get 403 (RFC 6750 §3.1 insufficient_scope)", label, describe(x)), x)
	}
	return r.result(id, Pass, label+" → "+describe(x), x)
}

func checkLowPrivilege(ctx context.Context, c *checkCtx) *Result {
	r := c.r
	switch {
	case r.cfg.LowToken == "":
		return r.skipped(c.id, "no low-privilege identity: give --low-token or --low-login-user")
	case r.cfg.Token == "":
		return r.skipped(c.id, "no valid token to compare with")
	case !r.base.usable:
		return r.skipped(c.id, "the baseline cannot tell an accepted token from a refused one: "+r.base.why)
	}
	x := c.send(ctx, bearer(r.cfg.Target, r.cfg.LowToken, "low-privilege token", credOther))
	return r.gradeAuthz(c.id, "the low-privilege identity's valid token", x)
}

// checkInsufficientAuthz is authz.insufficient-role: the token without the
// required roles, and without the required scopes, must both be refused.
func checkInsufficientAuthz(ctx context.Context, c *checkCtx) *Result {
	r := c.r
	if len(r.cfg.Roles) == 0 && len(r.cfg.Scopes) == 0 {
		return r.skipped(c.id, "no --role or --scope given: name what the endpoint requires")
	}
	if g := r.keyGate(c.id); g != nil {
		return g
	}
	var res *Result
	var xs []*exchange
	try := func(claim string, need []string) {
		if len(need) == 0 || res != nil && res.Verdict == Fail {
			return
		}
		v, err := r.forger.WithoutRoles(r.cfg.Key, r.cfg.Now(), claim, need)
		if err != nil {
			res = r.result(c.id, Error, err.Error())
			return
		}
		s := bearer(r.cfg.Target, v.Token, v.Label, credOther)
		s.variant = v.ID
		x := c.send(ctx, s)
		xs = append(xs, x)
		g := r.gradeAuthz(c.id, v.Label, x)
		if res == nil || worse(res.Verdict, g.Verdict) == g.Verdict && g.Verdict != res.Verdict {
			res = g
		} else if res.Verdict == Pass && g.Verdict == Pass {
			res = r.result(c.id, Pass, res.Evidence+"; "+g.Evidence)
		}
	}
	try(r.cfg.RolesClaim, r.cfg.Roles)
	try("scope", r.cfg.Scopes)
	return r.result(c.id, res.Verdict, res.Evidence, xs...)
}

// cookieJWT reads a cookie value as a JWT (quotes and a "Bearer " prefix
// in any case come off, as token.Clean does for every token input).
func cookieJWT(v string) (*token.Token, bool) {
	tok, err := token.Parse(token.Clean(v))
	if tok == nil || err != nil && !errors.Is(err, token.ErrMemberType) {
		return nil, false
	}
	return tok, true
}

func checkCookieFlags(r *run, xs []*exchange) *Result {
	const id = "cookie.token-flags"
	r.reach.mu.Lock()
	all := append(append([]*exchange(nil), r.reach.logins...), xs...)
	r.reach.mu.Unlock()
	var from *exchange
	var ck *http.Cookie
	for _, x := range all {
		if x.err != nil || x.header == nil {
			continue
		}
		for _, line := range x.header.Values("Set-Cookie") {
			c, err := http.ParseSetCookie(line)
			if _, ok := cookieJWT(c.Value); err == nil && ok {
				from, ck = x, c
				break
			}
		}
		if ck != nil {
			break
		}
	}
	if ck == nil {
		return r.result(id, Skip, "no Set-Cookie carrying a JWT was seen (give --login-url to see the one the API issues)")
	}
	where := fmt.Sprintf("the cookie %q set by %s", ck.Name, from.label)
	var fails, warns []string
	if !ck.HttpOnly {
		fails = append(fails, "no HttpOnly (any script on the site can read the token)")
	}
	if !ck.Secure {
		if r.target.Scheme == "https" {
			fails = append(fails, "no Secure (the token may travel over plain http)")
		} else {
			warns = append(warns, "no Secure (the target is plain http)")
		}
	}
	switch ck.SameSite {
	case http.SameSiteLaxMode, http.SameSiteStrictMode:
	case http.SameSiteNoneMode:
		warns = append(warns, "SameSite=None (sent on cross-site requests: CSRF defences carry the whole weight)")
	default:
		warns = append(warns, "no SameSite (browsers default to Lax, older ones send it cross-site)")
	}
	if ck.Path == "" {
		warns = append(warns, "no Path (its scope is the login URL's folder)")
	}
	var end time.Time
	switch {
	case ck.MaxAge > 0:
		end = r.cfg.Now().Add(time.Duration(ck.MaxAge) * time.Second)
	case ck.MaxAge == 0 && !ck.Expires.IsZero():
		end = ck.Expires
	}
	tok, _ := cookieJWT(ck.Value)
	if exp, ok, err := tok.NumericDate("exp"); err == nil && ok && !end.IsZero() && end.After(exp.Add(time.Minute)) {
		warns = append(warns, fmt.Sprintf("it lives %s past the token's exp", end.Sub(exp).Round(time.Second)))
	}
	attrs := cookieAttrs(ck)
	switch {
	case len(fails) > 0:
		return r.result(id, Fail, fmt.Sprintf("%s (%s): %s", where, attrs, strings.Join(append(fails, warns...), "; ")), from)
	case len(warns) > 0:
		return r.result(id, Warn, fmt.Sprintf("%s (%s): %s", where, attrs, strings.Join(warns, "; ")), from)
	}
	return r.result(id, Pass, fmt.Sprintf("%s: %s", where, attrs), from)
}

// cookieAttrs lists a cookie's attributes, never its value.
func cookieAttrs(c *http.Cookie) string {
	var a []string
	if c.Secure {
		a = append(a, "Secure")
	}
	if c.HttpOnly {
		a = append(a, "HttpOnly")
	}
	switch c.SameSite {
	case http.SameSiteLaxMode:
		a = append(a, "SameSite=Lax")
	case http.SameSiteStrictMode:
		a = append(a, "SameSite=Strict")
	case http.SameSiteNoneMode:
		a = append(a, "SameSite=None")
	}
	if c.Path != "" {
		a = append(a, "Path="+c.Path)
	}
	if c.MaxAge > 0 {
		a = append(a, fmt.Sprintf("Max-Age=%d", c.MaxAge))
	} else if !c.Expires.IsZero() {
		a = append(a, "Expires="+c.Expires.UTC().Format(http.TimeFormat))
	}
	if len(a) == 0 {
		return "no attributes"
	}
	return strings.Join(a, "; ")
}

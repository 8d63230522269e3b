package probe

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/jwtkit/jwtkit/pkg/probe/forge"
)

type phase int

const (
	phaseMain   phase = iota // runs concurrently after the baseline
	phaseLast                // runs after every main check (persistence)
	phaseCorpus              // grades the exchanges of all other checks
)

// checkDef binds a catalogue id to its implementation.
type checkDef struct {
	id     string
	phase  phase
	run    func(ctx context.Context, c *checkCtx) *Result
	corpus func(r *run, xs []*exchange) *Result
}

// checks lists the implementations; the catalogue gives their order.
func checks() []checkDef {
	return append([]checkDef{
		{id: "probe.persistence", phase: phaseLast, run: checkPersistence},
		{id: "auth.missing-token", run: checkMissingToken},
		{id: "auth.www-authenticate", phase: phaseCorpus, corpus: bearerOnly(checkWWWAuthenticate)},
		{id: "auth.malformed", run: checkMalformed},
		{id: "auth.query-token", run: checkQueryToken},
		{id: "jwt.tampered-payload", run: forgeCheck(func(f *forge.Forger) ([]forge.Forged, error) { return []forge.Forged{f.TamperedPayload()}, nil })},
		{id: "jwt.bad-signature", run: forgeCheck(func(f *forge.Forger) ([]forge.Forged, error) { return []forge.Forged{f.BadSignature()}, nil })},
		{id: "jwt.null-signature", run: forgeCheck(func(f *forge.Forger) ([]forge.Forged, error) { return []forge.Forged{f.NullSignature()}, nil })},
		{id: "jwt.alg-none", run: forgeCheck(func(f *forge.Forger) ([]forge.Forged, error) { return f.AlgNone(), nil })},
		{id: "jwt.blank-hmac", run: forgeCheck(func(f *forge.Forger) ([]forge.Forged, error) { return f.BlankHMAC(), nil })},
		{id: "jwt.key-confusion", run: checkKeyConfusion},
		{id: "jwt.embedded-jwk", run: forgeCheck(func(f *forge.Forger) ([]forge.Forged, error) {
			v, err := f.EmbeddedJWK()
			return []forge.Forged{v}, err
		})},
		{id: "jwt.kid-injection", run: forgeCheck(func(f *forge.Forger) ([]forge.Forged, error) { return f.KIDInjection(), nil })},
		{id: "jwt.psychic-signature", run: checkPsychic},
		{id: "jwt.expired", run: checkExpiredLeeway},
		{id: "jwt.nbf-future", run: remintCheck(func(r *run) ([]forge.Forged, error) {
			v, err := r.forger.NotYetValid(r.cfg.Key, r.cfg.Now())
			return []forge.Forged{v}, err
		})},
		{id: "jwt.no-exp", run: remintCheck(func(r *run) ([]forge.Forged, error) {
			v, err := r.forger.WithoutExp(r.cfg.Key, r.cfg.Now())
			return []forge.Forged{v}, err
		})},
		{id: "jwt.wrong-issuer", run: checkWrongClaim("iss")},
		{id: "jwt.wrong-audience", run: checkWrongClaim("aud")},
		{id: "jwt.weak-secret", run: checkWeakSecret},
		{id: "authz.insufficient-role", run: checkInsufficientAuthz},
		{id: "resp.no-stack-trace", phase: phaseCorpus, corpus: checkStackTrace},
		{id: "resp.cache-control", run: checkCacheControl},
		{id: "tls.http-redirect", run: checkHTTPRedirect},
		{id: "tls.no-downgrade-redirect", run: checkNoDowngrade},
		{id: "tls.hsts", run: checkHSTS},
		{id: "cors.reflect-arbitrary", run: checkCORSReflect},
		{id: "cors.null-origin", run: checkCORSNull},
		{id: "cors.origin-matching", run: checkCORSMatching},
		{id: "cors.preflight", run: checkCORSPreflight},
		{id: "cors.vary-origin", phase: phaseCorpus, corpus: checkVaryOrigin},
		{id: "csrf.applicability", run: checkCSRFApplicability},
		{id: "csrf.foreign-origin-write", run: checkForeignWrite},
		{id: "jwt.jku-injection", run: checkRemoteKey},
		{id: "jwt.x5u-injection", run: checkRemoteKey},
		{id: "jwt.x5c-injection", run: checkX5C},
		{id: "jwt.issuer-discovery-injection", run: checkRemoteKey},
		{id: "jwt.weak-key", run: checkWeakKey},
		{id: "jwt.unknown-crit", run: checkUnknownCrit},
		{id: "jwt.claim-reflection", run: checkClaimReflection},
	}, reachChecks()...)
}

// bearer is a GET of u carrying tok.
func bearer(u, tok, label string, cr cred) reqSpec {
	return reqSpec{method: http.MethodGet, url: u, token: tok, shown: "Bearer " + redactToken(tok), label: label, cred: cr}
}

// describe is a status with the header that decides it, for evidence.
func describe(x *exchange) string {
	if x == nil {
		return "not sent"
	}
	if x.err != nil {
		return errText(x.err)
	}
	s := fmt.Sprint(x.status)
	switch {
	case x.status == http.StatusUnauthorized || x.status == http.StatusForbidden:
		if w := x.header.Values("WWW-Authenticate"); len(w) > 0 {
			s += fmt.Sprintf(" (WWW-Authenticate: %s)", clip(strings.Join(w, ", ")))
		} else if x.status == http.StatusUnauthorized {
			s += " (no WWW-Authenticate)"
		}
	case class(x.status) == 3:
		if l := x.header.Get("Location"); l != "" {
			s += fmt.Sprintf(" (Location: %s)", clip(l))
		}
	}
	return s
}

func clip(s string) string {
	if len(s) > 100 {
		return s[:97] + "..."
	}
	return s
}

// runBaseline sends V and A and builds the oracle.
func (r *run) runBaseline(ctx context.Context) *Result {
	const id = "probe.baseline"
	c := &checkCtx{r: r, id: id}
	b := &baseline{canary: r.cfg.ExpectBody}
	r.base = b
	if r.cfg.Token != "" {
		b.v = c.send(ctx, bearer(r.cfg.Target, r.cfg.Token, "valid token", credValid))
	}
	b.a = c.send(ctx, reqSpec{method: http.MethodGet, url: r.cfg.Target, label: "no token"})
	v, a := b.v, b.a
	switch {
	case v == nil:
		b.why = "no valid token"
		return r.result(id, Skip, "no valid token: give key flags or --token", a)
	case errors.Is(v.err, ErrRateLimited):
		b.why = "the valid-token request was rate limited"
		return r.result(id, Error, "the valid-token request was "+errText(v.err), v, a)
	case v.err != nil:
		b.why = "the valid-token request failed"
		return r.result(id, Error, "the valid-token request failed: "+errText(v.err), v, a)
	case class(v.status) != 2:
		b.why = fmt.Sprintf("the valid token was refused (%d)", v.status)
		return r.result(id, Fail, fmt.Sprintf("the valid token was refused: %s; check the key, --iss, --aud, --role and the clock", describe(v)), v, a)
	case b.canary != "" && !strings.Contains(string(v.body), b.canary):
		b.why = "the valid-token answer lacks the --expect-body text"
		return r.result(id, Fail, fmt.Sprintf("the valid token got %d without the --expect-body text", v.status), v, a)
	case a.err != nil:
		b.usable = true
		return r.result(id, Warn, fmt.Sprintf("valid token → %d, but the request without a token failed: %s", v.status, errText(a.err)), v, a)
	case b.canary != "" && strings.Contains(string(a.body), b.canary):
		b.why = "the answer without a token holds the --expect-body text too"
		return r.result(id, Warn, "the request without a token also holds the --expect-body text; token checks skipped", v, a)
	case b.canary != "" || class(v.status) != class(a.status) || fingerprint(v) != fingerprint(a):
		b.usable = true
		return r.result(id, Pass, fmt.Sprintf("valid token → %d; no token → %s", v.status, describe(a)), v, a)
	}
	b.why = fmt.Sprintf("valid token and no token both got %d with the same body shape", v.status)
	return r.result(id, Warn, b.why+"; token checks skipped (name a text only the valid answer holds with --expect-body)", v, a)
}

func checkPersistence(ctx context.Context, c *checkCtx) *Result {
	r := c.r
	if g := r.tokenGate(c.id); g != nil {
		return g
	}
	x := c.send(ctx, bearer(r.cfg.Target, r.cfg.Token, "valid token again", credValid))
	switch o, why := r.base.judge(x); o {
	case oAccepted:
		return r.result(c.id, Pass, "the valid token is still accepted after the forgeries: "+why, x)
	case oFailed:
		return r.result(c.id, Error, "resending the valid token failed: "+why, x)
	default:
		return r.result(c.id, Fail, fmt.Sprintf("the valid token is now refused (%s): the API may revoke tokens after bad attempts, so the results above are unreliable", describe(x)), x)
	}
}

func checkMissingToken(_ context.Context, c *checkCtx) *Result {
	r := c.r
	a := r.base.a
	c.r.note(c.id, a)
	switch {
	case a.err != nil:
		return r.result(c.id, Error, "the request without a token failed: "+errText(a.err), a)
	case a.status == http.StatusUnauthorized:
		return r.result(c.id, Pass, "no token → "+describe(a), a)
	case class(a.status) == 2 && r.base.usable && refusedInBody(r.base, a):
		// A GraphQL-style API answers 200 with an error body: the baseline
		// told that answer from the valid token's, so nothing leaked.
		return r.result(c.id, Warn, fmt.Sprintf("no token → %d, but the answer is unlike the valid token's (%s): the API seems to refuse in the body; RFC 6750 §3 wants 401 with a Bearer challenge (check the anonymous answer holds nothing private)", a.status, bodyWhy(r.base)), a)
	case class(a.status) == 2 && !r.base.usable && r.base.v != nil && r.base.v.err == nil && class(r.base.v.status) == 2:
		// The valid token got a 2xx that probe could not tell from this
		// one: the API is open, or it refuses both in the body.
		return r.result(c.id, Fail, fmt.Sprintf("no token → %d: the endpoint answers anonymous requests as it answers the valid token (if it refuses both in the body, give --expect-body TEXT that only an accepted answer holds)", a.status), a)
	case class(a.status) == 2:
		return r.result(c.id, Fail, fmt.Sprintf("no token → %d: the endpoint answers anonymous requests", a.status), a)
	case a.status == http.StatusForbidden && !r.cfg.Carrier.IsBearerHeader():
		return r.result(c.id, Pass, fmt.Sprintf("no token → %d (the Bearer challenge of RFC 6750 §3 does not apply to %s)", a.status, r.cfg.Carrier.Describe()), a)
	case a.status == http.StatusForbidden || a.status == http.StatusBadRequest:
		return r.result(c.id, Warn, fmt.Sprintf("no token → %s: RFC 6750 §3 wants 401 with a Bearer challenge", describe(a)), a)
	case class(a.status) == 5:
		return r.result(c.id, Warn, fmt.Sprintf("no token → %d: refused only by a server error", a.status), a)
	}
	return r.result(c.id, Warn, fmt.Sprintf("no token → %s: an API should answer 401 with a Bearer challenge", describe(a)), a)
}

// isBearer reports a Bearer challenge and returns it.
func bearerChallenge(x *exchange) (ch Challenge, found, any bool, err error) {
	vals := x.header.Values("WWW-Authenticate")
	if len(vals) == 0 {
		return ch, false, false, nil
	}
	for _, v := range vals {
		cs, perr := ParseChallenge(v)
		if perr != nil {
			err = perr
		}
		for _, c := range cs {
			if strings.EqualFold(c.Scheme, "Bearer") && !found {
				ch, found = c, true
			}
		}
	}
	return ch, found, true, err
}

func checkWWWAuthenticate(r *run, xs []*exchange) *Result {
	const id = "auth.www-authenticate"
	var n401 int
	var noHeader, nonBearer, bare, noError, errOnNone *exchange
	for _, x := range xs {
		if x.err != nil || x.status != http.StatusUnauthorized {
			continue
		}
		n401++
		ch, found, has, _ := bearerChallenge(x)
		switch {
		case !has:
			if noHeader == nil {
				noHeader = x
			}
			continue
		case !found:
			if nonBearer == nil {
				nonBearer = x
			}
			continue
		}
		if len(ch.Params) == 0 && ch.Token68 == "" && bare == nil {
			bare = x
		}
		e, hasErr := ch.Param("error")
		if x.cred == credNone && hasErr && errOnNone == nil {
			errOnNone = x
		}
		// An empty Bearer value is no credential: RFC 6750 §3.1 says to
		// send no error code then, as for a request without a token.
		if (x.cred == credForged || x.cred == credMalformed) && x.label != "empty token" && e != "invalid_token" && e != "invalid_request" && noError == nil {
			noError = x
		}
	}
	switch {
	case n401 == 0:
		return r.result(id, Info, "no 401 answer was collected, so there was no challenge to grade")
	case noHeader != nil:
		return r.result(id, Fail, fmt.Sprintf("%s → 401 without WWW-Authenticate (RFC 9110 §15.5.2 requires a challenge)", noHeader.label), noHeader)
	case nonBearer != nil:
		return r.result(id, Warn, fmt.Sprintf("%s → 401 with a non-Bearer challenge: WWW-Authenticate: %s", nonBearer.label, clip(strings.Join(nonBearer.header.Values("WWW-Authenticate"), ", "))), nonBearer)
	case bare != nil:
		return r.result(id, Info, fmt.Sprintf("%d answers of 401 carry a Bearer challenge, but %s → a bare \"Bearer\" with no auth-param (RFC 6750 §3 wants at least one, e.g. realm)", n401, bare.label), bare)
	case noError != nil:
		return r.result(id, Info, fmt.Sprintf("%d answers of 401 carry a Bearer challenge, but %s → no error=\"invalid_token\" (RFC 6750 §3.1)", n401, noError.label), noError)
	case errOnNone != nil:
		return r.result(id, Info, fmt.Sprintf("%d answers of 401 carry a Bearer challenge, but the request without a token got an error code, which RFC 6750 §3.1 says to leave out", n401), errOnNone)
	}
	return r.result(id, Pass, fmt.Sprintf("all %d answers of 401 carry a Bearer challenge; invalid tokens get error=\"invalid_token\"", n401))
}

func checkMalformed(ctx context.Context, c *checkCtx) *Result {
	r := c.r
	junk := strings.Repeat("A", 8192)
	notJSON := b64("not json") + "." + b64(`{"sub":"x"}`) + "."
	specs := []reqSpec{
		{auth: "Bearer ", shown: "Bearer ", label: "empty token"},
		{auth: "Bearer x", shown: "Bearer x", label: "one character"},
		{auth: "Bearer a.b", shown: "Bearer a.b", label: "two segments"},
		{auth: "Bearer a.b.c.d", shown: "Bearer a.b.c.d", label: "four segments"},
		{auth: "Bearer eyJ$$$.e30@@.x!!", shown: "Bearer eyJ$$$.e30@@.x!!", label: "characters outside base64url"},
		{auth: "Bearer " + notJSON, shown: "Bearer " + notJSON, label: "header that is not JSON"},
		{auth: "Bearer " + junk, shown: "Bearer <8192 bytes of A>", label: "8 KiB of junk"},
	}
	if parts := strings.Split(r.cfg.Token, "."); len(parts) == 3 {
		js, _ := json.Marshal(map[string]string{"protected": parts[0], "payload": parts[1], "signature": parts[2]})
		specs = append(specs, reqSpec{auth: "Bearer " + string(js), shown: "Bearer <the valid token as JWS JSON serialization, redacted>", label: "JWS JSON serialization"})
	}
	var xs []*exchange
	for _, s := range specs {
		s.method, s.url, s.cred = http.MethodGet, r.cfg.Target, credMalformed
		xs = append(xs, c.send(ctx, s))
	}
	return r.gradeRefused(c.id, xs, Fail, "malformed values")
}

func checkQueryToken(ctx context.Context, c *checkCtx) *Result {
	r := c.r
	if g := r.tokenGate(c.id); g != nil {
		return g
	}
	if g := r.queryCarrierGate(c.id); g != nil {
		return g
	}
	u, _ := url.Parse(r.cfg.Target)
	q := u.Query()
	q.Set("access_token", r.cfg.Token)
	u.RawQuery = q.Encode()
	shown := *u
	q.Set("access_token", "REDACTED")
	shown.RawQuery = q.Encode()
	x := c.send(ctx, reqSpec{method: http.MethodGet, url: u.String(), shownURL: shown.String(), urlToken: true, label: "valid token in ?access_token", cred: credNone})
	switch o, why := r.base.judge(x); o {
	case oAccepted:
		return r.result(c.id, Warn, "?access_token=<valid token> without a header → "+why+": tokens in URLs land in logs, history and Referer", x)
	case oFailed:
		return r.result(c.id, Error, "the request failed: "+why, x)
	case oServerError:
		return r.result(c.id, Warn, fmt.Sprintf("?access_token=<valid token> → %d: refused only by a server error", x.status), x)
	case oUnclear:
		return r.result(c.id, Warn, "?access_token=<valid token> without a header → "+why+": it may have been accepted", x)
	}
	return r.result(c.id, Pass, "?access_token=<valid token> without a header → "+describe(x), x)
}

// gradeRefused grades variants that must all be refused.
func (r *run) gradeRefused(id string, xs []*exchange, onAccept Verdict, what string) *Result {
	var accepted, server, unclear, failed *exchange
	var acceptedWhy, unclearWhy string
	nFailed := 0
	counts := map[string]int{}
	for _, x := range xs {
		o, why := r.base.judge(x)
		switch o {
		case oAccepted:
			if accepted == nil {
				accepted, acceptedWhy = x, why
			}
		case oServerError:
			if server == nil {
				server = x
			}
		case oUnclear:
			if unclear == nil {
				unclear, unclearWhy = x, why
			}
		case oFailed:
			if failed == nil {
				failed = x
			}
			nFailed++
			continue
		}
		counts[fmt.Sprint(x.status)]++
	}
	switch {
	case accepted != nil:
		return r.result(id, onAccept, fmt.Sprintf("%s → %s", accepted.label, acceptedWhy), xs...)
	case server != nil:
		return r.result(id, Warn, fmt.Sprintf("%s → %d: refused only by a server error (fails closed by accident, ASVS 16.5.3)", server.label, server.status), xs...)
	case unclear != nil:
		return r.result(id, Warn, fmt.Sprintf("%s → %s", unclear.label, unclearWhy), xs...)
	case failed != nil:
		// A variant that got no answer may be the one the API accepts, so
		// the check cannot pass.
		return r.result(id, Error, fmt.Sprintf("%s: %s (%d of %d %s answered)", failed.label, errText(failed.err), len(xs)-nFailed, len(xs), what), xs...)
	}
	var parts []string
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s ×%d", k, counts[k]))
	}
	ev := fmt.Sprintf("all %d %s refused: %s", len(xs), what, strings.Join(parts, ", "))
	if len(xs) == 1 {
		ev = fmt.Sprintf("%s → %s", xs[0].label, describe(xs[0]))
	} else if w := firstChallenge(xs); w != "" {
		ev += " (WWW-Authenticate: " + clip(w) + ")"
	}
	return r.result(id, Pass, ev, xs...)
}

func firstChallenge(xs []*exchange) string {
	for _, x := range xs {
		if x.err == nil {
			if w := x.header.Get("WWW-Authenticate"); w != "" {
				return w
			}
		}
	}
	return ""
}

// sendForged sends each variant as a Bearer token to the target.
func (c *checkCtx) sendForged(ctx context.Context, vs []forge.Forged) []*exchange {
	var xs []*exchange
	for _, v := range vs {
		s := bearer(c.r.cfg.Target, v.Token, v.Label, credForged)
		s.variant = v.ID
		xs = append(xs, c.send(ctx, s))
	}
	return xs
}

func variantsWord(n int) string {
	if n == 1 {
		return "variant"
	}
	return "variants"
}

// forgeCheck is a check that sends variants made from the token alone.
func forgeCheck(make func(*forge.Forger) ([]forge.Forged, error)) func(context.Context, *checkCtx) *Result {
	return func(ctx context.Context, c *checkCtx) *Result {
		r := c.r
		if g := r.tokenGate(c.id); g != nil {
			return g
		}
		vs, err := make(r.forger)
		if err != nil {
			return r.result(c.id, Error, err.Error())
		}
		return r.gradeRefused(c.id, c.sendForged(ctx, vs), Fail, variantsWord(len(vs)))
	}
}

// remintCheck is a check that sends variants signed with the real key.
func remintCheck(make func(*run) ([]forge.Forged, error)) func(context.Context, *checkCtx) *Result {
	return func(ctx context.Context, c *checkCtx) *Result {
		r := c.r
		if g := r.keyGate(c.id); g != nil {
			return g
		}
		vs, err := make(r)
		if err != nil {
			return r.result(c.id, Error, err.Error())
		}
		onAccept := Fail
		if c.id == "jwt.no-exp" {
			onAccept = Warn
		}
		return r.gradeRefused(c.id, c.sendForged(ctx, vs), onAccept, variantsWord(len(vs)))
	}
}

func checkKeyConfusion(ctx context.Context, c *checkCtx) *Result {
	r := c.r
	if g := r.tokenGate(c.id); g != nil {
		return g
	}
	alg := r.forger.Alg()
	if strings.HasPrefix(alg, "HS") {
		return r.skipped(c.id, fmt.Sprintf("the token is %s: key confusion needs an asymmetric (RS, PS, ES or EdDSA) token", alg))
	}
	m := r.material()
	if k := r.publishedKey(ctx, c); k != nil {
		m.JWKSKey = k.Public
	}
	if m.PublicKey == nil && m.JWKSKey == nil {
		return r.skipped(c.id, "no public key: with --token, pass the issuer's public key with --key (no JWKS was found at /.well-known/jwks.json either)")
	}
	made, err := r.forger.Make(c.id, m)
	if err != nil {
		return r.result(c.id, Error, err.Error())
	}
	vs := dedupeTokens(made.Variants)
	res := r.gradeRefused(c.id, c.sendForged(ctx, vs), Fail, "variants")
	if res.Verdict == Pass {
		// "No confusion found", not "not vulnerable": the server may hold
		// the key in yet another serialisation.
		res.Evidence = strings.Replace(res.Evidence, fmt.Sprintf("all %d variants refused", len(vs)),
			fmt.Sprintf("no confusion found with %d HMAC variants keyed with %s", len(vs), keyConfusionSources(m, vs)), 1)
	}
	return res
}

func checkPsychic(ctx context.Context, c *checkCtx) *Result {
	r := c.r
	if g := r.tokenGate(c.id); g != nil {
		return g
	}
	vs := r.forger.PsychicSignature()
	if len(vs) == 0 {
		return r.skipped(c.id, fmt.Sprintf("the token is %s: the psychic signature applies to ECDSA (ES*) tokens", r.forger.Alg()))
	}
	return r.gradeRefused(c.id, c.sendForged(ctx, vs), Fail, "variants")
}

func checkWrongClaim(name string) func(context.Context, *checkCtx) *Result {
	return func(ctx context.Context, c *checkCtx) *Result {
		r := c.r
		if g := r.keyGate(c.id); g != nil {
			return g
		}
		var vs []forge.Forged
		var err error
		if name == "iss" {
			vs, err = r.forger.WrongIssuer(r.cfg.Key, r.cfg.Now())
		} else {
			vs, err = r.forger.WrongAudience(r.cfg.Key, r.cfg.Now())
		}
		if err != nil {
			return r.result(c.id, Error, err.Error())
		}
		xs := c.sendForged(ctx, vs)
		_, had := r.forger.Claims()[name]
		foreign := r.gradeRefused(c.id, xs[:1], Fail, "variant")
		if foreign.Verdict == Fail {
			if had {
				return r.result(c.id, Fail, foreign.Evidence, xs...)
			}
			return r.result(c.id, Warn, fmt.Sprintf("%s; the valid token has no %s, so pass --%s to grade this fully", foreign.Evidence, name, name), xs...)
		}
		res := foreign
		if len(xs) > 1 {
			removed := r.gradeRefused(c.id, xs[1:], Warn, "variant")
			if removed.Verdict != Pass && worse(foreign.Verdict, removed.Verdict) == removed.Verdict {
				res = removed
			} else if res.Verdict == Pass && removed.Verdict == Pass {
				res = r.result(c.id, Pass, foreign.Evidence+"; "+removed.Evidence)
			}
		}
		return r.result(c.id, res.Verdict, res.Evidence, xs...)
	}
}

func b64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

// refusedInBody reports an anonymous 2xx the baseline judges unlike the
// valid token's answer: without the --expect-body text, or with another
// body shape.
func refusedInBody(b *baseline, a *exchange) bool {
	o, _ := b.judge(a)
	return o == oRejected
}

// bodyWhy says how the baseline told the anonymous answer apart.
func bodyWhy(b *baseline) string {
	if b.canary != "" {
		return "without the --expect-body text"
	}
	return "another body shape"
}

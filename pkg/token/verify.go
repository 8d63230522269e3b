package token

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/jwtkit/jwtkit/internal/human"
	"github.com/jwtkit/jwtkit/internal/safetext"
	"github.com/jwtkit/jwtkit/internal/strictjson"
	"github.com/jwtkit/jwtkit/pkg/keys"
)

// NewVerifier validates the policy against the keys: algs in Policy.Algs
// must be real JWS algs, never "none", never HMAC when the set holds
// asymmetric keys, and each must fit at least one key (errors wrap
// keys.ErrAlgMismatch). With no Algs, the allow-list is every alg the keys
// can verify with (HMAC only from secrets).
func NewVerifier(set *keys.Set, p Policy) (*Verifier, error) {
	if set == nil || len(set.Keys) == 0 {
		return nil, fmt.Errorf("verifier: the key set is empty: %w", keys.ErrKeyNotFound)
	}
	hasAsym := false
	for _, k := range set.Keys {
		if k.Type != keys.Oct {
			hasAsym = true
		}
	}
	v := &Verifier{set: set, policy: p, allowed: map[string]*allowedAlg{}}
	if len(p.Algs) == 0 {
		for _, k := range set.Keys {
			for _, a := range k.Algs() {
				m := signingMethod(a)
				if m == nil || (isHMAC(a) && k.Type != keys.Oct) {
					continue
				}
				if _, dup := v.allowed[a]; !dup {
					v.allowed[a] = newAllowedAlg(a, m)
					v.algList = append(v.algList, a)
				}
			}
		}
		if len(v.algList) == 0 {
			return nil, fmt.Errorf("verifier: no key in the set can verify any JWS alg: %w", keys.ErrAlgMismatch)
		}
	} else {
		for _, a := range p.Algs {
			if strings.EqualFold(a, "none") {
				return nil, fmt.Errorf("verifier: alg %q is never accepted (unsecured tokens): %w", a, keys.ErrAlgMismatch)
			}
			m := signingMethod(a)
			if m == nil {
				return nil, fmt.Errorf("verifier: unknown alg %q (known: %s): %w", a, strings.Join(Algs(), ", "), keys.ErrAlgMismatch)
			}
			if isHMAC(a) && hasAsym {
				return nil, fmt.Errorf("verifier: alg %q cannot be allowed with asymmetric keys in the set: %w", a, keys.ErrAlgMismatch)
			}
			fits := false
			for _, k := range set.Keys {
				if k.CheckAlg(a) == nil {
					fits = true
					break
				}
			}
			if !fits {
				return nil, fmt.Errorf("verifier: alg %q fits none of the keys: %w", a, keys.ErrAlgMismatch)
			}
			if _, dup := v.allowed[a]; !dup {
				v.allowed[a] = newAllowedAlg(a, m)
				v.algList = append(v.algList, a)
			}
		}
	}
	v.policy.Algs = append([]string(nil), v.algList...)
	if v.policy.RolesClaim == "" {
		v.policy.RolesClaim = DefaultRolesClaim
	}
	for _, name := range append([]string{v.policy.RolesClaim}, v.policy.Require...) {
		if err := checkClaimName(name); err != nil {
			return nil, fmt.Errorf("verifier: %w", err)
		}
	}
	if v.policy.Now == nil {
		v.policy.Now = time.Now
	}
	v.keyInfo = make(map[*keys.Key]*keyInfo, len(set.Keys))
	for _, k := range set.Keys {
		ki := &keyInfo{kid: k.KID, source: k.Source, detail: keyPhrase(k)}
		if k.Type == keys.Oct {
			for _, a := range v.algList {
				if i := macIndex(a); i >= 0 {
					ki.macs[i] = newMACPool(a, k.Secret)
				}
			}
		}
		v.keyInfo[k] = ki
	}
	return v, nil
}

// allowedAlg is an alg of the allow-list with the details of its passing
// checks, which are the same for every token.
type allowedAlg struct {
	method   jwt.SigningMethod
	mac      int    // macIndex
	allowed  string // detail of the alg check
	verified string // detail of the signature check
}

func newAllowedAlg(alg string, m jwt.SigningMethod) *allowedAlg {
	return &allowedAlg{method: m, mac: macIndex(alg), allowed: "alg " + strconv.Quote(alg) + " is allowed", verified: alg + " signature verified"}
}

// macIndex numbers the HMAC algs for keyInfo.macs; -1 for the others.
func macIndex(alg string) int {
	switch alg {
	case "HS256":
		return 0
	case "HS384":
		return 1
	case "HS512":
		return 2
	}
	return -1
}

// keyInfo is what the verifier prepared for one key of its set: the detail
// of the key check and, for a secret, HMAC states per allowed HS* alg. kid
// and source tell whether the key still is what it was.
type keyInfo struct {
	kid, source, detail string
	macs                [3]*macPool
}

// verifyWith checks a signature with one key.
func (v *Verifier) verifyWith(a *allowedAlg, k *keys.Key, tok *Token) bool {
	if a.mac >= 0 && k.Type == keys.Oct {
		if ki := v.keyInfo[k]; ki != nil && ki.macs[a.mac].usable(k.Secret) {
			return ki.macs[a.mac].verify(tok.SigningInput, tok.Signature)
		}
	}
	return a.method.Verify(tok.SigningInput, tok.Signature, k.VerificationKey()) == nil
}

// keyDetail is keyPhrase(k), prepared by NewVerifier when it can be.
func (v *Verifier) keyDetail(k *keys.Key) string {
	if ki := v.keyInfo[k]; ki != nil && ki.kid == k.KID && ki.source == k.Source {
		return ki.detail
	}
	return keyPhrase(k)
}

// Policy returns the effective policy (defaults filled in, Algs the
// allow-list in force).
func (v *Verifier) Policy() Policy { return v.policy }

// verdict collects checks and, for the failing ones, the reason each stands
// for and its cause.
type verdict struct {
	checks []Check
	fails  []failure
}

type failure struct {
	at     int // index in checks
	reason Reason
	cause  error
}

func (vd *verdict) pass(name, detail string) {
	vd.checks = append(vd.checks, Check{Name: name, OK: true, Detail: detail})
}

func (vd *verdict) fail(name string, r Reason, detail string, cause error) {
	vd.fails = append(vd.fails, failure{at: len(vd.checks), reason: r, cause: cause})
	vd.checks = append(vd.checks, Check{Name: name, Detail: detail})
}

func (vd *verdict) failed() bool { return len(vd.fails) > 0 }

// worst picks the failing check of the gravest category (first in order
// within a category) and builds the error; policy failures are reported
// together.
func (vd *verdict) worst() (Reason, error) {
	best := -1
	for i, f := range vd.fails {
		if best < 0 || f.reason.Category() < vd.fails[best].reason.Category() {
			best = i
		}
	}
	if best < 0 {
		return "", nil
	}
	f := vd.fails[best]
	r := f.reason
	msg := r.phrase() + ": " + vd.checks[f.at].Detail
	if r.Category() == CategoryPolicy {
		for i, o := range vd.fails {
			if i != best && o.reason.Category() == CategoryPolicy {
				msg += "; " + vd.checks[o.at].Detail
			}
		}
	}
	return r, &verifyError{reason: r, msg: msg, cause: f.cause}
}

// verifyBlock is everything one Verify call returns, in one allocation.
type verifyBlock struct {
	res    Result
	tok    Token
	key    KeyRef
	exp    time.Time
	checks [8]Check
}

// Verify parses and verifies one token; hostile input gives a verdict,
// not a panic (FuzzVerify holds that). A panic would be a bug in jwtkit and
// reaches the caller as a panic: jwtkit's command line recovers it into a
// malformed verdict, a library caller decides for itself. Order: parse (malformed) → alg allowed (none never) → key by kid/alg →
// signature → crit header (any crit is malformed: jwtkit understands no
// extension) → time claims (exp, nbf, iat with leeway) → claim policy.
// After a good signature all time and policy checks run and are all listed.
func (v *Verifier) Verify(raw string) (res *Result) {
	blk := &verifyBlock{}
	res = &blk.res
	vd := verdict{checks: blk.checks[:0]}
	defer func() {
		res.Checks = vd.checks
		res.Reason, res.Err = vd.worst()
		res.Valid = res.Reason == ""
	}()

	var dates dateClaims
	d1, d2, err := split(raw)
	if err == nil {
		err = fill(&blk.tok, &dates, raw, d1, d2, true)
		res.Token = &blk.tok
	}
	if err != nil {
		vd.fail("parse", ReasonMalformed, err.Error(), err)
		return res
	}
	tok := res.Token
	vd.pass("parse", "header and claims decoded")
	exp := dates.claim(0)
	if exp.ok && exp.err == nil {
		blk.exp = exp.t
		res.Expires = &blk.exp
	}
	key := v.verifySignature(tok, &vd)
	if key != nil {
		blk.key = KeyRef{KID: key.KID, Alg: tok.Alg(), Source: key.Source}
		res.Key = &blk.key
	}
	if key == nil || vd.failed() {
		return res
	}
	now := v.policy.Now()
	iat := dates.claim(2)
	v.checkTimes(now, exp, dates.claim(1), iat, &vd)
	v.checkPolicy(tok, now, iat, &vd)
	return res
}

// VerifyJWS checks a parsed token's alg, key and signature (and crit
// header) exactly as Verify does, without the JWT time and claim checks, so
// it also serves plain JWS (ParseJWS). It returns the key that verified.
// Errors wrap ErrUnsecured, ErrAlgNotAllowed, keys.ErrKeyNotFound,
// ErrSignature or ErrMalformed.
func (v *Verifier) VerifyJWS(tok *Token) (*keys.Key, error) {
	if tok == nil {
		return nil, fmt.Errorf("no token: %w", ErrMalformed)
	}
	var vd verdict
	key := v.verifySignature(tok, &vd)
	if _, err := vd.worst(); err != nil || key == nil {
		return nil, err
	}
	return key, nil
}

// verifySignature runs the alg, key, signature and crit checks; it returns
// the key when the signature verified (even if crit then failed).
func (v *Verifier) verifySignature(tok *Token, vd *verdict) *keys.Key {
	rawAlg, present := tok.Header["alg"]
	alg, isString := rawAlg.(string)
	switch {
	case !present:
		vd.fail("alg", ReasonMalformed, "header has no alg", &parseError{part: "header", kind: ErrJSON, err: errors.New("no alg member")})
		return nil
	case !isString:
		vd.fail("alg", ReasonMalformed, "header alg is "+strictjson.Kind(rawAlg)+", want a string", &parseError{part: "header", kind: ErrJSON, err: errors.New("alg is not a string")})
		return nil
	case strings.EqualFold(alg, "none"):
		vd.fail("alg", ReasonAlgNotAllowed, "alg "+safetext.Quote(alg)+" is never accepted: the token is unsecured", ErrUnsecured)
		return nil
	}
	allowed, ok := v.allowed[alg]
	if !ok {
		vd.fail("alg", ReasonAlgNotAllowed, "alg "+safetext.Quote(alg)+" not in the allowed list "+quoteList(v.algList), ErrAlgNotAllowed)
		return nil
	}
	vd.pass("alg", allowed.allowed)

	// Most headers hold alg, typ and kid alone; only a larger one can
	// carry the members looked up below.
	rawKID, hasKID := tok.Header["kid"]
	_, hasTyp := tok.Header["typ"]
	more := len(tok.Header) > 1+b2i(hasKID)+b2i(hasTyp)
	if more {
		for _, h := range [...]string{"jwk", "jku", "x5u", "x5c"} {
			if _, ok := tok.Header[h]; ok {
				vd.pass("embedded_key", "ignored the "+h+" header: keys come only from the configured key set")
			}
		}
	}

	kid, _ := rawKID.(string)
	candidates, err := v.set.Find(kid, alg)
	if sk, ok := v.set.SkippedKID(kid); err != nil && ok && errors.Is(sk.Err, keys.ErrWeakKey) {
		// A provider's set left the weak key out; say it as for a set
		// that kept it (a local --jwks file), so both read the same.
		vd.pass("weak_key", "skipped kid "+safetext.Quote(kid)+": "+sk.Reason)
		vd.fail("key", ReasonKeyNotFound, fmt.Sprintf("the key for kid %q is too weak to verify with: %s", kid, sk.Reason), tagErr(sk.Err, keys.ErrKeyNotFound))
		return nil
	}
	if err != nil {
		vd.fail("key", ReasonKeyNotFound, err.Error(), err)
		return nil
	}
	var good *keys.Key
	fitting := 0
	var weak []string
	var weakErr error
	for _, k := range candidates {
		// Defence in depth: Find already filters by alg, but a key used
		// with an alg it does not fit (an RSA public key as an HMAC
		// secret) must never reach a verify call.
		if k.CheckAlg(alg) != nil || (k.Use != "" && k.Use != "sig") {
			continue
		}
		// A weak public key loads only to be audited: it never verifies.
		if err := k.Weak(); err != nil {
			weak = append(weak, "kid "+safetext.Quote(k.KID)+": "+err.Error())
			weakErr = err
			continue
		}
		fitting++
		if v.verifyWith(allowed, k, tok) {
			good = k
			break
		}
	}
	if len(weak) > 0 {
		vd.pass("weak_key", "skipped "+strings.Join(weak, "; "))
	}
	if fitting == 0 && weakErr != nil {
		vd.fail("key", ReasonKeyNotFound, fmt.Sprintf("the key for kid %q is too weak to verify with: %v", kid, weakErr), tagErr(weakErr, keys.ErrKeyNotFound))
		return nil
	}
	if fitting == 0 {
		vd.fail("key", ReasonKeyNotFound, fmt.Sprintf("no signing key for kid %q and alg %q in the set", kid, alg), keys.ErrKeyNotFound)
		return nil
	}
	if good == nil {
		v.signatureMismatch(vd, kid, alg, candidates, fitting)
		return nil
	}
	vd.pass("key", v.keyDetail(good))
	vd.pass("signature", allowed.verified)

	if !more {
		return good
	}
	if crit, ok := tok.Header["crit"]; ok {
		vd.fail("crit", ReasonMalformed, "header crit "+critPhrase(crit)+": jwtkit understands no critical extension (RFC 7515 §4.1.11)",
			&parseError{part: "header", kind: ErrCrit})
	}
	return good
}

// signatureMismatch says precisely what was tried when no fitting key
// verifies: a kid that really matched ("kid X matched but …"), a key tried
// only because it is the one given (its kid differs), or several keys. It
// adds no passing "key" check: a key line marked ok above a signature
// failure reads as "the key was right", so the signature check alone names
// the key that was tried.
func (v *Verifier) signatureMismatch(vd *verdict, kid, alg string, candidates []*keys.Key, fitting int) {
	var only *keys.Key
	if fitting == 1 {
		for _, k := range candidates {
			if k.CheckAlg(alg) == nil && (k.Use == "" || k.Use == "sig") {
				only = k
			}
		}
	}
	switch {
	case only != nil && kid != "" && only.KID == kid:
		from := ""
		if only.Source != "" {
			from = " (from " + only.Source + ")"
		}
		vd.fail("signature", ReasonSignature, "kid "+safetext.Quote(kid)+" matched but the "+alg+" signature does not verify with this key"+from, ErrSignature)
	case only != nil && kid != "":
		vd.fail("signature", ReasonSignature, "the "+alg+" signature does not verify with "+keyPhrase(only)+" (the token's kid "+safetext.Quote(kid)+" is not its kid)", ErrSignature)
	case only != nil:
		vd.fail("signature", ReasonSignature, "the "+alg+" signature does not verify with "+keyPhrase(only), ErrSignature)
	default:
		vd.fail("signature", ReasonSignature, fmt.Sprintf("the %s signature verifies with none of the %d keys that fit", alg, fitting), ErrSignature)
	}
}

// tagErr wraps both errors, with the first one's message.
func tagErr(err, also error) error { return fmt.Errorf("%w (%w)", err, also) }

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func critPhrase(v any) string {
	a, ok := v.([]any)
	if !ok {
		return "is " + strictjson.Kind(v) + " (must be an array)"
	}
	names := make([]string, 0, len(a))
	for _, e := range a {
		if s, ok := e.(string); ok {
			names = append(names, s)
		}
	}
	return quoteList(names)
}

func keyPhrase(k *keys.Key) string {
	var b strings.Builder
	b.WriteString("key")
	if k.KID != "" {
		b.WriteString(" kid ")
		b.WriteString(safetext.Quote(k.KID))
	}
	if k.Source != "" {
		b.WriteString(" from ")
		b.WriteString(k.Source)
	}
	return b.String()
}

// claimTime is a NumericDate claim, read once per token.
type claimTime struct {
	t   time.Time
	ok  bool // present
	err error
}

// claim is what tok.NumericDate(dateName(i)) returns.
func (dc *dateClaims) claim(i int) claimTime {
	if !dc.present[i] {
		return claimTime{}
	}
	t, err := numericDate(dc.v[i])
	if err != nil {
		return claimTime{ok: true, err: fmt.Errorf("claim %q: %w", dateName(i), err)}
	}
	return claimTime{t: t, ok: true}
}

// checkTimes runs exp, nbf and iat. Leeway widens each window: a token is
// expired when now ≥ exp + leeway (exactly at exp counts as expired), not
// yet valid when now < nbf − leeway, issued in the future when
// iat > now + leeway.
//
// The details are written into one buffer and become one string, sliced
// among the checks at the end: this runs for every token of a batch.
func (v *Verifier) checkTimes(now time.Time, exp, nbf, iat claimTime, vd *verdict) {
	leeway := v.policy.Leeway
	var (
		arr   [320]byte
		spans [3]struct{ at, from, to int }
		ns    int
	)
	b := arr[:0]

	if exp.err != nil {
		vd.fail("exp", ReasonMalformed, exp.err.Error(), exp.err)
	} else if !exp.ok {
		vd.pass("exp", "no exp claim: the token does not expire")
	} else {
		from := len(b)
		if !now.Before(exp.t.Add(leeway)) {
			b = append(b, "expired "...)
			b = human.AppendDuration(b, now.Sub(exp.t))
			b = append(b, " ago at "...)
			b = appendStamp(b, exp.t)
			b = appendLeewayNote(b, leeway)
			vd.fail("exp", ReasonExpired, "", nil)
		} else if now.Before(exp.t) {
			b = append(b, "expires in "...)
			b = human.AppendDuration(b, exp.t.Sub(now))
			b = append(b, " at "...)
			b = appendStamp(b, exp.t)
			vd.pass("exp", "")
		} else {
			b = append(b, "expired "...)
			b = human.AppendDuration(b, now.Sub(exp.t))
			b = append(b, " ago at "...)
			b = appendStamp(b, exp.t)
			b = append(b, ", within the leeway of "...)
			b = human.AppendDuration(b, leeway)
			vd.pass("exp", "")
		}
		spans[ns].at, spans[ns].from, spans[ns].to = len(vd.checks)-1, from, len(b)
		ns++
	}

	if nbf.err != nil {
		vd.fail("nbf", ReasonMalformed, nbf.err.Error(), nbf.err)
	} else if nbf.ok {
		from := len(b)
		if now.Before(nbf.t.Add(-leeway)) {
			b = append(b, "not valid until "...)
			b = appendStamp(b, nbf.t)
			b = append(b, ", in "...)
			b = human.AppendDuration(b, nbf.t.Sub(now))
			b = appendLeewayNote(b, leeway)
			vd.fail("nbf", ReasonNotYetValid, "", nil)
		} else {
			b = append(b, "valid since "...)
			b = appendStamp(b, nbf.t)
			vd.pass("nbf", "")
		}
		spans[ns].at, spans[ns].from, spans[ns].to = len(vd.checks)-1, from, len(b)
		ns++
	}

	if iat.err != nil {
		vd.fail("iat", ReasonMalformed, iat.err.Error(), iat.err)
	} else if iat.ok {
		from := len(b)
		if iat.t.After(now.Add(leeway)) {
			b = append(b, "issued in the future at "...)
			b = appendStamp(b, iat.t)
			b = append(b, ", in "...)
			b = human.AppendDuration(b, iat.t.Sub(now))
			b = appendLeewayNote(b, leeway)
			vd.fail("iat", ReasonIssuedInFuture, "", nil)
		} else {
			b = append(b, "issued "...)
			b = human.AppendDuration(b, now.Sub(iat.t))
			b = append(b, " ago at "...)
			b = appendStamp(b, iat.t)
			vd.pass("iat", "")
		}
		spans[ns].at, spans[ns].from, spans[ns].to = len(vd.checks)-1, from, len(b)
		ns++
	}

	if ns > 0 {
		text := string(b)
		for _, sp := range spans[:ns] {
			vd.checks[sp.at].Detail = text[sp.from:sp.to]
		}
	}
}

// checkPolicy runs the claim policy; every configured check is listed.
func (v *Verifier) checkPolicy(tok *Token, now time.Time, iat claimTime, vd *verdict) {
	p := &v.policy
	c := tok.Claims
	if len(p.Issuers) > 0 {
		iss, isStr := c["iss"].(string)
		switch {
		case !isStr:
			vd.fail("iss", ReasonIssuer, "no iss string claim; want one of "+quoteList(p.Issuers), nil)
		case contains(p.Issuers, iss):
			vd.pass("iss", "iss "+safetext.Quote(iss)+" accepted")
		default:
			vd.fail("iss", ReasonIssuer, "iss "+safetext.Quote(iss)+" not in "+quoteList(p.Issuers), nil)
		}
	}
	if len(p.Audiences) > 0 {
		aud, ok := audience(c["aud"])
		switch {
		case !ok:
			vd.fail("aud", ReasonAudience, "no aud claim (a string or an array of strings); want "+anyOf(p.Audiences), nil)
		case intersects(p.Audiences, aud):
			vd.pass("aud", "aud "+quoteList(aud)+" accepted")
		case len(p.Audiences) == 1:
			vd.fail("aud", ReasonAudience, "aud "+safetext.Quote(p.Audiences[0])+" not in "+quoteList(aud), nil)
		default:
			vd.fail("aud", ReasonAudience, "none of "+quoteList(p.Audiences)+" in aud "+quoteList(aud), nil)
		}
	}
	if p.Subject != "" {
		sub, isStr := c["sub"].(string)
		switch {
		case !isStr:
			vd.fail("sub", ReasonSubject, "no sub string claim; want "+safetext.Quote(p.Subject), nil)
		case sub == p.Subject:
			vd.pass("sub", "sub "+safetext.Quote(sub)+" accepted")
		default:
			vd.fail("sub", ReasonSubject, "sub "+safetext.Quote(sub)+" is not "+safetext.Quote(p.Subject), nil)
		}
	}
	if len(p.Roles) > 0 {
		raw, present, err := LookupClaim(c, p.RolesClaim)
		have, problem := stringsClaim(raw)
		missing := missingFrom(p.Roles, have)
		switch {
		case err != nil:
			vd.fail("roles", ReasonRole, err.Error(), err)
		case !present:
			vd.fail("roles", ReasonRole, "no "+safetext.Quote(p.RolesClaim)+" claim"+flatIgnored(c, p.RolesClaim)+"; want roles "+quoteList(p.Roles), nil)
		case problem != "":
			vd.fail("roles", ReasonRole, safetext.Quote(p.RolesClaim)+" "+problem, nil)
		case len(missing) > 0:
			vd.fail("roles", ReasonRole, "missing roles "+quoteList(missing)+" in "+safetext.Quote(p.RolesClaim)+" "+quoteList(have), nil)
		default:
			vd.pass("roles", "roles "+quoteList(p.Roles)+" present")
		}
	}
	if len(p.Scopes) > 0 {
		var have []string
		found, problem := false, ""
		for _, name := range [...]string{"scope", "scp"} {
			if raw, ok := c[name]; ok {
				found = true
				s, why := stringsClaim(raw)
				if why != "" && problem == "" {
					problem = name + " " + why
				}
				have = append(have, s...)
			}
		}
		missing := missingFrom(p.Scopes, have)
		switch {
		case !found:
			vd.fail("scope", ReasonScope, "no scope or scp claim; want scopes "+quoteList(p.Scopes), nil)
		case problem != "":
			vd.fail("scope", ReasonScope, problem, nil)
		case len(missing) > 0:
			vd.fail("scope", ReasonScope, "missing scopes "+quoteList(missing)+" in "+quoteList(have), nil)
		default:
			vd.pass("scope", "scopes "+quoteList(p.Scopes)+" present")
		}
	}
	for _, name := range p.Require {
		if _, ok, _ := LookupClaim(c, name); ok { // ambiguous is present either way
			vd.pass("require", "claim "+safetext.Quote(name)+" present")
		} else {
			vd.fail("require", ReasonMissingClaim, "claim "+safetext.Quote(name)+" is required but absent"+flatIgnored(c, name), nil)
		}
	}
	if p.MaxAge > 0 {
		switch {
		case iat.err != nil || !iat.ok:
			vd.fail("max_age", ReasonTooOld, "max age "+human.Duration(p.MaxAge)+" needs an iat claim, and the token has none", nil)
		case now.Sub(iat.t) > p.MaxAge+p.Leeway:
			vd.fail("max_age", ReasonTooOld, "issued "+human.Duration(now.Sub(iat.t))+" ago"+", more than the max age of "+human.Duration(p.MaxAge)+leewayNote(p.Leeway), nil)
		default:
			vd.pass("max_age", "issued "+human.Duration(now.Sub(iat.t))+" ago"+", within the max age of "+human.Duration(p.MaxAge))
		}
	}
}

// stringsClaim reads a roles or scope claim the way RFC 6749 §3.3 and the
// applications that enforce them do: a string is a list delimited by
// U+0020 only (a tab, NBSP or ideographic space is part of a value), an
// array must hold only strings. problem says what else the claim is.
func stringsClaim(v any) (have []string, problem string) {
	switch x := v.(type) {
	case string:
		return SplitScope(x), ""
	case []any:
		out := make([]string, 0, len(x))
		for i, e := range x {
			s, ok := e.(string)
			if !ok {
				return out, fmt.Sprintf("holds %s at index %d, want strings only", strictjson.Kind(e), i)
			}
			out = append(out, s)
		}
		return out, ""
	case nil:
		return nil, "is null, want an array of strings or a space-delimited string"
	}
	return nil, "is " + strictjson.Kind(v) + ", want an array of strings or a space-delimited string"
}

// flatIgnored explains an absent dotted claim when a flat member literally
// holds its name: the name is a path, so that member is not read.
func flatIgnored(c map[string]any, name string) string {
	if !FlatOnly(c, name) {
		return ""
	}
	return " (a flat member named " + safetext.Quote(name) + " is ignored: a dotted name is a path to a nested member)"
}

// SplitScope splits an OAuth 2 scope string on U+0020 only (RFC 6749 §3.3:
// scope-token is NQCHAR, and only %x20 separates), dropping empty parts.
func SplitScope(s string) []string {
	var out []string
	for part := range strings.SplitSeq(s, " ") {
		if part != "" {
			out = append(out, part)
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

func intersects(want, have []string) bool {
	for _, w := range want {
		if contains(have, w) {
			return true
		}
	}
	return false
}

func missingFrom(want, have []string) []string {
	var missing []string
	for _, w := range want {
		if !contains(have, w) {
			missing = append(missing, w)
		}
	}
	return missing
}

func anyOf(list []string) string {
	if len(list) == 1 {
		return safetext.Quote(list[0])
	}
	return "one of " + quoteList(list)
}

// quoteList writes ["a", "b"].
func quoteList(list []string) string {
	var b strings.Builder
	b.WriteByte('[')
	for i, s := range list {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(safetext.Quote(s))
	}
	b.WriteByte(']')
	return b.String()
}

// appendStamp appends t in UTC as time.RFC3339Nano does (fraction digits
// only as many as needed), by hand: verdicts carry two or three of these per
// token. Years outside 1..9999 (which NumericDate never returns) go through
// time.Format.
func appendStamp(b []byte, t time.Time) []byte {
	const secsPerDay = 86400
	u := t.Unix()
	if u < minUnix || u > maxUnix {
		return t.UTC().AppendFormat(b, time.RFC3339Nano)
	}
	// Days since 0000-03-01 (proleptic Gregorian), then the civil date
	// (H. Hinnant, "chrono-Compatible Low-Level Date Algorithms").
	days, secs := (u-minUnix)/secsPerDay, (u-minUnix)%secsPerDay
	z := days + 306 // minUnix is 0001-01-01, 306 days after 0000-03-01
	era := z / 146097
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d := doy - (153*mp+2)/5 + 1
	m := mp + 3
	if m > 12 {
		m -= 12
		y++
	}
	b = append(b, byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-',
		byte('0'+m/10), byte('0'+m%10), '-', byte('0'+d/10), byte('0'+d%10), 'T')
	h, mi, s := secs/3600, secs/60%60, secs%60
	b = append(b, byte('0'+h/10), byte('0'+h%10), ':', byte('0'+mi/10), byte('0'+mi%10), ':', byte('0'+s/10), byte('0'+s%10))
	if ns := t.Nanosecond(); ns != 0 {
		var f [10]byte
		f[0] = '.'
		for i := 9; i > 0; i-- {
			f[i] = byte('0' + ns%10)
			ns /= 10
		}
		n := 10
		for f[n-1] == '0' {
			n--
		}
		b = append(b, f[:n]...)
	}
	return append(b, 'Z')
}

func leewayNote(l time.Duration) string { return string(appendLeewayNote(nil, l)) }

func appendLeewayNote(b []byte, l time.Duration) []byte {
	if l == 0 {
		return b
	}
	b = append(b, " (leeway "...)
	b = human.AppendDuration(b, l)
	return append(b, ')')
}

package probe

import (
	"context"
	"crypto/ecdsa"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/jwtkit/jwtkit/pkg/keys"
	"github.com/jwtkit/jwtkit/pkg/probe/forge"
)

// checkExpiredLeeway sends the token expired by 30 s, 5 min, 1 h and 1 day:
// 1 h or 1 day accepted fails (expiry not checked), only 5 min warns (a
// leeway above a few minutes), 30 s passes (a usual leeway).
func checkExpiredLeeway(ctx context.Context, c *checkCtx) *Result {
	r := c.r
	made, stop := r.forgeVariants(c.id, r.keyGate)
	if stop != nil {
		return stop
	}
	vs := made.Variants
	xs := c.sendForged(ctx, vs)
	ages := forge.ExpiredAges()
	var largest time.Duration
	var largestX *exchange
	for i, x := range xs {
		if o, _ := r.base.judge(x); o == oAccepted && ages[i] > largest {
			largest, largestX = ages[i], x
		}
	}
	if largestX == nil {
		res := r.gradeRefused(c.id, xs, Fail, "variants")
		if res.Verdict == Pass {
			res.Evidence = strings.Replace(res.Evidence, fmt.Sprintf("all %d variants refused", len(xs)), fmt.Sprintf("exp 30 s, 5 min, 1 h and 1 day ago all refused (%d variants)", len(xs)), 1)
		}
		return res
	}
	ev := fmt.Sprintf("largest accepted age: %s (%s → %s)", largestX.label, largestX.label, describe(largestX))
	switch {
	case largest >= time.Hour:
		return r.result(c.id, Fail, ev+": expiry is not checked, or with a leeway of an hour or more", xs...)
	case largest >= 5*time.Minute:
		return r.result(c.id, Warn, ev+": a leeway of 5 minutes or more (RFC 7519 §4.1.4 allows a few minutes at most; jwtkit uses 30 s)", xs...)
	}
	res := r.gradeRefused(c.id, xs[1:], Fail, "variants")
	if res.Verdict != Pass {
		return r.result(c.id, res.Verdict, res.Evidence, xs...)
	}
	return r.result(c.id, Pass, ev+": a leeway under 5 minutes; 5 min, 1 h and 1 day refused", xs...)
}

// checkUnknownCrit sends the token re-signed with crit naming an unknown
// extension.
func checkUnknownCrit(ctx context.Context, c *checkCtx) *Result {
	r := c.r
	made, stop := r.forgeVariants(c.id, r.keyGate)
	if stop != nil {
		return stop
	}
	return r.gradeRefused(c.id, c.sendForged(ctx, made.Variants), Fail, "variant")
}

// checkClaimReflection sends markers in every claim under a broken
// signature and looks for them in the answer.
func checkClaimReflection(ctx context.Context, c *checkCtx) *Result {
	r := c.r
	made, stop := r.forgeVariants(c.id, r.tokenGate)
	if stop != nil {
		return stop
	}
	xs := c.sendForged(ctx, made.Variants)
	x := xs[0]
	if x.err != nil {
		return r.result(c.id, Error, "the request failed: "+errText(x.err), x)
	}
	markers := slices.Sorted(func(yield func(string) bool) {
		for m := range made.Markers {
			if !yield(m) {
				return
			}
		}
	})
	var where []string
	for _, m := range markers {
		claim := made.Markers[m]
		if strings.Contains(string(x.body), m) {
			where = append(where, fmt.Sprintf("%s in the body", claim))
		}
		names := make([]string, 0, len(x.header))
		for h := range x.header {
			names = append(names, h)
		}
		sort.Strings(names)
		for _, h := range names {
			if strings.Contains(strings.Join(x.header.Values(h), "\n"), m) {
				where = append(where, fmt.Sprintf("%s in the %s header", claim, h))
			}
		}
	}
	if len(where) > 0 {
		return r.result(c.id, Warn, fmt.Sprintf("%s → %d with claims of a badly signed token echoed: %s (claims are used before the signature is checked)", x.label, x.status, strings.Join(where, ", ")), x)
	}
	return r.result(c.id, Pass, fmt.Sprintf("%s → %s: none of %d markers echoed", x.label, describe(x), len(markers)), x)
}

// curveFor is the curve an ES alg needs ("" for the other algs).
func curveFor(alg string) string {
	if a, ok := keys.LookupAlg(alg); ok && a.Family == keys.FamilyECDSA {
		return a.Curve
	}
	return ""
}

// keyWeakness describes why a key is weak ("" when it is not): an RSA
// modulus under keys.MinRSABits whatever the alg, or an EC key whose curve
// does not fit alg ("" alg: the curve is not judged).
func keyWeakness(pub any, alg string) (weak string, size string) {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		bits := k.N.BitLen()
		if bits < keys.MinRSABits {
			return fmt.Sprintf("RSA modulus of %d bits (under %d: factorable)", bits, keys.MinRSABits), ""
		}
		return "", fmt.Sprintf("RSA %d bits", bits)
	case *ecdsa.PublicKey:
		crv := k.Curve.Params().Name
		if want := curveFor(alg); want != "" && want != crv {
			return fmt.Sprintf("EC key on %s used with %s, which needs %s", crv, alg, want), ""
		}
		return "", "EC " + crv
	}
	return "", "Ed25519"
}

// checkWeakKey measures the API's asymmetric key: the RSA modulus from the
// signature length, the key the caller gave, and the JWKS the API
// publishes.
func checkWeakKey(ctx context.Context, c *checkCtx) *Result {
	r := c.r
	var seen, weak []string
	var xs []*exchange
	alg := ""
	if r.forger != nil {
		alg = r.forger.Alg()
	}
	if r.forger != nil {
		tok := r.cfg.Token
		sig := tok[strings.LastIndex(tok, ".")+1:]
		n := len(sig) * 6 / 8 // base64url without padding
		switch {
		case strings.HasPrefix(alg, "RS") || strings.HasPrefix(alg, "PS"):
			if n*8 < keys.MinRSABits {
				weak = append(weak, fmt.Sprintf("the %s signature is %d bits long, so the RSA modulus is %d bits (under %d: factorable)", alg, n*8, n*8, keys.MinRSABits))
			} else {
				seen = append(seen, fmt.Sprintf("RSA %d bits (signature length)", n*8))
			}
		case strings.HasPrefix(alg, "ES"):
			a, _ := keys.LookupAlg(alg)
			if want := a.SignatureSize(); want != 0 && n != want {
				weak = append(weak, fmt.Sprintf("the %s signature is %d bytes where %s gives %d: the key's curve does not fit the alg", alg, n, curveFor(alg), want))
			} else if want != 0 {
				seen = append(seen, curveFor(alg)+" (signature length)")
			}
		}
	}
	if pub := r.cfg.PublicKey; pub != nil {
		if w, s := keyWeakness(pub, alg); w != "" {
			weak = append(weak, "the given key: "+w)
		} else {
			seen = append(seen, s+" (the given key)")
		}
	}
	set, where, raw := r.publishedKeys(ctx, c)
	xs = append(xs, r.byCheckCopy(c.id)...)
	if set == nil && raw != nil {
		// The set was refused whole (e.g. a key whose alg does not fit
		// it): judge what can be read, key by key.
		set = keysOneByOne(raw)
	}
	if set != nil {
		kid := ""
		if r.forger != nil {
			kid, _ = r.forger.Header()["kid"].(string)
		}
		for _, k := range set.Keys {
			if k.Public == nil {
				continue
			}
			// A set may hold keys for other algs, and RFC 7517 lets a key
			// leave alg out: a curve is judged against the key's own alg,
			// or against the token's alg for the key its kid picks; any
			// other key is just another key (an RSA modulus is judged
			// always).
			a := k.Alg
			if a == "" && kid != "" && k.KID == kid {
				a = alg
			}
			if w, s := keyWeakness(k.Public, a); w != "" {
				weak = append(weak, fmt.Sprintf("kid %q in %s: %s", k.KID, where, w))
			} else {
				seen = append(seen, fmt.Sprintf("%s (kid %q in %s)", s, k.KID, where))
			}
		}
	}
	switch {
	case len(weak) > 0:
		return r.result(c.id, Fail, strings.Join(weak, "; "), xs...)
	case len(seen) > 0:
		return r.result(c.id, Pass, strings.Join(dedupeStrings(seen), "; "), xs...)
	}
	if alg != "" && strings.HasPrefix(alg, "HS") {
		return r.result(c.id, Skip, fmt.Sprintf("the token is %s and no public key or JWKS was found: short HMAC secrets are jwt.weak-secret's", alg), xs...)
	}
	return r.result(c.id, Skip, "nothing to measure: no RS, PS or ES token, no --key and no JWKS at /.well-known/jwks.json", xs...)
}

// keysOneByOne reads the keys of a JWKS that does not parse as a set, each
// on its own with its alg set aside (so that an alg that does not fit the
// key is judged rather than refused); keys that still do not parse are
// left out.
func keysOneByOne(raw []byte) *keys.Set {
	var doc struct {
		Keys []map[string]any `json:"keys"`
	}
	if json.Unmarshal(raw, &doc) != nil {
		return nil
	}
	var out []*keys.Key
	for _, m := range doc.Keys {
		alg, _ := m["alg"].(string)
		delete(m, "alg")
		b, err := json.Marshal(m)
		if err != nil {
			continue
		}
		set, err := keys.Parse(b, "published JWK")
		if err != nil || len(set.Keys) != 1 {
			continue
		}
		k := set.Keys[0]
		k.Alg = alg
		out = append(out, k)
	}
	if len(out) == 0 {
		return nil
	}
	return keys.NewSet(out...)
}

func dedupeStrings(ss []string) []string {
	var out []string
	for _, s := range ss {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// byCheckCopy is the exchanges a check sent so far.
func (r *run) byCheckCopy(id string) []*exchange {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]*exchange(nil), r.byCheck[id]...)
}

// forgeVariants runs gate (keyGate, tokenGate, …) and then builds the
// check's variants with the forge kit, which jwtkit forge shares; a non-nil
// Result ends the check (skipped, or an error).
func (r *run) forgeVariants(id string, gate func(string) *Result) (forge.Made, *Result) {
	if g := gate(id); g != nil {
		return forge.Made{}, g
	}
	made, err := r.forger.Make(id, r.material())
	if err != nil {
		return forge.Made{}, r.result(id, Error, err.Error())
	}
	return made, nil
}

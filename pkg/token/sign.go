package token

import (
	"bytes"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/golang-jwt/jwt/v5"

	"github.com/jwtkit/jwtkit/pkg/keys"
)

// Algs lists the JWS algorithms jwtkit signs and verifies with: the names
// of keys.Algs, whose table is the one home of what each alg needs.
func Algs() []string { return keys.AlgNames() }

// pssStrict holds RSASSA-PSS methods that verify with the salt length equal
// to the hash length, as RFC 7518 §3.5 requires. golang-jwt's registered
// PS* methods accept any salt length on verification.
var pssStrict = sync.OnceValue(func() map[string]jwt.SigningMethod {
	m := map[string]jwt.SigningMethod{}
	for _, base := range []*jwt.SigningMethodRSAPSS{jwt.SigningMethodPS256, jwt.SigningMethodPS384, jwt.SigningMethodPS512} {
		opts := &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash}
		m[base.Alg()] = &jwt.SigningMethodRSAPSS{SigningMethodRSA: base.SigningMethodRSA, Options: opts, VerifyOptions: opts}
	}
	return m
})

// signingMethod is the golang-jwt method for a JWS alg; nil for "none" and
// anything unknown. It is a switch rather than jwt.GetSigningMethod so that
// no registry (and no lock) is involved on the hot path.
func signingMethod(alg string) jwt.SigningMethod {
	switch alg {
	case "HS256":
		return jwt.SigningMethodHS256
	case "HS384":
		return jwt.SigningMethodHS384
	case "HS512":
		return jwt.SigningMethodHS512
	case "RS256":
		return jwt.SigningMethodRS256
	case "RS384":
		return jwt.SigningMethodRS384
	case "RS512":
		return jwt.SigningMethodRS512
	case "PS256", "PS384", "PS512":
		return pssStrict()[alg]
	case "ES256":
		return jwt.SigningMethodES256
	case "ES384":
		return jwt.SigningMethodES384
	case "ES512":
		return jwt.SigningMethodES512
	case "EdDSA":
		return jwt.SigningMethodEdDSA
	}
	return nil
}

func isHMAC(alg string) bool { return strings.HasPrefix(alg, "HS") }

// ErrNoPrivateKey is returned by NewSigner for a key that cannot sign.
var ErrNoPrivateKey = errors.New("signing needs a private key or a secret")

// NewSigner checks alg against the key (keys.Key.CheckAlg; "none" is
// refused) and fixes the header: alg, typ (default "JWT"; "" omits it), kid
// (the key's unless header sets one; "" omits it), then header's extra
// members. A header "alg" other than alg is an error.
func NewSigner(key *keys.Key, alg string, header map[string]any) (*Signer, error) {
	if key == nil {
		return nil, fmt.Errorf("signer: %w", ErrNoPrivateKey)
	}
	if strings.EqualFold(alg, "none") {
		return nil, fmt.Errorf("signer: %w: refusing to mint unsecured tokens", ErrUnsecured)
	}
	if err := key.CheckAlg(alg); err != nil {
		return nil, fmt.Errorf("signer: %w", err)
	}
	method := signingMethod(alg)
	if method == nil {
		return nil, fmt.Errorf("signer: alg %q: %w", alg, keys.ErrAlgMismatch)
	}
	if !key.IsPrivate() {
		return nil, fmt.Errorf("signer: %s: %w", key.Describe(), ErrNoPrivateKey)
	}
	h := make(map[string]any, len(header)+3)
	for k, v := range header {
		h[k] = v
	}
	if a, ok := h["alg"]; ok && a != alg {
		return nil, fmt.Errorf("signer: header alg %v differs from alg %q", a, alg)
	}
	h["alg"] = alg
	if typ, ok := h["typ"]; !ok {
		h["typ"] = "JWT"
	} else if typ == "" {
		delete(h, "typ")
	}
	if kid, ok := h["kid"]; !ok {
		if key.KID != "" {
			h["kid"] = key.KID
		}
	} else if kid == "" {
		delete(h, "kid")
	}
	hj, err := marshalCompact(h)
	if err != nil {
		return nil, fmt.Errorf("signer: encoding header: %w", err)
	}
	s := &Signer{
		key:        key,
		alg:        alg,
		header:     h,
		method:     method,
		signingKey: key.SigningKey(),
		prefix:     base64.RawURLEncoding.EncodeToString(hj) + ".",
	}
	if key.Type == keys.Oct {
		s.secret = key.Secret
		s.mac = newMACPool(alg, key.Secret)
	}
	s.scratch.New = func() any { return new(signScratch) }
	return s, nil
}

// signScratch is a Signer's reusable working memory for one Sign call.
type signScratch struct {
	json, out, mac []byte
}

// Header returns a copy of the protected header the signer writes.
func (s *Signer) Header() map[string]any {
	h, _ := deepCopy(s.header).(map[string]any)
	return h
}

// Alg is the signer's JWS algorithm.
func (s *Signer) Alg() string { return s.alg }

// Sign serialises claims (compact JSON, sorted keys as encoding/json does,
// "<", ">" and "&" left as they are) and returns the compact JWS.
func (s *Signer) Sign(claims map[string]any) (string, error) {
	sc := s.scratch.Get().(*signScratch)
	defer s.scratch.Put(sc)
	var payload []byte
	if claims == nil {
		payload = append(sc.json[:0], "{}"...)
	} else {
		var ok bool
		payload, ok = appendJSON(sc.json[:0], claims)
		if !ok {
			var err error
			if payload, err = marshalCompact(claims); err != nil {
				return "", fmt.Errorf("encoding claims: %w", err)
			}
		}
	}
	sc.json = payload[:0]
	return s.sign(sc, payload)
}

// sign is signCompact with the signer's prepared state: the scratch
// buffers, and for HS* a pooled HMAC instead of golang-jwt's new one per
// call (the same HMAC-SHA-2).
func (s *Signer) sign(sc *signScratch, payload []byte) (string, error) {
	if s.mac == nil || !s.mac.usable(s.secret) {
		return signCompact(s.method, s.signingKey, s.prefix, payload)
	}
	enc := base64.RawURLEncoding
	buf := append(sc.out[:0], s.prefix...)
	buf = enc.AppendEncode(buf, payload)
	sc.mac = s.mac.appendMAC(sc.mac[:0], buf)
	buf = append(buf, '.')
	buf = enc.AppendEncode(buf, sc.mac)
	sc.out = buf[:0]
	return string(buf), nil
}

// signCompact appends the encoded payload to prefix ("<header b64>."),
// signs that input and returns the compact JWS.
func signCompact(method jwt.SigningMethod, key any, prefix string, payload []byte) (string, error) {
	enc := base64.RawURLEncoding
	n := len(prefix) + enc.EncodedLen(len(payload))
	buf := make([]byte, n, n+1+enc.EncodedLen(132)) // room for an ES512 signature
	copy(buf, prefix)
	enc.Encode(buf[len(prefix):], payload)
	sig, err := method.Sign(string(buf), key)
	if err != nil {
		return "", fmt.Errorf("signing with %s: %w", method.Alg(), err)
	}
	buf = append(buf, '.')
	buf = enc.AppendEncode(buf, sig)
	return string(buf), nil
}

// SignJWS signs exact header and payload octets (no re-serialisation) and
// returns the compact JWS. It checks alg against the key as NewSigner does
// but leaves the header to the caller: it is for test vectors and tools that
// need byte-exact control, such as RFC 7515's examples.
func SignJWS(key *keys.Key, alg string, header, payload []byte) (string, error) {
	if key == nil || !key.IsPrivate() {
		return "", fmt.Errorf("signing JWS: %w", ErrNoPrivateKey)
	}
	if strings.EqualFold(alg, "none") {
		return "", fmt.Errorf("signing JWS: %w", ErrUnsecured)
	}
	if err := key.CheckAlg(alg); err != nil {
		return "", fmt.Errorf("signing JWS: %w", err)
	}
	method := signingMethod(alg)
	if method == nil {
		return "", fmt.Errorf("signing JWS: alg %q: %w", alg, keys.ErrAlgMismatch)
	}
	return signCompact(method, key.SigningKey(), base64.RawURLEncoding.EncodeToString(header)+".", payload)
}

// MarshalJSON is how jwtkit serialises a header or claim set: compact JSON,
// member names sorted as encoding/json sorts them, no HTML escaping (PyJWT
// and jose leave "<" as is), no trailing newline.
func MarshalJSON(v any) ([]byte, error) { return marshalCompact(v) }

// marshalCompact is MarshalJSON.
func marshalCompact(v any) ([]byte, error) {
	var b bytes.Buffer
	e := json.NewEncoder(&b)
	e.SetEscapeHTML(false)
	if err := e.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

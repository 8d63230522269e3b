package keys

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strings"

	"github.com/jwtkit/jwtkit/internal/safetext"
)

// jwkMembers is a decoded JWK object: string members by name, plus the
// names whose value was not a string.
type jwkMembers struct {
	str    map[string]string
	nonStr map[string]bool
	ops    []string // key_ops
	hasOps bool
}

func (m *jwkMembers) get(name string) (string, bool) {
	v, ok := m.str[name]
	return v, ok
}

func decodeMembers(raw map[string]json.RawMessage) (*jwkMembers, error) {
	m := &jwkMembers{str: map[string]string{}, nonStr: map[string]bool{}}
	for name, v := range raw {
		if name == "key_ops" {
			m.hasOps = true
			if err := json.Unmarshal(v, &m.ops); err != nil {
				return nil, fmt.Errorf("JWK member \"key_ops\" is not an array of strings: %w", ErrInvalidKey)
			}
			continue
		}
		var s string
		if err := json.Unmarshal(v, &s); err != nil {
			m.nonStr[name] = true
			continue
		}
		m.str[name] = s
	}
	// Members that must be strings when present (RFC 7517 §4, RFC 7518 §6).
	for _, name := range []string{"kty", "kid", "use", "alg", "crv", "x", "y", "d", "n", "e", "p", "q", "dp", "dq", "qi", "k"} {
		if m.nonStr[name] {
			return nil, fmt.Errorf("JWK member %q is not a string: %w", name, ErrInvalidKey)
		}
	}
	return m, nil
}

// b64 decodes a base64url JWK member. Padding is tolerated (some producers
// add it); any other deviation is an error naming the member, never its value.
func (m *jwkMembers) b64(name string, required bool) ([]byte, error) {
	v, ok := m.str[name]
	if !ok {
		if required {
			return nil, fmt.Errorf("JWK has no %q member: %w", name, ErrInvalidKey)
		}
		return nil, nil
	}
	b, err := base64.RawURLEncoding.Strict().DecodeString(strings.TrimRight(v, "="))
	if err != nil {
		return nil, fmt.Errorf("JWK member %q is not valid base64url: %w", name, ErrInvalidKey)
	}
	if len(b) == 0 && required {
		return nil, fmt.Errorf("JWK member %q is empty: %w", name, ErrInvalidKey)
	}
	return b, nil
}

// errEncryptionKey marks a JWK meant for encryption; a JWKS skips such keys.
var errEncryptionKey = errors.New("encryption key")

// parseJWK turns one JWK object into a Key. It checks that kty, crv, alg
// and use agree, that the key is valid and strong enough, and that private
// members match the public ones.
func parseJWK(raw map[string]json.RawMessage, format, source string) (*Key, error) {
	m, err := decodeMembers(raw)
	if err != nil {
		return nil, err
	}
	kty, ok := m.get("kty")
	if !ok {
		return nil, fmt.Errorf("JWK has no \"kty\" member: %w", ErrInvalidKey)
	}
	use, _ := m.get("use")
	alg, _ := m.get("alg")
	kid, hasKID := m.get("kid")

	// Encryption keys: "use":"enc", a JWE alg, or key_ops without
	// sign/verify. Such a key never verifies a signature, whatever else it
	// says; a JWKS skips it.
	if use == "enc" {
		return nil, fmt.Errorf("JWK has \"use\":\"enc\" (an encryption key, not a signing key): %w: %w", ErrUnsupported, errEncryptionKey)
	}
	if isEncryptionAlg(alg) {
		return nil, fmt.Errorf("JWK alg %q is an encryption algorithm, not a signature algorithm: %w: %w", alg, ErrUnsupported, errEncryptionKey)
	}
	if m.hasOps {
		signing := false
		for _, op := range m.ops {
			if op == "sign" || op == "verify" {
				signing = true
			}
		}
		if !signing {
			return nil, fmt.Errorf("JWK \"key_ops\" has neither \"sign\" nor \"verify\": %w: %w", ErrUnsupported, errEncryptionKey)
		}
	}
	if strings.EqualFold(alg, "none") {
		return nil, fmt.Errorf("JWK alg %q is never accepted: %w", alg, ErrInvalidKey)
	}

	k := &Key{Type: Type(kty), Use: use, Format: format, Source: source}
	switch Type(kty) {
	case RSA:
		err = jwkRSA(m, k)
	case EC:
		err = jwkEC(m, k)
	case OKP:
		err = jwkOKP(m, k)
	case Oct:
		err = jwkOct(m, k)
	default:
		return nil, fmt.Errorf("JWK kty %s: %w", safetext.Quote(kty), ErrUnsupported)
	}
	if err != nil {
		return nil, err
	}

	// alg must be a signing alg that fits the key; aliases are normalised.
	if alg != "" {
		norm := alg
		switch {
		case alg == "ES521" && k.Type == EC:
			norm = "ES512"
		case alg == "Ed25519" && k.Type == OKP:
			norm = "EdDSA"
		}
		if !isSigningAlg(norm) {
			return nil, fmt.Errorf("JWK alg %s: unknown or unsupported signature algorithm: %w", safetext.Quote(alg), ErrUnsupported)
		}
		if err := k.CheckAlg(norm); err != nil {
			return nil, fmt.Errorf("JWK alg %s does not fit its key (%s): %w", safetext.Quote(alg), k.typeName(), ErrInvalidKey)
		}
		k.Alg = norm
	}
	if err := checkX5C(raw, k); err != nil {
		return nil, err
	}
	if k.Type == Oct && k.Alg != "" {
		if min := hashBytes(k.Alg); len(k.Secret) < min {
			return nil, fmt.Errorf("JWK secret for %s is %d bytes; RFC 7518 §3.2 requires at least %d: %w", k.Alg, len(k.Secret), min, ErrWeakKey)
		}
	}
	if hasKID {
		k.KID = kid
	} else if k.Type != Oct {
		if k.KID, err = k.Thumbprint(); err != nil {
			return nil, err
		}
		k.kidDerived = true
	} else {
		k.kidDerived = true
	}
	return k, nil
}

func jwkRSA(m *jwkMembers, k *Key) error {
	for _, name := range []string{"crv", "x", "y", "k"} {
		if _, ok := m.get(name); ok {
			return fmt.Errorf("RSA JWK has member %q, which belongs to another key type: %w", name, ErrInvalidKey)
		}
	}
	nb, err := m.b64("n", true)
	if err != nil {
		return err
	}
	eb, err := m.b64("e", true)
	if err != nil {
		return err
	}
	if len(eb) > 4 {
		return fmt.Errorf("RSA JWK exponent is %d bytes long; at most 4 are supported: %w", len(eb), ErrUnsupported)
	}
	e := 0
	for _, c := range eb {
		e = e<<8 | int(c)
	}
	pub := &rsa.PublicKey{N: new(big.Int).SetBytes(nb), E: e}
	_, private := m.get("d")
	if err := checkRSA(pub, !private); err != nil {
		return err
	}
	k.Public = pub
	if _, ok := m.get("d"); !ok {
		for _, name := range []string{"p", "q", "dp", "dq", "qi"} {
			if _, ok := m.get(name); ok {
				return fmt.Errorf("RSA JWK has %q but no \"d\": %w", name, ErrInvalidKey)
			}
		}
		return nil
	}
	d, err := m.b64("d", true)
	if err != nil {
		return err
	}
	p, err := m.b64("p", false)
	if err != nil {
		return err
	}
	q, err := m.b64("q", false)
	if err != nil {
		return err
	}
	if p == nil || q == nil {
		return fmt.Errorf("RSA private JWK without \"p\" and \"q\": only keys with their primes are supported: %w", ErrUnsupported)
	}
	if _, ok := m.get("oth"); ok || m.nonStr["oth"] {
		return fmt.Errorf("RSA private JWK with more than two primes (\"oth\"): %w", ErrUnsupported)
	}
	priv := &rsa.PrivateKey{
		PublicKey: *pub,
		D:         new(big.Int).SetBytes(d),
		Primes:    []*big.Int{new(big.Int).SetBytes(p), new(big.Int).SetBytes(q)},
	}
	if err := priv.Validate(); err != nil {
		return fmt.Errorf("RSA private JWK: \"d\", \"p\" and \"q\" do not match \"n\" and \"e\": %w", ErrInvalidKey)
	}
	priv.Precompute()
	// The CRT values, when given, must be the right ones: another library
	// would sign with them and produce bad signatures.
	for _, c := range []struct {
		name string
		want *big.Int
	}{{"dp", priv.Precomputed.Dp}, {"dq", priv.Precomputed.Dq}, {"qi", priv.Precomputed.Qinv}} {
		b, err := m.b64(c.name, false)
		if err != nil {
			return err
		}
		if b != nil && c.want != nil && new(big.Int).SetBytes(b).Cmp(c.want) != 0 {
			return fmt.Errorf("RSA private JWK: %q does not match the key: %w", c.name, ErrInvalidKey)
		}
	}
	k.Private = priv
	k.Public = &priv.PublicKey
	return nil
}

// checkRSAPublic enforces jwtkit's RSA rules on any RSA key, whatever its
// format.
func checkRSAPublic(pub *rsa.PublicKey) error { return checkRSA(pub, false) }

// checkRSA is checkRSAPublic; with publicOnly, a modulus down to
// MinWeakRSABits loads (Key.Weak then reports it), so that an API using a
// weak key can be audited. Such a key never signs (it has no private
// half) and never verifies (pkg/token skips it).
func checkRSA(pub *rsa.PublicKey, publicOnly bool) error {
	bits := pub.N.BitLen()
	if publicOnly && bits >= MinWeakRSABits && bits < MinRSABits && pub.N.Sign() > 0 && pub.N.Bit(0) == 1 && pub.E >= 3 && pub.E%2 == 1 {
		return nil
	}
	switch {
	case pub.N.Sign() <= 0:
		return fmt.Errorf("RSA modulus is zero: %w", ErrInvalidKey)
	case pub.E < 3 || pub.E%2 == 0:
		return fmt.Errorf("RSA public exponent %d is invalid: it must be odd and at least 3: %w", pub.E, ErrInvalidKey)
	case pub.N.Bit(0) == 0:
		return fmt.Errorf("RSA modulus is even: %w", ErrInvalidKey)
	case bits < MinRSABits:
		return fmt.Errorf("RSA key is %d bits; jwtkit needs at least %d: %w", bits, MinRSABits, ErrWeakKey)
	case bits > MaxRSABits:
		return fmt.Errorf("RSA key is %d bits; jwtkit handles at most %d: %w", bits, MaxRSABits, ErrUnsupported)
	}
	return nil
}

// MinWeakRSABits is the smallest RSA modulus a public key may have to load
// at all (as a weak key, see Key.Weak).
const MinWeakRSABits = 512

// Weak reports why a key is too weak for jwtkit to sign or verify with (an
// error wrapping ErrWeakKey), or nil. Only public RSA keys under
// MinRSABits load at all, to be audited.
func (k *Key) Weak() error {
	if rk, ok := k.Public.(*rsa.PublicKey); ok && rk.N.BitLen() < MinRSABits {
		return fmt.Errorf("RSA key is %d bits; jwtkit needs at least %d: %w", rk.N.BitLen(), MinRSABits, ErrWeakKey)
	}
	return nil
}

// MaxRSABits is the largest RSA modulus jwtkit loads: bigger keys only
// serve to make verification slow.
const MaxRSABits = 16384

func jwkEC(m *jwkMembers, k *Key) error {
	for _, name := range []string{"n", "e", "k"} {
		if _, ok := m.get(name); ok {
			return fmt.Errorf("EC JWK has member %q, which belongs to another key type: %w", name, ErrInvalidKey)
		}
	}
	crv, ok := m.get("crv")
	if !ok {
		return fmt.Errorf("EC JWK has no \"crv\" member: %w", ErrInvalidKey)
	}
	curve := curveByName(crv)
	if curve == nil {
		return fmt.Errorf("EC JWK curve %s: jwtkit supports P-256, P-384 and P-521: %w", safetext.Quote(crv), ErrUnsupported)
	}
	size := (curve.Params().BitSize + 7) / 8
	x, err := m.b64("x", true)
	if err != nil {
		return err
	}
	y, err := m.b64("y", true)
	if err != nil {
		return err
	}
	if len(x) != size || len(y) != size {
		return fmt.Errorf("EC JWK coordinates are %d and %d bytes; %s needs %d each: %w", len(x), len(y), crv, size, ErrInvalidKey)
	}
	point := append(append([]byte{4}, x...), y...)
	pub, err := ecdsa.ParseUncompressedPublicKey(curve, point)
	if err != nil {
		return fmt.Errorf("EC JWK point is not on curve %s: %w", crv, ErrInvalidKey)
	}
	k.Public = pub
	if _, ok := m.get("d"); !ok {
		return nil
	}
	d, err := m.b64("d", true)
	if err != nil {
		return err
	}
	if len(d) != size {
		return fmt.Errorf("EC private JWK \"d\" is %d bytes; %s needs %d: %w", len(d), crv, size, ErrInvalidKey)
	}
	priv, err := ecdsa.ParseRawPrivateKey(curve, d)
	if err != nil {
		return fmt.Errorf("EC private JWK \"d\" is not a valid %s scalar: %w", crv, ErrInvalidKey)
	}
	if !priv.PublicKey.Equal(pub) {
		return fmt.Errorf("EC private JWK: \"d\" does not match \"x\" and \"y\": %w", ErrInvalidKey)
	}
	k.Private = priv
	k.Public = &priv.PublicKey
	return nil
}

func jwkOKP(m *jwkMembers, k *Key) error {
	for _, name := range []string{"n", "e", "y", "k"} {
		if _, ok := m.get(name); ok {
			return fmt.Errorf("OKP JWK has member %q, which belongs to another key type: %w", name, ErrInvalidKey)
		}
	}
	crv, ok := m.get("crv")
	if !ok {
		return fmt.Errorf("OKP JWK has no \"crv\" member: %w", ErrInvalidKey)
	}
	if crv != "Ed25519" {
		return fmt.Errorf("OKP JWK curve %s: jwtkit signs with Ed25519 only: %w", safetext.Quote(crv), ErrUnsupported)
	}
	x, err := m.b64("x", true)
	if err != nil {
		return err
	}
	if len(x) != ed25519.PublicKeySize {
		return fmt.Errorf("Ed25519 JWK \"x\" is %d bytes; it must be %d: %w", len(x), ed25519.PublicKeySize, ErrInvalidKey)
	}
	pub := ed25519.PublicKey(x)
	k.Public = pub
	if _, ok := m.get("d"); !ok {
		return nil
	}
	d, err := m.b64("d", true)
	if err != nil {
		return err
	}
	if len(d) != ed25519.SeedSize {
		return fmt.Errorf("Ed25519 JWK \"d\" is %d bytes; it must be %d: %w", len(d), ed25519.SeedSize, ErrInvalidKey)
	}
	priv := ed25519.NewKeyFromSeed(d)
	if subtle.ConstantTimeCompare(priv.Public().(ed25519.PublicKey), pub) != 1 {
		return fmt.Errorf("Ed25519 private JWK: \"d\" does not match \"x\": %w", ErrInvalidKey)
	}
	k.Private = priv
	k.Public = priv.Public()
	return nil
}

func jwkOct(m *jwkMembers, k *Key) error {
	for _, name := range []string{"n", "e", "x", "y", "d", "crv"} {
		if _, ok := m.get(name); ok {
			return fmt.Errorf("oct JWK has member %q, which belongs to another key type: %w", name, ErrInvalidKey)
		}
	}
	if v, ok := m.get("k"); ok && v == "" {
		return fmt.Errorf("oct JWK has an empty \"k\": %w", ErrInvalidKey)
	}
	secret, err := m.b64("k", true)
	if err != nil {
		return err
	}
	k.Secret = secret
	return nil
}

// Thumbprint is the RFC 7638 SHA-256 thumbprint, base64url without padding.
// For a secret it is computed over {"k","kty"} as RFC 7638 §3.2 says.
func (k *Key) Thumbprint() (string, error) {
	b, err := k.CanonicalJWK()
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return base64.RawURLEncoding.EncodeToString(sum[:]), nil
}

type member struct{ name, value string }

func writeMember(b *bytes.Buffer, m member) {
	n, _ := json.Marshal(m.name)
	v, _ := json.Marshal(m.value)
	b.Write(n)
	b.WriteByte(':')
	b.Write(v)
}

func sortedMembers(ms []member) []member {
	out := append([]member(nil), ms...)
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].name < out[j-1].name; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// b64url is the unpadded base64url of b, as JWK members carry it.
func b64url(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// requiredMembers are the RFC 7638 required members in the JWK order jwtkit
// writes (kty first).
func (k *Key) requiredMembers() ([]member, error) {
	switch pub := k.Public.(type) {
	case *rsa.PublicKey:
		return []member{
			{"kty", "RSA"},
			{"n", b64url(pub.N.Bytes())},
			{"e", b64url(big.NewInt(int64(pub.E)).Bytes())},
		}, nil
	case *ecdsa.PublicKey:
		crv := curveName(pub.Curve)
		if crv == "" {
			return nil, fmt.Errorf("EC curve %s: %w", pub.Curve.Params().Name, ErrUnsupported)
		}
		pt, err := pub.Bytes()
		if err != nil {
			return nil, fmt.Errorf("EC public key: %w", ErrInvalidKey)
		}
		size := (len(pt) - 1) / 2
		return []member{
			{"kty", "EC"},
			{"crv", crv},
			{"x", b64url(pt[1 : 1+size])},
			{"y", b64url(pt[1+size:])},
		}, nil
	case ed25519.PublicKey:
		return []member{
			{"kty", "OKP"},
			{"crv", "Ed25519"},
			{"x", b64url(pub)},
		}, nil
	}
	if k.Type == Oct {
		if len(k.Secret) == 0 {
			return nil, fmt.Errorf("empty HMAC secret: %w", ErrInvalidKey)
		}
		return []member{{"kty", "oct"}, {"k", b64url(k.Secret)}}, nil
	}
	return nil, fmt.Errorf("key of type %q has no public key: %w", string(k.Type), ErrInvalidKey)
}

// privateMembers are the private JWK members of k.
func (k *Key) privateMembers() ([]member, error) {
	switch priv := k.Private.(type) {
	case *rsa.PrivateKey:
		if len(priv.Primes) != 2 {
			return nil, fmt.Errorf("RSA key with %d primes: %w", len(priv.Primes), ErrUnsupported)
		}
		// Computed here rather than read from Precomputed: the key may be
		// shared, and Precompute would write to it.
		p, q := priv.Primes[0], priv.Primes[1]
		one := big.NewInt(1)
		dp := new(big.Int).Mod(priv.D, new(big.Int).Sub(p, one))
		dq := new(big.Int).Mod(priv.D, new(big.Int).Sub(q, one))
		qi := new(big.Int).ModInverse(q, p)
		if qi == nil {
			return nil, fmt.Errorf("RSA key primes are not coprime: %w", ErrInvalidKey)
		}
		return []member{
			{"d", b64url(priv.D.Bytes())},
			{"p", b64url(p.Bytes())},
			{"q", b64url(q.Bytes())},
			{"dp", b64url(dp.Bytes())},
			{"dq", b64url(dq.Bytes())},
			{"qi", b64url(qi.Bytes())},
		}, nil
	case *ecdsa.PrivateKey:
		d, err := priv.Bytes()
		if err != nil {
			return nil, fmt.Errorf("EC private key: %w", ErrInvalidKey)
		}
		return []member{{"d", b64url(d)}}, nil
	case ed25519.PrivateKey:
		return []member{{"d", b64url(priv.Seed())}}, nil
	case nil:
		return nil, nil
	}
	return nil, fmt.Errorf("private key of type %T: %w", k.Private, ErrUnsupported)
}

// compactJWK is the JWK of k on one line: kty, kid, use, alg, then the key
// members in RFC 7518 order.
func compactJWK(k *Key, private bool) ([]byte, error) {
	req, err := k.requiredMembers()
	if err != nil {
		return nil, err
	}
	if k.Type == Oct && !private {
		return nil, fmt.Errorf("an HMAC secret has no public part to publish: %w", ErrUnsupported)
	}
	ms := []member{req[0]}
	if k.KID != "" {
		ms = append(ms, member{"kid", k.KID})
	}
	if k.Use != "" {
		ms = append(ms, member{"use", k.Use})
	}
	if k.Alg != "" {
		ms = append(ms, member{"alg", k.Alg})
	}
	ms = append(ms, req[1:]...)
	if private && k.Type != Oct {
		pm, err := k.privateMembers()
		if err != nil {
			return nil, err
		}
		ms = append(ms, pm...)
	}
	var b bytes.Buffer
	b.WriteByte('{')
	for i, m := range ms {
		if i > 0 {
			b.WriteByte(',')
		}
		writeMember(&b, m)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// MarshalJWK encodes one key as an indented JWK JSON object with kid, alg
// (when known) and use, ending in a newline. Members come in a fixed order
// (kty, kid, use, alg, then the key's own), so output is deterministic.
// private=false drops private members; a secret has none to drop and is
// refused.
func MarshalJWK(k *Key, private bool) ([]byte, error) {
	c, err := compactJWK(k, private)
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	if err := json.Indent(&out, c, "", "  "); err != nil {
		return nil, err
	}
	out.WriteByte('\n')
	return out.Bytes(), nil
}

// MarshalJWKS encodes the public halves of keys as an indented JWK Set
// ending in a newline. Secrets are refused (a JWKS is published), and so are
// two keys with the same kid.
func MarshalJWKS(keys []*Key) ([]byte, error) { return marshalJWKS(keys, false) }

// MarshalPrivateJWKS is MarshalJWKS keeping the private members of each
// key: a private JWK Set to sign from (never to publish).
func MarshalPrivateJWKS(keys []*Key) ([]byte, error) { return marshalJWKS(keys, true) }

func marshalJWKS(keys []*Key, private bool) ([]byte, error) {
	if len(keys) > MaxJWKSKeys {
		return nil, fmt.Errorf("%d keys: a JWKS holds at most %d: %w", len(keys), MaxJWKSKeys, ErrTooLarge)
	}
	seen := map[string]bool{}
	var b bytes.Buffer
	b.WriteString(`{"keys":[`)
	for i, k := range keys {
		if k.Type == Oct {
			return nil, fmt.Errorf("key %d is an HMAC secret: a JWKS publishes public keys only: %w", i+1, ErrUnsupported)
		}
		if k.KID != "" {
			if seen[k.KID] {
				return nil, fmt.Errorf("two keys have kid %q: %w", k.KID, ErrInvalidKey)
			}
			seen[k.KID] = true
		}
		src := k
		if !private {
			src = k.PublicKey()
		}
		c, err := compactJWK(src, private)
		if err != nil {
			return nil, fmt.Errorf("key %d: %w", i+1, err)
		}
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(c)
	}
	b.WriteString(`]}`)
	var out bytes.Buffer
	if err := json.Indent(&out, b.Bytes(), "", "  "); err != nil {
		return nil, err
	}
	out.WriteByte('\n')
	return out.Bytes(), nil
}

package keys

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"fmt"
)

// CanonicalJWK is the key's RFC 7638 canonical JSON: the required public
// members only ({"e","kty","n"} for RSA, {"crv","kty","x","y"} for EC,
// {"crv","kty","x"} for OKP, {"k","kty"} for a secret), in lexicographic
// order, without whitespace. Its SHA-256 is the Thumbprint; it is also how
// a server that stores a public key as JWK JSON holds it byte for byte.
func (k *Key) CanonicalJWK() ([]byte, error) {
	members, err := k.requiredMembers()
	if err != nil {
		return nil, err
	}
	// The values are base64url or fixed names, so json.Marshal of each
	// string is the canonical form.
	var b bytes.Buffer
	b.WriteByte('{')
	for i, m := range sortedMembers(members) {
		if i > 0 {
			b.WriteByte(',')
		}
		writeMember(&b, m)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// NewPublic wraps a public key (*rsa.PublicKey, *ecdsa.PublicKey or
// ed25519.PublicKey) as a Key with a derived kid. It checks the type only,
// not the strength: auditing a weak key needs to load it.
func NewPublic(pub crypto.PublicKey, source string) (*Key, error) {
	k := &Key{Public: pub, Format: "public key", Source: source, kidDerived: true}
	switch p := pub.(type) {
	case *rsa.PublicKey:
		k.Type = RSA
	case *ecdsa.PublicKey:
		k.Type = EC
		if curveAlg(curveName(p.Curve)) == "" {
			return nil, fmt.Errorf("EC public key on an unsupported curve: %w", ErrUnsupported)
		}
	case ed25519.PublicKey:
		k.Type = OKP
	default:
		return nil, fmt.Errorf("public key of type %T: %w", pub, ErrUnsupported)
	}
	tp, err := k.Thumbprint()
	if err != nil {
		return nil, err
	}
	k.KID = tp
	return k, nil
}

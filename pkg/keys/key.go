package keys

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"fmt"
	"strings"

	"github.com/jwtkit/jwtkit/internal/safetext"
)

// Algorithm names. "EdDSA" is the JWS name golang-jwt and most libraries
// use for Ed25519; a JWK that pins RFC 9864's fully specified "Ed25519" is
// accepted and normalised to "EdDSA" (the only Ed25519 alg jwtkit signs
// with), and so is Wycheproof's unregistered "ES521" for P-521 keys, which
// becomes "ES512". Neither alias is accepted by CheckAlg: token headers must
// use the registered names.

// isEncryptionAlg reports whether alg is a JWE key-management or content
// encryption alg (RFC 7518 §4 and §5): such keys never sign.
func isEncryptionAlg(alg string) bool {
	switch alg {
	case "RSA1_5", "RSA-OAEP", "RSA-OAEP-256", "RSA-OAEP-384", "RSA-OAEP-512",
		"A128KW", "A192KW", "A256KW", "dir",
		"ECDH-ES", "ECDH-ES+A128KW", "ECDH-ES+A192KW", "ECDH-ES+A256KW",
		"A128GCMKW", "A192GCMKW", "A256GCMKW",
		"PBES2-HS256+A128KW", "PBES2-HS384+A192KW", "PBES2-HS512+A256KW",
		"A128CBC-HS256", "A192CBC-HS384", "A256CBC-HS512",
		"A128GCM", "A192GCM", "A256GCM":
		return true
	}
	return false
}

// curveName maps a Go curve to its JOSE name ("" when unsupported).
func curveName(c elliptic.Curve) string {
	switch c {
	case elliptic.P256():
		return "P-256"
	case elliptic.P384():
		return "P-384"
	case elliptic.P521():
		return "P-521"
	}
	return ""
}

// curveByName maps a JOSE curve name to a Go curve.
func curveByName(crv string) elliptic.Curve {
	switch crv {
	case "P-256":
		return elliptic.P256()
	case "P-384":
		return elliptic.P384()
	case "P-521":
		return elliptic.P521()
	}
	return nil
}

// Algs lists the JWS algorithms the key can sign or verify with. A pinned
// Alg gives just that one. HMAC keys give HS256/384/512 (never an asymmetric
// alg); RSA gives RS* and PS*; EC gives the one ES* alg of its curve; OKP
// gives EdDSA. "none" is never listed.
func (k *Key) Algs() []string {
	if k.Alg != "" {
		if k.CheckAlg(k.Alg) != nil {
			return nil
		}
		return []string{k.Alg}
	}
	switch k.Type {
	case Oct, RSA:
		return algsOfType(k.Type)
	case EC:
		if a := curveAlg(k.Curve()); a != "" {
			return []string{a}
		}
	case OKP:
		return []string{"EdDSA"}
	}
	return nil
}

// DefaultAlg is the alg used when the user names none: the pinned Alg, else
// RS256 for RSA, ES256/ES384/ES512 by curve, EdDSA, HS256 for a secret.
func (k *Key) DefaultAlg() string {
	if k.Alg != "" {
		return k.Alg
	}
	switch k.Type {
	case Oct:
		return "HS256"
	case RSA:
		return "RS256"
	case EC:
		return curveAlg(k.Curve())
	case OKP:
		return "EdDSA"
	}
	return ""
}

// typeName is the key type as prose, for messages.
func (k *Key) typeName() string {
	switch k.Type {
	case Oct:
		return "HMAC secret"
	case RSA:
		return "RSA key"
	case EC:
		if c := k.Curve(); c != "" {
			return "EC " + c + " key"
		}
		return "EC key"
	case OKP:
		return "Ed25519 key"
	}
	return fmt.Sprintf("%q key", string(k.Type))
}

// algProblem rejects what no key can use: none, unknown and encryption algs.
func algProblem(alg string) error {
	if strings.EqualFold(alg, "none") {
		return fmt.Errorf("alg %q is never accepted: unsecured tokens have no signature: %w", alg, ErrAlgMismatch)
	}
	if alg == "" {
		return fmt.Errorf("no alg given: %w", ErrAlgMismatch)
	}
	if !isSigningAlg(alg) {
		if isEncryptionAlg(alg) {
			return fmt.Errorf("alg %q is an encryption algorithm, not a signature algorithm: %w", alg, ErrAlgMismatch)
		}
		return fmt.Errorf("unknown alg %s: %w", safetext.Quote(alg), ErrAlgMismatch)
	}
	return nil
}

// CheckAlg returns nil when alg can be used with k, else an error wrapping
// ErrAlgMismatch that says why (e.g. `alg "HS256" cannot be used with an RSA
// key`). Unknown algs and "none" (any casing) are mismatches too.
func (k *Key) CheckAlg(alg string) error {
	if err := algProblem(alg); err != nil {
		return err
	}
	a, _ := LookupAlg(alg)
	if a.KeyType == EC && k.Type == EC && a.Curve != k.Curve() {
		return fmt.Errorf("alg %q cannot be used with an %s: it needs %s: %w", alg, k.typeName(), needsCurve(alg), ErrAlgMismatch)
	}
	if a.KeyType != k.Type {
		return fmt.Errorf("alg %q cannot be used with an %s: %w", alg, k.typeName(), ErrAlgMismatch)
	}
	if k.Alg != "" && k.Alg != alg {
		return fmt.Errorf("alg %q cannot be used with this key: it is pinned to alg %q: %w", alg, k.Alg, ErrAlgMismatch)
	}
	return nil
}

func needsCurve(alg string) string {
	if c := algCurve(alg); c != "" {
		return "a " + c + " key"
	}
	return "another curve"
}

// IsPrivate reports whether the key can sign (a private key or a secret).
func (k *Key) IsPrivate() bool {
	return k.Private != nil || (k.Type == Oct && len(k.Secret) > 0)
}

// PublicKey returns a copy of k without private material. For a secret it
// returns k itself.
func (k *Key) PublicKey() *Key {
	if k.Type == Oct {
		return k
	}
	c := *k
	c.Private = nil
	c.Secret = nil
	return &c
}

// Size is the RSA modulus length in bits, the EC curve size in bits, 256 for
// Ed25519, or the secret length in bits.
func (k *Key) Size() int {
	switch pub := k.Public.(type) {
	case *rsa.PublicKey:
		if pub.N != nil {
			return pub.N.BitLen()
		}
	case *ecdsa.PublicKey:
		if pub.Curve != nil {
			return pub.Curve.Params().BitSize
		}
	case ed25519.PublicKey:
		return 256
	}
	if k.Type == Oct {
		return len(k.Secret) * 8
	}
	return 0
}

// Curve is "P-256", "P-384", "P-521", "Ed25519", or "".
func (k *Key) Curve() string {
	switch pub := k.Public.(type) {
	case *ecdsa.PublicKey:
		return curveName(pub.Curve)
	case ed25519.PublicKey:
		return "Ed25519"
	}
	return ""
}

// Describe is a short human phrase: "EC P-256 private key", "RSA 2048-bit
// public key", "HMAC secret (32 bytes)".
func (k *Key) Describe() string {
	kind := "public key"
	if k.Private != nil {
		kind = "private key"
	}
	switch k.Type {
	case Oct:
		return fmt.Sprintf("HMAC secret (%d bytes)", len(k.Secret))
	case RSA:
		return fmt.Sprintf("RSA %d-bit %s", k.Size(), kind)
	case EC:
		return fmt.Sprintf("EC %s %s", k.Curve(), kind)
	case OKP:
		return "Ed25519 " + kind
	}
	return kind
}

// SigningKey returns what golang-jwt's SigningMethod.Sign expects: []byte,
// *rsa.PrivateKey, *ecdsa.PrivateKey or ed25519.PrivateKey. It is nil for a
// public key.
func (k *Key) SigningKey() any {
	if k.Type == Oct {
		return k.Secret
	}
	if k.Private == nil {
		return nil
	}
	return k.Private
}

// VerificationKey returns what golang-jwt's SigningMethod.Verify expects:
// []byte, *rsa.PublicKey, *ecdsa.PublicKey or ed25519.PublicKey.
func (k *Key) VerificationKey() any {
	if k.Type == Oct {
		return k.Secret
	}
	return k.Public
}

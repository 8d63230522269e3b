package keys

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"fmt"

	"github.com/jwtkit/jwtkit/internal/safetext"
)

// GenerateOptions tune Generate.
type GenerateOptions struct {
	Bits int    // RSA modulus size: 2048 (default), 3072 or 4096; others refused
	KID  string // "" = RFC 7638 thumbprint for asymmetric keys, none for secrets
}

// Generate creates a key for alg (HS*, RS*, PS*, ES256/384/512, EdDSA). The
// key's Alg is pinned to alg and Use is "sig". HMAC secrets are random hex
// strings (2× the hash size in hex characters, like `openssl rand -hex N`)
// whose UTF-8 bytes are the secret, so the printed string is the secret.
// Bits below MinRSABits are ErrWeakKey; other sizes, Bits with a non-RSA
// alg, and unknown algs (including "none") are ErrUnsupported.
func Generate(alg string, opts GenerateOptions) (*Key, error) {
	a, ok := LookupAlg(alg)
	if !ok {
		return nil, fmt.Errorf("cannot generate a key for alg %s: want %s: %w", safetext.Quote(alg), algList(), ErrUnsupported)
	}
	if opts.Bits != 0 && a.KeyType != RSA {
		return nil, fmt.Errorf("a key size (%d bits) applies only to RSA algs, not %s: %w", opts.Bits, alg, ErrUnsupported)
	}
	k := &Key{Alg: alg, Use: "sig", Format: "generated", Source: "generated"}
	switch a.KeyType {
	case Oct:
		raw := make([]byte, a.MinSecretBytes)
		if _, err := rand.Read(raw); err != nil {
			return nil, fmt.Errorf("reading random bytes: %w", err)
		}
		k.Type = Oct
		k.Secret = []byte(hex.EncodeToString(raw))
	case RSA:
		bits := opts.Bits
		if bits == 0 {
			bits = MinRSABits
		}
		switch {
		case bits < MinRSABits:
			return nil, fmt.Errorf("RSA keys of %d bits are too weak: use 2048, 3072 or 4096: %w", bits, ErrWeakKey)
		case bits != 2048 && bits != 3072 && bits != 4096:
			return nil, fmt.Errorf("RSA key size %d: use 2048, 3072 or 4096: %w", bits, ErrUnsupported)
		}
		priv, err := rsa.GenerateKey(rand.Reader, bits)
		if err != nil {
			return nil, fmt.Errorf("generating RSA key: %w", err)
		}
		k.Type, k.Private, k.Public = RSA, priv, &priv.PublicKey
	case EC:
		curve := curveByName(a.Curve)
		priv, err := ecdsa.GenerateKey(curve, rand.Reader)
		if err != nil {
			return nil, fmt.Errorf("generating EC key: %w", err)
		}
		k.Type, k.Private, k.Public = EC, priv, &priv.PublicKey
	case OKP:
		pub, priv, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			return nil, fmt.Errorf("generating Ed25519 key: %w", err)
		}
		k.Type, k.Private, k.Public = OKP, priv, pub
	}
	switch {
	case opts.KID != "":
		k.KID = opts.KID
	case k.Type != Oct:
		tp, err := k.Thumbprint()
		if err != nil {
			return nil, err
		}
		k.KID = tp
	}
	return k, nil
}

// MarshalPEM encodes a key as PEM: private keys as PKCS#8 "PRIVATE KEY",
// public keys (or private=false) as SPKI "PUBLIC KEY". Secrets are refused.
func MarshalPEM(k *Key, private bool) ([]byte, error) {
	if k.Type == Oct {
		return nil, fmt.Errorf("an HMAC secret has no PEM form: %w", ErrUnsupported)
	}
	if private && k.Private != nil {
		der, err := x509.MarshalPKCS8PrivateKey(k.Private)
		if err != nil {
			return nil, fmt.Errorf("encoding %s as PKCS#8: %w", k.Describe(), err)
		}
		return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
	}
	if k.Public == nil {
		return nil, fmt.Errorf("key has no public part: %w", ErrInvalidKey)
	}
	der, err := x509.MarshalPKIXPublicKey(k.Public)
	if err != nil {
		return nil, fmt.Errorf("encoding %s as SPKI: %w", k.Describe(), err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), nil
}

package keys

import (
	"context"
	"net/http"
	"os"
)

// CONTRACT: bodies marked "not implemented" are filled in by the pkg/keys
// implementation; callers may rely on the documented behaviour already.

// Algs lists the JWS algorithms the key can sign or verify with. A pinned
// Alg gives just that one. HMAC keys give HS256/384/512 (never an asymmetric
// alg); RSA gives RS* and PS*; EC gives the one ES* alg of its curve; OKP
// gives EdDSA. "none" is never listed.
func (k *Key) Algs() []string { panic("not implemented") }

// DefaultAlg is the alg used when the user names none: the pinned Alg, else
// RS256 for RSA, ES256/ES384/ES512 by curve, EdDSA, HS256 for a secret.
func (k *Key) DefaultAlg() string { panic("not implemented") }

// CheckAlg returns nil when alg can be used with k, else an error wrapping
// ErrAlgMismatch that says why (e.g. `alg "HS256" cannot be used with an RSA
// key`). Unknown algs and "none" (any casing) are mismatches too.
func (k *Key) CheckAlg(alg string) error { panic("not implemented") }

// IsPrivate reports whether the key can sign (a private key or a secret).
func (k *Key) IsPrivate() bool { panic("not implemented") }

// PublicKey returns a copy of k without private material. For a secret it
// returns k itself.
func (k *Key) PublicKey() *Key { panic("not implemented") }

// Size is the RSA modulus length in bits, the EC curve size in bits, 256 for
// Ed25519, or the secret length in bits.
func (k *Key) Size() int { panic("not implemented") }

// Curve is "P-256", "P-384", "P-521", "Ed25519", or "".
func (k *Key) Curve() string { panic("not implemented") }

// Describe is a short human phrase: "EC P-256 private key", "RSA 2048-bit
// public key", "HMAC secret (32 bytes)".
func (k *Key) Describe() string { panic("not implemented") }

// SigningKey returns what golang-jwt's SigningMethod.Sign expects: []byte,
// *rsa.PrivateKey, *ecdsa.PrivateKey or ed25519.PrivateKey.
func (k *Key) SigningKey() any { panic("not implemented") }

// VerificationKey returns what golang-jwt's SigningMethod.Verify expects:
// []byte, *rsa.PublicKey, *ecdsa.PublicKey or ed25519.PublicKey.
func (k *Key) VerificationKey() any { panic("not implemented") }

// Thumbprint is the RFC 7638 SHA-256 thumbprint, base64url without padding.
// For a secret it is computed over {"k","kty"} as RFC 7638 §3.2 says.
func (k *Key) Thumbprint() (string, error) { panic("not implemented") }

// Set is an ordered collection of keys indexed by kid, built once and safe
// for concurrent reads.
type Set struct {
	Keys []*Key
	// index is built by NewSet.
	index map[string][]*Key
}

// NewSet indexes keys by kid.
func NewSet(keys ...*Key) *Set { panic("not implemented") }

// Find returns the keys that can verify a token with this kid and alg. An
// empty kid matches every key that fits alg. When none fits, the error wraps
// ErrKeyNotFound and names what the set has: `no key with kid "x"; the set
// has: a1, b2`.
func (s *Set) Find(kid, alg string) ([]*Key, error) { panic("not implemented") }

// KIDs lists the kids in order ("" for keys without one).
func (s *Set) KIDs() []string { panic("not implemented") }

// Parse loads every key in data by content: PEM (one or more blocks of
// PKCS#1, PKCS#8, SEC1, SPKI, X.509 certificate), DER (same structures),
// a JWK or a JWKS. source is used in messages and Key.Source. Keys without a
// kid get their thumbprint as kid (asymmetric only). Errors wrap
// ErrUnrecognized, ErrUnsupported, ErrInvalidKey, ErrWeakKey or ErrTooLarge
// and say what was found ("PEM block \"ENCRYPTED PRIVATE KEY\"").
func Parse(data []byte, source string) (*Set, error) { panic("not implemented") }

// ParseFile reads and parses a key file with clear errors for missing,
// empty, unreadable, too large or non-key files.
func ParseFile(path string) (*Set, error) { panic("not implemented") }

// NewSecret wraps HMAC secret bytes (no kid). Empty secrets are ErrInvalidKey.
func NewSecret(secret []byte, source string) (*Key, error) { panic("not implemented") }

// DecodeSecret turns the textual secret into bytes by encoding: "utf8"
// (the string's bytes, as PyJWT and jsonwebtoken use), "base64" (std,
// padding optional), "base64url" (padding optional) or "hex".
func DecodeSecret(s, encoding string) ([]byte, error) { panic("not implemented") }

// GenerateOptions tune Generate.
type GenerateOptions struct {
	Bits int    // RSA modulus size: 2048 (default), 3072 or 4096; others refused
	KID  string // "" = RFC 7638 thumbprint for asymmetric keys, none for secrets
}

// Generate creates a key for alg (HS*, RS*, PS*, ES256/384/512, EdDSA). The
// key's Alg is pinned to alg and Use is "sig". HMAC secrets are random hex
// strings (2× the hash size in hex characters, like `openssl rand -hex N`)
// whose UTF-8 bytes are the secret, so the printed string is the secret.
func Generate(alg string, opts GenerateOptions) (*Key, error) { panic("not implemented") }

// MarshalPEM encodes a key as PEM: private keys as PKCS#8 "PRIVATE KEY",
// public keys (or private=false) as SPKI "PUBLIC KEY". Secrets are refused.
func MarshalPEM(k *Key, private bool) ([]byte, error) { panic("not implemented") }

// MarshalJWK encodes one key as an indented JWK JSON object with kid, alg
// (when known) and use. private=false drops private members.
func MarshalJWK(k *Key, private bool) ([]byte, error) { panic("not implemented") }

// MarshalJWKS encodes public keys as a JWK Set; duplicate kids are refused.
func MarshalJWKS(keys []*Key) ([]byte, error) { panic("not implemented") }

// WriteFile writes data atomically: a temp file in the same folder created
// with perm (0600 for private material) from the start, fsync, rename. It
// refuses (ErrExists) to replace an existing file unless force, never writes
// through a symlink, and leaves no partial file behind on any error.
func WriteFile(path string, data []byte, perm os.FileMode, force bool) error {
	panic("not implemented")
}

// FetchOptions bound a JWKS download.
type FetchOptions struct {
	Client   *http.Client // required; carries timeout, TLS and proxy settings
	MaxBytes int64        // response size cap; 0 = DefaultMaxJWKSBytes
}

// DefaultMaxJWKSBytes caps a fetched JWKS.
const DefaultMaxJWKSBytes = 1 << 20

// FetchJWKS downloads and parses a JWKS from an http(s) URL. Non-2xx status,
// oversize bodies and non-JWKS content are errors that name the URL.
func FetchJWKS(ctx context.Context, url string, opts FetchOptions) (*Set, error) {
	panic("not implemented")
}

// DevKey loads the development ES256 key from dir/dev.pem, creating it
// (0600, folder 0700) on first use. created reports a fresh key.
func DevKey(dir string) (k *Key, path string, created bool, err error) {
	panic("not implemented")
}

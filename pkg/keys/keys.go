// Package keys generates, loads, converts and writes JOSE signing keys:
// HMAC secrets, RSA, EC (P-256/384/521) and Ed25519 keys, in PEM (PKCS#1,
// PKCS#8, SEC1, SPKI, X.509 certificates), DER, JWK and JWKS. Formats are
// recognised by content, never by file name.
//
// It also holds the table of supported JWS algs (Algs, LookupAlg), turns a
// key source (a file, a secret, a JWK Set file or URL, the development key)
// into the key that signs or the keys that verify (Source), builds JWK
// Sets (BuildJWKS) and writes key files safely (WriteFile, WriteFiles).
package keys

import (
	"crypto"
	"errors"
	"fmt"
)

// Sentinel errors, usable with errors.Is. Messages built around them name the
// source and what was found, never key material.
var (
	// ErrUnrecognized: the input is none of the supported key formats.
	ErrUnrecognized = errors.New("no PEM block, DER key, JWK or JWKS found")
	// ErrUnsupported: a recognised format holding a key type or curve jwtkit
	// does not sign with (e.g. DSA, P-224, X25519, encrypted PEM).
	ErrUnsupported = errors.New("unsupported key")
	// ErrInvalidKey: the key is structurally broken (point not on curve, RSA
	// exponent 1, empty HMAC secret, inconsistent JWK members).
	ErrInvalidKey = errors.New("invalid key")
	// ErrWeakKey: the key is below jwtkit's minimum (RSA < 2048 bits).
	ErrWeakKey = errors.New("key too weak")
	// ErrKeyNotFound: no key in a set matches the requested kid/alg.
	ErrKeyNotFound = errors.New("no matching key")
	// ErrAlgMismatch: the requested alg cannot be used with the key (including
	// any HMAC alg with an asymmetric key).
	ErrAlgMismatch = errors.New("algorithm does not fit the key")
	// ErrExists: the output file exists and force was not given.
	ErrExists = errors.New("file exists")
	// ErrTooLarge: an input exceeds a documented limit (JWKS size, key count).
	ErrTooLarge = errors.New("input too large")
	// ErrDuplicateKID: two different keys carry one kid (BuildJWKS).
	ErrDuplicateKID = errors.New("one kid names two keys")
	// ErrCertMismatch: a JWK's x5c certificate holds another public key
	// than the JWK, or its x5t/x5t#S256 is not the certificate's digest.
	ErrCertMismatch = errors.New("x5c certificate does not match the key")
	// ErrEmpty: an input file holds nothing but white space.
	ErrEmpty = errors.New("input is empty")
	// ErrPasswordRequired: the key is encrypted and no passphrase source
	// was given (ParseOptions.Password is nil).
	ErrPasswordRequired = errors.New("passphrase required")
	// ErrWrongPassword: an encrypted key did not decrypt with the
	// passphrase given (or the file is damaged).
	ErrWrongPassword = errors.New("wrong passphrase")

	// Errors of a Source: what it was given cannot work, whatever the
	// files hold. A command line reports them as usage errors.

	// ErrConflictingSources: a Source names more than one key source.
	ErrConflictingSources = errors.New("conflicting key sources")
	// ErrNoSource: a Source names no key source and no development key
	// folder.
	ErrNoSource = errors.New("no key source given")
	// ErrSecretIsKey: the HMAC secret is a PEM or JWK key. Accepting it
	// would let a public key act as an HMAC secret: the RS256-to-HS256 key
	// confusion attack.
	ErrSecretIsKey = errors.New("HMAC secret is a key")
	// ErrSecretIsDotenv: a secret file holds NAME=value lines (a .env
	// file), not one secret.
	ErrSecretIsDotenv = errors.New("secret file is a dotenv file")
	// ErrBadSecret: the HMAC secret text does not decode in its encoding,
	// the encoding is unknown, or the secret is empty.
	ErrBadSecret = errors.New("unusable HMAC secret")
	// ErrNoSigningKey: the source holds no key that can sign (only public
	// keys, no private key with the requested kid, or a JWK Set).
	ErrNoSigningKey = errors.New("no signing key")
	// ErrAmbiguousKey: the source holds several private keys and no kid
	// picks one.
	ErrAmbiguousKey = errors.New("several signing keys")
	// ErrKIDNotFound: no key in the source has the requested kid.
	ErrKIDNotFound = errors.New("no key with the requested kid")
)

// Type is the JWK kty of a key.
type Type string

// Key types.
const (
	RSA Type = "RSA"
	EC  Type = "EC"
	OKP Type = "OKP" // Ed25519
	Oct Type = "oct" // HMAC secret
)

// Key is one signing or verification key with what jwtkit knows about it.
// Exactly one of Private (with Public), Public alone, or Secret is set.
type Key struct {
	Type    Type
	Private crypto.Signer    // *rsa.PrivateKey, *ecdsa.PrivateKey, ed25519.PrivateKey
	Public  crypto.PublicKey // *rsa.PublicKey, *ecdsa.PublicKey, ed25519.PublicKey
	Secret  []byte           // HMAC secret bytes

	KID string // from the JWK, --kid, or the RFC 7638 thumbprint
	Alg string // alg pinned by the source (JWK "alg"); "" when unpinned
	Use string // JWK "use"; "" when absent

	// Format says how the key was found, for messages and `keys inspect`:
	// "PKCS#8 PEM", "PKCS#1 PEM", "SEC1 PEM", "SPKI PEM", "X.509 certificate PEM",
	// "PKCS#8 DER", ..., "JWK", "JWKS", "raw secret".
	Format string
	// Source names where it came from: a file path, "stdin", "env FOO", "dev key".
	Source string

	// Cert is what the JWK's x5c certificate said, when it had one: its
	// public key was checked to be the JWK's own. It is never trusted for
	// anything else (no chain, no expiry, no name).
	Cert *CertInfo

	// kidDerived: the source named no kid, so KID is the thumbprint (or
	// empty for a secret). Set.Find lets such keys match any token kid.
	kidDerived bool
}

// MinRSABits is the smallest RSA modulus jwtkit generates, signs or verifies with.
const MinRSABits = 2048

// taggedError is an error whose message is msg and which wraps every one
// of errs without repeating their text.
type taggedError struct {
	msg  string
	errs []error
}

func (e *taggedError) Error() string   { return e.msg }
func (e *taggedError) Unwrap() []error { return e.errs }

// tagf builds a taggedError: the message from format and a, wrapping errs.
func tagf(errs []error, format string, a ...any) error {
	return &taggedError{fmt.Sprintf(format, a...), errs}
}

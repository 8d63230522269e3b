package keys

import (
	"crypto"
	"crypto/sha1" //nolint:gosec // x5t is defined as a SHA-1 digest (RFC 7517 §4.8); it is compared, not trusted
	"crypto/sha256"
	"crypto/subtle"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/jwtkit/jwtkit/internal/safetext"
)

// CertInfo describes the first certificate of a JWK's x5c chain after
// jwtkit checked that it holds the JWK's public key. The certificate is
// only compared with the key: its chain, validity dates and names are shown,
// never trusted (the key set's origin is what jwtkit trusts).
type CertInfo struct {
	Subject  string    // the certificate's subject, as text
	NotAfter time.Time // shown, never enforced
	Chain    int       // certificates in x5c
	// Digests lists the thumbprint members checked against the
	// certificate: "x5t", "x5t#S256".
	Digests []string
}

// maxX5C bounds the x5c chain read from a JWK.
const maxX5C = 10

// checkX5C checks a JWK's x5c, x5t and x5t#S256 members against the key
// parsed from n/e (or x/y, x): the first certificate must hold the same
// public key, and the thumbprints must be its digests (ErrCertMismatch
// otherwise). Without x5c, thumbprints cannot be checked and are ignored.
func checkX5C(raw map[string]json.RawMessage, k *Key) error {
	rawChain, ok := raw["x5c"]
	if !ok {
		return nil
	}
	var chain []string
	if err := json.Unmarshal(rawChain, &chain); err != nil {
		return fmt.Errorf("JWK member \"x5c\" is not an array of strings: %w", ErrInvalidKey)
	}
	if len(chain) == 0 {
		return fmt.Errorf("JWK member \"x5c\" is empty: %w", ErrInvalidKey)
	}
	if len(chain) > maxX5C {
		return fmt.Errorf("JWK \"x5c\" has %d certificates; jwtkit reads at most %d: %w", len(chain), maxX5C, ErrTooLarge)
	}
	// RFC 7517 §4.7: standard base64 (not base64url), padding included.
	der, err := base64.StdEncoding.DecodeString(chain[0])
	if err != nil {
		return fmt.Errorf("JWK \"x5c\" certificate 1 is not valid base64: %w", ErrInvalidKey)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return fmt.Errorf("JWK \"x5c\" certificate 1 does not parse as X.509: %w", ErrInvalidKey)
	}
	type equaler interface{ Equal(x crypto.PublicKey) bool }
	pub, ok := k.Public.(equaler)
	if !ok || !pub.Equal(cert.PublicKey) {
		return fmt.Errorf("the x5c certificate (%s) holds another public key than the JWK: %w", certName(cert), ErrCertMismatch)
	}
	info := &CertInfo{Subject: certName(cert), NotAfter: cert.NotAfter.UTC(), Chain: len(chain)}
	sha1Sum := sha1.Sum(der) //nolint:gosec // see import
	sha256Sum := sha256.Sum256(der)
	for _, d := range []struct {
		name string
		sum  []byte
	}{{"x5t", sha1Sum[:]}, {"x5t#S256", sha256Sum[:]}} {
		v, present := raw[d.name]
		if !present {
			continue
		}
		var s string
		if json.Unmarshal(v, &s) != nil {
			return fmt.Errorf("JWK member %q is not a string: %w", d.name, ErrInvalidKey)
		}
		got, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
		if err != nil {
			return fmt.Errorf("JWK member %q is not valid base64url: %w", d.name, ErrInvalidKey)
		}
		if subtle.ConstantTimeCompare(got, d.sum) != 1 {
			return fmt.Errorf("JWK %q is not the digest of its x5c certificate: %w", d.name, ErrCertMismatch)
		}
		info.Digests = append(info.Digests, d.name)
	}
	k.Cert = info
	return nil
}

// certName is a certificate's subject for messages, or its serial when the
// subject is empty.
func certName(c *x509.Certificate) string {
	if s := c.Subject.String(); s != "" {
		return safetext.Escape(s)
	}
	return "serial " + c.SerialNumber.String()
}

package server

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"time"

	"github.com/jwtkit/jwtkit/pkg/keys"
)

// Identity of the certificates SelfSigned makes; IsSelfSigned looks for it
// so a later run may replace its own file without --force.
const (
	certOrganization = "jwtkit"
	certCommonName   = "jwtkit serve development certificate"
)

// CertValidity is how long a SelfSigned certificate is valid. serve makes a
// fresh one on every start, so it needs to outlive one session only.
const CertValidity = 7 * 24 * time.Hour

// SelfSigned makes an ECDSA P-256 certificate for hosts (DNS names or IP
// literals; localhost, 127.0.0.1 and ::1 are always included), valid from
// an hour before now for CertValidity. It returns the certificate with its
// key, for a tls.Config, and the certificate alone as PEM, for clients'
// --cacert. The private key is never written anywhere.
func SelfSigned(hosts []string, now time.Time) (tls.Certificate, []byte, error) {
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, fmt.Errorf("generating the certificate key: %w", err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 128))
	if err != nil {
		return tls.Certificate{}, nil, fmt.Errorf("generating the certificate serial: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{Organization: []string{certOrganization}, CommonName: certCommonName},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(CertValidity),
		// Self-signed and used as its own trust anchor by --cacert, so it
		// is marked as a CA that can sign nothing below itself.
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	seen := map[string]bool{}
	for _, h := range append([]string{"localhost", "127.0.0.1", "::1"}, hosts...) {
		if h == "" || seen[h] {
			continue
		}
		seen[h] = true
		if ip := net.ParseIP(h); ip != nil {
			if !ip.IsUnspecified() {
				tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
			}
			continue
		}
		tmpl.DNSNames = append(tmpl.DNSNames, h)
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &priv.PublicKey, priv)
	if err != nil {
		return tls.Certificate{}, nil, fmt.Errorf("creating the certificate: %w", err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, nil, fmt.Errorf("creating the certificate: %w", err)
	}
	cert := tls.Certificate{Certificate: [][]byte{der}, PrivateKey: priv, Leaf: leaf}
	return cert, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), nil
}

// IsSelfSigned reports whether data is a PEM certificate that SelfSigned
// made, that is a file an earlier serve run wrote and may replace.
func IsSelfSigned(data []byte) bool {
	block, rest := pem.Decode(data)
	if block == nil || block.Type != "CERTIFICATE" || len(bytes.TrimSpace(rest)) != 0 {
		return false
	}
	c, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return false
	}
	return c.Subject.CommonName == certCommonName && len(c.Subject.Organization) == 1 &&
		c.Subject.Organization[0] == certOrganization && c.CheckSignatureFrom(c) == nil
}

// WriteCert writes a SelfSigned certificate PEM to path for clients. A
// regular file that an earlier run wrote (IsSelfSigned) is replaced;
// anything else needs force, else the error wraps keys.ErrExists.
func WriteCert(path string, pemBytes []byte, force bool) error {
	return keys.WriteFile(path, pemBytes, 0o644, force || isOwnCert(path))
}

// isOwnCert reports whether path is a regular file holding a certificate
// SelfSigned made.
func isOwnCert(path string) bool {
	fi, err := os.Lstat(path)
	if err != nil || !fi.Mode().IsRegular() || fi.Size() > 64<<10 {
		return false
	}
	b, err := os.ReadFile(path)
	return err == nil && IsSelfSigned(b)
}

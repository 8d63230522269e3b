package keys

import (
	"bytes"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"unicode/utf8"

	"github.com/jwtkit/jwtkit/internal/safetext"
)

// MaxFileBytes caps what ParseFile reads: no key file jwtkit understands
// comes close to it.
const MaxFileBytes = 1 << 20

// Parse loads every key in data by content: PEM (one or more blocks of
// PKCS#1, PKCS#8, SEC1, SPKI, X.509 certificate; an "EC PARAMETERS" block
// is skipped), DER (same structures), a JWK or a JWKS. source is used in
// Key.Source; errors do not repeat it (callers wrap them with it). Keys
// without a kid get their thumbprint as kid (asymmetric only); in PEM, a
// public key or certificate whose private key is also present is merged
// into it. Errors wrap ErrUnrecognized, ErrUnsupported, ErrInvalidKey,
// ErrWeakKey, ErrKeyNotFound (an empty JWKS) or ErrTooLarge and say what
// was found ("PEM block \"ENCRYPTED PRIVATE KEY\""). An encrypted PKCS#8
// key fails with ErrPasswordRequired: ParseWith takes a passphrase.
func Parse(data []byte, source string) (*Set, error) {
	return ParseWith(data, source, ParseOptions{})
}

// ParseWith is Parse with options: opts.Password opens encrypted PKCS#8
// keys (PEM "ENCRYPTED PRIVATE KEY" or DER; see MarshalEncryptedPEM for the
// schemes read). Errors add ErrPasswordRequired, ErrWrongPassword, and
// ErrUnsupported for schemes jwtkit does not read (scrypt, PBES1, DES) and
// for legacy "Proc-Type: 4,ENCRYPTED" PEM.
func ParseWith(data []byte, source string, opts ParseOptions) (*Set, error) {
	d := &decrypter{fn: opts.Password, source: source, maxIter: opts.MaxIterations}
	defer d.clear()
	t := bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if len(t) > 0 && t[0] == 0x30 {
		// DER (a SEQUENCE) is binary: its last byte may well be 0x0a or
		// 0x20, so it is cut at the element's own length, not trimmed.
		t = derElement(t)
	} else {
		t = bytes.TrimSpace(t)
	}
	switch {
	case len(t) == 0:
		return nil, fmt.Errorf("input is empty: %w", ErrUnrecognized)
	case bytes.Contains(t, []byte("-----BEGIN ")):
		return parsePEM(t, source, d)
	case t[0] == '{' || t[0] == '[':
		return parseJSON(t, source)
	case t[0] == 0x30 && isEncryptedPKCS8(t):
		k, err := decryptPKCS8(t, "DER", source, d)
		if err != nil {
			return nil, err
		}
		return NewSet(k), nil
	case t[0] == 0x30:
		k, err := parseDER(t, "DER", source)
		if err != nil {
			return nil, err
		}
		return NewSet(k), nil
	}
	return nil, fmt.Errorf("%s: %w", describeUnknown(t), ErrUnrecognized)
}

// derElement returns the first DER element of b when only whitespace
// follows it (a DER file with a newline added), else b unchanged for the
// parsers to explain.
func derElement(b []byte) []byte {
	var raw asn1.RawValue
	rest, err := asn1.Unmarshal(b, &raw)
	if err != nil || len(bytes.TrimSpace(rest)) != 0 {
		return b
	}
	return b[:len(b)-len(rest)]
}

// ParseFile reads and parses a key file. It reads with ReadInputFile, so
// a missing, unreadable, too large (over MaxFileBytes, ErrTooLarge) or
// empty (ErrEmpty) file gets the same message as everywhere else; every
// error names the file.
func ParseFile(path string) (*Set, error) {
	data, err := ReadInputFile(path, "key file", MaxFileBytes)
	if err != nil {
		return nil, err
	}
	set, err := Parse(data, path)
	if err != nil {
		return nil, fmt.Errorf("key file %q: %w", path, err)
	}
	return set, nil
}

// unwrapPath drops the *fs.PathError wrapper, whose message repeats the
// path the caller already names.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// describeUnknown says what unrecognised input looks like without echoing
// more than a few harmless characters: it may be a secret.
func describeUnknown(t []byte) string {
	s := string(t)
	switch {
	case strings.HasPrefix(s, "ssh-") || strings.HasPrefix(s, "ecdsa-sha2-"):
		return "an OpenSSH public key (convert it with ssh-keygen -e -m PKCS8 -f FILE)"
	case strings.HasPrefix(s, "eyJ") && strings.Count(s, ".") >= 2 && !strings.ContainsAny(s, " \n"):
		return "a JWT, not a key"
	case !utf8.Valid(t):
		return fmt.Sprintf("binary data that is not a DER key (%d bytes, first byte 0x%02x)", len(t), t[0])
	}
	if !strings.ContainsAny(s, " \t\r\n") {
		// One word: quite possibly an HMAC secret or a base64 blob; echo none of it.
		return fmt.Sprintf("a single word of %d characters, not a key (an HMAC secret? pass it as a secret instead)", utf8.RuneCount(t))
	}
	// Text: a passphrase or a secret file passed as a key, or a broken
	// key. Its shape helps; its content could be a secret and is never shown.
	lines, unit := strings.Count(strings.TrimRight(s, "\n"), "\n")+1, "line"
	if lines > 1 {
		unit = "lines"
	}
	return fmt.Sprintf("text of %d characters on %d %s (content not shown: it may be a secret)", utf8.RuneCount(t), lines, unit)
}

// parsePEM decodes every PEM block. Text around blocks is ignored (openssl
// writes some), but a block that is not a key, or a broken one, is an error.
func parsePEM(data []byte, source string, d *decrypter) (*Set, error) {
	var ks []*Key
	rest := data
	n := 0
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		n++
		if n > MaxJWKSKeys {
			return nil, fmt.Errorf("more than %d PEM blocks: %w", MaxJWKSKeys, ErrTooLarge)
		}
		if block.Type == "EC PARAMETERS" {
			// What `openssl ecparam -genkey` writes before the key.
			continue
		}
		k, err := parsePEMBlock(block, source, d)
		if err != nil {
			return nil, err
		}
		ks = mergeKey(ks, k)
	}
	if i := bytes.Index(rest, []byte("-----BEGIN ")); i >= 0 {
		return nil, fmt.Errorf("PEM block %d is malformed (bad base64, header or END line): %w", n+1, ErrUnrecognized)
	}
	if len(ks) == 0 {
		return nil, fmt.Errorf("PEM with only \"EC PARAMETERS\" and no key: %w", ErrUnrecognized)
	}
	return NewSet(ks...), nil
}

// mergeKey appends k unless the set already has the same key; a private
// key replaces its own public half (a key + certificate bundle).
func mergeKey(ks []*Key, k *Key) []*Key {
	for i, old := range ks {
		if old.KID != k.KID || !old.kidDerived || !k.kidDerived {
			continue
		}
		if k.Private != nil && old.Private == nil {
			ks[i] = k
		}
		return ks
	}
	return append(ks, k)
}

func parsePEMBlock(block *pem.Block, source string, d *decrypter) (*Key, error) {
	typ := block.Type
	if strings.Contains(block.Headers["Proc-Type"], "ENCRYPTED") {
		// EVP_BytesToKey: one MD5 round over passphrase and salt.
		return nil, fmt.Errorf("PEM block %s uses OpenSSL's legacy encryption (Proc-Type: 4,ENCRYPTED), whose MD5 key derivation is unsafe; convert it with: openssl pkcs8 -topk8 -v2 aes-256-cbc -in OLD -out NEW: %w", safetext.Quote(typ), ErrUnsupported)
	}
	switch typ {
	case "ENCRYPTED PRIVATE KEY":
		k, err := decryptPKCS8(block.Bytes, "PEM", source, d)
		if err != nil {
			return nil, fmt.Errorf("PEM block %q: %w", typ, err)
		}
		return k, nil
	case "PRIVATE KEY", "RSA PRIVATE KEY", "RSA PUBLIC KEY", "EC PRIVATE KEY", "PUBLIC KEY",
		"CERTIFICATE", "TRUSTED CERTIFICATE":
	case "OPENSSH PRIVATE KEY":
		return nil, fmt.Errorf("PEM block %q: OpenSSH keys are not supported; convert with ssh-keygen -p -m PKCS8 -f FILE: %w", typ, ErrUnsupported)
	case "DSA PRIVATE KEY":
		return nil, fmt.Errorf("PEM block %q: DSA keys cannot sign JWTs: %w", typ, ErrUnsupported)
	default:
		return nil, fmt.Errorf("PEM block %s is not a key jwtkit reads: %w", safetext.Quote(typ), ErrUnsupported)
	}
	// The structure inside decides, not the label: Format says what was
	// actually found.
	k, err := parseDER(block.Bytes, "PEM", source)
	if err != nil {
		return nil, fmt.Errorf("PEM block %q: %w", typ, err)
	}
	return k, nil
}

// OIDs of key algorithms jwtkit recognises only to name them in errors.
func oidName(oid asn1.ObjectIdentifier) string {
	switch oid.String() {
	case "1.2.840.10040.4.1":
		return "DSA"
	case "1.3.101.110":
		return "X25519"
	case "1.3.101.111":
		return "X448"
	case "1.3.101.113":
		return "Ed448"
	case "1.2.840.113549.1.1.10":
		return "RSA-PSS (restricted)"
	case "1.2.840.10045.2.1":
		return "EC"
	case "1.2.840.113549.1.1.1":
		return "RSA"
	case "1.3.101.112":
		return "Ed25519"
	case "1.2.156.10197.1.301":
		return "SM2"
	}
	return "OID " + oid.String()
}

// parseDER tries each DER structure in turn. enc is "DER" or "PEM", for
// Key.Format.
func parseDER(der []byte, enc, source string) (*Key, error) {
	if len(der) == 0 {
		return nil, fmt.Errorf("empty %s data: %w", enc, ErrInvalidKey)
	}
	if k, err := x509.ParsePKCS8PrivateKey(der); err == nil {
		return fromCrypto(k, "PKCS#8 "+enc, source)
	}
	if k, err := x509.ParsePKCS1PrivateKey(der); err == nil {
		return fromCrypto(k, "PKCS#1 "+enc, source)
	}
	if k, err := x509.ParseECPrivateKey(der); err == nil {
		return fromCrypto(k, "SEC1 "+enc, source)
	}
	if k, err := x509.ParsePKIXPublicKey(der); err == nil {
		return fromCrypto(k, "SPKI "+enc, source)
	}
	if k, err := x509.ParsePKCS1PublicKey(der); err == nil {
		return fromCrypto(k, "PKCS#1 "+enc, source)
	}
	if c, err := x509.ParseCertificate(der); err == nil {
		return fromCrypto(c.PublicKey, "X.509 certificate "+enc, source)
	}
	return nil, explainDER(der, enc)
}

// explainDER looks into DER none of the x509 parsers took, to say why.
func explainDER(der []byte, enc string) error {
	// PKCS#8 PrivateKeyInfo: version, algorithm, key.
	var p8 struct {
		Version int
		Algo    pkix.AlgorithmIdentifier
		Key     []byte
	}
	if rest, err := asn1.Unmarshal(der, &p8); err == nil && len(rest) == 0 {
		return describeAlgo("PKCS#8 private key", p8.Algo, enc)
	}
	// EncryptedPrivateKeyInfo: algorithm, encrypted data.
	var enc8 struct {
		Algo pkix.AlgorithmIdentifier
		Data []byte
	}
	if rest, err := asn1.Unmarshal(der, &enc8); err == nil && len(rest) == 0 {
		if strings.HasPrefix(enc8.Algo.Algorithm.String(), "1.2.840.113549.1.5.") || strings.HasPrefix(enc8.Algo.Algorithm.String(), "1.2.840.113549.1.12.") {
			return fmt.Errorf("encrypted PKCS#8 %s: encrypted keys are not supported; decrypt with openssl pkey first: %w", enc, ErrUnsupported)
		}
	}
	// SubjectPublicKeyInfo: algorithm, bit string.
	var spki struct {
		Algo pkix.AlgorithmIdentifier
		Key  asn1.BitString
	}
	if rest, err := asn1.Unmarshal(der, &spki); err == nil && len(rest) == 0 {
		return describeAlgo("SPKI public key", spki.Algo, enc)
	}
	// SEC1 ECPrivateKey with a curve Go does not know (secp256k1...).
	var sec1 struct {
		Version int
		Key     []byte
		Curve   asn1.ObjectIdentifier `asn1:"optional,explicit,tag:0"`
	}
	if rest, err := asn1.Unmarshal(der, &sec1); err == nil && len(rest) == 0 && sec1.Version == 1 {
		if len(sec1.Curve) > 0 {
			return fmt.Errorf("SEC1 EC private key on curve %s: jwtkit supports P-256, P-384 and P-521: %w", curveOID(sec1.Curve), ErrUnsupported)
		}
		return fmt.Errorf("SEC1 EC private key that does not parse: %w", ErrInvalidKey)
	}
	var anySeq asn1.RawValue
	if _, err := asn1.Unmarshal(der, &anySeq); err == nil {
		return fmt.Errorf("%s data that is not a PKCS#1, PKCS#8, SEC1, SPKI or X.509 structure: %w", enc, ErrUnrecognized)
	}
	return fmt.Errorf("binary data that is not valid %s (%d bytes): %w", enc, len(der), ErrUnrecognized)
}

func curveOID(oid asn1.ObjectIdentifier) string {
	switch oid.String() {
	case "1.3.132.0.10":
		return "secp256k1"
	case "1.3.132.0.33":
		return "P-224"
	case "1.3.36.3.3.2.8.1.1.7":
		return "brainpoolP256r1"
	}
	return "OID " + oid.String()
}

func describeAlgo(what string, algo pkix.AlgorithmIdentifier, enc string) error {
	name := oidName(algo.Algorithm)
	switch name {
	case "RSA", "Ed25519":
		return fmt.Errorf("%s %s (%s) that does not parse: %w", what, enc, name, ErrInvalidKey)
	case "EC":
		var crv asn1.ObjectIdentifier
		if _, err := asn1.Unmarshal(algo.Parameters.FullBytes, &crv); err == nil {
			return fmt.Errorf("%s %s on EC curve %s: jwtkit supports P-256, P-384 and P-521: %w", what, enc, curveOID(crv), ErrUnsupported)
		}
		return fmt.Errorf("%s %s (EC) that does not parse: %w", what, enc, ErrInvalidKey)
	}
	return fmt.Errorf("%s %s of type %s: jwtkit signs with RSA, EC P-256/384/521 and Ed25519 only: %w", what, enc, name, ErrUnsupported)
}

// fromCrypto wraps a parsed Go key, enforcing jwtkit's rules on it.
func fromCrypto(v any, format, source string) (*Key, error) {
	k := &Key{Format: format, Source: source, kidDerived: true}
	switch key := v.(type) {
	case *rsa.PrivateKey:
		if err := checkRSAPublic(&key.PublicKey); err != nil {
			return nil, err
		}
		if len(key.Primes) != 2 {
			return nil, fmt.Errorf("multi-prime RSA key (%d primes): %w", len(key.Primes), ErrUnsupported)
		}
		k.Type, k.Private, k.Public = RSA, key, &key.PublicKey
	case *rsa.PublicKey:
		if err := checkRSA(key, true); err != nil {
			return nil, err
		}
		k.Type, k.Public = RSA, key
	case *ecdsa.PrivateKey:
		if curveName(key.Curve) == "" {
			return nil, fmt.Errorf("EC curve %s: jwtkit supports P-256, P-384 and P-521: %w", key.Curve.Params().Name, ErrUnsupported)
		}
		k.Type, k.Private, k.Public = EC, key, &key.PublicKey
	case *ecdsa.PublicKey:
		if curveName(key.Curve) == "" {
			return nil, fmt.Errorf("EC curve %s: jwtkit supports P-256, P-384 and P-521: %w", key.Curve.Params().Name, ErrUnsupported)
		}
		if _, err := key.Bytes(); err != nil {
			return nil, fmt.Errorf("EC point is not on the curve: %w", ErrInvalidKey)
		}
		k.Type, k.Public = EC, key
	case ed25519.PrivateKey:
		k.Type, k.Private, k.Public = OKP, key, key.Public()
	case ed25519.PublicKey:
		k.Type, k.Public = OKP, key
	case *ecdh.PrivateKey, *ecdh.PublicKey:
		return nil, fmt.Errorf("X25519 key: it is for key agreement and cannot sign: %w", ErrUnsupported)
	default:
		return nil, fmt.Errorf("%s key of Go type %T: %w", format, v, ErrUnsupported)
	}
	var err error
	if k.KID, err = k.Thumbprint(); err != nil {
		return nil, err
	}
	return k, nil
}

// parseJSON reads a JWK or a JWKS.
func parseJSON(data []byte, source string) (*Set, error) {
	if data[0] == '[' {
		return nil, fmt.Errorf("JSON array, not a JWK or JWKS object: %w", ErrUnrecognized)
	}
	if err := checkJSON(data); err != nil {
		if errors.Is(err, ErrTooLarge) {
			return nil, err
		}
		return nil, fmt.Errorf("%w: %w", err, ErrUnrecognized)
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(data, &obj); err != nil {
		return nil, fmt.Errorf("JSON that is not an object: %w", ErrUnrecognized)
	}
	if rawKeys, ok := obj["keys"]; ok {
		return parseJWKS(rawKeys, source)
	}
	if _, ok := obj["kty"]; !ok {
		return nil, fmt.Errorf("JSON object with no \"kty\" or \"keys\": %w", ErrUnrecognized)
	}
	k, err := parseJWK(obj, "JWK", source)
	if err != nil {
		return nil, err
	}
	return NewSet(k), nil
}

func parseJWKS(rawKeys json.RawMessage, source string) (*Set, error) {
	var elems []json.RawMessage
	if err := json.Unmarshal(rawKeys, &elems); err != nil {
		return nil, fmt.Errorf("JWKS \"keys\" is not an array: %w", ErrInvalidKey)
	}
	if len(elems) == 0 {
		return nil, fmt.Errorf("JWKS has no keys: %w", ErrKeyNotFound)
	}
	if len(elems) > MaxJWKSKeys {
		return nil, fmt.Errorf("JWKS has %d keys; jwtkit reads at most %d: %w", len(elems), MaxJWKSKeys, ErrTooLarge)
	}
	// Duplicate kids first: whatever else is wrong, a set in which one kid
	// names two keys is ambiguous.
	objs := make([]map[string]json.RawMessage, len(elems))
	kids := map[string]int{}
	for i, e := range elems {
		if err := json.Unmarshal(e, &objs[i]); err != nil || objs[i] == nil {
			return nil, fmt.Errorf("JWKS key %d is not a JSON object: %w", i+1, ErrInvalidKey)
		}
		var kid string
		if json.Unmarshal(objs[i]["kid"], &kid) != nil || kid == "" {
			continue
		}
		if j, dup := kids[kid]; dup {
			return nil, fmt.Errorf("JWKS keys %d and %d have the same kid %s: %w", j, i+1, safetext.Quote(kid), ErrInvalidKey)
		}
		kids[kid] = i + 1
	}
	var ks []*Key
	seen := map[string]int{}
	skipped := 0
	var secrets, asym int
	for i, obj := range objs {
		k, err := parseJWK(obj, "JWKS", source)
		if errors.Is(err, errEncryptionKey) {
			// A JWKS may publish encryption keys beside signing keys;
			// they never verify a signature.
			skipped++
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("JWKS key %d%s: %w", i+1, kidNote(obj), err)
		}
		if j, dup := seen[k.KID]; dup && k.KID != "" {
			return nil, fmt.Errorf("JWKS keys %d and %d have the same kid %s: %w", j, i+1, safetext.Quote(k.KID), ErrInvalidKey)
		}
		seen[k.KID] = i + 1
		if k.Type == Oct {
			secrets++
		} else {
			asym++
		}
		ks = append(ks, k)
	}
	if len(ks) == 0 {
		return nil, fmt.Errorf("JWKS has only encryption keys (%d with \"use\":\"enc\", a JWE alg or no sign/verify key_ops): %w", skipped, ErrUnsupported)
	}
	if secrets > 0 && asym > 0 {
		// Whoever holds the secret could mint tokens a verifier would
		// otherwise only accept from the private-key holder: refuse the mix.
		return nil, fmt.Errorf("JWKS mixes %d HMAC secret(s) with %d asymmetric key(s); keep them in separate sets: %w", secrets, asym, ErrInvalidKey)
	}
	return NewSet(ks...), nil
}

// kidNote names a JWKS member's kid in an error, if it has a string one.
func kidNote(obj map[string]json.RawMessage) string {
	var kid string
	if json.Unmarshal(obj["kid"], &kid) == nil && kid != "" {
		return fmt.Sprintf(" (kid %s)", safetext.Quote(kid))
	}
	return ""
}

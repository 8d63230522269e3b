package keys

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/subtle"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"fmt"
	"hash"
	"strconv"
	"strings"
)

// Encrypted PKCS#8 (RFC 5958 EncryptedPrivateKeyInfo) with PBES2 (RFC 8018):
// PBKDF2 with an HMAC-SHA-1 or HMAC-SHA-2 PRF, and AES-CBC. That is what
// `openssl genpkey -aes-256-cbc`, `openssl pkcs8 -topk8 -v2 aes-256-cbc` and
// Python's cryptography write, and what OpenSSL 3 reads back (it refuses
// AEAD ciphers in PKCS#8). Built on the standard library's crypto/pbkdf2,
// crypto/aes and crypto/cipher: no kept Go library implements PBES2 without
// also pulling in PBES1, RC2 and DES, which jwtkit refuses anyway.

// DefaultIterations is the PBKDF2-HMAC-SHA256 iteration count jwtkit
// writes: OWASP's 2023 recommendation for that PRF.
const DefaultIterations = 600_000

// MinIterations is the smallest iteration count EncryptOptions accepts
// (RFC 8018 §4.2's floor). Reading accepts any count up to MaxIterations:
// a key encrypted weakly elsewhere is no weaker for being read.
const MinIterations = 1000

// MaxIterations caps the iteration count of a key being read, so a crafted
// file cannot keep jwtkit busy for hours; it is ~15 times the default.
const MaxIterations = 10_000_000

// Object identifiers, dotted (pkg/ keeps no package variables).
const (
	oidPBES2      = "1.2.840.113549.1.5.13"
	oidPBKDF2     = "1.2.840.113549.1.5.12"
	oidScrypt     = "1.3.6.1.4.1.11591.4.11"
	oidHMACSHA1   = "1.2.840.113549.2.7"
	oidHMACSHA224 = "1.2.840.113549.2.8"
	oidHMACSHA256 = "1.2.840.113549.2.9"
	oidHMACSHA384 = "1.2.840.113549.2.10"
	oidHMACSHA512 = "1.2.840.113549.2.11"
	oidAES128CBC  = "2.16.840.1.101.3.4.1.2"
	oidAES192CBC  = "2.16.840.1.101.3.4.1.22"
	oidAES256CBC  = "2.16.840.1.101.3.4.1.42"
)

// mustOID turns one of the constants above into an ObjectIdentifier.
func mustOID(dotted string) asn1.ObjectIdentifier {
	var oid asn1.ObjectIdentifier
	for _, part := range strings.Split(dotted, ".") {
		n, err := strconv.Atoi(part)
		if err != nil {
			panic("keys: bad OID constant " + dotted)
		}
		oid = append(oid, n)
	}
	return oid
}

// The ASN.1 structures of RFC 5958 and RFC 8018.
type encryptedPrivateKeyInfo struct {
	Algo pkix.AlgorithmIdentifier
	Data []byte
}

type pbes2Params struct {
	KDF pkix.AlgorithmIdentifier
	Enc pkix.AlgorithmIdentifier
}

type pbkdf2Params struct {
	Salt      asn1.RawValue // CHOICE: only "specified" (an OCTET STRING) is used in practice
	Iter      int
	KeyLength int                      `asn1:"optional"`
	PRF       pkix.AlgorithmIdentifier `asn1:"optional"` // absent: HMAC-SHA-1
}

// PasswordFunc returns the passphrase of an encrypted private key found in
// source (a path, "stdin"). Parse calls it only when it meets an encrypted
// key, at most once per call, and clears the returned slice afterwards. An
// error it returns is passed through, wrapped.
type PasswordFunc func(source string) ([]byte, error)

// ParseOptions are the options of ParseWith.
type ParseOptions struct {
	// Password supplies the passphrase of encrypted PKCS#8 keys. nil: an
	// encrypted key fails with ErrPasswordRequired.
	Password PasswordFunc
	// MaxIterations caps the PBKDF2 iteration count of an encrypted key;
	// 0 means MaxIterations. Keys above it fail with ErrUnsupported.
	MaxIterations int
}

// EncryptOptions are the options of MarshalEncryptedPEM.
type EncryptOptions struct {
	// Iterations is the PBKDF2 iteration count; 0 means DefaultIterations.
	// Counts below MinIterations are refused.
	Iterations int
}

// pbeScheme is what an EncryptedPrivateKeyInfo says about its encryption,
// after checking that jwtkit implements it.
type pbeScheme struct {
	salt     []byte
	iter     int
	prf      func() hash.Hash
	prfName  string
	keyLen   int
	iv       []byte
	ciphName string
}

func (p *pbeScheme) String() string {
	return fmt.Sprintf("PBES2: PBKDF2-%s, %d iterations, %s", p.prfName, p.iter, p.ciphName)
}

// decrypter holds what one Parse call needs to open encrypted keys: the
// callback, and the passphrase once asked for (a file with several
// encrypted blocks asks once).
type decrypter struct {
	fn      PasswordFunc
	maxIter int
	source  string
	pass    []byte
	asked   bool
}

func (d *decrypter) password() ([]byte, error) {
	if d != nil && d.asked {
		return d.pass, nil
	}
	if d == nil || d.fn == nil {
		return nil, tagf([]error{ErrPasswordRequired}, "the private key is encrypted and no passphrase was given")
	}
	p, err := d.fn(d.source)
	if err != nil {
		return nil, err
	}
	d.pass, d.asked = p, true
	return p, nil
}

// clear wipes the passphrase: it may be kept in memory for a long-running
// serve, and no longer needs to be.
func (d *decrypter) clear() {
	if d != nil {
		clear(d.pass)
	}
}

// isEncryptedPKCS8 reports whether der is an EncryptedPrivateKeyInfo with a
// PKCS#5 or PKCS#12 password-based scheme.
func isEncryptedPKCS8(der []byte) bool {
	var e encryptedPrivateKeyInfo
	rest, err := asn1.Unmarshal(der, &e)
	if err != nil || len(rest) != 0 {
		return false
	}
	oid := e.Algo.Algorithm.String()
	return strings.HasPrefix(oid, "1.2.840.113549.1.5.") || strings.HasPrefix(oid, "1.2.840.113549.1.12.")
}

// decryptPKCS8 opens an EncryptedPrivateKeyInfo and parses the key inside.
// enc is "PEM" or "DER".
func decryptPKCS8(der []byte, enc, source string, d *decrypter) (*Key, error) {
	var e encryptedPrivateKeyInfo
	if rest, err := asn1.Unmarshal(der, &e); err != nil || len(rest) != 0 {
		return nil, fmt.Errorf("encrypted PKCS#8 %s that does not parse: %w", enc, ErrInvalidKey)
	}
	maxIter := MaxIterations
	if d != nil && d.maxIter > 0 {
		maxIter = d.maxIter
	}
	scheme, err := parsePBES2(e.Algo, maxIter)
	if err != nil {
		return nil, err
	}
	if len(e.Data) == 0 || len(e.Data)%aes.BlockSize != 0 {
		return nil, fmt.Errorf("encrypted PKCS#8 %s: ciphertext of %d bytes is not whole AES blocks: %w", enc, len(e.Data), ErrInvalidKey)
	}
	pass, err := d.password()
	if err != nil {
		return nil, err
	}
	key, err := pbkdf2.Key(scheme.prf, string(pass), scheme.salt, scheme.iter, scheme.keyLen)
	if err != nil {
		return nil, fmt.Errorf("encrypted PKCS#8 %s: deriving the key: %w", enc, err)
	}
	defer clear(key)
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("encrypted PKCS#8 %s: %w", enc, err)
	}
	plain := make([]byte, len(e.Data))
	defer clear(plain)
	cipher.NewCBCDecrypter(block, scheme.iv).CryptBlocks(plain, e.Data)
	plain, ok := unpad(plain)
	if !ok || !isPrivateKeyInfo(plain) {
		// Padding or structure that does not fit: almost surely a wrong
		// passphrase. Nothing about the plaintext is said.
		return nil, tagf([]error{ErrWrongPassword}, "wrong passphrase for the encrypted private key (or the file is damaged)")
	}
	k, err := parseDER(plain, enc, source)
	if err != nil {
		return nil, fmt.Errorf("decrypted key: %w", err)
	}
	k.Format = fmt.Sprintf("encrypted PKCS#8 %s (%s)", enc, scheme)
	return k, nil
}

// isPrivateKeyInfo reports whether b is exactly one PKCS#8 PrivateKeyInfo
// (or RFC 5958 OneAsymmetricKey) by shape: whether the right passphrase was
// used, whatever key type is inside.
func isPrivateKeyInfo(b []byte) bool {
	var p8 struct {
		Version int
		Algo    pkix.AlgorithmIdentifier
		Key     []byte
		Rest    asn1.RawValue `asn1:"optional"`
		More    asn1.RawValue `asn1:"optional"`
	}
	rest, err := asn1.Unmarshal(b, &p8)
	return err == nil && len(rest) == 0 && (p8.Version == 0 || p8.Version == 1)
}

// unpad strips PKCS#7 padding, in constant time over the padding bytes.
func unpad(b []byte) ([]byte, bool) {
	if len(b) == 0 {
		return nil, false
	}
	n := int(b[len(b)-1])
	if n == 0 || n > aes.BlockSize || n > len(b) {
		return nil, false
	}
	want := bytes.Repeat([]byte{byte(n)}, n)
	if subtle.ConstantTimeCompare(b[len(b)-n:], want) != 1 {
		return nil, false
	}
	return b[:len(b)-n], true
}

// parsePBES2 checks the algorithm of an EncryptedPrivateKeyInfo and returns
// its parameters. Errors wrap ErrUnsupported (a scheme jwtkit does not
// implement) or ErrInvalidKey (broken parameters) and never hold key material.
func parsePBES2(algo pkix.AlgorithmIdentifier, maxIter int) (*pbeScheme, error) {
	const convert = "convert it with: openssl pkcs8 -topk8 -v2 aes-256-cbc -in OLD -out NEW"
	if algo.Algorithm.String() != oidPBES2 {
		name := "OID " + algo.Algorithm.String()
		if strings.HasPrefix(algo.Algorithm.String(), "1.2.840.113549.1.12.") {
			name = "PKCS#12 PBE (" + algo.Algorithm.String() + ")"
		} else if strings.HasPrefix(algo.Algorithm.String(), "1.2.840.113549.1.5.") {
			name = "PBES1 (" + algo.Algorithm.String() + ")"
		}
		return nil, fmt.Errorf("encrypted private key uses %s, an outdated scheme jwtkit does not read; %s: %w", name, convert, ErrUnsupported)
	}
	var params pbes2Params
	if rest, err := asn1.Unmarshal(algo.Parameters.FullBytes, &params); err != nil || len(rest) != 0 {
		return nil, fmt.Errorf("encrypted private key: PBES2 parameters do not parse: %w", ErrInvalidKey)
	}
	s := &pbeScheme{}
	switch enc := params.Enc.Algorithm; enc.String() {
	case oidAES128CBC:
		s.keyLen, s.ciphName = 16, "AES-128-CBC"
	case oidAES192CBC:
		s.keyLen, s.ciphName = 24, "AES-192-CBC"
	case oidAES256CBC:
		s.keyLen, s.ciphName = 32, "AES-256-CBC"
	default:
		return nil, fmt.Errorf("encrypted private key uses cipher %s; jwtkit reads AES-128/192/256-CBC; %s: %w", cipherName(enc.String()), convert, ErrUnsupported)
	}
	if rest, err := asn1.Unmarshal(params.Enc.Parameters.FullBytes, &s.iv); err != nil || len(rest) != 0 || len(s.iv) != aes.BlockSize {
		return nil, fmt.Errorf("encrypted private key: %s IV is not 16 bytes: %w", s.ciphName, ErrInvalidKey)
	}
	switch kdf := params.KDF.Algorithm.String(); {
	case kdf == oidScrypt:
		return nil, fmt.Errorf("encrypted private key uses scrypt, which jwtkit does not read (it would need golang.org/x/crypto); %s: %w", convert, ErrUnsupported)
	case kdf != oidPBKDF2:
		return nil, fmt.Errorf("encrypted private key uses key derivation OID %s; jwtkit reads PBKDF2; %s: %w", kdf, convert, ErrUnsupported)
	}
	var kp pbkdf2Params
	if rest, err := asn1.Unmarshal(params.KDF.Parameters.FullBytes, &kp); err != nil || len(rest) != 0 {
		return nil, fmt.Errorf("encrypted private key: PBKDF2 parameters do not parse: %w", ErrInvalidKey)
	}
	if kp.Salt.Class != asn1.ClassUniversal || kp.Salt.Tag != asn1.TagOctetString || kp.Salt.IsCompound || len(kp.Salt.Bytes) == 0 {
		return nil, fmt.Errorf("encrypted private key: PBKDF2 salt is not an OCTET STRING: %w", ErrUnsupported)
	}
	s.salt = kp.Salt.Bytes
	switch {
	case kp.Iter < 1:
		return nil, fmt.Errorf("encrypted private key: PBKDF2 iteration count %d: %w", kp.Iter, ErrInvalidKey)
	case kp.Iter > maxIter:
		return nil, fmt.Errorf("encrypted private key: PBKDF2 iteration count %d is above the limit of %d: %w", kp.Iter, maxIter, ErrUnsupported)
	}
	s.iter = kp.Iter
	if kp.KeyLength != 0 && kp.KeyLength != s.keyLen {
		return nil, fmt.Errorf("encrypted private key: PBKDF2 key length %d does not fit %s: %w", kp.KeyLength, s.ciphName, ErrInvalidKey)
	}
	switch prf := kp.PRF.Algorithm.String(); {
	case len(kp.PRF.Algorithm) == 0 || prf == oidHMACSHA1:
		s.prf, s.prfName = sha1.New, "HMAC-SHA1"
	case prf == oidHMACSHA224:
		s.prf, s.prfName = sha256.New224, "HMAC-SHA224"
	case prf == oidHMACSHA256:
		s.prf, s.prfName = sha256.New, "HMAC-SHA256"
	case prf == oidHMACSHA384:
		s.prf, s.prfName = sha512.New384, "HMAC-SHA384"
	case prf == oidHMACSHA512:
		s.prf, s.prfName = sha512.New, "HMAC-SHA512"
	default:
		return nil, fmt.Errorf("encrypted private key uses PBKDF2 PRF OID %s; jwtkit reads HMAC-SHA1 and HMAC-SHA2: %w", prf, ErrUnsupported)
	}
	return s, nil
}

// cipherName names the ciphers openssl offers that jwtkit does not read.
func cipherName(oid string) string {
	switch oid {
	case "1.2.840.113549.3.7":
		return "DES-EDE3-CBC"
	case "1.3.14.3.2.7":
		return "DES-CBC"
	case "1.2.840.113549.3.2":
		return "RC2-CBC"
	case "1.2.392.200011.61.1.1.1.2", "1.2.392.200011.61.1.1.1.3", "1.2.392.200011.61.1.1.1.4":
		return "Camellia-CBC"
	case "1.2.410.200046.1.1.1", "1.2.410.200046.1.1.6", "1.2.410.200046.1.1.11":
		return "ARIA-CBC"
	case "2.16.840.1.101.3.4.1.6", "2.16.840.1.101.3.4.1.26", "2.16.840.1.101.3.4.1.46":
		return "AES-GCM"
	}
	return "OID " + oid
}

// MarshalEncryptedPEM encodes the private key of k as an "ENCRYPTED PRIVATE
// KEY" PEM block: PKCS#8 encrypted with PBES2, PBKDF2-HMAC-SHA256
// (opts.Iterations, default DefaultIterations, 16-byte random salt) and
// AES-256-CBC. OpenSSL 3 (`openssl pkey -passin`) and Python's cryptography
// read it. password must not be empty. Errors wrap ErrInvalidKey (no private
// key, an empty password or too few iterations).
func MarshalEncryptedPEM(k *Key, password []byte, opts EncryptOptions) ([]byte, error) {
	if k == nil || k.Private == nil {
		return nil, fmt.Errorf("only a private key can be encrypted: %w", ErrInvalidKey)
	}
	if len(password) == 0 {
		return nil, fmt.Errorf("the passphrase is empty: %w", ErrInvalidKey)
	}
	iter := opts.Iterations
	if iter == 0 {
		iter = DefaultIterations
	}
	if iter < MinIterations || iter > MaxIterations {
		return nil, fmt.Errorf("PBKDF2 iteration count %d is outside %d..%d: %w", iter, MinIterations, MaxIterations, ErrInvalidKey)
	}
	plain, err := x509.MarshalPKCS8PrivateKey(k.Private)
	if err != nil {
		return nil, fmt.Errorf("encoding the private key: %w", err)
	}
	defer clear(plain)
	salt, iv := make([]byte, 16), make([]byte, aes.BlockSize)
	if _, err := rand.Read(salt); err != nil {
		return nil, err
	}
	if _, err := rand.Read(iv); err != nil {
		return nil, err
	}
	key, err := pbkdf2.Key(sha256.New, string(password), salt, iter, 32)
	if err != nil {
		return nil, fmt.Errorf("deriving the key: %w", err)
	}
	defer clear(key)
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	n := aes.BlockSize - len(plain)%aes.BlockSize
	padded := append(append(make([]byte, 0, len(plain)+n), plain...), bytes.Repeat([]byte{byte(n)}, n)...)
	defer clear(padded)
	data := make([]byte, len(padded))
	cipher.NewCBCEncrypter(block, iv).CryptBlocks(data, padded)

	null := asn1.RawValue{Tag: asn1.TagNull}
	kdfParams, err := asn1.Marshal(pbkdf2Params{
		Salt: asn1.RawValue{Tag: asn1.TagOctetString, Bytes: salt},
		Iter: iter,
		PRF:  pkix.AlgorithmIdentifier{Algorithm: mustOID(oidHMACSHA256), Parameters: null},
	})
	if err != nil {
		return nil, err
	}
	ivDER, err := asn1.Marshal(iv)
	if err != nil {
		return nil, err
	}
	pbes2, err := asn1.Marshal(pbes2Params{
		KDF: pkix.AlgorithmIdentifier{Algorithm: mustOID(oidPBKDF2), Parameters: asn1.RawValue{FullBytes: kdfParams}},
		Enc: pkix.AlgorithmIdentifier{Algorithm: mustOID(oidAES256CBC), Parameters: asn1.RawValue{FullBytes: ivDER}},
	})
	if err != nil {
		return nil, err
	}
	der, err := asn1.Marshal(encryptedPrivateKeyInfo{
		Algo: pkix.AlgorithmIdentifier{Algorithm: mustOID(oidPBES2), Parameters: asn1.RawValue{FullBytes: pbes2}},
		Data: data,
	})
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "ENCRYPTED PRIVATE KEY", Bytes: der}), nil
}

package keys_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/jwtkit/jwtkit/pkg/keys"
)

// Loading goes by content: the same key in PEM, DER or JWK gives the same
// key, with its RFC 7638 thumbprint as kid.
func ExampleParseFile() {
	for _, name := range []string{"ec256-sec1.pem", "ec256-pkcs8.pem", "ec256.pub.jwk.json"} {
		set, err := keys.ParseFile(filepath.Join("..", "..", "testdata", "keys", name))
		if err != nil {
			fmt.Println(err)
			continue
		}
		k := set.Keys[0]
		fmt.Printf("%s: %s, %s, kid %s, algs %v\n", name, k.Describe(), k.Format, k.KID, k.Algs())
	}
	// Output:
	// ec256-sec1.pem: EC P-256 private key, SEC1 PEM, kid Lop-FzVmC6WLaNsTrGbjvp9nLWcXfBy1H-vLE3_q_8o, algs [ES256]
	// ec256-pkcs8.pem: EC P-256 private key, PKCS#8 PEM, kid Lop-FzVmC6WLaNsTrGbjvp9nLWcXfBy1H-vLE3_q_8o, algs [ES256]
	// ec256.pub.jwk.json: EC P-256 public key, JWK, kid Lop-FzVmC6WLaNsTrGbjvp9nLWcXfBy1H-vLE3_q_8o, algs [ES256]
}

// An asymmetric key never acts as an HMAC secret.
func ExampleKey_CheckAlg() {
	set, _ := keys.ParseFile(filepath.Join("..", "..", "testdata", "keys", "rsa2048-spki.pub.pem"))
	k := set.Keys[0]
	fmt.Println(k.CheckAlg("PS256"))
	fmt.Println(k.CheckAlg("HS256"))
	fmt.Println(k.CheckAlg("None"))
	// Output:
	// <nil>
	// alg "HS256" cannot be used with an RSA key: algorithm does not fit the key
	// alg "None" is never accepted: unsecured tokens have no signature: algorithm does not fit the key
}

// A generated HMAC secret is a hex string whose bytes are the secret, like
// `openssl rand -hex 32`.
func ExampleGenerate() {
	k, err := keys.Generate("HS256", keys.GenerateOptions{})
	if err != nil {
		panic(err)
	}
	fmt.Println(len(k.Secret), k.Alg, k.Describe())
	// Output: 64 HS256 HMAC secret (64 bytes)
}

// A Source resolves the one signing key the way a command line names it;
// a public key handed over as an HMAC secret is refused.
func ExampleSource_Signing() {
	src := keys.Source{File: filepath.Join("..", "..", "testdata", "keys", "ec256-pkcs8.pem")}
	k, err := src.Signing()
	fmt.Println(k.Describe(), k.DefaultAlg(), err)

	pub, _ := os.ReadFile(filepath.Join("..", "..", "testdata", "keys", "rsa2048-spki.pub.pem"))
	src = keys.Source{Secret: pub, SecretOrigin: "env SECRET_KEY"}
	_, err = src.Signing()
	fmt.Println(errors.Is(err, keys.ErrSecretIsKey))
	// Output:
	// EC P-256 private key ES256 <nil>
	// true
}

// The alg table says what each JWS alg needs.
func ExampleLookupAlg() {
	a, _ := keys.LookupAlg("HS384")
	fmt.Println(a.Family, a.Hash, a.MinSecretBytes)
	b, _ := keys.LookupAlg("ES512")
	fmt.Println(b.Family, b.Curve)
	name, _ := keys.CanonicalAlg("eddsa")
	fmt.Println(name)
	// Output:
	// HMAC SHA-384 48
	// ECDSA P-521
	// EdDSA
}

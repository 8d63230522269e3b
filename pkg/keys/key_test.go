package keys_test

import (
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/jwtkit/jwtkit/pkg/keys"
)

// loaded caches fixture keys across tests.
var (
	loadOnce sync.Mutex
	loaded   = map[string]*keys.Key{}
)

func load(t testing.TB, name string) *keys.Key {
	t.Helper()
	loadOnce.Lock()
	defer loadOnce.Unlock()
	if k, ok := loaded[name]; ok {
		return k
	}
	set, err := keys.ParseFile(fixture(name))
	if err != nil {
		t.Fatalf("loading %s: %v", name, err)
	}
	loaded[name] = set.Keys[0]
	return set.Keys[0]
}

func secret(t testing.TB) *keys.Key {
	t.Helper()
	k, err := keys.NewSecret([]byte("0123456789abcdef0123456789abcdef"), "test")
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestAlgs(t *testing.T) {
	tests := []struct {
		key  *keys.Key
		algs string
		def  string
	}{
		{secret(t), "HS256 HS384 HS512", "HS256"},
		{load(t, "rsa2048-pkcs8.pem"), "RS256 RS384 RS512 PS256 PS384 PS512", "RS256"},
		{load(t, "rsa2048.pub.jwk.json"), "RS256", "RS256"},
		{load(t, "ec256-sec1.pem"), "ES256", "ES256"},
		{load(t, "ec384-sec1.pem"), "ES384", "ES384"},
		{load(t, "ec521-sec1.pem"), "ES512", "ES512"},
		{load(t, "ed25519-pkcs8.pem"), "EdDSA", "EdDSA"},
		{load(t, "hs256.jwk.json"), "HS256", "HS256"},
	}
	for _, tt := range tests {
		t.Run(tt.key.Describe()+" "+tt.key.Format, func(t *testing.T) {
			if got := strings.Join(tt.key.Algs(), " "); got != tt.algs {
				t.Errorf("Algs() = %s, want %s", got, tt.algs)
			}
			if got := tt.key.DefaultAlg(); got != tt.def {
				t.Errorf("DefaultAlg() = %s, want %s", got, tt.def)
			}
			for _, a := range tt.key.Algs() {
				if err := tt.key.CheckAlg(a); err != nil {
					t.Errorf("CheckAlg(%s) = %v", a, err)
				}
			}
		})
	}
}

func TestCheckAlg(t *testing.T) {
	rsaKey := load(t, "rsa2048-pkcs8.pem")
	ec := load(t, "ec256-sec1.pem")
	ed := load(t, "ed25519-pkcs8.pem")
	pinned := load(t, "rsa2048.pub.jwk.json")
	tests := []struct {
		key *keys.Key
		alg string
		msg string // "" = fits
	}{
		{rsaKey, "PS512", ""},
		{rsaKey, "HS256", `alg "HS256" cannot be used with an RSA key`},
		{ec, "HS256", `alg "HS256" cannot be used with an EC P-256 key`},
		{ed, "HS512", `cannot be used with an Ed25519 key`},
		{rsaKey, "ES256", "cannot be used with an RSA key"},
		{ec, "ES384", `alg "ES384" cannot be used with an EC P-256 key: it needs a P-384 key`},
		{ec, "RS256", "cannot be used"},
		{ed, "Ed25519", "unknown alg"},
		{secret(t), "RS256", "cannot be used with an HMAC secret"},
		{pinned, "PS256", `pinned to alg "RS256"`},
		{rsaKey, "none", "never accepted"},
		{rsaKey, "NONE", "never accepted"},
		{secret(t), "nOnE", "never accepted"},
		{rsaKey, "RSA-OAEP", "encryption algorithm"},
		{rsaKey, "", "no alg"},
		{rsaKey, "XX\x00999", `unknown alg "XX\x00999"`},
	}
	for _, tt := range tests {
		t.Run(tt.key.Describe()+"/"+tt.alg, func(t *testing.T) {
			err := tt.key.CheckAlg(tt.alg)
			if tt.msg == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if !errors.Is(err, keys.ErrAlgMismatch) {
				t.Fatalf("error %v does not wrap ErrAlgMismatch", err)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("error %q lacks %q", err, tt.msg)
			}
		})
	}
}

func TestDescribeAndPublicKey(t *testing.T) {
	tests := []struct {
		key  *keys.Key
		want string
		pub  string
	}{
		{load(t, "ec256-sec1.pem"), "EC P-256 private key", "EC P-256 public key"},
		{load(t, "rsa2048-pkcs8.pem"), "RSA 2048-bit private key", "RSA 2048-bit public key"},
		{load(t, "ed25519-pkcs8.pem"), "Ed25519 private key", "Ed25519 public key"},
		{secret(t), "HMAC secret (32 bytes)", "HMAC secret (32 bytes)"},
	}
	for _, tt := range tests {
		if got := tt.key.Describe(); got != tt.want {
			t.Errorf("Describe() = %q, want %q", got, tt.want)
		}
		p := tt.key.PublicKey()
		if got := p.Describe(); got != tt.pub {
			t.Errorf("PublicKey().Describe() = %q, want %q", got, tt.pub)
		}
		if tt.key.Type != keys.Oct {
			if p.IsPrivate() || p.SigningKey() != nil || p == tt.key || p.KID != tt.key.KID {
				t.Errorf("PublicKey() of %s kept private material or lost its kid", tt.want)
			}
			if !tt.key.IsPrivate() {
				t.Errorf("PublicKey() changed the original")
			}
		} else if p != tt.key {
			t.Error("PublicKey() of a secret is not the secret")
		}
	}
}

func TestSetFind(t *testing.T) {
	jwks, err := keys.ParseFile(fixture("jwks-public.json"))
	if err != nil {
		t.Fatal(err)
	}
	pemKey := load(t, "ec256-sec1.pem")
	tests := []struct {
		name string
		set  *keys.Set
		kid  string
		alg  string
		n    int
		msg  string
	}{
		{"kid and alg", jwks, tpEC256, "ES256", 1, ""},
		{"no kid, alg picks", jwks, "", "ES384", 1, ""},
		{"no kid, no alg", jwks, "", "", 5, ""},
		{"unknown kid", jwks, "nope", "ES256", 0, `no key with kid "nope"; the set has: ` + tpEC256 + ", " + tpEC384},
		{"kid, wrong alg", jwks, tpEC256, "HS256", 0, `key "` + tpEC256 + `" cannot verify alg "HS256"`},
		{"no kid, no alg fits", jwks, "", "HS256", 0, `no key in the set fits alg "HS256"`},
		{"none never", jwks, "", "none", 0, "never accepted"},
		{"derived kid matches any kid", keys.NewSet(pemKey), "my-kid", "ES256", 1, ""},
		{"derived kid still checks alg", keys.NewSet(pemKey), "my-kid", "RS256", 0, "cannot verify"},
		{"secret matches any kid", keys.NewSet(secret(t)), "k1", "HS384", 1, ""},
		{"empty set", keys.NewSet(), "", "", 0, "empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.set.Find(tt.kid, tt.alg)
			if tt.msg == "" {
				if err != nil || len(got) != tt.n {
					t.Fatalf("got %d keys, %v; want %d", len(got), err, tt.n)
				}
				return
			}
			if !errors.Is(err, keys.ErrKeyNotFound) {
				t.Fatalf("error %v does not wrap ErrKeyNotFound", err)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("error %q lacks %q", err, tt.msg)
			}
		})
	}
	if _, err := jwks.Find(tpEC256, "HS256"); !errors.Is(err, keys.ErrAlgMismatch) {
		t.Errorf("alg mismatch in Find does not wrap ErrAlgMismatch: %v", err)
	}
	if got := len(jwks.KIDs()); got != 5 {
		t.Errorf("KIDs() has %d entries", got)
	}
	literal := &keys.Set{Keys: []*keys.Key{load(t, "ec256.pub.jwk.json")}}
	if got, err := literal.Find(tpEC256, ""); err != nil || len(got) != 1 {
		t.Errorf("Find on a literal Set: %v", err)
	}
}

func TestSecretAlgsAndThumbprint(t *testing.T) {
	k := secret(t)
	if k.KID != "" || k.Size() != 256 || k.Curve() != "" {
		t.Errorf("secret: kid %q size %d", k.KID, k.Size())
	}
	// RFC 7638 §3.2 members for a symmetric key are k and kty.
	tp, err := k.Thumbprint()
	if err != nil || tp == "" {
		t.Errorf("Thumbprint() = %q, %v", tp, err)
	}
	if _, err := keys.NewSecret(nil, "x"); !errors.Is(err, keys.ErrInvalidKey) {
		t.Errorf("empty secret: %v", err)
	}
}

// TestSetForToken: a kid the set lacks falls back to the keys that fit the
// alg; private keys come first; nothing fitting the alg keeps Find's error.
func TestSetForToken(t *testing.T) {
	jwks, err := keys.ParseFile(fixture("jwks-public.json"))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := jwks.ForToken("not-in-set", "ES384"); err != nil || len(got) != 1 || got[0].Curve() != "P-384" {
		t.Errorf("unknown kid, ES384: %v, %v", got, err)
	}
	if _, err := jwks.ForToken("not-in-set", "HS256"); !errors.Is(err, keys.ErrKeyNotFound) || !strings.Contains(err.Error(), `no key with kid "not-in-set"`) {
		t.Errorf("nothing fits: %v", err)
	}
	priv := load(t, "ec256-sec1.pem")
	set := keys.NewSet(priv.PublicKey(), priv)
	got, err := set.ForToken("", "ES256")
	if err != nil || len(got) != 2 || !got[0].IsPrivate() {
		t.Errorf("private first: %v, %v", got, err)
	}
}

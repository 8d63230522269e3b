package keys_test

import (
	"crypto"
	"slices"
	"strings"
	"testing"

	"github.com/jwtkit/jwtkit/pkg/keys"
)

func TestAlgTable(t *testing.T) {
	tests := []struct {
		name    string
		family  keys.Family
		keyType keys.Type
		hash    crypto.Hash
		minSec  int
		curve   string
	}{
		{"HS256", keys.FamilyHMAC, keys.Oct, crypto.SHA256, 32, ""},
		{"HS384", keys.FamilyHMAC, keys.Oct, crypto.SHA384, 48, ""},
		{"HS512", keys.FamilyHMAC, keys.Oct, crypto.SHA512, 64, ""},
		{"RS256", keys.FamilyRSA, keys.RSA, crypto.SHA256, 0, ""},
		{"RS384", keys.FamilyRSA, keys.RSA, crypto.SHA384, 0, ""},
		{"RS512", keys.FamilyRSA, keys.RSA, crypto.SHA512, 0, ""},
		{"PS256", keys.FamilyPSS, keys.RSA, crypto.SHA256, 0, ""},
		{"PS384", keys.FamilyPSS, keys.RSA, crypto.SHA384, 0, ""},
		{"PS512", keys.FamilyPSS, keys.RSA, crypto.SHA512, 0, ""},
		{"ES256", keys.FamilyECDSA, keys.EC, crypto.SHA256, 0, "P-256"},
		{"ES384", keys.FamilyECDSA, keys.EC, crypto.SHA384, 0, "P-384"},
		{"ES512", keys.FamilyECDSA, keys.EC, crypto.SHA512, 0, "P-521"},
		{"EdDSA", keys.FamilyEdDSA, keys.OKP, 0, 0, "Ed25519"},
	}
	var names []string
	for _, tt := range tests {
		names = append(names, tt.name)
		a, ok := keys.LookupAlg(tt.name)
		if !ok {
			t.Errorf("LookupAlg(%q) not found", tt.name)
			continue
		}
		want := keys.Alg{Name: tt.name, Family: tt.family, KeyType: tt.keyType, Hash: tt.hash, MinSecretBytes: tt.minSec, Curve: tt.curve}
		if a != want {
			t.Errorf("LookupAlg(%q) = %+v, want %+v", tt.name, a, want)
		}
		if a.Hash != 0 && a.Hash.New().Size() == 0 {
			t.Errorf("%s: hash not usable", tt.name)
		}
		if a.Family == keys.FamilyHMAC && a.Hash.Size() != a.MinSecretBytes {
			t.Errorf("%s: minimum secret %d, want the hash size %d (RFC 7518 §3.2)", tt.name, a.MinSecretBytes, a.Hash.Size())
		}
	}
	if got := keys.AlgNames(); !slices.Equal(got, names) {
		t.Errorf("AlgNames() = %v, want %v", got, names)
	}
	var fromAlgs []string
	for _, a := range keys.Algs() {
		fromAlgs = append(fromAlgs, a.Name)
	}
	if !slices.Equal(fromAlgs, names) {
		t.Errorf("Algs() names = %v, want %v", fromAlgs, names)
	}
}

func TestAlgsIsACopy(t *testing.T) {
	a := keys.Algs()
	a[0].MinSecretBytes = 1
	n := keys.AlgNames()
	n[0] = "none"
	if got, _ := keys.LookupAlg("HS256"); got.MinSecretBytes != 32 {
		t.Errorf("changing Algs() changed the table: %+v", got)
	}
	if keys.AlgNames()[0] != "HS256" {
		t.Error("changing AlgNames() changed the table")
	}
}

func TestLookupAlgRefuses(t *testing.T) {
	for _, name := range []string{"", "none", "None", "hs256", "Hs256", "RSA-OAEP", "A256GCM", "Ed25519", "ES521", "HS1", "ES256K"} {
		if a, ok := keys.LookupAlg(name); ok {
			t.Errorf("LookupAlg(%q) = %+v, want not found", name, a)
		}
	}
}

func TestCanonicalAlg(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"hs256", "HS256"}, {"HS256", "HS256"}, {"eddsa", "EdDSA"}, {"EDDSA", "EdDSA"},
		{"ps512", "PS512"}, {"Es384", "ES384"},
	} {
		if got, ok := keys.CanonicalAlg(tt.in); !ok || got != tt.want {
			t.Errorf("CanonicalAlg(%q) = %q, %v; want %q", tt.in, got, ok, tt.want)
		}
	}
	for _, in := range []string{"", "none", "NONE", "rsa-oaep", "ed25519", "hs 256"} {
		if got, ok := keys.CanonicalAlg(in); ok {
			t.Errorf("CanonicalAlg(%q) = %q, want not found", in, got)
		}
	}
}

// Every key type lists exactly the algs of its family in the table.
func TestKeyAlgsFollowTable(t *testing.T) {
	for _, a := range keys.Algs() {
		k, err := keys.Generate(a.Name, keys.GenerateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		k.Alg = "" // unpinned: what the key type allows
		var want []string
		for _, b := range keys.Algs() {
			if b.KeyType == a.KeyType && (b.Curve == "" || b.Curve == a.Curve) {
				want = append(want, b.Name)
			}
		}
		if got := k.Algs(); !slices.Equal(got, want) {
			t.Errorf("%s key: Algs() = %v, want %v", a.Name, got, want)
		}
		for _, b := range keys.Algs() {
			err := k.CheckAlg(b.Name)
			if fits := slices.Contains(want, b.Name); fits != (err == nil) {
				t.Errorf("%s key: CheckAlg(%s) = %v", a.Name, b.Name, err)
			}
		}
		if a.Family == keys.FamilyHMAC && len(k.Secret) != 2*a.MinSecretBytes {
			t.Errorf("%s: generated %d hex characters, want %d", a.Name, len(k.Secret), 2*a.MinSecretBytes)
		}
	}
}

func TestGenerateUnknownAlgListsTable(t *testing.T) {
	_, err := keys.Generate("none", keys.GenerateOptions{})
	if err == nil || !strings.Contains(err.Error(), "want "+strings.Join(keys.AlgNames()[:12], ", ")+" or EdDSA") {
		t.Errorf("err = %v", err)
	}
}

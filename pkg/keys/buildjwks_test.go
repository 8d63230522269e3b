package keys_test

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/jwtkit/jwtkit/pkg/keys"
)

func TestBuildJWKS(t *testing.T) {
	ec := load(t, "ec256-pkcs8.pem")
	ecPub := load(t, "ec256-spki.pub.pem")
	ed := load(t, "ed25519-pkcs8.pem")
	rsa := load(t, "rsa2048-pkcs8.pem")
	var notes []keys.Note
	data, set, err := keys.BuildJWKS([]keys.JWKSInput{
		{Name: "ec.pem", Keys: []*keys.Key{ec}},
		{Name: "-", Keys: []*keys.Key{ed, rsa}},
		{Name: "ec.pub.pem", Keys: []*keys.Key{ecPub}},
	}, func(n keys.Note) { notes = append(notes, n) })
	if err != nil {
		t.Fatal(err)
	}
	wantKIDs := []string{ec.KID, ed.KID, rsa.KID}
	if !slices.Equal(set.KIDs(), wantKIDs) {
		t.Errorf("kids %v, want %v", set.KIDs(), wantKIDs)
	}
	if len(notes) != 1 || notes[0].Kind != keys.NoteDuplicateKey ||
		notes[0].Text != `key "`+ec.KID+`" in "ec.pub.pem" is already in the set (from "ec.pem"); listed once` {
		t.Errorf("notes %+v", notes)
	}
	var jwks struct {
		Keys []map[string]any `json:"keys"`
	}
	if err := json.Unmarshal(data, &jwks); err != nil {
		t.Fatal(err)
	}
	if len(jwks.Keys) != 3 {
		t.Fatalf("%d keys in %s", len(jwks.Keys), data)
	}
	for i, want := range []struct{ alg, use string }{{"ES256", "sig"}, {"EdDSA", "sig"}, {"", "sig"}} {
		k := jwks.Keys[i]
		if _, ok := k["d"]; ok {
			t.Errorf("key %d has private member d", i)
		}
		if alg, _ := k["alg"].(string); alg != want.alg {
			t.Errorf("key %d alg %q, want %q", i, alg, want.alg)
		}
		if use, _ := k["use"].(string); use != want.use {
			t.Errorf("key %d use %q, want %q", i, use, want.use)
		}
	}
	if ec.Use != "" || ec.Alg != "" || ec.Private == nil {
		t.Error("BuildJWKS changed an input key")
	}
	// A nil note func drops notes.
	if _, _, err := keys.BuildJWKS([]keys.JWKSInput{{Name: "a", Keys: []*keys.Key{ec, ecPub}}}, nil); err != nil {
		t.Error(err)
	}
}

func TestBuildJWKSRefuses(t *testing.T) {
	ec := load(t, "ec256-pkcs8.pem")
	other := *load(t, "ed25519-pkcs8.pem")
	other.KID = ec.KID
	many := make([]*keys.Key, keys.MaxJWKSKeys+1)
	for i := range many {
		k, err := keys.Generate("ES256", keys.GenerateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		many[i] = k
	}
	tests := []struct {
		name   string
		inputs []keys.JWKSInput
		want   error
		msg    string
	}{
		{"one kid, two keys", []keys.JWKSInput{{Name: "a.pem", Keys: []*keys.Key{ec}}, {Name: "-", Keys: []*keys.Key{&other}}},
			keys.ErrDuplicateKID, `kid "` + ec.KID + `" names two different keys, in "a.pem" and stdin: give one of them another kid`},
		{"secret", []keys.JWKSInput{{Name: "s.jwk.json", Keys: []*keys.Key{secret(t)}}},
			keys.ErrUnsupported, `key "s.jwk.json" holds an HMAC secret: a JWK Set publishes public keys only`},
		{"too many", []keys.JWKSInput{{Name: "many", Keys: many}},
			keys.ErrTooLarge, "101 keys: a JWK Set holds at most 100"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, set, err := keys.BuildJWKS(tt.inputs, nil)
			if !errors.Is(err, tt.want) {
				t.Errorf("error %v does not wrap %v", err, tt.want)
			}
			if err == nil || err.Error() != tt.msg {
				t.Errorf("error %q, want %q", err, tt.msg)
			}
			if data != nil || set != nil {
				t.Error("output with an error")
			}
		})
	}
}

// The duplicate note quotes a kid from the input: no raw control bytes.
func TestBuildJWKSNoteQuotesKID(t *testing.T) {
	k := *load(t, "ec256-pkcs8.pem")
	k.KID = "evil\x1b[31m"
	var text string
	_, _, err := keys.BuildJWKS([]keys.JWKSInput{{Name: "a", Keys: []*keys.Key{&k, &k}}}, func(n keys.Note) { text = n.Text })
	if err != nil {
		t.Fatal(err)
	}
	if strings.ContainsRune(text, 0x1b) {
		t.Errorf("note holds a raw escape: %q", text)
	}
}

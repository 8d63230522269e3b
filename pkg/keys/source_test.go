package keys_test

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/jwtkit/jwtkit/pkg/keys"
)

// twoKeys writes a PEM file holding two private keys (RSA, then EC P-256).
func twoKeys(t *testing.T) (path string, rsaKID, ecKID string) {
	t.Helper()
	path = filepath.Join(t.TempDir(), "two.pem")
	data := append(readFixture(t, "rsa2048-pkcs8.pem"), readFixture(t, "ec256-pkcs8.pem")...)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path, load(t, "rsa2048-pkcs8.pem").KID, load(t, "ec256-pkcs8.pem").KID
}

func TestSourceSigning(t *testing.T) {
	ecPEM := fixture("ec256-pkcs8.pem")
	ec := load(t, "ec256-pkcs8.pem")
	two, rsaKID, ecKID := twoKeys(t)
	secretFile := filepath.Join(t.TempDir(), "hs.secret")
	os.WriteFile(secretFile, []byte("0123456789abcdef0123456789abcdef\r\n"), 0o600)

	tests := []struct {
		name       string
		src        keys.Source
		wantKID    string
		wantSecret string
		wantSource string
	}{
		{"key file", keys.Source{File: ecPEM}, ec.KID, "", ecPEM},
		{"key on stdin", keys.Source{File: "-", Stdin: bytes.NewReader(readFixture(t, "ec256-pkcs8.pem"))}, ec.KID, "", "stdin"},
		{"kid picks one of two", keys.Source{File: two, KID: rsaKID}, rsaKID, "", two},
		{"kid picks the other", keys.Source{File: two, KID: ecKID}, ecKID, "", two},
		{"one key ignores kid", keys.Source{File: ecPEM, KID: "header-kid"}, ec.KID, "", ecPEM},
		{"secret text", keys.Source{Secret: []byte("s3cr3t\n"), SecretOrigin: "env S"}, "", "s3cr3t", "env S"},
		{"secret without origin", keys.Source{Secret: []byte("s3cr3t")}, "", "s3cr3t", "secret"},
		{"secret hex", keys.Source{Secret: []byte("6869"), SecretEncoding: "hex"}, "", "hi", "secret"},
		{"secret base64url", keys.Source{Secret: []byte("aGk"), SecretEncoding: "base64url"}, "", "hi", "secret"},
		{"secret file, CRLF dropped", keys.Source{SecretFile: secretFile}, "", "0123456789abcdef0123456789abcdef", secretFile},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, err := tt.src.Signing()
			if err != nil {
				t.Fatal(err)
			}
			if !k.IsPrivate() || k.KID != tt.wantKID || string(k.Secret) != tt.wantSecret || k.Source != tt.wantSource {
				t.Errorf("got kid %q secret %q source %q private %v", k.KID, k.Secret, k.Source, k.IsPrivate())
			}
		})
	}
}

func TestSourceSigningRefuses(t *testing.T) {
	two, rsaKID, ecKID := twoKeys(t)
	pub := fixture("ec256-spki.pub.pem")
	tests := []struct {
		name string
		src  keys.Source
		want []error
		msg  string
	}{
		{"several private keys", keys.Source{File: two},
			[]error{keys.ErrAmbiguousKey}, `key file "` + two + `" holds 2 private keys: pick one with kid (` + rsaKID + ", " + ecKID + ")"},
		{"several private keys, CLI labels", keys.Source{File: two, FileLabel: "--key", KIDLabel: "--kid"},
			[]error{keys.ErrAmbiguousKey}, `--key "` + two + `" holds 2 private keys: pick one with --kid (` + rsaKID + ", " + ecKID + ")"},
		{"no key with the kid", keys.Source{File: two, KID: "nope"},
			[]error{keys.ErrNoSigningKey, keys.ErrKIDNotFound}, `key file "` + two + `" has no private key with kid "nope"; it has: ` + rsaKID + ", " + ecKID},
		{"public key only", keys.Source{File: pub, FileLabel: "--key"},
			[]error{keys.ErrNoSigningKey}, `--key "` + pub + `" holds only public keys: signing needs a private key or a secret`},
		{"a JWK Set never signs", keys.Source{JWKS: fixture("jwks-public.json")},
			[]error{keys.ErrNoSigningKey}, "a JWK Set only verifies: signing needs a private key or a secret"},
		{"no source", keys.Source{},
			[]error{keys.ErrNoSource}, "no key source given: name a key file, a secret or a JWK Set"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, err := tt.src.Signing()
			if k != nil || err == nil {
				t.Fatalf("got %v, %v", k, err)
			}
			for _, w := range tt.want {
				if !errors.Is(err, w) {
					t.Errorf("error %v does not wrap %v", err, w)
				}
			}
			if err.Error() != tt.msg {
				t.Errorf("error\n got %s\nwant %s", err, tt.msg)
			}
		})
	}
}

// A key passed as an HMAC secret is refused, from every secret source: the
// RS256→HS256 key confusion attack starts there.
func TestSourceSecretIsKey(t *testing.T) {
	for _, name := range []string{"rsa2048-spki.pub.pem", "ec256-pkcs8.pem", "ec256.pub.jwk.json", "jwks-public.json", "hs256.jwk.json"} {
		t.Run(name, func(t *testing.T) {
			data := readFixture(t, name)
			for _, src := range []keys.Source{
				{Secret: data, SecretOrigin: "stdin"},
				{Secret: append([]byte("  \n"), data...), SecretOrigin: "stdin", SecretEncoding: "base64"},
				{SecretFile: fixture(name), SecretOrigin: "stdin"},
			} {
				_, err := src.Signing()
				if !errors.Is(err, keys.ErrSecretIsKey) {
					t.Fatalf("error %v, want ErrSecretIsKey", err)
				}
				want := "the HMAC secret from stdin looks like a PEM or JWK key: pass key files as keys (an asymmetric key never acts as an HMAC secret)"
				if err.Error() != want {
					t.Errorf("error\n got %s\nwant %s", err, want)
				}
				src.FileLabel = "--key"
				if _, err := src.Verification(context.Background(), nil); err == nil || !strings.Contains(err.Error(), ": pass key files with --key (") {
					t.Errorf("verification: %v", err)
				}
			}
		})
	}
	// A secret that merely starts with a brace is a secret.
	if _, err := (&keys.Source{Secret: []byte(`{"not":"a key"}`)}).Signing(); err != nil {
		t.Errorf("JSON without kty refused: %v", err)
	}
}

func TestSourceBadSecret(t *testing.T) {
	tests := []struct {
		src keys.Source
		msg string
	}{
		{keys.Source{Secret: []byte("abc"), SecretEncoding: "hex", SecretOrigin: "env H"}, "secret from env H: secret is not hex: it has an odd number of digits (3): invalid key"},
		{keys.Source{Secret: []byte("a+b/"), SecretEncoding: "base64url"}, "secret from secret: secret is not base64url: character 2 belongs to the base64 alphabet (try --secret-encoding base64): invalid key"},
		{keys.Source{Secret: []byte("\n"), SecretOrigin: "stdin"}, "secret from stdin: the HMAC secret is empty: invalid key"},
		{keys.Source{Secret: []byte("x"), SecretEncoding: "rot13"}, `unknown secret encoding "rot13": want utf8, base64, base64url or hex`},
	}
	for _, tt := range tests {
		_, err := tt.src.Signing()
		if !errors.Is(err, keys.ErrBadSecret) {
			t.Errorf("error %v does not wrap ErrBadSecret", err)
		}
		if err == nil || err.Error() != tt.msg {
			t.Errorf("error\n got %v\nwant %s", err, tt.msg)
		}
		if strings.Contains(tt.msg, "invalid key") && !errors.Is(err, keys.ErrInvalidKey) {
			t.Errorf("error %v lost ErrInvalidKey", err)
		}
	}
}

func TestSourceConflicts(t *testing.T) {
	tests := []struct {
		src keys.Source
		msg string
	}{
		{keys.Source{File: "k.pem", Secret: []byte("s")}, "a key file and a secret cannot be used together: give one key source"},
		{keys.Source{Secret: []byte("s"), SecretFile: "s.txt"}, "a secret and a secret file cannot be used together: give one key source"},
		{keys.Source{File: "k.pem", JWKS: "https://x/jwks"}, "a key file and a JWK Set cannot be used together: give one key source"},
		{keys.Source{File: "k.pem", SecretFile: "s", JWKS: "j"}, "a key file and a secret file and a JWK Set cannot be used together: give one key source"},
	}
	for _, tt := range tests {
		err := tt.src.Validate()
		if !errors.Is(err, keys.ErrConflictingSources) || err.Error() != tt.msg {
			t.Errorf("Validate() = %v, want %s", err, tt.msg)
		}
		if _, err := tt.src.Signing(); !errors.Is(err, keys.ErrConflictingSources) {
			t.Errorf("Signing() = %v", err)
		}
		if _, err := tt.src.Verification(context.Background(), nil); !errors.Is(err, keys.ErrConflictingSources) {
			t.Errorf("Verification() = %v", err)
		}
	}
	if err := (&keys.Source{}).Validate(); err != nil {
		t.Errorf("zero Source: %v", err)
	}
}

// Each failure to read a file the user named has its own message.
func TestSourceFileErrors(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty")
	os.WriteFile(empty, []byte(" \n\t"), 0o600)
	big := filepath.Join(dir, "big")
	os.WriteFile(big, bytes.Repeat([]byte("a"), keys.MaxFileBytes+1), 0o600)
	file := filepath.Join(dir, "file")
	os.WriteFile(file, []byte("x"), 0o600)
	missing := filepath.Join(dir, "missing.pem")
	through := filepath.Join(file, "k.pem")
	notKey := fixture("not-a-key.txt")

	tests := []struct {
		name string
		src  keys.Source
		want error
		msg  string
	}{
		{"missing", keys.Source{File: missing}, fs.ErrNotExist, `key file "` + missing + `" does not exist`},
		{"folder", keys.Source{File: dir}, nil, `key file "` + dir + `" is a folder, not a file`},
		{"empty", keys.Source{File: empty}, keys.ErrEmpty, `key file "` + empty + `" is empty`},
		{"too large", keys.Source{File: big}, keys.ErrTooLarge, `key file "` + big + `" is larger than 1048576 bytes`},
		{"path through a file", keys.Source{File: through}, nil, `key file "` + through + `": not a directory`},
		{"not a key", keys.Source{File: notKey}, keys.ErrUnrecognized, `reading key "` + notKey + `": text of 30 characters on 1 line (content not shown: it may be a secret): no PEM block, DER key, JWK or JWKS found`},
		{"missing JWKS file", keys.Source{JWKS: missing}, fs.ErrNotExist, `key file "` + missing + `" does not exist`},
		{"missing secret file", keys.Source{SecretFile: missing}, fs.ErrNotExist, `secret file "` + missing + `" does not exist`},
		{"empty secret file", keys.Source{SecretFile: empty}, keys.ErrEmpty, `secret file "` + empty + `" is empty`},
		{"stdin too large", keys.Source{File: "-", Stdin: bytes.NewReader(make([]byte, keys.MaxFileBytes+1))}, keys.ErrTooLarge, "key on stdin is larger than 1048576 bytes"},
		{"stdin not a key", keys.Source{File: "-", Stdin: strings.NewReader("hello world")}, keys.ErrUnrecognized, `reading key from stdin: text of 11 characters on 1 line (content not shown: it may be a secret): no PEM block, DER key, JWK or JWKS found`},
		{"no stdin", keys.Source{File: "-"}, nil, "reading key from stdin: no standard input given"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.src.Verification(context.Background(), nil)
			if err == nil {
				t.Fatal("no error")
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("error %v does not wrap %v", err, tt.want)
			}
			if err.Error() != tt.msg {
				t.Errorf("error\n got %s\nwant %s", err, tt.msg)
			}
		})
	}
}

func TestReadInputFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "claims.json")
	os.WriteFile(p, []byte(`{"a":1}`), 0o600)
	b, err := keys.ReadInputFile(p, "claims file", 7)
	if err != nil || string(b) != `{"a":1}` {
		t.Errorf("at the limit: %q, %v", b, err)
	}
	_, err = keys.ReadInputFile(p, "claims file", 6)
	if !errors.Is(err, keys.ErrTooLarge) || err.Error() != `claims file "`+p+`" is larger than 6 bytes` {
		t.Errorf("over the limit: %v", err)
	}
	if os.Geteuid() != 0 {
		os.Chmod(p, 0)
		_, err = keys.ReadInputFile(p, "claims file", 100)
		if err == nil || err.Error() != `claims file "`+p+`" cannot be read: permission denied` {
			t.Errorf("unreadable: %v", err)
		}
	}
}

func TestSourceVerification(t *testing.T) {
	ec := load(t, "ec256-pkcs8.pem")
	two, rsaKID, _ := twoKeys(t)
	jwks := readFixture(t, "jwks-public.json")
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/jwk-set+json")
		w.Write(jwks)
	}))
	defer srv.Close()
	fileSet, err := keys.ParseFile(fixture("jwks-public.json"))
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name        string
		src         keys.Source
		kids        []string
		privateKept bool
	}{
		{"key file", keys.Source{File: fixture("ec256-pkcs8.pem")}, []string{ec.KID}, true},
		{"key file, kid picks public halves", keys.Source{File: two, KID: rsaKID}, []string{rsaKID}, false},
		{"JWKS file", keys.Source{JWKS: fixture("jwks-public.json")}, fileSet.KIDs(), false},
		{"JWKS on stdin", keys.Source{JWKS: "-", Stdin: bytes.NewReader(jwks)}, fileSet.KIDs(), false},
		{"JWKS URL", keys.Source{JWKS: srv.URL + "/jwks.json"}, fileSet.KIDs(), false},
		{"secret", keys.Source{Secret: []byte("s3cr3t")}, []string{""}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set, err := tt.src.Verification(context.Background(), srv.Client())
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(set.KIDs(), tt.kids) {
				t.Errorf("kids %v, want %v", set.KIDs(), tt.kids)
			}
			for _, k := range set.Keys {
				if k.Private != nil && !tt.privateKept {
					t.Errorf("key %s kept its private half", k.KID)
				}
			}
		})
	}

	// A kid that no key has is a usage problem, not a file problem.
	_, err = (&keys.Source{File: fixture("jwks-public.json"), KID: "nope", KIDLabel: "--kid"}).Verification(context.Background(), nil)
	if !errors.Is(err, keys.ErrKIDNotFound) || !errors.Is(err, keys.ErrKeyNotFound) || !strings.HasPrefix(err.Error(), `--kid: no key with kid "nope"; the set has: `) {
		t.Errorf("unknown kid: %v", err)
	}
	// A URL needs a client; the error names the URL without its query.
	_, err = (&keys.Source{JWKS: srv.URL + "/jwks.json?token=abc"}).Verification(context.Background(), nil)
	if err == nil || !strings.Contains(err.Error(), "no HTTP client given") || strings.Contains(err.Error(), "abc") {
		t.Errorf("no client: %v", err)
	}
	// The server's certificate is checked by the client given.
	_, err = (&keys.Source{JWKS: srv.URL}).Verification(context.Background(), &http.Client{})
	if err == nil || !strings.Contains(err.Error(), "fetching JWKS from "+srv.URL) {
		t.Errorf("untrusted certificate: %v", err)
	}
}

func TestSourceDevKey(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "jwtkit")
	var notes []keys.Note
	src := keys.Source{DevKeyDir: dir, OnNote: func(n keys.Note) { notes = append(notes, n) }}
	k, err := src.Signing()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, keys.DevKeyFile)
	if len(notes) != 1 || notes[0].Kind != keys.NoteDevKeyCreated || notes[0].Text != "created development key "+path+" (ES256, kid "+k.KID+")" {
		t.Errorf("notes %+v", notes)
	}
	set, err := src.Verification(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Keys) != 1 || set.Keys[0].KID != k.KID || set.Keys[0].Private != nil {
		t.Errorf("verification set %v: want the development key's public half", set.KIDs())
	}
	if len(notes) != 2 || notes[1].Kind != keys.NoteDevKeyUsed || notes[1].Text != "using development key "+path+" (kid "+k.KID+")" {
		t.Errorf("notes %+v", notes)
	}
	// Another source wins over the development key; nil OnNote is fine.
	k2, err := (&keys.Source{DevKeyDir: dir, Secret: []byte("s")}).Signing()
	if err != nil || k2.Type != keys.Oct {
		t.Errorf("secret with a dev key folder: %v, %v", k2, err)
	}
	// Keys never falls back to the development key.
	if _, err := (&keys.Source{DevKeyDir: dir}).Keys(context.Background(), nil); !errors.Is(err, keys.ErrNoSource) {
		t.Errorf("Keys without a source: %v", err)
	}
}

func TestSourceKeysKeepsEverything(t *testing.T) {
	two, _, _ := twoKeys(t)
	set, err := (&keys.Source{File: two, KID: "ignored"}).Keys(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Keys) != 2 || !set.Keys[0].IsPrivate() || !set.Keys[1].IsPrivate() {
		t.Errorf("Keys() = %v", set.KIDs())
	}
}

func TestReadSecretInput(t *testing.T) {
	b, err := keys.ReadSecretInput(strings.NewReader(strings.Repeat("s", keys.MaxSecretFileBytes)))
	if err != nil || len(b) != keys.MaxSecretFileBytes {
		t.Errorf("at the limit: %d bytes, %v", len(b), err)
	}
	_, err = keys.ReadSecretInput(strings.NewReader(strings.Repeat("s", keys.MaxSecretFileBytes+1)))
	if !errors.Is(err, keys.ErrTooLarge) || err.Error() != "secret on stdin is larger than 1048576 bytes" {
		t.Errorf("over the limit: %v", err)
	}
}

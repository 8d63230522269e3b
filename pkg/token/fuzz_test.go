package token_test

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/jwtkit/jwtkit/pkg/token"
)

// seedTokens adds the RFC and Wycheproof JWS strings and a few hostile
// shapes to a fuzz corpus.
func seedTokens(f *testing.F) {
	for _, name := range rfcJWS {
		if data, err := os.ReadFile(filepath.Join(vectorsDir, "rfc", name)); err == nil {
			var v rfcVector
			if json.Unmarshal(data, &v) == nil {
				f.Add(v.JWS)
			}
		}
	}
	if data, err := os.ReadFile(filepath.Join(vectorsDir, "wycheproof", "json_web_signature_test.json")); err == nil {
		var wp wycheproof
		if json.Unmarshal(data, &wp) == nil {
			for i, g := range wp.TestGroups {
				for j, tc := range g.Tests {
					if (i+j)%7 == 0 || g.Comment == "base64" {
						f.Add(tc.JWS)
					}
				}
			}
		}
	}
	for _, s := range []string{
		"", ".", "..", "a.b.c.d.e",
		tok(hs, `{"exp":1e300,"nbf":-1,"iat":1.5}`),
		tok(hs, `{"a":{"b":[1,2,{"c":"\ud83d\ude00"}]}}`),
		tok(`{"alg":"none"}`, `{}`),
		tok(`{"alg":"HS256","crit":["exp"]}`, `{"sub":"x","sub":"y"}`),
	} {
		f.Add(s)
	}
}

func FuzzParse(f *testing.F) {
	seedTokens(f)
	f.Fuzz(func(t *testing.T, raw string) {
		jws, jerr := token.ParseJWS(raw)
		tk, err := token.Parse(raw)
		if err != nil {
			return
		}
		if jerr != nil {
			t.Fatalf("Parse accepted what ParseJWS refused: %v", jerr)
		}
		if tk.Raw != raw || !strings.HasPrefix(raw, tk.SigningInput+".") || tk.Header == nil || tk.Claims == nil {
			t.Fatalf("inconsistent token %+v", tk)
		}
		if !bytes.Equal(tk.PayloadJSON, jws.PayloadJSON) {
			t.Fatal("Parse and ParseJWS decode differently")
		}
		for _, name := range []string{"exp", "nbf", "iat"} {
			if _, _, err := tk.NumericDate(name); err != nil {
				t.Fatalf("Parse accepted a bad %s: %v", name, err)
			}
		}
		// What the strict parser accepts, encoding/json reads the same way.
		for _, part := range []struct {
			data []byte
			got  map[string]any
		}{{tk.HeaderJSON, tk.Header}, {tk.PayloadJSON, tk.Claims}} {
			d := json.NewDecoder(bytes.NewReader(part.data))
			d.UseNumber()
			var want map[string]any
			if err := d.Decode(&want); err != nil {
				t.Fatalf("encoding/json refuses what Parse accepted: %v", err)
			}
			if !reflect.DeepEqual(part.got, want) {
				t.Fatalf("decoded %#v, encoding/json %#v", part.got, want)
			}
		}
	})
}

func FuzzNumericDate(f *testing.F) {
	for _, s := range []string{`{"exp":1300819380}`, `{"exp":1.5}`, `{"exp":-1e300}`, `{"exp":1e20}`, `{"exp":"1"}`, `{"exp":0.0000000001}`, `{"exp":-0}`, `{"exp":253402300799.9999999999}`, `{"nbf":123456789012345678901234567890}`} {
		f.Add(s)
	}
	lo := time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)
	hi := time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC)
	f.Fuzz(func(t *testing.T, claims string) {
		tk, err := token.ParseJWS(tok(hs, claims))
		if err != nil || tk.Claims == nil {
			return
		}
		for _, name := range []string{"exp", "nbf", "iat", "x"} {
			tm, ok, err := tk.NumericDate(name)
			if ok && err == nil && (tm.Before(lo) || tm.After(hi)) {
				t.Fatalf("%s = %v outside years 1..9999", name, tm)
			}
			if ok && err != nil && name != "x" {
				if _, perr := token.Parse(tok(hs, claims)); perr == nil {
					t.Fatalf("%s: Parse accepted what NumericDate refuses: %v", name, err)
				}
			}
		}
	})
}

// FuzzVerify: a fixed HS256 verifier never panics and never calls a token
// valid unless its HMAC really is right.
func FuzzVerify(f *testing.F) {
	k := secretKey(f, testSecret)
	v := verifier(f, token.Policy{}, k)
	s := signer(f, k, "HS256", nil)
	seedTokens(f)
	f.Add(sign(f, s, map[string]any{"sub": "a"}))
	f.Add(sign(f, s, map[string]any{"exp": 1, "aud": []any{"x"}}))
	f.Add(sign(f, s, map[string]any{"n": json.Number("1e300"), "o": map[string]any{"p": nil}}))
	f.Fuzz(func(t *testing.T, raw string) {
		r := v.Verify(raw)
		for _, c := range r.Checks {
			if c.Name == "internal" {
				t.Fatalf("Verify recovered from a panic: %s", c.Detail)
			}
		}
		if r.Valid != (r.Reason == "") || r.Valid != (r.Err == nil) {
			t.Fatalf("inconsistent result %s", dump(r))
		}
		if !r.Valid {
			return
		}
		tk, err := token.Parse(raw)
		if err != nil {
			t.Fatalf("valid but Parse fails: %v", err)
		}
		mac := hmac.New(sha256.New, []byte(testSecret))
		mac.Write([]byte(tk.SigningInput))
		if tk.Alg() != "HS256" || !hmac.Equal(mac.Sum(nil), tk.Signature) {
			t.Fatalf("valid without a good HS256 signature: %s", dump(r))
		}
	})
}

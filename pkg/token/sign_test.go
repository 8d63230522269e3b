package token_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/jwtkit/jwtkit/pkg/keys"
	"github.com/jwtkit/jwtkit/pkg/token"
)

func TestSignVerifyEveryAlg(t *testing.T) {
	claims := map[string]any{"sub": "alice", "html": "<b>&</b>", "n": json.Number("1.5"), "exp": now.Add(time.Hour).Unix()}
	for _, alg := range token.Algs() {
		t.Run(alg, func(t *testing.T) {
			k := genKey(t, alg)
			s := signer(t, k, alg, nil)
			raw := sign(t, s, claims)
			tk, err := token.Parse(raw)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(tk.PayloadJSON), `"<b>&</b>"`) {
				t.Errorf("HTML escaped: %s", tk.PayloadJSON)
			}
			if tk.Alg() != alg || tk.Header["typ"] != "JWT" || (k.KID != "" && tk.KID() != k.KID) {
				t.Errorf("header = %s", tk.HeaderJSON)
			}
			if k.Type != keys.Oct {
				k = k.PublicKey()
			}
			r := verifier(t, token.Policy{Now: fixedNow(now)}, k).Verify(raw)
			if !r.Valid {
				t.Fatal(dump(r))
			}
			// golang-jwt accepts it too.
			parsed, err := jwt.Parse(raw, func(*jwt.Token) (any, error) { return k.VerificationKey(), nil },
				jwt.WithValidMethods([]string{alg}), jwt.WithTimeFunc(func() time.Time { return now }))
			if err != nil || !parsed.Valid {
				t.Errorf("golang-jwt: %v", err)
			}
		})
	}
}

func TestNewSigner(t *testing.T) {
	sec := secretKey(t, testSecret)
	rsa := genKey(t, "RS256")
	tests := []struct {
		name   string
		key    *keys.Key
		alg    string
		header map[string]any
		want   string // header JSON; "" = error
		err    error
	}{
		{name: "default", key: sec, alg: "HS256", want: `{"alg":"HS256","typ":"JWT"}`},
		{name: "typ", key: sec, alg: "HS384", header: map[string]any{"typ": "at+jwt"}, want: `{"alg":"HS384","typ":"at+jwt"}`},
		{name: "no typ", key: sec, alg: "HS256", header: map[string]any{"typ": ""}, want: `{"alg":"HS256"}`},
		{name: "kid and extras", key: sec, alg: "HS256", header: map[string]any{"kid": "k1", "x-a": json.Number("1")}, want: `{"alg":"HS256","kid":"k1","typ":"JWT","x-a":1}`},
		{name: "key kid", key: rsa, alg: "RS256", want: `{"alg":"RS256","kid":"` + rsa.KID + `","typ":"JWT"}`},
		{name: "kid override", key: rsa, alg: "RS256", header: map[string]any{"kid": "mine"}, want: `{"alg":"RS256","kid":"mine","typ":"JWT"}`},
		{name: "kid omitted", key: rsa, alg: "RS256", header: map[string]any{"kid": ""}, want: `{"alg":"RS256","typ":"JWT"}`},
		{name: "same alg in header", key: sec, alg: "HS256", header: map[string]any{"alg": "HS256"}, want: `{"alg":"HS256","typ":"JWT"}`},
		{name: "other alg in header", key: sec, alg: "HS256", header: map[string]any{"alg": "none"}},
		{name: "none", key: sec, alg: "none", err: token.ErrUnsecured},
		{name: "HMAC with RSA", key: rsa, alg: "HS256", err: keys.ErrAlgMismatch},
		{name: "RSA alg with secret", key: sec, alg: "RS256", err: keys.ErrAlgMismatch},
		{name: "unknown alg", key: sec, alg: "HS1", err: keys.ErrAlgMismatch},
		{name: "public key", key: rsa.PublicKey(), alg: "RS256", err: token.ErrNoPrivateKey},
		{name: "nil key", alg: "HS256", err: token.ErrNoPrivateKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := token.NewSigner(tt.key, tt.alg, tt.header)
			if tt.want == "" {
				if err == nil || (tt.err != nil && !errors.Is(err, tt.err)) {
					t.Fatalf("NewSigner error = %v, want %v", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			raw := sign(t, s, nil)
			tk, err := token.Parse(raw)
			if err != nil {
				t.Fatal(err)
			}
			if string(tk.HeaderJSON) != tt.want || string(tk.PayloadJSON) != "{}" {
				t.Errorf("header %s, payload %s; want %s", tk.HeaderJSON, tk.PayloadJSON, tt.want)
			}
			var want map[string]any
			d := json.NewDecoder(strings.NewReader(tt.want))
			d.UseNumber()
			_ = d.Decode(&want)
			if got := s.Header(); !reflect.DeepEqual(got, want) {
				t.Errorf("Header() = %v", got)
			}
		})
	}
}

// TestSignDeterministic: HS256 output is byte-exact (sorted keys, compact).
func TestSignDeterministic(t *testing.T) {
	s := signer(t, secretKey(t, "secret"), "HS256", nil)
	got := sign(t, s, map[string]any{"sub": "1234567890", "name": "John Doe", "iat": 1516239022})
	// The same claims through golang-jwt (encoding/json sorts map keys).
	want, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"sub": "1234567890", "name": "John Doe", "iat": 1516239022}).SignedString([]byte("secret"))
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Errorf("Sign = %s\nwant   %s", got, want)
	}
	if _, err := s.Sign(map[string]any{"bad": func() {}}); err == nil {
		t.Errorf("unencodable claims signed")
	}
}

func TestSignConcurrent(t *testing.T) {
	k := genKey(t, "EdDSA")
	s := signer(t, k, "EdDSA", nil)
	v := verifier(t, token.Policy{}, k.PublicKey())
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 50 {
				raw, err := s.Sign(map[string]any{"i": i, "j": j})
				if err != nil {
					t.Error(err)
					return
				}
				if r := v.Verify(raw); !r.Valid {
					t.Error(dump(r))
					return
				}
			}
		}()
	}
	wg.Wait()
}

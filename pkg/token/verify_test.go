package token_test

import (
	"crypto/x509"
	"encoding/base64"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/jwtkit/jwtkit/pkg/keys"
	"github.com/jwtkit/jwtkit/pkg/token"
)

var now = time.Date(2026, 1, 2, 15, 4, 5, 0, time.UTC)

const testSecret = "a-test-secret-that-is-32-bytes!!"

func TestReasonCategory(t *testing.T) {
	const (
		none, mal, key, tm, pol = token.CategoryNone, token.CategoryMalformed, token.CategoryKey, token.CategoryTime, token.CategoryPolicy
	)
	for r, want := range map[token.Reason]token.Category{
		"": none, token.ReasonMalformed: mal, token.ReasonAlgNotAllowed: key, token.ReasonKeyNotFound: key,
		token.ReasonSignature: key, token.ReasonExpired: tm, token.ReasonNotYetValid: tm,
		token.ReasonIssuedInFuture: tm, token.ReasonIssuer: pol, token.ReasonAudience: pol,
		token.ReasonSubject: pol, token.ReasonRole: pol, token.ReasonScope: pol,
		token.ReasonMissingClaim: pol, token.ReasonTooOld: pol,
	} {
		if got := r.Category(); got != want {
			t.Errorf("%q.Category() = %d, want %d", r, got, want)
		}
		if r != "" && r.Err() == nil {
			t.Errorf("%q.Err() = nil, want its sentinel", r)
		}
	}
}

func TestNewVerifier(t *testing.T) {
	sec := secretKey(t, testSecret)
	rsaKey := genKey(t, "RS256")
	rsaKey.Alg = "" // unpinned: RS* and PS*
	rsaPub := rsaKey.PublicKey()
	ec := genKey(t, "ES256").PublicKey()
	tests := []struct {
		name string
		set  []*keys.Key
		algs []string
		want []string // effective allow-list; nil = error
	}{
		{name: "secret default", set: []*keys.Key{sec}, want: []string{"HS256", "HS384", "HS512"}},
		{name: "ec default", set: []*keys.Key{ec}, want: []string{"ES256"}},
		{name: "rsa explicit", set: []*keys.Key{rsaPub}, algs: []string{"PS256"}, want: []string{"PS256"}},
		{name: "none", set: []*keys.Key{sec}, algs: []string{"none"}},
		{name: "NONE", set: []*keys.Key{sec}, algs: []string{"NONE"}},
		{name: "unknown", set: []*keys.Key{sec}, algs: []string{"HS999"}},
		{name: "lowercase", set: []*keys.Key{sec}, algs: []string{"hs256"}},
		{name: "hmac with rsa", set: []*keys.Key{rsaPub}, algs: []string{"HS256"}},
		{name: "hmac with mixed set", set: []*keys.Key{sec, rsaPub}, algs: []string{"HS256"}},
		{name: "alg fits no key", set: []*keys.Key{ec}, algs: []string{"ES384"}},
		{name: "empty set"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := token.NewVerifier(keys.NewSet(tt.set...), token.Policy{Algs: tt.algs})
			if tt.want == nil {
				if err == nil {
					t.Fatalf("NewVerifier accepted algs %v", tt.algs)
				}
				if len(tt.set) > 0 && !errors.Is(err, keys.ErrAlgMismatch) {
					t.Errorf("error %v does not wrap ErrAlgMismatch", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := v.Policy().Algs; !slices.Equal(got, tt.want) {
				t.Errorf("algs = %v, want %v", got, tt.want)
			}
		})
	}
	v := verifier(t, token.Policy{}, sec, rsaPub)
	if algs := v.Policy().Algs; !slices.Contains(algs, "HS256") || !slices.Contains(algs, "RS256") {
		t.Errorf("mixed default algs = %v", algs)
	}
}

// TestVerifyPolicy covers time claims, leeway boundaries and the claim policy.
func TestVerifyPolicy(t *testing.T) {
	k := secretKey(t, testSecret)
	s := signer(t, k, "HS256", nil)
	sec := func(d time.Duration) int64 { return now.Add(d).Unix() }
	base := map[string]any{"iss": "https://issuer", "aud": "api", "sub": "alice", "iat": sec(-time.Minute), "exp": sec(time.Hour)}
	with := func(kv ...any) map[string]any {
		m := map[string]any{}
		for k, v := range base {
			m[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			if kv[i+1] == nil {
				delete(m, kv[i].(string))
			} else {
				m[kv[i].(string)] = kv[i+1]
			}
		}
		return m
	}
	tests := []struct {
		name    string
		claims  map[string]any
		raw     string // instead of claims: exact payload JSON
		policy  token.Policy
		reason  token.Reason
		failing []string
		detail  string // substring of Err
	}{
		{name: "valid", claims: base},
		{name: "no exp", claims: with("exp", nil)},
		{name: "exp exactly now", claims: with("exp", sec(0)), reason: token.ReasonExpired, detail: "expired 0s ago at 2026-01-02T15:04:05Z"},
		{name: "exp 1s ahead", claims: with("exp", sec(time.Second))},
		{name: "expired 3h", claims: with("exp", sec(-3*time.Hour)), reason: token.ReasonExpired, detail: "expired 3h ago at 2026-01-02T12:04:05Z"},
		{name: "exp = now - leeway", claims: with("exp", sec(-30*time.Second)), policy: token.Policy{Leeway: 30 * time.Second}, reason: token.ReasonExpired},
		{name: "exp within leeway", claims: with("exp", sec(-29*time.Second)), policy: token.Policy{Leeway: 30 * time.Second}},
		{name: "exp fraction", raw: `{"exp":` + itoa(sec(0)) + `.001}`},
		{name: "exp negative", raw: `{"exp":-1}`, reason: token.ReasonExpired},
		{name: "exp huge", raw: `{"exp":1e300}`, reason: token.ReasonMalformed, detail: `claim "exp" is out of range`},
		{name: "exp infinite", raw: `{"exp":1e400}`, reason: token.ReasonMalformed},
		{name: "exp string", raw: `{"exp":"` + itoa(sec(time.Hour)) + `"}`, reason: token.ReasonMalformed},
		{name: "nbf future", claims: with("nbf", sec(time.Minute)), reason: token.ReasonNotYetValid},
		{name: "nbf = now + leeway", claims: with("nbf", sec(time.Minute)), policy: token.Policy{Leeway: time.Minute}},
		{name: "nbf beyond leeway", claims: with("nbf", sec(time.Minute+time.Second)), policy: token.Policy{Leeway: time.Minute}, reason: token.ReasonNotYetValid},
		{name: "nbf negative", raw: `{"nbf":-100}`},
		{name: "nbf huge", raw: `{"nbf":1e20}`, reason: token.ReasonMalformed},
		{name: "nbf far", raw: `{"nbf":253402300799}`, reason: token.ReasonNotYetValid},
		{name: "iat future", claims: with("iat", sec(time.Minute)), reason: token.ReasonIssuedInFuture},
		{name: "iat = now + leeway", claims: with("iat", sec(time.Minute)), policy: token.Policy{Leeway: time.Minute}},
		{name: "iat huge float", raw: `{"iat":9.9e15}`, reason: token.ReasonMalformed},
		{name: "iat far float", raw: `{"iat":2.5e11}`, reason: token.ReasonIssuedInFuture},
		{name: "iss ok", claims: base, policy: token.Policy{Issuers: []string{"x", "https://issuer"}}},
		{name: "iss bad", claims: base, policy: token.Policy{Issuers: []string{"x"}}, reason: token.ReasonIssuer, detail: `iss "https://issuer" not in ["x"]`},
		{name: "iss missing", claims: with("iss", nil), policy: token.Policy{Issuers: []string{"x"}}, reason: token.ReasonIssuer},
		{name: "aud string ok", claims: base, policy: token.Policy{Audiences: []string{"api"}}},
		{name: "aud array ok", claims: with("aud", []any{"web", "api"}), policy: token.Policy{Audiences: []string{"api"}}},
		{name: "aud any of", claims: with("aud", "web"), policy: token.Policy{Audiences: []string{"api", "web"}}},
		{name: "aud bad", claims: with("aud", []any{"web"}), policy: token.Policy{Audiences: []string{"api"}}, reason: token.ReasonAudience, detail: `aud "api" not in ["web"]`},
		{name: "aud bad string", claims: with("aud", "web"), policy: token.Policy{Audiences: []string{"api"}}, reason: token.ReasonAudience},
		{name: "aud space is not a list", claims: with("aud", "api web"), policy: token.Policy{Audiences: []string{"api"}}, reason: token.ReasonAudience},
		{name: "aud number", claims: with("aud", 1), policy: token.Policy{Audiences: []string{"api"}}, reason: token.ReasonMalformed},
		{name: "aud array with number", claims: with("aud", []any{1, "api"}), policy: token.Policy{Audiences: []string{"api"}}, reason: token.ReasonMalformed},
		{name: "sub number without policy", claims: with("sub", 5), reason: token.ReasonMalformed},
		{name: "sub", claims: base, policy: token.Policy{Subject: "bob"}, reason: token.ReasonSubject},
		{name: "roles ok", claims: with("roles", []any{"a", "b"}), policy: token.Policy{Roles: []string{"b", "a"}}},
		{name: "roles string", claims: with("roles", "a b"), policy: token.Policy{Roles: []string{"a", "b"}}},
		{name: "roles missing one", claims: with("roles", []any{"a"}), policy: token.Policy{Roles: []string{"a", "b"}}, reason: token.ReasonRole, detail: `missing roles ["b"]`},
		{name: "roles nested", claims: with("realm_access", map[string]any{"roles": []any{"admin"}}), policy: token.Policy{Roles: []string{"admin"}, RolesClaim: "realm_access.roles"}},
		{name: "roles absent", claims: base, policy: token.Policy{Roles: []string{"admin"}}, reason: token.ReasonRole},
		{name: "roles object", claims: with("roles", map[string]any{}), policy: token.Policy{Roles: []string{"admin"}}, reason: token.ReasonRole},
		{name: "scope string", claims: with("scope", "read write"), policy: token.Policy{Scopes: []string{"write"}}},
		{name: "scp array", claims: with("scp", []any{"read", "write"}), policy: token.Policy{Scopes: []string{"read", "write"}}},
		{name: "scope missing", claims: with("scope", "read"), policy: token.Policy{Scopes: []string{"write"}}, reason: token.ReasonScope},
		{name: "roles holding a number", claims: with("roles", []any{1, "admin"}), policy: token.Policy{Roles: []string{"admin"}}, reason: token.ReasonRole},
		{name: "scp holding a number", claims: with("scp", []any{"read", 1}), policy: token.Policy{Scopes: []string{"read"}}, reason: token.ReasonScope},
		{name: "scope NBSP is not a separator", claims: with("scope", "read\u00a0write"), policy: token.Policy{Scopes: []string{"write"}}, reason: token.ReasonScope},
		{name: "scope tab is not a separator", claims: with("scope", "read\twrite"), policy: token.Policy{Scopes: []string{"write"}}, reason: token.ReasonScope},
		{name: "roles U+3000 is not a separator", claims: with("roles", "a\u3000b"), policy: token.Policy{Roles: []string{"b"}}, reason: token.ReasonRole},
		{name: "roles flat member ignored", claims: with("realm_access.roles", []any{"admin"}), policy: token.Policy{Roles: []string{"admin"}, RolesClaim: "realm_access.roles"}, reason: token.ReasonRole, detail: "is ignored"},
		{name: "roles namespaced", claims: with("https://example.com/roles", []any{"admin"}), policy: token.Policy{Roles: []string{"admin"}, RolesClaim: "https://example.com/roles"}},
		{name: "require ok", claims: base, policy: token.Policy{Require: []string{"sub", "exp"}}},
		{name: "require missing", claims: base, policy: token.Policy{Require: []string{"jti"}}, reason: token.ReasonMissingClaim, detail: `claim "jti" is required`},
		{name: "max age ok", claims: base, policy: token.Policy{MaxAge: time.Hour}},
		{name: "max age exceeded", claims: with("iat", sec(-2*time.Hour)), policy: token.Policy{MaxAge: time.Hour}, reason: token.ReasonTooOld},
		{name: "max age with leeway", claims: with("iat", sec(-time.Hour-time.Minute)), policy: token.Policy{MaxAge: time.Hour, Leeway: time.Minute}},
		{name: "max age no iat", claims: with("iat", nil), policy: token.Policy{MaxAge: time.Hour}, reason: token.ReasonTooOld, detail: "needs an iat claim"},
		{
			name:    "all policy failures listed",
			claims:  with("iat", sec(-2*time.Hour)),
			policy:  token.Policy{Issuers: []string{"x"}, Audiences: []string{"y"}, Subject: "z", Roles: []string{"r"}, Scopes: []string{"s"}, Require: []string{"jti"}, MaxAge: time.Hour},
			reason:  token.ReasonIssuer,
			failing: []string{"iss", "aud", "sub", "roles", "scope", "require", "max_age"},
			detail:  `iss "https://issuer" not in ["x"]; aud "y" not in ["api"]; sub "alice" is not "z"`,
		},
		{
			name:    "time beats policy",
			claims:  with("exp", sec(-time.Hour)),
			policy:  token.Policy{Issuers: []string{"x"}},
			reason:  token.ReasonExpired,
			failing: []string{"exp", "iss"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := ""
			if tt.raw != "" {
				raw = signRaw(t, k, "HS256", `{"alg":"HS256"}`, tt.raw)
			} else {
				raw = sign(t, s, tt.claims)
			}
			p := tt.policy
			p.Now = fixedNow(now)
			r := verifier(t, p, k).Verify(raw)
			if r.Reason != tt.reason || r.Valid != (tt.reason == "") || (r.Err == nil) != (tt.reason == "") {
				t.Fatalf("want reason %q: %s", tt.reason, dump(r))
			}
			if tt.reason != "" && !errors.Is(r.Err, tt.reason.Err()) {
				t.Errorf("Err %q does not wrap the %q sentinel %v", r.Err, tt.reason, tt.reason.Err())
			}
			if tt.failing != nil && !slices.Equal(failing(r), tt.failing) {
				t.Errorf("failing checks %v, want %v", failing(r), tt.failing)
			}
			if tt.detail != "" && !strings.Contains(r.Err.Error(), tt.detail) {
				t.Errorf("Err %q does not contain %q", r.Err, tt.detail)
			}
			if r.Token == nil {
				t.Errorf("no Token in the result")
			}
			if tt.reason.Category() != token.CategoryMalformed && (r.Key == nil || r.Key.Alg != "HS256") {
				t.Errorf("Key = %+v", r.Key)
			}
			if r.Err != nil && strings.Contains(r.Err.Error(), raw[:20]) {
				t.Errorf("Err contains the token")
			}
		})
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestAdversarial is the hostile-token suite of issue 5.
func TestAdversarial(t *testing.T) {
	rsa := genKey(t, "RS256")
	rsa.Alg = "" // unpinned: RS* and PS*
	rsaPub := rsa.PublicKey()
	ec := genKey(t, "ES256")
	ecPub := ec.PublicKey()
	sec := secretKey(t, testSecret)
	future := time.Now().Add(time.Hour).Unix()
	claims := `{"sub":"mallory","exp":` + itoa(future) + `}`

	t.Run("none casings", func(t *testing.T) {
		for _, alg := range []string{"none", "None", "NONE", "nOnE", "noNE"} {
			h := b64(`{"alg":"` + alg + `","typ":"JWT"}`)
			p := b64(claims)
			hmacSig := signRaw(t, sec, "HS256", `{"alg":"`+alg+`"}`, claims)
			for _, raw := range []string{h + "." + p + ".", h + "." + p + "." + hmacSig[strings.LastIndexByte(hmacSig, '.')+1:]} {
				for _, ks := range []*keys.Key{sec, rsaPub} {
					r := verifier(t, token.Policy{}, ks).Verify(raw)
					if r.Valid || r.Reason != token.ReasonAlgNotAllowed || !errors.Is(r.Err, token.ErrUnsecured) {
						t.Errorf("alg %q: %s", alg, dump(r))
					}
				}
			}
			if _, err := token.NewVerifier(keys.NewSet(sec), token.Policy{Algs: []string{alg}}); err == nil {
				t.Errorf("NewVerifier allowed %q", alg)
			}
			if _, err := token.NewSigner(sec, alg, nil); err == nil {
				t.Errorf("NewSigner allowed %q", alg)
			}
		}
	})

	t.Run("public key as HMAC secret", func(t *testing.T) {
		pemBytes, err := keys.MarshalPEM(rsaPub, false)
		if err != nil {
			t.Fatal(err)
		}
		der, err := x509.MarshalPKIXPublicKey(rsaPub.VerificationKey())
		if err != nil {
			t.Fatal(err)
		}
		jwk, err := keys.MarshalJWK(rsaPub, false)
		if err != nil {
			t.Fatal(err)
		}
		for name, secret := range map[string][]byte{"PEM": pemBytes, "DER": der, "JWK": jwk} {
			for _, kid := range []string{"", rsaPub.KID} {
				tk := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"sub": "mallory", "exp": future})
				if kid != "" {
					tk.Header["kid"] = kid
				}
				raw, err := tk.SignedString(secret)
				if err != nil {
					t.Fatal(err)
				}
				for _, set := range [][]*keys.Key{{rsaPub}, {rsa}, {rsaPub, ecPub}, {sec, rsaPub}} {
					v, err := token.NewVerifier(keys.NewSet(set...), token.Policy{})
					if err != nil {
						t.Fatal(err)
					}
					r := v.Verify(raw)
					if r.Valid {
						t.Fatalf("%s as HMAC secret (kid %q) verified!", name, kid)
					}
					if r.Reason != token.ReasonAlgNotAllowed && r.Reason != token.ReasonKeyNotFound && !(len(set) == 2 && set[0] == sec && r.Reason == token.ReasonSignature) {
						t.Errorf("%s (kid %q, %d keys): %s", name, kid, len(set), dump(r))
					}
				}
				v, err := token.NewVerifier(keys.NewSet(rsaPub), token.Policy{Algs: []string{"HS256"}})
				if err == nil {
					t.Errorf("HS256 allowed for an RSA key: %s", dump(v.Verify(raw)))
				}
			}
		}
	})

	t.Run("ECDSA zero signatures", func(t *testing.T) {
		h := b64(`{"alg":"ES256","kid":"` + ecPub.KID + `"}`)
		p := b64(claims)
		one := make([]byte, 32)
		one[31] = 1
		zero := make([]byte, 32)
		for name, sig := range map[string][]byte{
			"r=0,s=0": append(append([]byte{}, zero...), zero...),
			"r=0,s=1": append(append([]byte{}, zero...), one...),
			"r=1,s=0": append(append([]byte{}, one...), zero...),
			"empty":   nil,
			"short":   one,
		} {
			raw := h + "." + p + "." + base64.RawURLEncoding.EncodeToString(sig)
			r := verifier(t, token.Policy{}, ecPub).Verify(raw)
			if r.Valid || r.Reason != token.ReasonSignature || !errors.Is(r.Err, token.ErrSignature) {
				t.Errorf("%s: %s", name, dump(r))
			}
		}
	})

	t.Run("embedded keys ignored", func(t *testing.T) {
		attacker := genKey(t, "ES256")
		ajwk, err := keys.MarshalJWK(attacker.PublicKey(), false)
		if err != nil {
			t.Fatal(err)
		}
		for _, hdr := range []string{
			`{"alg":"ES256","kid":"` + ecPub.KID + `","jwk":` + string(ajwk) + `}`,
			`{"alg":"ES256","jwk":` + string(ajwk) + `}`,
			`{"alg":"ES256","kid":"` + ecPub.KID + `","jku":"https://attacker.example/jwks.json"}`,
			`{"alg":"ES256","kid":"` + ecPub.KID + `","x5u":"https://attacker.example/cert.pem"}`,
			`{"alg":"ES256","kid":"` + ecPub.KID + `","x5c":["MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA"]}`,
		} {
			raw := signRaw(t, attacker, "ES256", hdr, claims)
			r := verifier(t, token.Policy{}, ecPub).Verify(raw)
			if r.Valid || r.Reason != token.ReasonSignature {
				t.Errorf("header %s: %s", hdr[:40], dump(r))
			}
			if !slices.Contains(namesOf(r), "embedded_key") {
				t.Errorf("no embedded_key note: %s", dump(r))
			}
			// The legitimate key signing the same header is fine.
			good := signRaw(t, ec, "ES256", hdr, claims)
			if r := verifier(t, token.Policy{}, ecPub).Verify(good); !r.Valid {
				t.Errorf("legitimate token with %s: %s", hdr[:40], dump(r))
			}
		}
	})

	t.Run("crit rejected", func(t *testing.T) {
		for _, hdr := range []string{
			`{"alg":"HS256","crit":["exp"],"exp":1}`,
			`{"alg":"HS256","crit":["b64"],"b64":false}`,
			`{"alg":"HS256","crit":[]}`,
			`{"alg":"HS256","crit":"x"}`,
		} {
			raw := signRaw(t, sec, "HS256", hdr, claims)
			r := verifier(t, token.Policy{}, sec).Verify(raw)
			if r.Valid || r.Reason != token.ReasonMalformed || !errors.Is(r.Err, token.ErrCrit) || !errors.Is(r.Err, token.ErrMalformed) {
				t.Errorf("%s: %s", hdr, dump(r))
			}
			if r.Key == nil {
				t.Errorf("%s: signature verified but Key is nil", hdr)
			}
		}
	})

	t.Run("duplicate claims", func(t *testing.T) {
		for _, payload := range []string{
			`{"sub":"a","sub":"admin"}`,
			`{"exp":1,"exp":` + itoa(future) + `}`,
			`{"sub":"a","\u0073ub":"admin"}`,
			`{"o":{"role":"user","role":"admin"}}`,
		} {
			raw := signRaw(t, sec, "HS256", `{"alg":"HS256"}`, payload)
			r := verifier(t, token.Policy{}, sec).Verify(raw)
			if r.Valid || r.Reason != token.ReasonMalformed || !errors.Is(r.Err, token.ErrDuplicate) {
				t.Errorf("%s: %s", payload, dump(r))
			}
		}
		raw := signRaw(t, sec, "HS256", `{"alg":"HS256","alg":"HS256"}`, claims)
		if r := verifier(t, token.Policy{}, sec).Verify(raw); !errors.Is(r.Err, token.ErrDuplicate) {
			t.Errorf("duplicate header member: %s", dump(r))
		}
	})

	t.Run("alg and key confusion", func(t *testing.T) {
		// An ES256 token presented to an RSA-only verifier, an RS256 token
		// with an unknown kid, a token without alg.
		raw := signRaw(t, ec, "ES256", `{"alg":"ES256"}`, claims)
		if r := verifier(t, token.Policy{}, rsaPub).Verify(raw); r.Reason != token.ReasonAlgNotAllowed {
			t.Errorf("ES256 vs RSA: %s", dump(r))
		}
		raw = signRaw(t, rsa, "RS256", `{"alg":"RS256","kid":"nope"}`, claims)
		if r := verifier(t, token.Policy{}, rsaPub).Verify(raw); r.Reason != token.ReasonKeyNotFound || !errors.Is(r.Err, keys.ErrKeyNotFound) {
			t.Errorf("unknown kid: %s", dump(r))
		}
		raw = b64(`{"typ":"JWT"}`) + "." + b64(claims) + ".c2ln"
		if r := verifier(t, token.Policy{}, sec).Verify(raw); r.Reason != token.ReasonMalformed {
			t.Errorf("no alg: %s", dump(r))
		}
		raw = b64(`{"alg":7}`) + "." + b64(claims) + ".c2ln"
		if r := verifier(t, token.Policy{}, sec).Verify(raw); r.Reason != token.ReasonMalformed {
			t.Errorf("numeric alg: %s", dump(r))
		}
		// PS256 and RS256 share RSA keys but are not interchangeable.
		raw = signRaw(t, rsa, "PS256", `{"alg":"RS256"}`, claims)
		if r := verifier(t, token.Policy{}, rsaPub).Verify(raw); r.Reason != token.ReasonSignature {
			t.Errorf("PS256 signature under RS256 header: %s", dump(r))
		}
	})

	t.Run("garbage never panics", func(t *testing.T) {
		v := verifier(t, token.Policy{}, sec)
		for _, raw := range []string{"", ".", "..", "...", "....", strings.Repeat("A", 1<<20), "\x00.\x00.\x00", "e30.e30.", b64("{}") + "." + b64("{}") + "."} {
			if r := v.Verify(raw); r.Valid || r.Reason.Category() == token.CategoryNone {
				t.Errorf("%q: %s", raw[:min(len(raw), 20)], dump(r))
			}
		}
	})
}

func namesOf(r *token.Result) []string {
	var out []string
	for _, c := range r.Checks {
		out = append(out, c.Name)
	}
	return out
}

func TestVerifyResultShape(t *testing.T) {
	k, err := keys.NewSecret([]byte(testSecret), "env JWT_SECRET")
	if err != nil {
		t.Fatal(err)
	}
	raw := sign(t, signer(t, k, "HS256", map[string]any{"kid": "k1"}), map[string]any{"sub": "a", "exp": now.Add(14 * time.Minute).Unix()})
	r := verifier(t, token.Policy{Now: fixedNow(now)}, k).Verify(raw)
	if !r.Valid || r.Reason != "" || r.Err != nil {
		t.Fatal(dump(r))
	}
	if r.Key == nil || r.Key.Alg != "HS256" || r.Key.Source != "env JWT_SECRET" {
		t.Errorf("Key = %+v", r.Key)
	}
	if r.Expires == nil || !r.Expires.Equal(now.Add(14*time.Minute)) {
		t.Errorf("Expires = %v", r.Expires)
	}
	if got := namesOf(r); !slices.Equal(got, []string{"parse", "alg", "key", "signature", "exp"}) {
		t.Errorf("checks = %v", got)
	}
	for _, c := range r.Checks {
		if !c.OK || c.Detail == "" {
			t.Errorf("check %+v", c)
		}
	}
	if d := r.Checks[len(r.Checks)-1].Detail; d != "expires in 14m at 2026-01-02T15:18:05Z" {
		t.Errorf("exp detail = %q", d)
	}
	// A wrong secret: signature_invalid, and no secret in the message.
	other := secretKey(t, "another-secret-of-32-bytes-long!")
	r = verifier(t, token.Policy{Now: fixedNow(now)}, other).Verify(raw)
	if r.Reason != token.ReasonSignature || r.Key != nil {
		t.Errorf("wrong secret: %s", dump(r))
	}
	for _, c := range r.Checks {
		if strings.Contains(c.Detail, "another-secret") || strings.Contains(c.Detail, raw) {
			t.Errorf("check leaks material: %+v", c)
		}
	}
	if strings.Contains(r.Err.Error(), "another-secret") || strings.Contains(r.Err.Error(), raw) {
		t.Errorf("Err leaks material: %v", r.Err)
	}
	// Malformed: Token holds what could be split.
	r = verifier(t, token.Policy{}, k).Verify("a.b")
	if r.Reason != token.ReasonMalformed || r.Token != nil || !errors.Is(r.Err, token.ErrSegments) {
		t.Errorf("a.b: %s", dump(r))
	}
}

// TestSignatureMismatchSaysWhatWasTried: a kid that matched a key whose
// signature does not verify is reported as such, never as "found".
func TestSignatureMismatchSaysWhatWasTried(t *testing.T) {
	t.Parallel()
	right, wrong := secretKey(t, testSecret), secretKey(t, strings.Repeat("w", 32))
	right.KID, wrong.KID = "k1", "k1"
	tok := signRaw(t, right, "HS256", `{"alg":"HS256","kid":"k1"}`, `{"sub":"a"}`)
	r := verifier(t, token.Policy{}, wrong).Verify(tok)
	if r.Reason != token.ReasonSignature || !strings.Contains(r.Err.Error(), `kid "k1" matched but the HS256 signature does not verify with this key`) {
		t.Errorf("Err = %v, want the kid-matched wording", r.Err)
	}
	// No "key" check passes above a failed signature: an ok key line then
	// a signature failure reads as if the key were right. Whatever was
	// tried (kid matched, the one key given, several keys), the signature
	// check names it.
	other := secretKey(t, strings.Repeat("o", 32))
	other.KID = "k2"
	for name, r := range map[string]*token.Result{
		"kid matched":     r,
		"the one key":     verifier(t, token.Policy{}, other).Verify(tok),
		"several keys":    verifier(t, token.Policy{}, wrong, other).Verify(signRaw(t, right, "HS256", `{"alg":"HS256"}`, `{"sub":"a"}`)),
		"no kid, one key": verifier(t, token.Policy{}, wrong).Verify(signRaw(t, right, "HS256", `{"alg":"HS256"}`, `{"sub":"a"}`)),
	} {
		if r.Reason != token.ReasonSignature {
			t.Errorf("%s: %s", name, dump(r))
		}
		for _, c := range r.Checks {
			if c.Name == "key" {
				t.Errorf("%s: a key check %+v sits before the signature failure", name, c)
			}
		}
	}
}

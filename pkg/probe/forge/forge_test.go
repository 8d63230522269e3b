package forge_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"go/ast"
	"go/parser"
	gotoken "go/token"
	"strings"
	"testing"
	"time"

	"github.com/jwtkit/jwtkit/pkg/keys"
	"github.com/jwtkit/jwtkit/pkg/probe/forge"
	"github.com/jwtkit/jwtkit/pkg/token"
)

var forgeNow = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func forgeKey(t *testing.T, alg string) *keys.Key {
	t.Helper()
	k, err := keys.Generate(alg, keys.GenerateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// forgeValid mints a valid token with key and returns it with a verifier.
func forgeValid(t *testing.T, key *keys.Key, alg string, p token.Policy) (string, *token.Verifier) {
	t.Helper()
	s, err := token.NewSigner(key, alg, nil)
	if err != nil {
		t.Fatal(err)
	}
	exp, iat := forgeNow.Add(15*time.Minute), forgeNow
	claims, err := token.Spec{Subject: "alice", Issuer: "https://issuer.example", Audience: []string{"api"}, Roles: []string{"admin", "user"}, IssuedAt: &iat, Expires: &exp}.Claims()
	if err != nil {
		t.Fatal(err)
	}
	tok, err := s.Sign(claims)
	if err != nil {
		t.Fatal(err)
	}
	p.Now = func() time.Time { return forgeNow }
	v, err := token.NewVerifier(keys.NewSet(key.PublicKey()), p)
	if err != nil {
		t.Fatal(err)
	}
	if res := v.Verify(tok); !res.Valid {
		t.Fatalf("baseline token invalid: %v", res.Err)
	}
	return tok, v
}

func segs(t *testing.T, tok string) (header, claims map[string]any, sig []byte) {
	t.Helper()
	p := strings.Split(tok, ".")
	dec := func(s string) map[string]any {
		b, err := base64.RawURLEncoding.DecodeString(s)
		if err != nil {
			t.Fatalf("segment %q: %v", s, err)
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	header, claims = dec(p[0]), dec(p[1])
	if len(p) > 2 {
		sig, _ = base64.RawURLEncoding.DecodeString(p[2])
	}
	return
}

func TestForgeRemintEveryAlg(t *testing.T) {
	for _, alg := range []string{"HS256", "HS384", "HS512", "RS256", "PS384", "ES256", "ES384", "ES512", "EdDSA"} {
		t.Run(alg, func(t *testing.T) {
			key := forgeKey(t, alg)
			tok, v := forgeValid(t, key, alg, token.Policy{})
			f, err := forge.NewForger(tok)
			if err != nil {
				t.Fatal(err)
			}
			fresh, err := f.Remint(key, forgeNow, "", "time claims refreshed", nil)
			if err != nil {
				t.Fatal(err)
			}
			if res := v.Verify(fresh.Token); !res.Valid {
				t.Fatalf("refreshed token does not verify: %v", res.Err)
			}
			for _, bad := range append([]forge.Forged{f.TamperedPayload(), f.BadSignature(), f.NullSignature()}, f.AlgNone()...) {
				if res := v.Verify(bad.Token); res.Valid {
					t.Errorf("%s: verified", bad.Label)
				}
			}
		})
	}
}

func TestForgeClaimVariants(t *testing.T) {
	key := forgeKey(t, "ES256")
	tok, v := forgeValid(t, key, "ES256", token.Policy{Issuers: []string{"https://issuer.example"}, Audiences: []string{"api"}, Roles: []string{"admin"}, Require: []string{"exp"}})
	f, err := forge.NewForger(tok)
	if err != nil {
		t.Fatal(err)
	}
	one := func(v forge.Forged, err error) forge.Forged {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	cases := []struct {
		v    forge.Forged
		want token.Reason
	}{
		{one(f.ExpiredBy(key, forgeNow, time.Hour)), token.ReasonExpired},
		{one(f.NotYetValid(key, forgeNow)), token.ReasonNotYetValid},
		{one(f.WithoutExp(key, forgeNow)), token.ReasonMissingClaim},
		{one(f.WithoutRoles(key, forgeNow, "roles", []string{"admin"})), token.ReasonRole},
	}
	iss, err := f.WrongIssuer(key, forgeNow)
	if err != nil || len(iss) != 2 {
		t.Fatalf("WrongIssuer: %d variants, %v", len(iss), err)
	}
	aud, err := f.WrongAudience(key, forgeNow)
	if err != nil || len(aud) != 2 {
		t.Fatalf("WrongAudience: %d variants, %v", len(aud), err)
	}
	cases = append(cases, struct {
		v    forge.Forged
		want token.Reason
	}{iss[0], token.ReasonIssuer}, struct {
		v    forge.Forged
		want token.Reason
	}{aud[0], token.ReasonAudience})
	for _, c := range cases {
		res := v.Verify(c.v.Token)
		if res.Valid || res.Reason != c.want {
			t.Errorf("%s: valid=%v reason=%q, want %q", c.v.Label, res.Valid, res.Reason, c.want)
		}
	}
	_, claims, _ := segs(t, cases[3].v.Token)
	if roles, _ := claims["roles"].([]any); len(roles) != 1 || roles[0] != "user" {
		t.Errorf("roles after removal = %v, want [user]", claims["roles"])
	}
	_, claims, _ = segs(t, cases[2].v.Token)
	if _, ok := claims["exp"]; ok {
		t.Error("WithoutExp kept exp")
	}
	_, claims, _ = segs(t, cases[0].v.Token)
	if exp := claims["exp"].(float64); int64(exp) != forgeNow.Add(-time.Hour).Unix() {
		t.Errorf("expired exp = %v", exp)
	}
}

func TestForgeHeaderVariants(t *testing.T) {
	key := forgeKey(t, "RS256")
	tok, v := forgeValid(t, key, "RS256", token.Policy{})
	f, err := forge.NewForger(tok)
	if err != nil {
		t.Fatal(err)
	}
	origHeader, origClaims, origSig := segs(t, tok)

	none := f.AlgNone()
	if len(none) != 18 {
		t.Fatalf("AlgNone: %d variants, want 18", len(none))
	}
	casings := map[string]bool{}
	for i, n := range none {
		h, c, sig := segs(t, n.Token)
		casings[h["alg"].(string)] = true
		if !strings.EqualFold(h["alg"].(string), "none") || h["kid"] != origHeader["kid"] || c["sub"] != origClaims["sub"] {
			t.Errorf("%s: header %v", n.Label, h)
		}
		switch {
		case i < 16 && (len(sig) != 0 || !strings.HasSuffix(n.Token, ".")):
			t.Errorf("%s: want an empty signature with the trailing dot", n.Label)
		case i == 16 && string(sig) != string(origSig):
			t.Errorf("%s: original signature not kept", n.Label)
		case i == 17 && strings.Count(n.Token, ".") != 1:
			t.Errorf("%s: want two segments", n.Label)
		}
	}
	if len(casings) != 16 {
		t.Errorf("AlgNone casings = %d, want 16", len(casings))
	}

	for _, b := range f.BlankHMAC() {
		h, _, sig := segs(t, b.Token)
		if !strings.HasPrefix(h["alg"].(string), "HS") || len(sig) < 32 {
			t.Errorf("%s: header %v", b.Label, h)
		}
	}
	checkHS256 := func(tok string, key []byte) bool {
		i := strings.LastIndex(tok, ".")
		m := hmac.New(sha256.New, key)
		m.Write([]byte(tok[:i]))
		return base64.RawURLEncoding.EncodeToString(m.Sum(nil)) == tok[i+1:]
	}
	if !checkHS256(f.BlankHMAC()[0].Token, nil) {
		t.Error("blank HS256 not signed with an empty key")
	}

	encs, err := forge.PublicKeyEncodings(key.Public)
	if err != nil {
		t.Fatal(err)
	}
	if len(encs) != 5 {
		t.Fatalf("RSA encodings: %d, want 5 (SPKI PEM ±LF, PKCS#1 PEM, DER, JWK)", len(encs))
	}
	conf, err := f.KeyConfusion(key.Public)
	if err != nil || len(conf) != 7 {
		t.Fatalf("KeyConfusion: %d, %v", len(conf), err)
	}
	for i, e := range encs {
		if !checkHS256(conf[i].Token, e.Bytes) {
			t.Errorf("%s: not keyed with %s", conf[i].Label, e.Name)
		}
	}
	if set, err := keys.Parse(encs[0].Bytes, "spki"); err != nil || len(set.Keys) != 1 {
		t.Errorf("SPKI PEM encoding does not parse back: %v", err)
	}
	if set, err := keys.Parse(encs[4].Bytes, "jwk"); err != nil || len(set.Keys) != 1 {
		t.Errorf("JWK encoding does not parse back: %v", err)
	}

	kids := f.KIDInjection()
	// Each kid is signed with the key the file or query it names yields.
	wantKids := map[string]struct {
		kid any
		key string
	}{
		"jwt.kid-injection/traversal-dev-null":                       {"../../../../../../dev/null", ""},
		"jwt.kid-injection/dev-null":                                 {"/dev/null", ""},
		"jwt.kid-injection/traversal-dev-null-url-encoded":           {"..%2F..%2F..%2F..%2F..%2F..%2Fdev%2Fnull", ""},
		"jwt.kid-injection/traversal-dev-null-double-encoded":        {"..%252F..%252F..%252F..%252F..%252F..%252Fdev%252Fnull", ""},
		"jwt.kid-injection/traversal-dev-null-filter-bypass":         {"....//....//....//....//....//....//dev/null", ""},
		"jwt.kid-injection/randomize-va-space":                       {"/proc/sys/kernel/randomize_va_space", "2\n"},
		"jwt.kid-injection/randomize-va-space-trimmed":               {"/proc/sys/kernel/randomize_va_space", "2"},
		"jwt.kid-injection/traversal-randomize-va-space":             {"../../../../../../proc/sys/kernel/randomize_va_space", "2\n"},
		"jwt.kid-injection/traversal-randomize-va-space-url-encoded": {"..%2F..%2F..%2F..%2F..%2F..%2Fproc%2Fsys%2Fkernel%2Frandomize_va_space", "2\n"},
		"jwt.kid-injection/sql-quoted":                               {"x' UNION SELECT '1';--", "1"},
		"jwt.kid-injection/sql-quoted-comment":                       {"x' UNION SELECT 'k' --", "k"},
		"jwt.kid-injection/sql-unquoted":                             {"0 UNION SELECT 'k'", "k"},
		"jwt.kid-injection/blank":                                    {"", ""},
		"jwt.kid-injection/absent":                                   {nil, ""},
	}
	if len(kids) != len(wantKids) {
		t.Errorf("%d kid variants, want %d", len(kids), len(wantKids))
	}
	for _, k := range kids {
		h, _, _ := segs(t, k.Token)
		w, ok := wantKids[k.ID]
		if !ok || h["kid"] != w.kid || h["alg"] != "HS256" || !checkHS256(k.Token, []byte(w.key)) {
			t.Errorf("%s (%s): header %v", k.ID, k.Label, h)
		}
	}

	emb, err := f.EmbeddedJWK()
	if err != nil {
		t.Fatal(err)
	}
	h, _, _ := segs(t, emb.Token)
	jwk, _ := json.Marshal(h["jwk"])
	set, err := keys.Parse(jwk, "embedded")
	if err != nil {
		t.Fatalf("embedded jwk: %v", err)
	}
	ev, _ := token.NewVerifier(set, token.Policy{Now: func() time.Time { return forgeNow }})
	if res := ev.Verify(emb.Token); !res.Valid && res.Reason != token.ReasonKeyNotFound {
		t.Errorf("embedded-jwk token not signed by its embedded key: %v", res.Err)
	}
	if res := v.Verify(emb.Token); res.Valid {
		t.Error("embedded-jwk token verified with the real key")
	}
	if p := f.PsychicSignature(); p != nil {
		t.Errorf("RS256 token: psychic variants %d, want none", len(p))
	}
}

func TestForgePsychic(t *testing.T) {
	key := forgeKey(t, "ES384")
	tok, v := forgeValid(t, key, "ES384", token.Policy{})
	f, _ := forge.NewForger(tok)
	ps := f.PsychicSignature()
	if len(ps) != 4 {
		t.Fatalf("psychic variants: %d, want 4", len(ps))
	}
	sizes := []int{64, 96, 132, 8}
	for i, p := range ps {
		_, _, sig := segs(t, p.Token)
		if len(sig) != sizes[i] {
			t.Errorf("%s: signature %d bytes, want %d", p.Label, len(sig), sizes[i])
		}
		if res := v.Verify(p.Token); res.Valid {
			t.Errorf("%s verified", p.Label)
		}
	}
}

func TestForgerErrors(t *testing.T) {
	for _, in := range []string{"", "a.b", "a.b.c", "e30.bm90IGpzb24.", "e30.e30.!!"} {
		if _, err := forge.NewForger(in); !errors.Is(err, forge.ErrForge) {
			t.Errorf("NewForger(%q) = %v, want ErrForge", in, err)
		}
	}
	key := forgeKey(t, "ES256")
	tok, _ := forgeValid(t, key, "ES256", token.Policy{})
	f, _ := forge.NewForger("Bearer " + tok)
	if _, err := f.ExpiredBy(nil, forgeNow, time.Hour); !errors.Is(err, forge.ErrForge) {
		t.Errorf("Expired without key = %v", err)
	}
	if _, err := f.ExpiredBy(key.PublicKey(), forgeNow, time.Hour); !errors.Is(err, forge.ErrForge) {
		t.Errorf("Expired with a public key = %v", err)
	}
}

func TestNoneCasings(t *testing.T) {
	c := forge.NoneCasings()
	if len(c) != 16 || c[0] != "none" || c[15] != "NONE" {
		t.Errorf("NoneCasings = %v", c)
	}
}

// TestForgeKeepsNoPackageState: forge.go declares no package-level
// variable but its sentinel error.
func TestForgeKeepsNoPackageState(t *testing.T) {
	f, err := parser.ParseFile(gotoken.NewFileSet(), "forge.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != gotoken.VAR {
			continue
		}
		for _, sp := range g.Specs {
			for _, n := range sp.(*ast.ValueSpec).Names {
				if !strings.HasPrefix(n.Name, "Err") {
					t.Errorf("package-level var %s in forge.go", n.Name)
				}
			}
		}
	}
}

// TestClaimReflectionLabelPlural: one marker is "1 claim", not "1 claims".
func TestClaimReflectionLabelPlural(t *testing.T) {
	b := base64.RawURLEncoding.EncodeToString
	for payload, want := range map[string]string{`{"exp":1}`: "1 claim set to markers", `{"iss":"i","exp":1}`: "2 claims set to markers"} {
		f, err := forge.NewForger(b([]byte(`{"alg":"HS256"}`)) + "." + b([]byte(payload)) + "." + b([]byte("sig")))
		if err != nil {
			t.Fatal(err)
		}
		if v, _ := f.ClaimReflection("m"); !strings.HasPrefix(v.Label, want) {
			t.Errorf("%s: label %q, want %q", payload, v.Label, want)
		}
	}
}

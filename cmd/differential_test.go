package cmd

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// claimCase is one token of the claim-type differential test: raw header
// and claims JSON (so that odd types, duplicates and lone surrogates survive
// as written) and the policy every implementation is asked to enforce.
type claimCase struct {
	name           string
	header, claims string
	aud, iss, sub  string
	role, scope    string
	// stricter is why jwtkit refuses a token that both PyJWT and golang-jwt
	// accept; empty when jwtkit is not stricter than both.
	stricter string
}

var claimCases = []claimCase{
	{name: "baseline", claims: `{"sub":"alice","aud":"api","iss":"https://issuer.example"}`, aud: "api", iss: "https://issuer.example", sub: "alice"},
	{name: "aud array", claims: `{"aud":["other","api"]}`, aud: "api"},
	{name: "aud array holding a number", claims: `{"aud":[1,"api"]}`, aud: "api"},
	{name: "aud number", claims: `{"aud":1}`, aud: "api"},
	{name: "aud object", claims: `{"aud":{"x":"api"}}`, aud: "api"},
	{name: "aud number without policy", claims: `{"aud":1}`},
	{name: "iss number", claims: `{"iss":5}`, iss: "https://issuer.example"},
	{name: "iss number without policy", claims: `{"iss":5}`, stricter: "RFC 7519 §4.1.1: iss is a string, whatever the policy"},
	{name: "sub array", claims: `{"sub":["alice"]}`, sub: "alice"},
	{name: "sub number without policy", claims: `{"sub":5}`, stricter: "RFC 7519 §4.1.2: sub is a string, whatever the policy"},
	{name: "jti number", claims: `{"jti":7}`, stricter: "RFC 7519 §4.1.7: jti is a string; neither library reads jti"},
	{name: "exp string", claims: `{"exp":"soon"}`},
	{name: "nbf boolean", claims: `{"nbf":true}`},
	{name: "iat null", claims: `{"iat":null}`},
	{name: "exp infinite", claims: `{"exp":1e400}`},
	{name: "nbf minus infinite", claims: `{"nbf":-1e400}`},
	{name: "iat minus infinite", claims: `{"iat":-1e400}`},
	{name: "exp 1e19", claims: `{"exp":1e19}`},
	{name: "exp past year 9999", claims: `{"exp":253402300800}`, stricter: "a NumericDate outside years 1 to 9999 has no time.Time or RFC 3339 form; jwtkit calls it malformed instead of clamping it"},
	{name: "nbf before year 1", claims: `{"nbf":-62135596801}`, stricter: "a NumericDate outside years 1 to 9999 has no time.Time or RFC 3339 form; jwtkit calls it malformed instead of clamping it"},
	{name: "exp at year 9999", claims: `{"exp":253402300799}`},
	{name: "kid number", header: `{"alg":"HS256","typ":"JWT","kid":1}`, claims: `{"sub":"alice"}`},
	{name: "lone surrogate", claims: `{"sub":"\ud800"}`, stricter: "RFC 8259 §8.2 and I-JSON (RFC 7493 §2.1): a lone surrogate is not text; both libraries decode it as U+FFFD or keep it, so two names could collide"},
	{name: "duplicate member", claims: `{"sub":"alice","sub":"mallory"}`, stricter: "RFC 7519 §4 lets a parser reject duplicates or take the last; jwtkit rejects, both libraries take the last"},
	{name: "roles holding a number", claims: `{"roles":[1,"admin"]}`, role: "admin", stricter: "neither library reads roles; an application that enforces roles must not skip odd elements"},
	{name: "scope split on NBSP", claims: `{"scope":"read\u00a0admin"}`, scope: "admin", stricter: "neither library reads scope; RFC 6749 §3.3 separates scope tokens by U+0020 only"},
	{name: "scope split on space", claims: `{"scope":"read admin"}`, scope: "admin"},
}

// signRaw signs exact header and claims text with HS256.
func signRaw(t *testing.T, secret []byte, header, claims string) string {
	t.Helper()
	if header == "" {
		header = `{"alg":"HS256","typ":"JWT"}`
	}
	enc := base64.RawURLEncoding
	input := enc.EncodeToString([]byte(header)) + "." + enc.EncodeToString([]byte(claims))
	sig, err := jwt.SigningMethodHS256.Sign(input, secret)
	if err != nil {
		t.Fatal(err)
	}
	return input + "." + enc.EncodeToString(sig)
}

// golangJWTAccepts verifies as a golang-jwt user would with the same policy.
func golangJWTAccepts(tok string, secret []byte, c claimCase) bool {
	opts := []jwt.ParserOption{jwt.WithValidMethods([]string{"HS256"}), jwt.WithTimeFunc(func() time.Time { return testNow })}
	if c.aud != "" {
		opts = append(opts, jwt.WithAudience(c.aud))
	}
	if c.iss != "" {
		opts = append(opts, jwt.WithIssuer(c.iss))
	}
	if c.sub != "" {
		opts = append(opts, jwt.WithSubject(c.sub))
	}
	_, err := jwt.Parse(tok, func(*jwt.Token) (any, error) { return secret, nil }, opts...)
	return err == nil
}

// TestClaimTypesDifferential holds issue 9's oracle: on every case jwtkit
// is at least as strict as the stricter of PyJWT and golang-jwt, and every
// case where it is stricter than both is listed with its reason.
func TestClaimTypesDifferential(t *testing.T) {
	py := requirePeer(t, "PyJWT")
	secret := []byte("0123456789abcdef0123456789abcdef")
	keyFile := filepath.Join(t.TempDir(), "secret.txt")
	if err := os.WriteFile(keyFile, secret, 0o600); err != nil {
		t.Fatal(err)
	}
	toks := make([]string, len(claimCases))
	jobs := make([]peerJob, len(claimCases))
	for i, c := range claimCases {
		toks[i] = signRaw(t, secret, c.header, c.claims)
		jobs[i] = peerJob{Op: "verify", Alg: "HS256", Key: keyFile, Token: toks[i], Aud: c.aud, Iss: c.iss}
	}
	pyRes := py.batch(t, jobs)
	for i, c := range claimCases {
		args := []string{"verify", toks[i], "--secret-env", "SECRET_KEY", "--alg", "HS256"}
		for flag, v := range map[string]string{"--aud": c.aud, "--iss": c.iss, "--sub": c.sub, "--role": c.role, "--scope": c.scope} {
			if v != "" {
				args = append(args, flag, v)
			}
		}
		code, _, errOut := runCmd(t, "", hsEnv, args...)
		jwtkitOK, pyOK, goOK := code == 0, pyRes[i].OK, golangJWTAccepts(toks[i], secret, c)
		t.Logf("%-28s jwtkit %-5v (exit %d)  PyJWT %-5v  golang-jwt %v  %s", c.name, jwtkitOK, code, pyOK, goOK, strings.TrimSpace(errOut))
		if jwtkitOK && (!pyOK || !goOK) {
			t.Errorf("%s: jwtkit accepts what PyJWT (%v: %s) or golang-jwt (%v) refuses", c.name, pyOK, pyRes[i].Error, goOK)
		}
		stricterThanBoth := !jwtkitOK && pyOK && goOK
		switch {
		case stricterThanBoth && c.stricter == "":
			t.Errorf("%s: jwtkit refuses (exit %d) what both PyJWT and golang-jwt accept, and the case lists no reason", c.name, code)
		case !stricterThanBoth && c.stricter != "":
			t.Errorf("%s: listed as stricter than both, but PyJWT %v, golang-jwt %v, jwtkit %v", c.name, pyOK, goOK, jwtkitOK)
		}
		if c.name == "baseline" && !jwtkitOK {
			t.Errorf("baseline refused: %s", errOut)
		}
	}
}

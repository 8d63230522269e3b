package cmd

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jwtkit/jwtkit/pkg/probe/forge"
)

// forgeRSToken is the RS256 token the forge goldens start from: fixture
// key, fixed clock, so every re-signed variant is byte for byte the same.
func forgeRSToken(t *testing.T) string {
	return mintGolden(t, nil, "--key", keyFixture("rsa2048-pkcs8.pem"), "--sub", "alice", "--iss", "https://issuer.example", "--aud", "api", "--role", "admin")
}

// forgeESToken is an ES256 token with a fixed (unverified) signature: the
// psychic-signature variants replace the signature, so they are
// deterministic.
func forgeESToken() string {
	b := base64.RawURLEncoding.EncodeToString
	return b([]byte(`{"alg":"ES256","typ":"JWT"}`)) + "." + b([]byte(`{"aud":"api","iss":"https://issuer.example","sub":"alice"}`)) + "." + b(make([]byte, 64))
}

// randomVariant: the variants signed with a fresh key (or naming random
// callback paths) cannot be pinned byte for byte.
func randomVariant(v forge.VariantInfo) bool {
	switch v.Check {
	case "jwt.embedded-jwk", "jwt.x5c-injection", "jwt.jku-injection", "jwt.x5u-injection", "jwt.issuer-discovery-injection":
		return true
	}
	return false
}

// forgeArgs is the command line that makes v from the fixtures.
func forgeArgs(t *testing.T, v forge.VariantInfo, rs string) []string {
	tok, key := rs, []string{"--key", keyFixture("rsa2048-pkcs8.pem"), "--role", "admin"}
	switch v.Needs {
	case "ES token":
		tok, key = forgeESToken(), nil
	case "public key", "key file":
		key = []string{"--key", keyFixture("rsa2048-spki.pub.pem")}
	case "published JWKS":
		key = []string{"--jwks", keyFixture("rsa2048.pub.jwk.json")}
	case "callback":
		key = []string{"--callback-url", "https://callback.example/cb"}
	}
	return append([]string{"forge", tok, "--variant", v.ID, "-o", "json"}, key...)
}

// goldenName is a file name for a variant id that is unique even on a
// case-insensitive file system (the none casings differ in case only).
func goldenName(id string) string {
	h := sha256.Sum256([]byte(id))
	return "forge/" + regexp.MustCompile(`[^a-zA-Z0-9.-]+`).ReplaceAllString(strings.ToLower(id), "_") + "-" + hex.EncodeToString(h[:3]) + ".golden"
}

// TestGoldenForgeVariants pins every deterministic variant byte for byte
// (forge --variant ID -o json) and checks the random ones for shape.
func TestGoldenForgeVariants(t *testing.T) {
	rs := forgeRSToken(t)
	for _, v := range forge.Variants() {
		t.Run(v.ID, func(t *testing.T) {
			t.Parallel()
			code, out, errOut := runCmd(t, "", nil, forgeArgs(t, v, rs)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			var line forgeLine
			if err := json.Unmarshal([]byte(out), &line); err != nil || line.ID != v.ID || strings.Count(out, "\n") != 1 {
				t.Fatalf("want one NDJSON line for %s, got %q (%v)", v.ID, out, err)
			}
			if !randomVariant(v) {
				golden(t, goldenName(v.ID), out)
				return
			}
			h, _ := base64.RawURLEncoding.DecodeString(strings.Split(line.Token, ".")[0])
			member := map[string]string{"jwt.embedded-jwk": `"jwk":`, "jwt.x5c-injection": `"x5c":`, "jwt.jku-injection": `"jku":"https://callback.example/cb/`, "jwt.x5u-injection": `"x5u":"https://callback.example/cb/`, "jwt.issuer-discovery-injection": `"kid":`}[v.Check]
			if !strings.Contains(string(h), member) {
				t.Errorf("header %s lacks %s", h, member)
			}
			if v.Needs == "callback" && (len(line.Serve) == 0 || !strings.HasPrefix(line.Serve[0].URL, "https://callback.example/cb/")) {
				t.Errorf("serve: %+v", line.Serve)
			}
		})
	}
}

// TestForgeSharesProbesIDs: --list is forge.Variants, the ids probe's
// report carries.
func TestForgeSharesProbesIDs(t *testing.T) {
	code, out, _ := runCmd(t, "", nil, "forge", "--list", "-o", "json")
	var got []forge.VariantInfo
	if code != 0 || json.Unmarshal([]byte(out), &got) != nil || len(got) != len(forge.Variants()) {
		t.Fatalf("exit %d: %.300s", code, out)
	}
	code, out, errOut := runCmd(t, "", nil, "forge", forgeRSToken(t), "--all")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	// Without a key: the token-only variants, one "ID<TAB>TOKEN" line
	// each, and a note per check skipped; partial is exit 0.
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) < 40 {
		t.Errorf("%d variants without a key", len(lines))
	}
	known := map[string]bool{}
	for _, v := range got {
		known[v.ID] = true
	}
	for _, l := range lines {
		id, tok, ok := strings.Cut(l, "\t")
		if !ok || !known[id] || strings.Count(tok, ".") < 1 || strings.Contains(tok, "\t") {
			t.Errorf("--all line %.80q is not ID<TAB>TOKEN", l)
		}
	}
	mustContain(t, errOut, "note: skipped jwt.expired: needs the signing key or secret")
	mustContain(t, errOut, "note: skipped jwt.jku-injection: needs a callback URL")
}

func TestForgeUsage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"forge", "a.b.c"}, ExitUsage, "one of --variant or --all is required"},
		{[]string{"forge", "a.b.c", "--variant", "jwt.nope"}, ExitUsage, `unknown --variant "jwt.nope"`},
		{[]string{"forge", "--list", "a.b.c"}, ExitUsage, "--list prints the catalogue"},
		{[]string{"forge", "--variant", "jwt.alg-none"}, ExitUsage, "a token is required"},
		{[]string{"forge", "x", "--variant", "jwt.alg-none"}, ExitMalformed, "forge: the token is not a JWT: it has 1 dot-separated part"},
		// forge takes the token as its argument, and its examples say so.
		{[]string{"forge", "$TOKEN", "--variant", "jwt.alg-none"}, ExitMalformed, `use double quotes, e.g. jwtkit forge "$TOKEN"`},
		{[]string{"forge", "token.jwt", "--all"}, ExitMalformed, `pass the token itself, e.g. jwtkit forge "$(cat token.jwt)"`},
		{[]string{"forge", forgeESToken(), "--variant", "jwt.expired/1h"}, ExitError, "variant jwt.expired/1h cannot be made"},
		// A check id none of whose variants can be made is an error too.
		{[]string{"forge", forgeESToken(), "--variant", "jwt.expired"}, ExitError, "note: skipped jwt.expired: needs the signing key or secret"},
		{[]string{"forge", forgeESToken(), "--variant", "jwt.jku-injection"}, ExitError, "no variant of jwt.jku-injection can be made"},
		{[]string{"forge", forgeESToken(), "--variant", "jwt.x5u-injection"}, ExitError, "needs a callback URL"},
		{[]string{"forge", forgeESToken(), "--variant", "jwt.key-confusion"}, ExitError, "no variant of jwt.key-confusion can be made"},
		// No note from the forge: the catalogue says what is missing.
		{[]string{"forge", forgeESToken(), "--variant", "jwt.key-confusion/HS256-key-file", "--key", keyFixture("ec256-pkcs8.pem")}, ExitError, "note: skipped jwt.key-confusion/HS256-key-file: it needs: the public key file"},
		// A whole token pasted as --variant is described, not echoed.
		{[]string{"forge", forgeESToken(), "--variant", forgeESToken()}, ExitUsage, "unknown --variant (a value of"},
	} {
		code, _, errOut := runCmd(t, "", nil, tc.args...)
		if code != tc.code || !strings.Contains(errOut, tc.msg) || strings.Contains(errOut, forgeESToken()) {
			t.Errorf("%q: exit %d, stderr %q; want %d, %q", tc.args, code, errOut, tc.code, tc.msg)
		}
	}
}

// TestForgeInteropPyJWT: PyJWT, verifying with the right key, alg,
// issuer, audience and required exp, rejects every variant forge makes
// from an RS256 token; the variants that are no forgery are rejected for
// the right reason.
func TestForgeInteropPyJWT(t *testing.T) {
	p := requirePeer(t, "PyJWT")
	// PyJWT reads the real clock, so this test mints and forges on it too.
	runNow := func(args ...string) (int, string, string) {
		f, out, errOut := testFactory(t, "", nil)
		f.Now = time.Now
		code := runWith(f, args...)
		return code, out.String(), errOut.String()
	}
	code, rs, errOut := runNow("mint", "--key", keyFixture("rsa2048-pkcs8.pem"), "--sub", "alice", "--iss", "https://issuer.example", "--aud", "api", "--role", "admin")
	if code != 0 {
		t.Fatalf("mint: %s", errOut)
	}
	rs = strings.TrimSpace(rs)
	reason := map[string]string{
		"jwt.expired/30s": "ExpiredSignatureError", "jwt.expired/5m": "ExpiredSignatureError",
		"jwt.expired/1h": "ExpiredSignatureError", "jwt.expired/1d": "ExpiredSignatureError",
		"jwt.nbf-future/1h":        "ImmatureSignatureError",
		"jwt.no-exp/removed":       "MissingRequiredClaimError",
		"jwt.wrong-issuer/foreign": "InvalidIssuerError", "jwt.wrong-issuer/removed": "MissingRequiredClaimError",
		"jwt.wrong-audience/foreign": "InvalidAudienceError", "jwt.wrong-audience/removed": "MissingRequiredClaimError",
		"jwt.unknown-crit/x-jwtkit-probe": "InvalidTokenError: Unsupported critical extension",
	}
	var jobs []peerJob
	var ids []string
	for _, v := range forge.Variants() {
		switch {
		case v.Needs == "ES token":
			continue // an RS256 verifier: psychic signatures are ES*-only
		case v.ID == "authz.insufficient-role/without-roles":
			continue // a valid token without a role: authorisation, not validity
		case v.Check == "resp.server-error":
			continue // well signed tokens with odd claim types: they test that an API does not crash, not that it refuses
		}
		code, out, errOut := runNow(forgeArgs(t, v, rs)...)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", v.ID, code, errOut)
		}
		var line forgeLine
		if err := json.Unmarshal([]byte(out), &line); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, v.ID)
		jobs = append(jobs, peerJob{Op: "verify", Alg: "RS256", Key: keyFixture("rsa2048-spki.pub.pem"), Token: line.Token, Aud: "api", Iss: "https://issuer.example", Require: []string{"exp", "iss", "aud"}})
	}
	// The control: the valid token itself verifies, so the policy is right.
	jobs = append(jobs, peerJob{Op: "verify", Alg: "RS256", Key: keyFixture("rsa2048-spki.pub.pem"), Token: rs, Aud: "api", Iss: "https://issuer.example", Require: []string{"exp", "iss", "aud"}})
	res := p.batch(t, jobs)
	if !res[len(res)-1].OK {
		t.Fatalf("the valid token is refused: %s (the clock: the fixtures are minted at testNow)", res[len(res)-1].Error)
	}
	for i, id := range ids {
		r := res[i]
		if r.OK {
			t.Errorf("%s: PyJWT accepted it", id)
			continue
		}
		if want := reason[id]; want != "" && !strings.HasPrefix(r.Error, want) {
			t.Errorf("%s: PyJWT refused it for %q, want %s", id, r.Error, want)
		}
	}
}

// TestForgeJWKSURL: --jwks takes a URL, fetched with verify's client (the
// test transport trusts the server; a plain runCmd does not).
func TestForgeJWKSURL(t *testing.T) {
	jwks, err := os.ReadFile(keyFixture("rsa2048.pub.jwk.json"))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(jwks)
	}))
	defer srv.Close()
	f, out, errOut := testFactory(t, "", nil)
	f.HTTPTransport = srv.Client().Transport
	if code := runWith(f, "forge", forgeRSToken(t), "--variant", "jwt.key-confusion/jwks-HS256-spki-pem", "--jwks", srv.URL+"/jwks.json"); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if strings.Count(out.String(), ".") != 2 {
		t.Errorf("stdout %q", out)
	}
	// TLS is verified: without the test transport the fetch fails.
	code, _, e := runCmd(t, "", nil, "forge", forgeRSToken(t), "--variant", "jwt.key-confusion", "--jwks", srv.URL+"/jwks.json")
	if code != ExitError || !strings.Contains(e, "certificate") {
		t.Errorf("untrusted server: exit %d: %s", code, e)
	}
	// --cacert trusts a private CA (serve --tls, an internal issuer), as
	// verify's does; it needs a URL to fetch.
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	code, o, e := runCmd(t, "", nil, "forge", forgeRSToken(t), "--variant", "jwt.key-confusion/jwks-HS256-spki-pem", "--jwks", srv.URL+"/jwks.json", "--cacert", ca)
	if code != 0 || strings.Count(o, ".") != 2 {
		t.Errorf("--cacert: exit %d, stdout %q: %s", code, o, e)
	}
	code, _, e = runCmd(t, "", nil, "forge", forgeRSToken(t), "--variant", "jwt.key-confusion", "--jwks", keyFixture("rsa2048.pub.jwk.json"), "--cacert", ca)
	if code != ExitUsage || !strings.Contains(e, "--cacert is for fetching: it needs --jwks URL") {
		t.Errorf("--cacert with a file: exit %d: %s", code, e)
	}
}

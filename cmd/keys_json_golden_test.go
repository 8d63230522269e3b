package cmd

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestGoldenKeysOutputJSON pins the -o json path of keys public and keys
// jwks (the JWK / JWK Set form, as --format jwk prints it) and of keys
// fetch, against a JWK Set served by httptest.
func TestGoldenKeysOutputJSON(t *testing.T) {
	t.Parallel()
	runGoldenCases(t, []goldenCase{
		{"keys-public-json-rsa2048-alg", "", nil, []string{"keys", "public", keyFixture("rsa2048-pkcs8.pem"), "-o", "json", "--alg", "PS256"}, ExitOK},
		{"keys-public-json-ec256", "", nil, []string{"keys", "public", keyFixture("ec256-sec1.pem"), "-o", "json"}, ExitOK},
		{"keys-jwks-json-mixed", "", nil, []string{"keys", "jwks", keyFixture("rsa2048-pkcs8.pem"), keyFixture("ec256-sec1.pem"), keyFixture("ed25519-pkcs8.pem"), "-o", "json"}, ExitOK},
	})
	jwks := readFixtureString(t, "jwks-public.json")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(jwks))
	}))
	t.Cleanup(srv.Close)
	code, out, errOut := runCmd(t, "", nil, "keys", "fetch", srv.URL+"/jwks.json", "-o", "json")
	if code != ExitOK {
		t.Fatalf("keys fetch -o json: exit %d: %s", code, errOut)
	}
	golden(t, "keys-fetch-json.golden", strings.ReplaceAll(out, srv.URL, "http://JWKS"))
}

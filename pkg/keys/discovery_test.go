package keys_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/jwtkit/jwtkit/pkg/keys"
)

func TestDiscoveryURLs(t *testing.T) {
	for _, tt := range []struct{ issuer, oidc, oauth string }{
		{"https://idp.example.com", "https://idp.example.com/.well-known/openid-configuration", "https://idp.example.com/.well-known/oauth-authorization-server"},
		{"https://kc.example.com/realms/acme", "https://kc.example.com/realms/acme/.well-known/openid-configuration", "https://kc.example.com/.well-known/oauth-authorization-server/realms/acme"},
		{"https://tenant.auth0.com/", "https://tenant.auth0.com/.well-known/openid-configuration", "https://tenant.auth0.com/.well-known/oauth-authorization-server"},
		{"http://127.0.0.1:8080/t/", "http://127.0.0.1:8080/t/.well-known/openid-configuration", "http://127.0.0.1:8080/.well-known/oauth-authorization-server/t"},
	} {
		oidc, oauth, err := keys.DiscoveryURLs(tt.issuer)
		if err != nil || oidc != tt.oidc || oauth != tt.oauth {
			t.Errorf("%s: %s, %s, %v", tt.issuer, oidc, oauth, err)
		}
	}
	for _, bad := range []string{"http://idp.example.com", "https://login.microsoftonline.com/{tenantid}/v2.0", "https://idp.example.com/?a=b", "https://idp.example.com/#x", "https://u:p@idp.example.com", "ftp://idp.example.com", "idp.example.com"} {
		if _, _, err := keys.DiscoveryURLs(bad); !errors.Is(err, keys.ErrBadIssuerURL) {
			t.Errorf("%s: %v, want ErrBadIssuerURL", bad, err)
		}
	}
}

func TestParseDiscovery(t *testing.T) {
	const iss = "https://idp.example.com"
	for _, tt := range []struct {
		doc  string
		want error
		msg  string
	}{
		{`{"issuer":"https://idp.example.com","jwks_uri":"https://keys.example.net/certs"}`, nil, ""},
		{`{"issuer":"https://idp.example.com/","jwks_uri":"https://idp.example.com/jwks"}`, keys.ErrIssuerMismatch, "trailing slash"},
		{`{"issuer":"https://other.example.com","jwks_uri":"https://idp.example.com/jwks"}`, keys.ErrIssuerMismatch, "not \"https://idp.example.com\""},
		{`{"issuer":"https://login.microsoftonline.com/{tenantid}/v2.0","jwks_uri":"https://x/jwks"}`, keys.ErrIssuerMismatch, "templated"},
		{`{"issuer":"https://idp.example.com","jwks_uri":"http://idp.example.com/jwks"}`, keys.ErrBadJWKSURI, "not https"},
		{`{"issuer":"https://idp.example.com","jwks_uri":"http://localhost:8080/jwks"}`, nil, ""},
		{`{"issuer":"https://idp.example.com"}`, keys.ErrBadJWKSURI, "jwks_uri"},
		{`{"issuer":"https://idp.example.com","issuer":"https://evil","jwks_uri":"https://x/j"}`, keys.ErrUnrecognized, "not valid JSON"},
		{`[]`, keys.ErrUnrecognized, "not a JSON object"},
	} {
		d, err := keys.ParseDiscovery([]byte(tt.doc), iss+"/.well-known/openid-configuration", iss)
		switch {
		case tt.want == nil && (err != nil || d.Issuer != iss):
			t.Errorf("%s: %v", tt.doc, err)
		case tt.want != nil && (!errors.Is(err, tt.want) || !strings.Contains(err.Error(), tt.msg)):
			t.Errorf("%s: %v, want %v and %q", tt.doc, err, tt.want, tt.msg)
		}
	}
}

// TestCacheLifetime: the smaller of max-age (less Age) and the TTL, with
// an injected clock; no-cache revalidates every time.
func TestCacheLifetime(t *testing.T) {
	jwks := readFixture(t, "jwks-public.json")
	var header string
	requests := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests++
		w.Header().Set("Cache-Control", header)
		w.Header().Set("Age", "20")
		w.Write(jwks)
	}))
	defer srv.Close()
	for _, tt := range []struct {
		header string
		ttl    time.Duration
		fresh  time.Duration // last moment still served from the cache
	}{
		{"max-age=60", 5 * time.Minute, 39 * time.Second},
		{"", 5 * time.Minute, 299 * time.Second},
		{"public, max-age=86400", time.Minute, 59 * time.Second},
		{"no-cache", 5 * time.Minute, -1},
		{"no-store", 5 * time.Minute, -1},
	} {
		header = tt.header
		now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		cache := &keys.Cache{Dir: t.TempDir() + "/c", TTL: tt.ttl, Now: func() time.Time { return now }}
		load := func() {
			r := &keys.Remote{JWKSURL: srv.URL, Client: srv.Client(), Cache: cache}
			if _, err := r.Load(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
		start := now
		requests = 0
		load()
		if tt.fresh >= 0 {
			now = start.Add(tt.fresh)
			load()
			if requests != 1 {
				t.Errorf("%q: refetched within its lifetime", tt.header)
			}
		}
		now = start.Add(tt.fresh + time.Second)
		load()
		if requests != 2 {
			t.Errorf("%q: %d requests, want 2 (expired after %v)", tt.header, requests, tt.fresh+time.Second)
		}
	}
}

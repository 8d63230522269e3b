package server_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jwtkit/jwtkit/internal/server"
)

// TestCookieModeAndDemoLogin: the token read from a cookie, the demo
// password grant and the cookie it sets, and writes that must name their
// origin.
func TestCookieModeAndDemoLogin(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	h := f.handler(t, func(c *server.Config) {
		c.TokenCookie = "access_token"
		c.Login = &server.Login{User: "alice", Password: "pw-0123456789", Issue: func(string) (string, time.Duration, error) {
			return f.valid("admin"), 15 * time.Minute, nil
		}}
	})
	post := func(form url.Values, hdr map[string]string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(http.MethodPost, "http://api.test/token", strings.NewReader(form.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for k, v := range hdr {
			r.Header.Set(k, v)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}
	good := url.Values{"grant_type": {"password"}, "username": {"alice"}, "password": {"pw-0123456789"}}
	for _, tc := range []struct {
		name   string
		form   url.Values
		hdr    map[string]string
		status int
		body   string
	}{
		{"wrong password", url.Values{"grant_type": {"password"}, "username": {"alice"}, "password": {"x"}}, nil, 400, "invalid_grant"},
		{"wrong grant", url.Values{"grant_type": {"client_credentials"}}, nil, 400, "unsupported_grant_type"},
		{"foreign origin", good, map[string]string{"Origin": "https://evil.example"}, 403, "forbidden_origin"},
		{"good", good, nil, 200, `"access_token"`},
	} {
		w := post(tc.form, tc.hdr)
		if w.Code != tc.status || !strings.Contains(w.Body.String(), tc.body) {
			t.Errorf("%s: %d %s", tc.name, w.Code, w.Body)
		}
		if tc.name == "good" {
			sc := w.Header().Get("Set-Cookie")
			for _, want := range []string{"access_token=", "Path=/", "Max-Age=900", "HttpOnly", "SameSite=Strict"} {
				if !strings.Contains(sc, want) {
					t.Errorf("Set-Cookie %q lacks %s", sc, want)
				}
			}
		}
	}
	get := func(hdr map[string]string, cookie string) int {
		r := httptest.NewRequest(http.MethodGet, "http://api.test/admin", nil)
		for k, v := range hdr {
			r.Header.Set(k, v)
		}
		if cookie != "" {
			r.Header.Set("Cookie", cookie)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w.Code
	}
	tok := f.valid("admin")
	if c := get(nil, "access_token="+tok); c != 200 {
		t.Errorf("cookie: %d", c)
	}
	if c := get(map[string]string{"Authorization": "Bearer " + tok}, ""); c != 401 {
		t.Errorf("Authorization in cookie mode: %d, want 401", c)
	}
	if c := get(nil, "access_token="+tok+"; access_token="+tok); c != 400 {
		t.Errorf("two cookies: %d, want 400", c)
	}
	write := func(origin string) int {
		r := httptest.NewRequest(http.MethodPost, "http://api.test/items", strings.NewReader(`{"a":1}`))
		r.Header.Set("Content-Type", "application/json")
		r.Header.Set("Cookie", "access_token="+tok)
		if origin != "" {
			r.Header.Set("Origin", origin)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w.Code
	}
	if c := write(""); c != 403 {
		t.Errorf("write without Origin in cookie mode: %d, want 403", c)
	}
	if c := write("http://api.test"); c != 201 {
		t.Errorf("same-origin write: %d, want 201", c)
	}
}

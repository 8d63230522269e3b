package server_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/jwtkit/jwtkit/internal/server"
)

// TestServeLimits holds the "serve" row of docs/security.md: every listener
// caps request headers at 64 KiB (431 beyond, plus net/http's 4 KiB of
// slack) and times out slow clients (read-header 5 s, read/write 15 s,
// idle 60 s). The 64 KiB POST body cap is TestRoutes' "items too large".
func TestServeLimits(t *testing.T) {
	hs := server.NewHTTPServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}), nil)
	for name, got := range map[string]time.Duration{
		"read-header": hs.ReadHeaderTimeout, "read": hs.ReadTimeout, "write": hs.WriteTimeout, "idle": hs.IdleTimeout,
	} {
		want := map[string]time.Duration{"read-header": 5 * time.Second, "read": 15 * time.Second, "write": 15 * time.Second, "idle": 60 * time.Second}[name]
		if got != want {
			t.Errorf("%s timeout %v, want %v", name, got, want)
		}
	}
	if hs.MaxHeaderBytes != 64<<10 || server.DefaultMaxBodyBytes != 64<<10 {
		t.Errorf("header cap %d, body cap %d; want 64 KiB each", hs.MaxHeaderBytes, server.DefaultMaxBodyBytes)
	}
	ts := httptest.NewUnstartedServer(hs.Handler)
	ts.Config = hs
	ts.Start()
	defer ts.Close()
	for _, tc := range []struct {
		size int
		want int
	}{{60 << 10, http.StatusOK}, {70 << 10, http.StatusRequestHeaderFieldsTooLarge}} {
		req, _ := http.NewRequest("GET", ts.URL+"/", nil)
		req.Header.Set("X-Pad", strings.Repeat("x", tc.size))
		req.Close = true // a fresh connection each: net/http measures the cap per connection read
		resp, err := ts.Client().Do(req)
		if err != nil {
			t.Fatalf("%d-byte header: %v", tc.size, err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("%d-byte header: %s, want %d", tc.size, resp.Status, tc.want)
		}
	}
}

package probe_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jwtkit/jwtkit/pkg/probe"
)

// TestDefaultLimits holds the "probe" row of docs/security.md: a Config
// without limits gets 200 requests, 4 in flight, 10 s per request and 1 MiB
// per body (the caps themselves: TestBodyCapAndRequestCap).
func TestDefaultLimits(t *testing.T) {
	if probe.DefaultMaxRequests != 200 || probe.DefaultConcurrency != 4 || probe.DefaultTimeout != 10*time.Second || probe.DefaultMaxBodyBytes != 1<<20 {
		t.Errorf("defaults %d requests, %d in flight, %v, %d body bytes; docs/security.md says 200, 4, 10s, 1 MiB",
			probe.DefaultMaxRequests, probe.DefaultConcurrency, probe.DefaultTimeout, probe.DefaultMaxBodyBytes)
	}
	var inFlight, most, total atomic.Int64
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		total.Add(1)
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		w.WriteHeader(http.StatusUnauthorized)
	}))
	defer ts.Close()
	rep, err := probe.Run(context.Background(), probe.Config{Target: ts.URL + "/"})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Requests > probe.DefaultMaxRequests || total.Load() > probe.DefaultMaxRequests {
		t.Errorf("%d requests (%d seen), want at most %d", rep.Requests, total.Load(), probe.DefaultMaxRequests)
	}
	if m := most.Load(); m > probe.DefaultConcurrency {
		t.Errorf("%d requests in flight at once, want at most %d", m, probe.DefaultConcurrency)
	}
}

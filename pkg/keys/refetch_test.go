package keys_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jwtkit/jwtkit/pkg/keys"
)

// refetchFixture serves jwks-public.json, counting requests, and seeds a
// cache folder with it at t0.
func refetchFixture(t *testing.T) (srv *httptest.Server, requests *atomic.Int64, dir string, t0 time.Time) {
	t.Helper()
	jwks := readFixture(t, "jwks-public.json")
	requests = new(atomic.Int64)
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		w.Write(jwks)
	}))
	t.Cleanup(srv.Close)
	dir = filepath.Join(t.TempDir(), "cache")
	t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	seed := &keys.Remote{JWKSURL: srv.URL, Client: srv.Client(), Cache: &keys.Cache{Dir: dir, TTL: time.Hour, Now: func() time.Time { return t0 }}}
	if _, err := seed.Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	return srv, requests, dir, t0
}

// TestRefetchOncePerIntervalAcrossProcesses: twenty "processes" (each its
// own Remote and Cache on one folder, as separate runs would have) meet
// an unknown kid at once; one refetches. A run 30s later may refetch
// again.
func TestRefetchOncePerIntervalAcrossProcesses(t *testing.T) {
	srv, requests, dir, t0 := refetchFixture(t)
	at := t0.Add(time.Minute)
	race := func() (refetched int64) {
		var wg sync.WaitGroup
		var n atomic.Int64
		start := make(chan struct{})
		for i := 0; i < 20; i++ {
			r := &keys.Remote{JWKSURL: srv.URL, Client: srv.Client(), Cache: &keys.Cache{Dir: dir, TTL: time.Hour, Now: func() time.Time { return at }}}
			if _, err := r.Load(context.Background()); err != nil {
				t.Fatal(err)
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				if _, ok, err := r.Refetch(context.Background(), "rotated"); err != nil {
					t.Error(err)
				} else if ok {
					n.Add(1)
				}
			}()
		}
		close(start)
		wg.Wait()
		return n.Load()
	}
	before := requests.Load()
	if got := race(); got != 1 || requests.Load()-before != 1 {
		t.Errorf("20 concurrent kid misses: %d refetches, %d requests (want 1 and 1)", got, requests.Load()-before)
	}
	at = at.Add(29 * time.Second)
	if got := race(); got != 0 {
		t.Errorf("29s later: %d refetches, want 0", got)
	}
	var notes []string
	r := &keys.Remote{JWKSURL: srv.URL, Client: srv.Client(), OnNote: func(n keys.Note) { notes = append(notes, n.Text) },
		Cache: &keys.Cache{Dir: dir, TTL: time.Hour, Now: func() time.Time { return at }}}
	if _, err := r.Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := r.Refetch(context.Background(), "rotated"); ok || len(notes) != 1 || !strings.Contains(notes[0], "it was refetched 29s ago (at most once per 30s)") {
		t.Errorf("limited refetch: %v, notes %q", ok, notes)
	}
	at = at.Add(time.Second)
	before = requests.Load()
	if got := race(); got != 1 || requests.Load()-before != 1 {
		t.Errorf("30s later: %d refetches, %d requests (want 1 and 1)", got, requests.Load()-before)
	}
}

// TestRefetchNeedsARecord: a cache that cannot record the refetch (here
// its claim folder cannot be made) refetches nothing and says why.
func TestRefetchNeedsARecord(t *testing.T) {
	srv, requests, dir, t0 := refetchFixture(t)
	if err := os.WriteFile(filepath.Join(dir, "refetch"), []byte("not a folder"), 0o600); err != nil {
		t.Fatal(err)
	}
	var notes []string
	r := &keys.Remote{JWKSURL: srv.URL, Client: srv.Client(), OnNote: func(n keys.Note) { notes = append(notes, n.Text) },
		Cache: &keys.Cache{Dir: dir, TTL: time.Hour, Now: func() time.Time { return t0.Add(time.Minute) }}}
	if _, err := r.Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	before := requests.Load()
	if _, ok, err := r.Refetch(context.Background(), "rotated"); ok || err != nil || requests.Load() != before {
		t.Fatalf("refetched (%v, %v, %d requests) without a record", ok, err, requests.Load()-before)
	}
	if len(notes) != 1 || !strings.Contains(notes[0], "cannot record the refetch") {
		t.Errorf("notes: %q", notes)
	}
}

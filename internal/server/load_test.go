package server_test

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jwtkit/jwtkit/internal/server"
)

// TestLoad drives a running server (server.Run on a real listener) with
// many concurrent clients, each sending a fixed number of requests, mixing
// valid, expired, bad-signature, malformed and missing tokens,
// foreign-origin writes and raw garbage. Every answer must be exactly the
// expected one, and shutdown must end everything: Run returns and every
// connection, server side and client side, is closed (explicit signals,
// not a goroutine count polled against the clock, which would also forbid
// running in parallel). The amount of work is fixed, not the time it takes:
// speed lives in benchmarks.
func TestLoad(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		tls      bool
		requests int // per client
	}{
		{"plain", false, 64},
		{"tls", true, 24},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			loadTest(t, tc.tls, tc.requests)
		})
	}
}

type loadCase struct {
	name   string
	method string
	path   string
	header map[string][]string
	body   string
	status int
	auth   string // WWW-Authenticate prefix; "" means none allowed
}

func loadTest(t *testing.T, useTLS bool, requests int) {
	const clients = 32
	f := newFixture(t)
	valid, admin := f.valid("reader"), f.valid("admin")
	jsonCT := "application/json"
	cases := []loadCase{
		{"valid", "GET", "/me", bearer(valid), "", 200, ""},
		{"admin", "GET", "/admin", bearer(admin), "", 200, ""},
		{"missing role", "GET", "/admin", bearer(valid), "", 403, challengeScope},
		{"expired", "GET", "/me", bearer(f.expired()), "", 401, challengeInvalid},
		{"bad signature", "GET", "/me", bearer(f.badSignature()), "", 401, challengeInvalid},
		{"truncated", "GET", "/me", bearer(valid[:len(valid)-5]), "", 401, challengeInvalid},
		{"segments", "GET", "/me", bearer("a.b.c.d"), "", 401, challengeInvalid},
		{"junk", "GET", "/me", bearer(strings.Repeat("~!@#$%^&*()", 200)), "", 401, challengeInvalid},
		{"alg none", "GET", "/me", bearer("eyJhbGciOiJub25lIn0.eyJzdWIiOiJhbGljZSJ9."), "", 401, challengeInvalid},
		{"no token", "GET", "/me", nil, "", 401, challengeNone},
		{"query token", "GET", "/me?access_token=" + valid, nil, "", 400, challengeRequest},
		{"write", "POST", "/items", with(bearer(valid), "Content-Type", jsonCT), `{"n":1}`, 201, ""},
		{"foreign write", "POST", "/items", with(bearer(valid), "Content-Type", jsonCT, "Origin", "https://evil.example"), `{"n":1}`, 403, ""},
		{"preflight", "OPTIONS", "/items", map[string][]string{"Origin": {allowedOrigin}, "Access-Control-Request-Method": {"POST"}}, "", 204, ""},
		{"jwks", "GET", "/.well-known/jwks.json", nil, "", 200, ""},
	}

	inner, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	// Every connection, server side and client side, is counted until it is
	// closed: the leak check waits on those explicit signals, not on time.
	var serverConns, clientConns sync.WaitGroup
	ln := &trackedListener{Listener: inner, wg: &serverConns}
	opts := server.Options{Handler: f.handler(t, nil), API: ln}
	dialer := &net.Dialer{}
	tr := &http.Transport{MaxIdleConnsPerHost: clients, ForceAttemptHTTP2: true,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			c, err := dialer.DialContext(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			clientConns.Add(1)
			return &trackedConn{Conn: c, done: clientConns.Done}, nil
		}}
	scheme := "http"
	if useTLS {
		cert, _, err := server.SelfSigned(nil, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		opts.TLS = server.TLSConfig(cert)
		pool := x509.NewCertPool()
		pool.AddCert(cert.Leaf)
		tr.TLSClientConfig = &tls.Config{RootCAs: pool}
		scheme = "https"
	}
	base := scheme + "://" + ln.Addr().String()
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- server.Run(ctx, opts) }()

	var (
		total, garbage atomic.Int64
		mu             sync.Mutex
		failures       []string
		wg             sync.WaitGroup
	)
	fail := func(format string, a ...any) {
		mu.Lock()
		defer mu.Unlock()
		if len(failures) < 20 {
			failures = append(failures, fmt.Sprintf(format, a...))
		}
	}
	for i := 0; i < clients; i++ {
		wg.Add(1)
		go func(id int) {
			defer wg.Done()
			for n := id; n < id+requests; n++ {
				if !useTLS && id%8 == 0 && n%16 == 0 {
					if err := rawGarbage(ln.Addr().String()); err != nil {
						fail("client %d: raw garbage: %v", id, err)
					}
					garbage.Add(1)
					continue
				}
				c := cases[n%len(cases)]
				if err := loadRequest(client, base, c); err != nil {
					fail("client %d: %s: %v", id, c.name, err)
				}
				total.Add(1)
			}
		}(i)
	}
	wg.Wait()
	tr.CloseIdleConnections()
	cancel()
	if err := <-done; err != nil { // Run returns once shut down; the test timeout guards a hang
		t.Errorf("Run: %v", err)
	}
	for _, f := range failures {
		t.Error(f)
	}
	if n, want := total.Load()+garbage.Load(), int64(clients*requests); n != want {
		t.Errorf("%d requests made, want %d", n, want)
	}
	t.Logf("%d requests and %d raw garbage connections from %d clients", total.Load(), garbage.Load(), clients)

	// Explicit shutdown signals: Run has returned (above), and every
	// connection on both sides has been closed. A connection left open
	// would hang here; the test binary's timeout reports it with every
	// goroutine's stack.
	serverConns.Wait()
	clientConns.Wait()
}

func loadRequest(c *http.Client, base string, lc loadCase) error {
	var body io.Reader
	if lc.body != "" {
		body = strings.NewReader(lc.body)
	}
	r, err := http.NewRequest(lc.method, base+lc.path, body)
	if err != nil {
		return err
	}
	for k, vs := range lc.header {
		for _, v := range vs {
			r.Header.Add(k, v)
		}
	}
	resp, err := c.Do(r)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != lc.status {
		return fmt.Errorf("status %d, want %d: %s", resp.StatusCode, lc.status, b)
	}
	got := resp.Header.Get("WWW-Authenticate")
	if (lc.auth == "" && got != "") || !strings.HasPrefix(got, lc.auth) || (lc.auth == challengeNone && got != challengeNone) {
		return fmt.Errorf("WWW-Authenticate %q, want %q", got, lc.auth)
	}
	if resp.Header.Get("Cache-Control") != "no-store" {
		return fmt.Errorf("Cache-Control %q", resp.Header.Get("Cache-Control"))
	}
	return nil
}

// rawGarbage sends bytes that are not HTTP and expects a 400 and a closed
// connection.
func rawGarbage(addr string) error {
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return err
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := conn.Write([]byte("\x16\x03\x01 NOT HTTP AT ALL\r\n\r\n")); err != nil {
		return err
	}
	line, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil {
		return err
	}
	if !strings.HasPrefix(line, "HTTP/1.1 400") {
		return fmt.Errorf("answer %q, want HTTP/1.1 400", line)
	}
	return nil
}

// trackedListener counts accepted connections in wg until they are closed.
type trackedListener struct {
	net.Listener
	wg *sync.WaitGroup
}

func (l *trackedListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	l.wg.Add(1)
	return &trackedConn{Conn: c, done: l.wg.Done}, nil
}

// trackedConn calls done once, on its first Close.
type trackedConn struct {
	net.Conn
	once sync.Once
	done func()
}

func (c *trackedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.done)
	return err
}

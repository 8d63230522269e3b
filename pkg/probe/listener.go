package probe

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/jwtkit/jwtkit/pkg/probe/forge"
)

// Listener defaults.
const (
	// DefaultCallbackGrace is how long a listener check waits for a late
	// fetch after its last request.
	DefaultCallbackGrace = 5 * time.Second
	// DefaultCallbackMaxRequests caps the requests the listener serves: a
	// full run points the target at it 4 times, and a target that fetches
	// may retry.
	DefaultCallbackMaxRequests = 32
	// maxFetchLog bounds the listener's log (requests beyond the cap are
	// logged up to here, answered 429).
	maxFetchLog = 128
)

// Fetch is one request the listener saw.
type Fetch struct {
	Time      time.Time `json:"time"`
	Remote    string    `json:"remote"`
	Method    string    `json:"method"`
	Path      string    `json:"path"`
	UserAgent string    `json:"user_agent"`
	TLS       bool      `json:"tls"`
	Status    int       `json:"status"`
	// Handshake marks a TLS connection that never sent a request (its
	// client most likely refused probe's self-signed certificate).
	Handshake bool `json:"handshake,omitempty"`
}

func (f Fetch) String() string {
	if f.Handshake {
		return fmt.Sprintf("a TLS connection from %s that sent no request (the certificate was probably refused)", f.Remote)
	}
	ua := f.UserAgent
	if ua == "" {
		ua = "none"
	}
	return fmt.Sprintf("%s %s from %s (User-Agent: %s) → %d", f.Method, f.Path, f.Remote, clip(ua), f.Status)
}

// listener is probe's own small HTTP server for the out-of-band checks: it
// answers GET on the run's random paths only, serves at most max requests,
// logs each, and closes when the run ends.
type listener struct {
	now   func() time.Time
	files map[string]forge.File
	max   int

	servers []*http.Server
	wg      sync.WaitGroup

	mu      sync.Mutex
	served  int
	log     []Fetch
	changed chan struct{} // closed and replaced on every new log entry
}

func newListener(now func() time.Time, max int) *listener {
	return &listener{now: now, max: max, files: map[string]forge.File{}, changed: make(chan struct{})}
}

func (l *listener) record(f Fetch) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.log) < maxFetchLog {
		l.log = append(l.log, f)
	}
	close(l.changed)
	l.changed = make(chan struct{})
}

func (l *listener) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f := Fetch{Time: l.now(), Remote: r.RemoteAddr, Method: r.Method, Path: r.URL.Path, UserAgent: r.UserAgent(), TLS: r.TLS != nil}
	l.mu.Lock()
	over := l.served >= l.max
	if !over {
		l.served++
	}
	l.mu.Unlock()
	doc, known := l.files[r.URL.Path]
	switch {
	case over:
		f.Status = http.StatusTooManyRequests
	case !known:
		f.Status = http.StatusNotFound
	case r.Method != http.MethodGet:
		w.Header().Set("Allow", http.MethodGet)
		f.Status = http.StatusMethodNotAllowed
	default:
		f.Status = http.StatusOK
	}
	l.record(f)
	w.Header().Set("Cache-Control", "no-store")
	if f.Status != http.StatusOK {
		w.WriteHeader(f.Status)
		return
	}
	w.Header().Set("Content-Type", doc.ContentType)
	_, _ = w.Write(doc.Body)
}

// serve starts one server on ln; with cert it speaks TLS and logs
// connections that never send a request.
func (l *listener) serve(ln net.Listener, cert *tls.Certificate) {
	srv := &http.Server{
		Handler:           l,
		ReadHeaderTimeout: 5 * time.Second,
		ErrorLog:          log.New(io.Discard, "", 0), // pkg/probe never writes to the process streams
	}
	if cert != nil {
		var mu sync.Mutex
		asked := map[net.Conn]bool{}
		srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{*cert}, MinVersion: tls.VersionTLS12}
		srv.ConnState = func(c net.Conn, st http.ConnState) {
			mu.Lock()
			defer mu.Unlock()
			switch st {
			case http.StateActive:
				asked[c] = true
			case http.StateClosed, http.StateHijacked:
				if !asked[c] {
					l.record(Fetch{Time: l.now(), Remote: c.RemoteAddr().String(), TLS: true, Handshake: true})
				}
				delete(asked, c)
			}
		}
		ln = tls.NewListener(ln, srv.TLSConfig)
	}
	l.servers = append(l.servers, srv)
	l.wg.Add(1)
	go func() {
		defer l.wg.Done()
		_ = srv.Serve(ln)
	}()
}

// close stops every server and waits for them.
func (l *listener) close() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	for _, s := range l.servers {
		if err := s.Shutdown(ctx); err != nil {
			_ = s.Close()
		}
	}
	l.wg.Wait()
}

// fetches returns the logged requests whose path holds one of tokens (the
// random segments of a check's documents: an API that builds another URL
// from the one it was given, e.g. an RFC 8414 discovery URL, still
// carries it) and, with handshakes, TLS connections without a request.
func (l *listener) fetches(tokens []string, handshakes bool) []Fetch {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []Fetch
	for _, f := range l.log {
		if f.Handshake {
			if handshakes {
				out = append(out, f)
			}
			continue
		}
		for _, t := range tokens {
			if strings.Contains(f.Path, t) {
				out = append(out, f)
				break
			}
		}
	}
	return out
}

// wait returns as soon as a fetch matching tokens is logged, or after
// grace, or when ctx ends.
func (l *listener) wait(ctx context.Context, tokens []string, handshakes bool, grace time.Duration) {
	if grace <= 0 {
		return
	}
	timer := time.NewTimer(grace)
	defer timer.Stop()
	for {
		l.mu.Lock()
		ch := l.changed
		l.mu.Unlock()
		if len(l.fetches(tokens, handshakes)) > 0 {
			return
		}
		select {
		case <-ch:
		case <-timer.C:
			return
		case <-ctx.Done():
			return
		}
	}
}

// snapshot is the whole log.
func (l *listener) snapshot() []Fetch {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]Fetch(nil), l.log...)
}

var (
	errNoCallback      = errors.New("the target is not on loopback and no --callback-url was given: probe never points a remote API at its own loopback")
	errProxyNoCallback = errors.New("requests go through --proxy, so the target's loopback is the proxy's, not probe's: give --callback-url and --callback-addr to run the listener checks")
)

// selfSignedTLS makes a certificate for 127.0.0.1, ::1 and localhost.
func selfSignedTLS(now time.Time) (*tls.Certificate, error) {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	serial, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	tmpl := &x509.Certificate{
		SerialNumber: serial, Subject: pkix.Name{CommonName: "jwtkit probe listener"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback}, DNSNames: []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		return nil, err
	}
	return &tls.Certificate{Certificate: [][]byte{der}, PrivateKey: k}, nil
}

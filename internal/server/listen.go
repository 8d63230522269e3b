package server

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Timeouts of every listener Run starts. A slow client cannot hold a
// connection open by trickling headers or a body.
const (
	ReadHeaderTimeout = 5 * time.Second
	ReadTimeout       = 15 * time.Second
	WriteTimeout      = 15 * time.Second
	IdleTimeout       = 60 * time.Second
	ShutdownTimeout   = 5 * time.Second
)

// NewHTTPServer wraps h in an http.Server with jwtkit's timeouts and header
// cap. errorLog receives net/http's own complaints (TLS handshake failures,
// malformed requests); nil discards them.
func NewHTTPServer(h http.Handler, errorLog io.Writer) *http.Server {
	if errorLog == nil {
		errorLog = io.Discard
	}
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: ReadHeaderTimeout,
		ReadTimeout:       ReadTimeout,
		WriteTimeout:      WriteTimeout,
		IdleTimeout:       IdleTimeout,
		MaxHeaderBytes:    MaxHeaderBytes,
		ErrorLog:          log.New(errorLog, "serve: ", 0),
	}
}

// RedirectHandler is the whole plain-HTTP listener when TLS is on: every
// request, whatever its method, gets 308 Permanent Redirect to the same host
// on httpsPort with the same path and query. It reads nothing else of the
// request (no token is ever processed over plain HTTP) and sends no HSTS
// (RFC 6797 §7.2). fallbackHost is used when the request has no usable Host.
func RedirectHandler(httpsPort, fallbackHost string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host := r.Host
		if h, _, err := net.SplitHostPort(host); err == nil {
			host = h
		}
		host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
		if host == "" || strings.ContainsAny(host, "/\\@?# ") {
			host = fallbackHost
		}
		authority := host
		if strings.Contains(host, ":") {
			authority = "[" + host + "]"
		}
		if httpsPort != "443" {
			authority = net.JoinHostPort(host, httpsPort)
		}
		target := "https://" + authority + r.URL.RequestURI()
		hd := w.Header()
		hd.Set("Location", target)
		hd.Set("Cache-Control", "no-store")
		hd.Set("Connection", "close")
		w.WriteHeader(http.StatusPermanentRedirect)
	})
}

// Options say what Run serves.
type Options struct {
	// Handler is the API, served on API.
	Handler http.Handler
	// API is the API's listener; it serves HTTPS when TLS is set.
	API net.Listener
	// TLS holds the certificate for API. Nil serves plain HTTP.
	TLS *tls.Config
	// Redirect, when set, is a plain-HTTP listener that only answers 308
	// to the API's https URL. It requires TLS.
	Redirect net.Listener
	// ErrorLog receives net/http's own error messages; nil discards them.
	ErrorLog io.Writer
}

// Run serves until ctx is done, then shuts the listeners down gracefully
// (in-flight requests get ShutdownTimeout to finish). It returns nil after
// a clean shutdown and the first serving error otherwise. Run closes the
// listeners in every case.
func Run(ctx context.Context, o Options) error {
	// Serve closes its listener, but ServeTLS can fail before reaching it,
	// and a refused Options reaches neither.
	for _, ln := range []net.Listener{o.API, o.Redirect} {
		if ln != nil {
			defer ln.Close()
		}
	}
	if o.API == nil || o.Handler == nil {
		return errors.New("server: a handler and a listener are required")
	}
	if o.Redirect != nil && o.TLS == nil {
		return errors.New("server: the redirect listener needs TLS on the API listener")
	}
	api := NewHTTPServer(o.Handler, o.ErrorLog)
	fresh := &freshConns{conns: map[net.Conn]struct{}{}}
	api.ConnState = fresh.track
	servers := []*http.Server{api}
	errc := make(chan error, 2)
	if o.TLS != nil {
		api.TLSConfig = o.TLS.Clone()
		go func() { errc <- api.ServeTLS(o.API, "", "") }()
	} else {
		go func() { errc <- api.Serve(o.API) }()
	}
	if o.Redirect != nil {
		host, port, err := net.SplitHostPort(o.API.Addr().String())
		if err != nil {
			port = "443"
		}
		if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
			host = "localhost"
		}
		rs := NewHTTPServer(RedirectHandler(port, host), o.ErrorLog)
		rs.ConnState = fresh.track
		servers = append(servers, rs)
		go func() { errc <- rs.Serve(o.Redirect) }()
	}

	var first error
	select {
	case <-ctx.Done():
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			first = err
		}
	}
	sctx, cancel := context.WithTimeout(context.Background(), ShutdownTimeout)
	defer cancel()
	// Shutdown waits for connections that never sent a request (a client
	// that connected and stalled, or a failed TLS handshake) until they are
	// 5 s old; nothing is in flight on them, so close them now.
	fresh.closeAll()
	for _, s := range servers {
		if err := s.Shutdown(sctx); err != nil {
			_ = s.Close()
		}
	}
	return first
}

// TLSConfig is the server TLS configuration for cert: TLS 1.2 or later.
func TLSConfig(cert tls.Certificate) *tls.Config {
	return &tls.Config{MinVersion: tls.VersionTLS12, Certificates: []tls.Certificate{cert}}
}

// DisplayAddr turns a bound address into the host:port a client dials:
// an unspecified host becomes 127.0.0.1 (or [::1]).
func DisplayAddr(a net.Addr) string {
	host, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
		if ip.To4() == nil {
			host = "::1"
		}
	}
	return net.JoinHostPort(host, port)
}

// CertHosts names the listen host in the certificate too, when it is a
// specific name or address.
func CertHosts(addr string) []string {
	host, _, err := net.SplitHostPort(addr)
	if err != nil || host == "" {
		return nil
	}
	return []string{host}
}

// freshConns tracks connections that have not yet sent a request.
type freshConns struct {
	mu    sync.Mutex
	conns map[net.Conn]struct{}
}

func (f *freshConns) track(c net.Conn, st http.ConnState) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if st == http.StateNew {
		f.conns[c] = struct{}{}
	} else {
		delete(f.conns, c)
	}
}

func (f *freshConns) closeAll() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for c := range f.conns {
		_ = c.Close()
	}
}

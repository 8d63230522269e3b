package cmd

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/jwtkit/jwtkit/internal/safetext"
	"github.com/jwtkit/jwtkit/pkg/keys"
)

// DefaultTimeout bounds every network operation unless --timeout says otherwise.
const DefaultTimeout = 10 * time.Second

// httpOptions are the network flags shared by verify --jwks and probe.
type httpOptions struct {
	Timeout  time.Duration
	Proxy    string // "" = no proxy, whatever the environment says
	CACert   string // extra PEM roots
	Insecure bool   // skip TLS verification (probe only, loud)
}

// newTransport builds the hardened transport: TLS verified, no proxy unless
// asked, bounded dial and header waits.
func newTransport(o httpOptions) (*http.Transport, error) {
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	tlsConf := &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: o.Insecure} //nolint:gosec // --insecure is explicit and loud
	if o.CACert != "" {
		pool, err := loadCACert(o.CACert)
		if err != nil {
			return nil, err
		}
		tlsConf.RootCAs = pool
	}
	t := &http.Transport{
		Proxy:                 nil,
		DialContext:           (&net.Dialer{Timeout: o.Timeout, KeepAlive: 30 * time.Second}).DialContext,
		TLSClientConfig:       tlsConf,
		TLSHandshakeTimeout:   o.Timeout,
		ResponseHeaderTimeout: o.Timeout,
		MaxIdleConnsPerHost:   8,
		IdleConnTimeout:       30 * time.Second,
		ForceAttemptHTTP2:     true,
	}
	if o.Proxy != "" {
		u, err := url.Parse(o.Proxy)
		if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https" && u.Scheme != "socks5") {
			return nil, usagef("invalid --proxy %q: want http://host:port, https://host:port or socks5://host:port", o.Proxy)
		}
		t.Proxy = http.ProxyURL(u)
	}
	return t, nil
}

// errCrossHostRedirect stops a redirect that leaves the original host.
var errCrossHostRedirect = errors.New("redirect to another host refused")

// newHTTPClient is the client for JWKS fetches: overall timeout, redirects
// followed only on the same scheme and host (at most 5), never to plain http
// from https. Transport errors from bad flags are reported when used.
func newHTTPClient(f *factory, o httpOptions) *http.Client {
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	var rt http.RoundTripper = f.HTTPTransport
	if rt == nil {
		t, err := newTransport(o)
		if err != nil {
			rt = errTransport{err}
		} else {
			rt = t
		}
	}
	return &http.Client{
		Transport: rt,
		Timeout:   o.Timeout,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= 5 {
				return fmt.Errorf("stopped after %d redirects", len(via))
			}
			first := via[0].URL
			if req.URL.Scheme != first.Scheme || req.URL.Host != first.Host {
				return fmt.Errorf("%w: %s → %s://%s", errCrossHostRedirect, first.Host, req.URL.Scheme, req.URL.Host)
			}
			return nil
		},
	}
}

type errTransport struct{ err error }

func (e errTransport) RoundTrip(*http.Request) (*http.Response, error) { return nil, e.err }

// loadCACert reads --cacert: the system roots plus the file's PEM
// certificates. Every problem with the file is a usage error worded one
// way, so a command can check it before anything else happens.
func loadCACert(path string) (*x509.CertPool, error) {
	pem, err := keys.ReadInputFile(path, "CA file", keys.MaxFileBytes)
	if err != nil {
		return nil, usagef("--cacert: %v: give a readable PEM file of CA certificates", err)
	}
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, usagef("--cacert: CA file %s holds no PEM certificate: give a readable PEM file of CA certificates", safetext.FileName(path))
	}
	return pool, nil
}

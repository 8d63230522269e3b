package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/jwtkit/jwtkit/internal/server"
	"github.com/jwtkit/jwtkit/internal/ui"
	"github.com/jwtkit/jwtkit/pkg/keys"
	"github.com/jwtkit/jwtkit/pkg/token"
)

// Default listen addresses of serve: loopback only.
const (
	defaultServeAddr     = "127.0.0.1:8080"
	defaultServeHTTPAddr = "127.0.0.1:8081"
	serveCertFile        = "serve-cert.pem" // in the jwtkit home folder
)

type serveOptions struct {
	f *factory

	Keys         keySourceFlags
	Policy       policyFlags
	Addr         string
	HTTPAddr     string
	TLS          bool
	CertOut      string
	Force        bool
	AllowOrigins []string
	Roles        []string
	RolesClaim   string
	Log          bool
	Login        serveLoginFlags

	// listen opens a listener; nil means net.Listen. Tests may replace it.
	listen func(network, addr string) (net.Listener, error)
	// ready, when set, is told the API's base URL and the redirect
	// listener's ("" without one) once both accept connections.
	ready func(apiURL, httpURL string)
}

func newServeCmd(f *factory, runF func(*serveOptions) error) *cobra.Command {
	opts := &serveOptions{f: f}
	c := &cobra.Command{
		Use:   "serve [--addr <host:port>] [--tls [--http-addr <host:port>] [--cert-out <file>]] [--allow-origin <origin>]... [--role <role>]... [key and policy flags]",
		Short: "Run a reference API that handles tokens right",
		Long: `Run a small API on loopback that treats bearer JWTs the way jwtkit probe expects,
so you can see a clean probe report and test your clients against it.

  GET  /me                     the verified claims (bearer token required)
  GET  /admin                  the same, if the token has every --role (else 403
                               with error="insufficient_scope")
  POST /items                  echoes a JSON object; refuses foreign Origins and
                               Sec-Fetch-Site: cross-site (403)
  GET  /.well-known/jwks.json  the public verification keys (404 for HMAC)
  POST /token                  only with --demo-login: the OAuth 2 password grant
                               (retired by RFC 9700; for testing login flows)

--token-in cookie:NAME reads the token from that cookie instead of the
Authorization header (writes then also need an Origin header), and the demo
login sets it: Secure (with --tls), HttpOnly, SameSite=Strict, Path=/.

A missing token gets 401 with WWW-Authenticate: Bearer realm="jwtkit"; a bad
one gets 401 with error="invalid_token" and a generic description; a token in
the query string, or several Authorization headers, get 400 invalid_request.
Every response carries Cache-Control: no-store; HTTPS responses carry HSTS.
CORS is granted only to the exact --allow-origin values (never "null" or "*"),
without credentials; preflights need no token.

Tokens are verified with the same key flags and policy flags as verify, plus one
default of its own: a token without exp is refused. With no key flag, serve uses
your development key and prints how to mint a token it accepts.

With --tls, serve makes a fresh self-signed ECDSA P-256 certificate for
localhost, 127.0.0.1 and ::1 (valid 7 days), writes it to --cert-out (default:
serve-cert.pem in the jwtkit home folder, $JWTKIT_HOME) for clients' --cacert,
and answers plain HTTP on --http-addr with 308 to the same path and query on
https, and nothing else. It replaces a certificate an earlier serve run wrote;
any other existing file needs --force. Without --tls, tokens travel in clear.

serve runs until interrupted (Ctrl-C or SIGTERM), then finishes in-flight
requests and exits 0.`,
		Example: `  jwtkit serve
  curl -H "Authorization: Bearer $(jwtkit mint --sub alice --role admin)" http://127.0.0.1:8080/me
  jwtkit serve --tls --allow-origin http://localhost:3000 --log
  jwtkit probe https://127.0.0.1:8080/admin --role admin --cacert ~/.config/jwtkit/serve-cert.pem --http-url http://127.0.0.1:8081/admin
  jwtkit serve --key signing.pem --iss https://issuer.example --aud api --role admin`,
		Args: namedArgs(0, 0, ""),
		RunE: func(c *cobra.Command, args []string) error {
			if err := opts.validate(c); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			ctx, stop := signal.NotifyContext(c.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return runServe(ctx, opts)
		},
	}
	fs := c.Flags()
	fs.StringVar(&opts.Addr, "addr", defaultServeAddr, "listen `address` of the API (host:port)")
	fs.BoolVar(&opts.TLS, "tls", false, "serve HTTPS with a fresh self-signed certificate, and redirect plain HTTP")
	fs.StringVar(&opts.HTTPAddr, "http-addr", defaultServeHTTPAddr, "with --tls: plain-HTTP listen `address` that only redirects to https (\"\": none)")
	fs.StringVar(&opts.CertOut, "cert-out", "", "with --tls: write the certificate (PEM) to `file` for --cacert (default: serve-cert.pem in the jwtkit home folder)")
	fs.BoolVar(&opts.Force, "force", false, "with --tls: replace an existing --cert-out file")
	fs.StringArrayVar(&opts.AllowOrigins, "allow-origin", nil, "CORS `origin` to allow, exactly as browsers send it, e.g. https://app.example (repeatable)")
	fs.StringArrayVar(&opts.Roles, "role", []string{"admin"}, "`role` GET /admin requires (repeatable: all required)")
	fs.StringVar(&opts.RolesClaim, "roles-claim", "roles", "claim that holds roles; a dotted name reads a nested one")
	fs.BoolVar(&opts.Log, "log", false, "log one line per request to stderr: method, path, status, duration")
	opts.Keys.addFlags(fs, true)
	opts.Policy.addFlags(fs, false)
	opts.Login.addFlags(fs)
	return c
}

// validate catches usage mistakes before anything listens.
func (o *serveOptions) validate(c *cobra.Command) error {
	fs := c.Flags()
	if err := checkListenAddr("--addr", o.Addr); err != nil {
		return err
	}
	if !o.TLS {
		for _, name := range []string{"http-addr", "cert-out", "force"} {
			if flagChanged(fs, name) {
				return usagef("--%s needs --tls", name)
			}
		}
	} else if o.HTTPAddr != "" {
		if err := checkListenAddr("--http-addr", o.HTTPAddr); err != nil {
			return err
		}
		if o.HTTPAddr == o.Addr && !strings.HasSuffix(o.Addr, ":0") {
			return usagef("--addr and --http-addr must differ")
		}
	}
	for _, origin := range o.AllowOrigins {
		if err := server.CheckOrigin(origin); err != nil {
			return usagef("--allow-origin: %v", err)
		}
	}
	for _, r := range o.Roles {
		if strings.TrimSpace(r) == "" {
			return usagef("--role must not be empty")
		}
	}
	if o.RolesClaim == "" {
		return usagef("--roles-claim must not be empty")
	}
	if err := o.Login.validate(); err != nil {
		return err
	}
	return o.Keys.validate()
}

func runServe(ctx context.Context, o *serveOptions) error {
	f := o.f
	o.Keys.signs = true // serve's banner mints with the dev key it verifies with
	set, err := o.Keys.verificationSet(ctx, f, DefaultTimeout)
	if err != nil {
		return err
	}
	pol, err := o.Policy.policy(f.Now)
	if err != nil {
		return err
	}
	noteCommaRoles(f, o.Roles)
	// A reference API refuses tokens that never expire (RFC 9068 §2.2
	// makes exp required for access tokens); verify leaves that opt-in.
	if !slices.Contains(pol.Require, "exp") {
		pol.Require = append(slices.Clone(pol.Require), "exp")
	}
	v, err := token.NewVerifier(set, pol)
	if err != nil {
		if errors.Is(err, keys.ErrAlgMismatch) {
			return usagef("--alg: %v", err)
		}
		return err
	}
	errOut := ui.NewLockedWriter(f.IO.ErrOut)
	var logW io.Writer
	if o.Log {
		logW = errOut
	}
	demo, err := o.Login.login(o, pol)
	if err != nil {
		return err
	}
	h, err := server.New(server.Config{
		Verifier: v, Keys: set, AdminRoles: o.Roles, RolesClaim: o.RolesClaim,
		AllowOrigins: o.AllowOrigins, Log: logW, Now: f.Now,
		TokenCookie: o.Login.cookie, Login: demo,
	})
	if err != nil {
		return err
	}

	listen := o.listen
	if listen == nil {
		listen = net.Listen
	}
	apiLn, err := listen("tcp", o.Addr)
	if err != nil {
		return fmt.Errorf("cannot listen on --addr %q: %w", o.Addr, err)
	}
	run := server.Options{Handler: h, API: apiLn, ErrorLog: logW}
	scheme, httpURL, certPath := "http", "", ""
	var certExpiry time.Time
	if o.TLS {
		scheme = "https"
		if o.HTTPAddr != "" {
			run.Redirect, err = listen("tcp", o.HTTPAddr)
			if err != nil {
				apiLn.Close()
				return fmt.Errorf("cannot listen on --http-addr %q: %w", o.HTTPAddr, err)
			}
			httpURL = "http://" + server.DisplayAddr(run.Redirect.Addr())
		}
		// Clients check the certificate against the wall clock, not the
		// injected one, so its validity starts from the real time.
		cert, pemBytes, err := server.SelfSigned(server.CertHosts(o.Addr), time.Now())
		if err == nil {
			certPath, err = o.writeCert(pemBytes)
		}
		if err != nil {
			apiLn.Close()
			if run.Redirect != nil {
				run.Redirect.Close()
			}
			return err
		}
		certExpiry = cert.Leaf.NotAfter
		run.TLS = server.TLSConfig(cert)
	}
	apiURL := scheme + "://" + server.DisplayAddr(apiLn.Addr())

	o.printBanner(errOut, set, apiURL, httpURL, certPath, certExpiry)
	o.Login.banner(errOut, apiURL)
	if o.ready != nil {
		o.ready(apiURL, httpURL)
	}
	if err := server.Run(ctx, run); err != nil {
		return fmt.Errorf("serving %s: %w", apiURL, err)
	}
	fmt.Fprintln(errOut, "stopped")
	return nil
}

// writeCert writes the certificate PEM for clients. A file that an earlier
// serve run wrote is replaced; anything else needs --force.
func (o *serveOptions) writeCert(pemBytes []byte) (string, error) {
	path := o.CertOut
	if path == "" {
		home, err := o.f.homeDir()
		if err != nil {
			return "", fmt.Errorf("finding the jwtkit home folder for the certificate (set JWTKIT_HOME or pass --cert-out): %w", err)
		}
		if err := os.MkdirAll(home, 0o700); err != nil {
			return "", fmt.Errorf("creating %q: %w", home, err)
		}
		path = filepath.Join(home, serveCertFile)
	}
	if err := server.WriteCert(path, pemBytes, o.Force); err != nil {
		if errors.Is(err, keys.ErrExists) {
			return "", fmt.Errorf("certificate file %q exists and was not written by jwtkit serve: pass --force to replace it, or another --cert-out", path)
		}
		return "", fmt.Errorf("writing the certificate to %q: %w", path, err)
	}
	return path, nil
}

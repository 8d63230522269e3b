package cmd

import (
	"context"
	"fmt"
	"net/http"
	"net/textproto"
	"net/url"
	"strings"

	"github.com/jwtkit/jwtkit/internal/safetext"
	"github.com/jwtkit/jwtkit/pkg/keys"
	"github.com/jwtkit/jwtkit/pkg/probe"
	"github.com/jwtkit/jwtkit/pkg/token"
)

func (o *probeOptions) validate(args []string) error {
	fs := o.cmd.Flags()
	if err := checkOutput(o.Output, "text", "json", "junit", "sarif", "markdown"); err != nil {
		return err
	}
	if o.List {
		if len(args) > 0 {
			return usagef("--list prints the catalogue: drop the URL")
		}
		if o.Output != "text" && o.Output != "json" {
			return usagef("--list prints text or json")
		}
		return nil
	}
	if len(args) == 0 {
		return usagef("a target URL is required, e.g. jwtkit probe https://api.example.com/me")
	}
	o.URL = args[0]
	if err := checkHTTPURL("target URL", o.URL); err != nil {
		return err
	}
	for _, p := range []struct{ flag, v string }{{"--http-url", o.HTTPURL}, {"--write-url", o.WriteURL}} {
		if p.v != "" {
			if err := checkHTTPURL(p.flag, p.v); err != nil {
				return err
			}
		}
	}
	if o.WriteURL != "" && strings.HasPrefix(o.URL, "https://") && strings.HasPrefix(o.WriteURL, "http://") {
		return usagef("--write-url %s is plain http while the target is https: the token would travel in clear", safetext.URLArg(o.WriteURL))
	}
	if o.Origin != "" {
		u, err := url.Parse(o.Origin)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
			return usagef("invalid --origin %q: want scheme://host[:port], e.g. https://app.example.com", o.Origin)
		}
		o.Origin = u.Scheme + "://" + u.Host
	}
	o.WriteMethod = strings.ToUpper(o.WriteMethod)
	switch o.WriteMethod {
	case "", "GET", "HEAD", "OPTIONS", "CONNECT", "TRACE":
		return usagef("invalid --write-method %q: want a state-changing method such as POST, PUT, PATCH or DELETE", o.WriteMethod)
	}
	if o.FailOn != "fail" && o.FailOn != "warn" {
		return usagef("invalid --fail-on %q: want fail or warn", o.FailOn)
	}
	if o.HTTP.Timeout <= 0 {
		return usagef("--timeout must be positive")
	}
	if o.MaxRequests < 1 {
		return usagef("--max-requests must be at least 1")
	}
	if o.Concurrency < 1 || o.Concurrency > 16 {
		return usagef("--concurrency must be between 1 and 16")
	}
	if o.DryRun && o.Output != "text" && o.Output != "json" {
		return usagef("--dry-run prints text or json")
	}
	if err := o.Keys.validate(); err != nil {
		return err
	}
	if err := o.validateIssuerURL(); err != nil {
		return err
	}
	if err := o.Attacks.validate(); err != nil {
		return err
	}
	if o.Keys.usesStdin() && o.Claims.ClaimsFile == "-" {
		return usagef("--claims - and a key or secret from stdin cannot both read stdin")
	}
	if o.Token != "" || o.Reach.LoginURL != "" && o.Reach.LoginUser != "" {
		// These shape the minted token and have no effect when the valid
		// token is given or issued by the API. --scope and --roles-claim
		// still say what the endpoint requires and where.
		given := "--token"
		if o.Token == "" {
			given = "--login-url"
		}
		mintOnly := []string{"alg", "sub", "iss", "aud", "jti", "claim", "claims", "exp", "no-exp", "nbf", "iat", "no-iat", "header", "typ", "role-format"}
		for _, n := range mintOnly {
			if flagChanged(fs, n) && !(n == "header" && !hasJWTHeader(o.Claims.Headers)) {
				return usagef("--%s shapes the token probe mints: it has no effect with %s", n, given)
			}
		}
	}
	if flagChanged(fs, "token") {
		t, note, err := cleanProbeToken("--token", o.Token)
		if err != nil {
			return err
		}
		o.Token = t
		if note != "" {
			fmt.Fprintln(o.f.IO.ErrOut, "note: "+note)
		}
	}
	if err := o.Reach.validate(o); err != nil {
		return err
	}
	// --header takes both of its meanings: "Name: value" is a request
	// header (as curl's -H), "key=value" a JWT header member (as in mint).
	// Whichever of ':' and '=' comes first decides: an HTTP header name
	// never holds '=', and a JWT member name here never holds ':'.
	jwtHeaders := o.Claims.Headers[:0:0]
	for _, h := range o.Claims.Headers {
		if i := strings.IndexAny(h, ":="); i >= 0 && h[i] == ':' {
			o.RequestHeaders = append(o.RequestHeaders, h)
		} else {
			jwtHeaders = append(jwtHeaders, h)
		}
	}
	o.Claims.Headers = jwtHeaders
	for _, h := range o.RequestHeaders {
		name, _, ok := strings.Cut(h, ":")
		name = strings.TrimSpace(name)
		if !ok || name == "" || strings.ContainsAny(name, " \t") || strings.ContainsAny(h, "\r\n") {
			return usagef("invalid -H %q: want 'Name: value'", h)
		}
		if strings.EqualFold(name, "Authorization") {
			return usagef("-H cannot set Authorization: probe sends its own tokens (give yours with --token)")
		}
	}
	checks, err := probe.Select(o.Only, o.Skip)
	if err != nil {
		return usagef("%v", err)
	}
	if len(checks) == 0 {
		return usagef("--only and --skip leave no check to run")
	}
	o.checks = checks
	return nil
}

func checkHTTPURL(what, s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		// never quote the value whole: people paste tokens where the URL
		// goes, and URLs carry passwords and tokens
		return usagef("invalid %s %s: want an http:// or https:// URL", what, safetext.URLArg(s))
	}
	return nil
}

// config resolves keys, mints the valid token and builds the probe config.
func (o *probeOptions) config() (probe.Config, error) {
	f := o.f
	now := f.Now()
	cfg := probe.Config{
		Target:      o.URL,
		Roles:       o.Claims.Roles,
		RolesClaim:  o.Claims.RolesClaim,
		Origin:      o.Origin,
		HTTPURL:     o.HTTPURL,
		WriteURL:    o.WriteURL,
		WriteMethod: o.WriteMethod,
		WriteBody:   []byte(o.WriteBody),
		ExpectBody:  o.ExpectBody,
		UserAgent:   "jwtkit-probe/" + f.Version.Version,
		Checks:      o.checks,
		Timeout:     o.HTTP.Timeout,
		MaxRequests: o.MaxRequests,
		Concurrency: o.Concurrency,
		Now:         f.Now,
		Header:      http.Header{},
		Wait:        o.wait,
	}
	for _, h := range o.RequestHeaders {
		name, v, _ := strings.Cut(h, ":")
		cfg.Header.Add(textproto.CanonicalMIMEHeaderKey(strings.TrimSpace(name)), strings.TrimSpace(v))
	}
	if err := o.Reach.apply(o, &cfg); err != nil {
		return cfg, err
	}
	if cfg.Login != nil {
		// the API issues the valid token; a key given too makes the
		// re-signing checks run
		key, err := o.tokenKey()
		if err != nil {
			return cfg, err
		}
		if key != nil && key.IsPrivate() {
			cfg.Key = key
		}
	} else if o.Token != "" {
		cfg.Token = o.Token
		key, err := o.tokenKey()
		if err != nil {
			return cfg, err
		}
		if key != nil {
			if key.IsPrivate() {
				cfg.Key = key
			}
			if key.Type != keys.Oct {
				cfg.PublicKey = key.PublicKey().Public
			}
		}
	} else {
		o.Reach.roleClaims(&o.Claims)
		m, err := prepareMint(f, o.cmd.Flags(), &o.Keys, &o.Claims, o.Alg, now)
		if err != nil {
			return cfg, err
		}
		tok, _, err := m.mintOne()
		if err != nil {
			return cfg, err
		}
		key := m.key
		cfg.Token, cfg.Key, cfg.Minted = tok, key, true
		if key.Type != keys.Oct {
			cfg.PublicKey = key.PublicKey().Public
		}
	}
	var rt http.RoundTripper = f.HTTPTransport
	if rt == nil {
		t, err := newTransport(o.HTTP)
		if err != nil {
			return cfg, err
		}
		rt = t
	}
	cfg.Client = &http.Client{Transport: rt} // probe bounds each request with --timeout itself
	return cfg, nil
}

// tokenKey loads the key given with --token, if any: a private key or
// secret enables the re-minting checks, a public key jwt.key-confusion. It
// never falls back to the development key.
func (o *probeOptions) tokenKey() (*keys.Key, error) {
	if o.IssuerURL != "" {
		return o.issuerKey()
	}
	if len(o.Keys.sources()) == 0 {
		return nil, nil
	}
	src, err := o.Keys.source(o.f)
	if err != nil {
		return nil, err
	}
	set, err := src.Keys(context.Background(), nil)
	if err != nil {
		return nil, err
	}
	kid, alg := "", ""
	if t, err := token.Parse(o.Token); err == nil {
		kid, alg = t.KID(), t.Alg()
	}
	if o.Keys.KID != "" {
		kid = o.Keys.KID
	}
	found, err := set.ForToken(kid, alg)
	if err != nil {
		return nil, usagef("no key given fits the token: %v", err)
	}
	return found[0], nil // a private key when the set has one
}

func hasJWTHeader(hs []string) bool {
	for _, h := range hs {
		if i := strings.IndexAny(h, ":="); i < 0 || h[i] == '=' {
			return true
		}
	}
	return false
}

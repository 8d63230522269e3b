package cmd

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/jwtkit/jwtkit/internal/server"
	"github.com/jwtkit/jwtkit/pkg/probe"
	"github.com/jwtkit/jwtkit/pkg/token"
)

// demoTokenLifetime is how long a token from the demo login lives.
const demoTokenLifetime = 15 * time.Minute

// serveLoginFlags make serve the reference for probe's carriers and login
// flow: the token in a cookie, and a password grant at POST /token.
type serveLoginFlags struct {
	TokenIn         string
	DemoLogin       string
	DemoPasswordEnv string

	cookie string
}

func (d *serveLoginFlags) addFlags(fs *pflag.FlagSet) {
	fs.StringVar(&d.TokenIn, "token-in", "authorization", "where the API reads the token: `authorization` or cookie:NAME")
	fs.StringVar(&d.DemoLogin, "demo-login", "", "enable POST /token, a demonstration OAuth 2 password grant for this `user` (RFC 9700 retires it)")
	fs.StringVar(&d.DemoPasswordEnv, "demo-password-env", "", "read the --demo-login password from this environment `variable`")
}

func (d *serveLoginFlags) validate() error {
	c, err := probe.ParseCarrier(d.TokenIn)
	if err != nil {
		return usagef("invalid --token-in %v", err)
	}
	switch c.Kind {
	case probe.CarrierAuthorization:
	case probe.CarrierCookie:
		d.cookie = c.Name
	default:
		return usagef("invalid --token-in %q: serve reads authorization or cookie:NAME", d.TokenIn)
	}
	if (d.DemoLogin == "") != (d.DemoPasswordEnv == "") {
		return usagef("--demo-login and --demo-password-env go together (the password is never taken on the command line)")
	}
	if strings.TrimSpace(d.DemoLogin) != d.DemoLogin {
		return usagef("invalid --demo-login %q: no surrounding spaces", d.DemoLogin)
	}
	return nil
}

// login builds the demo login, signing with the serve key under the
// policy's first issuer and audiences and the /admin roles, so that its
// tokens pass every route.
func (d *serveLoginFlags) login(o *serveOptions, pol token.Policy) (*server.Login, error) {
	if d.DemoLogin == "" {
		return nil, nil
	}
	f := o.f
	pw, err := envValue(f, "--demo-password-env", d.DemoPasswordEnv, "DEMO_PASSWORD")
	if err != nil {
		return nil, err
	}
	key, err := o.Keys.signingKey(f)
	if err != nil {
		return nil, usagef("--demo-login signs tokens, so it needs a private key or a secret (--key, --secret-*; none: the development key): %v", err)
	}
	alg := key.DefaultAlg()
	if len(pol.Algs) > 0 {
		alg = pol.Algs[0]
	}
	header := map[string]any{"typ": "JWT"}
	if key.KID != "" {
		header["kid"] = key.KID
	}
	signer, err := token.NewSigner(key, alg, header)
	if err != nil {
		return nil, usagef("--demo-login: %v", err)
	}
	spec := token.Spec{Audience: pol.Audiences, Roles: o.Roles, RolesClaim: o.RolesClaim, Scope: strings.Join(pol.Scopes, " ")}
	if len(pol.Issuers) > 0 {
		spec.Issuer = pol.Issuers[0]
	}
	return &server.Login{
		User: d.DemoLogin, Password: pw,
		Issue: func(user string) (string, time.Duration, error) {
			s := spec
			s.Subject = user
			now := f.Now()
			exp := now.Add(demoTokenLifetime)
			s.IssuedAt, s.Expires = &now, &exp
			c, err := s.Claims()
			if err != nil {
				return "", 0, err
			}
			tok, err := signer.Sign(c)
			return tok, demoTokenLifetime, err
		},
	}, nil
}

// banner says where the token is read and warns about the demo grant.
func (d *serveLoginFlags) banner(w io.Writer, apiURL string) {
	if d.cookie != "" {
		fmt.Fprintf(w, "tokens are read from the cookie %q, not the Authorization header\n", d.cookie)
	}
	if d.DemoLogin != "" {
		fmt.Fprintf(w, "  POST %s/token (password grant for %q)\n", apiURL, d.DemoLogin)
		fmt.Fprintln(w, "warning: --demo-login enables the OAuth 2 password grant, which RFC 9700 §2.4 says MUST NOT be used; it is here only to test login flows such as jwtkit probe --login-url")
	}
}

package cmd

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"

	"github.com/spf13/pflag"

	"github.com/jwtkit/jwtkit/internal/safetext"
	"github.com/jwtkit/jwtkit/pkg/keys"
	"github.com/jwtkit/jwtkit/pkg/probe"
	"github.com/jwtkit/jwtkit/pkg/token"
)

// probeReachFlags are the flags that point probe at real APIs: where the
// token goes, how the API issues it, a second identity, the request shape
// and the report formats of issue 11.
type probeReachFlags struct {
	TokenIn     string
	TokenScheme string

	LoginURL          string
	LoginUser         string
	LoginPasswordEnv  string
	LoginPasswordFile string
	LoginClientID     string
	LoginSecretEnv    string
	LoginFormat       string
	LoginTokenPath    string

	LowToken             string
	LowLoginUser         string
	LowLoginPasswordEnv  string
	LowLoginPasswordFile string

	Method      string
	Body        string
	BodyFile    string
	ContentType string
	AllowWrite  bool

	RoleFormat     string
	SARIFPath      string
	AllowPlainHTTP bool

	carrier probe.Carrier
}

func (p *probeReachFlags) addFlags(fs *pflag.FlagSet) {
	fs.StringVar(&p.TokenIn, "token-in", "authorization", "where every token goes: `authorization`, header:NAME, cookie:NAME, query:NAME or form:NAME")
	fs.StringVar(&p.TokenScheme, "token-scheme", "", "`scheme` before the token (default Bearer for authorization, none for the others; '' sends the raw token)")
	fs.StringVar(&p.LoginURL, "login-url", "", "get the valid token from this password-grant login `url` (OAuth 2 form, or --login-format json)")
	fs.StringVar(&p.LoginUser, "login-user", "", "user `name` for --login-url")
	fs.StringVar(&p.LoginPasswordEnv, "login-password-env", "", "read the login password from this environment `variable`")
	fs.StringVar(&p.LoginPasswordFile, "login-password-file", "", "read the login password from this `file` (first line)")
	fs.StringVar(&p.LoginClientID, "login-client-id", "", "client_id to send with the login (Keycloak and other providers)")
	fs.StringVar(&p.LoginSecretEnv, "login-client-secret-env", "", "read the login's client_secret from this environment `variable`")
	fs.StringVar(&p.LoginFormat, "login-format", "form", "login body: form (OAuth 2 password grant) or json")
	fs.StringVar(&p.LoginTokenPath, "login-token-path", "", "dotted `path` of the token in the login's JSON answer (default access_token)")
	fs.StringVar(&p.LowToken, "low-token", "", "a valid `jwt` of a low-privilege identity, for authz.low-privilege")
	fs.StringVar(&p.LowLoginUser, "low-login-user", "", "log in as this low-privilege `user` at --login-url, for authz.low-privilege")
	fs.StringVar(&p.LowLoginPasswordEnv, "low-login-password-env", "", "the low-privilege password's environment `variable`")
	fs.StringVar(&p.LowLoginPasswordFile, "low-login-password-file", "", "the low-privilege password's `file`")
	fs.StringVar(&p.Method, "method", "GET", "`method` of every request to the target (other than GET, HEAD, OPTIONS: needs --allow-write)")
	fs.StringVar(&p.Body, "body", "", "request `body` sent with every request to the target")
	fs.StringVar(&p.BodyFile, "body-file", "", "read the request body from this `file`")
	fs.StringVar(&p.ContentType, "content-type", "", "Content-Type of --body (default application/json; form for --token-in form)")
	fs.BoolVar(&p.AllowWrite, "allow-write", false, "allow a state-changing --method: every forged token a broken API accepts then performs the write")
	fs.StringVar(&p.RoleFormat, "role-format", "array", "how the minted token carries --role: array, string (one role) or space (space-delimited)")
	fs.BoolVar(&p.AllowPlainHTTP, "allow-plain-http", false, "send test tokens in clear to a plain-http host that is not loopback; use only throwaway tokens")
	fs.StringVar(&p.SARIFPath, "sarif-path", "", "repository-relative `path` SARIF results point at (default derived from host, port and path)")
}

// validate checks the reach flags; usingToken is true when --token gives
// the valid token.
func (p *probeReachFlags) validate(o *probeOptions) error {
	fs := o.cmd.Flags()
	c, err := probe.ParseCarrier(p.TokenIn)
	if err != nil {
		return usagef("invalid --token-in %v", err)
	}
	if flagChanged(fs, "token-scheme") {
		if strings.ContainsAny(p.TokenScheme, " \t\r\n") {
			return usagef("invalid --token-scheme %q: one word, e.g. Bearer or JWT", p.TokenScheme)
		}
		c.Scheme = p.TokenScheme
	}
	p.carrier = c
	p.Method = strings.ToUpper(strings.TrimSpace(p.Method))
	switch p.Method {
	case "GET", "HEAD", "OPTIONS":
	case "POST", "PUT", "PATCH", "DELETE":
		if !p.AllowWrite {
			return usagef("--method %s sends every forged token as a %s, and an API that accepts one performs the write: pass --allow-write if the endpoint may safely receive it", p.Method, p.Method)
		}
	default:
		return usagef("invalid --method %q: want GET, HEAD, OPTIONS, POST, PUT, PATCH or DELETE", p.Method)
	}
	bodyMethod := p.Method == "POST" || p.Method == "PUT" || p.Method == "PATCH" || p.Method == "DELETE"
	if c.NeedsBody() && !bodyMethod {
		return usagef("--token-in %s puts the token in a form body: it needs --method POST, PUT, PATCH or DELETE (and --allow-write)", c)
	}
	if p.Body != "" && p.BodyFile != "" {
		return usagef("--body and --body-file cannot be used together")
	}
	if (p.Body != "" || p.BodyFile != "") && !bodyMethod {
		return usagef("--body needs --method POST, PUT, PATCH or DELETE (and --allow-write)")
	}
	if p.ContentType != "" && p.Body == "" && p.BodyFile == "" {
		return usagef("--content-type needs --body or --body-file")
	}
	if p.LoginFormat != "form" && p.LoginFormat != "json" {
		return usagef("invalid --login-format %q: want form or json", p.LoginFormat)
	}
	if p.RoleFormat != "array" && p.RoleFormat != "string" && p.RoleFormat != "space" {
		return usagef("invalid --role-format %q: want array, string or space", p.RoleFormat)
	}
	if p.RoleFormat == "string" && len(o.Claims.Roles) > 1 {
		return usagef("--role-format string carries one role: give one --role, or use --role-format space")
	}
	loginOnly := []string{"login-user", "login-password-env", "login-password-file", "login-client-id", "login-client-secret-env", "login-format", "login-token-path", "low-login-user"}
	if p.LoginURL == "" {
		for _, n := range loginOnly {
			if flagChanged(fs, n) {
				return usagef("--%s needs --login-url", n)
			}
		}
	} else {
		if err := checkHTTPURL("--login-url", p.LoginURL); err != nil {
			return err
		}
		if u, _ := url.Parse(p.LoginURL); u.Scheme == "http" && !keys.IsLoopback(u.Hostname()) {
			return usagef("--login-url %s is plain http to a non-loopback host: the password would travel in clear; use https", safetext.URLArg(p.LoginURL))
		}
		if o.Token != "" {
			return usagef("--login-url and --token cannot be used together: the login issues the valid token")
		}
		if p.LoginUser == "" && p.LowLoginUser == "" {
			return usagef("--login-url needs --login-user (or --low-login-user)")
		}
		if p.LoginUser != "" {
			if err := onePassword("--login-password", p.LoginPasswordEnv, p.LoginPasswordFile); err != nil {
				return err
			}
		}
		if p.LowLoginUser != "" {
			if err := onePassword("--low-login-password", p.LowLoginPasswordEnv, p.LowLoginPasswordFile); err != nil {
				return err
			}
		}
	}
	if p.LowToken != "" && p.LowLoginUser != "" {
		return usagef("--low-token and --low-login-user cannot be used together")
	}
	if p.LowToken != "" {
		t, note, err := cleanProbeToken("--low-token", p.LowToken)
		if err != nil {
			return err
		}
		p.LowToken = t
		if note != "" {
			fmt.Fprintln(o.f.IO.ErrOut, "note: "+note)
		}
	}
	if err := p.checkPlainHTTP(o); err != nil {
		return err
	}
	if o.Output != "sarif" && flagChanged(fs, "sarif-path") {
		return usagef("--sarif-path needs -o sarif")
	}
	if flagChanged(fs, "sarif-path") {
		if err := probe.CheckSARIFPath(p.SARIFPath); err != nil {
			return usagef("invalid --sarif-path %s: %v; want a path relative to the repository root, e.g. security/probe/api.example.com", safetext.Quote(p.SARIFPath), err)
		}
	}
	return nil
}

// checkPlainHTTP refuses a run that would send tokens in clear to a
// plain-http host that is not loopback (the target or --write-url) unless
// --allow-plain-http says so; a dry run sends nothing, so it only notes
// that the real run would need the flag.
func (p *probeReachFlags) checkPlainHTTP(o *probeOptions) error {
	if p.AllowPlainHTTP {
		return nil
	}
	for _, u := range []struct{ flag, raw string }{{"the target", o.URL}, {"--write-url", o.WriteURL}} {
		pu, err := url.Parse(u.raw)
		if u.raw == "" || err != nil || pu.Scheme != "http" || keys.IsLoopback(pu.Hostname()) {
			continue
		}
		if o.DryRun {
			fmt.Fprintf(o.f.IO.ErrOut, "note: %s is plain http to a host that is not loopback: the real run would send the test tokens in clear and needs --allow-plain-http\n", u.flag)
			return nil
		}
		return usagef("%s %s is plain http to a host that is not loopback: probe's test tokens would travel in clear; use https, or pass --allow-plain-http to send throwaway tokens in clear", u.flag, safetext.URLArg(u.raw))
	}
	return nil
}

// maxBodyFile caps --body-file: a request body for an API, not an upload.
const maxBodyFile = 10 << 20

// apply puts the reach flags into the probe config.
func (p *probeReachFlags) apply(o *probeOptions, cfg *probe.Config) error {
	cfg.Carrier = p.carrier
	cfg.Method = p.Method
	cfg.AllowPlainHTTP = p.AllowPlainHTTP
	switch {
	case p.Body != "":
		cfg.Body = []byte(p.Body)
	case p.BodyFile != "":
		b, err := keys.ReadInputFile(p.BodyFile, "--body-file", maxBodyFile)
		if err != nil {
			return err
		}
		cfg.Body = b
	}
	cfg.ContentType = p.ContentType
	cfg.Scopes = token.SplitScope(strings.Join(o.Claims.Scopes, " "))
	cfg.LowToken = p.LowToken
	if p.LoginURL == "" {
		return nil
	}
	base := probe.Login{URL: p.LoginURL, ClientID: p.LoginClientID, JSON: p.LoginFormat == "json", TokenPath: p.LoginTokenPath}
	if c := p.carrier; c.Kind == probe.CarrierCookie {
		base.Cookie = c.Name
	}
	if p.LoginSecretEnv != "" {
		s, err := o.secret("--login-client-secret", p.LoginSecretEnv, "")
		if err != nil {
			return err
		}
		base.ClientSecret = s
	}
	if p.LoginUser != "" {
		pw, err := o.secret("--login-password", p.LoginPasswordEnv, p.LoginPasswordFile)
		if err != nil {
			return err
		}
		l := base
		l.User, l.Password = p.LoginUser, pw
		cfg.Login = &l
	}
	if p.LowLoginUser != "" {
		pw, err := o.secret("--low-login-password", p.LowLoginPasswordEnv, p.LowLoginPasswordFile)
		if err != nil {
			return err
		}
		l := base
		l.User, l.Password = p.LowLoginUser, pw
		cfg.LowLogin = &l
	}
	return nil
}

// roleClaims turns --role into a --claim for the string and space role
// formats, so the minted token carries roles the way the API reads them.
func (p *probeReachFlags) roleClaims(c *claimFlags) {
	if p.RoleFormat == "array" || len(c.Roles) == 0 {
		return
	}
	v, _ := json.Marshal(strings.Join(c.Roles, " "))
	c.Claims = append(c.Claims, c.RolesClaim+"="+string(v))
	c.Roles = nil
}

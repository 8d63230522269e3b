package probe

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/jwtkit/jwtkit/internal/safetext"
	"github.com/jwtkit/jwtkit/internal/strictjson"
	"github.com/jwtkit/jwtkit/pkg/keys"
	"github.com/jwtkit/jwtkit/pkg/token"
)

// ErrLogin wraps every failure to get a token from Config.Login or
// Config.LowLogin.
var ErrLogin = errors.New("login failed")

// Login is the OAuth 2 password grant (RFC 6749 §4.3) as FastAPI's
// OAuth2PasswordRequestForm expects it, or a JSON login: probe posts the
// credentials once, never follows a redirect with them, and reads the
// token from the answer.
type Login struct {
	URL          string
	User         string
	Password     string
	ClientID     string // sent as client_id when set (Keycloak and other providers)
	ClientSecret string // sent as client_secret when set
	JSON         bool   // {"username","password"} as JSON instead of a form with grant_type=password
	TokenPath    string // dotted path of the token in the JSON answer; "" = access_token
	Cookie       string // read the token from the Set-Cookie of this name instead
}

// minScrub is the shortest secret scrubbed from evidence text: shorter
// ones would blank out ordinary words, and evidence never quotes a
// request body.
const minScrub = 4

func (l *Login) check(what string) error {
	u, err := parseHTTPURL(l.URL)
	if err != nil {
		return fmt.Errorf("%w: %s URL: %v", ErrConfig, what, err)
	}
	if u.Scheme == "http" && !keys.IsLoopback(u.Hostname()) {
		return fmt.Errorf("%w: %s URL %s is plain http to a non-loopback host: the password would travel in clear", ErrConfig, what, safetext.URLArg(l.URL))
	}
	if l.User == "" {
		return fmt.Errorf("%w: %s needs a user name", ErrConfig, what)
	}
	return nil
}

// body is the login request body, for real and as reports show it.
func (l *Login) body() (ctype string, real, shown []byte) {
	if l.JSON {
		m := map[string]string{"username": l.User, "password": l.Password}
		s := map[string]string{"username": l.User, "password": "REDACTED"}
		if l.ClientID != "" {
			m["client_id"], s["client_id"] = l.ClientID, l.ClientID
		}
		if l.ClientSecret != "" {
			m["client_secret"], s["client_secret"] = l.ClientSecret, "REDACTED"
		}
		real, _ = json.Marshal(m)
		shown, _ = json.Marshal(s)
		return "application/json", real, shown
	}
	v := url.Values{"grant_type": {"password"}, "username": {l.User}, "password": {l.Password}}
	s := url.Values{"grant_type": {"password"}, "username": {l.User}, "password": {"REDACTED"}}
	if l.ClientID != "" {
		v.Set("client_id", l.ClientID)
		s.Set("client_id", l.ClientID)
	}
	if l.ClientSecret != "" {
		v.Set("client_secret", l.ClientSecret)
		s.Set("client_secret", "REDACTED")
	}
	return "application/x-www-form-urlencoded", []byte(v.Encode()), []byte(s.Encode())
}

// scrubSecret adds s to the texts every output is scrubbed of.
func (r *run) scrubSecret(s string) {
	if len(s) < minScrub {
		return
	}
	r.mu.Lock()
	r.sent[s] = true
	r.mu.Unlock()
}

// login posts l's credentials and returns the issued token.
func (r *run) login(ctx context.Context, l *Login, label string) (string, error) {
	r.scrubSecret(l.Password)
	r.scrubSecret(l.ClientSecret)
	ctype, body, shownBody := l.body()
	x := &exchange{label: label, method: http.MethodPost, url: redactURL(l.URL, ""), cred: credNone}
	req, err := http.NewRequest(http.MethodPost, l.URL, bytes.NewReader(body))
	if err != nil {
		return "", fmt.Errorf("%w: %s: %v", ErrLogin, label, err)
	}
	req.Header.Set("User-Agent", r.cfg.UserAgent)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Content-Type", ctype)
	x.curl = curlLine(req, shown{url: x.url, body: shownBody}, false)
	r.reach.mu.Lock()
	r.reach.logins = append(r.reach.logins, x)
	r.reach.mu.Unlock()
	r.count.Add(1)
	if r.dry {
		// A placeholder stands in for the token the API would issue, so
		// that the plan lists every request.
		h, _ := json.Marshal(map[string]any{"alg": "HS256", "typ": "JWT"})
		c, _ := json.Marshal(map[string]any{"sub": l.User, "note": "placeholder for the token " + label + " issues"})
		return b64(string(h)) + "." + b64(string(c)) + ".cGxhY2Vob2xkZXI", nil
	}
	rctx, cancel := context.WithTimeout(ctx, r.cfg.Timeout)
	defer cancel()
	resp, err := r.client.Do(req.WithContext(rctx))
	if err != nil {
		x.err = err
		return "", fmt.Errorf("%w: %s %s: %s", ErrLogin, label, x.url, errText(err))
	}
	defer resp.Body.Close()
	x.status, x.header = resp.StatusCode, resp.Header
	x.body, _ = io.ReadAll(io.LimitReader(resp.Body, r.cfg.MaxBodyBytes))
	switch {
	case class(resp.StatusCode) == 3:
		return "", fmt.Errorf("%w: %s %s answered %d with a redirect; probe does not follow it, so the password is not sent again: give the final URL", ErrLogin, label, x.url, resp.StatusCode)
	case class(resp.StatusCode) != 2:
		return "", fmt.Errorf("%w: %s %s answered %d: check the user, the password and the client id", ErrLogin, label, x.url, resp.StatusCode)
	}
	var tok string
	var m map[string]any
	if obj, err := strictjson.Object(string(x.body), 32); err == nil {
		m = obj
		if rt, ok := m["refresh_token"].(string); ok {
			r.scrubSecret(rt)
		}
	}
	if l.Cookie != "" {
		for _, c := range resp.Cookies() {
			if c.Name == l.Cookie && c.Value != "" {
				tok = c.Value
			}
		}
	}
	if tok == "" {
		path := l.TokenPath
		if path == "" {
			path = "access_token"
		}
		if m == nil {
			if l.Cookie != "" {
				return "", fmt.Errorf("%w: %s answered %d without a Set-Cookie %s and without a JSON object", ErrLogin, label, resp.StatusCode, safetext.Quote(l.Cookie))
			}
			return "", fmt.Errorf("%w: %s answered %d without a JSON object to read %s from", ErrLogin, label, resp.StatusCode, safetext.Quote(path))
		}
		v, ok, _ := token.LookupClaim(m, path)
		s, isStr := v.(string)
		if !ok || !isStr || s == "" {
			return "", fmt.Errorf("%w: %s answered %d without a string at %s (members: %s); name it with the token path", ErrLogin, label, resp.StatusCode, safetext.Quote(path), memberNames(m))
		}
		tok = s
	}
	tok = token.Clean(tok)
	r.scrubSecret(tok)
	if what := notForgeable(tok); what != "" {
		return "", fmt.Errorf("%w: %s issued %s, not a signed JWT: probe forges and re-signs JWTs, so its token checks cannot run on it; run without the login to grade what needs no token (auth.missing-token, tls, cors, csrf), or give a JWT the API accepts with --token", ErrLogin, label, what)
	}
	return tok, nil
}

// notForgeable says what an issued token is when it is no compact JWS
// with a JSON header and payload (the only kind probe can forge), "" when
// it is one. It never quotes the token.
func notForgeable(tok string) string {
	parts := strings.Split(tok, ".")
	switch {
	case len(parts) == 5:
		return "an encrypted JWE (5 parts)"
	case len(parts) != 3 || newForger(tok) == nil:
		return fmt.Sprintf("an opaque access token (%d characters)", len(tok))
	}
	return ""
}

func memberNames(m map[string]any) string {
	var names []string
	for k := range m {
		names = append(names, safetext.Quote(k))
	}
	if len(names) == 0 {
		return "none"
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// logins runs the configured logins before anything else.
func (r *run) logins(ctx context.Context) error {
	if l := r.cfg.Login; l != nil {
		tok, err := r.login(ctx, l, "login as "+l.User)
		if err != nil {
			return err
		}
		r.cfg.Token, r.cfg.Minted = tok, false
		r.forger = newForger(tok)
	}
	if l := r.cfg.LowLogin; l != nil {
		tok, err := r.login(ctx, l, "low-privilege login as "+l.User)
		if err != nil {
			return err
		}
		r.cfg.LowToken = tok
	}
	if r.cfg.LowToken != "" {
		r.scrubSecret(r.cfg.LowToken)
	}
	return nil
}

package server

import (
	"crypto/subtle"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/jwtkit/jwtkit/pkg/token"
)

// Login is the demonstration password grant of POST /token (RFC 6749
// §4.3, form-encoded as FastAPI's OAuth2PasswordRequestForm expects). RFC
// 9700 §2.4 says this grant MUST NOT be used; serve offers it only behind
// an explicit flag so that probe's login flow has a reference to run
// against.
type Login struct {
	User     string
	Password string
	// Issue signs an access token for user and says how long it lives.
	Issue func(user string) (tok string, lifetime time.Duration, err error)
}

func (l *Login) check() error {
	if l.User == "" || l.Password == "" || l.Issue == nil {
		return errors.New("server: the demo login needs a user, a password and an issuer")
	}
	return nil
}

// authenticateCookie reads the token from Config.TokenCookie. A request
// without that cookie is a request without credentials.
func (h *handler) authenticateCookie(w http.ResponseWriter, r *http.Request) *token.Result {
	var vals []string
	for _, c := range r.Cookies() {
		if c.Name == h.cfg.TokenCookie {
			vals = append(vals, c.Value)
		}
	}
	switch {
	case len(vals) > 1:
		challenge(w, http.StatusBadRequest, "invalid_request", "send the token cookie once")
		return nil
	case len(vals) == 0 || vals[0] == "":
		challenge(w, http.StatusUnauthorized, "", "")
		return nil
	}
	return h.verify(w, vals[0])
}

// tokenResponse is RFC 6749 §5.1.
type tokenResponse struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int64  `json:"expires_in"`
}

func (h *handler) token(w http.ResponseWriter, r *http.Request) {
	if !h.sameOriginWrite(r) {
		writeError(w, http.StatusForbidden, "forbidden_origin", "cross-origin logins are refused")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 8<<10)
	if err := r.ParseForm(); err != nil || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		writeError(w, http.StatusBadRequest, "invalid_request", "send grant_type, username and password as application/x-www-form-urlencoded")
		return
	}
	l := h.cfg.Login
	if r.PostForm.Get("grant_type") != "password" {
		writeError(w, http.StatusBadRequest, "unsupported_grant_type", "only grant_type=password is offered")
		return
	}
	userOK := subtle.ConstantTimeCompare([]byte(r.PostForm.Get("username")), []byte(l.User)) == 1
	passOK := subtle.ConstantTimeCompare([]byte(r.PostForm.Get("password")), []byte(l.Password)) == 1
	if !userOK || !passOK {
		writeError(w, http.StatusBadRequest, "invalid_grant", "the user name or password is wrong")
		return
	}
	tok, life, err := l.Issue(l.User)
	if err != nil {
		writeError(w, http.StatusInternalServerError, "server_error", "the server could not issue a token")
		return
	}
	if h.cfg.TokenCookie != "" {
		http.SetCookie(w, &http.Cookie{
			Name: h.cfg.TokenCookie, Value: tok, Path: "/", MaxAge: int(life / time.Second),
			Secure: r.TLS != nil, HttpOnly: true, SameSite: http.SameSiteStrictMode,
		})
	}
	w.Header().Set("Pragma", "no-cache")
	writeJSON(w, http.StatusOK, tokenResponse{AccessToken: tok, TokenType: "Bearer", ExpiresIn: int64(life / time.Second)})
}

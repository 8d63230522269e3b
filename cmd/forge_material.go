package cmd

import (
	"context"
	"net/http"
	"strings"

	"github.com/jwtkit/jwtkit/internal/safetext"
	"github.com/jwtkit/jwtkit/pkg/keys"
	"github.com/jwtkit/jwtkit/pkg/probe/forge"
)

// material loads the key flags: a private key or secret re-signs, a public
// key (and its file's exact bytes) feeds key confusion.
func (o *forgeOptions) material(ctx context.Context, fg *forge.Forger) (forge.Material, error) {
	f := o.f
	m := forge.Material{Now: f.Now(), Roles: o.Roles, RolesClaim: o.RolesClaim}
	noteCommaRoles(f, o.Roles)
	if len(o.Keys.sources()) > 0 {
		src, err := o.Keys.source(f)
		if err != nil {
			return m, err
		}
		var client *http.Client
		if o.Keys.JWKS != "" {
			// --jwks URL: fetched like verify's (timeout, size cap, TLS
			// verification with --cacert roots, same-host redirects, no proxy).
			client = newHTTPClient(f, httpOptions{Timeout: DefaultTimeout, CACert: o.CACert})
		}
		set, err := src.Keys(ctx, client)
		if err != nil {
			return m, err
		}
		kid, _ := fg.Header()["kid"].(string)
		if o.Keys.KID != "" {
			kid = o.Keys.KID
		}
		found, err := set.ForToken(kid, fg.Alg())
		if err != nil {
			// forge makes what it can: a key of another alg still
			// feeds the variants that need only some key material.
			found = set.Keys
		}
		for _, k := range found {
			if k.IsPrivate() && m.Key == nil {
				m.Key = k
			}
			if k.Type != keys.Oct && m.PublicKey == nil {
				m.PublicKey = k.PublicKey().Public
			}
		}
		if o.Keys.JWKS != "" {
			// --jwks is the set the API publishes: its key feeds the
			// jwks-* key-confusion variants.
			m.JWKSKey, m.PublicKey = m.PublicKey, nil
		} else if m.Key == nil {
			warnWeakKeyFlag(f, m.PublicKey)
		}
		if m.Key == nil && m.PublicKey != nil && o.Keys.Key != "" && o.Keys.Key != "-" {
			if b, err := keys.ReadInputFile(o.Keys.Key, "key file", keys.MaxFileBytes); err == nil {
				m.KeyFile = b
			}
		}
	}
	needsAttacker := o.CallbackURL != "" && (o.All || o.wants("jwt.jku-injection", "jwt.x5u-injection", "jwt.issuer-discovery-injection"))
	if needsAttacker || o.All || o.wants("jwt.x5c-injection") {
		kid, _ := fg.Header()["kid"].(string)
		a, err := forge.NewAttacker(fg.Alg(), kid, f.Now())
		if err != nil {
			return m, withCode(ExitError, err)
		}
		m.Attacker = a
		if needsAttacker {
			if m.Callback, err = forge.NewCallback(a, o.CallbackURL, ""); err != nil {
				return m, usagef("%v", err)
			}
		}
	}
	return m, nil
}

func (o *forgeOptions) wants(checks ...string) bool {
	for _, v := range o.Variants {
		c, _, _ := strings.Cut(v, "/")
		for _, want := range checks {
			if c == want {
				return true
			}
		}
	}
	return false
}

// needsText spells out a catalogue "needs" value as the flags that give it.
func needsText(needs string) string {
	switch needs {
	case "key file":
		return "the public key file the API verifies with (--key pub.pem); a private key or secret is not used as an HMAC secret"
	case "public key":
		return "the issuer's public key (--key)"
	case "published JWKS":
		return "the JWK Set the API publishes (--jwks FILE|URL), with a key other than --key's"
	case "signing key":
		return "the signing key or secret (--key, --secret-file, --secret-env)"
	case "callback":
		return "a callback URL the target can reach (--callback-url)"
	case "ES token":
		return "an ES256, ES384 or ES512 token"
	}
	return needs
}

// describeVariantArg names a --variant value in an error without echoing
// what may be a whole token pasted by mistake.
func describeVariantArg(v string) string {
	if len(v) <= 64 && safetext.ShapeOf(v) == safetext.Plain {
		return safetext.Quote(v) // ids run longer than QuoteArg's limit
	}
	return safetext.QuoteArg(v)
}

package cmd

import (
	"context"
	"os"
	"strings"

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
		set, err := src.Keys(ctx, nil)
		if err != nil {
			return m, err
		}
		kid, _ := fg.Header()["kid"].(string)
		if o.Keys.KID != "" {
			kid = o.Keys.KID
		}
		found, err := set.Find(kid, fg.Alg())
		if err != nil || len(found) == 0 {
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
		}
		if m.Key == nil && m.PublicKey != nil && o.Keys.Key != "" && o.Keys.Key != "-" {
			if b, err := os.ReadFile(o.Keys.Key); err == nil {
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

package probe

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/jwtkit/jwtkit/pkg/keys"
	"github.com/jwtkit/jwtkit/pkg/probe/forge"
)

// publishedKeys fetches the JWKS the API publishes: the target origin's
// /.well-known/jwks.json, else the jwks_uri of its
// /.well-known/openid-configuration. Both fetches are memoised, so the
// checks that use them share one set of requests. A JWKS that was served
// but does not parse as a set comes back as raw (set nil), for
// jwt.weak-key to read key by key.
func (r *run) publishedKeys(ctx context.Context, c *checkCtx) (set *keys.Set, where string, raw []byte) {
	origin := r.target.Scheme + "://" + r.target.Host
	get := func(key, u, label string) *exchange {
		return c.memo(ctx, key, reqSpec{method: http.MethodGet, url: u, label: label})
	}
	ok := func(x *exchange) bool { return x.err == nil && x.status == http.StatusOK }
	x := get("jwks", origin+"/.well-known/jwks.json", "published JWKS")
	if ok(x) {
		if set, err := keys.Parse(x.body, "published JWKS"); err == nil {
			return set, origin + "/.well-known/jwks.json", nil
		}
		raw, where = x.body, origin+"/.well-known/jwks.json"
	}
	d := get("discovery", origin+"/.well-known/openid-configuration", "discovery document")
	if !ok(d) {
		return nil, where, raw
	}
	var doc struct {
		JWKSURI string `json:"jwks_uri"`
	}
	if json.Unmarshal(d.body, &doc) != nil || doc.JWKSURI == "" {
		return nil, where, raw
	}
	u, err := url.Parse(doc.JWKSURI)
	// Only the target's origin or https: a discovery document must not
	// steer probe to plain-http hosts.
	if err != nil || u.Host == "" || !(sameOrigin(u, r.target) || u.Scheme == "https") {
		return nil, where, raw
	}
	j := get("jwks_uri", u.String(), "JWKS from jwks_uri")
	if !ok(j) {
		return nil, where, raw
	}
	if set, err = keys.Parse(j.body, "published JWKS"); err != nil {
		return nil, u.String(), j.body
	}
	return set, u.String(), nil
}

// publishedKey is the published key for the token's kid and alg, if any.
func (r *run) publishedKey(ctx context.Context, c *checkCtx) *keys.Key {
	set, _, _ := r.publishedKeys(ctx, c)
	if set == nil {
		return nil
	}
	kid, _ := r.forger.Header()["kid"].(string)
	found, err := set.Find(kid, r.forger.Alg())
	if err != nil || len(found) == 0 {
		return nil
	}
	return found[0]
}

// keyConfusionSources says what the key-confusion variants vs were keyed
// with, for a pass's evidence.
func keyConfusionSources(m forge.Material, vs []forge.Forged) string {
	var parts []string
	if m.PublicKey != nil {
		parts = append(parts, "the public key as SPKI PEM (with and without newline), PKCS#1 PEM (RSA), DER or JWK")
	}
	if len(m.KeyFile) > 0 {
		parts = append(parts, "the key file's exact bytes (as given, without newline, CRLF, raw DER)")
	}
	if m.JWKSKey != nil {
		sent := slices.ContainsFunc(vs, func(v forge.Forged) bool { return strings.HasPrefix(v.ID, "jwt.key-confusion/jwks-") })
		if sent {
			parts = append(parts, "the published JWKS key")
		} else {
			parts = append(parts, "the published JWKS key, identical to --key's and not sent again")
		}
	}
	return strings.Join(parts, "; ")
}

// dedupeTokens drops variants whose token an earlier one already is (a key
// file that is byte for byte the SPKI PEM makes the same token twice): the
// target gets each token once.
func dedupeTokens(vs []forge.Forged) []forge.Forged {
	seen := map[string]bool{}
	var out []forge.Forged
	for _, v := range vs {
		if !seen[v.Token] {
			seen[v.Token] = true
			out = append(out, v)
		}
	}
	return out
}

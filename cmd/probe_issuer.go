package cmd

import (
	"context"

	"github.com/jwtkit/jwtkit/internal/safetext"
	"github.com/jwtkit/jwtkit/pkg/keys"
	"github.com/jwtkit/jwtkit/pkg/token"
)

// validateIssuerURL checks probe's --issuer-url: it names the public key
// set of --token's issuer, so it needs --token and no other key source.
func (o *probeOptions) validateIssuerURL() error {
	if o.IssuerURL == "" {
		return nil
	}
	if o.Token == "" && !o.List {
		return usagef("--issuer-url needs --token: an issuer's keys verify the token, they cannot sign one")
	}
	r := remoteFlags{IssuerURL: o.IssuerURL}
	return r.validate(&o.Keys, nil)
}

// issuerKey resolves --issuer-url into the public key that verifies
// --token, the way --key does with a public key file: by the token's kid
// and alg. Probe is an audit of one run: it fetches afresh, no cache.
func (o *probeOptions) issuerKey() (*keys.Key, error) {
	rm := &keys.Remote{
		IssuerURL: o.IssuerURL,
		Client:    newHTTPClient(o.f, o.HTTP),
		OnNote:    func(n keys.Note) { printNote(o.f, n) },
	}
	set, err := rm.Load(context.Background())
	if err != nil {
		return nil, err
	}
	kid, alg := "", ""
	if t, err := token.Parse(o.Token); err == nil {
		kid, alg = t.KID(), t.Alg()
	}
	found, err := set.Find(kid, alg) // a provider's kid must match: no ForToken fallback
	if err != nil {
		return nil, usagef("the key set of --issuer-url %s has no key for the token: %v", safetext.URLArg(o.IssuerURL), err)
	}
	return found[0], nil
}

package cmd

import (
	"time"

	"github.com/spf13/pflag"

	"github.com/jwtkit/jwtkit/internal/flagsyntax"
	"github.com/jwtkit/jwtkit/internal/safetext"
	"github.com/jwtkit/jwtkit/pkg/token"
)

// policyFlags is the verification policy flag group shared by verify and
// serve: --alg, --iss, --aud, --sub, --role, --roles-claim, --scope,
// --require, --leeway and --max-age.
type policyFlags struct {
	Algs       []string
	Iss        []string
	Aud        []string
	Sub        string
	Roles      []string
	RolesClaim string
	Scopes     []string
	Require    []string
	Leeway     time.Duration
	MaxAge     time.Duration
}

// addFlags registers the group; withRole false leaves --role and
// --roles-claim to the command (serve uses --role for /admin).
func (p *policyFlags) addFlags(fs *pflag.FlagSet, withRole bool) {
	fs.StringArrayVar(&p.Algs, "alg", nil, "allowed algorithm (repeatable; default: what the key can verify, never none)")
	fs.StringArrayVar(&p.Iss, "iss", nil, "accepted issuer (repeatable: any of)")
	fs.StringArrayVar(&p.Aud, "aud", nil, "accepted audience (repeatable: any of)")
	fs.StringVar(&p.Sub, "sub", "", "required subject")
	if withRole {
		fs.StringArrayVar(&p.Roles, "role", nil, "required role (repeatable: all required)")
		fs.StringVar(&p.RolesClaim, "roles-claim", "roles", "claim that holds roles; a dotted name is a path to a nested member (a flat member so named is ignored; a name with :// is never split)")
	}
	fs.StringArrayVar(&p.Scopes, "scope", nil, "required scope (repeatable: all required; read from scope or scp)")
	fs.StringArrayVar(&p.Require, "require", nil, "claim that must be present (repeatable)")
	fs.Var(flagsyntax.NewDuration(&p.Leeway, 0), "leeway", "clock skew tolerated for exp, nbf and iat, e.g. 30s")
	fs.Var(flagsyntax.NewDuration(&p.MaxAge, 0), "max-age", "reject tokens whose iat is older than this, e.g. 1h or 7d")
}

// noTokenValues refuses a policy value that is itself a JWT (the token
// pasted after --iss instead of as the argument): the verdict would quote
// the expected value back, so most of the token would end up in its output.
func (p *policyFlags) noTokenValues() error {
	for _, f := range []struct {
		name   string
		values []string
	}{
		{"iss", p.Iss}, {"aud", p.Aud}, {"sub", []string{p.Sub}}, {"role", p.Roles},
		{"roles-claim", []string{p.RolesClaim}}, {"scope", p.Scopes}, {"require", p.Require},
	} {
		for _, v := range f.values {
			if _, err := token.Parse(token.Clean(v)); err == nil {
				return usagef("--%s %s is a token, not the value to expect: give the token as the argument", f.name, safetext.QuoteArg(v))
			}
		}
	}
	return nil
}

// policy builds the token.Policy; now is the evaluation clock.
func (p *policyFlags) policy(now func() time.Time) (token.Policy, error) {
	if p.Leeway < 0 || p.MaxAge < 0 {
		return token.Policy{}, usagef("--leeway and --max-age must not be negative")
	}
	if err := p.noTokenValues(); err != nil {
		return token.Policy{}, err
	}
	var scopes []string
	for _, s := range p.Scopes {
		scopes = append(scopes, token.SplitScope(s)...)
	}
	algs := make([]string, len(p.Algs))
	for i, a := range p.Algs {
		var err error
		if algs[i], err = algFlag(a); err != nil {
			return token.Policy{}, err
		}
	}
	return token.Policy{
		Algs: algs, Issuers: p.Iss, Audiences: p.Aud, Subject: p.Sub,
		Roles: p.Roles, RolesClaim: p.RolesClaim, Scopes: scopes, Require: p.Require,
		Leeway: p.Leeway, MaxAge: p.MaxAge, Now: now,
	}, nil
}

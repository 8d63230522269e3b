package cmd

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/jwtkit/jwtkit/internal/flagsyntax"
	"github.com/jwtkit/jwtkit/internal/safetext"
	"github.com/jwtkit/jwtkit/internal/strictjson"
	"github.com/jwtkit/jwtkit/pkg/keys"
	"github.com/jwtkit/jwtkit/pkg/token"
)

// claimFlags is the claim flag group shared by mint and probe.
type claimFlags struct {
	Sub, Iss, JTI, RolesClaim       string
	Aud, Roles, Scopes, Claims      []string
	ClaimsFile                      string
	Exp, Nbf, Iat                   string
	NoExp, NoIat, AllowInvalidTimes bool
	AllowInvalidClaims              bool
	Headers                         []string
	Typ                             string
}

func (c *claimFlags) addFlags(fs *pflag.FlagSet) {
	fs.StringVar(&c.Sub, "sub", "", "subject claim")
	fs.StringVar(&c.Iss, "iss", "", "issuer claim")
	fs.StringArrayVar(&c.Aud, "aud", nil, "audience (repeatable: one gives a string, several an array)")
	fs.StringArrayVar(&c.Roles, "role", nil, "role to add to the roles claim (repeatable: one role per flag)")
	fs.StringVar(&c.RolesClaim, "roles-claim", "roles", "claim that holds roles; a dotted name nests it (realm_access.roles)")
	fs.StringArrayVar(&c.Scopes, "scope", nil, "OAuth 2 scope (repeatable; joined with spaces into the scope claim, e.g. --scope read --scope write)")
	fs.StringVar(&c.JTI, "jti", "", "token id; \"auto\" generates a random one")
	fs.StringArrayVar(&c.Claims, "claim", nil, "extra claim `key=value` (repeatable; the value is JSON when it parses, else a string)")
	fs.StringVar(&c.ClaimsFile, "claims", "", "JSON object `file` (\"-\": stdin) merged first; flags win")
	fs.StringVar(&c.Exp, "exp", "15m", "expiry: duration from now (15m, 7d, -1h), RFC 3339 time or unix seconds")
	fs.BoolVar(&c.NoExp, "no-exp", false, "omit exp")
	fs.StringVar(&c.Nbf, "nbf", "", "not-before: duration from now, RFC 3339 time or unix seconds")
	fs.StringVar(&c.Iat, "iat", "", "issued-at (default now): duration from now, RFC 3339 time or unix seconds")
	fs.BoolVar(&c.NoIat, "no-iat", false, "omit iat")
	fs.BoolVar(&c.AllowInvalidTimes, "allow-invalid-times", false, "allow --nbf after --exp or --exp before --iat (for negative tests)")
	fs.BoolVar(&c.AllowInvalidClaims, "allow-invalid-claims", false, "allow registered claims of the wrong RFC 7519 type, e.g. --claim 'exp=\"soon\"' (for negative tests)")
	fs.StringArrayVar(&c.Headers, "header", nil, "extra header `key=value` (repeatable; typed like --claim)")
	fs.StringVar(&c.Typ, "typ", "JWT", "header typ, e.g. at+jwt (\"\" omits it)")
}

// spec turns the flags into a token.Spec evaluated at now.
func (c *claimFlags) spec(f *factory, fs *pflag.FlagSet, now time.Time) (token.Spec, error) {
	s := token.Spec{
		Subject: c.Sub, Issuer: c.Iss, Audience: c.Aud, Roles: c.Roles,
		RolesClaim: c.RolesClaim, Scope: strings.Join(c.Scopes, " "), JTI: c.JTI,
	}
	noteCommaRoles(f, c.Roles)
	if c.NoExp && flagChanged(fs, "exp") {
		return s, usagef("--exp and --no-exp cannot be used together")
	}
	if c.NoIat && flagChanged(fs, "iat") {
		return s, usagef("--iat and --no-iat cannot be used together")
	}
	if c.ClaimsFile != "" {
		base, err := c.readClaimsFile(f)
		if err != nil {
			return s, err
		}
		s.Base = base
	}
	tm := func(flag, v string) (*time.Time, error) {
		t, err := flagsyntax.ParseTime(v, now)
		if err != nil {
			return nil, usagef("--%s: %v", flag, err)
		}
		return &t, nil
	}
	var err error
	if !c.NoExp && c.Exp != "" {
		if s.Expires, err = tm("exp", c.Exp); err != nil {
			return s, err
		}
	}
	if c.Nbf != "" {
		if s.NotBefore, err = tm("nbf", c.Nbf); err != nil {
			return s, err
		}
	}
	if !c.NoIat {
		if c.Iat == "" {
			n := now
			s.IssuedAt = &n
		} else if s.IssuedAt, err = tm("iat", c.Iat); err != nil {
			return s, err
		}
	}
	if err := c.checkTimeOrder(fs, s); err != nil {
		return s, err
	}
	if len(c.Claims) > 0 {
		s.Extra = map[string]any{}
		for _, a := range c.Claims {
			k, v, err := flagsyntax.ParseAssignment(a)
			if err != nil {
				return s, usagef("--claim: %v", err)
			}
			if _, dup := s.Extra[k]; dup {
				return s, usagef("--claim %s is given twice; keep one", safetext.QuoteArg(k))
			}
			if flag := c.claimFlagFor(fs, k); flag != "" {
				return s, usagef("%s is set by both %s and --claim %s=…; keep one", safetext.Escape(k), flag, safetext.Escape(k))
			}
			s.Extra[k] = v
		}
	}
	if !c.AllowInvalidClaims {
		claims, err := s.Claims()
		if err != nil {
			return s, usagef("%v", err)
		}
		if err := token.CheckClaimTypes(claims); err != nil {
			return s, usagef("%v: mint makes valid tokens; use 'jwtkit forge' for malformed ones, or pass --allow-invalid-claims", err)
		}
	}
	return s, nil
}

// checkTimeOrder refuses times that no verifier could accept together:
// --nbf after --exp, or --exp before --iat, when the user gave --nbf or
// --iat (against --exp or its default, which is named: "--nbf 2h" with the
// default 15m expiry makes a token that is never valid). A lone --exp -1h
// (an expired token for a negative test) stays allowed, and so does
// anything under --allow-invalid-times.
func (c *claimFlags) checkTimeOrder(fs *pflag.FlagSet, s token.Spec) error {
	if c.AllowInvalidTimes || s.Expires == nil {
		return nil
	}
	expGiven := flagChanged(fs, "exp")
	defExp := ""
	if fl := fs.Lookup("exp"); fl != nil {
		defExp = fl.DefValue
	}
	if s.NotBefore != nil && flagChanged(fs, "nbf") && s.NotBefore.After(*s.Expires) {
		if !expGiven {
			return usagef("--nbf %s is after the default --exp of %s: no verifier accepts such a token; pass a later --exp (or --allow-invalid-times if that is the point)", safetext.Escape(c.Nbf), defExp)
		}
		return usagef("--nbf is after --exp: no verifier accepts such a token; pass --allow-invalid-times if that is the point")
	}
	if s.IssuedAt != nil && flagChanged(fs, "iat") && s.Expires.Before(*s.IssuedAt) {
		if !expGiven {
			return usagef("--iat %s is after the default --exp of %s: pass a later --exp (or --allow-invalid-times if that is the point)", safetext.Escape(c.Iat), defExp)
		}
		return usagef("--exp is before --iat: pass --allow-invalid-times if that is the point")
	}
	return nil
}

func (c *claimFlags) readClaimsFile(f *factory) (map[string]any, error) {
	var b []byte
	var err error
	name := c.ClaimsFile
	if name == "-" {
		b, err = io.ReadAll(io.LimitReader(f.IO.In, keys.MaxFileBytes+1))
		if err != nil {
			return nil, fmt.Errorf("reading claims from stdin: %w", err)
		}
		if len(b) > keys.MaxFileBytes {
			// The cap and message of a claims file, for the same content.
			return nil, fmt.Errorf("claims file on stdin is larger than %d bytes: %w", keys.MaxFileBytes, keys.ErrTooLarge)
		}
		if len(bytes.TrimSpace(b)) == 0 {
			return nil, usagef("--claims -: stdin is empty; pipe a JSON object")
		}
		name = "stdin"
	} else if b, err = keys.ReadInputFile(name, "claims file", keys.MaxFileBytes); err != nil {
		return nil, err
	}
	m, err := strictjson.Object(string(b), token.MaxJSONDepth)
	if err != nil {
		return nil, usagef("claims file %s: %v", safetext.FileName(name), err)
	}
	return m, nil
}

// header builds the extra header members from --header and --typ.
func (c *claimFlags) header(kid string) (map[string]any, error) {
	h := map[string]any{"typ": c.Typ}
	if kid != "" {
		h["kid"] = kid
	}
	seen := map[string]bool{}
	for _, a := range c.Headers {
		k, v, err := flagsyntax.ParseAssignment(a)
		if err != nil {
			return nil, usagef("--header: %v", err)
		}
		switch {
		case k == "alg":
			return nil, usagef("--header cannot set alg: use --alg")
		case seen[k]:
			return nil, usagef("--header %s is given twice; keep one", safetext.QuoteArg(k))
		case k == "kid" && kid != "":
			return nil, usagef("kid is set by both --kid and --header kid=…; keep one")
		}
		seen[k] = true
		h[k] = v
	}
	return h, nil
}

// addNowFlag registers --now, which fixes the clock.
func addNowFlag(fs *pflag.FlagSet, p *string, usage string) {
	fs.StringVar(p, "now", "", usage+": RFC 3339, unix seconds or a duration from now")
}

// resolveNow applies --now.
func resolveNow(f *factory, v string) (time.Time, error) {
	now := f.Now()
	if v == "" {
		return now, nil
	}
	t, err := flagsyntax.ParseTime(v, now)
	if err != nil {
		return time.Time{}, usagef("--now: %v", err)
	}
	return t, nil
}

// noteCommaRoles notes each --role value holding a comma: it stays one role
// (an LDAP DN has commas), which is not what "a,b" usually means. Every
// command with --role says so the same way.
func noteCommaRoles(f *factory, roles []string) {
	for _, r := range roles {
		if strings.Contains(r, ",") {
			f.notef("one role %s; repeat --role for several", safetext.Quote(r))
		}
	}
}

// algFlag reads an --alg value as a user types it: any casing ("rs256"),
// returned in its registered spelling. A token's or JWK's own alg is still
// matched byte for byte (RFC 7515 §4.1.1); this is for flags only.
func algFlag(v string) (string, error) {
	if strings.EqualFold(v, "none") {
		return "", usagef("--alg none: jwtkit never signs or accepts unsecured tokens")
	}
	alg, ok := keys.CanonicalAlg(v)
	if !ok {
		return "", usagef("unknown alg %s; known: %s", safetext.QuoteArg(v), strings.Join(keys.AlgNames(), ", "))
	}
	return alg, nil
}

// canonicalAlgFlag rewrites an optional --alg value in place with algFlag.
func canonicalAlgFlag(p *string) error {
	if *p == "" {
		return nil
	}
	alg, err := algFlag(*p)
	*p = alg
	return err
}

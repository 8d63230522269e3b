package cmd

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/jwtkit/jwtkit/internal/flagsyntax"
	"github.com/jwtkit/jwtkit/internal/strictjson"
	"github.com/jwtkit/jwtkit/pkg/keys"
	"github.com/jwtkit/jwtkit/pkg/token"
)

// keySourceFlags is the key-source flag group shared by mint, verify, probe
// and serve: --key, --kid, --secret-file, --secret-env, --secret,
// --secret-encoding and (for verifying commands) --jwks.
type keySourceFlags struct {
	Key            string
	KID            string
	SecretFile     string
	SecretEnv      string
	Secret         string
	SecretEncoding string
	JWKS           string // only registered when withJWKS

	withJWKS bool
}

func (k *keySourceFlags) addFlags(fs *pflag.FlagSet, withJWKS bool) {
	k.withJWKS = withJWKS
	fs.StringVar(&k.Key, "key", "", "key `file`: PEM, DER, JWK or JWKS, found by content")
	fs.StringVar(&k.KID, "kid", "", "key id: picks the key from a JWKS; sets the header kid when minting")
	fs.StringVar(&k.SecretFile, "secret-file", "", "read the HMAC secret from `file` (\"-\": stdin, hidden prompt on a terminal)")
	fs.StringVar(&k.SecretEnv, "secret-env", "", "read the HMAC secret from environment variable `name`")
	fs.StringVar(&k.Secret, "secret", "", "HMAC secret `value` (visible to other users in ps; prefer --secret-env or --secret-file)")
	fs.StringVar(&k.SecretEncoding, "secret-encoding", "utf8", "how the secret text maps to bytes: utf8, base64, base64url or hex")
	if withJWKS {
		fs.StringVar(&k.JWKS, "jwks", "", "verify with a JWK Set from a `file` or an http(s) URL (kid from the token header)")
	}
}

// sourceCount counts the key sources given; more than one is a usage error.
func (k *keySourceFlags) sources() []string {
	var s []string
	add := func(set bool, name string) {
		if set {
			s = append(s, name)
		}
	}
	add(k.Key != "", "--key")
	add(k.SecretFile != "", "--secret-file")
	add(k.SecretEnv != "", "--secret-env")
	add(k.Secret != "", "--secret")
	add(k.JWKS != "", "--jwks")
	return s
}

func (k *keySourceFlags) validate() error {
	if s := k.sources(); len(s) > 1 {
		return usagef("%s cannot be used together: give one key source", strings.Join(s, " and "))
	}
	switch k.SecretEncoding {
	case "utf8", "base64", "base64url", "hex":
	default:
		return usagef("invalid --secret-encoding %q: want utf8, base64, base64url or hex", k.SecretEncoding)
	}
	return nil
}

// usesStdin reports whether the key source reads standard input.
func (k *keySourceFlags) usesStdin() bool { return k.SecretFile == "-" || k.Key == "-" }

// secret resolves the HMAC secret sources. ok is false when none was given.
func (k *keySourceFlags) secret(f *factory) (key *keys.Key, ok bool, err error) {
	var text []byte
	var source string
	switch {
	case k.Secret != "":
		fmt.Fprintln(f.IO.ErrOut, "warning: --secret puts the secret in the process list and shell history; prefer --secret-env or --secret-file")
		text, source = []byte(k.Secret), "--secret"
	case k.SecretEnv != "":
		v, set := lookupEnv(f, k.SecretEnv)
		if !set {
			return nil, true, withCode(ExitError, fmt.Errorf("--secret-env: environment variable %s is not set or empty", k.SecretEnv))
		}
		text, source = []byte(v), "env "+k.SecretEnv
	case k.SecretFile == "-":
		if f.IO.InTTY {
			b, err := f.IO.ReadSecret("HMAC secret: ")
			if err != nil {
				return nil, true, err
			}
			text = b
		} else {
			line, err := bufio.NewReader(io.LimitReader(f.IO.In, 1<<20)).ReadString('\n')
			if err != nil && !errors.Is(err, io.EOF) {
				return nil, true, fmt.Errorf("reading secret from stdin: %w", err)
			}
			text = []byte(line)
		}
		source = "stdin"
	case k.SecretFile != "":
		b, err := readInputFile(k.SecretFile, "secret file", 1<<20)
		if err != nil {
			return nil, true, err
		}
		text, source = b, k.SecretFile
	default:
		return nil, false, nil
	}
	text = bytes.TrimSuffix(bytes.TrimSuffix(text, []byte("\n")), []byte("\r"))
	if looksLikeKey(text) {
		return nil, true, usagef("the HMAC secret from %s looks like a PEM or JWK key: pass key files with --key (an asymmetric key never acts as an HMAC secret)", source)
	}
	raw, err := keys.DecodeSecret(string(text), k.SecretEncoding)
	if err != nil {
		return nil, true, usagef("secret from %s: %v", source, err)
	}
	key, err = keys.NewSecret(raw, source)
	if err != nil {
		return nil, true, usagef("secret from %s: %v", source, err)
	}
	return key, true, nil
}

// looksLikeKey catches a key file passed as an HMAC secret: the RS256→HS256
// confusion attack starts exactly there.
func looksLikeKey(b []byte) bool {
	t := bytes.TrimSpace(b)
	if bytes.HasPrefix(t, []byte("-----BEGIN ")) {
		return true
	}
	if len(t) > 0 && t[0] == '{' {
		var probe struct {
			Kty  string            `json:"kty"`
			Keys []json.RawMessage `json:"keys"`
		}
		if json.Unmarshal(t, &probe) == nil && (probe.Kty != "" || probe.Keys != nil) {
			return true
		}
	}
	return false
}

func lookupEnv(f *factory, name string) (string, bool) {
	v := f.Getenv(name)
	return v, v != ""
}

// readInputFile reads a user-named file with one clear message per failure:
// missing, a folder, unreadable, empty, or larger than max.
func readInputFile(path, what string, max int64) ([]byte, error) {
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil, withCode(ExitError, fmt.Errorf("%s %q does not exist", what, path))
	case err != nil:
		return nil, withCode(ExitError, fmt.Errorf("%s %q: %w", what, path, errors.Unwrap(err)))
	case fi.IsDir():
		return nil, withCode(ExitError, fmt.Errorf("%s %q is a folder, not a file", what, path))
	}
	fh, err := os.Open(path)
	if err != nil {
		return nil, withCode(ExitError, fmt.Errorf("%s %q cannot be read: %w", what, path, errors.Unwrap(err)))
	}
	defer fh.Close()
	b, err := io.ReadAll(io.LimitReader(fh, max+1))
	if err != nil {
		return nil, withCode(ExitError, fmt.Errorf("reading %s %q: %w", what, path, err))
	}
	if int64(len(b)) > max {
		return nil, withCode(ExitError, fmt.Errorf("%s %q is larger than %d bytes", what, path, max))
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return nil, withCode(ExitError, fmt.Errorf("%s %q is empty", what, path))
	}
	return b, nil
}

// maxKeyFileBytes bounds key, JWKS and claims files read from disk.
const maxKeyFileBytes = 1 << 20

// loadKeyFile parses --key, "-" meaning stdin.
func (k *keySourceFlags) loadKeyFile(f *factory) (*keys.Set, error) {
	if k.Key == "-" {
		b, err := io.ReadAll(io.LimitReader(f.IO.In, maxKeyFileBytes+1))
		if err != nil {
			return nil, fmt.Errorf("reading key from stdin: %w", err)
		}
		if len(b) > maxKeyFileBytes {
			return nil, fmt.Errorf("key on stdin is larger than %d bytes", maxKeyFileBytes)
		}
		set, err := keys.Parse(b, "stdin")
		if err != nil {
			return nil, fmt.Errorf("reading key from stdin: %w", err)
		}
		return set, nil
	}
	if _, err := readInputFile(k.Key, "key file", maxKeyFileBytes); err != nil {
		return nil, err
	}
	set, err := keys.ParseFile(k.Key)
	if err != nil {
		return nil, withCode(ExitError, fmt.Errorf("reading key %q: %w", k.Key, err))
	}
	return set, nil
}

// devKey loads (or creates) the development key and says so on stderr.
func devKey(f *factory) (*keys.Key, error) {
	dir, err := f.homeDir()
	if err != nil {
		return nil, fmt.Errorf("finding the config folder for the development key (set JWTKIT_HOME): %w", err)
	}
	k, path, created, err := keys.DevKey(dir)
	if err != nil {
		return nil, fmt.Errorf("development key: %w", err)
	}
	if created {
		fmt.Fprintf(f.IO.ErrOut, "note: created development key %s (ES256, kid %s); pass --key to use your own\n", path, k.KID)
	} else {
		fmt.Fprintf(f.IO.ErrOut, "note: using development key %s (kid %s)\n", path, k.KID)
	}
	return k, nil
}

// signingKey resolves the one key that signs: --key (with --kid for a set),
// a secret, or the development key when no source is given.
func (k *keySourceFlags) signingKey(f *factory) (*keys.Key, error) {
	if err := k.validate(); err != nil {
		return nil, err
	}
	if sec, ok, err := k.secret(f); ok || err != nil {
		return sec, err
	}
	if k.Key == "" {
		return devKey(f)
	}
	set, err := k.loadKeyFile(f)
	if err != nil {
		return nil, err
	}
	var cands []*keys.Key
	for _, key := range set.Keys {
		if key.IsPrivate() && (k.KID == "" || len(set.Keys) == 1 || key.KID == k.KID) {
			cands = append(cands, key)
		}
	}
	switch {
	case len(cands) == 0 && k.KID != "" && len(set.Keys) > 1:
		return nil, usagef("--key %q has no private key with kid %q; it has: %s", k.Key, k.KID, strings.Join(set.KIDs(), ", "))
	case len(cands) == 0:
		return nil, usagef("--key %q holds only public keys: signing needs a private key or a secret", k.Key)
	case len(cands) > 1:
		return nil, usagef("--key %q holds %d private keys: pick one with --kid (%s)", k.Key, len(cands), strings.Join(set.KIDs(), ", "))
	}
	return cands[0], nil
}

// verificationSet resolves the keys that verify: --key, --jwks (file or
// URL), a secret, or the development key's public half.
func (k *keySourceFlags) verificationSet(ctx context.Context, f *factory, timeout time.Duration) (*keys.Set, error) {
	if err := k.validate(); err != nil {
		return nil, err
	}
	if sec, ok, err := k.secret(f); ok || err != nil {
		if err != nil {
			return nil, err
		}
		return keys.NewSet(sec), nil
	}
	switch {
	case k.JWKS != "" && (strings.HasPrefix(k.JWKS, "https://") || strings.HasPrefix(k.JWKS, "http://")):
		client := newHTTPClient(f, httpOptions{Timeout: timeout})
		set, err := keys.FetchJWKS(ctx, k.JWKS, keys.FetchOptions{Client: client})
		if err != nil {
			return nil, withCode(ExitError, err)
		}
		return set, nil
	case k.JWKS != "":
		kf := keySourceFlags{Key: k.JWKS}
		return kf.loadKeyFile(f)
	case k.Key != "":
		set, err := k.loadKeyFile(f)
		if err != nil {
			return nil, err
		}
		if k.KID != "" {
			found, err := set.Find(k.KID, "")
			if err != nil {
				return nil, usagef("--kid: %v", err)
			}
			var pub []*keys.Key
			for _, key := range found {
				pub = append(pub, key.PublicKey())
			}
			return keys.NewSet(pub...), nil
		}
		return set, nil
	}
	dk, err := devKey(f)
	if err != nil {
		return nil, err
	}
	return keys.NewSet(dk.PublicKey()), nil
}

// claimFlags is the claim flag group shared by mint and probe.
type claimFlags struct {
	Sub, Iss, Scope, JTI, RolesClaim string
	Aud, Roles, Claims               []string
	ClaimsFile                       string
	Exp, Nbf, Iat                    string
	NoExp, NoIat                     bool
	Headers                          []string
	Typ                              string
}

func (c *claimFlags) addFlags(fs *pflag.FlagSet) {
	fs.StringVar(&c.Sub, "sub", "", "subject claim")
	fs.StringVar(&c.Iss, "iss", "", "issuer claim")
	fs.StringArrayVar(&c.Aud, "aud", nil, "audience (repeatable: one gives a string, several an array)")
	fs.StringArrayVar(&c.Roles, "role", nil, "role to add to the roles claim (repeatable)")
	fs.StringVar(&c.RolesClaim, "roles-claim", "roles", "claim that holds roles; a dotted name nests it (realm_access.roles)")
	fs.StringVar(&c.Scope, "scope", "", "space-delimited OAuth 2 scope string, e.g. \"read write\"")
	fs.StringVar(&c.JTI, "jti", "", "token id; \"auto\" generates a random one")
	fs.StringArrayVar(&c.Claims, "claim", nil, "extra claim `key=value` (repeatable; the value is JSON when it parses, else a string)")
	fs.StringVar(&c.ClaimsFile, "claims", "", "JSON object `file` (\"-\": stdin) merged first; flags win")
	fs.StringVar(&c.Exp, "exp", "15m", "expiry: duration from now (15m, 7d, -1h), RFC 3339 time or unix seconds")
	fs.BoolVar(&c.NoExp, "no-exp", false, "omit exp")
	fs.StringVar(&c.Nbf, "nbf", "", "not-before: duration from now, RFC 3339 time or unix seconds")
	fs.StringVar(&c.Iat, "iat", "", "issued-at (default now): duration from now, RFC 3339 time or unix seconds")
	fs.BoolVar(&c.NoIat, "no-iat", false, "omit iat")
	fs.StringArrayVar(&c.Headers, "header", nil, "extra header `key=value` (repeatable; typed like --claim)")
	fs.StringVar(&c.Typ, "typ", "JWT", "header typ, e.g. at+jwt (\"\" omits it)")
}

// spec turns the flags into a token.Spec evaluated at now.
func (c *claimFlags) spec(f *factory, fs *pflag.FlagSet, now time.Time) (token.Spec, error) {
	s := token.Spec{
		Subject: c.Sub, Issuer: c.Iss, Audience: c.Aud, Roles: c.Roles,
		RolesClaim: c.RolesClaim, Scope: c.Scope, JTI: c.JTI,
	}
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
	if len(c.Claims) > 0 {
		s.Extra = map[string]any{}
		for _, a := range c.Claims {
			k, v, err := flagsyntax.ParseAssignment(a)
			if err != nil {
				return s, usagef("--claim %q: %v", a, err)
			}
			s.Extra[k] = v
		}
	}
	return s, nil
}

func (c *claimFlags) readClaimsFile(f *factory) (map[string]any, error) {
	var b []byte
	var err error
	name := c.ClaimsFile
	if name == "-" {
		b, err = io.ReadAll(io.LimitReader(f.IO.In, maxKeyFileBytes+1))
		if err != nil {
			return nil, fmt.Errorf("reading claims from stdin: %w", err)
		}
		if len(bytes.TrimSpace(b)) == 0 {
			return nil, usagef("--claims -: stdin is empty; pipe a JSON object")
		}
		name = "stdin"
	} else if b, err = readInputFile(name, "claims file", maxKeyFileBytes); err != nil {
		return nil, err
	}
	m, err := strictjson.Object(string(b), token.MaxJSONDepth)
	if err != nil {
		return nil, usagef("claims file %q: %v", name, err)
	}
	return m, nil
}

// header builds the extra header members from --header and --typ.
func (c *claimFlags) header(kid string) (map[string]any, error) {
	h := map[string]any{"typ": c.Typ}
	if kid != "" {
		h["kid"] = kid
	}
	for _, a := range c.Headers {
		k, v, err := flagsyntax.ParseAssignment(a)
		if err != nil {
			return nil, usagef("--header %q: %v", a, err)
		}
		if k == "alg" {
			return nil, usagef("--header cannot set alg: use --alg")
		}
		h[k] = v
	}
	return h, nil
}

// addNowFlag registers --now, which fixes the clock.
func addNowFlag(fs *pflag.FlagSet, p *string) {
	fs.StringVar(p, "now", "", "evaluate at this `time` instead of the clock: RFC 3339, unix seconds or a duration from now")
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
		fs.StringVar(&p.RolesClaim, "roles-claim", "roles", "claim that holds roles; a dotted name reads a nested one")
	}
	fs.StringArrayVar(&p.Scopes, "scope", nil, "required scope (repeatable: all required; read from scope or scp)")
	fs.StringArrayVar(&p.Require, "require", nil, "claim that must be present (repeatable)")
	fs.Var(flagsyntax.NewDuration(&p.Leeway, 0), "leeway", "clock skew tolerated for exp, nbf and iat, e.g. 30s")
	fs.Var(flagsyntax.NewDuration(&p.MaxAge, 0), "max-age", "reject tokens whose iat is older than this, e.g. 1h or 7d")
}

// policy builds the token.Policy; now is the evaluation clock.
func (p *policyFlags) policy(now func() time.Time) (token.Policy, error) {
	if p.Leeway < 0 || p.MaxAge < 0 {
		return token.Policy{}, usagef("--leeway and --max-age must not be negative")
	}
	var scopes []string
	for _, s := range p.Scopes {
		scopes = append(scopes, strings.Fields(s)...)
	}
	return token.Policy{
		Algs: p.Algs, Issuers: p.Iss, Audiences: p.Aud, Subject: p.Sub,
		Roles: p.Roles, RolesClaim: p.RolesClaim, Scopes: scopes, Require: p.Require,
		Leeway: p.Leeway, MaxAge: p.MaxAge, Now: now,
	}, nil
}

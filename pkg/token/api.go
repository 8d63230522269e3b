// Package token is jwtkit's JWT core: it splits and decodes compact JWS
// strictly (Parse), signs claim sets (Signer, Minter, SignJWS) and verifies
// tokens against a key set and a Policy (Verifier). A verdict (Result)
// lists every check that ran, its Reason, the Reason's Category and a
// sentinel error per reason, usable with errors.Is. golang-jwt/jwt/v5
// provides the signature primitives; the parsing around them is jwtkit's.
//
// The package knows no flag syntax (internal/flagsyntax), no forgery
// (pkg/probe/forge) and no exit codes (the command line maps categories).
package token

import (
	"errors"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/jwtkit/jwtkit/internal/strictjson"
	"github.com/jwtkit/jwtkit/pkg/keys"
)

// Limits on untrusted input. They are documented in docs/security.md.
const (
	MaxTokenBytes = 256 << 10 // a compact token longer than this is malformed
	MaxJSONDepth  = 32        // nesting depth of header and claims JSON
)

// Sentinel errors. Every parse error wraps ErrMalformed and one of the more
// precise ones below, and its message says which part was wrong.
var (
	ErrMalformed   = errors.New("token malformed")
	ErrJWE         = errors.New("token is a JWE (5 segments): encrypted tokens are not supported")
	ErrSegments    = errors.New("wrong number of segments")
	ErrBase64      = errors.New("invalid base64url")
	ErrJSON        = strictjson.ErrSyntax
	ErrTooLarge    = errors.New("token too large")
	ErrDuplicate   = strictjson.ErrDuplicate
	ErrNumericDate = errors.New("invalid NumericDate")
	// ErrMemberType: a registered header or claim member has the wrong JSON
	// type (RFC 7515 §4.1, RFC 7519 §4.1): kid, iss, sub, jti, aud, exp,
	// nbf, iat. ErrNumericDate errors are ErrMemberType errors too.
	ErrMemberType = errors.New("registered member of the wrong type")
	ErrUnsecured  = errors.New("unsecured token (alg none)")
	ErrClaimName  = errors.New("invalid claim name")
)

// Token is a split and decoded compact JWS. Nothing in it is verified.
// HeaderJSON is strictly valid JSON (RFC 8259, UTF-8, no duplicate names)
// whenever Header is non-nil, and PayloadJSON whenever Claims is, so
// callers need not validate them again.
type Token struct {
	Raw          string
	Header       map[string]any // numbers decoded as json.Number
	Claims       map[string]any // numbers decoded as json.Number
	HeaderJSON   []byte         // exact decoded octets
	PayloadJSON  []byte
	Signature    []byte
	SigningInput string // "<header b64>.<payload b64>"
}

// Alg is the header's alg ("" when absent or not a string).
func (t *Token) Alg() string { s, _ := t.Header["alg"].(string); return s }

// KID is the header's kid ("" when absent or not a string).
func (t *Token) KID() string { s, _ := t.Header["kid"].(string); return s }

// Spec describes the claims of a token to mint. Zero values are omitted.
type Spec struct {
	Base       map[string]any // the claim set to start from (copied, never modified)
	Subject    string
	Issuer     string
	Audience   []string // one → string, several → array
	Roles      []string
	RolesClaim string         // dotted; default "roles"
	Scope      string         // space-delimited
	JTI        string         // "auto" → 128-bit random base64url
	Extra      map[string]any // extra claims by name (dotted names nest, see ClaimPath), applied last
	IssuedAt   *time.Time
	NotBefore  *time.Time
	Expires    *time.Time
}

// Signer signs many claim sets with one key, alg and header; it is prepared
// once and safe for concurrent use.
type Signer struct {
	key        *keys.Key
	alg        string
	header     map[string]any
	method     jwt.SigningMethod
	signingKey any
	prefix     string   // encoded header and "."
	secret     []byte   // HS* only: the key's secret, for mac
	mac        *macPool // HS* only
	scratch    sync.Pool
}

// Policy is what Verify demands beyond a good signature.
type Policy struct {
	Algs       []string // allow-list; empty = every alg the keys can verify
	Issuers    []string // any of
	Audiences  []string // any of
	Subject    string
	Roles      []string // all required, read from RolesClaim
	RolesClaim string   // dotted; default "roles"
	Scopes     []string // all required, from "scope" (space-delimited) or "scp" (array)
	Require    []string // claims that must be present
	Leeway     time.Duration
	MaxAge     time.Duration // iat must be within MaxAge of Now (0 = off)
	Now        func() time.Time
}

// Check is one line of a verdict. Names, in the order they run: parse, alg,
// embedded_key (a note that a jwk/jku/x5u/x5c header was ignored), key,
// signature, crit, exp, nbf, iat, iss, aud, sub, roles, scope, require (one
// per required claim), max_age. Policy checks appear only when configured.
type Check struct {
	Name   string `json:"name"`
	OK     bool   `json:"ok"`
	Detail string `json:"detail"`
}

// KeyRef names the key that verified a token.
type KeyRef struct {
	KID    string `json:"kid"`
	Alg    string `json:"alg"`
	Source string `json:"source"`
}

// Result is a verdict. Reason is the failure of the gravest Category when
// several apply (malformed before key, time and policy); Checks lists every check that ran, failing ones included.
type Result struct {
	Valid   bool
	Reason  Reason
	Err     error  // the failure as an error message (no token or key material)
	Token   *Token // nil when the token could not be split; partly filled when a later part failed to decode
	Key     *KeyRef
	Checks  []Check
	Expires *time.Time
}

// Verifier checks tokens against a key set and a policy. It is built once
// per run and safe for concurrent use.
type Verifier struct {
	set     *keys.Set
	policy  Policy
	allowed map[string]*allowedAlg
	algList []string
	keyInfo map[*keys.Key]*keyInfo // the set's keys as NewVerifier saw them
}

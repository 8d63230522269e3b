// Package token builds, signs, splits, decodes and verifies JWTs (compact
// JWS), parses the time and claim syntax jwtkit's flags accept, and makes the
// forged variants pkg/probe sends. It uses golang-jwt/jwt/v5 for the
// signature primitives and does its own strict parsing around them.
//
// CONTRACT FILE: the exported API below is what cmd/ and pkg/probe code
// against. Bodies marked "not implemented" are filled in by the
// implementation, which may move things into other files of this package.
package token

import (
	"errors"
	"time"

	"github.com/jwtkit/jwtkit/pkg/keys"
)

// Limits on untrusted input. They are documented in README's security model.
const (
	MaxTokenBytes = 256 << 10 // a compact token longer than this is malformed
	MaxJSONDepth  = 32        // nesting depth of header and claims JSON
)

// Sentinel errors. Every parse error wraps ErrMalformed and one of the more
// precise ones below, and its message says which part was wrong.
var (
	ErrMalformed    = errors.New("token malformed")
	ErrJWE          = errors.New("token is a JWE (5 segments): encrypted tokens are not supported")
	ErrSegments     = errors.New("wrong number of segments")
	ErrBase64       = errors.New("invalid base64url")
	ErrJSON         = errors.New("invalid JSON")
	ErrTooLarge     = errors.New("token too large")
	ErrDuplicate    = errors.New("duplicate JSON member name")
	ErrNumericDate  = errors.New("invalid NumericDate")
	ErrUnsecured    = errors.New("unsecured token (alg none)")
	ErrBadTime      = errors.New("invalid time")
	ErrBadClaimFlag = errors.New("invalid claim")
)

// Token is a split and decoded compact JWS. Nothing in it is verified.
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

// Clean strips surrounding whitespace and "Bearer " / "Authorization: Bearer "
// prefixes (case-insensitive).
func Clean(s string) string { panic("not implemented") }

// Parse splits and decodes a compact JWT strictly: three segments, strict
// unpadded base64url, header and claims JSON objects with no duplicate
// member names and depth ≤ MaxJSONDepth, registered NumericDate claims
// (exp, nbf, iat) numeric. Five segments give ErrJWE. It accepts alg none
// (decode shows such tokens under a warning); Verify never does.
func Parse(raw string) (*Token, error) { panic("not implemented") }

// ParseJWS is Parse without the JWT claims requirements: the payload may be
// any octets (Claims is nil when it is not a JSON object). For RFC/Wycheproof
// JWS vectors.
func ParseJWS(raw string) (*Token, error) { panic("not implemented") }

// NumericDate reads claim name as a time. ok is false when absent. A present
// claim that is not a JSON number is an error wrapping ErrNumericDate.
// Fractions are kept; values beyond year 9999 clamp to that limit.
func (t *Token) NumericDate(name string) (tm time.Time, ok bool, err error) {
	panic("not implemented")
}

// ParseTime reads a time flag: a duration from now ("15m", "1h30m", "7d",
// "-1h", "+2w"), an RFC 3339 time, or unix seconds.
func ParseTime(s string, now time.Time) (time.Time, error) { panic("not implemented") }

// ParseDuration is time.ParseDuration plus "d" (24h) and "w" (7d) units and
// an optional leading "+".
func ParseDuration(s string) (time.Duration, error) { panic("not implemented") }

// ParseValue types a --claim/--header value: JSON when it parses as JSON
// (numbers, true/false/null, arrays, objects, quoted strings), else the raw
// string.
func ParseValue(s string) any { panic("not implemented") }

// ParseAssignment splits "key=value" (the first "=" separates; the value may
// contain more) and types the value with ParseValue.
func ParseAssignment(s string) (key string, value any, err error) { panic("not implemented") }

// SetPath sets a dotted name ("realm_access.roles") in m, creating nested
// objects as needed; an existing non-object on the path is an error.
func SetPath(m map[string]any, dotted string, v any) error { panic("not implemented") }

// GetPath reads a dotted name from m.
func GetPath(m map[string]any, dotted string) (any, bool) { panic("not implemented") }

// Spec describes the claims of a token to mint. Zero values are omitted.
type Spec struct {
	Base       map[string]any // merged first (--claims FILE)
	Subject    string
	Issuer     string
	Audience   []string // one → string, several → array
	Roles      []string
	RolesClaim string // dotted; default "roles"
	Scope      string // space-delimited
	JTI        string // "auto" → 128-bit random base64url
	Extra      map[string]any // --claim pairs (dotted keys), applied last
	IssuedAt   *time.Time
	NotBefore  *time.Time
	Expires    *time.Time
}

// Claims builds the claim set: Base, then the registered claims, then Extra.
// NumericDates are whole unix seconds.
func (s Spec) Claims() (map[string]any, error) { panic("not implemented") }

// Signer signs many claim sets with one key, alg and header; it is prepared
// once and safe for concurrent use.
type Signer struct {
	key    *keys.Key
	alg    string
	header map[string]any
}

// NewSigner checks alg against the key (keys.Key.CheckAlg; "none" is
// refused) and fixes the header: alg, typ (default "JWT"; "" omits it), kid
// (the key's unless header sets one), then header's extra members.
func NewSigner(key *keys.Key, alg string, header map[string]any) (*Signer, error) {
	panic("not implemented")
}

// Header returns the protected header the signer writes.
func (s *Signer) Header() map[string]any { panic("not implemented") }

// Sign serialises claims (compact JSON, sorted keys as encoding/json does)
// and returns the compact JWS.
func (s *Signer) Sign(claims map[string]any) (string, error) { panic("not implemented") }

// Reason is the machine-readable cause of a failed verification.
type Reason string

// Reasons, in the JSON verdict and the batch output.
const (
	ReasonMalformed      Reason = "malformed"
	ReasonAlgNotAllowed  Reason = "alg_not_allowed"
	ReasonKeyNotFound    Reason = "key_not_found"
	ReasonSignature      Reason = "signature_invalid"
	ReasonExpired        Reason = "expired"
	ReasonNotYetValid    Reason = "not_yet_valid"
	ReasonIssuedInFuture Reason = "issued_in_future"
	ReasonIssuer         Reason = "issuer"
	ReasonAudience       Reason = "audience"
	ReasonSubject        Reason = "subject"
	ReasonRole           Reason = "role"
	ReasonScope          Reason = "scope"
	ReasonMissingClaim   Reason = "missing_claim"
	ReasonTooOld         Reason = "too_old"
)

// Class groups reasons the way exit codes do: 3 malformed; 4 alg, key,
// signature; 5 time; 6 claim policy. 0 for "".
func (r Reason) Class() int { panic("not implemented") }

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

// Check is one line of a verdict.
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

// Result is a verdict. Reason is the failure with the lowest class when
// several apply; Checks lists every check that ran, failing ones included.
type Result struct {
	Valid   bool
	Reason  Reason
	Err     error // the failure as an error message (no token or key material)
	Token   *Token // nil when the token could not be split
	Key     *KeyRef
	Checks  []Check
	Expires *time.Time
}

// Verifier checks tokens against a key set and a policy. It is built once
// per run and safe for concurrent use.
type Verifier struct {
	set    *keys.Set
	policy Policy
}

// NewVerifier validates the policy against the keys: algs in Policy.Algs
// must be real JWS algs, never "none", and never HMAC when the set holds
// asymmetric keys (errors wrap keys.ErrAlgMismatch).
func NewVerifier(set *keys.Set, p Policy) (*Verifier, error) { panic("not implemented") }

// Verify parses and verifies one token. It never panics on any input.
// Order: parse (malformed) → alg allowed (none never) → key by kid/alg →
// signature → time claims (exp, nbf, iat with leeway) → claim policy. After
// a good signature all time and policy checks run and are all listed.
func (v *Verifier) Verify(raw string) *Result { panic("not implemented") }

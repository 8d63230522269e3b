package token

import (
	"errors"

	"github.com/jwtkit/jwtkit/pkg/keys"
)

// Reason is the machine-readable cause of a failed verification.
type Reason string

// Reasons, stable strings suitable for machine-readable output.
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

// Category groups failure reasons by what went wrong; the categories are
// ordered from gravest to mildest, so when several checks fail the verdict
// reports the lowest one. Exit codes, if any, are the caller's mapping.
type Category int

// Failure categories, gravest first. CategoryNone is a passing verdict.
const (
	CategoryNone      Category = iota
	CategoryMalformed          // the token cannot be read
	CategoryKey                // alg not allowed, no matching key, bad signature
	CategoryTime               // expired, not yet valid, issued in the future
	CategoryPolicy             // iss, aud, sub, roles, scope, required claims, max age
)

// Category reports the reason's category; "" is CategoryNone.
func (r Reason) Category() Category {
	switch r {
	case "":
		return CategoryNone
	case ReasonMalformed:
		return CategoryMalformed
	case ReasonAlgNotAllowed, ReasonKeyNotFound, ReasonSignature:
		return CategoryKey
	case ReasonExpired, ReasonNotYetValid, ReasonIssuedInFuture:
		return CategoryTime
	default:
		return CategoryPolicy
	}
}

// Verification sentinels: Result.Err wraps the one of its Reason (and its
// cause), so callers can use errors.Is(res.Err, token.ErrExpired).
var (
	ErrAlgNotAllowed  = errors.New("algorithm not allowed")
	ErrKeyNotFound    = keys.ErrKeyNotFound
	ErrSignature      = errors.New("signature invalid")
	ErrExpired        = errors.New("token expired")
	ErrNotYetValid    = errors.New("token not yet valid")
	ErrIssuedInFuture = errors.New("token issued in the future")
	ErrIssuer         = errors.New("issuer not accepted")
	ErrAudience       = errors.New("audience not accepted")
	ErrSubject        = errors.New("subject not accepted")
	ErrRole           = errors.New("role missing")
	ErrScope          = errors.New("scope missing")
	ErrMissingClaim   = errors.New("required claim missing")
	ErrTooOld         = errors.New("token too old")
	// ErrCrit: the header lists critical extensions (RFC 7515 §4.1.11).
	// jwtkit understands none, so such a token is malformed for it.
	ErrCrit = errors.New("unsupported critical header extension")
)

// Err returns the reason's sentinel error (nil for "").
func (r Reason) Err() error {
	switch r {
	case "":
		return nil
	case ReasonMalformed:
		return ErrMalformed
	case ReasonAlgNotAllowed:
		return ErrAlgNotAllowed
	case ReasonKeyNotFound:
		return ErrKeyNotFound
	case ReasonSignature:
		return ErrSignature
	case ReasonExpired:
		return ErrExpired
	case ReasonNotYetValid:
		return ErrNotYetValid
	case ReasonIssuedInFuture:
		return ErrIssuedInFuture
	case ReasonIssuer:
		return ErrIssuer
	case ReasonAudience:
		return ErrAudience
	case ReasonSubject:
		return ErrSubject
	case ReasonRole:
		return ErrRole
	case ReasonScope:
		return ErrScope
	case ReasonMissingClaim:
		return ErrMissingClaim
	case ReasonTooOld:
		return ErrTooOld
	}
	return errors.New(string(r))
}

func (r Reason) phrase() string {
	switch r {
	case ReasonMalformed:
		return "token malformed"
	case ReasonAlgNotAllowed:
		return "algorithm not allowed"
	case ReasonKeyNotFound:
		return "no matching key"
	case ReasonSignature:
		return "signature invalid"
	case ReasonExpired:
		return "token expired"
	case ReasonNotYetValid:
		return "token not yet valid"
	case ReasonIssuedInFuture:
		return "token issued in the future"
	case ReasonIssuer:
		return "issuer not accepted"
	case ReasonAudience:
		return "audience not accepted"
	case ReasonSubject:
		return "subject not accepted"
	case ReasonRole:
		return "role missing"
	case ReasonScope:
		return "scope missing"
	case ReasonMissingClaim:
		return "required claim missing"
	case ReasonTooOld:
		return "token too old"
	}
	return string(r)
}

// verifyError is Result.Err: the reason's phrase and the failing checks'
// details, wrapping the reason's sentinel and the cause (a parse error,
// keys.ErrKeyNotFound, ...).
type verifyError struct {
	reason Reason
	msg    string
	cause  error
}

func (e *verifyError) Error() string { return e.msg }

func (e *verifyError) Unwrap() []error {
	if e.cause == nil {
		return []error{e.reason.Err()}
	}
	return []error{e.reason.Err(), e.cause}
}

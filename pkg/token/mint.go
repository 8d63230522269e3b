package token

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"fmt"
)

// Minter mints many tokens from one Spec with one Signer. Mint returns exactly what
// signer.Sign(spec.Claims()) would (the same bytes, but for the random jti
// of JTI "auto", and the same errors) at a fraction of the cost: the claims
// are built and encoded once, and each token only gets its own jti. It is
// safe for concurrent use.
type Minter struct {
	signer *Signer
	spec   Spec
	err    error          // what spec.Claims() returns for every token
	static map[string]any // the claims, with jtiPlaceholder as jti when dynamic
	// payload is the encoded claims; nil when encoding/json had to do it
	// (Mint then takes the long way for every token).
	payload []byte
	jtiAt   int // offset of jtiPlaceholder's value in payload; -1 when the jti is fixed
}

// jtiPlaceholder stands for the random jti while the claims are encoded
// once; it has the length of a real one (16 bytes in base64url).
const jtiPlaceholder = "jwtkitJTIplaceholder00"

// NewMinter prepares spec for signer. An error in spec (one that
// spec.Claims reports) is returned by every Mint call, not here, so that a
// caller minting in a loop reports it the way it reports Claims errors.
func NewMinter(signer *Signer, spec Spec) *Minter {
	m := &Minter{signer: signer, spec: spec, jtiAt: -1}
	_, extraJTI := spec.Extra["jti"]
	dynamic := spec.JTI == "auto" && !extraJTI
	fixed := spec
	if dynamic {
		// The placeholder is set where a random jti would be, so the rest
		// of Claims (and its errors) go exactly as they would.
		fixed.JTI = jtiPlaceholder
	}
	m.static, m.err = fixed.Claims()
	if m.err != nil {
		return m
	}
	payload, ok := appendJSON(nil, m.static)
	if !ok {
		return m
	}
	if dynamic {
		quoted := `"` + jtiPlaceholder + `"`
		at := bytes.Index(payload, []byte(`"jti":`+quoted))
		if at < 0 || bytes.Count(payload, []byte(quoted)) != 1 {
			return m
		}
		m.jtiAt = at + len(`"jti":"`)
	}
	m.payload = payload
	return m
}

// Mint returns one token: signer.Sign(spec.Claims()).
func (m *Minter) Mint() (string, error) {
	if m.err != nil {
		return "", m.err
	}
	if m.payload == nil {
		claims, err := m.spec.Claims()
		if err != nil {
			return "", err
		}
		return m.signer.Sign(claims)
	}
	var jti [16]byte
	if m.jtiAt >= 0 {
		if _, err := rand.Read(jti[:]); err != nil {
			return "", fmt.Errorf("generating jti: %w", err)
		}
	}
	return m.sign(&jti)
}

// MintClaims is Mint that also returns the token's claims, as spec.Claims
// would have built them, for callers that show them beside the token.
func (m *Minter) MintClaims() (string, map[string]any, error) {
	if m.err != nil {
		return "", nil, m.err
	}
	if m.payload == nil {
		claims, err := m.spec.Claims()
		if err != nil {
			return "", nil, err
		}
		tok, err := m.signer.Sign(claims)
		if err != nil {
			return "", nil, err
		}
		return tok, claims, nil
	}
	claims, _ := deepCopy(m.static).(map[string]any)
	var jti [16]byte
	if m.jtiAt >= 0 {
		if _, err := rand.Read(jti[:]); err != nil {
			return "", nil, fmt.Errorf("generating jti: %w", err)
		}
		claims["jti"] = base64.RawURLEncoding.EncodeToString(jti[:])
	}
	tok, err := m.sign(&jti)
	if err != nil {
		return "", nil, err
	}
	return tok, claims, nil
}

// sign signs the prepared payload with jti in place of the placeholder.
func (m *Minter) sign(jti *[16]byte) (string, error) {
	s := m.signer
	sc := s.scratch.Get().(*signScratch)
	defer s.scratch.Put(sc)
	payload := append(sc.json[:0], m.payload...)
	sc.json = payload[:0]
	if m.jtiAt >= 0 {
		base64.RawURLEncoding.Encode(payload[m.jtiAt:m.jtiAt+len(jtiPlaceholder)], jti[:])
	}
	return s.sign(sc, payload)
}

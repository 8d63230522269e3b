package cmd

import (
	"fmt"
	"time"

	"github.com/spf13/pflag"

	"github.com/jwtkit/jwtkit/pkg/keys"
	"github.com/jwtkit/jwtkit/pkg/token"
)

// minted is what mint and probe prepare before signing: the signing key,
// a signer with the header, and the claims spec evaluated at now.
type minted struct {
	key    *keys.Key
	signer *token.Signer
	spec   token.Spec
}

// prepareMint is the one mint flow, shared by mint and probe: claim flags
// → spec, header flags → header, key source → signing key, --alg (or the
// key's default) checked against the key, the short-secret warning, and a
// signer.
func prepareMint(f *factory, fs *pflag.FlagSet, ks *keySourceFlags, cf *claimFlags, alg string, now time.Time) (*minted, error) {
	spec, err := cf.spec(f, fs, now)
	if err != nil {
		return nil, err
	}
	header, err := cf.header(ks.KID)
	if err != nil {
		return nil, err
	}
	key, err := ks.signingKey(f)
	if err != nil {
		return nil, err
	}
	if alg == "" {
		alg = key.DefaultAlg()
	} else if alg, err = algFlag(alg); err != nil {
		return nil, err
	} else if err := key.CheckAlg(alg); err != nil {
		return nil, usagef("--alg %s: %v", alg, err)
	}
	warnShortSecret(f, key, alg)
	signer, err := token.NewSigner(key, alg, header)
	if err != nil {
		return nil, usagef("%v", err)
	}
	return &minted{key: key, signer: signer, spec: spec}, nil
}

// mintOne signs the spec's claims once.
func (m *minted) mintOne() (tok string, claims map[string]any, err error) {
	claims, err = m.spec.Claims()
	if err != nil {
		return "", nil, usagef("%v", err)
	}
	if tok, err = m.signer.Sign(claims); err != nil {
		return "", nil, fmt.Errorf("signing: %w", err)
	}
	return tok, claims, nil
}

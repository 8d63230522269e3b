package keys

import (
	"fmt"
	"strconv"

	"github.com/jwtkit/jwtkit/internal/safetext"
)

// JWKSInput is one named group of keys for BuildJWKS: usually the keys of
// one file.
type JWKSInput struct {
	// Name is the file's path, or "-" for standard input; notes and errors
	// name it (quoted, or as "stdin").
	Name string
	Keys []*Key
}

// BuildJWKS collects the public halves of the inputs' keys into one JWK
// Set, in order, and returns its JSON and its keys. Each key keeps its kid
// and alg; "use" becomes "sig" where missing, and EC and Ed25519 keys get
// the alg their curve implies. The same key twice (by kid and RFC 7638
// thumbprint: a private key and its public file) is listed once, with a
// NoteDuplicateKey handed to onNote (nil drops it). Two different keys
// with one kid are an error wrapping ErrDuplicateKID; an HMAC secret, which
// is never published, wraps ErrUnsupported; more than MaxJWKSKeys keys
// wrap ErrTooLarge.
func BuildJWKS(inputs []JWKSInput, onNote func(Note)) ([]byte, *Set, error) {
	return BuildJWKSWith(inputs, JWKSOptions{OnNote: onNote})
}

// JWKSOptions tune BuildJWKSWith.
type JWKSOptions struct {
	// Alg pins RSA keys that have no alg (see PublishedKey). Other keys
	// are left as they are: EC and Ed25519 keys take their curve's alg,
	// and an RSA key pinned to another alg keeps it (with a
	// NoteAlgKept).
	Alg string
	// Private keeps the private members: a private JWK Set that mint can
	// pick a signing key from by kid. It must never be published.
	Private bool
	// OnNote receives NoteDuplicateKey, NoteKeySkipped (a weak key) and
	// NoteAlgKept; nil drops them.
	OnNote func(Note)
}

// PublishedKey is k as a JWK Set publishes it: "use" is "sig" where
// missing; EC and Ed25519 keys get the alg their curve fixes; an RSA key
// keeps its alg, or gets alg when given (an RSA key serves RS* and PS*
// alike, and a JWK alg pins it to one), else stays without one. The kid is
// the key's (the RFC 7638 thumbprint when its source named none). With
// private the private members stay; otherwise only the public half.
func PublishedKey(k *Key, alg string, private bool) (*Key, error) {
	var p *Key
	if private {
		c := *k
		p = &c
	} else {
		p = k.PublicKey()
	}
	if p.Use == "" {
		p.Use = "sig"
	}
	if p.KID == "" {
		tp, err := p.Thumbprint()
		if err != nil {
			return nil, err
		}
		p.KID = tp
	}
	if alg != "" {
		if err := p.CheckAlg(alg); err != nil && (p.Type == RSA || p.Alg == "") {
			return nil, err
		}
	}
	switch {
	case p.Alg != "":
	case p.Type == EC || p.Type == OKP:
		p.Alg = p.DefaultAlg()
	case p.Type == RSA && alg != "":
		p.Alg = alg
	}
	return p, nil
}

// BuildJWKSWith is BuildJWKS with options: an alg for RSA keys and private
// sets.
func BuildJWKSWith(inputs []JWKSInput, opts JWKSOptions) ([]byte, *Set, error) {
	onNote := opts.OnNote
	type seenKey struct {
		thumb, name string
	}
	seen := map[string]seenKey{}
	var all []*Key
	for _, in := range inputs {
		name := displayName(in.Name)
		for _, k := range in.Keys {
			if k.Type == Oct {
				return nil, nil, tagf([]error{ErrUnsupported}, "key %s holds an HMAC secret: a JWK Set publishes public keys only", name)
			}
			if opts.Private && !k.IsPrivate() {
				return nil, nil, tagf([]error{ErrNoSigningKey}, "key %s is a public key: a private JWK Set needs private keys", name)
			}
			thumb, err := k.Thumbprint()
			if err != nil {
				return nil, nil, fmt.Errorf("key %s: %w", name, err)
			}
			if prev, dup := seen[k.KID]; dup {
				if prev.thumb == thumb {
					notify(onNote, NoteDuplicateKey, fmt.Sprintf("key %q in %s is already in the set (from %s); listed once", k.KID, name, prev.name))
					continue
				}
				return nil, nil, tagf([]error{ErrDuplicateKID}, "kid %q names two different keys, in %s and %s: give one of them another kid", k.KID, prev.name, name)
			}
			seen[k.KID] = seenKey{thumb, name}
			if w := k.Weak(); w != nil {
				notify(onNote, NoteKeySkipped, fmt.Sprintf("key %s in %s is weak (%v): verifiers, jwtkit included, will not accept its signatures", safetext.Quote(k.KID), name, w))
			}
			alg := ""
			switch {
			case opts.Alg == "" || k.Type != RSA:
			case k.Alg == "":
				alg = opts.Alg
			case k.Alg != opts.Alg:
				notify(onNote, NoteAlgKept, fmt.Sprintf("key %s in %s keeps its alg %s: --alg %s pins only RSA keys without one", safetext.Quote(k.KID), name, k.Alg, opts.Alg))
			}
			p, err := PublishedKey(k, alg, opts.Private)
			if err != nil {
				return nil, nil, fmt.Errorf("key %s: %w", name, err)
			}
			all = append(all, p)
		}
	}
	if len(all) > MaxJWKSKeys {
		return nil, nil, tagf([]error{ErrTooLarge}, "%d keys: a JWK Set holds at most %d", len(all), MaxJWKSKeys)
	}
	var out []byte
	var err error
	if opts.Private {
		out, err = MarshalPrivateJWKS(all)
	} else {
		out, err = MarshalJWKS(all)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("building the JWK Set: %w", err)
	}
	return out, NewSet(all...), nil
}

// displayName is how a file named by the user appears in messages: quoted,
// or "stdin" for "-".
func displayName(name string) string {
	if name == "-" {
		return "stdin"
	}
	return strconv.Quote(name)
}

package keys

import (
	"fmt"
	"strconv"
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
			p := k.PublicKey()
			if p.Use == "" {
				p.Use = "sig"
			}
			if p.Alg == "" && (p.Type == EC || p.Type == OKP) {
				p.Alg = p.DefaultAlg()
			}
			all = append(all, p)
		}
	}
	if len(all) > MaxJWKSKeys {
		return nil, nil, tagf([]error{ErrTooLarge}, "%d keys: a JWK Set holds at most %d", len(all), MaxJWKSKeys)
	}
	out, err := MarshalJWKS(all)
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

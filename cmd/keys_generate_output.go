package cmd

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"strings"

	"github.com/jwtkit/jwtkit/pkg/keys"
)

// keyFile is one file `keys generate` writes, as -o json reports it.
type keyFile struct {
	Path    string `json:"path"`
	Mode    string `json:"mode"`
	Private bool   `json:"private"`
}

// keysGenerateJSON is the -o json shape of `keys generate`.
type keysGenerateJSON struct {
	Alg        string          `json:"alg"`
	KID        string          `json:"kid,omitempty"`
	Type       keys.Type       `json:"type"`
	Encrypted  bool            `json:"encrypted,omitempty"`
	Files      []keyFile       `json:"files,omitempty"`
	PrivatePEM string          `json:"private_pem,omitempty"`
	PublicPEM  string          `json:"public_pem,omitempty"`
	PrivateJWK json.RawMessage `json:"private_jwk,omitempty"`
	PublicJWK  json.RawMessage `json:"public_jwk,omitempty"`
	Secret     string          `json:"secret,omitempty"`
}

// generatedKey holds every encoding of a generated key that an output may use.
type generatedKey struct {
	key                              *keys.Key
	privPEM, pubPEM, privJWK, pubJWK []byte
	secretLine                       []byte // the secret and a newline
}

// encodeGenerated encodes k; a non-nil pass encrypts the private PEM with
// iter PBKDF2 iterations (0: the default).
func encodeGenerated(k *keys.Key, pass []byte, iter int) (*generatedKey, error) {
	g := &generatedKey{key: k, secretLine: append(append([]byte(nil), k.Secret...), '\n')}
	var err error
	if k.Type != keys.Oct {
		if pass != nil {
			g.privPEM, err = keys.MarshalEncryptedPEM(k, pass, keys.EncryptOptions{Iterations: iter})
		} else {
			g.privPEM, err = keys.MarshalPEM(k, true)
		}
		if err != nil {
			return nil, err
		}
		if g.pubPEM, err = keys.MarshalPEM(k, false); err != nil {
			return nil, err
		}
		if g.pubJWK, err = keys.MarshalJWK(k, false); err != nil {
			return nil, err
		}
	}
	if g.privJWK, err = keys.MarshalJWK(k, true); err != nil {
		return nil, err
	}
	return g, nil
}

// printGenerated writes the key to stdout: without --out there are no files.
func printGenerated(opts *keysGenerateOptions, g *generatedKey) error {
	f, k := opts.f, g.key
	if opts.Output == "json" {
		out := keysGenerateJSON{Alg: k.Alg, KID: k.KID, Type: k.Type, Encrypted: opts.Encrypt}
		switch {
		case k.Type == keys.Oct && opts.Format == "pem":
			out.Secret = string(k.Secret)
		case opts.Format == "jwk":
			out.PrivateJWK, out.PublicJWK = compactJSON(g.privJWK), compactJSON(g.pubJWK)
		default:
			out.PrivatePEM, out.PublicPEM = string(g.privPEM), string(g.pubPEM)
		}
		return writeJSON(f.IO.Out, out)
	}
	var payload []byte
	switch {
	case k.Type == keys.Oct && opts.Format == "pem":
		payload = g.secretLine
	case opts.Format == "jwk":
		payload = g.privJWK
	default:
		payload = g.privPEM
	}
	if _, err := f.IO.Out.Write(payload); err != nil {
		return err
	}
	fmt.Fprintf(f.IO.ErrOut, "generated %s%s; use --out to write files\n", describeGenerated(k), kidNote(k))
	return nil
}

// fileData is what goes in one of the --out files.
func (g *generatedKey) fileData(kf keys.OutFile, format string) []byte {
	private := kf.Perm == 0o600
	switch {
	case strings.HasSuffix(kf.Path, ".secret"):
		return g.secretLine
	case private && format == "jwk":
		return g.privJWK
	case format == "jwk":
		return g.pubJWK
	case private:
		return g.privPEM
	}
	return g.pubPEM
}

// generateTargets lists the files --out PREFIX stands for, without data.
func generateTargets(opts *keysGenerateOptions) []keys.OutFile {
	a, _ := keys.LookupAlg(opts.Alg)
	hmac := a.Family == keys.FamilyHMAC
	// --out key.pem means the prefix "key", not key.pem.pem.
	prefix := opts.Out
	for _, ext := range []string{".jwk.json", ".json", ".pem", ".secret"} {
		if p, ok := strings.CutSuffix(prefix, ext); ok && p != "" && !strings.HasSuffix(p, "/") {
			prefix = strings.TrimSuffix(p, ".pub")
			break
		}
	}
	mk := func(suffix string, private bool, what string) keys.OutFile {
		perm := fs.FileMode(0o644)
		if private {
			perm = 0o600
		}
		return keys.OutFile{Path: prefix + suffix, Perm: perm, Desc: what}
	}
	switch {
	case hmac && opts.Format == "jwk":
		return []keys.OutFile{mk(".jwk.json", true, "secret JWK")}
	case hmac:
		return []keys.OutFile{mk(".secret", true, "secret")}
	case opts.Format == "jwk":
		return []keys.OutFile{mk(".jwk.json", true, "private JWK"), mk(".pub.jwk.json", false, "public JWK")}
	}
	if opts.Encrypt {
		return []keys.OutFile{mk(".pem", true, "encrypted private key"), mk(".pub.pem", false, "public key")}
	}
	return []keys.OutFile{mk(".pem", true, "private key"), mk(".pub.pem", false, "public key")}
}

func describeGenerated(k *keys.Key) string {
	if k.Type == keys.Oct {
		return fmt.Sprintf("%s secret (%d hex characters)", k.Alg, len(k.Secret))
	}
	return fmt.Sprintf("%s %s", k.Alg, strings.TrimSuffix(k.Describe(), " private key")+" key")
}

func kidNote(k *keys.Key) string {
	if k.KID == "" {
		return ""
	}
	return ", kid " + k.KID
}

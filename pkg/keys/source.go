package keys

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"

	"github.com/jwtkit/jwtkit/internal/safetext"
)

// MaxSecretFileBytes caps a file that holds an HMAC secret.
const MaxSecretFileBytes = 1 << 20

// Source says where keys come from, the way a command line names them: a
// key file, an HMAC secret (given as text, or in a file), a JWK Set (a file
// or an http(s) URL) or, when none of these is given, the development key.
// At most one of File, Secret, SecretFile and JWKS may be set.
//
// A Source reads files and the network but never prints and never
// prompts: reading an environment variable or a terminal is the caller's
// job, which hands the text over as Secret. Notes (the development key was
// used or created) go to OnNote. Errors name what was given and wrap
// sentinels: ErrConflictingSources, ErrSecretIsKey, ErrBadSecret,
// ErrNoSigningKey, ErrAmbiguousKey and ErrKIDNotFound for what cannot work
// whatever the files hold; ErrNoSource; and the errors of
// ReadInputFile, Parse, FetchJWKS and DevKey.
type Source struct {
	// File is a key file (PEM, DER, JWK or JWKS, found by content); "-"
	// reads Stdin.
	File string
	// Stdin is what File or JWKS "-" reads (at most MaxFileBytes).
	Stdin io.Reader
	// Password supplies the passphrase when File holds an encrypted
	// private key (see ParseWith); nil: such a key fails with
	// ErrPasswordRequired.
	Password PasswordFunc
	// KID picks the signing key from a file with several private keys, and
	// narrows the verification keys of File to those with this kid.
	KID string

	// Secret is HMAC secret text as the user gave it, nil when none. One
	// trailing newline (LF or CRLF) is dropped, then SecretEncoding turns
	// it into bytes. Text that is a PEM or JWK key is refused
	// (ErrSecretIsKey): a public key must never act as an HMAC secret.
	Secret []byte
	// SecretOrigin names where Secret came from in errors and Key.Source:
	// "env SECRET_KEY", "stdin". Empty: "secret", or SecretFile's path.
	SecretOrigin string
	// SecretFromStream says Secret was read from a file-like stream (stdin
	// piped from a file): it gets SecretFile's dotenv check
	// (ErrSecretIsDotenv), which text from an environment variable or a
	// flag does not need.
	SecretFromStream bool
	// SecretFile is a file holding the secret text, read like Secret.
	SecretFile string
	// SecretEncoding is how the secret text maps to bytes: "utf8" (or ""),
	// "base64", "base64url" or "hex" (see DecodeSecret).
	SecretEncoding string

	// JWKS is a JWK Set that verifies: a file, "-" (Stdin) or an http(s)
	// URL fetched with FetchJWKS. It never signs.
	JWKS string

	// DevKeyDir is the folder of the development key (see DevKey), used
	// when no other source is given; "" means there is none (ErrNoSource).
	// Signing creates the key on first use; Verification creates it only
	// with DevKeyCreate (a server that will verify what it signs), since a
	// fresh key verifies nothing a user already has.
	DevKeyDir    string
	DevKeyCreate bool
	// OnNote receives NoteDevKeyCreated and NoteDevKeyUsed; nil drops them.
	OnNote func(Note)

	// FileLabel and KIDLabel name File and KID in messages the way the user
	// knows them: a command line passes its flags ("--key", "--kid").
	// Empty: "key file" and "kid".
	FileLabel, KIDLabel string
}

// Validate checks what can be checked without reading anything: one key
// source at most (ErrConflictingSources) and a known secret encoding
// (ErrBadSecret). Signing, Verification and Keys call it first.
func (s *Source) Validate() error {
	var given []string
	add := func(set bool, name string) {
		if set {
			given = append(given, name)
		}
	}
	add(s.File != "", "a key file")
	add(s.Secret != nil, "a secret")
	add(s.SecretFile != "", "a secret file")
	add(s.JWKS != "", "a JWK Set")
	if len(given) > 1 {
		return tagf([]error{ErrConflictingSources}, "%s cannot be used together: give one key source", strings.Join(given, " and "))
	}
	switch s.SecretEncoding {
	case "", "utf8", "base64", "base64url", "hex":
	default:
		return tagf([]error{ErrBadSecret}, "unknown secret encoding %s: want utf8, base64, base64url or hex", safetext.Quote(s.SecretEncoding))
	}
	return nil
}

// Signing returns the one key that signs: the secret; the private key of
// File (KID picks one of several; ErrNoSigningKey when there is none,
// ErrAmbiguousKey when several fit); or, when nothing is given, the
// development key.
func (s *Source) Signing() (*Key, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	if sec, ok, err := s.secretKey(); ok || err != nil {
		return sec, err
	}
	if s.JWKS != "" {
		return nil, tagf([]error{ErrNoSigningKey}, "a JWK Set only verifies: signing needs a private key or a secret")
	}
	if s.File == "" {
		return s.devKey(true)
	}
	set, err := s.loadFile(s.File)
	if err != nil {
		return nil, err
	}
	var cands []*Key
	for _, key := range set.Keys {
		if key.IsPrivate() && (s.KID == "" || len(set.Keys) == 1 || key.KID == s.KID) {
			cands = append(cands, key)
		}
	}
	fileLabel, kidLabel := s.labels()
	switch {
	case len(cands) == 0 && s.KID != "" && len(set.Keys) > 1:
		what := ""
		if !hasPrivate(set) {
			what = " (public keys only: a private JWK Set is made with jwtkit keys jwks --private)"
		}
		return nil, tagf([]error{ErrNoSigningKey, ErrKIDNotFound}, "%s %q has no private key with kid %q; it has: %s%s", fileLabel, s.File, s.KID, strings.Join(set.KIDs(), ", "), what)
	case len(cands) == 0:
		return nil, tagf([]error{ErrNoSigningKey}, "%s %q holds only public keys: signing needs a private key or a secret", fileLabel, s.File)
	case len(cands) > 1:
		return nil, tagf([]error{ErrAmbiguousKey}, "%s %q holds %d private keys: pick one with %s (%s)", fileLabel, s.File, len(cands), kidLabel, strings.Join(set.KIDs(), ", "))
	}
	return cands[0], nil
}

// Verification returns the keys that verify: the secret; the JWK Set (a
// URL is fetched with client, which carries timeouts, TLS and proxy
// settings); the keys of File (with KID, the public halves of the keys
// with that kid; ErrKIDNotFound when none has it); or, when nothing is
// given, the development key's public half.
func (s *Source) Verification(ctx context.Context, client *http.Client) (*Set, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	if isNoSource(s) {
		dk, err := s.devKey(s.DevKeyCreate)
		if err != nil {
			return nil, err
		}
		return NewSet(dk.PublicKey()), nil
	}
	if s.File == "" || s.KID == "" {
		return s.Keys(ctx, client)
	}
	set, err := s.loadFile(s.File)
	if err != nil {
		return nil, err
	}
	found, err := set.Find(s.KID, "")
	if err != nil {
		_, kidLabel := s.labels()
		return nil, tagf([]error{ErrKIDNotFound, err}, "%s: %v", kidLabel, err)
	}
	pub := make([]*Key, len(found))
	for i, key := range found {
		pub[i] = key.PublicKey()
	}
	return NewSet(pub...), nil
}

// Keys returns every key the source names, as given: the secret, the JWK
// Set (fetched with client when it is a URL) or the keys of File, private
// halves included and KID not applied. It never falls back to the
// development key: with no source it returns ErrNoSource.
func (s *Source) Keys(ctx context.Context, client *http.Client) (*Set, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	if sec, ok, err := s.secretKey(); ok || err != nil {
		if err != nil {
			return nil, err
		}
		return NewSet(sec), nil
	}
	switch {
	case strings.HasPrefix(s.JWKS, "https://") || strings.HasPrefix(s.JWKS, "http://"):
		return FetchJWKS(ctx, s.JWKS, FetchOptions{Client: client})
	case s.JWKS != "":
		return s.loadFile(s.JWKS)
	case s.File != "":
		return s.loadFile(s.File)
	}
	return nil, tagf([]error{ErrNoSource}, "no key source given: name a key file, a secret or a JWK Set")
}

func hasPrivate(set *Set) bool {
	for _, k := range set.Keys {
		if k.IsPrivate() {
			return true
		}
	}
	return false
}

// isNoSource reports whether s names no source at all.
func isNoSource(s *Source) bool {
	return s.File == "" && s.Secret == nil && s.SecretFile == "" && s.JWKS == ""
}

func (s *Source) labels() (file, kid string) {
	file, kid = s.FileLabel, s.KIDLabel
	if file == "" {
		file = "key file"
	}
	if kid == "" {
		kid = "kid"
	}
	return file, kid
}

// secretKey resolves Secret or SecretFile; ok is false when neither is set.
func (s *Source) secretKey() (key *Key, ok bool, err error) {
	var text []byte
	origin := s.SecretOrigin
	switch {
	case s.Secret != nil:
		text = s.Secret
		if origin == "" {
			origin = "secret"
		}
	case s.SecretFile != "":
		if text, err = ReadInputFile(s.SecretFile, "secret file", MaxSecretFileBytes); err != nil {
			return nil, true, err
		}
		if origin == "" {
			origin = s.SecretFile
		}
	default:
		return nil, false, nil
	}
	text = bytes.TrimSuffix(bytes.TrimSuffix(text, []byte("\n")), []byte("\r"))
	if looksLikeKey(text) {
		hint := "pass key files as keys"
		if s.FileLabel != "" {
			hint = "pass key files with " + s.FileLabel
		}
		return nil, true, tagf([]error{ErrSecretIsKey}, "the HMAC secret from %s looks like a PEM or JWK key: %s (an asymmetric key never acts as an HMAC secret)", origin, hint)
	}
	if (s.Secret == nil || s.SecretFromStream) && looksLikeDotenv(text) {
		hint := "put only the secret in the file, or read it from the environment after sourcing the file"
		if s.FileLabel != "" {
			hint = "use --secret-env NAME after sourcing it, or put only the secret in the file"
		}
		from := "the secret file " + safetext.Quote(origin)
		if s.Secret != nil {
			from = "the secret from " + origin
		}
		return nil, true, tagf([]error{ErrBadSecret, ErrSecretIsDotenv}, "%s looks like a dotenv file; %s", from, hint)
	}
	raw, err := DecodeSecret(string(text), s.SecretEncoding)
	if err != nil {
		return nil, true, tagf([]error{ErrBadSecret, err}, "secret from %s: %v", origin, err)
	}
	key, err = NewSecret(raw, origin)
	if err != nil {
		return nil, true, tagf([]error{ErrBadSecret, err}, "secret from %s: %v", origin, err)
	}
	return key, true, nil
}

// dotenvLine is "NAME=value" or "export NAME=value" with a conventional
// upper-case name and a value that does not start with "=" (so a base64
// secret ending in "=" is no dotenv line).
var dotenvLine = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(export )?[A-Z][A-Z0-9_]*=[^=]`) })

// looksLikeDotenv catches a .env file passed as a secret file: its whole
// text would become the HMAC secret and every token would be wrong.
func looksLikeDotenv(b []byte) bool {
	text := strings.TrimRight(string(b), "\r\n")
	var lines []string
	for _, l := range strings.Split(text, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	return len(lines) >= 2 || len(lines) == 1 && dotenvLine().MatchString(lines[0])
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

// loadFile parses a key file, "-" meaning Stdin.
func (s *Source) loadFile(name string) (*Set, error) {
	if name == "-" {
		b, err := readStdin(s.Stdin, "key", MaxFileBytes)
		if err != nil {
			return nil, err
		}
		set, err := ParseWith(b, "stdin", ParseOptions{Password: s.Password})
		if err != nil {
			return nil, fmt.Errorf("reading key from stdin: %w", err)
		}
		return set, nil
	}
	b, err := ReadInputFile(name, "key file", MaxFileBytes)
	if err != nil {
		return nil, err
	}
	set, err := ParseWith(b, name, ParseOptions{Password: s.Password})
	if err != nil {
		return nil, fmt.Errorf("reading key %q: %w", name, err)
	}
	return set, nil
}

// devKey loads (with create, or creates) the development key and says
// which in a note, warning when other users can read it.
func (s *Source) devKey(create bool) (*Key, error) {
	if s.DevKeyDir == "" {
		return nil, tagf([]error{ErrNoSource}, "no key source given: name a key file, a secret or a JWK Set")
	}
	var k *Key
	var path string
	var created bool
	var err error
	if create {
		k, path, created, err = DevKey(s.DevKeyDir)
	} else if k, path, err = LoadDevKey(s.DevKeyDir); errors.Is(err, ErrNoDevKey) {
		what := "a key file, a secret or a JWK Set"
		if s.FileLabel != "" {
			what = "--key, --jwks or a secret (--secret-env, --secret-file)"
		}
		return nil, tagf([]error{ErrNoSource, ErrNoDevKey}, "no key: pass %s; there is no development key to fall back on (jwtkit mint makes one)", what)
	}
	if err != nil {
		return nil, fmt.Errorf("development key: %w", err)
	}
	if mode, exposed := DevKeyExposed(path); exposed {
		notify(s.OnNote, NoteDevKeyExposed, fmt.Sprintf("development key %s is readable by other users (mode %04o): chmod 600 it", path, mode))
	}
	if created {
		notify(s.OnNote, NoteDevKeyCreated, fmt.Sprintf("created development key %s (ES256, kid %s)", path, k.KID))
	} else {
		notify(s.OnNote, NoteDevKeyUsed, fmt.Sprintf("using development key %s (kid %s)", path, k.KID))
	}
	return k, nil
}

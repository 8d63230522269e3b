package probe

import (
	"context"
	"crypto/hmac"
	"fmt"

	"github.com/jwtkit/jwtkit/pkg/keys"
	"github.com/jwtkit/jwtkit/pkg/token"
)

// crackResult is the outcome of a run's one offline search for the HMAC
// secret of the valid token: the built-in list, then --wordlist.
type crackResult struct {
	line     int64  // 1-based line of the hit; 0 = none
	wordlist bool   // the hit is on the wordlist (else the built-in list)
	secret   []byte // the hit
	lines    int64  // wordlist lines read (0 without a wordlist)
	err      error  // reading the wordlist
}

// where names the hit for reports, never by value.
func (c *crackResult) where(r *run) string {
	if c.wordlist {
		return fmt.Sprintf("line %d of %s", c.line, r.wordlistName())
	}
	return fmt.Sprintf("line %d of jwtkit's built-in list (pkg/probe/weak-secrets.txt)", c.line)
}

// crack runs the offline search once per run when the token is HS*: the built-in list, then the wordlist on
// every core (with progress through Config.WordlistProgress). jwt.weak-secret
// grades the outcome; a hit becomes the signing key when the run has none,
// so the checks that re-sign run too (not in a dry run, which plans the
// requests of the key the user gave).
func (r *run) crack(ctx context.Context) {
	// It runs whatever --only says: it sends nothing, and the upgrade it
	// brings serves every check that needs the key.
	if r.forger == nil {
		return
	}
	a, ok := keys.LookupAlg(r.forger.Alg())
	if !ok || a.Family != keys.FamilyHMAC {
		return
	}
	tok, err := token.ParseJWS(token.Clean(r.cfg.Token)) // NewForger parsed it the same way
	if err != nil {
		return
	}
	res := &crackResult{}
	r.reach.cracked = res
	input := []byte(tok.SigningInput)
	for _, w := range weakSecrets() {
		mac := hmac.New(a.Hash.New, w.secret)
		mac.Write(input)
		if hmac.Equal(mac.Sum(nil), tok.Signature) {
			res.line, res.secret = int64(w.line), w.secret
			break
		}
	}
	if res.line == 0 && r.cfg.Wordlist != "" {
		hit, err := searchWordlist(ctx, r.cfg, a.Name, input, tok.Signature)
		res.lines, res.err = hit.lines, err
		if err == nil && hit.line > 0 {
			res.line, res.wordlist, res.secret = hit.line, true, hit.secret
		}
	}
	if res.line == 0 || r.canSign() || r.dry {
		return
	}
	k, err := keys.NewSecret(res.secret, "jwt.weak-secret")
	if err != nil {
		return
	}
	r.cfg.Key = k
	r.reach.upgraded = fmt.Sprintf("the HMAC secret was cracked offline (jwt.weak-secret, %s): the checks that need the signing key used it", res.where(r))
}

package cmd

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/spf13/pflag"

	"github.com/jwtkit/jwtkit/internal/flagsyntax"
	"github.com/jwtkit/jwtkit/pkg/keys"
	"github.com/jwtkit/jwtkit/pkg/token"
)

// DefaultJWKSTTL bounds how long a fetched key set is used before it is
// revalidated: a key removed by its provider stops verifying within it.
const DefaultJWKSTTL = 5 * time.Minute

// remoteFlags is the flag group for key sets fetched over the network:
// --issuer-url, --jwks-ttl, --no-cache and (on verify) --cacert. It turns
// them into a keys.Remote, which does the work.
type remoteFlags struct {
	IssuerURL string
	TTL       time.Duration
	NoCache   bool
	CACert    string
}

func (r *remoteFlags) addFlags(fs *pflag.FlagSet) {
	addIssuerURLFlag(fs, &r.IssuerURL)
	fs.StringVar(&r.CACert, "cacert", "", "trust the CA certificates in this PEM `file` too (for --jwks and --issuer-url)")
	fs.Var(flagsyntax.NewDuration(&r.TTL, DefaultJWKSTTL), "jwks-ttl", "use a cached key set for at most this `duration` (less if the server says so)")
	fs.BoolVar(&r.NoCache, "no-cache", false, "fetch key sets and discovery documents afresh; neither read nor write the cache")
}

func addIssuerURLFlag(fs *pflag.FlagSet, p *string) {
	fs.StringVar(p, "issuer-url", "", "use the key set of this OIDC/OAuth issuer `url`, found by discovery; the token's iss must equal it")
}

// validate checks --issuer-url against the key-source flags and --iss.
func (r *remoteFlags) validate(k *keySourceFlags, issuers []string) error {
	if r.TTL < 0 {
		return usagef("--jwks-ttl must not be negative")
	}
	if r.CACert != "" {
		if r.IssuerURL == "" && !isURL(k.JWKS) {
			return usagef("--cacert is for fetching: it needs --jwks URL or --issuer-url")
		}
		// Checked now, not at the first fetch: a cached set must not hide
		// a --cacert that would fail tomorrow.
		if _, err := loadCACert(r.CACert); err != nil {
			return err
		}
	}
	if r.IssuerURL == "" {
		return nil
	}
	if s := k.sources(); len(s) > 0 {
		return usagef("--issuer-url and %s cannot be used together: give one key source", strings.Join(s, " and "))
	}
	if _, err := keys.CheckIssuerURL(r.IssuerURL); err != nil {
		return usagef("--issuer-url: %v", err)
	}
	for _, iss := range issuers {
		if iss != r.IssuerURL {
			return usagef("--iss %q differs from --issuer-url %q: the token's iss must be the issuer whose keys verify it; drop --iss", iss, r.IssuerURL)
		}
	}
	return nil
}

// isURL reports whether a --jwks value is fetched.
func isURL(s string) bool {
	return strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "http://")
}

// remote builds the keys.Remote for --issuer-url or a --jwks URL; nil when
// the key set is local.
func (r *remoteFlags) remote(f *factory, jwks string, timeout time.Duration) *keys.Remote {
	if r.IssuerURL == "" && !isURL(jwks) {
		return nil
	}
	rm := &keys.Remote{
		JWKSURL:   jwks,
		IssuerURL: r.IssuerURL,
		Client:    newHTTPClient(f, httpOptions{Timeout: timeout, CACert: r.CACert}),
		OnNote:    func(n keys.Note) { printNote(f, n) },
	}
	if !r.NoCache {
		if dir, err := cacheDir(f); err == nil {
			rm.Cache = &keys.Cache{Dir: dir, TTL: r.TTL, Now: f.Now}
		} else {
			fmt.Fprintf(f.IO.ErrOut, "warning: no folder for the key-set cache (%v; set JWTKIT_HOME); continuing without it\n", err)
		}
	}
	return rm
}

// printNote prints a note of package keys: cache trouble is a warning.
func printNote(f *factory, n keys.Note) {
	if isWarning(n) {
		fmt.Fprintf(f.IO.ErrOut, "warning: %s\n", n.Text)
	} else {
		f.notef("%s", n.Text)
	}
}

// isWarning: cache trouble is worth a warning, even under -q (f.Quiet drops
// notes only): a skipped key or a refetch is news, an unsafe or unwritable
// cache is a security matter.
func isWarning(n keys.Note) bool {
	return n.Kind == keys.NoteCacheIgnored || n.Kind == keys.NoteCacheUnwritable
}

// cacheDir is the key-set cache: $JWTKIT_HOME/cache, else the OS user
// cache folder + /jwtkit.
func cacheDir(f *factory) (string, error) {
	if h := f.Getenv("JWTKIT_HOME"); h != "" {
		return filepath.Join(h, "cache"), nil
	}
	base, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(base, "jwtkit"), nil
}

// keySet resolves verify's keys: a network key set through opts.remote
// (cached), else the key-source flags.
func (opts *verifyOptions) keySet(ctx context.Context) (*keys.Set, error) {
	opts.remote = opts.Remote.remote(opts.f, opts.Keys.JWKS, opts.Timeout)
	if opts.remote == nil {
		return opts.Keys.verificationSet(ctx, opts.f, opts.Timeout)
	}
	set, err := opts.remote.Load(ctx)
	if errors.Is(err, keys.ErrWeakKey) || errors.Is(err, keys.ErrCertMismatch) {
		// Every key of the set was skipped: whatever the token's kid, no
		// key verifies it, a key problem (exit 4) like a skipped kid.
		return nil, withCode(ExitSignature, err)
	}
	return set, err
}

// issuerPolicy makes --issuer-url the one accepted iss.
func (r *remoteFlags) issuerPolicy(p *token.Policy) {
	if r.IssuerURL != "" {
		p.Issuers = []string{r.IssuerURL}
	}
}

// retryKIDMiss verifies raw again after one refetch of a cached network
// key set when the token's kid was not in it (a key rotation). The
// refetch is rate-limited by keys.Remote; res stands otherwise.
func (opts *verifyOptions) retryKIDMiss(ctx context.Context, res *token.Result, raw string) *token.Result {
	if !opts.kidMiss(res) {
		return res
	}
	v := opts.refetchedVerifier(ctx, res)
	if v == nil {
		return res
	}
	return verifySafely(v, raw)
}

// kidMiss reports whether res failed in a way a key rotation explains.
func (opts *verifyOptions) kidMiss(res *token.Result) bool {
	if opts.remote == nil || res.Token == nil {
		return false
	}
	// A new kid may come with a new alg: when the allow-list was derived
	// from the cached set (no --alg), an unknown alg can be a rotation too.
	_, knownAlg := keys.LookupAlg(res.Token.Alg())
	newAlg := res.Reason == token.ReasonAlgNotAllowed && len(opts.Policy.Algs) == 0 && knownAlg
	return res.Reason == token.ReasonKeyNotFound || newAlg
}

// refetchedVerifier refetches the key set for res's kid and returns a
// verifier with the new set, or nil when nothing was fetched.
func (opts *verifyOptions) refetchedVerifier(ctx context.Context, res *token.Result) *token.Verifier {
	if ctx == nil {
		ctx = context.Background()
	}
	set, ok, err := opts.remote.Refetch(ctx, res.Token.KID())
	if err != nil {
		fmt.Fprintf(opts.f.IO.ErrOut, "warning: refetching the key set: %v\n", err)
		return nil
	}
	if !ok {
		return nil
	}
	v, err := token.NewVerifier(set, opts.policy)
	if err != nil {
		return nil
	}
	return v
}

// batchVerifier verifies a batch's tokens on all cores; the first kid
// miss refetches the key set once (rate-limited as for one token) and
// the rest of the batch uses the new set. Each token reads the verifier
// through an atomic pointer: a mutex taken per line cost the workers of
// an HS256 batch a few percent of their CPU time.
type batchVerifier struct {
	opts  *verifyOptions
	ctx   context.Context
	v     atomic.Pointer[token.Verifier]
	mu    sync.Mutex // held for the one refetch
	tried bool
}

func newBatchVerifier(ctx context.Context, opts *verifyOptions, v *token.Verifier) *batchVerifier {
	b := &batchVerifier{opts: opts, ctx: ctx}
	b.v.Store(v)
	return b
}

func (b *batchVerifier) verify(raw string) *token.Result {
	v := b.v.Load()
	res := verifySafely(v, raw)
	if !b.opts.kidMiss(res) {
		return res
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.tried {
		b.tried = true
		if nv := b.opts.refetchedVerifier(b.ctx, res); nv != nil {
			b.v.Store(nv)
		}
	}
	nv := b.v.Load()
	if nv == v {
		return res
	}
	return verifySafely(nv, raw)
}

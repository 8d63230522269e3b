package probe

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/jwtkit/jwtkit/pkg/keys"
	"github.com/jwtkit/jwtkit/pkg/probe/forge"
)

// remote holds what the out-of-band and attacker-key checks share: the
// attacker material, the callback layout and probe's listener.
type remote struct {
	attacker *forge.Attacker
	callback *forge.Callback
	lis      *listener
	tls      bool   // the listener also speaks TLS (loopback mode)
	why      string // why the listener checks skip
	failed   bool   // the listener was needed but could not start: the checks end in error
	marker   string

	matOnce sync.Once
	mat     forge.Material
}

// listenerChecks are the checks that need probe's listener.
func listenerChecks() []string {
	return []string{"jwt.jku-injection", "jwt.x5u-injection", "jwt.issuer-discovery-injection"}
}

func (r *run) listenerChecksSelected() bool {
	for _, id := range listenerChecks() {
		if r.selected[id] {
			return true
		}
	}
	return false
}

// startRemote makes the attacker material and starts the listener when a
// check needs them. An error is a report note; the checks then skip.
func (r *run) startRemote(_ context.Context) error {
	rm := &remote{why: "no valid token"}
	r.remote = rm
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	rm.marker = "jwtkit" + hex.EncodeToString(b) + "m"
	needListener := r.listenerChecksSelected()
	if r.forger == nil || !r.base.usable || !needListener && !r.selected["jwt.x5c-injection"] {
		return nil
	}
	kid, _ := r.forger.Header()["kid"].(string)
	a, err := forge.NewAttacker(r.forger.Alg(), kid, r.cfg.Now())
	if err != nil {
		rm.why = err.Error()
		return fmt.Errorf("attacker key material: %w", err)
	}
	rm.attacker = a
	if !needListener {
		return nil
	}
	base, tlsBase := r.cfg.CallbackURL, ""
	switch {
	case base != "":
	case viaProxy(r.cfg.Client):
		// The proxy reaches the target: its loopback is the proxy's, not
		// probe's.
		rm.why = errProxyNoCallback.Error()
		return nil
	case keys.IsLoopback(r.target.Hostname()):
		base, tlsBase = "http://127.0.0.1:0", "https://127.0.0.1:0"
		rm.tls = true
	default:
		rm.why = errNoCallback.Error()
		return nil
	}
	if r.dry {
		// Nothing is bound: the plan shows where the listener would be.
		if r.cfg.CallbackURL == "" {
			p := ":" + forge.PlaceholderPort
			base, tlsBase = "http://127.0.0.1"+p, "https://127.0.0.1"+p
		}
		rm.callback = placeholderCallback(a, base, tlsBase)
		return nil
	}
	lis := newListener(r.cfg.Now, r.cfg.CallbackMaxRequests)
	if r.cfg.CallbackURL != "" {
		ln, err := net.Listen("tcp", r.cfg.CallbackAddr)
		if err != nil {
			// Asked for explicitly: not a skip, an error.
			rm.why, rm.failed = fmt.Sprintf("the listener cannot bind --callback-addr %s: %v", r.cfg.CallbackAddr, errText(err)), true
			return fmt.Errorf("callback listener: %s", rm.why)
		}
		lis.serve(ln, nil)
	} else {
		plain, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			rm.why, rm.failed = "the listener cannot bind 127.0.0.1: "+err.Error(), true
			return fmt.Errorf("callback listener: %s", rm.why)
		}
		secure, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			plain.Close()
			rm.why, rm.failed = "the listener cannot bind 127.0.0.1: "+err.Error(), true
			return fmt.Errorf("callback listener: %s", rm.why)
		}
		cert := r.cfg.CallbackCert
		if cert == nil {
			if cert, err = selfSignedTLS(r.cfg.Now()); err != nil {
				plain.Close()
				secure.Close()
				rm.why = err.Error()
				return fmt.Errorf("callback listener: %w", err)
			}
		}
		base, tlsBase = "http://"+plain.Addr().String(), "https://"+secure.Addr().String()
		lis.serve(plain, nil)
		lis.serve(secure, cert)
	}
	cb, err := forge.NewCallback(a, base, tlsBase)
	if err != nil {
		lis.close()
		rm.why = err.Error()
		return fmt.Errorf("callback listener: %w", err)
	}
	for _, f := range cb.Files {
		lis.files[f.Path] = f
	}
	rm.callback, rm.lis = cb, lis
	return nil
}

// placeholderCallback lays out the documents under a base URL that is not
// bound (dry runs); a URL that does not parse as one falls back to
// probe-listener.invalid.
func placeholderCallback(a *forge.Attacker, base, tlsBase string) *forge.Callback {
	if cb, err := forge.NewCallback(a, base, tlsBase); err == nil {
		return cb
	}
	cb, _ := forge.NewCallback(a, "http://probe-listener.invalid", "https://probe-listener.invalid")
	return cb
}

// stopRemote closes the listener and notes what it served.
func (r *run) stopRemote(rep *Report) {
	rm := r.remote
	if rm == nil || rm.lis == nil {
		return
	}
	rm.lis.close()
	log := rm.lis.snapshot()
	rep.Listener = log
	if len(log) == 0 {
		rep.Notes = append(rep.Notes, "probe's listener saw no request")
		return
	}
	rep.Notes = append(rep.Notes, fmt.Sprintf("probe's listener saw %d %s, first: %s", len(log), plural(len(log), "request", "requests"), log[0]))
}

// plannedListener lists what the listener would serve, for --dry-run, or
// why the listener checks would skip.
func (r *run) plannedListener() []Planned {
	if r.remote == nil {
		return nil
	}
	var out []Planned
	if r.remote.callback == nil {
		for _, id := range listenerChecks() {
			if r.selected[id] {
				out = append(out, Planned{Check: id, Variant: "skipped", Curl: "# " + r.remote.why})
			}
		}
		return out
	}
	for _, f := range r.remote.callback.Files {
		if r.selected[f.Check] {
			out = append(out, Planned{Check: f.Check, Variant: "listener", Curl: fmt.Sprintf("# probe's listener answers GET %s (%s) to any client that asks for this random path, during the run only", f.URL, f.ContentType)})
		}
	}
	return out
}

// plannedRequests counts the entries of a plan that are requests to send:
// not the listener's documents nor the checks listed as skipped.
func plannedRequests(plan []Planned) int {
	n := 0
	for _, p := range plan {
		if p.Variant != "listener" && p.Variant != "skipped" {
			n++
		}
	}
	return n
}

// material is what the forge needs beyond the token, built once.
func (r *run) material() forge.Material {
	rm := r.remote
	rm.matOnce.Do(func() {
		rm.mat = forge.Material{
			Key: r.cfg.Key, PublicKey: r.cfg.PublicKey, KeyFile: r.cfg.KeyFile,
			Attacker: rm.attacker, Callback: rm.callback, Now: r.cfg.Now(),
			Marker: rm.marker, Roles: r.cfg.Roles, RolesClaim: r.cfg.RolesClaim,
		}
	})
	return rm.mat
}

func (r *run) grace() time.Duration {
	switch {
	case r.cfg.CallbackGrace < 0:
		return 0
	case r.cfg.CallbackGrace == 0:
		return DefaultCallbackGrace
	}
	return r.cfg.CallbackGrace
}

// checkRemoteKey grades jku, x5u and issuer-discovery injection: accepted
// fails, a fetch without acceptance warns (the API fetches URLs the caller
// chooses), no fetch within the grace period passes.
func checkRemoteKey(ctx context.Context, c *checkCtx) *Result {
	r := c.r
	rm := r.remote
	made, stop := r.forgeVariants(c.id, func(id string) *Result {
		if g := r.tokenGate(id); g != nil {
			return g
		}
		if rm.callback == nil && rm.failed {
			return r.result(id, Error, rm.why)
		}
		if rm.callback == nil {
			return r.skipped(id, rm.why)
		}
		return nil
	})
	if stop != nil {
		return stop
	}
	xs := c.sendForged(ctx, made.Variants)
	var tokens []string
	for _, f := range rm.callback.FilesFor(c.id) {
		tokens = append(tokens, f.Token)
	}
	handshakes := c.id == "jwt.x5u-injection" && rm.tls
	var fetched []Fetch
	if rm.lis != nil {
		rm.lis.wait(ctx, tokens, handshakes, r.grace())
		fetched = rm.lis.fetches(tokens, handshakes)
	}
	res := r.gradeRefused(c.id, xs, Fail, variantsWord(len(xs)))
	switch {
	case len(fetched) > 0 && res.Verdict == Fail:
		res.Evidence += "; probe's listener logged " + fetched[0].String()
	case len(fetched) > 0 && res.Verdict == Pass:
		return r.result(c.id, Warn, fmt.Sprintf("the token was refused, but the API fetched the URL it named: %s; it fetches URLs chosen by the caller (server-side request forgery surface)", fetched[0]), xs...)
	case res.Verdict == Pass && rm.lis != nil && r.grace() == 0:
		res.Evidence += "; no fetch seen by the time the answers arrived (no grace period)"
	case res.Verdict == Pass && rm.lis != nil:
		res.Evidence += fmt.Sprintf("; no fetch seen within %s of the last request", r.grace())
	case res.Verdict == Pass:
		res.Evidence += "; no fetch seen (not sent: dry run)"
	}
	return res
}

// checkX5C grades a certificate embedded in x5c: no listener needed.
func checkX5C(ctx context.Context, c *checkCtx) *Result {
	r := c.r
	made, stop := r.forgeVariants(c.id, r.tokenGate)
	if stop != nil {
		return stop
	}
	return r.gradeRefused(c.id, c.sendForged(ctx, made.Variants), Fail, variantsWord(len(made.Variants)))
}

// viaProxy reports a client that sends through a proxy (probe --proxy).
func viaProxy(c *http.Client) bool {
	if c == nil {
		return false
	}
	t, ok := c.Transport.(*http.Transport)
	return ok && t.Proxy != nil
}

// withVariant marks s as the forged variant id, which reports carry in
// requests[].variant (the id jwtkit forge takes).
func withVariant(s reqSpec, id string) reqSpec {
	s.variant = id
	return s
}

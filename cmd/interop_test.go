package cmd

// Interoperability with the real PyJWT (Debian's python3-jwt), jose (npm) and
// jsonwebtoken (npm, auth0's node library) libraries: jwtkit's tokens verify
// there, theirs verify here, and keys made by openssl load. The peers are the scripts under testdata/interop; each
// runs once per test as a batch (JSON jobs on stdin, one JSON result per
// line), so the whole proof takes a few seconds.
//
// Outside CI a missing peer skips its part; with CI=true it fails, because
// .ci/run installs the peers.

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jwtkit/jwtkit/pkg/keys"
)

// peer is an external JWT implementation driven through a script.
type peer struct {
	name string   // "PyJWT", "jose", "jsonwebtoken" or "openssl"
	argv []string // the interpreter and script, without the operation
}

// peerJob is one line of a peer's batch input.
type peerJob struct {
	Op     string         `json:"op"` // "sign" or "verify"
	Alg    string         `json:"alg"`
	Key    string         `json:"key"`
	Claims map[string]any `json:"claims,omitempty"`
	Header map[string]any `json:"header,omitempty"`
	Token  string         `json:"token,omitempty"`
	Aud    string         `json:"aud,omitempty"`
	Iss    string         `json:"iss,omitempty"`
	// Require lists claims the peer must find (PyJWT's options.require).
	Require []string `json:"require,omitempty"`
}

// peerResult is one line of a peer's batch output.
type peerResult struct {
	Token  string         `json:"token"`
	OK     bool           `json:"ok"`
	Claims map[string]any `json:"claims"`
	Error  string         `json:"error"`
}

// jwtPeers are the JWT libraries the interop tests run against.
var jwtPeers = []string{"PyJWT", "jose", "jsonwebtoken"}

// peerLacks lists, per peer, the algs it does not implement and why; the
// tests skip those algs for that peer only.
var peerLacks = map[string]map[string]string{
	"jsonwebtoken": {"EdDSA": "jsonwebtoken 9 has no EdDSA: its sign and verify accept only HS*, RS*, PS*, ES* and none (its jws/jwa dependencies implement no other)"},
}

// nodePeer finds Node.js and the npm module a peer script imports.
func nodePeer(name, module, script string) (peer, string) {
	node, err := exec.LookPath("node")
	if err != nil {
		return peer{}, "node is not on PATH"
	}
	dir, _ := filepath.Abs(repoFile("testdata", "interop", "node"))
	if _, err := os.Stat(filepath.Join(dir, "node_modules", module)); err != nil {
		return peer{}, fmt.Sprintf("%s/node_modules/%s is missing (run npm ci in %s)", dir, module, dir)
	}
	return peer{name, []string{node, filepath.Join(dir, script)}}, ""
}

// peerLookups find each peer once per test binary.
var peerLookups = map[string]func() (peer, string){
	"PyJWT": sync.OnceValues(func() (peer, string) {
		script, _ := filepath.Abs(repoFile("testdata", "interop", "peer.py"))
		cands := []string{"/usr/bin/python3"}
		if p, err := exec.LookPath("python3"); err == nil {
			cands = append(cands, p)
		}
		check, _ := filepath.Abs(repoFile("testdata", "interop", "pyjwt_ok.py"))
		stale := ""
		for _, py := range cands {
			err := exec.Command(py, check).Run()
			if err == nil {
				return peer{"PyJWT", []string{py, script}}, ""
			}
			if ee, ok := errors.AsType[*exec.ExitError](err); ok && ee.ExitCode() == 3 {
				stale = py
			}
		}
		if stale != "" {
			return peer{}, fmt.Sprintf("PyJWT for %s accepts tokens with an unknown crit (CVE-2026-32597), so it cannot judge jwtkit's; upgrade it (Debian: apt-get install python3-jwt, 2.6.0-1+deb12u1 or later)", stale)
		}
		return peer{}, fmt.Sprintf("none of %s can import jwt and cryptography (Debian: apt-get install python3-jwt python3-cryptography)", strings.Join(cands, ", "))
	}),
	"jose": sync.OnceValues(func() (peer, string) {
		return nodePeer("jose", "jose", "peer.mjs")
	}),
	"jsonwebtoken": sync.OnceValues(func() (peer, string) {
		return nodePeer("jsonwebtoken", "jsonwebtoken", "peer-jsonwebtoken.mjs")
	}),
	"openssl": sync.OnceValues(func() (peer, string) {
		p, err := exec.LookPath("openssl")
		if err != nil {
			return peer{}, "openssl is not on PATH"
		}
		return peer{"openssl", []string{p}}, ""
	}),
}

// requirePeer returns the named peer ("PyJWT", "jose", "jsonwebtoken" or
// "openssl"). When it is missing the test skips, except in CI, where that is
// a failure.
func requirePeer(t *testing.T, name string) peer {
	t.Helper()
	p, why := peerLookups[name]()
	if why == "" {
		return p
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("interop peer %s is missing in CI: %s; .ci/run should have installed it", name, why)
	}
	t.Skipf("interop peer %s not available: %s (CI=true makes this a failure)", name, why)
	return peer{}
}

// batch runs jobs through one peer process and returns one result per job.
func (p peer) batch(t *testing.T, jobs []peerJob) []peerResult {
	t.Helper()
	var in bytes.Buffer
	enc := json.NewEncoder(&in)
	for _, j := range jobs {
		if err := enc.Encode(j); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	c := exec.CommandContext(ctx, p.argv[0], append(p.argv[1:], "batch")...)
	c.Stdin = &in
	var stderr bytes.Buffer
	c.Stderr = &stderr
	out, err := c.Output()
	if err != nil {
		t.Fatalf("%s batch: %v\n%s", p.name, err, stderr.String())
	}
	var res []peerResult
	dec := json.NewDecoder(bytes.NewReader(out))
	for dec.More() {
		var r peerResult
		if err := dec.Decode(&r); err != nil {
			t.Fatalf("%s batch output: %v\n%s", p.name, err, out)
		}
		res = append(res, r)
	}
	if len(res) != len(jobs) {
		t.Fatalf("%s batch answered %d of %d jobs\n%s", p.name, len(res), len(jobs), stderr.String())
	}
	return res
}

// openssl runs one openssl command line.
func (p peer) openssl(t *testing.T, args ...string) {
	t.Helper()
	out, err := exec.Command(p.argv[0], args...).CombinedOutput()
	if err != nil {
		t.Fatalf("openssl %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// interopKey is one key for the interop tests: a PEM pair, or for HS* a
// secret file (priv == pub).
type interopKey struct{ priv, pub string }

// keyFlags are the jwtkit flags that sign (private) or verify with the key.
func (k interopKey) keyFlags(alg string, private bool) []string {
	switch {
	case strings.HasPrefix(alg, "HS"):
		return []string{"--secret-file", k.priv}
	case private:
		return []string{"--key", k.priv}
	}
	return []string{"--key", k.pub}
}

// generateInteropKeys makes one key per alg with `jwtkit keys generate`,
// one RSA key shared by RS* and PS*, and one per curve.
func generateInteropKeys(t *testing.T, dir string) map[string]interopKey {
	t.Helper()
	f, _, _ := testFactory(t, "", nil)
	gen, _, err := newRootCmd(f, nil).Find([]string{"keys", "generate"})
	useCmd := err == nil && gen.Name() == "generate"
	if !useCmd {
		t.Log("jwtkit keys generate is not available: generating with keys.Generate and keys.MarshalPEM")
	}
	byAlg := map[string]interopKey{}
	for _, alg := range []string{"HS256", "HS384", "HS512", "RS256", "ES256", "ES384", "ES512", "EdDSA"} {
		prefix := filepath.Join(dir, strings.ToLower(alg))
		k := interopKey{priv: prefix + ".pem", pub: prefix + ".pub.pem"}
		if strings.HasPrefix(alg, "HS") {
			k = interopKey{priv: prefix + ".secret", pub: prefix + ".secret"}
		}
		if useCmd {
			if code, _, errOut := runCmd(t, "", nil, "keys", "generate", "--alg", alg, "--out", prefix); code != 0 {
				t.Fatalf("keys generate --alg %s: exit %d: %s", alg, code, errOut)
			}
		} else {
			writeGeneratedKey(t, alg, k)
		}
		byAlg[alg] = k
	}
	for _, alg := range []string{"RS384", "RS512", "PS256", "PS384", "PS512"} {
		byAlg[alg] = byAlg["RS256"]
	}
	return byAlg
}

func writeGeneratedKey(t *testing.T, alg string, k interopKey) {
	t.Helper()
	key, err := keys.Generate(alg, keys.GenerateOptions{})
	if err != nil {
		t.Fatalf("generating %s key: %v", alg, err)
	}
	if key.Type == keys.Oct {
		if err := os.WriteFile(k.priv, append(key.Secret, '\n'), 0o600); err != nil {
			t.Fatal(err)
		}
		return
	}
	for _, w := range []struct {
		path    string
		private bool
	}{{k.priv, true}, {k.pub, false}} {
		b, err := keys.MarshalPEM(key, w.private)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(w.path, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

// interopExp is 2100-01-01T00:00:00Z: peers check exp against the real clock.
const interopExp = 4102444800

// interopMintArgs mint the claims of interopClaims.
var interopMintArgs = []string{
	"--sub", "alice", "--iss", "jwtkit-interop", "--aud", "api",
	"--role", "admin", "--role", "dev", "--exp", "2100-01-01T00:00:00Z",
	"--claim", `ctx={"tenant":42,"tags":["a","b"],"flags":{"beta":true}}`,
	"--claim", "note=a<b&c>d",
}

// interopClaims are the claims the peers sign: the same as interopMintArgs
// give at testNow, in sorted key order as encoding/json writes them.
func interopClaims() map[string]any {
	return map[string]any{
		"aud": "api",
		"ctx": map[string]any{"flags": map[string]any{"beta": true}, "tags": []any{"a", "b"}, "tenant": float64(42)},
		"exp": float64(interopExp), "iat": float64(testNow.Unix()),
		"iss": "jwtkit-interop", "note": "a<b&c>d",
		"roles": []any{"admin", "dev"}, "sub": "alice",
	}
}

// deterministic reports whether alg signs the same input to the same bytes.
func deterministic(alg string) bool {
	return strings.HasPrefix(alg, "HS") || strings.HasPrefix(alg, "RS") || alg == "EdDSA"
}

// tamper swaps the subject in a token's payload and keeps its signature.
func tamper(t *testing.T, tok string) string {
	t.Helper()
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("not a compact JWS: %q", tok)
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatalf("payload of %q: %v", tok, err)
	}
	forged := bytes.Replace(payload, []byte(`"alice"`), []byte(`"mallory"`), 1)
	if bytes.Equal(forged, payload) {
		t.Fatalf("payload has no subject alice: %s", payload)
	}
	parts[1] = base64.RawURLEncoding.EncodeToString(forged)
	return strings.Join(parts, ".")
}

// jwtkitVerify runs jwtkit verify -o json and returns the exit code and the
// verdict's claims.
func jwtkitVerify(t *testing.T, tok string, args ...string) (int, map[string]any, string) {
	t.Helper()
	code, out, errOut := runCmd(t, "", nil, append([]string{"verify", tok, "-o", "json"}, args...)...)
	var v struct {
		Reason *string        `json:"reason"`
		Claims map[string]any `json:"claims"`
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("verify -o json printed no JSON (exit %d): %v\n%s%s", code, err, out, errOut)
	}
	reason := ""
	if v.Reason != nil {
		reason = *v.Reason
	}
	return code, v.Claims, reason + " " + strings.TrimSpace(errOut)
}

// mintResult is a token jwtkit minted, with its header and claims.
type mintResult struct {
	Token  string         `json:"token"`
	Header map[string]any `json:"header"`
	Claims map[string]any `json:"claims"`
}

func jwtkitMint(t *testing.T, args ...string) mintResult {
	t.Helper()
	code, out, errOut := runCmd(t, "", nil, append([]string{"mint", "-o", "json"}, args...)...)
	if code != 0 {
		t.Fatalf("mint %s: exit %d: %s", strings.Join(args, " "), code, errOut)
	}
	var m mintResult
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatalf("mint -o json: %v\n%s", err, out)
	}
	return m
}

// TestInterop proves, for every alg a peer implements, that PyJWT, jose and
// jsonwebtoken verify jwtkit's tokens and reject them tampered, that jwtkit
// verifies theirs and rejects them tampered (exit 4), and that for the
// deterministic algs they write the same bytes as jwtkit, except for
// jsonwebtoken's fixed header order (see jsonwebtokenHeader), which a second
// token without typ shows to be the only difference.
func TestInterop(t *testing.T) {
	dir := t.TempDir()
	keyOf := generateInteropKeys(t, dir)
	want := interopClaims()

	minted := map[string]mintResult{}
	for _, alg := range keys.AlgNames() {
		m := jwtkitMint(t, append(append([]string{"--alg", alg}, keyOf[alg].keyFlags(alg, true)...), interopMintArgs...)...)
		if !reflect.DeepEqual(m.Claims, want) {
			t.Fatalf("%s: jwtkit minted claims %v, the peers sign %v", alg, m.Claims, want)
		}
		minted[alg] = m
	}

	for _, name := range jwtPeers {
		t.Run(name, func(t *testing.T) {
			p := requirePeer(t, name)
			var jobs []peerJob
			var untyped []string // jsonwebtoken: deterministic algs whose header has a kid
			for _, alg := range keys.AlgNames() {
				if peerLacks[name][alg] != "" {
					continue
				}
				k := keyOf[alg]
				header := map[string]any{"typ": "JWT"}
				kid, hasKid := minted[alg].Header["kid"]
				if hasKid {
					header["kid"] = kid
				}
				jobs = append(jobs,
					peerJob{Op: "verify", Alg: alg, Key: k.pub, Token: minted[alg].Token, Aud: "api"},
					peerJob{Op: "verify", Alg: alg, Key: k.pub, Token: tamper(t, minted[alg].Token), Aud: "api"},
					peerJob{Op: "sign", Alg: alg, Key: k.priv, Claims: want, Header: header},
				)
				if name == "jsonwebtoken" && hasKid && deterministic(alg) {
					untyped = append(untyped, alg)
				}
			}
			for _, alg := range untyped {
				jobs = append(jobs, peerJob{Op: "sign", Alg: alg, Key: keyOf[alg].priv, Claims: want,
					Header: map[string]any{"kid": minted[alg].Header["kid"]}})
			}
			res := p.batch(t, jobs)
			for _, alg := range keys.AlgNames() {
				if why := peerLacks[name][alg]; why != "" {
					t.Run(alg, func(t *testing.T) { t.Skip(why) })
					continue
				}
				verified, tampered, signed := res[0], res[1], res[2]
				res = res[3:]
				t.Run(alg, func(t *testing.T) {
					k := keyOf[alg]
					// jwtkit → peer
					switch {
					case !verified.OK:
						t.Errorf("%s rejected jwtkit's %s token: %s", name, alg, verified.Error)
					case !reflect.DeepEqual(verified.Claims, want):
						t.Errorf("%s read jwtkit's claims as %v, want %v", name, verified.Claims, want)
					}
					if tampered.OK {
						t.Errorf("%s accepted a tampered jwtkit %s token", name, alg)
					}
					// peer → jwtkit
					if signed.Token == "" {
						t.Fatalf("%s could not sign %s: %s", name, alg, signed.Error)
					}
					code, claims, why := jwtkitVerify(t, signed.Token, append(k.keyFlags(alg, false),
						"--alg", alg, "--aud", "api", "--iss", "jwtkit-interop", "--sub", "alice", "--role", "admin")...)
					if code != ExitOK {
						t.Errorf("jwtkit verify of %s's %s token: exit %d: %s", name, alg, code, why)
					} else if !reflect.DeepEqual(claims, want) {
						t.Errorf("jwtkit read %s's claims as %v, want %v", name, claims, want)
					}
					if code, _, why := jwtkitVerify(t, tamper(t, signed.Token), append(k.keyFlags(alg, false), "--alg", alg)...); code != ExitSignature {
						t.Errorf("jwtkit verify of a tampered %s %s token: exit %d, want %d: %s", name, alg, code, ExitSignature, why)
					}
					// byte for byte: same header, same claims in sorted order
					if !deterministic(alg) || signed.Token == minted[alg].Token {
						return
					}
					kid, hasKid := minted[alg].Header["kid"]
					if name != "jsonwebtoken" || !hasKid {
						t.Errorf("%s token differs from jwtkit's for the same key, header and claims:\n%s: %s\njwtkit: %s",
							name, name, describeToken(signed.Token), describeToken(minted[alg].Token))
						return
					}
					// The documented difference: the header's member order.
					got, kit := strings.Split(signed.Token, "."), strings.Split(minted[alg].Token, ".")
					gotHeader, _ := base64.RawURLEncoding.DecodeString(got[0])
					if wantHeader := jsonwebtokenHeader(t, alg, kid); string(gotHeader) != wantHeader || got[1] != kit[1] {
						t.Errorf("jsonwebtoken token differs from jwtkit's by more than the header order %s:\njsonwebtoken: %s\njwtkit: %s",
							wantHeader, describeToken(signed.Token), describeToken(minted[alg].Token))
					}
				})
			}
			// Without typ, jsonwebtoken's header is {alg, kid} as jwtkit's is:
			// the whole token is then the same bytes.
			for i, alg := range untyped {
				t.Run(alg+"-no-typ", func(t *testing.T) {
					kit := jwtkitMint(t, append(append([]string{"--alg", alg, "--typ", ""}, keyOf[alg].keyFlags(alg, true)...), interopMintArgs...)...)
					if res[i].Token != kit.Token {
						t.Errorf("jsonwebtoken token without typ differs from jwtkit's --typ '':\njsonwebtoken: %s (%s)\njwtkit: %s",
							describeToken(res[i].Token), res[i].Error, describeToken(kit.Token))
					}
				})
			}
		})
	}
}

// jsonwebtokenHeader is the header jsonwebtoken 9 writes when given {typ:
// "JWT", kid}: it starts from {alg, typ, kid} and assigns the given members
// over it, so kid stays after typ whatever order it is given in, where jwtkit
// (like jose, given the members in sorted order) writes alg, kid, typ. The
// payload is then the same bytes and the signature differs only because the
// signed header does.
func jsonwebtokenHeader(t *testing.T, alg string, kid any) string {
	t.Helper()
	a, _ := json.Marshal(alg)
	k, err := json.Marshal(kid)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf(`{"alg":%s,"typ":"JWT","kid":%s}`, a, k)
}

// describeToken shows a token's header and payload for a byte-level diff.
func describeToken(tok string) string {
	parts := strings.Split(tok, ".")
	var s []string
	for _, p := range parts[:min(2, len(parts))] {
		b, _ := base64.RawURLEncoding.DecodeString(p)
		s = append(s, string(b))
	}
	return strings.Join(s, " . ")
}

// TestInteropNonASCII documents how the encoders treat non-ASCII text: the
// claims survive every direction, and jose and jsonwebtoken write the same
// bytes as jwtkit (raw UTF-8, JSON.stringify), while PyJWT escapes it (json.dumps with ensure_ascii), so its
// token differs byte for byte even though it carries the same claims.
func TestInteropNonASCII(t *testing.T) {
	dir := t.TempDir()
	secret := filepath.Join(dir, "hs.secret")
	if err := os.WriteFile(secret, []byte("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	claims := map[string]any{"name": "Zoë ✓ 日本", "sub": "alice"}
	m := jwtkitMint(t, "--secret-file", secret, "--alg", "HS256", "--no-exp", "--no-iat", "--sub", "alice", "--claim", "name=Zoë ✓ 日本")
	for _, name := range jwtPeers {
		t.Run(name, func(t *testing.T) {
			p := requirePeer(t, name)
			res := p.batch(t, []peerJob{
				{Op: "verify", Alg: "HS256", Key: secret, Token: m.Token},
				{Op: "sign", Alg: "HS256", Key: secret, Claims: claims, Header: map[string]any{"typ": "JWT"}},
			})
			if !res[0].OK || !reflect.DeepEqual(res[0].Claims, claims) {
				t.Errorf("%s verify of jwtkit's token: ok=%v claims=%v %s", name, res[0].OK, res[0].Claims, res[0].Error)
			}
			code, got, why := jwtkitVerify(t, res[1].Token, "--secret-file", secret, "--alg", "HS256")
			if code != ExitOK || !reflect.DeepEqual(got, claims) {
				t.Errorf("jwtkit verify of %s's token: exit %d, claims %v: %s", name, code, got, why)
			}
			same := res[1].Token == m.Token
			switch name {
			case "jose", "jsonwebtoken":
				if !same {
					t.Errorf("%s token differs from jwtkit's:\n%s: %s\njwtkit: %s", name, name, describeToken(res[1].Token), describeToken(m.Token))
				}
			case "PyJWT":
				py, kit := strings.Split(res[1].Token, "."), strings.Split(m.Token, ".")
				if py[0] != kit[0] {
					t.Errorf("PyJWT header %s differs from jwtkit's %s", describeToken(py[0]), describeToken(kit[0]))
				}
				if b, _ := base64.RawURLEncoding.DecodeString(py[1]); same || !bytes.Contains(b, []byte(`\u00eb`)) {
					t.Logf("PyJWT no longer escapes non-ASCII (payload %s): update this test's comment", b)
				}
			}
		})
	}
}

// TestInteropOpenSSLKeys mints with keys openssl wrote in each of its usual
// forms (PKCS#8, traditional PKCS#1, SEC1 with and without the parameters
// block, Ed25519) and has PyJWT, jose and jsonwebtoken verify with the public
// key openssl derived; PyJWT and jsonwebtoken (node:crypto reads every form)
// also sign with the openssl key for jwtkit to verify, jose only with PKCS#8.
func TestInteropOpenSSLKeys(t *testing.T) {
	ossl := requirePeer(t, "openssl")
	dir := t.TempDir()
	cases := []struct {
		name, alg string
		gen       []string
		pkcs8     bool // jose's importPKCS8 takes only PKCS#8
	}{
		{"genpkey-rsa", "RS256", []string{"genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"}, true},
		{"genpkey-rsa-ps", "PS256", nil, true}, // the same key, for PSS
		{"genrsa-traditional", "RS512", []string{"genrsa", "-traditional", "2048"}, false},
		{"ecparam-p256-noout", "ES256", []string{"ecparam", "-name", "prime256v1", "-genkey", "-noout"}, false},
		{"ecparam-p256-params", "ES256", []string{"ecparam", "-name", "prime256v1", "-genkey"}, false},
		{"ecparam-p384", "ES384", []string{"ecparam", "-name", "secp384r1", "-genkey", "-noout"}, false},
		{"ecparam-p521", "ES512", []string{"ecparam", "-name", "secp521r1", "-genkey", "-noout"}, false},
		{"genpkey-ec-p256", "ES256", []string{"genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"}, true},
		{"genpkey-ed25519", "EdDSA", []string{"genpkey", "-algorithm", "ed25519"}, true},
	}
	key := func(i int) interopKey {
		name := cases[i].name
		if cases[i].gen == nil {
			name = cases[i-1].name
		}
		return interopKey{priv: filepath.Join(dir, name+".pem"), pub: filepath.Join(dir, name+".pub.pem")}
	}
	minted := make([]string, len(cases))
	for i, c := range cases {
		k := key(i)
		if c.gen != nil {
			ossl.openssl(t, append([]string{c.gen[0], "-out", k.priv}, c.gen[1:]...)...)
			ossl.openssl(t, "pkey", "-in", k.priv, "-pubout", "-out", k.pub)
		}
		minted[i] = jwtkitMint(t, append([]string{"--key", k.priv, "--alg", c.alg}, interopMintArgs...)...).Token
		// jwtkit loads openssl's SPKI too
		if code, _, why := jwtkitVerify(t, minted[i], "--key", k.pub, "--alg", c.alg); code != ExitOK {
			t.Errorf("%s: jwtkit verify with the openssl public key: exit %d: %s", c.name, code, why)
		}
	}
	want := interopClaims()
	for _, name := range jwtPeers {
		t.Run(name, func(t *testing.T) {
			p := requirePeer(t, name)
			signs := func(pkcs8 bool) bool { return name != "jose" || pkcs8 }
			var jobs []peerJob
			for i, c := range cases {
				if peerLacks[name][c.alg] != "" {
					continue
				}
				jobs = append(jobs, peerJob{Op: "verify", Alg: c.alg, Key: key(i).pub, Token: minted[i], Aud: "api"})
				if signs(c.pkcs8) {
					jobs = append(jobs, peerJob{Op: "sign", Alg: c.alg, Key: key(i).priv, Claims: want})
				}
			}
			res := p.batch(t, jobs)
			for i, c := range cases {
				if why := peerLacks[name][c.alg]; why != "" {
					t.Logf("%s: skipped for %s: %s", c.name, name, why)
					continue
				}
				r := res[0]
				res = res[1:]
				if !r.OK || !reflect.DeepEqual(r.Claims, want) {
					t.Errorf("%s: %s verify of jwtkit's %s token made with the openssl key: ok=%v %s", c.name, name, c.alg, r.OK, r.Error)
				}
				if !signs(c.pkcs8) {
					continue
				}
				s := res[0]
				res = res[1:]
				if s.Token == "" {
					t.Errorf("%s: %s could not sign with the openssl key: %s", c.name, name, s.Error)
					continue
				}
				if code, _, why := jwtkitVerify(t, s.Token, "--key", key(i).pub, "--alg", c.alg); code != ExitOK {
					t.Errorf("%s: jwtkit verify of %s's %s token: exit %d: %s", c.name, name, c.alg, code, why)
				}
			}
		})
	}
}

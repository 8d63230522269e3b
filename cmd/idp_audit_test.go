package cmd

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestRFC8414OnlyProviderCached: a provider that publishes only RFC
// 8414's metadata answers 404 at the OIDC address; that answer is kept
// with the cache like the others, so 1,000 sequential verifies make a
// handful of requests, not one 404 per run.
func TestRFC8414OnlyProviderCached(t *testing.T) {
	p := newProvider(t, "/.well-known/oauth-authorization-server/as/r", "/as/r/keys")
	p.issuer = p.srv.URL + "/as/r"
	k := idpKey(t, "rsa2048-pkcs8.pem", "as-1")
	p.keys = []map[string]any{idpJWK(t, k, "RS256", nil)}
	tok := idpToken(t, k, "RS256", claimsFor(p.issuer))
	r := newIDPRunner(t)
	const runs = 1000
	for i := 0; i < runs; i++ {
		r.now = testNow.Add(time.Duration(i) * time.Second)
		if code, _, errOut := r.run("", "verify", tok, "--issuer-url", p.issuer, "-q"); code != 0 {
			t.Fatalf("run %d: exit %d: %s", i, code, errOut)
		}
	}
	miss := p.count("404 /as/r/.well-known/openid-configuration")
	t.Logf("%d verify runs: %d requests (%d OIDC 404s)", runs, p.total(), miss)
	// Runs 0, 300, 600 and 900 (the 5m TTL) ask each address once.
	if miss != 4 || p.total() != 12 {
		t.Errorf("%d requests, %d of them 404s at the OIDC address (want 12 and 4)", p.total(), miss)
	}
}

// TestVerifyBatchRefetchesOnKidMiss: a batch meeting a kid that is not in
// the cached set (the provider rotated) refetches once and verifies the
// rest of the batch with the new set; more unknown kids fetch nothing.
func TestVerifyBatchRefetchesOnKidMiss(t *testing.T) {
	p := newProvider(t, "/unused", "/jwks")
	k1 := idpKey(t, "rsa2048-pkcs8.pem", "v1")
	k2 := idpKey(t, "rsa3072-pkcs8.pem", "v2")
	p.keys = []map[string]any{idpJWK(t, k1, "RS256", nil)}
	iss := "https://issuer.example"
	t1 := idpToken(t, k1, "RS256", claimsFor(iss))
	t2 := idpToken(t, k2, "RS256", claimsFor(iss))
	t3 := idpToken(t, idpKey(t, "rsa2048-pkcs8.pem", "never-published"), "RS256", claimsFor(iss))
	r := newIDPRunner(t)
	if code, _, errOut := r.run("", "verify", t1, "--jwks", p.jwksURI); code != 0 {
		t.Fatalf("seeding the cache: exit %d: %s", code, errOut)
	}
	p.set(func(p *provider) { p.keys = append(p.keys, idpJWK(t, k2, "RS256", nil)) })
	r.now = r.now.Add(time.Minute)
	before := p.total()
	in := strings.Join([]string{t1, t2, t3, t2, t1, t3, t2}, "\n") + "\n"
	code, out, errOut := r.run(in, "verify", "--jwks", p.jwksURI, "--batch")
	if code == 0 || strings.Count(out, `"valid":true`) != 5 || strings.Count(out, `"reason":"key_not_found"`) != 2 {
		t.Errorf("exit %d:\n%s%s", code, out, errOut)
	}
	if got := p.total() - before; got != 1 {
		t.Errorf("%d requests for the batch, want 1 (one refetch)", got)
	}
	mustContain(t, errOut, "was not in the cached key set")
}

// TestVerifyQuietDropsNotes: -q prints no notes (a skipped key), still
// fails a token whose kid picks the skipped key, and keeps warnings
// about an unsafe cache.
func TestVerifyQuietDropsNotes(t *testing.T) {
	p := newProvider(t, "/unused", "/jwks")
	k := idpKey(t, "rsa2048-pkcs8.pem", "good")
	p.keys = []map[string]any{idpJWK(t, k, "RS256", nil), weakJWK(t, "weak")}
	r := newIDPRunner(t)
	code, out, errOut := r.run("", "verify", "-q", idpToken(t, k, "RS256", claimsFor("https://i.example")), "--jwks", p.jwksURI)
	if code != 0 || out != "" || errOut != "" {
		t.Errorf("-q, good kid: exit %d, %q, %q (want 0 and nothing)", code, out, errOut)
	}
	weak := idpToken(t, idpKey(t, "rsa2048-pkcs8.pem", "weak"), "RS256", claimsFor("https://i.example"))
	code, out, errOut = r.run("", "verify", "-q", weak, "--jwks", p.jwksURI)
	if code != ExitSignature || out != "" || errOut != "" {
		t.Errorf("-q, weak kid: exit %d, %q, %q (want 4 and nothing)", code, out, errOut)
	}
	os.Chmod(filepath.Join(r.home, "cache"), 0o777)
	_, _, errOut = r.run("", "verify", "-q", weak, "--jwks", p.jwksURI)
	mustContain(t, errOut, "warning: ignoring the key-set cache")
	if strings.Contains(errOut, "note:") {
		t.Errorf("-q printed a note: %q", errOut)
	}
}

// TestCACertCheckedFirst: --cacert is checked before anything else, the
// same way whether or not a fetch would happen, and refused where
// nothing is fetched.
func TestCACertCheckedFirst(t *testing.T) {
	p := newProvider(t, "/unused", "/jwks")
	k := idpKey(t, "rsa2048-pkcs8.pem", "c1")
	p.keys = []map[string]any{idpJWK(t, k, "RS256", nil)}
	tok := idpToken(t, k, "RS256", claimsFor("https://i.example"))
	r := newIDPRunner(t)
	if code, _, errOut := r.run("", "verify", tok, "--jwks", p.jwksURI); code != 0 {
		t.Fatalf("seeding the cache: exit %d: %s", code, errOut)
	}
	dir := t.TempDir()
	noCert := filepath.Join(dir, "empty.pem")
	os.WriteFile(noCert, []byte("no certificate here\n"), 0o600)
	for _, tt := range []struct {
		args []string
		msg  string
	}{
		{[]string{"verify", tok, "--jwks", p.jwksURI, "--cacert", filepath.Join(dir, "missing.pem")}, `--cacert: CA file "` + dir + `/missing.pem" does not exist`},
		{[]string{"verify", tok, "--jwks", p.jwksURI, "--cacert", noCert}, "--cacert: CA file " + `"` + noCert + `" holds no PEM certificate`},
		{[]string{"verify", tok, "--key", repoFile("testdata", "keys", "rsa2048-spki.pub.pem"), "--cacert", noCert}, "--cacert is for fetching"},
		{[]string{"keys", "fetch", p.jwksURI, "--cacert", filepath.Join(dir, "missing.pem")}, "--cacert: CA file"},
	} {
		before := p.total()
		code, _, errOut := r.run("", tt.args...)
		if code != ExitUsage || !strings.Contains(errOut, tt.msg) || p.total() != before {
			t.Errorf("%v: exit %d, %d requests: %q (want 2, none and %q)", tt.args[3:], code, p.total()-before, errOut, tt.msg)
		}
	}
}

// TestWeakKeySameInFileAndURLSets: a token whose kid picks a weak key
// gets the same verdict, check lines and exit code whether the set is a
// local --jwks file or fetched.
func TestWeakKeySameInFileAndURLSets(t *testing.T) {
	p := newProvider(t, "/unused", "/jwks")
	k := idpKey(t, "rsa2048-pkcs8.pem", "good")
	p.keys = []map[string]any{idpJWK(t, k, "RS256", nil), weakJWK(t, "weak")}
	file := filepath.Join(t.TempDir(), "jwks.json")
	b, _ := json.Marshal(map[string]any{"keys": p.keys})
	os.WriteFile(file, b, 0o600)
	weak := idpToken(t, idpKey(t, "rsa2048-pkcs8.pem", "weak"), "RS256", claimsFor("https://i.example"))
	r := newIDPRunner(t)
	checks := func(src string) (int, string) {
		code, out, _ := r.run("", "verify", weak, "--jwks", src)
		var lines []string
		for _, l := range strings.Split(out, "\n") {
			if strings.HasPrefix(l, "  ") && !strings.HasPrefix(l, "   ") {
				lines = append(lines, l)
			}
		}
		return code, strings.Join(lines, "\n")
	}
	fc, fl := checks(file)
	uc, ul := checks(p.jwksURI)
	if fc != ExitSignature || uc != ExitSignature || fl != ul {
		t.Errorf("file: exit %d\n%s\nURL: exit %d\n%s", fc, fl, uc, ul)
	}
	mustContain(t, ul, `weak_key   skipped kid "weak": RSA key is 1024 bits`)
	if code, _, errOut := r.run("", "verify", idpToken(t, k, "RS256", claimsFor("https://i.example")), "--jwks", file); code != 0 {
		t.Errorf("good kid in the file set: exit %d: %s", code, errOut)
	}
}

// TestKeysInspectNumbersByPosition: keys inspect numbers kept and skipped
// keys by their position in the file, lists encryption keys as skipped,
// and lists every key of a set whose keys are all skipped before failing.
func TestKeysInspectNumbersByPosition(t *testing.T) {
	rsa1 := idpKey(t, "rsa2048-pkcs8.pem", "a")
	enc := idpJWK(t, idpKey(t, "rsa3072-pkcs8.pem", "kc-enc"), "RSA-OAEP", map[string]any{"use": "enc"})
	b, _ := json.Marshal(map[string]any{"keys": []map[string]any{
		idpJWK(t, rsa1, "RS256", nil), weakJWK(t, "weak"), enc,
		idpJWK(t, idpKey(t, "ec256-pkcs8.pem", "e"), "ES256", nil),
	}})
	code, out, errOut := runCmd(t, string(b), nil, "keys", "inspect", "-")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"key 1 of 4: RSA", `key 2 of 4 skipped (kid "weak"): RSA key is 1024 bits`,
		`key 3 of 4 skipped (kid "kc-enc"): use enc (encryption key)`, "key 4 of 4: EC"} {
		mustContain(t, out, want)
	}
	if strings.Index(out, "key 2 of 4") > strings.Index(out, "key 3 of 4") || strings.Index(out, "key 3 of 4") > strings.Index(out, "key 4 of 4") {
		t.Errorf("not in file order:\n%s", out)
	}
	code, out, _ = runCmd(t, string(b), nil, "keys", "inspect", "-", "-o", "json")
	var res inspectJSON
	if err := json.Unmarshal([]byte(out), &res); code != 0 || err != nil || len(res.Keys) != 2 || res.Keys[1].Index != 4 || len(res.Skipped) != 2 || res.Skipped[1].Index != 3 {
		t.Errorf("-o json: exit %d, %v: %s", code, err, out)
	}

	allWeak, _ := json.Marshal(map[string]any{"keys": []map[string]any{weakJWK(t, "w1"), weakJWK(t, "w2")}})
	code, out, errOut = runCmd(t, string(allWeak), nil, "keys", "inspect", "-")
	if code != ExitError {
		t.Errorf("every key skipped: exit %d, want 1", code)
	}
	mustContain(t, out, `key 1 of 2 skipped (kid "w1")`)
	mustContain(t, out, `key 2 of 2 skipped (kid "w2")`)
	mustContain(t, errOut, "JWKS has no usable key")
}

// TestVerifyAllKeysSkippedIsKeyProblem: a fetched set whose every key is
// skipped fails a token with exit 4 (a key problem), not 1.
func TestVerifyAllKeysSkippedIsKeyProblem(t *testing.T) {
	p := newProvider(t, "/unused", "/jwks")
	p.keys = []map[string]any{weakJWK(t, "weak")}
	r := newIDPRunner(t)
	weak := idpToken(t, idpKey(t, "rsa2048-pkcs8.pem", "weak"), "RS256", claimsFor("https://i.example"))
	code, _, errOut := r.run("", "verify", weak, "--jwks", p.jwksURI)
	if code != ExitSignature {
		t.Errorf("exit %d, want 4: %s", code, errOut)
	}
	mustContain(t, errOut, "RSA key is 1024 bits")
}

// TestPasswordFlagHint: a passphrase flag that does not exist on purpose
// points at the file and environment flags, not at --key.
func TestPasswordFlagHint(t *testing.T) {
	for _, args := range [][]string{{"mint", "--key-password", "x"}, {"keys", "generate", "--encrypt", "--passphrase=x"}} {
		code, _, errOut := runCmd(t, "", nil, args...)
		if code != ExitUsage || !strings.Contains(errOut, "use --key-password-file <file> or --key-password-env <name>") || strings.Contains(errOut, "did you mean") {
			t.Errorf("%v: exit %d: %q", args, code, errOut)
		}
	}
}

// TestCompletionDescriptionsHaveNoBackticks: a flag's value name is
// marked with backticks for --help; completion shows the plain words.
func TestCompletionDescriptionsHaveNoBackticks(t *testing.T) {
	_, out, _ := runCmd(t, "", nil, "__complete", "verify", "--iss")
	mustContain(t, out, "--issuer-url\tuse the key set of this OIDC/OAuth issuer url, found by discovery")
	if strings.Contains(out, "`") {
		t.Errorf("backticks in completions:\n%s", out)
	}
}

// TestKeysFetchJSONDerivedAlg: keys fetch -o json shows the curve's alg
// of an EC key without an alg member, marked derived, as keys inspect
// does; an RSA key without alg has none.
func TestKeysFetchJSONDerivedAlg(t *testing.T) {
	p := newProvider(t, "/unused", "/jwks")
	p.keys = []map[string]any{idpJWK(t, idpKey(t, "ec256-pkcs8.pem", "e"), "", nil), idpJWK(t, idpKey(t, "rsa2048-pkcs8.pem", "r"), "", nil)}
	code, out, errOut := newIDPRunner(t).run("", "keys", "fetch", p.jwksURI, "-o", "json")
	var res fetchJSON
	if err := json.Unmarshal([]byte(out), &res); code != 0 || err != nil || len(res.Keys) != 2 {
		t.Fatalf("exit %d, %v: %s%s", code, err, out, errOut)
	}
	if k := res.Keys[0]; k.Alg != "ES256" || !k.AlgDerived {
		t.Errorf("EC key: alg %q, derived %v", k.Alg, k.AlgDerived)
	}
	if k := res.Keys[1]; k.Alg != "" || k.AlgDerived {
		t.Errorf("RSA key: alg %q, derived %v", k.Alg, k.AlgDerived)
	}
}

// TestCompactRawIsStrict: JSON passed through from a server must be
// strict: invalid UTF-8 or duplicate names are dropped, not copied out.
func TestCompactRawIsStrict(t *testing.T) {
	for _, bad := range []string{"{\"a\":\"\xff\"}", `{"a":1,"a":2}`} {
		if got := compactRaw([]byte(bad)); got != nil {
			t.Errorf("%q passed through as %s", bad, got)
		}
	}
	if got := string(compactRaw([]byte(`{ "a" : [1, 2] }`))); got != `{"a":[1,2]}` {
		t.Errorf("compacted: %s", got)
	}
}

// TestKeysJWKSAlgAndOut: --alg pins only RSA keys without one, keeps an
// RSA key's own alg with a note, refuses a non-RSA alg (exit 2); --out
// creates the missing folders of a public set, not of a private one.
func TestKeysJWKSAlgAndOut(t *testing.T) {
	k := func(name string) string { return repoFile("testdata", "keys", name) }
	dir := t.TempDir()
	rj := filepath.Join(dir, "rj.pub.jwk.json")
	code, pub, errOut := runCmd(t, "", nil, "keys", "public", k("rsa3072-pkcs8.pem"), "--format", "jwk", "--alg", "RS256")
	if code != 0 {
		t.Fatalf("keys public: exit %d: %s", code, errOut)
	}
	os.WriteFile(rj, []byte(pub), 0o600)
	code, out, errOut := runCmd(t, "", nil, "keys", "jwks", k("rsa2048-spki.pub.pem"), k("ec384-spki.pub.pem"), "--alg", "rs512")
	if code != 0 || !strings.Contains(out, `"alg": "RS512"`) || !strings.Contains(out, `"alg": "ES384"`) {
		t.Errorf("RSA and EC with --alg rs512: exit %d: %s%s", code, out, errOut)
	}
	code, out, errOut = runCmd(t, "", nil, "keys", "jwks", rj, k("rsa2048-spki.pub.pem"), "--alg", "PS256")
	if code != 0 || !strings.Contains(out, `"alg": "RS256"`) || !strings.Contains(out, `"alg": "PS256"`) {
		t.Errorf("pinned RSA key and --alg PS256: exit %d: %s%s", code, out, errOut)
	}
	mustContain(t, errOut, "keeps its alg RS256: --alg PS256 pins only RSA keys without one")
	if code, _, errOut = runCmd(t, "", nil, "keys", "jwks", k("rsa2048-spki.pub.pem"), "--alg", "ES256"); code != ExitUsage {
		t.Errorf("--alg ES256: exit %d: %s", code, errOut)
	}
	// --alg with no RSA key among the inputs would be ignored: refused.
	if code, out, errOut = runCmd(t, "", nil, "keys", "jwks", k("ec384-spki.pub.pem"), "--alg", "RS256"); code != ExitUsage || out != "" || !strings.Contains(errOut, "none of the keys given is one") {
		t.Errorf("EC key only, --alg RS256: exit %d: %s%s", code, out, errOut)
	}
	one := filepath.Join(dir, "one", "jwks.json")
	if code, _, errOut = runCmd(t, "", nil, "keys", "jwks", k("ec384-spki.pub.pem"), "--out", one); code != 0 || !strings.Contains(errOut, "(1 key: ") {
		t.Errorf("one key written: exit %d: %q", code, errOut)
	}

	out1 := filepath.Join(dir, "public", "v1", "jwks.json")
	if code, _, errOut = runCmd(t, "", nil, "keys", "jwks", k("rsa2048-spki.pub.pem"), "--out", out1); code != 0 {
		t.Fatalf("--out in a missing folder: exit %d: %s", code, errOut)
	}
	if fi, err := os.Stat(filepath.Dir(out1)); err != nil || fi.Mode().Perm() != 0o755 {
		t.Errorf("created folder: %v", err)
	}
	out2 := filepath.Join(dir, "private", "jwks.json")
	if code, _, _ = runCmd(t, "", nil, "keys", "jwks", "--private", k("rsa2048.jwk.json"), "--out", out2); code == 0 {
		t.Errorf("--private --out in a missing folder succeeded")
	}
	if _, err := os.Stat(filepath.Dir(out2)); err == nil {
		t.Errorf("--private created its folder")
	}
	// A failing run creates no folder.
	out3 := filepath.Join(dir, "never", "jwks.json")
	runCmd(t, "", nil, "keys", "jwks", filepath.Join(dir, "missing.pem"), "--out", out3)
	if _, err := os.Stat(filepath.Dir(out3)); err == nil {
		t.Errorf("a failed run created the --out folder")
	}
}

// TestKeysGenerateSecretKID: --kid with a hex secret says a secret cannot
// carry a kid and how to keep one.
func TestKeysGenerateSecretKID(t *testing.T) {
	code, _, errOut := runCmd(t, "", nil, "keys", "generate", "--alg", "HS256", "--kid", "2026-01")
	if code != ExitUsage || !strings.Contains(errOut, "a hex secret cannot carry a kid") || strings.Contains(errOut, "PEM") {
		t.Errorf("exit %d: %q", code, errOut)
	}
}

// TestKeysInspectStdinTooLarge: keys inspect - reads stdin through the
// keys reader, with its size cap and message.
func TestKeysInspectStdinTooLarge(t *testing.T) {
	code, _, errOut := runCmd(t, strings.Repeat("A", 1<<20+1), nil, "keys", "inspect", "-")
	if code != ExitError || !strings.Contains(errOut, "key on stdin is larger than 1048576 bytes") {
		t.Errorf("exit %d: %q", code, errOut)
	}
}

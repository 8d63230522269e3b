package token_test

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"hash"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jwtkit/jwtkit/pkg/token"
)

// encodingJSON is what Sign promises for the payload: encoding/json with
// SetEscapeHTML(false) and no trailing newline.
func encodingJSON(t *testing.T, v any) ([]byte, error) {
	t.Helper()
	var b bytes.Buffer
	e := json.NewEncoder(&b)
	e.SetEscapeHTML(false)
	if err := e.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

var randStrings = []string{
	"", "a", "alice", "<b>&amp;</b>", `quote " and \ backslash`, "tab\tnew\nline\rcr\bbs\fff",
	"\x00\x01\x1f\x7f", "é日本語", "\u2028\u2029", "bad \xff utf-8 \xc3", "😀", "/slash/",
	"https://auth.example.com/", "a.b", "ÿ\xe2\x80", "\xed\xa0\x80",
}

func randValue(r *rand.Rand, depth int) any {
	n := 13
	if depth > 3 {
		n = 9
	}
	switch r.IntN(n) {
	case 0:
		return nil
	case 1:
		return r.IntN(2) == 0
	case 2:
		return randStrings[r.IntN(len(randStrings))]
	case 3:
		nums := []string{"0", "-1", "1.5", "1e300", "-0.5E-3", "", "123456789012345678901234567890", "-0", "-0.0"}
		return json.Number(nums[r.IntN(len(nums))])
	case 4:
		return r.Int64() >> r.IntN(64)
	case 5:
		return int(r.Int32()) - 1<<30
	case 6:
		// negZero: the Go constant -0.0 is plain 0; only Copysign makes the float.
		negZero := math.Copysign(0, -1)
		floats := []float64{0, negZero, 1.5, 1e21, 1e20, 1e-6, 1e-7, 123456.789, -3e-10, math.MaxFloat64, math.SmallestNonzeroFloat64}
		return floats[r.IntN(len(floats))]
	case 7:
		return uint64(r.Uint64())
	case 8:
		s := make([]string, r.IntN(4))
		for i := range s {
			s[i] = randStrings[r.IntN(len(randStrings))]
		}
		if r.IntN(8) == 0 {
			return []string(nil)
		}
		return s
	case 9, 10:
		a := make([]any, r.IntN(4))
		for i := range a {
			a[i] = randValue(r, depth+1)
		}
		if r.IntN(8) == 0 {
			return []any(nil)
		}
		return a
	default:
		return randMap(r, depth+1, 5)
	}
}

func randMap(r *rand.Rand, depth, size int) map[string]any {
	m := map[string]any{}
	for i := r.IntN(size + 1); i > 0; i-- {
		k := randStrings[r.IntN(len(randStrings))]
		if r.IntN(2) == 0 {
			k = string(rune('a'+r.IntN(26))) + k
		}
		m[k] = randValue(r, depth)
	}
	return m
}

func macFor(alg string) func() hash.Hash {
	switch alg {
	case "HS384":
		return sha512.New384
	case "HS512":
		return sha512.New
	}
	return sha256.New
}

// TestSignMatchesEncodingJSON: the claims Sign writes are encoding/json's
// bytes for random claim sets, including the types Sign encodes itself and
// ones it leaves to encoding/json, and the HMAC is the standard one.
func TestSignMatchesEncodingJSON(t *testing.T) {
	k := secretKey(t, testSecret)
	signers := map[string]*token.Signer{}
	for _, alg := range []string{"HS256", "HS384", "HS512"} {
		signers[alg] = signer(t, k, alg, nil)
	}
	r := rand.New(rand.NewPCG(4, 4))
	n := 5000
	if testing.Short() {
		n = 500
	}
	for i := range n {
		claims := randMap(r, 0, 20)
		switch i % 50 {
		case 1:
			claims["t"] = time.Unix(1767366245, 0).UTC() // left to encoding/json
		case 2:
			claims["m"] = map[string]string{"b": "<", "a": "&"}
		case 3:
			claims["bad"] = json.Number("1.")
		case 4:
			claims["nan"] = math.NaN()
		case 5:
			claims["raw"] = json.RawMessage(` {"z": 1, "a": [ 2 ]} `)
		case 6:
			claims = nil
		}
		alg := []string{"HS256", "HS384", "HS512"}[i%3]
		raw, err := signers[alg].Sign(claims)
		var want []byte
		var werr error
		if claims == nil {
			want = []byte("{}")
		} else {
			want, werr = encodingJSON(t, claims)
		}
		if (err != nil) != (werr != nil) {
			t.Fatalf("claims %#v: Sign error %v, encoding/json error %v", claims, err, werr)
		}
		if err != nil {
			if !strings.Contains(err.Error(), werr.Error()) {
				t.Fatalf("Sign error %q does not carry encoding/json's %q", err, werr)
			}
			continue
		}
		parts := strings.Split(raw, ".")
		payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
		if !bytes.Equal(payload, want) {
			t.Fatalf("claims %#v:\nSign         %s\nencoding/json %s", claims, payload, want)
		}
		mac := hmac.New(macFor(alg), []byte(testSecret))
		mac.Write([]byte(parts[0] + "." + parts[1]))
		if got := base64.RawURLEncoding.EncodeToString(mac.Sum(nil)); got != parts[2] {
			t.Fatalf("%s signature %s, want %s", alg, parts[2], got)
		}
	}
}

// TestMinterMatchesClaimsAndSign: Minter.Mint and MintClaims give what
// Sign(spec.Claims()) gives, jti aside, and the same errors.
func TestMinterMatchesClaimsAndSign(t *testing.T) {
	iat, exp := time.Unix(1767366245, 0), time.Unix(1767369845, 0)
	specs := []token.Spec{
		{Subject: "bench", Issuer: "jwtkit-bench", JTI: "auto", IssuedAt: &iat, Expires: &exp},
		{Subject: "s", JTI: "fixed-id", Audience: []string{"a", "b"}, Roles: []string{"admin"}, RolesClaim: "realm.roles", Scope: "read write"},
		{JTI: "auto", Extra: map[string]any{"jti": "from-extra", "a.b": json.Number("1")}},
		{JTI: "auto", Extra: map[string]any{"note": "jwtkitJTIplaceholder00"}}, // the placeholder elsewhere: the long way
		{JTI: "auto", Base: map[string]any{"jti": "base", "t": time.Unix(0, 0).UTC(), "n": map[string]any{"x": []any{"<&>"}}}},
		{JTI: "auto", Extra: map[string]any{"jti.x": 1}},                                            // an error every time
		{Base: map[string]any{"roles": "admin"}, Roles: []string{"dev"}, Audience: []string{"one"}}, // an error every time
		{},
	}
	for _, alg := range []string{"HS256", "EdDSA"} {
		k := secretKey(t, testSecret)
		if alg == "EdDSA" {
			k = genKey(t, alg)
		}
		s := signer(t, k, alg, nil)
		for i, spec := range specs {
			m := token.NewMinter(s, spec)
			for _, withClaims := range []bool{false, true} {
				var got string
				var gotClaims map[string]any
				var err error
				if withClaims {
					got, gotClaims, err = m.MintClaims()
				} else {
					got, err = m.Mint()
				}
				want := spec
				if err == nil && spec.JTI == "auto" {
					tk, perr := token.Parse(got)
					if perr != nil {
						t.Fatal(perr)
					}
					if _, extra := spec.Extra["jti"]; !extra {
						want.JTI, _ = tk.Claims["jti"].(string)
						if len(want.JTI) != 22 {
							t.Errorf("spec %d: jti %q", i, want.JTI)
						}
					}
				}
				claims, werr := want.Claims()
				if (err == nil) != (werr == nil) || (err != nil && err.Error() != werr.Error()) {
					t.Fatalf("spec %d: Mint error %v, Claims error %v", i, err, werr)
				}
				if err != nil {
					continue
				}
				wantTok := sign(t, s, claims)
				if got != wantTok {
					t.Errorf("spec %d %s: Mint\n%s\nwant\n%s", i, alg, got, wantTok)
				}
				if withClaims {
					gj, _ := json.Marshal(gotClaims)
					wj, _ := json.Marshal(claims)
					if !bytes.Equal(gj, wj) {
						t.Errorf("spec %d: MintClaims claims %s, want %s", i, gj, wj)
					}
				}
			}
		}
	}
}

// TestTimeDetails: the exp, nbf and iat details name their times exactly
// as time.RFC3339Nano in UTC does, over the whole NumericDate range.
func TestTimeDetails(t *testing.T) {
	k := secretKey(t, testSecret)
	r := rand.New(rand.NewPCG(7, 7))
	values := []string{"0", "-1", "2.5e11", "-6.2e10", "253402300799", "-62135596800",
		"951782400", "951868799", "4107542400", "1.5", "1.000000001", "-0.5", "1767366245.123456789", "1767366245.1200"}
	for range 3000 {
		sec := r.Int64N(253402300799+62135596800) - 62135596800
		v := strconv.FormatInt(sec, 10)
		if r.IntN(3) == 0 {
			v += "." + strconv.Itoa(r.IntN(1000000000))
		}
		values = append(values, v)
	}
	for _, far := range []bool{false, true} {
		for _, v := range values {
			payload := `{"exp":` + v + `,"nbf":` + v + `,"iat":` + v + `}`
			raw := signRaw(t, k, "HS256", `{"alg":"HS256"}`, payload)
			now := time.Unix(1767366245, 0)
			if far {
				now = time.Unix(253402300799, 999999999)
			}
			res := verifier(t, token.Policy{Now: fixedNow(now), Leeway: time.Second}, k).Verify(raw)
			tk, err := token.Parse(raw)
			if err != nil {
				t.Fatal(err)
			}
			want, _, _ := tk.NumericDate("exp")
			stamp := want.UTC().Format(time.RFC3339Nano)
			for _, c := range res.Checks {
				switch c.Name {
				case "exp", "nbf", "iat":
					if !strings.Contains(c.Detail, " "+stamp) {
						t.Errorf("%s = %s: %s detail %q does not name %s", c.Name, v, c.Name, c.Detail, stamp)
					}
				}
			}
		}
	}
}

package batch_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/jwtkit/jwtkit/internal/batch"
	"github.com/jwtkit/jwtkit/pkg/keys"
	"github.com/jwtkit/jwtkit/pkg/token"
)

// The reference shapes: what jwtkit wrote through encoding/json before the
// encoders were written by hand. The encoders must match them byte for byte.

type verdictRef struct {
	Line     int             `json:"line,omitempty"`
	Valid    bool            `json:"valid"`
	Reason   *string         `json:"reason"`
	ExitCode int             `json:"exit_code"`
	Error    string          `json:"error,omitempty"`
	Header   json.RawMessage `json:"header"`
	Claims   json.RawMessage `json:"claims"`
	Key      *token.KeyRef   `json:"key"`
	Checks   []token.Check   `json:"checks"`
}

type decodedRef struct {
	Line      int             `json:"line,omitempty"`
	Header    json.RawMessage `json:"header"`
	Claims    json.RawMessage `json:"claims"`
	Signature string          `json:"signature"`
	Verified  bool            `json:"verified"`
	Error     string          `json:"error,omitempty"`
	Reason    string          `json:"reason,omitempty"`
}

type mintedRef struct {
	Token  string         `json:"token"`
	Header map[string]any `json:"header"`
	Claims map[string]any `json:"claims"`
}

// raw is a member as the commands chose it: the text when a parser accepted
// it (known) or it is valid JSON, else null. encoding/json compacts it.
func raw(b []byte, known bool) json.RawMessage {
	if len(b) == 0 || (!known && !json.Valid(b)) {
		return nil
	}
	return b
}

func verdictOf(line int, res *token.Result, code int) verdictRef {
	v := verdictRef{Line: line, Valid: res.Valid, Key: res.Key, Checks: res.Checks, ExitCode: code}
	if v.Checks == nil {
		v.Checks = []token.Check{}
	}
	if !res.Valid {
		r := string(res.Reason)
		v.Reason = &r
		if res.Err != nil {
			v.Error = res.Err.Error()
		}
	}
	if t := res.Token; t != nil {
		v.Header = raw(t.HeaderJSON, t.Header != nil)
		if t.Claims != nil {
			v.Claims = raw(t.PayloadJSON, true)
		}
	}
	return v
}

func decodedOf(line int, tok *token.Token) decodedRef {
	return decodedRef{Line: line, Header: raw(tok.HeaderJSON, tok.Header != nil), Claims: raw(tok.PayloadJSON, tok.Claims != nil),
		Signature: base64.RawURLEncoding.EncodeToString(tok.Signature)}
}

func encode(t *testing.T, v any) string {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestReferenceShapesAreComplete(t *testing.T) {
	// The encoders know these shapes field by field: a new field in
	// token.KeyRef or token.Check must be added to AppendVerdict too.
	for _, c := range []struct {
		v    any
		want int
	}{{token.KeyRef{}, 3}, {token.Check{}, 3}} {
		if n := reflect.TypeOf(c.v).NumField(); n != c.want {
			t.Fatalf("%T has %d fields, AppendVerdict knows %d: update it", c.v, n, c.want)
		}
	}
}

func TestEncodersMatchEncodingJSONOnRandomInput(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	pieces := []string{"a", "Z", " ", "\"", "\\", "\n", "\r", "\t", "\b", "\f", "\x00", "\x1f", "\x7f", "<", ">", "&",
		"é", "€", "😀", "\u2028", "\u2029", "\xff", "\xc3", "\xe2\x82", "kid-1", "signature_invalid"}
	str := func() string {
		var b strings.Builder
		for range rng.IntN(8) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		return b.String()
	}
	raws := []string{"", "null", `{"alg":"HS256","typ":"JWT"}`, `{"a": 1}`, " {\n\t\"a\" : [ 1 , \"x y\\\" \\\\\" ] }\r\n", `{"bad"`,
		`{"s":"\u003c\u2028"}`, "{\"s\":\"\u2028<&>\"}", `[1,2,{"x":"é"}]`, `"\\"`, `{"k":"\\\\"}`, "{\"a\":\"\\\\\\\" }\"}"}
	member := func() (b []byte, known bool) {
		r := raws[rng.IntN(len(raws))]
		// A parser sets Header/Claims only for JSON it accepted.
		return []byte(r), json.Valid([]byte(r)) && rng.IntN(2) == 0
	}
	obj := map[string]any{}
	for i := range 3000 {
		line := rng.IntN(3) * (1 + rng.IntN(100000))
		var got []byte
		var want string
		switch i % 3 {
		case 0:
			res := &token.Result{Valid: rng.IntN(2) == 0, Reason: token.Reason(str())}
			if rng.IntN(3) > 0 {
				res.Err = errors.New(str())
			}
			if rng.IntN(4) > 0 {
				tok := &token.Token{}
				var known bool
				if tok.HeaderJSON, known = member(); known {
					tok.Header = obj
				}
				if tok.PayloadJSON, known = member(); known {
					tok.Claims = obj
				}
				res.Token = tok
			}
			if rng.IntN(2) == 0 {
				res.Key = &token.KeyRef{KID: str(), Alg: str(), Source: str()}
			}
			if rng.IntN(3) > 0 {
				res.Checks = []token.Check{}
				for range rng.IntN(4) {
					res.Checks = append(res.Checks, token.Check{Name: str(), OK: rng.IntN(2) == 0, Detail: str()})
				}
			}
			code := rng.IntN(7)
			got = batch.AppendVerdict([]byte("prefix\n"), line, res, code)
			want = encode(t, verdictOf(line, res, code))
		case 1:
			tok := &token.Token{Signature: []byte(str())}
			var known bool
			if tok.HeaderJSON, known = member(); known {
				tok.Header = obj
			}
			if tok.PayloadJSON, known = member(); known {
				tok.Claims = obj
			}
			got = appendDecoded([]byte("prefix\n"), line, tok)
			want = encode(t, decodedOf(line, tok))
		case 2:
			msg, reason := str(), str()
			got = batch.AppendDecodeError([]byte("prefix\n"), line, token.Reason(reason), errors.New(msg))
			want = encode(t, decodedRef{Line: line, Error: msg, Reason: reason})
		}
		if string(got) != "prefix\n"+want {
			t.Fatalf("case %d\n got %q\nwant %q", i, got, "prefix\n"+want)
		}
	}
}

func TestAppendCompactJSON(t *testing.T) {
	for _, in := range []string{"", "nul", `{"a":1}`, " [ 1 ,\n2 ] ", `{"a":"x \" y \\", "b" : "\\\\"}`, "\"\u2028 <&>\""} {
		got := string(batch.AppendCompactJSON([]byte("x"), []byte(in)))
		want := "xnull"
		if json.Valid([]byte(in)) {
			var b bytes.Buffer
			json.Compact(&b, []byte(in))
			want = "x" + b.String()
		}
		if got != want {
			t.Errorf("AppendCompactJSON(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestAppendMintedMatchesEncodingJSON(t *testing.T) {
	header := map[string]any{"alg": "HS256", "typ": "JWT", "kid": "k<1>"}
	claims := map[string]any{"sub": "al<i>ce & \"bob\"", "n": json.Number("1.50"), "f": 1e21, "roles": []any{"a", "\u2028"},
		"x": map[string]any{"b": 1, "a": nil}}
	got, err := batch.AppendMinted([]byte("p"), "a.b.c", header, claims)
	if err != nil {
		t.Fatal(err)
	}
	if want := "p" + encode(t, mintedRef{Token: "a.b.c", Header: header, Claims: claims}); string(got) != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if got, err := batch.AppendMinted([]byte("p"), "t", header, map[string]any{"c": make(chan int)}); err == nil || string(got) != "p" {
		t.Errorf("unencodable claims: %q, %v", got, err)
	}
}

// realResults verifies real tokens of alg: valid, expired, signed by
// another key, malformed in several ways, with a policy that fails.
func realResults(t testing.TB, alg string) []*token.Result {
	t.Helper()
	k, err := keys.Generate(alg, keys.GenerateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	other, err := keys.Generate(alg, keys.GenerateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	pub, otherPub := k, other
	if k.Type != keys.Oct {
		pub, otherPub = k.PublicKey(), other.PublicKey()
	}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	sign := func(key *keys.Key, claims map[string]any) string {
		s, err := token.NewSigner(key, alg, nil)
		if err != nil {
			t.Fatal(err)
		}
		tok, err := s.Sign(claims)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	claims := map[string]any{"sub": "bench", "iss": "jwtkit-bench", "iat": now.Unix(), "exp": now.Add(24 * time.Hour).Unix(),
		"jti": "3q2-7wAAAAAAAAAAAAAAAA", "note": "tab\there \"quoted\" \u2028 é <&>"}
	expired := map[string]any{"sub": "bench", "iat": now.Add(-2 * time.Hour).Unix(), "exp": now.Add(-time.Hour).Unix()}
	toks := []string{sign(k, claims), sign(k, expired), sign(other, claims), "not-a-token", "a.b.c",
		"W10.e30.c2ln", "eyAiYWxnIjogIkhTMjU2IiwgInR5cCI6ICJKV1QiIH0.eyAic3ViIjogImEgYiIsCiJ4IjogWyAxLCAyIF0gfQ.c2ln"}
	var out []*token.Result
	for _, pol := range []token.Policy{{Algs: []string{alg}}, {Issuers: []string{"someone"}, Require: []string{"role"}}} {
		pol.Now = func() time.Time { return now }
		v, err := token.NewVerifier(keys.NewSet(pub), pol)
		if err != nil {
			t.Fatal(err)
		}
		for _, tok := range toks {
			out = append(out, v.Verify(tok))
		}
	}
	v, err := token.NewVerifier(keys.NewSet(otherPub), token.Policy{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	return append(out, v.Verify(toks[0]))
}

func TestAppendVerdictOnRealResults(t *testing.T) {
	for _, alg := range []string{"HS256", "ES256", "EdDSA"} {
		for i, res := range realResults(t, alg) {
			code := i % 7
			if got, want := string(batch.AppendVerdict(nil, i, res, code)), encode(t, verdictOf(i, res, code)); got != want {
				t.Errorf("%s result %d (%s)\n got %s\nwant %s", alg, i, res.Reason, got, want)
			}
			if res.Token != nil && res.Token.Header != nil {
				if got, want := string(appendDecoded(nil, i, res.Token)), encode(t, decodedOf(i, res.Token)); got != want {
					t.Errorf("%s token %d decoded\n got %s\nwant %s", alg, i, got, want)
				}
			}
		}
	}
}

func TestStringsEscapedAsEncodingJSONAtEveryPosition(t *testing.T) {
	// The escaper skips eight plain bytes at a time: put every byte value,
	// and runes that straddle an eight-byte boundary, at every position.
	var cases []string
	for b := range 256 {
		for pos := range 17 {
			s := []byte(strings.Repeat("a", 17))
			s[pos] = byte(b)
			cases = append(cases, string(s), string(s[:pos+1]))
		}
	}
	for _, r := range []string{"é", "€", "😀", "\u2028", "\u2029", "\xe2\x80", "\xf0\x9f\x98"} {
		for pos := range 10 {
			cases = append(cases, strings.Repeat("b", pos)+r+strings.Repeat("c", 9-pos))
		}
	}
	for _, s := range cases {
		got := string(batch.AppendDecodeError(nil, 0, "", errors.New(s)))
		if want := encode(t, decodedRef{Error: s}); got != want {
			t.Fatalf("%q\n got %s\nwant %s", s, got, want)
		}
	}
}

func TestCompactionAtEveryPosition(t *testing.T) {
	// Whitespace is looked for eight bytes at a time: put each kind at
	// every position of a member, inside and outside strings.
	for _, ws := range []string{" ", "\t", "\r", "\n"} {
		for pos := range 24 {
			for _, tmpl := range []string{`{"abcdefghijklmnopqrstuvwxyz":1}`, `["abcdefghijklmnopqrstuvwxyz" ,1]`} {
				if pos > len(tmpl) {
					continue
				}
				in := tmpl[:pos] + ws + tmpl[pos:]
				tok := &token.Token{HeaderJSON: []byte(in), PayloadJSON: []byte(in)}
				if json.Valid(tok.HeaderJSON) {
					tok.Header, tok.Claims = map[string]any{}, map[string]any{}
				}
				got := string(appendDecoded(nil, 0, tok))
				if want := encode(t, decodedOf(0, tok)); got != want {
					t.Fatalf("%q\n got %s\nwant %s", in, got, want)
				}
			}
		}
	}
}

// appendDecoded is decode's line for a token without a warning.
func appendDecoded(dst []byte, line int, tok *token.Token) []byte {
	return batch.AppendDecodedWarning(dst, line, tok, "")
}

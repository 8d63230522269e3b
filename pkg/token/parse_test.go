package token_test

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jwtkit/jwtkit/pkg/token"
)

func b64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

// tok builds a compact token from header and payload JSON and a fake signature.
func tok(header, payload string) string { return b64(header) + "." + b64(payload) + ".c2ln" }

const hs = `{"alg":"HS256","typ":"JWT"}`

func TestParseErrors(t *testing.T) {
	deep := strings.Repeat(`{"a":`, token.MaxJSONDepth) + "1" + strings.Repeat("}", token.MaxJSONDepth)
	tooDeep := strings.Repeat(`{"a":`, token.MaxJSONDepth+1) + "1" + strings.Repeat("}", token.MaxJSONDepth+1)
	tests := []struct {
		name    string
		in      string
		want    error  // nil: parses
		msg     string // substring of the error message
		jwsOnly bool   // ParseJWS accepts it
	}{
		{name: "ok", in: tok(hs, `{"sub":"a"}`)},
		{name: "empty", in: "", want: token.ErrSegments, msg: "empty"},
		{name: "one segment", in: "abc", want: token.ErrSegments, msg: "got 1, want 3"},
		{name: "two segments", in: "a.b", want: token.ErrSegments, msg: "got 2, want 3"},
		{name: "four segments", in: "a.b.c.d", want: token.ErrSegments, msg: "got 4"},
		{name: "JWE", in: "a.b.c.d.e", want: token.ErrJWE},
		{name: "six segments", in: "a.b.c.d.e.f", want: token.ErrSegments, msg: "got 6"},
		{name: "too large", in: strings.Repeat("a", token.MaxTokenBytes+1), want: token.ErrTooLarge},
		{name: "padding", in: b64(hs) + "=." + b64(`{}`) + ".c2ln", want: token.ErrBase64, msg: "header: invalid base64url at offset"},
		{name: "std alphabet", in: b64(hs) + "." + b64(`{}`) + ".c2l+", want: token.ErrBase64, msg: "signature: invalid base64url at offset 3"},
		{name: "space", in: b64(hs) + ". " + b64(`{}`) + ".c2ln", want: token.ErrBase64, msg: "claims: invalid base64url at offset 0"},
		{name: "newline", in: b64(hs) + "." + b64(`{}`)[:2] + "\n" + b64(`{}`)[2:] + ".c2ln", want: token.ErrBase64, msg: "claims: invalid base64url at offset 2"},
		{name: "CR", in: "\r" + b64(hs) + "." + b64(`{}`) + ".c2ln", want: token.ErrBase64, msg: "header: invalid base64url at offset 0"},
		{name: "trailing bits", in: b64(hs) + ".e31.c2ln", want: token.ErrBase64, msg: "claims: invalid base64url"},
		{name: "impossible length", in: b64(hs) + ".e30ab.c2ln", want: token.ErrBase64},
		{name: "header not JSON", in: tok(`alg`, `{}`), want: token.ErrJSON, msg: "header: invalid JSON at offset 0"},
		{name: "header empty", in: "." + b64(`{}`) + ".c2ln", want: token.ErrJSON, msg: "header: invalid JSON"},
		{name: "header array", in: tok(`["alg"]`, `{}`), want: token.ErrJSON, msg: "not a JSON object"},
		{name: "header trailing", in: tok(hs+`x`, `{}`), want: token.ErrJSON},
		{name: "header two objects", in: tok(hs+`{}`, `{}`), want: token.ErrJSON},
		{name: "claims string", in: tok(hs, `"hello"`), want: token.ErrJSON, msg: "claims: invalid JSON", jwsOnly: true},
		{name: "claims text", in: tok(hs, `Payload`), want: token.ErrJSON, jwsOnly: true},
		{name: "claims empty", in: tok(hs, ``), want: token.ErrJSON, jwsOnly: true},
		{name: "claims null", in: tok(hs, `null`), want: token.ErrJSON, jwsOnly: true},
		{name: "claims unterminated", in: tok(hs, `{"a":1`), want: token.ErrJSON, jwsOnly: true},
		{name: "claims trailing comma", in: tok(hs, `{"a":1,}`), want: token.ErrJSON, jwsOnly: true},
		{name: "claims leading zero", in: tok(hs, `{"a":01}`), want: token.ErrJSON, jwsOnly: true},
		{name: "claims bad escape", in: tok(hs, `{"a":"\x"}`), want: token.ErrJSON, jwsOnly: true},
		{name: "claims control char", in: tok(hs, "{\"a\":\"\x01\"}"), want: token.ErrJSON, jwsOnly: true},
		{name: "claims invalid UTF-8", in: tok(hs, "{\"a\":\"\xff\"}"), want: token.ErrJSON, jwsOnly: true},
		{name: "claims NaN", in: tok(hs, `{"a":NaN}`), want: token.ErrJSON, jwsOnly: true},
		{name: "dup header", in: tok(`{"alg":"HS256","alg":"none"}`, `{}`), want: token.ErrDuplicate, msg: `header: duplicate JSON member name "alg"`},
		{name: "dup claims", in: tok(hs, `{"sub":"a","sub":"b"}`), want: token.ErrDuplicate, msg: `claims: duplicate JSON member name "sub"`, jwsOnly: true},
		{name: "dup nested", in: tok(hs, `{"a":[{"b":1,"b":2}]}`), want: token.ErrDuplicate, jwsOnly: true},
		{name: "dup escaped", in: tok(hs, `{"sub":"a","s\u0075b":"b"}`), want: token.ErrDuplicate, jwsOnly: true},
		{name: "depth ok", in: tok(hs, deep)},
		{name: "too deep", in: tok(hs, tooDeep), want: token.ErrJSON, msg: "nested deeper than 32", jwsOnly: true},
		{name: "too deep header", in: tok(`{"alg":"HS256","x":`+strings.Repeat("[", 40)+strings.Repeat("]", 40)+`}`, `{}`), want: token.ErrJSON},
		{name: "exp string", in: tok(hs, `{"exp":"1700000000"}`), want: token.ErrNumericDate, msg: `"exp" is a string`, jwsOnly: true},
		{name: "nbf bool", in: tok(hs, `{"nbf":true}`), want: token.ErrNumericDate, jwsOnly: true},
		{name: "iat null", in: tok(hs, `{"iat":null}`), want: token.ErrNumericDate, jwsOnly: true},
		{name: "iat array", in: tok(hs, `{"iat":[1]}`), want: token.ErrNumericDate, jwsOnly: true},
		{name: "aud number", in: tok(hs, `{"aud":1}`), want: token.ErrMemberType, msg: `claim "aud" is a number, want a string or an array of strings`, jwsOnly: true},
		{name: "aud array with number", in: tok(hs, `{"aud":[1,"api"]}`), want: token.ErrMemberType, msg: `claim "aud" holds a number at index 0`, jwsOnly: true},
		{name: "aud object", in: tok(hs, `{"aud":{"a":"api"}}`), want: token.ErrMemberType, jwsOnly: true},
		{name: "iss number", in: tok(hs, `{"iss":5}`), want: token.ErrMemberType, msg: `claim "iss" is a number, want a string`, jwsOnly: true},
		{name: "sub array", in: tok(hs, `{"sub":["alice"]}`), want: token.ErrMemberType, msg: `claim "sub" is an array`, jwsOnly: true},
		{name: "jti number", in: tok(hs, `{"jti":7}`), want: token.ErrMemberType, jwsOnly: true},
		{name: "sub null", in: tok(hs, `{"sub":null}`), want: token.ErrMemberType, jwsOnly: true},
		{name: "kid number", in: tok(`{"alg":"HS256","kid":1}`, `{}`), want: token.ErrMemberType, msg: "header kid is a number, want a string"},
		{name: "two problems", in: tok(hs, `{"sub":1,"exp":"x"}`), want: token.ErrNumericDate, msg: `claim "exp" is a string, want a JSON number of seconds; claim "sub" is a number`, jwsOnly: true},
		{name: "aud empty array", in: tok(hs, `{"aud":[]}`)},
		{name: "exp float", in: tok(hs, `{"exp":1700000000.5}`)},
		{name: "exp negative", in: tok(hs, `{"exp":-1}`)},
		{name: "exp max", in: tok(hs, `{"exp":253402300799}`)},
		{name: "exp min", in: tok(hs, `{"exp":-62135596800}`)},
		{name: "exp huge", in: tok(hs, `{"exp":1e300}`), want: token.ErrNumericDate, msg: `claim "exp" is out of range`, jwsOnly: true},
		{name: "exp infinite", in: tok(hs, `{"exp":1e400}`), want: token.ErrNumericDate, msg: `claim "exp" is out of range`, jwsOnly: true},
		{name: "exp 1e19", in: tok(hs, `{"exp":1e19}`), want: token.ErrNumericDate, jwsOnly: true},
		{name: "exp past year 9999", in: tok(hs, `{"exp":253402300800}`), want: token.ErrNumericDate, jwsOnly: true},
		{name: "exp fraction past year 9999", in: tok(hs, `{"exp":253402300799.5}`), want: token.ErrNumericDate, jwsOnly: true},
		{name: "nbf minus infinite", in: tok(hs, `{"nbf":-1e400}`), want: token.ErrNumericDate, msg: `claim "nbf" is out of range`, jwsOnly: true},
		{name: "iat before year 1", in: tok(hs, `{"iat":-62135596801}`), want: token.ErrNumericDate, msg: `claim "iat" is out of range`, jwsOnly: true},
		{name: "iat minus infinite", in: tok(hs, `{"iat":-1e400}`), want: token.ErrNumericDate, jwsOnly: true},
		{name: "alg none parses", in: tok(`{"alg":"none"}`, `{}`)[:len(tok(`{"alg":"none"}`, `{}`))-4]},
		{name: "whitespace JSON", in: tok("{\r\n \"alg\" : \"HS256\" }", "{\t\"a\" : [ 1 , 2 ] }")},
		{name: "unicode", in: tok(hs, `{"name":"Zoë \u00e9 \ud83d\ude00"}`)},
		{name: "lone high surrogate", in: tok(hs, `{"name":"\ud800"}`), want: token.ErrJSON, msg: "lone UTF-16 surrogate", jwsOnly: true},
		{name: "lone low surrogate", in: tok(hs, `{"\udc00":1}`), want: token.ErrJSON, jwsOnly: true},
		{name: "reversed surrogates", in: tok(hs, `{"a":"\ude00\ud83d"}`), want: token.ErrJSON, jwsOnly: true},
		{name: "surrogate names do not collide", in: tok(hs, `{"\ud800":1,"\udbff":2}`), want: token.ErrJSON, msg: "lone UTF-16 surrogate", jwsOnly: true},
		{name: "surrogate kid", in: tok(`{"alg":"HS256","kid":"\ud800"}`, `{}`), want: token.ErrJSON},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := token.Parse(tt.in)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("Parse: %v", err)
				}
				if got.Raw != tt.in || got.Header == nil || got.Claims == nil {
					t.Fatalf("Parse gave %+v", got)
				}
				return
			}
			if err == nil {
				t.Fatalf("Parse succeeded, want %v", tt.want)
			}
			if typeOnly := errors.Is(err, token.ErrMemberType); (got != nil) != typeOnly {
				t.Errorf("Parse returned token %v with %v: want a token only for ErrMemberType", got != nil, err)
			}
			if !errors.Is(err, token.ErrMalformed) || !errors.Is(err, tt.want) {
				t.Errorf("Parse error %q: want errors.Is ErrMalformed and %v", err, tt.want)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("Parse error %q does not contain %q", err, tt.msg)
			}
			if len(tt.in) > 20 && strings.Contains(err.Error(), tt.in) {
				t.Errorf("error message contains the token")
			}
			_, jerr := token.ParseJWS(tt.in)
			if tt.jwsOnly && jerr != nil {
				t.Errorf("ParseJWS: %v", jerr)
			}
			if !tt.jwsOnly && jerr == nil {
				t.Errorf("ParseJWS accepted it")
			}
		})
	}
}

func TestParseFields(t *testing.T) {
	raw := tok(`{"alg":"RS256","kid":"k1","n":1.50}`, `{"sub":"a","n":12345678901234567890,"o":{"x":[true,null]}}`)
	got, err := token.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	if got.Alg() != "RS256" || got.KID() != "k1" {
		t.Errorf("Alg/KID = %q/%q", got.Alg(), got.KID())
	}
	if got.Header["n"] != json.Number("1.50") || got.Claims["n"] != json.Number("12345678901234567890") {
		t.Errorf("numbers not kept as json.Number: %#v %#v", got.Header["n"], got.Claims["n"])
	}
	if want := raw[:strings.LastIndexByte(raw, '.')]; got.SigningInput != want {
		t.Errorf("SigningInput = %q, want %q", got.SigningInput, want)
	}
	if string(got.Signature) != "sig" {
		t.Errorf("Signature = %q", got.Signature)
	}
	o := got.Claims["o"].(map[string]any)["x"].([]any)
	if len(o) != 2 || o[0] != true || o[1] != nil {
		t.Errorf("nested = %#v", o)
	}
	if got.Claims["sub"] != "a" {
		t.Errorf("sub = %#v", got.Claims["sub"])
	}
}

type rfcVector struct {
	Source      string          `json:"source"`
	Alg         string          `json:"alg"`
	JWK         json.RawMessage `json:"jwk"`
	JWS         string          `json:"jws"`
	HeaderJSON  string          `json:"header_json"`
	PayloadJSON string          `json:"payload_json"`
	Expect      string          `json:"expect"`
}

const vectorsDir = "../../../shared/vectors"

func loadRFC(t testing.TB, name string) rfcVector {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(vectorsDir, "rfc", name))
	if err != nil {
		vectorsMissing(t, err)
	}
	var v rfcVector
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

var rfcJWS = []string{
	"rfc7515-a1-hs256.json", "rfc7515-a2-rs256.json", "rfc7515-a3-es256.json",
	"rfc7515-a4-es512.json", "rfc7515-a5-unsecured.json", "rfc8037-a4-ed25519.json",
}

// TestParseJWSVectors checks that decoding keeps the exact octets.
func TestParseJWSVectors(t *testing.T) {
	for _, name := range rfcJWS {
		t.Run(name, func(t *testing.T) {
			v := loadRFC(t, name)
			got, err := token.ParseJWS(v.JWS)
			if err != nil {
				t.Fatal(err)
			}
			if string(got.HeaderJSON) != v.HeaderJSON || string(got.PayloadJSON) != v.PayloadJSON {
				t.Errorf("decoded parts differ")
			}
			if got.Alg() != v.Alg {
				t.Errorf("alg %q, want %q", got.Alg(), v.Alg)
			}
			isJWT := strings.HasPrefix(v.PayloadJSON, "{")
			if (got.Claims != nil) != isJWT {
				t.Errorf("Claims = %v", got.Claims)
			}
			_, err = token.Parse(v.JWS)
			if isJWT != (err == nil) {
				t.Errorf("Parse as JWT: %v", err)
			}
		})
	}
}

func TestClean(t *testing.T) {
	for in, want := range map[string]string{
		"abc":                           "abc",
		"  abc\n":                       "abc",
		"Bearer abc":                    "abc",
		"bearer   abc ":                 "abc",
		"BEARER\tabc":                   "abc",
		"Authorization: Bearer abc":     "abc",
		"authorization:bearer abc\r\n":  "abc",
		"AUTHORIZATION:   BEARER   abc": "abc",
		"Bearerabc":                     "Bearerabc",
		"":                              "",
		`"abc"`:                         "abc",
		"'abc'":                         "abc",
		"<abc>":                         "abc",
		` "Bearer abc" `:                "abc",
		`Bearer "abc"`:                  "abc",
		`""abc""`:                       `"abc"`,
		`"abc'`:                         `"abc'`,
		`"`:                             `"`,
	} {
		if got := token.Clean(in); got != want {
			t.Errorf("Clean(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNumericDate(t *testing.T) {
	max := time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC)
	min := time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		claim string
		want  time.Time
		ok    bool
	}{
		{`1300819380`, time.Unix(1300819380, 0), true},
		{`1300819380.25`, time.Unix(1300819380, 250000000), true},
		{`1.5e9`, time.Unix(1500000000, 0), true},
		{`0`, time.Unix(0, 0), true},
		{`-1`, time.Unix(-1, 0), true},
		{`-1.5`, time.Unix(-2, 500000000), true},
		{`253402300799`, max, true},
		{`-62135596800`, min, true},
		{`2.53402300799e11`, max, true},
		{`1e-400`, time.Unix(0, 0), true},
	}
	for _, tt := range tests {
		tk, err := token.Parse(tok(hs, `{"exp":`+tt.claim+`}`))
		if err != nil {
			t.Fatalf("%s: %v", tt.claim, err)
		}
		got, ok, err := tk.NumericDate("exp")
		if err != nil || ok != tt.ok || !got.Equal(tt.want) {
			t.Errorf("NumericDate(%s) = %v, %v, %v; want %v", tt.claim, got, ok, err, tt.want)
		}
		if got.Location() != time.UTC {
			t.Errorf("NumericDate(%s) not in UTC", tt.claim)
		}
	}
	// Outside years 1..9999 or not finite: an error, never a clamped time.
	for _, claim := range []string{`1e20`, `1e300`, `1e400`, `-1e300`, `-1e400`, `99999999999999999999999999`, `-99999999999999999999999999`, `253402300800`, `-62135596801`, `-62135596800.5`} {
		tk, _ := token.ParseJWS(tok(hs, `{"exp":`+claim+`}`))
		if _, ok, err := tk.NumericDate("exp"); !ok || !errors.Is(err, token.ErrNumericDate) {
			t.Errorf("NumericDate(%s): ok=%v err=%v; want ErrNumericDate", claim, ok, err)
		}
	}
	tk, _ := token.ParseJWS(tok(hs, `{"exp":"1"}`))
	if _, ok, err := tk.NumericDate("exp"); !ok || !errors.Is(err, token.ErrNumericDate) {
		t.Errorf("string exp: ok=%v err=%v", ok, err)
	}
	if _, ok, err := tk.NumericDate("nbf"); ok || err != nil {
		t.Errorf("absent nbf: ok=%v err=%v", ok, err)
	}
}

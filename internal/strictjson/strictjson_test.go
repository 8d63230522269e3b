package strictjson_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/jwtkit/jwtkit/internal/strictjson"
)

func TestParse(t *testing.T) {
	t.Parallel()
	ok := []struct {
		in   string
		want any
	}{
		{`{"a":[1,"x",true,null,{}]}`, map[string]any{"a": []any{json.Number("1"), "x", true, nil, map[string]any{}}}},
		{`"\ud83d\ude00"`, "😀"},
		{` -1.5e3 `, json.Number("-1.5e3")},
		{`[]`, []any{}},
	}
	for _, tc := range ok {
		got, err := strictjson.Parse([]byte(tc.in), 4)
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Parse(%s) = %#v, %v; want %#v", tc.in, got, err, tc.want)
		}
	}
	bad := []struct {
		in   string
		kind error
	}{
		{`{"a":1,"a":2}`, strictjson.ErrDuplicate},
		{`{"a":1,"\u0061":2}`, strictjson.ErrDuplicate},
		{`[{"b":{"c":1,"c":1}}]`, strictjson.ErrDuplicate},
		{`"\ud800"`, strictjson.ErrSurrogate},
		{`"\udc00\ud800"`, strictjson.ErrSurrogate},
		{`{"\ud800":1,"\udbff":2}`, strictjson.ErrSurrogate},
		{`[[[[[1]]]]]`, strictjson.ErrDepth},
		{"\"\xff\"", strictjson.ErrSyntax},
		{`{"a":1} x`, strictjson.ErrSyntax},
		{`01`, strictjson.ErrSyntax},
		{``, strictjson.ErrSyntax},
		{`NaN`, strictjson.ErrSyntax},
	}
	for _, tc := range bad {
		_, err := strictjson.Parse([]byte(tc.in), 4)
		if !errors.Is(err, tc.kind) || !errors.Is(err, strictjson.ErrSyntax) && tc.kind != strictjson.ErrDuplicate {
			t.Errorf("Parse(%q) error = %v, want %v", tc.in, err, tc.kind)
		}
	}
	var e *strictjson.Error
	_, err := strictjson.Parse([]byte(`{"k\u001b":1,"k\u001b":2}`), 4)
	if !errors.As(err, &e) || e.Name != "k\x1b" || strings.Contains(err.Error(), "\x1b") {
		t.Errorf("duplicate error = %v (name %q): want the name kept and the message escaped", err, e.Name)
	}
}

func TestObject(t *testing.T) {
	t.Parallel()
	if _, err := strictjson.Object(`[1]`, 4); !errors.Is(err, strictjson.ErrSyntax) {
		t.Errorf("Object([1]) error = %v, want ErrSyntax", err)
	}
	m, err := strictjson.Object(`{"sub":"a"}`, 4)
	if err != nil || m["sub"] != "a" {
		t.Errorf("Object = %v, %v", m, err)
	}
}

// FuzzParse holds that whatever strictjson accepts, encoding/json accepts
// too and reads as the same value: strictjson is never the laxer reader.
func FuzzParse(f *testing.F) {
	for _, s := range []string{`{"a":1}`, `[1,2,{"b":"\u00e9"}]`, `"\ud83d\ude00"`, `{"a":1,"a":2}`, `"\ud800"`, `1e400`, "\"\xff\""} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := strictjson.Parse(data, 32)
		if err != nil {
			return
		}
		if !utf8.Valid(data) {
			t.Fatalf("accepted invalid UTF-8 %q", data)
		}
		dec := json.NewDecoder(strings.NewReader(string(data)))
		dec.UseNumber()
		var want any
		if err := dec.Decode(&want); err != nil {
			t.Fatalf("strictjson accepted %q, encoding/json refused it: %v", data, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("Parse(%q) = %#v, encoding/json %#v", data, got, want)
		}
	})
}

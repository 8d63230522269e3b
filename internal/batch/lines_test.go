package batch_test

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/jwtkit/jwtkit/internal/batch"
	"github.com/jwtkit/jwtkit/pkg/token"
)

// lines runs batch.Lines over in and returns every item it emits.
func lines(t *testing.T, in io.Reader) ([]batch.Item, error) {
	t.Helper()
	var got []batch.Item
	err := batch.Lines(in)(func(items []batch.Item) bool {
		got = append(got, items...)
		return true
	})
	return got, err
}

func TestLinesSplitsAndBoundsLines(t *testing.T) {
	long := strings.Repeat("t", batch.MaxLine)
	for _, tc := range []struct {
		name    string
		in      string
		text    []string
		tooLong []bool
	}{
		{"crlf and no final newline", "a\r\nb\nc", []string{"a", "b", "c"}, []bool{false, false, false}},
		{"blank lines kept", "\n\nx\n", []string{"", "", "x"}, []bool{false, false, false}},
		{"a lone CR is text", "a\rb\n", []string{"a\rb"}, []bool{false}},
		{"exactly the limit", long + "\n", []string{long}, []bool{false}},
		{"exactly the limit, CRLF", long + "\r\nz", []string{long, "z"}, []bool{false, false}},
		{"one over the limit", long + "t\r\nnext", []string{"", "next"}, []bool{true, false}},
		{"one over the limit at EOF", long + "t", []string{""}, []bool{true}},
		{"empty input", "", nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := lines(t, strings.NewReader(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tc.text) {
				t.Fatalf("%d lines, want %d", len(got), len(tc.text))
			}
			for i, it := range got {
				if it.Line != i+1 || it.Text != tc.text[i] || it.TooLong != tc.tooLong[i] {
					t.Errorf("line %d: %d %.20q (TooLong %v), want %.20q (TooLong %v)", i+1, it.Line, it.Text, it.TooLong, tc.text[i], tc.tooLong[i])
				}
			}
		})
	}
}

func TestLinesChunksByCountAndBytes(t *testing.T) {
	var sizes []int
	in := strings.Repeat("x\n", batch.ChunkLines*2+1) + strings.Repeat(strings.Repeat("y", 100<<10)+"\n", 5)
	err := batch.Lines(strings.NewReader(in))(func(items []batch.Item) bool {
		sizes = append(sizes, len(items))
		return true
	})
	if err != nil {
		t.Fatal(err)
	}
	// 256, 256, then "x" + two 100 KiB lines reach 256 KiB with the third.
	want := []int{batch.ChunkLines, batch.ChunkLines, 4, 2}
	if len(sizes) != len(want) {
		t.Fatalf("chunks of %v, want %v", sizes, want)
	}
	for i := range want {
		if sizes[i] != want[i] {
			t.Fatalf("chunks of %v, want %v", sizes, want)
		}
	}
}

func TestLinesBinaryLineCostsOneItem(t *testing.T) {
	big := strings.Repeat("x", 200<<10) + "\x00" + strings.Repeat("y", 200<<10)
	got, err := lines(t, strings.NewReader("a\nb\nc\x00d\n"+big+"\ne\n\x00"))
	if err != nil {
		t.Fatalf("err = %v: a NUL byte must not end the run", err)
	}
	if len(got) != 6 {
		t.Fatalf("got %d items, want 6: %+v", len(got), got)
	}
	for i, want := range []struct {
		text   string
		binary bool
	}{{"a", false}, {"b", false}, {"", true}, {"", true}, {"e", false}, {"", true}} {
		if got[i].Text != want.text || got[i].Binary != want.binary || got[i].Line != i+1 {
			t.Errorf("item %d = %+v, want text %q binary %v", i, got[i], want.text, want.binary)
		}
		if want.binary && !errors.Is(got[i].Err(), batch.ErrBinaryLine) {
			t.Errorf("item %d Err = %v", i, got[i].Err())
		}
	}
}

func TestLinesStopsWhenAborted(t *testing.T) {
	in := &countingReader{r: &genLines{n: 100_000, filler: "z"}}
	calls := 0
	err := batch.Lines(in)(func([]batch.Item) bool { calls++; return false })
	if err != nil || calls != 1 {
		t.Errorf("err %v after %d emits, want nil after 1", err, calls)
	}
	if in.n.Load() > 256<<10 {
		t.Errorf("read %d bytes after the run was aborted", in.n.Load())
	}
}

func TestLineTooLongIsTooLarge(t *testing.T) {
	if !errors.Is(batch.ErrLineTooLong, token.ErrTooLarge) {
		t.Error("ErrLineTooLong does not wrap token.ErrTooLarge")
	}
}

func TestTokensSkipsBlankLines(t *testing.T) {
	var seen []string
	work := batch.Tokens(func(it batch.Item, raw string, out []byte, st *batch.Stats) []byte {
		if it.TooLong {
			raw = "<too long>"
		}
		seen = append(seen, raw)
		st.Add("seen")
		return out
	})
	var st batch.Stats
	items := []batch.Item{{Line: 1, Text: "  a.b.c "}, {Line: 2, Text: ""}, {Line: 3, Text: " \t"}, {Line: 4, Text: "Bearer x.y.z"},
		{Line: 5, Text: "Authorization: Bearer "}, {Line: 6, TooLong: true}}
	work(items, nil, &st)
	if got := strings.Join(seen, "|"); got != "a.b.c|x.y.z|<too long>" {
		t.Errorf("handed %q", got)
	}
	if st.Lines != 6 || st.Blank != 3 || st.Counts["seen"] != 3 {
		t.Errorf("stats = %+v", st)
	}
}

// TestTokensRecoversPerLine: a handler that panics on one line costs that
// line only: it answers again for an item whose Err is ErrInternal, the
// partial output is dropped, and the following lines are handled.
func TestTokensRecoversPerLine(t *testing.T) {
	for _, twice := range []bool{false, true} {
		var out []byte
		st := &batch.Stats{}
		each := func(it batch.Item, raw string, out []byte, st *batch.Stats) []byte {
			if err := it.Err(); err != nil {
				if twice || !errors.Is(err, batch.ErrInternal) || !strings.Contains(err.Error(), "boom") {
					panic("again")
				}
				st.Add("malformed")
				return append(out, "internal\n"...)
			}
			out = append(out, "partial"...)
			if raw == "bad" {
				panic("boom")
			}
			st.Add("ok")
			return append(out, '\n')
		}
		out = batch.Tokens(each)([]batch.Item{{Line: 1, Text: "a"}, {Line: 2, Text: "bad"}, {Line: 3, Text: "c"}}, out, st)
		want := "partial\ninternal\npartial\n"
		if twice {
			want = "partial\npartial\n"
		}
		if string(out) != want || st.Lines != 3 || st.Counts["malformed"] != 1 || st.Counts["ok"] != 2 {
			t.Errorf("twice=%v: output %q, stats %+v; want %q", twice, out, st, want)
		}
	}
}

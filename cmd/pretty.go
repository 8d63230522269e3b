package cmd

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/jwtkit/jwtkit/internal/safetext"
	"github.com/jwtkit/jwtkit/internal/ui"
	"github.com/jwtkit/jwtkit/pkg/token"
)

// prettyJSON writes raw JSON indented by two spaces, in its original member
// order, coloured with p. note, when set, is called for each top-level
// member and may return a comment appended to that member's line.
func prettyJSON(w io.Writer, raw []byte, p *ui.Palette, note func(key string, v any) string) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var b strings.Builder
	type frame struct {
		object bool
		n      int
	}
	var stack []frame
	expectKey := false
	topKey := ""
	indent := func() { b.WriteString(strings.Repeat("  ", len(stack))) }
	var pendingNote string
	endLine := func() {
		if pendingNote != "" {
			b.WriteString("  " + p.Faint.Sprint("# "+pendingNote))
			pendingNote = ""
		}
	}
	// beforeValue writes the separator and indentation before an element.
	beforeValue := func() {
		if len(stack) == 0 {
			return
		}
		top := &stack[len(stack)-1]
		if top.object {
			return // the key already placed us
		}
		if top.n > 0 {
			b.WriteString(",")
			endLine()
		}
		b.WriteString("\n")
		indent()
		top.n++
	}
	afterValue := func() {
		if len(stack) > 0 && stack[len(stack)-1].object {
			expectKey = true
		}
	}
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		if d, ok := tok.(json.Delim); ok {
			switch d {
			case '{', '[':
				beforeValue()
				b.WriteString(string(d))
				stack = append(stack, frame{object: d == '{'})
				expectKey = d == '{'
			case '}', ']':
				top := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				if top.n > 0 {
					endLine()
					b.WriteString("\n")
					indent()
				}
				b.WriteString(string(d))
				afterValue()
			}
			continue
		}
		if expectKey {
			top := &stack[len(stack)-1]
			if top.n > 0 {
				b.WriteString(",")
				endLine()
			}
			b.WriteString("\n")
			indent()
			top.n++
			key := tok.(string)
			b.WriteString(p.Blue.Sprint(jsonText(key)) + ": ")
			expectKey = false
			if len(stack) == 1 {
				topKey = key
			}
			continue
		}
		beforeValue()
		b.WriteString(colorScalar(tok, p))
		if len(stack) == 1 && stack[0].object && note != nil {
			pendingNote = note(topKey, tok)
		}
		afterValue()
	}
	endLine()
	b.WriteString("\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func colorScalar(tok any, p *ui.Palette) string {
	switch v := tok.(type) {
	case string:
		return p.Green.Sprint(jsonText(v))
	case json.Number:
		return p.Cyan.Sprint(v.String())
	case bool:
		return p.Yellow.Sprint(fmt.Sprint(v))
	case nil:
		return p.Magenta.Sprint("null")
	}
	return fmt.Sprint(tok)
}

// jsonText renders a value from a token as JSON for a terminal: the
// encoding jwtkit writes tokens with, and safetext's escapes for what JSON
// leaves raw (DEL, C1 and bidi controls), so a claim cannot drive the
// terminal. The result is still valid JSON.
func jsonText(v any) string {
	b, err := token.MarshalJSON(v)
	if err != nil {
		return safetext.Escape(fmt.Sprint(v))
	}
	return safetext.Escape(string(b))
}

package cmd

import (
	"bytes"
	"encoding/json"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/jwtkit/jwtkit/internal/batch"
	"github.com/jwtkit/jwtkit/internal/safetext"
	"github.com/jwtkit/jwtkit/internal/strictjson"
	"github.com/jwtkit/jwtkit/pkg/keys"
)

// addOutputFlag registers -o/--output with its completions.
func addOutputFlag(c *cobra.Command, p *string, def, usage string) {
	c.Flags().StringVarP(p, "output", "o", def, "output format: "+usage)
	vals := strings.FieldsFunc(usage, func(r rune) bool { return r == ',' || r == ' ' })
	var keep []string
	for _, v := range vals {
		if v != "or" {
			keep = append(keep, v)
		}
	}
	_ = c.RegisterFlagCompletionFunc("output", fixedCompletions(keep...))
}

// checkOutput validates an -o value.
func checkOutput(got string, allowed ...string) error {
	for _, a := range allowed {
		if got == a {
			return nil
		}
	}
	return usagef("invalid --output %s: want %s", safetext.QuoteArg(got), strings.Join(allowed, ", "))
}

// writeJSON writes v as indented JSON and a newline.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// writeJSONLine writes one line of compact JSON (an internal/batch encoder's
// output) indented as writeJSON would write the same value.
func writeJSONLine(w io.Writer, line []byte) error {
	var buf bytes.Buffer
	if err := json.Indent(&buf, line, "", "  "); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// compactRaw is raw without insignificant whitespace, or nil when raw is
// empty or not strict JSON: it passes server answers through (keys fetch
// -o json), which must not carry invalid UTF-8 or duplicate names out.
func compactRaw(raw []byte) json.RawMessage {
	if len(raw) == 0 || strictjson.Valid(raw, keys.MaxJSONDepth) != nil {
		return nil
	}
	return json.RawMessage(batch.AppendCompactJSON(nil, raw))
}

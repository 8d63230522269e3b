package cmd

import (
	"fmt"
	"strings"

	"github.com/jwtkit/jwtkit/internal/safetext"
	"github.com/jwtkit/jwtkit/pkg/keys"
)

// writeInspectText renders keys inspect's result as text, every key
// (kept or skipped) in file order, numbered "key i of total".
func writeInspectText(f *factory, res inspectJSON, total int) {
	p := f.IO.Palette(true)
	w := f.IO.Out
	skipped := map[int]skippedJSON{}
	for _, sk := range res.Skipped {
		skipped[sk.Index] = sk
	}
	next := 0 // the next of res.Keys, which are in file order
	for idx := 1; idx <= total; idx++ {
		if idx > 1 {
			fmt.Fprintln(w)
		}
		if sk, ok := skipped[idx]; ok {
			fmt.Fprintf(w, "%s %s\n", p.Bold.Sprintf("key %d of %d skipped%s:", idx, total, kidSuffix(sk.KID)), p.Yellow.Sprint(safetext.Escape(sk.Reason)))
			if strings.Contains(sk.Reason, "encryption key") {
				fmt.Fprintln(w, "  verify leaves it out: it is not a signing key")
			} else {
				fmt.Fprintln(w, "  verify leaves it out; a token whose kid picks it fails (exit 4)")
			}
			continue
		}
		info := res.Keys[next]
		next++
		fmt.Fprintf(w, "%s %s\n", p.Bold.Sprintf("key %d of %d:", info.Index, total), info.Description)
		row := func(name, value string) {
			fmt.Fprintf(w, "  %-12s%s\n", name+":", value)
		}
		row("format", info.Format)
		row("source", info.Source)
		switch info.KIDSource {
		case "none":
			row("kid", p.Faint.Sprint("(none)"))
		case "thumbprint":
			row("kid", info.KID+p.Faint.Sprint(" (RFC 7638 thumbprint)"))
		default:
			row("kid", info.KID)
		}
		if info.Thumbprint != "" {
			row("thumbprint", info.Thumbprint)
		} else if info.Type == keys.Oct {
			row("thumbprint", p.Faint.Sprint("(not shown for secrets)"))
		}
		if info.Private {
			row("private", "yes: it can sign")
		} else {
			row("private", "no: it can only verify")
		}
		algs := strings.Join(info.Algs, ", ")
		if info.Alg != "" {
			algs += p.Faint.Sprint(" (pinned by the key's alg)")
		}
		row("algs", algs)
		if info.Use != "" {
			row("use", info.Use)
		}
		if x := info.X5C; x != nil {
			checked := "the certificate's public key is this key"
			if len(x.Digests) > 0 {
				checked += "; " + strings.Join(x.Digests, " and ") + " checked"
			}
			row("x5c", fmt.Sprintf("%s, expires %s: %s (the certificate is not trusted for anything else)", safetext.Escape(x.Subject), x.NotAfter, checked))
		}
		for _, warn := range info.Warnings {
			row("warning", p.Yellow.Sprint(warn))
		}
	}
}

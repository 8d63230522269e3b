package probe

import (
	"io"
	"strings"
	"time"

	"github.com/jwtkit/jwtkit/internal/safetext"
)

// mdCell makes text safe inside a Markdown table cell: controls escaped,
// pipes, backticks and angle brackets neutralised, one line.
func mdCell(s string) string {
	s = safetext.Escape(s)
	s = strings.NewReplacer("|", `\|`, "`", "'", "<", "&lt;", ">", "&gt;", "\n", " ").Replace(s)
	return s
}

func verdictMark(v Verdict) string {
	switch v {
	case Fail:
		return "❌ fail"
	case Warn:
		return "⚠️ warn"
	case Error:
		return "💥 error"
	case Pass:
		return "✅ pass"
	case Info:
		return "ℹ️ info"
	}
	return "⏭️ skip"
}

// WriteMarkdown renders the report as a compact Markdown table for a pull
// request comment or a CI job summary: findings first, the rest folded.
func WriteMarkdown(w io.Writer, rep *Report) error {
	ew := &errWriter{w: w}
	s := rep.Summary
	ew.printf("### jwtkit probe `%s`\n\n", strings.ReplaceAll(safetext.Escape(rep.Target), "`", "'"))
	ew.printf("**%d fail · %d warn · %d error** · %d pass · %d info · %d skip — %d requests in %s\n\n",
		s.Fail, s.Warn, s.Error, s.Pass, s.Info, s.Skip, rep.Requests, (time.Duration(rep.DurationMS) * time.Millisecond).String())
	for _, n := range rep.Notes {
		ew.printf("> %s\n", mdCell(n))
	}
	if len(rep.Notes) > 0 {
		ew.printf("\n")
	}
	table := func(cs []Result) {
		ew.printf("| Verdict | Check | Severity | Evidence |\n|---|---|---|---|\n")
		for _, c := range cs {
			ew.printf("| %s | `%s` | %s | %s |\n", verdictMark(c.Verdict), c.ID, c.Severity, mdCell(c.Evidence))
		}
	}
	var findings, rest []Result
	for _, c := range rep.Checks {
		if c.Verdict == Fail || c.Verdict == Warn || c.Verdict == Error {
			findings = append(findings, c)
		} else {
			rest = append(rest, c)
		}
	}
	order := map[Verdict]int{Fail: 0, Error: 1, Warn: 2}
	for i := 1; i < len(findings); i++ {
		for j := i; j > 0 && (order[findings[j].Verdict] < order[findings[j-1].Verdict] ||
			order[findings[j].Verdict] == order[findings[j-1].Verdict] && findings[j].Severity.rank() > findings[j-1].Severity.rank()); j-- {
			findings[j], findings[j-1] = findings[j-1], findings[j]
		}
	}
	if len(findings) == 0 {
		ew.printf("Nothing failed, warned or ended in error.\n\n")
	} else {
		table(findings)
		ew.printf("\n")
	}
	if len(rest) > 0 {
		ew.printf("<details><summary>%d other checks (pass, info, skip)</summary>\n\n", len(rest))
		table(rest)
		ew.printf("\n</details>\n")
	}
	return ew.err
}

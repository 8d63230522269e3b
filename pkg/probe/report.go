package probe

import (
	"cmp"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/jwtkit/jwtkit/internal/safetext"
)

// Style colours a piece of text by verdict; nil leaves text plain.
type Style func(v Verdict, s string) string

// WriteText renders the report for people: one line per check grouped by
// area, a summary line, and the findings to fix first.
func WriteText(w io.Writer, rep *Report, style Style) error {
	if style == nil {
		style = func(_ Verdict, s string) string { return s }
	}
	ew := &errWriter{w: w}
	ew.printf("jwtkit probe %s\n", safetext.Escape(rep.Target))
	if t := rep.Token; t != nil {
		how := "given with --token"
		switch {
		case t.Minted:
			how = "minted"
		case t.Source == "login":
			how = "issued by the login"
		}
		h, _ := json.Marshal(t.Header)
		c, _ := json.Marshal(t.Claims)
		ew.printf("token (%s, signature redacted): %s %s\n", how, safetext.Escape(string(h)), safetext.Escape(string(c)))
	}
	for _, n := range rep.Notes {
		ew.printf("note: %s\n", safetext.Escape(n))
	}
	byArea := map[string][]Result{}
	for _, c := range rep.Checks {
		a, _, _ := strings.Cut(c.ID, ".")
		byArea[a] = append(byArea[a], c)
	}
	for _, a := range Areas() {
		if len(byArea[a]) == 0 {
			continue
		}
		ew.printf("\n%s\n", a)
		for _, c := range byArea[a] {
			label := fmt.Sprintf("%-5s", strings.ToUpper(string(c.Verdict)))
			ev := safetext.Escape(c.Evidence)
			if c.Verdict == Fail || c.Verdict == Warn {
				ev = "[" + string(c.Severity) + "] " + ev
			}
			ew.printf("  %s %-*s %s\n", style(c.Verdict, label), idWidth(), c.ID, ev)
		}
	}
	s := rep.Summary
	ew.printf("\nsummary: %d pass, %d warn, %d fail, %d info, %d skip, %d error; %d requests in %s\n",
		s.Pass, s.Warn, s.Fail, s.Info, s.Skip, s.Error, rep.Requests, (time.Duration(rep.DurationMS) * time.Millisecond).String())
	if why := couldNotRun(rep); why != "" {
		ew.printf("could not run: %s\n", safetext.Escape(why))
	}
	first := fixFirst(rep)
	if len(first) == 0 {
		if s.Error > 0 {
			ew.printf("fix first: nothing failed or warned, but %d %s could not run, so the audit is incomplete\n", s.Error, plural(s.Error, "check", "checks"))
			return ew.err
		}
		ew.printf("fix first: nothing failed or warned\n")
		return ew.err
	}
	ew.printf("fix first:\n")
	for i, c := range first {
		ew.printf("  %d. %s %s (%s): %s\n     see %s\n", i+1, style(c.Verdict, strings.ToUpper(string(c.Verdict))), c.ID, c.Severity, safetext.Escape(c.Evidence), c.Reference)
	}
	return ew.err
}

// fixFirst picks up to five findings: failures before warnings, then by
// severity, then in catalogue order.
func fixFirst(rep *Report) []Result {
	var out []Result
	for _, c := range rep.Checks {
		if c.Verdict == Fail || c.Verdict == Warn {
			out = append(out, c)
		}
	}
	slices.SortStableFunc(out, func(a, b Result) int {
		if a.Verdict != b.Verdict {
			if a.Verdict == Fail {
				return -1
			}
			return 1
		}
		return cmp.Compare(b.Severity.rank(), a.Severity.rank())
	})
	if len(out) > 5 {
		out = out[:5]
	}
	return out
}

type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, a ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, a...)
	}
}

// WriteJSON renders the report as indented JSON.
func WriteJSON(w io.Writer, rep *Report) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(rep)
}

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name      string      `xml:"name,attr"`
	Tests     int         `xml:"tests,attr"`
	Failures  int         `xml:"failures,attr"`
	Errors    int         `xml:"errors,attr"`
	Skipped   int         `xml:"skipped,attr"`
	Time      string      `xml:"time,attr"`
	Timestamp string      `xml:"timestamp,attr"`
	Cases     []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitMessage `xml:"failure,omitempty"`
	Error     *junitMessage `xml:"error,omitempty"`
	Skipped   *junitMessage `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",chardata"`
}

// WriteJUnit renders the report as JUnit XML: one testcase per check, a
// failure for fail (and for warn when warnFails), skipped for skip, error
// for error.
func WriteJUnit(w io.Writer, rep *Report, warnFails bool) error {
	secs := fmt.Sprintf("%.3f", float64(rep.DurationMS)/1000)
	suite := junitSuite{Name: "jwtkit probe " + rep.Target, Time: secs, Timestamp: rep.Started.UTC().Format("2006-01-02T15:04:05")}
	for _, c := range rep.Checks {
		area, _, _ := strings.Cut(c.ID, ".")
		tc := junitCase{Name: c.ID, Classname: "jwtkit.probe." + area, Time: "0"}
		var reqs []string
		for _, rq := range c.Requests {
			reqs = append(reqs, fmt.Sprintf("%s %s → %d %s", rq.Method, rq.URL, rq.Status, rq.Variant))
		}
		detail := fmt.Sprintf("%s\nverdict: %s\nreference: %s\nrequests:\n  %s", c.Evidence, c.Verdict, c.Reference, strings.Join(reqs, "\n  "))
		switch {
		case c.Verdict == Fail || c.Verdict == Warn && warnFails:
			tc.Failure = &junitMessage{Message: c.Evidence, Type: string(c.Severity), Text: detail}
			suite.Failures++
		case c.Verdict == Error:
			tc.Error = &junitMessage{Message: c.Evidence, Text: detail}
			suite.Errors++
		case c.Verdict == Skip:
			tc.Skipped = &junitMessage{Message: c.Evidence}
			suite.Skipped++
		default:
			tc.SystemOut = strings.ToUpper(string(c.Verdict)) + ": " + detail
		}
		suite.Cases = append(suite.Cases, tc)
		suite.Tests++
	}
	doc := junitSuites{Name: "jwtkit probe", Tests: suite.Tests, Failures: suite.Failures, Errors: suite.Errors, Skipped: suite.Skipped, Time: secs, Suites: []junitSuite{suite}}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// WriteList renders the catalogue as a table.
func WriteList(w io.Writer) error {
	ew := &errWriter{w: w}
	ew.printf("%-*s %-9s %-18s %s\n", idWidth(), "ID", "SEVERITY", "NEEDS", "CHECKS THAT")
	for _, c := range Catalogue() {
		ew.printf("%-*s %-9s %-18s %s\n", idWidth(), c.ID, c.Severity, c.Needs, c.Title)
	}
	return ew.err
}

// WritePlan renders planned requests as commented curl command lines.
func WritePlan(w io.Writer, plan []Planned) error {
	ew := &errWriter{w: w}
	last := ""
	for _, p := range plan {
		if p.Check != last {
			ew.printf("# %s\n", p.Check)
			last = p.Check
		}
		if p.Variant != "" {
			ew.printf("#   %s\n", safetext.Escape(p.Variant))
		}
		ew.printf("%s\n", safetext.Escape(p.Curl))
	}
	n := plannedRequests(plan)
	ew.printf("# %d %s; nothing was sent\n", n, plural(n, "request", "requests"))
	return ew.err
}

// couldNotRun says how many checks ended in error and why, "" for none.
func couldNotRun(rep *Report) string {
	var parts []string
	for _, c := range rep.Checks {
		if c.Verdict == Error {
			parts = append(parts, c.ID+" ("+clip(c.Evidence)+")")
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return fmt.Sprintf("%d %s ended in error: %s", len(parts), plural(len(parts), "check", "checks"), strings.Join(parts, "; "))
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// idWidth is the width of the check id column: the longest id, so that no
// id runs into its evidence.
func idWidth() int {
	w := 0
	for _, c := range Catalogue() {
		w = max(w, len(c.ID))
	}
	return w
}

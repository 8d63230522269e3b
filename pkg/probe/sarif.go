package probe

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"strings"
	"sync"

	"github.com/jwtkit/jwtkit/internal/safetext"
)

// SARIF 2.1.0 constants.
const (
	SARIFVersion = "2.1.0"
	SARIFSchema  = "https://json.schemastore.org/sarif-2.1.0.json"
	// ChecksDocURL is the check table; each rule's helpUri is its row
	// (HelpURI).
	ChecksDocURL = "https://github.com/jwtkit/jwtkit/blob/main/docs/probe-checks.md#checks"
	checksDoc    = "https://github.com/jwtkit/jwtkit/blob/main/docs/probe-checks.md"
)

// HelpURI is the reference of one check: the anchor of its row in
// docs/probe-checks.md.
func HelpURI(id string) string { return checksDoc + "#" + id }

// ErrSARIFPath: a SARIF artifact path that is not repository-relative.
var ErrSARIFPath = errors.New("not a repository-relative path")

// CheckSARIFPath accepts a path relative to the repository root, with '/'
// between segments: no scheme, no drive letter, no backslash, not
// absolute, no "." or ".." segment. GitHub code scanning drops results
// whose location is anything else.
func CheckSARIFPath(p string) error {
	switch {
	case p == "":
		return fmt.Errorf("%w: it is empty", ErrSARIFPath)
	case strings.Contains(p, "\\"):
		return fmt.Errorf("%w: it holds a backslash (use / between segments)", ErrSARIFPath)
	case len(p) >= 2 && p[1] == ':' && (p[0]|0x20) >= 'a' && (p[0]|0x20) <= 'z':
		return fmt.Errorf("%w: it starts with a drive letter", ErrSARIFPath)
	case schemeRE().MatchString(p):
		return fmt.Errorf("%w: it starts with a URL scheme", ErrSARIFPath)
	case strings.HasPrefix(p, "/"):
		return fmt.Errorf("%w: it is absolute", ErrSARIFPath)
	}
	for _, seg := range strings.Split(p, "/") {
		if seg == "." || seg == ".." {
			return fmt.Errorf("%w: it holds a %q segment", ErrSARIFPath, seg)
		}
	}
	return nil
}

var schemeRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*:`) })

// sarifURI percent-encodes each segment of a repository-relative path for
// artifactLocation.uri (a URI reference: spaces, '?' and '#' must not
// stay as they are).
func sarifURI(p string) string {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return strings.Join(segs, "/")
}

// sarifLevel is a rule's default level for its severity: an info-only
// rule is a note, a low one a warning, anything higher an error.
func sarifLevel(s Severity) string {
	switch s {
	case SeverityInfo, SeverityNone:
		return "note"
	case Low:
		return "warning"
	}
	return "error"
}

var semVerRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$`)
})

// SARIFOptions shape a SARIF report.
type SARIFOptions struct {
	ToolVersion string // tool.driver.version
	// Path is the repository-relative artifact every result points at:
	// GitHub code scanning refuses locations outside the repository, so the
	// URL goes in the result's properties instead. "" derives one from the
	// target's host, port and path (DefaultSARIFPath).
	Path       string
	FailOnWarn bool // unused by the levels today; kept for the junit parity of the flag
}

// securitySeverity is GitHub's numeric severity per level.
func securitySeverity(s Severity) string {
	switch s {
	case Critical:
		return "9.5"
	case High:
		return "8.0"
	case Medium:
		return "5.5"
	case Low:
		return "3.0"
	}
	return "1.0"
}

var unsafePathChars = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`[^A-Za-z0-9._-]+`) })

// DefaultSARIFPath derives a repository-relative path from the target:
// jwtkit-probe/<host>[_<port>]/<path segments>.
func DefaultSARIFPath(target string) string {
	u, err := url.Parse(target)
	if err != nil || u.Host == "" {
		return "jwtkit-probe/target"
	}
	host := unsafePathChars().ReplaceAllString(u.Hostname(), "_")
	if p := u.Port(); p != "" {
		host += "_" + p
	}
	parts := []string{"jwtkit-probe", host}
	for _, seg := range strings.Split(u.Path, "/") {
		if seg = unsafePathChars().ReplaceAllString(seg, "_"); seg != "" && seg != "." && seg != ".." {
			parts = append(parts, seg)
		}
	}
	if len(parts) == 2 {
		parts = append(parts, "root")
	}
	return strings.Join(parts, "/")
}

type sarifText struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown,omitempty"`
}

type sarifRule struct {
	ID                   string         `json:"id"`
	Name                 string         `json:"name"`
	ShortDescription     sarifText      `json:"shortDescription"`
	FullDescription      sarifText      `json:"fullDescription"`
	Help                 sarifText      `json:"help"`
	HelpURI              string         `json:"helpUri"`
	DefaultConfiguration map[string]any `json:"defaultConfiguration"`
	Properties           map[string]any `json:"properties"`
}

type sarifResult struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           int               `json:"ruleIndex"`
	Level               string            `json:"level"`
	Message             sarifText         `json:"message"`
	Locations           []any             `json:"locations"`
	PartialFingerprints map[string]string `json:"partialFingerprints"`
	Properties          map[string]any    `json:"properties"`
}

// WriteSARIF renders the report as SARIF 2.1.0 for GitHub code scanning
// and other SARIF readers: one rule per check of the catalogue, one result
// per failed (level error) or warned (level warning) check.
func WriteSARIF(w io.Writer, rep *Report, opts SARIFOptions) error {
	path := opts.Path
	if path == "" {
		path = DefaultSARIFPath(rep.Target)
	} else if err := CheckSARIFPath(path); err != nil {
		return fmt.Errorf("SARIF path %s: %w", safetext.Quote(path), err)
	}
	var rules []sarifRule
	index := map[string]int{}
	for i, c := range Catalogue() {
		index[c.ID] = i
		rules = append(rules, sarifRule{
			ID:                   c.ID,
			Name:                 ruleName(c.ID),
			ShortDescription:     sarifText{Text: c.Title},
			FullDescription:      sarifText{Text: c.Title + ". " + c.Rule},
			Help:                 sarifText{Text: c.Rule + ". Reference: " + c.Reference + ". Needs: " + c.Needs + ".", Markdown: "**" + c.Title + "**\n\n" + c.Rule + "\n\nReference: " + c.Reference + "\n\nNeeds: " + c.Needs},
			HelpURI:              HelpURI(c.ID),
			DefaultConfiguration: map[string]any{"level": sarifLevel(c.Severity)},
			Properties: map[string]any{
				"security-severity": securitySeverity(c.Severity),
				"tags":              []string{"security", "jwt", "jwtkit-probe/" + c.Area()},
				"precision":         "high",
			},
		})
	}
	results := []sarifResult{}
	for _, c := range rep.Checks {
		level := ""
		switch c.Verdict {
		case Fail:
			level = "error"
		case Warn:
			level = "warning"
		default:
			continue
		}
		sum := sha256.Sum256([]byte(c.ID + "\x00" + rep.Target))
		results = append(results, sarifResult{
			RuleID:    c.ID,
			RuleIndex: index[c.ID],
			Level:     level,
			Message:   sarifText{Text: c.ID + " (" + string(c.Verdict) + ", " + string(c.Severity) + ") at " + rep.Target + ": " + c.Evidence},
			Locations: []any{map[string]any{
				"physicalLocation": map[string]any{
					"artifactLocation": map[string]any{"uri": sarifURI(path), "uriBaseId": "%SRCROOT%"},
					"region":           map[string]any{"startLine": 1},
				},
				"message": map[string]any{"text": rep.Target},
			}},
			PartialFingerprints: map[string]string{"jwtkitProbe/v1": hex.EncodeToString(sum[:16])},
			Properties: map[string]any{
				// what the report calls it: a warn of a high check is
				// medium, so it is not scored as a high finding
				"security-severity": securitySeverity(c.Severity),
				"url":               rep.Target,
				"verdict":           c.Verdict,
				"severity":          c.Severity,
				"evidence":          c.Evidence,
				"reference":         c.Reference,
				"requests":          c.Requests,
			},
		})
	}
	driver := map[string]any{
		"name":           "jwtkit probe",
		"version":        opts.ToolVersion,
		"informationUri": "https://github.com/jwtkit/jwtkit",
		"rules":          rules,
	}
	if v := strings.TrimPrefix(opts.ToolVersion, "v"); semVerRE().MatchString(v) {
		driver["semanticVersion"] = v
	}
	// the default path already starts with the tool's name
	autoID := path + "/"
	if !strings.HasPrefix(path, "jwtkit-probe/") {
		autoID = "jwtkit-probe/" + autoID
	}
	invocation := map[string]any{
		"executionSuccessful": rep.Summary.Error == 0,
		"startTimeUtc":        rep.Started.UTC().Format("2006-01-02T15:04:05Z"),
	}
	// A check that ended in error is no finding, but a SARIF reader
	// should see why the run was not successful, check by check.
	var notes []any
	for _, c := range rep.Checks {
		if c.Verdict == Error {
			notes = append(notes, map[string]any{
				"level":          "error",
				"message":        sarifText{Text: c.ID + " could not run: " + c.Evidence},
				"associatedRule": map[string]any{"id": c.ID, "index": index[c.ID]},
			})
		}
	}
	if len(notes) > 0 {
		invocation["toolExecutionNotifications"] = notes
	}
	doc := map[string]any{
		"version": SARIFVersion,
		"$schema": SARIFSchema,
		"runs": []any{map[string]any{
			"tool":              map[string]any{"driver": driver},
			"automationDetails": map[string]any{"id": autoID},
			"invocations":       []any{invocation},
			"properties":        map[string]any{"target": rep.Target, "summary": rep.Summary, "notes": rep.Notes},
			"results":           results,
		}},
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

// ruleName is the check id in PascalCase, as SARIF rule names go.
func ruleName(id string) string {
	var b strings.Builder
	up := true
	for _, r := range id {
		if r == '.' || r == '-' {
			up = true
			continue
		}
		if up && r >= 'a' && r <= 'z' {
			r -= 'a' - 'A'
		}
		up = false
		b.WriteRune(r)
	}
	return b.String()
}

package probe

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/url"
	"regexp"
	"strings"
	"sync"
)

// SARIF 2.1.0 constants.
const (
	SARIFVersion = "2.1.0"
	SARIFSchema  = "https://json.schemastore.org/sarif-2.1.0.json"
	// ChecksDocURL is every rule's helpUri: the check table.
	ChecksDocURL = "https://github.com/jwtkit/jwtkit/blob/main/docs/probe-checks.md#checks"
)

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
			HelpURI:              ChecksDocURL,
			DefaultConfiguration: map[string]any{"level": "error"},
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
					"artifactLocation": map[string]any{"uri": path, "uriBaseId": "%SRCROOT%"},
					"region":           map[string]any{"startLine": 1},
				},
				"message": map[string]any{"text": rep.Target},
			}},
			PartialFingerprints: map[string]string{"jwtkitProbe/v1": hex.EncodeToString(sum[:16])},
			Properties: map[string]any{
				"url":       rep.Target,
				"verdict":   c.Verdict,
				"severity":  c.Severity,
				"evidence":  c.Evidence,
				"reference": c.Reference,
				"requests":  c.Requests,
			},
		})
	}
	doc := map[string]any{
		"version": SARIFVersion,
		"$schema": SARIFSchema,
		"runs": []any{map[string]any{
			"tool": map[string]any{"driver": map[string]any{
				"name":            "jwtkit probe",
				"version":         opts.ToolVersion,
				"semanticVersion": strings.TrimPrefix(opts.ToolVersion, "v"),
				"informationUri":  "https://github.com/jwtkit/jwtkit",
				"rules":           rules,
			}},
			"automationDetails": map[string]any{"id": "jwtkit-probe/" + path + "/"},
			"invocations": []any{map[string]any{
				"executionSuccessful": rep.Summary.Error == 0,
				"startTimeUtc":        rep.Started.UTC().Format("2006-01-02T15:04:05Z"),
			}},
			"properties": map[string]any{"target": rep.Target, "summary": rep.Summary, "notes": rep.Notes},
			"results":    results,
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

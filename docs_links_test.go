package main

import (
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/jwtkit/jwtkit/pkg/probe"
)

// bundled is what scripts/release.sh copies into every release archive,
// at the same paths: README.md, CHANGELOG.md and docs/*.md. A relative
// link in them must land on one of these, or it is dead in the archive.
func bundled(p string) bool {
	switch {
	case p == "README.md", p == "CHANGELOG.md", p == "docs":
		return true
	case path.Dir(p) == "docs" && strings.HasSuffix(p, ".md"):
		return true
	}
	return false
}

var (
	mdLink    = regexp.MustCompile(`\]\(([^)\s]+)(?:\s+"[^"]*")?\)`)
	mdFence   = regexp.MustCompile("(?ms)^```.*?^```")
	mdCode    = regexp.MustCompile("`[^`\n]*`")
	mdHeading = regexp.MustCompile(`(?m)^#{1,6}\s+(.+?)\s*#*\s*$`)
	htmlID    = regexp.MustCompile(`<a id="([^"]+)"`)
)

// anchors returns the fragment names a Markdown file offers: GitHub's
// heading slugs (lower case, punctuation dropped, spaces as '-') and
// explicit <a id="..."> anchors.
func anchors(text string) map[string]bool {
	out := map[string]bool{}
	for _, m := range htmlID.FindAllStringSubmatch(text, -1) {
		out[m[1]] = true
	}
	seen := map[string]int{}
	for _, m := range mdHeading.FindAllStringSubmatch(mdFence.ReplaceAllString(text, ""), -1) {
		var b strings.Builder
		for _, r := range strings.ToLower(strings.ReplaceAll(m[1], "`", "")) {
			switch {
			case r == ' ':
				b.WriteByte('-')
			case r == '-' || r == '_' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r > 0x7f:
				b.WriteRune(r)
			}
		}
		slug := b.String()
		if n := seen[slug]; n > 0 {
			out[slug+"-"+strconv.Itoa(n)] = true // GitHub's suffix for a repeated heading
		} else {
			out[slug] = true
		}
		seen[slug]++
	}
	return out
}

// TestDocsRelativeLinks: every relative link in README.md and docs/*.md
// names a file that exists and that the release archive bundles, and every
// #fragment names a heading or an <a id> of its target.
func TestDocsRelativeLinks(t *testing.T) {
	pages, err := filepath.Glob("docs/*.md")
	if err != nil {
		t.Fatal(err)
	}
	pages = append([]string{"README.md"}, pages...)
	texts := map[string]string{}
	read := func(p string) string {
		if s, ok := texts[p]; ok {
			return s
		}
		b, err := os.ReadFile(filepath.FromSlash(p))
		if err != nil {
			t.Fatal(err)
		}
		texts[p] = string(b)
		return texts[p]
	}
	checked := 0
	for _, page := range pages {
		text := mdCode.ReplaceAllString(mdFence.ReplaceAllString(read(page), ""), "")
		for _, m := range mdLink.FindAllStringSubmatch(text, -1) {
			link := m[1]
			if strings.Contains(link, "://") || strings.HasPrefix(link, "mailto:") {
				continue
			}
			checked++
			file, frag, _ := strings.Cut(link, "#")
			target := page
			if file != "" {
				target = path.Clean(path.Join(path.Dir(page), file))
				if _, err := os.Stat(filepath.FromSlash(target)); err != nil {
					t.Errorf("%s links %q: %s does not exist", page, link, target)
					continue
				}
				if !bundled(target) {
					t.Errorf("%s links %q: %s is not in the release archive (scripts/release.sh); link the repository URL instead", page, link, target)
					continue
				}
			}
			if frag != "" && strings.HasSuffix(target, ".md") && !anchors(read(target))[frag] {
				t.Errorf("%s links %q: %s has no heading or <a id> %q", page, link, target, frag)
			}
		}
	}
	if checked < 20 {
		t.Errorf("only %d relative links found: is the link pattern still right?", checked)
	}
}

// TestProbeCheckAnchors: each check's SARIF helpUri is
// docs/probe-checks.md#<id>, so each id needs its <a id> there.
func TestProbeCheckAnchors(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("docs", "probe-checks.md"))
	if err != nil {
		t.Fatal(err)
	}
	ids := anchors(string(b))
	for _, c := range probe.Catalogue() {
		if !ids[c.ID] {
			t.Errorf("docs/probe-checks.md has no anchor %q (the helpUri of its SARIF rule)", c.ID)
		}
	}
}

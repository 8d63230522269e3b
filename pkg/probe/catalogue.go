// Package probe audits how a live HTTP API treats bearer JWTs, plain HTTP
// and foreign origins. It sends a planned set of requests to one endpoint
// (never following redirects, never carrying a token anywhere but the
// user's own target), grades each check pass, warn, fail, info, skip or
// error by the rules in README.md (Probe), and renders the result as text, JSON
// or JUnit XML. It takes an *http.Client, a Config and a clock and returns a
// Report; it writes only to the io.Writer it is given.
package probe

import (
	"fmt"
	"slices"
	"strings"
)

// Verdict is the outcome of one check.
type Verdict string

// Verdicts, from best to worst for the exit status: skip means an input was
// missing (never a silent pass); error means the request itself failed.
const (
	Pass  Verdict = "pass"
	Info  Verdict = "info"
	Skip  Verdict = "skip"
	Warn  Verdict = "warn"
	Error Verdict = "error"
	Fail  Verdict = "fail"
)

// Severity ranks a finding. A warning is reported one level below the
// check's severity; verdicts other than fail and warn carry SeverityNone.
type Severity string

// Severities.
const (
	Critical     Severity = "critical"
	High         Severity = "high"
	Medium       Severity = "medium"
	Low          Severity = "low"
	SeverityInfo Severity = "info"
	SeverityNone Severity = "none"
)

func severityOrder() []Severity {
	return []Severity{SeverityNone, SeverityInfo, Low, Medium, High, Critical}
}

func (s Severity) rank() int { return slices.Index(severityOrder(), s) }

// lower is one level below s (never below info).
func (s Severity) lower() Severity {
	if r := s.rank(); r > 1 {
		return severityOrder()[r-1]
	}
	return SeverityInfo
}

// CheckInfo describes one check of the catalogue.
type CheckInfo struct {
	ID        string   `json:"id"`
	Title     string   `json:"title"`
	Severity  Severity `json:"severity"`
	Needs     string   `json:"needs"` // inputs: "-", "token", "key", "public key", "--role", "--write-url"
	Rule      string   `json:"rule"`  // the PASS/WARN/FAIL rule in one line
	Reference string   `json:"reference"`
}

// Area is the part of the id before the dot ("jwt" for "jwt.alg-none").
func (c CheckInfo) Area() string { a, _, _ := strings.Cut(c.ID, "."); return a }

// Areas lists the check areas in report order.
func Areas() []string {
	return []string{"probe", "auth", "jwt", "authz", "resp", "tls", "cors", "csrf", "cookie"}
}

// Catalogue returns every check in report order. The ids are stable: they
// appear in every output and in Config.Only and Config.Skip.
func Catalogue() []CheckInfo {
	return []CheckInfo{
		{"probe.baseline", "valid token and no token are told apart", High, "token",
			"PASS valid token 2xx and distinguishable from no token; WARN indistinguishable (token checks skip); FAIL valid token rejected (token checks skip)",
			"README, The baseline oracle; jwt_tool prescan; PortSwigger JWT-scanner"},
		{"probe.persistence", "valid token still accepted after the forgeries", High, "token",
			"PASS still accepted; FAIL now rejected (results unreliable)", "jwt_tool persistence check"},
		{"auth.missing-token", "a request without a token is refused with 401", High, "-",
			"PASS 401; WARN 403, 400, 3xx, other 4xx or 5xx; FAIL 2xx", "RFC 6750 §3, §3.1; RFC 9110 §15.5.2; ASVS 8.3.1"},
		{"auth.www-authenticate", "every 401 carries a Bearer challenge", Low, "-",
			"PASS every 401 has a Bearer challenge; INFO bare Bearer or error= missing on invalid-token 401s; WARN non-Bearer scheme only; FAIL a 401 without WWW-Authenticate",
			"RFC 9110 §15.5.2, §11.6.1; RFC 7235 §3.1; RFC 6750 §3"},
		{"auth.malformed", "malformed tokens are refused cleanly", High, "-",
			"PASS every malformed value refused (401, 400 or another 4xx); WARN 5xx or an unclear 2xx; FAIL accepted",
			"RFC 6750 §3.1; draft-ietf-oauth-rfc8725bis; ASVS 16.5.3"},
		{"auth.query-token", "a token in the URL query is refused", Medium, "token",
			"PASS refused; WARN accepted (tokens land in logs, history and Referer)", "RFC 6750 §2.3, §5.3; ASVS 14.2.1; RFC 9700 §4.3.2"},
		{"auth.invalid-token-status", "forged and invalid tokens are refused with 401", Low, "token",
			"PASS every refusal of a forged or invalid token is 401; WARN 403, 400, 422, 3xx or another 4xx (counts per status); INFO nothing refused",
			"RFC 6750 §3.1; RFC 9110 §15.5.2, §15.5.4"},
		{"jwt.tampered-payload", "a changed payload under the original signature is refused", Critical, "token",
			"PASS refused; WARN 5xx; FAIL accepted (signature not verified)", "RFC 7515 §5.2; RFC 8725 §3.3; ASVS 9.1.1; WSTG-SESS-10"},
		{"jwt.bad-signature", "a broken signature is refused", Critical, "token",
			"PASS refused; WARN 5xx; FAIL accepted", "RFC 8725 §3.3; ASVS 9.1.1; jwt_tool; JWT-scanner"},
		{"jwt.null-signature", "an empty signature is refused", Critical, "token",
			"PASS refused; WARN 5xx; FAIL accepted (CVE-2020-28042)", "RFC 8725 §3.3; CVE-2020-28042"},
		{"jwt.alg-none", "unsecured tokens (alg none, every casing) are refused", Critical, "token",
			"PASS all 18 variants refused; WARN 5xx; FAIL any accepted", "RFC 7518 §3.6; RFC 8725 §2.1, §3.1-3.2; RFC 9068 §4; ASVS 9.1.2"},
		{"jwt.blank-hmac", "tokens signed with an empty HMAC key are refused", Critical, "token",
			"PASS refused; WARN 5xx; FAIL accepted (CVE-2019-20933)", "RFC 8725 §3.5; CVE-2019-20933; CVE-2020-28637"},
		{"jwt.key-confusion", "the public key is not accepted as an HMAC secret", Critical, "token, public key",
			"PASS no confusion found with any encoding; WARN 5xx; FAIL accepted", "RFC 8725 §2.1, §3.1; CVE-2016-10555; CVE-2015-9235; ASVS 9.1.2"},
		{"jwt.embedded-jwk", "a key embedded in the jwk header is not trusted", Critical, "token",
			"PASS refused; WARN 5xx; FAIL accepted (CVE-2018-0114)", "RFC 7515 §4.1.3; RFC 8725 §3.10; CVE-2018-0114; ASVS 9.1.3"},
		{"jwt.kid-injection", "kid path traversal and SQL injection do not pick the key", Critical, "token",
			"PASS refused; WARN 5xx; FAIL accepted", "RFC 7515 §4.1.4; RFC 8725 §2.9, §3.10; WSTG-SESS-10"},
		{"jwt.psychic-signature", "ECDSA signatures with r = s = 0 are refused", Critical, "token (ES*)",
			"PASS refused; WARN 5xx; FAIL accepted (CVE-2022-21449)", "CVE-2022-21449; WSTG-SESS-10"},
		{"jwt.expired", "an expired token is refused", High, "key",
			"PASS refused, or accepted at most 30 s after exp (leeway); WARN accepted 5 min after exp, or 5xx; FAIL accepted 1 h or 1 day after exp", "RFC 7519 §4.1.4; ASVS 9.2.1"},
		{"jwt.nbf-future", "a not-yet-valid token is refused", Medium, "key",
			"PASS refused; WARN 5xx; FAIL accepted", "RFC 7519 §4.1.5; ASVS 9.2.1"},
		{"jwt.no-exp", "a token without exp is refused", Medium, "key",
			"PASS refused; WARN accepted (a token that never expires) or 5xx", "RFC 9068 §2.2; RFC 6750 §5.3"},
		{"jwt.wrong-issuer", "a foreign or missing issuer is refused", High, "key",
			"PASS refused; WARN iss removed accepted, or foreign iss accepted when the valid token has no iss; FAIL foreign iss accepted",
			"RFC 8725 §3.8; RFC 9068 §4; RFC 7519 §4.1.1"},
		{"jwt.wrong-audience", "a foreign or missing audience is refused", High, "key",
			"PASS refused; WARN aud removed accepted, or foreign aud accepted when the valid token has no aud; FAIL foreign aud accepted",
			"RFC 7519 §4.1.3; RFC 8725 §3.9; ASVS 9.2.3, 10.3.1"},
		{"jwt.weak-secret", "the HMAC secret is not a published or default one (offline)", Critical, "token (HS*)",
			"PASS no built-in secret signs the token; WARN secret shorter than the hash (key known); FAIL secret found",
			"RFC 8725 §2.2, §3.5; RFC 7518 §3.2; WSTG-SESS-10"},
		{"jwt.jku-injection", "a jku header naming a caller's JWKS is not trusted", Critical, "token, listener",
			"PASS refused and no fetch seen; WARN refused but the JWKS was fetched (SSRF surface) or 5xx; FAIL accepted",
			"RFC 7515 §4.1.2; RFC 8725 §2.9, §3.10; ASVS 9.1.3"},
		{"jwt.x5u-injection", "an x5u header naming a caller's certificate is not trusted", Critical, "token, listener",
			"PASS refused and no fetch seen; WARN refused but the certificate was fetched (SSRF surface) or 5xx; FAIL accepted",
			"RFC 7515 §4.1.5; RFC 8725 §2.9, §3.10; ASVS 9.1.3"},
		{"jwt.x5c-injection", "a certificate chain embedded in x5c is not trusted", Critical, "token",
			"PASS refused; WARN 5xx; FAIL accepted", "RFC 7515 §4.1.6; RFC 8725 §3.10; ASVS 9.1.3"},
		{"jwt.issuer-discovery-injection", "keys are not discovered from the token's own iss", Critical, "token, listener",
			"PASS refused and no fetch seen; WARN refused but discovery was fetched (SSRF surface) or 5xx; FAIL accepted",
			"OpenID Connect Discovery §4.3; RFC 8725 §2.9, §3.8; ASVS 9.1.3"},
		{"jwt.weak-key", "the asymmetric signing key resists factoring and fits its alg", Critical, "token (RS, PS, ES) or a key or JWKS",
			"PASS RSA >= 2048 bits and curves that fit the alg; FAIL RSA < 2048 bits or a curve that does not fit the alg",
			"RFC 7518 §3.3, §3.4; RFC 8725 §3.5; NIST SP 800-131A"},
		{"jwt.unknown-crit", "a token with an unknown critical header is refused", Low, "key",
			"PASS refused; WARN 5xx; FAIL accepted", "RFC 7515 §4.1.11"},
		{"jwt.claim-reflection", "claims of a badly signed token are not echoed back", Medium, "token",
			"PASS no marker echoed; WARN a marker echoed in the body or a header", "jwt_tool reflected claims; RFC 8725 §3.3"},
		{"authz.insufficient-role", "a token without the required roles gets 403", High, "key, --role",
			"PASS 403 or another 4xx; WARN 401 or 400 (wrong status) or 5xx; FAIL accepted", "RFC 6750 §3.1; RFC 9110 §15.5.4; ASVS 8.2.1, 8.3.1"},
		{"authz.low-privilege", "a real low-privilege identity's token gets 403", High, "--low-token or --low-login-user",
			"PASS 403 or another 4xx; WARN 401 or 400 (wrong status), 5xx or an unclear 2xx; FAIL accepted",
			"RFC 6750 §3.1; RFC 9110 §15.5.4; ASVS 8.2.1, 8.3.1, 10.3.2"},
		{"resp.no-stack-trace", "error bodies carry no stack traces or library internals", Medium, "-",
			"PASS generic error bodies; WARN JWT library messages; FAIL stack traces, debug pages, SQL errors", "ASVS 16.5.1, 13.4.2"},
		{"resp.cache-control", "authenticated responses are not cacheable", SeverityInfo, "token",
			"PASS Cache-Control no-store or private on the valid-token response; WARN missing", "RFC 6750 §2.3; OWASP REST Security Cheat Sheet"},
		{"resp.availability", "the API keeps answering during the probe", High, "-",
			"PASS every request answered; WARN a request got no answer but the valid token is answered again after 2 s; FAIL still no answer after 2 s (the probe took the API down)",
			"ASVS 16.5.3; OWASP API4:2023 Unrestricted Resource Consumption"},
		{"resp.server-error", "no request, odd claim types included, gets a 5xx", Medium, "- (claim-type variants: key)",
			"PASS no 5xx; INFO 429 or 503 with Retry-After (rate limiting); FAIL any other 5xx, naming the variants",
			"ASVS 16.5.3, 16.3.4; RFC 9110 §15.6; RFC 8725 §3.11"},
		{"tls.http-redirect", "plain HTTP is not served (permanent redirect or no listener)", High, "-",
			"PASS no listener, a refusal, or 301/308 to the same https URL; WARN 302/307, another host, lost path or query, or an http target; FAIL 2xx, 401/403 or a redirect to http",
			"RFC 6797 §7.2; RFC 9110 §15.4; ASVS 4.1.2, 12.2.1; Mozilla Observatory"},
		{"tls.no-downgrade-redirect", "redirects on https never point at http", High, "-",
			"PASS every Location https or relative; FAIL a Location: http://", "FastAPI behind-a-proxy docs; RFC 6797 §7.2"},
		{"tls.hsts", "Strict-Transport-Security is sent with a long max-age", Medium, "-",
			"PASS one header, max-age >= 1 year, on 2xx and 401; WARN shorter, invalid, duplicated, or missing on the 401; FAIL missing or max-age=0",
			"RFC 6797 §6.1, §7.1; ASVS 3.4.1; Mozilla Observatory; testssl.sh"},
		{"cors.reflect-arbitrary", "an arbitrary Origin is not reflected", High, "-",
			"PASS no ACAO or a fixed value; WARN reflected without credentials; FAIL reflected with Access-Control-Allow-Credentials: true",
			"WSTG-CLNT-07; ASVS 3.4.2; Fetch CORS check; Corsy; nuclei cors-misconfig"},
		{"cors.null-origin", "Origin: null is not allowed", High, "-",
			"PASS no ACAO: null; WARN ACAO: null without credentials; FAIL with credentials; INFO when any origin is reflected",
			"Fetch origin serialization; ASVS 4.0.3 14.5.3; WSTG-CLNT-07"},
		{"cors.origin-matching", "look-alike origins are not matched", High, "-",
			"PASS none echoed; WARN a subdomain or the http:// origin echoed, or a look-alike without credentials; FAIL a look-alike echoed with credentials",
			"WSTG-CLNT-07; Corsy; nuclei cors-misconfig; Starlette PR #801"},
		{"cors.preflight", "preflights grant nothing to foreign origins", High, "-",
			"PASS foreign preflight gets no ACAO; WARN legit preflight answered 401, ACAH * relied on, Max-Age > 86400; FAIL foreign origin granted method and authorization",
			"Fetch CORS protocol and credentials; ASVS 3.5.2, 4.1.4"},
		{"cors.vary-origin", "responses whose ACAO varies send Vary: Origin", Low, "-",
			"PASS Vary: Origin wherever ACAO names an origin; WARN missing (cache poisoning)", "Fetch CORS protocol and HTTP caches"},
		{"csrf.applicability", "whether ambient credentials make CSRF relevant", SeverityInfo, "-",
			"INFO header-only bearer auth; WARN cookies or HTTP authentication in play", "WSTG-SESS-05; OWASP CSRF Prevention Cheat Sheet; RFC 6750 §5.3"},
		{"csrf.foreign-origin-write", "a write from a foreign origin is refused", High, "--write-url",
			"PASS refused; WARN accepted under header-only auth, 5xx; FAIL accepted with ambient credentials",
			"ASVS 3.5.1-3.5.3; OWASP CSRF Prevention Cheat Sheet (Fetch Metadata, Origin check)"},
		{"cookie.token-flags", "a cookie that carries a JWT is locked down", High, "a Set-Cookie with a JWT (e.g. from --login-url)",
			"PASS Secure, HttpOnly, SameSite Lax or Strict, a Path, no life beyond exp; WARN no SameSite or None, no Path, outlives exp, no Secure on an http target; FAIL no HttpOnly, or no Secure on https",
			"RFC 6265bis §4.1.2, §8.8; RFC 6750 §5.3; ASVS 3.3.1, 3.3.4; OWASP Session Management Cheat Sheet"},
	}
}

// lookup returns the catalogue entry for id.
func lookup(id string) CheckInfo {
	for _, c := range Catalogue() {
		if c.ID == id {
			return c
		}
	}
	panic("probe: unknown check " + id)
}

// Select returns the ids chosen by only and skip (each entry an id or an
// area such as "cors"), in catalogue order. An unknown entry is an error.
func Select(only, skip []string) ([]string, error) {
	cat := Catalogue()
	match := func(entry, id string) bool {
		e := strings.TrimSuffix(strings.TrimSuffix(entry, "*"), ".")
		return id == e || strings.HasPrefix(id, e+".")
	}
	check := func(list []string, flag string) error {
		for _, e := range list {
			if !slices.ContainsFunc(cat, func(c CheckInfo) bool { return match(e, c.ID) }) {
				return fmt.Errorf("%s %q: no check id or area matches (areas: %s; see --list)", flag, e, strings.Join(Areas(), ", "))
			}
		}
		return nil
	}
	if err := check(only, "--only"); err != nil {
		return nil, err
	}
	if err := check(skip, "--skip"); err != nil {
		return nil, err
	}
	var ids []string
	for _, c := range cat {
		if len(only) > 0 && !slices.ContainsFunc(only, func(e string) bool { return match(e, c.ID) }) {
			continue
		}
		if slices.ContainsFunc(skip, func(e string) bool { return match(e, c.ID) }) {
			continue
		}
		ids = append(ids, c.ID)
	}
	return ids, nil
}

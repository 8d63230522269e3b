package probe_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/jwtkit/jwtkit/pkg/probe"
)

// verdictsOf runs cfg and returns the verdicts, failing the test on an error.
func verdictsOf(t *testing.T, cfg probe.Config) (*probe.Report, map[string]probe.Verdict) {
	t.Helper()
	rep, err := probe.Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return rep, verdicts(rep)
}

// TestRateLimitIsNeverARefusal: an API that accepts any token but answers
// 429 to the forged ones must not pass the signature checks: a rate-limited
// variant is inconclusive, an error.
func TestRateLimitIsNeverARefusal(t *testing.T) {
	tok := shortToken()
	ts := oracleServer(t, tok, func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") == "" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.WriteHeader(http.StatusTooManyRequests)
	})
	rep, got := verdictsOf(t, probe.Config{Target: ts.URL + "/me", Token: tok, Concurrency: 1,
		Checks: []string{"probe.baseline", "jwt.bad-signature", "jwt.null-signature", "resp.server-error"}})
	want := map[string]probe.Verdict{"probe.baseline": probe.Pass, "jwt.bad-signature": probe.Error, "jwt.null-signature": probe.Error, "resp.server-error": probe.Info}
	for id, v := range want {
		if got[id] != v {
			t.Errorf("%s = %s, want %s\n%s", id, got[id], v, dump(rep))
		}
	}
	for _, c := range rep.Checks {
		if c.ID == "jwt.bad-signature" && !strings.Contains(c.Evidence, "rate limited (429)") {
			t.Errorf("jwt.bad-signature evidence %q does not say rate limited", c.Evidence)
		}
	}
	// A rate-limited valid token: the baseline errors and says why.
	lim := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "3")
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer lim.Close()
	rep, got = verdictsOf(t, probe.Config{Target: lim.URL + "/me", Token: tok, Checks: []string{"probe.baseline", "jwt.bad-signature"}})
	if got["probe.baseline"] != probe.Error || !strings.Contains(rep.Checks[0].Evidence, "the valid-token request was rate limited (503)") {
		t.Errorf("baseline = %s (%s), want error: rate limited", got["probe.baseline"], rep.Checks[0].Evidence)
	}
}

// TestDroppedConnectionIsAServerError: a handler that crashes by dropping
// the connection on one variant, while the API keeps answering, fails
// resp.server-error like a 500 would.
func TestDroppedConnectionIsAServerError(t *testing.T) {
	tok := shortToken()
	ts := oracleServer(t, tok, func(w http.ResponseWriter, r *http.Request) {
		if a := r.Header.Get("Authorization"); a != "" && a != "Bearer "+tok && strings.HasSuffix(a, ".") {
			// alg none and null signature variants: the handler "raises"
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close()
			}
			return
		}
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
		w.WriteHeader(http.StatusUnauthorized)
	})
	rep, got := verdictsOf(t, probe.Config{Target: ts.URL + "/me", Token: tok,
		Wait:   func(context.Context, time.Duration) error { return nil },
		Checks: []string{"probe.baseline", "jwt.null-signature", "resp.availability", "resp.server-error"}})
	if got["resp.server-error"] != probe.Fail || got["resp.availability"] != probe.Warn {
		t.Fatalf("resp.server-error = %s, resp.availability = %s; want fail, warn\n%s", got["resp.server-error"], got["resp.availability"], dump(rep))
	}
	for _, c := range rep.Checks {
		if c.ID == "resp.server-error" && !strings.Contains(c.Evidence, "empty signature") || c.ID == "resp.server-error" && !strings.Contains(c.Evidence, "the connection was dropped") {
			t.Errorf("resp.server-error evidence %q does not name the variant and the drop", c.Evidence)
		}
	}
}

// TestBaselineAlwaysReported: --only without probe.baseline still reports
// a refused valid token, so the run fails instead of passing silently.
func TestBaselineAlwaysReported(t *testing.T) {
	tok := shortToken()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusUnauthorized) }))
	defer ts.Close()
	rep, got := verdictsOf(t, probe.Config{Target: ts.URL + "/me", Token: tok, Checks: []string{"jwt.bad-signature"}})
	if got["probe.baseline"] != probe.Fail || got["jwt.bad-signature"] != probe.Skip || !rep.Failed(false) || rep.Summary.Fail != 1 {
		t.Errorf("baseline %s, bad-signature %s, failed %v; want fail, skip, true\n%s", got["probe.baseline"], got["jwt.bad-signature"], rep.Failed(false), dump(rep))
	}
}

// TestServerErrorCountsTokenRequestsOnly: a 501 to the CORS preflight
// (Python's http.server without do_OPTIONS) is no crash.
func TestServerErrorCountsTokenRequestsOnly(t *testing.T) {
	tok := shortToken()
	ts := oracleServer(t, tok, func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodOptions {
			w.WriteHeader(http.StatusNotImplemented)
			return
		}
		w.Header().Set("WWW-Authenticate", `Bearer realm="api"`)
		w.WriteHeader(http.StatusUnauthorized)
	})
	rep, got := verdictsOf(t, probe.Config{Target: ts.URL + "/me", Token: tok, Origin: "https://app.example",
		Checks: []string{"probe.baseline", "jwt.bad-signature", "cors.preflight", "resp.server-error"}})
	if got["resp.server-error"] != probe.Pass {
		t.Errorf("resp.server-error = %s, want pass\n%s", got["resp.server-error"], dump(rep))
	}
}

// TestEmptyBearerNeedsNoErrorCode: RFC 6750 §3.1: a request without
// credentials (an empty Bearer value is none) gets no error code.
func TestEmptyBearerNeedsNoErrorCode(t *testing.T) {
	tok := shortToken()
	ts := oracleServer(t, tok, func(w http.ResponseWriter, r *http.Request) {
		if a := strings.TrimSpace(r.Header.Get("Authorization")); a == "" || strings.EqualFold(a, "Bearer") {
			w.Header().Set("WWW-Authenticate", `Bearer realm="api"`)
		} else {
			w.Header().Set("WWW-Authenticate", `Bearer realm="api", error="invalid_token"`)
		}
		w.WriteHeader(http.StatusUnauthorized)
	})
	rep, got := verdictsOf(t, probe.Config{Target: ts.URL + "/me", Token: tok, Checks: []string{"probe.baseline", "auth.malformed", "auth.www-authenticate"}})
	if got["auth.www-authenticate"] != probe.Pass {
		t.Errorf("auth.www-authenticate = %s, want pass\n%s", got["auth.www-authenticate"], dump(rep))
	}
}

// TestTargetURLRedactedEverywhere: a password in the target's userinfo and
// a token in its query show in no output format and no dry-run line.
func TestTargetURLRedactedEverywhere(t *testing.T) {
	tok := shortToken()
	other := shortToken() + "x"
	ts := oracleServer(t, tok, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusUnauthorized) })
	target := strings.Replace(ts.URL, "http://", "http://bob:hunter2pw@", 1) + "/me?access_token=" + other + "&page=2"
	cfg := probe.Config{Target: target, Token: tok, Checks: []string{"probe.baseline", "jwt.bad-signature", "auth.query-token"}}
	rep, err := probe.Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	_ = probe.WriteText(&out, rep, nil)
	_ = probe.WriteJSON(&out, rep)
	_ = probe.WriteJUnit(&out, rep, false)
	_ = probe.WriteSARIF(&out, rep, probe.SARIFOptions{ToolVersion: "v1.2.3"})
	_ = probe.WriteMarkdown(&out, rep)
	plan, err := probe.Plan(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range plan {
		out.WriteString(p.Curl + "\n")
	}
	for _, secret := range []string{"hunter2pw", other, strings.Split(other, ".")[2]} {
		if strings.Contains(out.String(), secret) {
			t.Errorf("an output holds %q", secret)
		}
	}
	if !strings.Contains(out.String(), "REDACTED@") || !strings.Contains(out.String(), "access_token=REDACTED&page=2") {
		t.Errorf("the outputs do not show the redacted URL:\n%s", out.String()[:min(out.Len(), 2000)])
	}
}

// TestLoginIssuingNoJWTFails: a login that issues an opaque token or a
// JWE fails the run (probe cannot forge either), naming what it got and
// never the value.
func TestLoginIssuingNoJWTFails(t *testing.T) {
	for _, tc := range []struct{ issued, want string }{
		{"opaque-0123456789abcdef0123456789", "an opaque access token"},
		{"eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ.a2V5.aXY.Y2lwaGVy.dGFn", "an encrypted JWE"},
	} {
		ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"access_token":"` + tc.issued + `","token_type":"bearer"}`))
		}))
		_, err := probe.Run(context.Background(), probe.Config{Target: ts.URL + "/me", Login: &probe.Login{URL: ts.URL + "/token", User: "alice", Password: "pw-123456"}})
		ts.Close()
		if !errors.Is(err, probe.ErrLogin) || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), tc.issued) {
			t.Errorf("%s: err = %v, want ErrLogin saying %q without the token", tc.want, err, tc.want)
		}
	}
}

// TestWordingAndCrackUnderOnly: with --token-in query:NAME,
// csrf.applicability names the query carrier (not "header-only"); with
// --only leaving out jwt.weak-secret, the offline crack still runs and
// upgrades the key, so jwt.expired runs instead of skipping.
func TestWordingAndCrackUnderOnly(t *testing.T) {
	in := b64url.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`)) + "." + b64url.EncodeToString([]byte(`{"sub":"a","exp":4102444800}`))
	mac := hmac.New(sha256.New, []byte("secret"))
	mac.Write([]byte(in))
	tok := in + "." + b64url.EncodeToString(mac.Sum(nil))
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("token") == tok {
			_, _ = w.Write([]byte(`{"user":"a"}`))
			return
		}
		w.WriteHeader(http.StatusUnauthorized)
	}))
	defer ts.Close()
	carrier, _ := probe.ParseCarrier("query:token")
	rep, got := verdictsOf(t, probe.Config{Target: ts.URL + "/me", Token: tok, Carrier: carrier, Checks: []string{"jwt.expired", "csrf.applicability"}})
	if got["jwt.expired"] != probe.Pass {
		t.Errorf("jwt.expired = %s, want pass (run with the cracked secret)\n%s", got["jwt.expired"], dump(rep))
	}
	if !strings.Contains(strings.Join(rep.Notes, "\n"), "cracked offline") {
		t.Errorf("no note on the cracked secret: %q", rep.Notes)
	}
	for _, c := range rep.Checks {
		if c.ID == "csrf.applicability" && (c.Verdict != probe.Info || !strings.Contains(c.Evidence, `the query parameter "token"`) || strings.Contains(c.Evidence, "header-only")) {
			t.Errorf("csrf.applicability = %s (%s)", c.Verdict, c.Evidence)
		}
	}
}

// TestSARIFDetails: per-rule help anchors, default levels by severity, a
// warned result scored as what the report calls it, a percent-encoded
// repository-relative location, no doubled automation id, and a
// semanticVersion only when the version is SemVer.
func TestSARIFDetails(t *testing.T) {
	rep := &probe.Report{Target: "https://api.example/me", Checks: []probe.Result{
		{ID: "jwt.wrong-issuer", Verdict: probe.Warn, Severity: probe.Medium, Evidence: "iss removed → 200"},
		{ID: "jwt.alg-none", Verdict: probe.Fail, Severity: probe.Critical, Evidence: "alg none → 200"},
	}}
	type sarif struct {
		Runs []struct {
			Tool struct {
				Driver struct {
					SemanticVersion *string `json:"semanticVersion"`
					Rules           []struct {
						ID                   string            `json:"id"`
						HelpURI              string            `json:"helpUri"`
						DefaultConfiguration map[string]string `json:"defaultConfiguration"`
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			AutomationDetails struct{ ID string } `json:"automationDetails"`
			Results           []struct {
				RuleID     string         `json:"ruleId"`
				Properties map[string]any `json:"properties"`
				Locations  []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string } `json:"artifactLocation"`
					} `json:"physicalLocation"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	render := func(opts probe.SARIFOptions) sarif {
		var b bytes.Buffer
		if err := probe.WriteSARIF(&b, rep, opts); err != nil {
			t.Fatal(err)
		}
		var doc sarif
		if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
			t.Fatal(err)
		}
		return doc
	}
	doc := render(probe.SARIFOptions{ToolVersion: "(devel)"})
	run := doc.Runs[0]
	if run.Tool.Driver.SemanticVersion != nil {
		t.Errorf("semanticVersion %q for (devel)", *run.Tool.Driver.SemanticVersion)
	}
	if run.AutomationDetails.ID != "jwtkit-probe/api.example/me/" {
		t.Errorf("automationDetails.id = %q", run.AutomationDetails.ID)
	}
	levels := map[string]string{}
	for _, r := range run.Tool.Driver.Rules {
		levels[r.ID] = r.DefaultConfiguration["level"]
		if r.HelpURI != "https://github.com/jwtkit/jwtkit/blob/main/docs/probe-checks.md#"+r.ID {
			t.Errorf("rule %s helpUri %q", r.ID, r.HelpURI)
		}
	}
	if levels["resp.cache-control"] != "note" || levels["csrf.applicability"] != "note" || levels["cors.vary-origin"] != "warning" || levels["jwt.alg-none"] != "error" {
		t.Errorf("default levels %v", levels)
	}
	sev := map[string]any{}
	for _, r := range run.Results {
		sev[r.RuleID] = r.Properties["security-severity"]
	}
	if sev["jwt.wrong-issuer"] != "5.5" || sev["jwt.alg-none"] != "9.5" {
		t.Errorf("result security-severity %v: want 5.5 for the warned high check, 9.5 for the failed critical one", sev)
	}
	doc = render(probe.SARIFOptions{ToolVersion: "v1.2.3", Path: "sec/a b/c?d#e"})
	run = doc.Runs[0]
	if v := run.Tool.Driver.SemanticVersion; v == nil || *v != "1.2.3" {
		t.Errorf("semanticVersion %v, want 1.2.3", v)
	}
	if u := run.Results[0].Locations[0].PhysicalLocation.ArtifactLocation.URI; u != "sec/a%20b/c%3Fd%23e" {
		t.Errorf("artifactLocation.uri = %q", u)
	}
	if run.AutomationDetails.ID != "jwtkit-probe/sec/a b/c?d#e/" {
		t.Errorf("automationDetails.id = %q", run.AutomationDetails.ID)
	}
	for _, bad := range []string{"https://evil.example/x", `C:\x\y`, "C:/x", `a\b`, "/etc/x", "a/../b", "..", "./a", ""} {
		if err := probe.CheckSARIFPath(bad); !errors.Is(err, probe.ErrSARIFPath) {
			t.Errorf("CheckSARIFPath(%q) = %v, want ErrSARIFPath", bad, err)
		}
	}
	if err := probe.CheckSARIFPath("security/probe/api.example.com_443/me"); err != nil {
		t.Error(err)
	}
}

// TestRefusalInTheBody: a GraphQL-style API answers every request 200 and
// refuses in the body. A missing token then warns (RFC 6750 wants 401)
// rather than failing as an endpoint that serves anonymous requests, and
// the forgeries, answered like the anonymous request, pass.
func TestRefusalInTheBody(t *testing.T) {
	tok := shortToken()
	ts := oracleServer(t, tok, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"data":null,"errors":[{"message":"unauthenticated"}]}`))
	})
	rep, got := verdictsOf(t, probe.Config{Target: ts.URL + "/graphql", Token: tok, Checks: []string{"probe.baseline", "auth.missing-token", "jwt.alg-none"}})
	want := map[string]probe.Verdict{"probe.baseline": probe.Pass, "auth.missing-token": probe.Warn, "jwt.alg-none": probe.Pass}
	for id, v := range want {
		if got[id] != v {
			t.Errorf("%s = %s, want %s\n%s", id, got[id], v, dump(rep))
		}
	}
	for _, c := range rep.Checks {
		if c.ID == "auth.missing-token" && !strings.Contains(c.Evidence, "no token → 200, but the answer is unlike the valid token's (another body shape)") {
			t.Errorf("evidence %q", c.Evidence)
		}
	}
	// With --expect-body the text tells them apart, and says so.
	rep, got = verdictsOf(t, probe.Config{Target: ts.URL + "/graphql", Token: tok, ExpectBody: `"user"`, Checks: []string{"probe.baseline", "auth.missing-token"}})
	if got["auth.missing-token"] != probe.Warn || !strings.Contains(dump(rep), "without the --expect-body text") {
		t.Errorf("--expect-body: %v\n%s", got, dump(rep))
	}
}

// TestSARIFNotesChecksInError: a check that ended in error is no result,
// but the invocation says which one and why, not only that it failed.
func TestSARIFNotesChecksInError(t *testing.T) {
	tok := shortToken()
	ts := oracleServer(t, tok, func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") == "" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.WriteHeader(http.StatusTooManyRequests)
	})
	rep, got := verdictsOf(t, probe.Config{Target: ts.URL + "/me", Token: tok, Checks: []string{"probe.baseline", "jwt.bad-signature"}})
	if got["jwt.bad-signature"] != probe.Error {
		t.Fatalf("verdicts %v", got)
	}
	var out bytes.Buffer
	if err := probe.WriteSARIF(&out, rep, probe.SARIFOptions{ToolVersion: "v1.2.3"}); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Runs []struct {
			Invocations []struct {
				ExecutionSuccessful bool `json:"executionSuccessful"`
				Notes               []struct {
					Level   string `json:"level"`
					Message struct {
						Text string `json:"text"`
					} `json:"message"`
					Rule struct {
						ID string `json:"id"`
					} `json:"associatedRule"`
				} `json:"toolExecutionNotifications"`
			} `json:"invocations"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	inv := doc.Runs[0].Invocations[0]
	if inv.ExecutionSuccessful || len(inv.Notes) != 1 || inv.Notes[0].Level != "error" || inv.Notes[0].Rule.ID != "jwt.bad-signature" ||
		!strings.Contains(inv.Notes[0].Message.Text, "jwt.bad-signature could not run: signature bytes altered: rate limited (429)") {
		t.Errorf("invocation %+v", inv)
	}
}

// TestMissingTokenSameAsValidSaysExpectBody: an API that answers every
// request alike with 200 (open, or refusing in the body) still fails
// auth.missing-token, and the evidence says how to tell the two apart.
func TestMissingTokenSameAsValidSaysExpectBody(t *testing.T) {
	tok := shortToken()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"error":"invalid token"}`))
	}))
	defer ts.Close()
	rep, got := verdictsOf(t, probe.Config{Target: ts.URL + "/me", Token: tok, Checks: []string{"probe.baseline", "auth.missing-token"}})
	if got["auth.missing-token"] != probe.Fail {
		t.Fatalf("auth.missing-token = %s\n%s", got["auth.missing-token"], dump(rep))
	}
	for _, c := range rep.Checks {
		if c.ID == "auth.missing-token" && !strings.Contains(c.Evidence, "--expect-body") {
			t.Errorf("evidence %q does not point at --expect-body", c.Evidence)
		}
	}
}

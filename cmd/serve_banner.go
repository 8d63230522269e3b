package cmd

import (
	"fmt"
	"io"
	"net"
	"strings"
	"time"

	"github.com/jwtkit/jwtkit/internal/safetext"
	"github.com/jwtkit/jwtkit/pkg/keys"
)

// printBanner says on stderr where the API listens, with which key, and how
// to call it.
func (o *serveOptions) printBanner(w io.Writer, set *keys.Set, apiURL, httpURL, certPath string, certExpiry time.Time) {
	fmt.Fprintf(w, "serving %s\n", apiURL)
	fmt.Fprintf(w, "  GET  %s/me\n", apiURL)
	fmt.Fprintf(w, "  GET  %s/admin (needs role %s)\n", apiURL, strings.Join(o.Roles, ", "))
	fmt.Fprintf(w, "  POST %s/items\n", apiURL)
	fmt.Fprintf(w, "  GET  %s/.well-known/jwks.json\n", apiURL)
	if httpURL != "" {
		fmt.Fprintf(w, "redirecting %s to https with 308\n", httpURL)
	}
	if certPath != "" {
		fmt.Fprintf(w, "certificate: %s (self-signed ECDSA P-256, valid until %s); pass it to --cacert\n",
			certPath, certExpiry.UTC().Format(time.RFC3339))
	}
	for i, k := range set.Keys {
		if i == 5 {
			fmt.Fprintf(w, "key: ... and %d more\n", len(set.Keys)-i)
			break
		}
		alg := k.Alg
		if alg == "" {
			alg = k.DefaultAlg()
		}
		kid := "no kid"
		if k.KID != "" {
			kid = fmt.Sprintf("kid %q", k.KID)
		}
		fmt.Fprintf(w, "key: %s, %s, %s\n", kid, alg, k.Describe())
	}
	if len(o.AllowOrigins) > 0 {
		fmt.Fprintf(w, "CORS allowed for: %s\n", strings.Join(o.AllowOrigins, ", "))
	}
	if !o.TLS {
		fmt.Fprintln(w, "warning: plain HTTP: tokens travel in clear; use --tls for HTTPS")
	}
	if host, _, err := net.SplitHostPort(o.Addr); err == nil && !keys.IsLoopback(host) {
		fmt.Fprintf(w, "warning: --addr %q is not a loopback address: anyone who can reach it can call this API\n", o.Addr)
	}
	if mint := o.mintHint(set); mint != "" {
		cacert := ""
		if certPath != "" {
			cacert = "--cacert " + safetext.ShellQuote(certPath) + " "
		}
		carry, probeCarry := "-H \"Authorization: Bearer $("+mint+")\"", ""
		if c := o.Login.cookie; c != "" {
			carry, probeCarry = "--cookie \""+c+"=$("+mint+")\"", " --token-in cookie:"+c
		}
		fmt.Fprintf(w, "try: curl %s%s %s/admin\n", cacert, carry, apiURL)
		probe := "jwtkit probe " + apiURL + "/admin" + strings.TrimPrefix(mint, "jwtkit mint") + probeCarry
		if certPath != "" {
			probe += " --cacert " + safetext.ShellQuote(certPath)
		}
		if httpURL != "" {
			probe += " --http-url " + httpURL + "/admin"
		}
		if len(o.AllowOrigins) > 0 {
			probe += " --origin " + safetext.ShellQuote(o.AllowOrigins[0])
		}
		fmt.Fprintf(w, "audit: %s\n", probe)
	}
	fmt.Fprintln(w, "press Ctrl-C to stop")
}

// mintHint is a jwtkit mint command line whose token this server accepts,
// or "" when serve cannot know the signing key (a JWKS, a public key file,
// a secret given on the command line or stdin).
func (o *serveOptions) mintHint(set *keys.Set) string {
	k := o.Keys
	args := []string{"jwtkit", "mint"}
	switch {
	case len(k.sources()) == 0:
	case k.Key != "" && k.Key != "-":
		private := false
		for _, key := range set.Keys {
			private = private || key.IsPrivate()
		}
		if !private {
			return ""
		}
		args = append(args, "--key", safetext.ShellQuote(k.Key))
		if k.KID != "" {
			args = append(args, "--kid", safetext.ShellQuote(k.KID))
		}
	case k.SecretEnv != "":
		args = append(args, "--secret-env", safetext.ShellQuote(k.SecretEnv))
	case k.SecretFile != "" && k.SecretFile != "-":
		args = append(args, "--secret-file", safetext.ShellQuote(k.SecretFile))
	default:
		return ""
	}
	if k.SecretEncoding != "" && k.SecretEncoding != "utf8" {
		args = append(args, "--secret-encoding", k.SecretEncoding)
	}
	p := o.Policy
	if len(p.Algs) > 0 {
		args = append(args, "--alg", safetext.ShellQuote(p.Algs[0]))
	}
	sub := "alice"
	if p.Sub != "" {
		sub = p.Sub
	}
	args = append(args, "--sub", safetext.ShellQuote(sub))
	if len(p.Iss) > 0 {
		args = append(args, "--iss", safetext.ShellQuote(p.Iss[0]))
	}
	if len(p.Aud) > 0 {
		args = append(args, "--aud", safetext.ShellQuote(p.Aud[0]))
	}
	if o.RolesClaim != "roles" {
		args = append(args, "--roles-claim", safetext.ShellQuote(o.RolesClaim))
	}
	for _, r := range o.Roles {
		args = append(args, "--role", safetext.ShellQuote(r))
	}
	if len(p.Scopes) > 0 {
		args = append(args, "--scope", safetext.ShellQuote(strings.Join(p.Scopes, " ")))
	}
	for _, c := range p.Require {
		switch c {
		case "exp", "iat", "sub", "iss", "aud", "roles", "scope":
		case "jti":
			args = append(args, "--jti", "auto")
		case "nbf":
			args = append(args, "--nbf", "0s")
		default:
			args = append(args, "--claim", safetext.ShellQuote(c+"=x"))
		}
	}
	return strings.Join(args, " ")
}

package cmd

import (
	"reflect"
	"testing"
	"time"

	"github.com/spf13/cobra"
)

// runOptions parses argv through a command whose runF captures the options.
func runOptions[T any](t *testing.T, build func(*factory, func(*T) error) *cobra.Command, args ...string) (*T, error) {
	t.Helper()
	f, _, _ := testFactory(t, "", nil)
	var got *T
	c := build(f, func(o *T) error { got = o; return nil })
	c.SetArgs(args)
	c.SilenceErrors, c.SilenceUsage = true, true
	c.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &usageError{err} })
	_, err := c.ExecuteC()
	return got, err
}

func TestMintArgsToOptions(t *testing.T) {
	o, err := runOptions(t, newMintCmd, "--key", "k.pem", "--kid", "a", "--sub", "alice", "--aud", "x", "--aud", "y",
		"--role", "admin", "--roles-claim", "realm_access.roles", "--scope", "read write", "--jti", "auto",
		"--claim", "n=1", "--exp", "1h", "--nbf", "-5m", "--typ", "at+jwt", "--header", "cty=x", "-o", "json", "--count", "5", "--workers", "3")
	if err != nil {
		t.Fatal(err)
	}
	if o.Keys.Key != "k.pem" || o.Keys.KID != "a" || o.Claims.Sub != "alice" || !reflect.DeepEqual(o.Claims.Aud, []string{"x", "y"}) ||
		!reflect.DeepEqual(o.Claims.Roles, []string{"admin"}) || o.Claims.RolesClaim != "realm_access.roles" || !reflect.DeepEqual(o.Claims.Scopes, []string{"read write"}) ||
		o.Claims.JTI != "auto" || o.Claims.Exp != "1h" || o.Claims.Nbf != "-5m" || o.Claims.Typ != "at+jwt" ||
		!reflect.DeepEqual(o.Claims.Headers, []string{"cty=x"}) || o.Output != "json" || o.Count != 5 || o.Workers != 3 {
		t.Errorf("options = %+v", o)
	}
	o, _ = runOptions(t, newMintCmd)
	if o.Claims.Exp != "15m" || o.Claims.Typ != "JWT" || o.Output != "token" || o.Count != 1 || o.Keys.SecretEncoding != "utf8" || o.Workers < 1 {
		t.Errorf("defaults = %+v", o)
	}
	if _, err := runOptions(t, newMintCmd, "--key", "a", "--secret-env", "B"); exitCode(err) != ExitUsage {
		t.Errorf("two key sources: %v", err)
	}
}

func TestVerifyArgsToOptions(t *testing.T) {
	o, err := runOptions(t, newVerifyCmd, "TOKEN", "--jwks", "https://x/jwks", "--alg", "RS256", "--alg", "PS256", "--iss", "i",
		"--aud", "a", "--sub", "s", "--role", "r", "--scope", "x y", "--require", "email", "--leeway", "30s", "--max-age", "1h", "-q", "--timeout", "2s")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(o.Args, []string{"TOKEN"}) || o.Keys.JWKS != "https://x/jwks" || !reflect.DeepEqual(o.Policy.Algs, []string{"RS256", "PS256"}) ||
		o.Policy.Leeway != 30*time.Second || o.Policy.MaxAge != time.Hour || !o.Quiet || o.Timeout != 2*time.Second ||
		!reflect.DeepEqual(o.Policy.Require, []string{"email"}) {
		t.Errorf("options = %+v", o)
	}
	o, _ = runOptions(t, newVerifyCmd, "--batch", "tokens.txt")
	if o.Batch != "tokens.txt" || len(o.Args) != 0 {
		t.Errorf("--batch FILE: batch %q args %v", o.Batch, o.Args)
	}
	o, _ = runOptions(t, newVerifyCmd, "--batch")
	if o.Batch != "-" {
		t.Errorf("--batch alone: %q", o.Batch)
	}
	if _, err := runOptions(t, newVerifyCmd, "--secret-file", "-"); exitCode(err) != ExitUsage {
		t.Errorf("token and secret both on stdin: %v", err)
	}
}

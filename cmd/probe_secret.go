package cmd

import (
	"strings"

	"github.com/jwtkit/jwtkit/pkg/keys"
)

// onePassword checks that exactly one source names a password.
func onePassword(flag, env, file string) error {
	switch {
	case env == "" && file == "":
		return usagef("%s-env or %s-file is required (a password is never taken on the command line)", flag, flag)
	case env != "" && file != "":
		return usagef("%s-env and %s-file cannot be used together", flag, flag)
	}
	return nil
}

// secret reads a password from an environment variable or a file (first
// line); it never echoes the value.
func (o *probeOptions) secret(flag, env, file string) (string, error) {
	if o.DryRun {
		// A dry run sends nothing and shows every password as REDACTED:
		// it needs none, so a plan can be reviewed before the secret
		// is at hand.
		return "dry-run", nil
	}
	if env != "" {
		return envValue(o.f, flag+"-env", env, "PROBE_PASSWORD")
	}
	b, err := keys.ReadInputFile(file, flag+"-file", 64<<10)
	if err != nil {
		return "", err // exit 1, as for mint --secret-file
	}
	line, _, _ := strings.Cut(string(b), "\n")
	line = strings.TrimSuffix(line, "\r")
	if line == "" {
		return "", usagef("%s-file %q is empty", flag, file)
	}
	return line, nil
}

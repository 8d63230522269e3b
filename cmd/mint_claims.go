package cmd

import (
	"github.com/spf13/pflag"

	"github.com/jwtkit/jwtkit/pkg/token"
)

// claimFlagFor names the flag that sets claim name too, if one was given:
// a --claim for the same name would silently replace it (or be replaced).
func (c *claimFlags) claimFlagFor(fs *pflag.FlagSet, name string) string {
	switch {
	case name == "sub" && c.Sub != "":
		return "--sub"
	case name == "iss" && c.Iss != "":
		return "--iss"
	case name == "aud" && len(c.Aud) > 0:
		return "--aud"
	case name == "jti" && c.JTI != "":
		return "--jti"
	case name == "scope" && len(c.Scopes) > 0:
		return "--scope"
	case len(c.Roles) > 0 && (name == c.RolesClaim || (c.RolesClaim == "" && name == token.DefaultRolesClaim)):
		return "--role"
	case (name == "exp" || name == "nbf" || name == "iat") && flagChanged(fs, name):
		return "--" + name
	case name == "exp" && c.NoExp, name == "iat" && c.NoIat:
		return "--no-" + name
	}
	return ""
}

// Command jwtkit mints, decodes and verifies JWTs, manages signing keys and
// audits the token handling of live APIs.
package main

import (
	"os"

	"github.com/jwtkit/jwtkit/cmd"
)

func main() {
	os.Exit(cmd.Main())
}

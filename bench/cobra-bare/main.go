// Command cobra-bare is the start-up reference for jwtkit: a Cobra root
// command with the same Cobra version and nothing else, run as
// "cobra-bare --version". jwtkit's everyday invocations are compared with its
// wall time.
package main

import (
	"os"

	"github.com/spf13/cobra"
)

func main() {
	root := &cobra.Command{
		Use:           "cobra-bare",
		Short:         "A bare Cobra binary that prints its version",
		Version:       "0.0.0",
		SilenceErrors: true,
		SilenceUsage:  true,
		RunE:          func(c *cobra.Command, args []string) error { return c.Help() },
	}
	root.SetVersionTemplate("{{.Version}}\n")
	if err := root.Execute(); err != nil {
		os.Exit(1)
	}
}

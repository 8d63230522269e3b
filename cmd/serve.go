package cmd

import "github.com/spf13/cobra"

// PLACEHOLDER: replaced by the serve command implementation.
type serveOptions struct{}

func newServeCmd(f *factory, runF func(*serveOptions) error) *cobra.Command {
	return &cobra.Command{Use: "serve", Short: "Run a reference API that handles tokens right"}
}

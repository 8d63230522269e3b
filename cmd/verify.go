package cmd

import "github.com/spf13/cobra"

// PLACEHOLDER
type verifyOptions struct{}

func newVerifyCmd(f *factory, runF func(*verifyOptions) error) *cobra.Command {
	return &cobra.Command{Use: "verify"}
}

package cmd

import "github.com/spf13/cobra"

// PLACEHOLDER
type mintOptions struct{}

func newMintCmd(f *factory, runF func(*mintOptions) error) *cobra.Command {
	return &cobra.Command{Use: "mint"}
}

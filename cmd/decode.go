package cmd

import "github.com/spf13/cobra"

// PLACEHOLDER
type decodeOptions struct{}

func newDecodeCmd(f *factory, runF func(*decodeOptions) error) *cobra.Command {
	return &cobra.Command{Use: "decode"}
}

package cmd

import "github.com/spf13/cobra"

// PLACEHOLDER: replaced by the keys command implementation.
func newKeysCmd(f *factory) *cobra.Command {
	return &cobra.Command{Use: "keys", Short: "Generate, convert and inspect signing keys"}
}

package cmd

import "github.com/spf13/cobra"

// PLACEHOLDER: replaced by the probe command implementation.
type probeOptions struct{}

func newProbeCmd(f *factory, runF func(*probeOptions) error) *cobra.Command {
	return &cobra.Command{Use: "probe", Short: "Audit a live API's token handling"}
}

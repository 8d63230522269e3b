package cmd

import (
	"io"

	"github.com/spf13/cobra"
)

// completionShells lists the shells we generate scripts for, in the order
// they are written under completions/.
var completionShells = []string{"bash", "zsh", "fish", "powershell"}

func newCompletionCmd(f *factory) *cobra.Command {
	return &cobra.Command{
		Use:   "completion {bash | zsh | fish | powershell}",
		Short: "Print a shell completion script",
		Long: `Print the completion script for a shell. The same scripts are committed under
completions/ in the repository.

  bash:        source <(jwtkit completion bash)
  zsh:         jwtkit completion zsh > "${fpath[1]}/_jwtkit"
  fish:        jwtkit completion fish > ~/.config/fish/completions/jwtkit.fish
  powershell:  jwtkit completion powershell | Out-String | Invoke-Expression`,
		Example: `  jwtkit completion bash > /etc/bash_completion.d/jwtkit
  jwtkit completion zsh > "${fpath[1]}/_jwtkit"`,
		Args:      namedArgs(1, 1, "a shell name (bash, zsh, fish or powershell)"),
		ValidArgs: completionShells,
		RunE: func(c *cobra.Command, args []string) error {
			return writeCompletion(c.Root(), args[0], f.IO.Out)
		},
	}
}

func writeCompletion(root *cobra.Command, shell string, w io.Writer) error {
	switch shell {
	case "bash":
		return root.GenBashCompletionV2(w, true)
	case "zsh":
		return root.GenZshCompletion(w)
	case "fish":
		return root.GenFishCompletion(w, true)
	case "powershell":
		return root.GenPowerShellCompletionWithDesc(w)
	}
	return usagef("unsupported shell %q: want bash, zsh, fish or powershell", shell)
}

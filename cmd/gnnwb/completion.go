package main

import (
	"fmt"

	"github.com/urfave/cli/v2"
)

func init() { commands = append(commands, completionCommand) }

// The completion scripts ask gnnwb itself for the words that may follow
// (urfave/cli's --generate-bash-completion), so they stay right as commands
// and flags change.
const bashCompletion = `# bash completion for gnnwb: source it, or save it as
# /etc/bash_completion.d/gnnwb (or ~/.local/share/bash-completion/completions/gnnwb)
_gnnwb_complete() {
  local cur opts
  COMPREPLY=()
  cur="${COMP_WORDS[COMP_CWORD]}"
  if [[ "$cur" == "-"* ]]; then
    opts=$( "${COMP_WORDS[@]:0:$COMP_CWORD}" "${cur}" --generate-bash-completion 2>/dev/null )
  else
    opts=$( "${COMP_WORDS[@]:0:$COMP_CWORD}" --generate-bash-completion 2>/dev/null )
  fi
  COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
  return 0
}
complete -o bashdefault -o default -F _gnnwb_complete gnnwb
`

const zshCompletion = `#compdef gnnwb
# zsh completion for gnnwb: save it as _gnnwb in a directory of $fpath
_gnnwb() {
  local -a opts
  local cur
  cur=${words[-1]}
  if [[ "$cur" == "-"* ]]; then
    opts=("${(@f)$(${words[@]:0:#words[@]-1} ${cur} --generate-bash-completion 2>/dev/null)}")
  else
    opts=("${(@f)$(${words[@]:0:#words[@]-1} --generate-bash-completion 2>/dev/null)}")
  fi
  if [[ "${opts[1]}" != "" ]]; then
    _describe 'values' opts
  else
    _files
  fi
}
compdef _gnnwb gnnwb
`

func completionCommand() *cli.Command {
	return &cli.Command{
		Name:      "completion",
		Usage:     "print a shell completion script for bash, zsh or fish",
		UsageText: "gnnwb completion bash|zsh|fish   (e.g. source <(gnnwb completion bash))",
		ArgsUsage: "SHELL",
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return usagef("completion: want one shell, bash, zsh or fish; got %d arguments", c.NArg())
			}
			switch shell := c.Args().First(); shell {
			case "bash":
				_, err := fmt.Fprint(c.App.Writer, bashCompletion)
				return err
			case "zsh":
				_, err := fmt.Fprint(c.App.Writer, zshCompletion)
				return err
			case "fish":
				s, err := c.App.ToFishCompletion()
				if err != nil {
					return err
				}
				_, err = fmt.Fprint(c.App.Writer, s)
				return err
			default:
				return usagef("completion: shell %q: want bash, zsh or fish", shell)
			}
		},
	}
}

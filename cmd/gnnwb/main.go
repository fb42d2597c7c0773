// Command gnnwb is the command-line face of the gnnwb library: random graph
// generation, graph statistics, GNN training and limit computations.
//
// Every command reads its flags into a library configuration and makes one
// library call; the library validates, so the command line and the Go API
// refuse the same inputs with the same errors. Exit status: 0 on success,
// 2 for a usage error (unknown flag, bad or missing value, a size too large
// for the memory, an argument where none is taken), 1 for any other failure
// (a bad or missing file among them), 3 for an internal error (a bug), 130
// when interrupted. A usage error names the flag; every value is checked
// before anything is written.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"

	"github.com/gnnwb/gnnwb/graphs"
	"github.com/urfave/cli/v2"
)

// commands is filled by each command's file (one file per command) in
// init with the function that builds the command: newApp builds them
// afresh, since urfave/cli keeps state in a command as it runs.
var commands []func() *cli.Command

// usageError is a bad flag or value: exit status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// usagef returns a usage error naming the offending flag and value.
func usagef(format string, args ...any) error {
	return usageError{fmt.Sprintf(format, args...)}
}

func newApp(stdout, stderr io.Writer) *cli.App {
	cmds := make([]*cli.Command, len(commands))
	for k, build := range commands {
		cmds[k] = build()
	}
	sort.Slice(cmds, func(i, j int) bool { return cmds[i].Name < cmds[j].Name })
	app := &cli.App{
		Name:      "gnnwb",
		Usage:     "a graph neural network workbench: generate graphs, train GNNs, compute their limits",
		Writer:    stdout,
		ErrWriter: stderr,
		Commands:  cmds,
		// Errors are reported by run, never by os.Exit inside the library.
		ExitErrHandler:         func(*cli.Context, error) {},
		HideHelpCommand:        false,
		UseShortOptionHandling: false,
		Suggest:                true,
		CommandNotFound: func(c *cli.Context, name string) {
			// reported through the usage error returned below
		},
	}
	setUsageErrors(app.Commands)
	app.OnUsageError = onUsageError
	app.Action = func(c *cli.Context) error {
		if c.Args().Present() {
			return usagef("unknown command %q (see gnnwb --help)", c.Args().First())
		}
		return cli.ShowAppHelp(c)
	}
	return app
}

func onUsageError(c *cli.Context, err error, _ bool) error {
	msg := err.Error()
	// Go's flag package names flags with one dash; gnnwb documents two.
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: -"); ok {
		msg = "unknown flag --" + strings.TrimPrefix(name, "-")
	} else if strings.HasPrefix(msg, "invalid ") { // invalid value, invalid boolean value
		msg = strings.Replace(msg, " for flag -", " for flag --", 1)
		if !strings.Contains(msg, " for flag --") {
			msg = strings.Replace(msg, " for -", " for --", 1)
		}
	}
	return usagef("%s: %s", commandPath(c), msg)
}

// commandPath is the command's words after "gnnwb", such as "generate er".
func commandPath(c *cli.Context) string {
	if c.Command == nil || c.Command.HelpName == "" {
		return "gnnwb"
	}
	return strings.TrimPrefix(c.Command.HelpName, c.App.Name+" ")
}

func setUsageErrors(cmds []*cli.Command) {
	for _, c := range cmds {
		c.OnUsageError = onUsageError
		if act := c.Action; act != nil && len(c.Subcommands) == 0 {
			takesArgs := c.ArgsUsage != ""
			c.Action = func(cc *cli.Context) error {
				if !takesArgs && cc.NArg() > 0 {
					return usagef("%s: unexpected argument %q (this command takes none; see gnnwb %s --help)", commandPath(cc), cc.Args().First(), commandPath(cc))
				}
				return flagNamed(cc, act(cc))
			}
		}
		if len(c.Subcommands) > 0 && c.Action == nil {
			name := c.Name
			c.Action = func(cc *cli.Context) error {
				if cc.Args().Present() {
					return usagef("%s: unknown command %q (see gnnwb %s --help)", name, cc.Args().First(), name)
				}
				return cli.ShowSubcommandHelp(cc)
			}
		}
		setUsageErrors(c.Subcommands)
	}
}

// flagNamed makes the library's messages, which name a setting by its key
// in configuration files and reports (weight_decay=-1, noise_x=NaN), name
// the command's flag instead (--weight-decay=-1, --noise-x=NaN): the one
// place where keys become flags, for every flag of the command whose name
// is the key with '-' for '_'. The error's kind is kept.
func flagNamed(c *cli.Context, err error) error {
	if err == nil || c.Command == nil {
		return err
	}
	msg := err.Error()
	for key, flag := range keyAliases[commandPath(c)] {
		msg = renameKey(msg, key+"=", "--"+flag+"=")
	}
	for _, f := range c.Command.Flags {
		name := f.Names()[0] // not the aliases (-o)
		key := strings.ReplaceAll(name, "-", "_")
		msg = renameKey(msg, key+"=", "--"+name+"=")
		msg = renameKey(msg, key+"[", "--"+name+"[")
	}
	if msg == err.Error() {
		return err
	}
	return namedError{msg, err}
}

// keyAliases are the keys whose flag is not the key with '-' for '_', by
// command.
var keyAliases = map[string]map[string]string{
	"limits width": {"eps": "tol", "times[0]": "time"},
}

// renameKey replaces key by flag in msg where key starts a word (at the
// start, or after a space, '(', ',' or ':').
func renameKey(msg, key, flag string) string {
	var b strings.Builder
	for {
		i := strings.Index(msg, key)
		if i < 0 {
			break
		}
		if i == 0 || strings.ContainsRune(" (,:", rune(msg[i-1])) {
			b.WriteString(msg[:i])
			b.WriteString(flag)
		} else {
			b.WriteString(msg[:i+len(key)])
		}
		msg = msg[i+len(key):]
	}
	b.WriteString(msg)
	return b.String()
}

// namedError is an error whose message flagNamed rewrote.
type namedError struct {
	msg string
	err error
}

func (e namedError) Error() string { return e.msg }
func (e namedError) Unwrap() error { return e.err }

// exitCode maps an error to the process exit status.
func exitCode(err error) int {
	var ue usageError
	var pe *graphs.ParseError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ue):
		return 2
	case errors.Is(err, context.Canceled):
		return 130
	case errors.As(err, &pe):
		return 1 // a bad file, not a bad flag, whatever its kind
	case errors.Is(err, graphs.ErrParameter), errors.Is(err, graphs.ErrShape), errors.Is(err, graphs.ErrTooLarge):
		return 2
	}
	return 1
}

// exitInternal is the exit status of an internal error: a panic, which is a
// bug of gnnwb, never a consequence of what the user passed.
const exitInternal = 3

// run runs gnnwb with args (args[0] is the program name) and returns the exit
// status; errors are printed as one line on stderr. A panic anywhere below
// (in a worker goroutine too, see internal/parallel) is reported as an
// internal error, with exit status 3, instead of a runtime trace.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return runApp(ctx, newApp(stdout, stderr), args, stderr)
}

// runApp is run for a given app (tests give one with a failing command).
func runApp(ctx context.Context, app *cli.App, args []string, stderr io.Writer) (code int) {
	defer func() {
		if v := recover(); v != nil {
			msg := strings.ReplaceAll(fmt.Sprint(v), "\n", " ")
			fmt.Fprintf(stderr, "gnnwb: internal error (a bug in gnnwb; please report it with the command line): %s\n", msg)
			code = exitInternal
		}
	}()
	err := app.RunContext(ctx, args)
	if err != nil {
		msg := strings.ReplaceAll(err.Error(), "\n", " ")
		fmt.Fprintf(stderr, "gnnwb: %s\n", msg)
	}
	return exitCode(err)
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

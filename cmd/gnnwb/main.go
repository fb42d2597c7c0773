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
	"path/filepath"
	"regexp"
	"runtime/debug"
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
		Version:   version(),
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, EnvVars: []string{"GNNWB_QUIET"},
				Usage: "no progress bar or progress log lines (results and errors are still printed)"},
		},
		EnableBashCompletion: true,
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

// version is the module version of the binary and, when it was built from
// a version-controlled checkout, the commit (with "+dirty" for local
// changes), as `gnnwb --version` prints it.
func version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	v := info.Main.Version
	if v == "" {
		v = "(devel)"
	}
	var rev, dirty string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "+dirty"
			}
		}
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if rev != "" && !strings.Contains(v, rev) {
		v += " commit " + rev + dirty
	}
	return v + " " + info.GoVersion
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
				typed, err := useNewSpellings(cc)
				if err != nil {
					return err
				}
				if err := checkOutputDirs(cc); err != nil {
					return typedSpelling(typed, err)
				}
				return typedSpelling(typed, flagNamed(cc, act(cc)))
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

// outputFiles are the flags that name a file a command writes when its
// work ends; outputDirs are the commands whose --out is a directory they
// create instead.
var (
	outputFiles = []string{"out", "plot", "save-model", "embeddings"}
	outputDirs  = map[string]bool{"limits sweep": true, "limits merge": true, "limits gamma": true, "limits keriven": true}
)

// checkOutputDirs refuses, before any work, an output file whose directory
// does not exist: a long run would otherwise fail only when it writes its
// result.
func checkOutputDirs(c *cli.Context) error {
	for _, name := range outputFiles {
		if !c.IsSet(name) || c.String(name) == "" || (name == "out" && outputDirs[commandPath(c)]) {
			continue
		}
		path := c.String(name)
		dir := filepath.Dir(path)
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			return usagef("%s: --%s=%s: directory %s does not exist", commandPath(c), name, path, dir)
		}
	}
	return nil
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
		if to, ok := newSpelling(c.Command, f); ok {
			name = to // the key of an old spelling (hidden, seeds, n) is the new flag's
		}
		msg = renameKey(msg, key+"=", "--"+name+"=")
		msg = renameKey(msg, key+"[", "--"+name+"[")
	}
	if msg == err.Error() {
		return err
	}
	return namedError{msg, err}
}

// keyAliases are the keys whose flag is not the key with '-' for '_', by
// command, besides the keys of old spellings (n, hidden, seeds, ...),
// which name the renamed flag (newSpelling); typedSpelling then names it
// as typed.
var keyAliases = map[string]map[string]string{
	"limits width":    {"eps": "tol", "times[0]": "time"},
	"limits gamma":    {"first_seed": "seed"},
	"limits walk":     {"first_seed": "seed"},
	"limits collapse": {"first_seed": "seed"},
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
	err := app.RunContext(ctx, flagsFirst(app, args))
	if err != nil {
		fmt.Fprintln(stderr, userMessage(commandWords(app, args), err))
	}
	return exitCode(err)
}

// libraryPrefix matches the "package: Function: " prefixes that the
// library's errors wrap around each other (ErdosRenyi, Constant.Width,
// Load cora), and errorKind the kind they end with: a user needs neither.
var (
	libraryPrefix = regexp.MustCompile(`(^|: )(graphs|generators|walk|gnn|optim|train|shallow|activation|datasets|limits|fluctuation|meanfield|kernel|continuous|sweep|plots|scaling|ergodic|longrun|features|quadrature|rates|ode|aggregation|sparse|graphio|atomicfile|checksum|inputfile|memlimit): ([A-Z][A-Za-z0-9]*(\.[A-Za-z0-9]+)?( [a-z0-9_-]+)?: )?`)
	errorKind     = regexp.MustCompile(`: (invalid parameter|shape mismatch|too large|unsupported|malformed input)$`)
)

// userMessage is err as one line for a user: "gnnwb WORDS: what went
// wrong", without the library's chain of package and function prefixes or
// the kind of error (the exit status tells it).
func userMessage(words string, err error) string {
	msg := plainMessage(err.Error())
	if words == "" {
		return "gnnwb: " + msg
	}
	msg = strings.TrimPrefix(msg, words+": ")
	return "gnnwb " + words + ": " + msg
}

// plainMessage is a library error's text on one line without its package
// and function prefixes or its kind.
func plainMessage(msg string) string {
	msg = strings.ReplaceAll(msg, "\n", " ")
	for {
		next := libraryPrefix.ReplaceAllString(msg, "$1")
		if next == msg {
			break
		}
		msg = next
	}
	return errorKind.ReplaceAllString(msg, "")
}

// commandWords returns the command words of args ("limits solve"), or ""
// before a command.
func commandWords(app *cli.App, args []string) string {
	var words []string
	i := 1
	for i < len(args) && strings.HasPrefix(args[i], "-") {
		i++
	}
	for cmds := app.Commands; i < len(args); i++ {
		c := findCommand(cmds, args[i])
		if c == nil {
			break
		}
		words, cmds = append(words, c.Name), c.Subcommands
	}
	return strings.Join(words, " ")
}

// flagsFirst moves the flags of a command line after its command words
// and before its positional arguments, so that `gnnwb stats FILE --json`
// means `gnnwb stats --json FILE` (urfave/cli, like Go's flag package, stops
// reading flags at the first positional argument). A flag's value moves
// with it: the next word, unless the flag is boolean or written --name=v.
// Everything after "--" stays positional, and a completion request
// (--generate-bash-completion last) is left as it is.
func flagsFirst(app *cli.App, args []string) []string {
	if len(args) < 2 || args[len(args)-1] == "--generate-bash-completion" {
		return args
	}
	i := 1
	for i < len(args) && strings.HasPrefix(args[i], "-") { // global flags, all boolean
		i++
	}
	var cmd *cli.Command
	for cmds := app.Commands; i < len(args); {
		next := findCommand(cmds, args[i])
		if next == nil {
			break
		}
		cmd, cmds, i = next, next.Subcommands, i+1
	}
	if cmd == nil || len(cmd.Subcommands) > 0 {
		return args
	}
	out := append([]string(nil), args[:i]...)
	var pos []string
	rest := args[i:]
	for k := 0; k < len(rest); k++ {
		a := rest[k]
		if a == "--" {
			pos = append(pos, rest[k:]...)
			break
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			pos = append(pos, a)
			continue
		}
		out = append(out, a)
		name := strings.TrimLeft(a, "-")
		if !strings.Contains(name, "=") && takesValue(cmd, name) && k+1 < len(rest) {
			out = append(out, rest[k+1])
			k++
		}
	}
	return append(out, pos...)
}

// findCommand returns the command of cmds named (or aliased) name, or nil.
func findCommand(cmds []*cli.Command, name string) *cli.Command {
	for _, c := range cmds {
		if c.HasName(name) {
			return c
		}
	}
	return nil
}

// takesValue reports whether cmd's flag name reads the next word as its
// value (every flag but a boolean one; an unknown name reads nothing, and
// is then refused by the parser).
func takesValue(cmd *cli.Command, name string) bool {
	for _, f := range cmd.Flags {
		for _, n := range f.Names() {
			if n == name {
				_, isBool := f.(*cli.BoolFlag)
				return !isBool
			}
		}
	}
	return false
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

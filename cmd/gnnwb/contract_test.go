package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/urfave/cli/v2"
)

// The contract of the command line, checked on every subcommand against
// bad values and bad files (TestContract):
//
//   - a bad value is a usage error: exit 2 and one line on stderr naming the
//     flag (--name); a value that is valid may run (exit 0), and must then
//     finish quickly, since the bases below are tiny;
//   - a bad file is exit 1 and a message naming the file;
//   - never a panic or a runtime trace (exit 3, "goroutine", "panic:");
//   - a refused command leaves nothing behind: its --out, --checkpoint and
//     other outputs all go to a fresh directory, which must stay empty.
//
// The rows are generated from the app's own command and flag list: every
// numeric flag of every command gets negative, zero, huge, NaN and
// infinite values, every string flag an empty and a nonsense value, every
// input file flag (and positional file argument) a missing file, an empty
// one, a directory, a named pipe and garbage, and every command trailing
// junk; a flag added later is covered without touching this file.

// contractBase is a valid, cheap invocation of a command, into which the
// rows put their bad values.
type contractBase struct {
	name  string   // the base's name in subtests (the command path by default)
	path  []string // command words, e.g. generate er
	flags []string // valid flags (with OUT for the output directory)
	args  []string // valid positional arguments
	files []string // flags that name input files
	// fileArgs: the positional arguments are input files (or directories)
	fileArgs bool
	// noValues: try only the positional arguments and trailing junk (a
	// command that would reach the network with a valid value)
	noValues bool
}

// contractFixtures are the valid inputs the bases read.
type contractFixtures struct {
	tu, empty, weights, edges, gf, tf, xf, targets, sweepDir, model string
}

func contractBases(fx contractFixtures) []contractBase {
	sbm := "sbm:20,20:0.3,0.05;0.05,0.3"
	return []contractBase{
		{path: []string{"generate", "er"}, flags: []string{"--nodes", "10", "--p", "0.1", "--out", "OUT/g.txt"}},
		{path: []string{"generate", "gnm"}, flags: []string{"--nodes", "10", "--m", "5", "--out", "OUT/g.txt"}},
		{path: []string{"generate", "sbm"}, flags: []string{"--sizes", "5,5", "--probs", "0.5,0.1;0.1,0.5", "--out", "OUT/g.txt"}},
		{path: []string{"generate", "graphon"}, flags: []string{"--nodes", "10", "--graphon", "exponential", "--out", "OUT/g.txt"}},
		{path: []string{"generate", "chunglu"}, flags: []string{"--weights", fx.weights, "--out", "OUT/g.txt"}, files: []string{"weights"}},
		{path: []string{"stats"}, args: []string{fx.edges}, fileArgs: true},
		{path: []string{"datasets", "list"}, flags: []string{"--root", fx.tu}},
		{path: []string{"datasets", "info"}, flags: []string{"--root", fx.tu}, args: []string{"mutag"}, files: []string{"root"}},
		{path: []string{"datasets", "verify"}, flags: []string{"--root", fx.empty}, args: []string{"mutag"}},
		{path: []string{"datasets", "fetch"}, flags: []string{"--root", fx.empty}, args: []string{"mutag"}, noValues: true},
		{path: []string{"limits", "solve"}, flags: []string{"--particles", "32", "--self-check=false", "--quadrature", "8", "--times", "0.1", "--out", "OUT/l.csv"}, files: []string{"config"}},
		{path: []string{"limits", "sweep"}, flags: []string{"--nodes", "20,30", "--widths", "4,6", "--runs", "1", "--particles", "16",
			"--test-nodes", "10", "--quadrature", "8", "--times", "0.1", "--formats", "", "--out", "OUT/sw"}, files: []string{"config"}},
		{path: []string{"limits", "merge"}, flags: []string{"--out", "OUT/m", "--formats", ""}, args: []string{fx.sweepDir}, fileArgs: true},
		{path: []string{"limits", "fit"}, args: []string{fx.sweepDir}, fileArgs: true},
		{path: []string{"limits", "plot"}, flags: []string{"--formats", "svg"}, args: []string{fx.sweepDir}, fileArgs: true},
		{path: []string{"limits", "keriven"}, flags: []string{"--out", "OUT/k", "--runs", "2", "--sizes", "20,30", "--exponents", "0.5", "--panels", "2", "--quadrature", "4"}},
		{path: []string{"limits", "width"}, flags: []string{"--tol", "0.5", "--time", "0.1", "--activation", "identity", "--quadrature", "8"}, files: []string{"config"}},
		{name: "train dataset", path: []string{"train"}, flags: []string{"--dataset", "mutag", "--root", fx.tu, "--epochs", "1", "--width", "4", "--folds", "2",
			"--out", "OUT/r.json", "--checkpoint", "OUT/ck"}, files: []string{"root"}},
		{name: "train dataset regression", path: []string{"train"}, flags: []string{"--dataset", "mutag", "--root", fx.tu, "--task", "regression", "--targets", fx.targets,
			"--epochs", "1", "--width", "4", "--folds", "2", "--out", "OUT/r.json", "--checkpoint", "OUT/ck"}, files: []string{"root", "targets"}},
		{path: []string{"online"}, flags: []string{"--graphon", "exponential", "--nodes", "50", "--width", "10", "--time", "0.2", "--quadrature", "4",
			"--out", "OUT/r.json", "--checkpoint", "OUT/ck"}},
		{name: "train generate", path: []string{"train"}, flags: []string{"--generate", sbm, "--feature-dim", "4", "--epochs", "1", "--width", "4", "--split-per-class", "5,5",
			"--out", "OUT/r.json", "--checkpoint", "OUT/ck"}},
		{path: []string{"limits", "gamma"}, flags: []string{"--gammas", "0.75,1", "--widths", "4,8", "--runs", "2", "--particles", "16", "--quadrature", "8",
			"--times", "0.1", "--formats", "", "--out", "OUT/g"}, files: []string{"config"}},
		{path: []string{"limits", "report"}, args: []string{fx.sweepDir}, fileArgs: true},
		{path: []string{"limits", "walk"}, flags: []string{"--holds", "0.5", "--widths", "4,8", "--runs", "2", "--particles", "16", "--tau-samples", "1000",
			"--quadrature", "8", "--times", "0.1", "--out", "OUT/w.csv"}, files: []string{"config"}},
		{path: []string{"limits", "collapse"}, flags: []string{"--widths", "4,8", "--runs", "2", "--particles", "16", "--self-check=false", "--quadrature", "8",
			"--times", "0.1", "--out", "OUT/c.png"}, files: []string{"config"}},
		{path: []string{"predict"}, flags: []string{"--model", fx.model, "--dataset", "mutag", "--root", fx.tu, "--out", "OUT/p.csv"}, files: []string{"model", "root"}},
		{path: []string{"completion"}, args: []string{"bash"}},
		{name: "train graph", path: []string{"train"}, flags: []string{"--task", "regression", "--graph", fx.gf, "--labels", fx.tf, "--features", fx.xf, "--model", "sage",
			"--layers", "1", "--epochs", "1", "--split-per-class", "60,20", "--out", "OUT/r.json", "--checkpoint", "OUT/ck"}, files: []string{"graph", "labels", "features"}},
	}
}

// contractRow is one bad input.
type contractRow struct {
	what string   // description
	args []string // the whole command line after "gnnwb", OUT not yet replaced
	flag string   // the flag named by a bad value ("" for a bad file or argument)
	file string   // the bad file (its name must appear)
	// code: 2 a bad value that must be refused; -2 a value that may be
	// valid (0) or refused (2); 1 a bad file
	code int
}

// outputFlags are written, not read: their values stay the base's (inside
// OUT), so that a refusal can be checked to leave nothing behind.
var outputFlags = []string{"out", "checkpoint", "plot", "embeddings", "save-model"}

func contractRows(t *testing.T, b contractBase, cmd *cli.Command, bad map[string]string) []contractRow {
	var rows []contractRow
	with := func(name string, value string) []string {
		// the base without the flag, then the flag with the bad value
		var out []string
		for i := 0; i < len(b.flags); i++ {
			f := b.flags[i]
			if f == "--"+name {
				i++
				continue
			}
			if strings.HasPrefix(f, "--"+name+"=") {
				continue
			}
			out = append(out, f)
		}
		out = append(slices.Clone(b.path), out...)
		return append(append(out, "--"+name+"="+value), b.args...)
	}
	whole := func(extra ...string) []string {
		return append(append(append(slices.Clone(b.path), b.flags...), b.args...), extra...)
	}
	if !b.noValues {
		for _, f := range cmd.Flags {
			name := f.Names()[0]
			if slices.Contains(outputFlags, name) {
				continue
			}
			var values []string
			code := -2
			switch f.(type) {
			case *cli.IntFlag, *cli.Int64Flag:
				values = []string{"-1", "0", "2147483648", "9223372036854775807", "1e400"}
			case *cli.Uint64Flag:
				values = []string{"-1", "18446744073709551615"}
			case *cli.Float64Flag:
				for _, v := range []string{"NaN", "Inf", "-Inf"} {
					rows = append(rows, contractRow{what: "--" + name + "=" + v, args: with(name, v), flag: name, code: 2})
				}
				values = []string{"-1", "0", "1e308"}
			case *cli.BoolFlag:
				values = []string{"maybe"}
				code = 2
			case *cli.DurationFlag:
				values = []string{"-1s", "forever"}
			case *cli.StringFlag:
				if slices.Contains(b.files, name) {
					for kind, path := range bad {
						rows = append(rows, contractRow{what: "--" + name + " " + kind, args: with(name, path), file: path, code: 1})
					}
					continue
				}
				values = []string{"", "nope", "-1,NaN"}
			default:
				t.Errorf("%s: flag --%s of type %T: add its bad values to contractRows", strings.Join(b.path, " "), name, f)
			}
			for _, v := range values {
				rows = append(rows, contractRow{what: "--" + name + "=" + v, args: with(name, v), flag: name, code: code})
			}
		}
	}
	switch {
	case cmd.ArgsUsage == "":
		rows = append(rows, contractRow{what: "trailing junk", args: whole("junk"), code: 2})
	case b.fileArgs:
		for kind, path := range bad {
			args := append(append(slices.Clone(b.path), b.flags...), path)
			rows = append(rows, contractRow{what: "argument " + kind, args: args, file: path, code: 1})
		}
		rows = append(rows, contractRow{what: "no argument", args: append(slices.Clone(b.path), b.flags...), code: 2})
		if !strings.HasSuffix(cmd.ArgsUsage, "...") {
			rows = append(rows, contractRow{what: "two arguments", args: whole(b.args...), code: 2})
		}
	default: // dataset names
		rows = append(rows, contractRow{what: "unknown name", args: append(append(slices.Clone(b.path), b.flags...), "no-such-dataset"), code: 2})
		if !strings.HasPrefix(cmd.ArgsUsage, "[") {
			rows = append(rows,
				contractRow{what: "no argument", args: append(slices.Clone(b.path), b.flags...), code: 2},
				contractRow{what: "two arguments", args: whole("junk"), code: 2})
		}
	}
	return rows
}

// leafCommands returns the commands without subcommands of cmds, by path.
func leafCommands(prefix []string, cmds []*cli.Command, into map[string]*cli.Command) {
	for _, c := range cmds {
		p := append(slices.Clone(prefix), c.Name)
		if len(c.Subcommands) == 0 {
			into[strings.Join(p, " ")] = c
		}
		leafCommands(p, c.Subcommands, into)
	}
}

// TestContract runs every row of every command in process (see the top of
// the file) and reports the number of bad inputs tried, panics and wrong
// exit codes.
func TestContract(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	t.Chdir(t.TempDir()) // a relative path in a row lands here
	fx := contractFixtures{tu: tinyTU(t), empty: t.TempDir()}
	in := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(in, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	fx.weights = write("weights.txt", "1\n2\n3\n2\n1\n")
	fx.edges = write("edges.txt", "# Nodes: 4 Edges: 3\n0 1\n1 2\n2 3\n")
	fx.gf, fx.tf, fx.xf = writeRegressionFiles(t)
	fx.targets = tinyTUTargets(t, 16)
	fx.sweepDir = filepath.Join(t.TempDir(), "sweep")
	fx.model = filepath.Join(t.TempDir(), "mutag.model")
	if code, _, stderr := gnnwb(t, "train", "--dataset", "mutag", "--root", fx.tu, "--model", "gin", "--epochs", "1", "--width", "4", "--folds", "2",
		"--save-model", fx.model); code != 0 {
		t.Fatalf("the model the bases read: code %d: %s", code, stderr)
	}
	if code, _, stderr := gnnwb(t, "limits", "sweep", "--nodes", "20,30", "--widths", "4,6", "--runs", "2", "--particles", "16", "--test-nodes", "10",
		"--quadrature", "8", "--times", "0.1", "--formats", "", "--out", fx.sweepDir); code != 0 {
		t.Fatalf("the sweep the bases read: code %d: %s", code, stderr)
	}
	bad := map[string]string{
		"missing":   filepath.Join(in, "missing.txt"),
		"empty":     write("empty.txt", ""),
		"directory": t.TempDir(),
		"garbage":   write("garbage.txt", "\x00\x01\xff{[ not a file of gnnwb ]}\n\x7f"),
		"truncated": write("truncated.txt", "# Nodes: 4 Edges: 3\n0 1\n1"),
	}
	if fifo := filepath.Join(in, "fifo"); mkfifo(fifo) == nil {
		bad["fifo"] = fifo
	}

	leaves := map[string]*cli.Command{}
	leafCommands(nil, newApp(&bytes.Buffer{}, &bytes.Buffer{}).Commands, leaves)
	bases := contractBases(fx)
	covered := map[string]bool{}
	for _, b := range bases {
		covered[strings.Join(b.path, " ")] = true
	}
	for path := range leaves {
		if !covered[path] {
			// a command without a base: its rows run without valid flags
			bases = append(bases, contractBase{path: strings.Fields(path)})
			t.Logf("%s: no contract base; add one to contractBases", path)
		}
	}

	var tried, panics, wrong int
	start := time.Now()
	for _, b := range bases {
		path := strings.Join(b.path, " ")
		name := b.name
		if name == "" {
			name = path
		}
		baseStart := time.Now()
		for _, row := range contractRows(t, b, leaves[path], bad) {
			tried++
			dir := t.TempDir()
			args := make([]string, len(row.args))
			for i, a := range row.args {
				args[i] = strings.ReplaceAll(a, "OUT", dir)
			}
			code, stderr, took := contractRun(t, args)
			fail := func(format string, a ...any) {
				wrong++
				t.Errorf("%s: %s: gnnwb %s: exit %d, stderr %q: %s", name, row.what, strings.Join(args, " "), code, stderr, fmt.Sprintf(format, a...))
			}
			switch {
			case code == exitInternal || strings.Contains(stderr, "goroutine") || strings.Contains(stderr, "panic:"):
				panics++
				fail("a panic")
				continue
			case took > 20*time.Second:
				fail("took %v", took)
			case row.code == 1:
				if code != 1 || !strings.Contains(stderr, filepath.Base(row.file)) {
					fail("want exit 1 naming %s", row.file)
				}
			case row.code == 2 && code != 2, row.code == -2 && code != 0 && code != 2:
				fail("want exit 2")
			case code == 2 && (strings.Count(stderr, "\n") != 1 || row.flag != "" && !namesFlag(stderr, row.flag)):
				fail("want one line naming --%s", row.flag)
			}
			if code != 0 {
				if left, _ := os.ReadDir(dir); len(left) > 0 {
					fail("left %s behind", left[0].Name())
				}
			}
			if took > time.Second {
				t.Logf("%s: %s: %v", name, row.what, took.Round(time.Millisecond))
			}
		}
		t.Logf("%s: %v", name, time.Since(baseStart).Round(time.Millisecond))
	}
	t.Logf("contract: %d bad inputs tried on %d commands in %v: %d panics, %d wrong exit codes or messages", tried, len(leaves), time.Since(start).Round(time.Millisecond), panics, wrong)
}

// contractRun runs one row with a deadline, so that a command blocking on
// a named pipe fails the test instead of hanging it.
func contractRun(t *testing.T, args []string) (code int, stderr string, took time.Duration) {
	t.Helper()
	type result struct {
		code   int
		stderr string
	}
	done := make(chan result, 1)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	start := time.Now()
	go func() {
		var out, errb bytes.Buffer
		c := run(ctx, append([]string{"gnnwb"}, args...), &out, &errb)
		done <- result{c, errb.String()}
	}()
	select {
	case r := <-done:
		return r.code, r.stderr, time.Since(start)
	case <-time.After(40 * time.Second):
		t.Fatalf("gnnwb %s: still running after 40 s (blocked?)", strings.Join(args, " "))
	}
	return
}

// namesFlag reports whether msg names flag: as --flag, or as its key (the
// flag with '_' for '-') as a word, as in "probs has 1 rows".
func namesFlag(msg, flag string) bool {
	if strings.Contains(msg, "--"+flag) {
		return true
	}
	key := regexp.QuoteMeta(strings.ReplaceAll(flag, "-", "_"))
	return regexp.MustCompile(`(^|[^A-Za-z0-9_-])` + key + `([^A-Za-z0-9_-]|$)`).MatchString(msg)
}

// TestCorruptState: a checkpoint with one flipped byte is refused, exit 1
// naming the file (dataset and online training); a sweep cell with one
// flipped byte is computed again, with one warning line, and the sweep's
// errors.csv is the same as before.
func TestCorruptState(t *testing.T) {
	flip := func(t *testing.T, path string) {
		t.Helper()
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		data[len(data)*3/4] ^= 0x04
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tu := tinyTU(t)
	for _, tc := range []struct {
		name string
		args []string
		ckpt string
	}{
		{"dataset", []string{"train", "--dataset", "mutag", "--root", tu, "--epochs", "2", "--width", "4", "--folds", "2"}, "fold00-seed1.ckpt"},
		{"online", []string{"online", "--graphon", "exponential", "--nodes", "50", "--width", "10", "--time", "0.2"}, "online-seed1.ckpt"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "ck")
			args := append(tc.args, "--checkpoint", dir)
			if code, _, stderr := gnnwb(t, args...); code != 0 {
				t.Fatalf("code %d: %s", code, stderr)
			}
			path := filepath.Join(dir, tc.ckpt)
			flip(t, path)
			code, _, stderr := gnnwb(t, args...)
			if code != 1 || !strings.Contains(stderr, path) || !strings.Contains(stderr, "corrupt") || strings.Count(stderr, "\n") != 1 {
				t.Fatalf("corrupt checkpoint: code %d, stderr %q", code, stderr)
			}
		})
	}
	t.Run("sweep cell", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "sw")
		args := []string{"limits", "sweep", "--nodes", "20", "--widths", "4", "--runs", "1", "--particles", "16", "--test-nodes", "10",
			"--quadrature", "8", "--times", "0.1", "--formats", "", "--out", dir}
		if code, _, stderr := gnnwb(t, args...); code != 0 {
			t.Fatalf("code %d: %s", code, stderr)
		}
		want, _ := os.ReadFile(filepath.Join(dir, "errors.csv"))
		cell := filepath.Join(dir, "cells", "n20_N4_s1.json")
		flip(t, cell)
		code, _, stderr := gnnwb(t, args...)
		got, _ := os.ReadFile(filepath.Join(dir, "errors.csv"))
		if code != 0 || strings.Count(stderr, "warning") != 1 || !strings.Contains(stderr, cell) || !bytes.Equal(got, want) {
			t.Fatalf("corrupt cell: code %d, stderr %q, errors.csv same: %v", code, stderr, bytes.Equal(got, want))
		}
	})
}

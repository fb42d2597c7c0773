package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"
)

// appLeaves returns the commands without subcommands of a fresh app, by
// path ("limits sweep").
func appLeaves() map[string]*cli.Command {
	leaves := map[string]*cli.Command{}
	leafCommands(nil, newApp(&bytes.Buffer{}, &bytes.Buffer{}).Commands, leaves)
	return leaves
}

// visible reports whether f is shown in help.
func visible(f cli.Flag) bool {
	v, ok := f.(cli.VisibleFlag)
	return !ok || v.IsVisible()
}

// TestFlagDefaultsShown: the help of every visible flag of every command
// shows its default, "(default: …)", in words where it depends on the mode,
// or says that the flag is required.
func TestFlagDefaultsShown(t *testing.T) {
	for path, cmd := range appLeaves() {
		for _, f := range cmd.Flags {
			if !visible(f) {
				continue
			}
			if s := f.String(); !strings.Contains(s, "(default: ") && !strings.Contains(s, "required") {
				t.Errorf("gnnwb %s --%s: help shows no default: %s", path, f.Names()[0], s)
			}
		}
	}
}

// spellingCase is a renamed flag of one command, with a cheap valid base
// command.
type spellingCase struct {
	path      []string // command words
	base      []string // valid flags without the renamed one; OUT is a fresh directory
	new, old  string   // the flag's name and its old spelling
	value     string   // a valid value
	bad, want string   // a refused value and the words of its refusal
	result    string   // the output compared between the two spellings (in OUT; "" for stdout)
}

func spellingCases() []spellingCase {
	sbm := "sbm:10,10:0.3,0.05;0.05,0.3"
	online := []string{"--graphon", "exponential", "--width", "10", "--time", "0.2", "--out", "OUT/o.csv"}
	sweep := []string{"--nodes", "20", "--widths", "4", "--particles", "16", "--test-nodes", "10", "--quadrature", "8", "--times", "0.1", "--formats=", "--out", "OUT/sw"}
	gamma := []string{"--gammas", "0.75,1", "--widths", "4,8", "--particles", "16", "--quadrature", "8", "--times", "0.1", "--out", "OUT/g"}
	keriven := []string{"--out", "OUT/k", "--sizes", "20,30", "--exponents", "0.5", "--panels", "2"}
	return []spellingCase{
		{path: []string{"generate", "er"}, base: []string{"--p", "0.2"}, new: "nodes", old: "n", value: "20", bad: "-1", want: "-1"},
		{path: []string{"generate", "gnm"}, base: []string{"--m", "5"}, new: "nodes", old: "n", value: "20", bad: "-1", want: "-1"},
		{path: []string{"generate", "graphon"}, base: []string{"--graphon", "exponential"}, new: "nodes", old: "n", value: "20", bad: "-1", want: "-1"},
		{path: []string{"online"}, base: online, new: "nodes", old: "n", value: "50", bad: "-1", want: "-1", result: "o.csv"},
		{path: []string{"online"}, base: append(slices.Clone(online), "--nodes", "50"), new: "quadrature", old: "eval-points", value: "4", bad: "-1", want: "-1", result: "o-outputs.csv"},
		{path: []string{"train"}, base: []string{"--generate", sbm, "--feature-dim", "4", "--epochs", "2", "--split-per-class", "3,3", "--out", "OUT/r.csv"},
			new: "width", old: "hidden", value: "4", bad: "0", want: "0", result: "r.csv"},
		{path: []string{"limits", "sweep"}, base: sweep, new: "runs", old: "seeds", value: "2", bad: "0", want: "0", result: "sw/errors.csv"},
		{path: []string{"limits", "gamma"}, base: append(slices.Clone(gamma), "--formats="), new: "runs", old: "seeds", value: "2", bad: "0", want: "0", result: "g/points.csv"},
		{path: []string{"limits", "gamma"}, base: append(slices.Clone(gamma), "--runs", "2"), new: "formats", old: "format", value: "", bad: "gif", want: "gif", result: "g/points.csv"},
		{path: []string{"limits", "walk"}, base: []string{"--holds", "0.5", "--widths", "4,8", "--particles", "16", "--tau-samples", "1000", "--quadrature", "8", "--times", "0.1", "--out", "OUT/w.csv"},
			new: "runs", old: "seeds", value: "2", bad: "0", want: "0", result: "w.csv"},
		{path: []string{"limits", "collapse"}, base: []string{"--widths", "4,8", "--particles", "16", "--self-check=false", "--quadrature", "8", "--times", "0.1", "--out", "OUT/c.png"},
			new: "runs", old: "seeds", value: "2", bad: "0", want: "0", result: "c.json"},
		{path: []string{"limits", "keriven"}, base: append(slices.Clone(keriven), "--quadrature", "4"), new: "runs", old: "reps", value: "2", bad: "-1", want: "-1", result: "k/keriven.json"},
		{path: []string{"limits", "keriven"}, base: append(slices.Clone(keriven), "--runs", "2"), new: "quadrature", old: "nodes", value: "4", bad: "-1", want: "-1", result: "k/keriven.json"},
		{path: []string{"online"}, base: append(slices.Clone(online), "--nodes", "50"), new: "batch-size", old: "batch", value: "2", bad: "-1", want: "-1", result: "o.csv"},
		{path: []string{"limits", "solve"}, base: []string{"--particles", "32", "--self-check=false", "--quadrature", "8", "--times", "0.1", "--out", "OUT/l.csv"},
			new: "batch-size", old: "batch", value: "2", bad: "-1", want: "-1", result: "l.csv"},
		{path: []string{"limits", "width"}, base: []string{"--tol", "0.5", "--time", "0.1", "--activation", "identity", "--quadrature", "8"},
			new: "batch-size", old: "batch", value: "2", bad: "-1", want: "-1"},
		{path: []string{"limits", "sweep"}, base: append(slices.Clone(sweep), "--runs", "1"), new: "batch-size", old: "batch", value: "2", bad: "-1", want: "-1", result: "sw/errors.csv"},
		{path: []string{"limits", "gamma"}, base: append(slices.Clone(gamma), "--runs", "2", "--formats="), new: "batch-size", old: "batch", value: "2", bad: "-1", want: "-1", result: "g/points.csv"},
		{path: []string{"limits", "walk"}, base: []string{"--holds", "0.5", "--widths", "4,8", "--runs", "2", "--particles", "16", "--tau-samples", "1000", "--quadrature", "8", "--times", "0.1", "--out", "OUT/w.csv"},
			new: "batch-size", old: "batch", value: "1", bad: "2", want: "2", result: "w.csv"},
		{path: []string{"limits", "collapse"}, base: []string{"--widths", "4,8", "--runs", "2", "--particles", "16", "--self-check=false", "--quadrature", "8", "--times", "0.1", "--out", "OUT/c.png"},
			new: "batch-size", old: "batch", value: "2", bad: "-1", want: "-1", result: "c.json"},
	}
}

// TestOldSpellings: every old spelling of a renamed flag (hidden from help)
// still works and gives what the new name gives, byte for byte; a bad value
// given by it is refused naming it as typed; and giving both spellings is
// exit 2, one line. Every old spelling of the app has a case.
func TestOldSpellings(t *testing.T) {
	cases := spellingCases()
	leaves := appLeaves()
	for path, cmd := range leaves {
		for _, f := range cmd.Flags {
			name, ok := newSpelling(cmd, f)
			if !ok {
				continue
			}
			if visible(f) {
				t.Errorf("gnnwb %s --%s: an old spelling shown in help", path, f.Names()[0])
			}
			if !slices.ContainsFunc(cases, func(c spellingCase) bool {
				return strings.Join(c.path, " ") == path && c.old == f.Names()[0] && c.new == name
			}) {
				t.Errorf("gnnwb %s --%s (old spelling of --%s): add a case to spellingCases", path, f.Names()[0], name)
			}
		}
	}
	for _, tc := range cases {
		t.Run(strings.Join(tc.path, "-")+"/"+tc.old, func(t *testing.T) {
			run := func(extra ...string) (int, string, string, []byte) {
				dir := t.TempDir()
				args := slices.Clone(tc.path)
				for _, a := range append(slices.Clone(tc.base), extra...) {
					args = append(args, strings.ReplaceAll(a, "OUT", dir))
				}
				code, stdout, stderr := gnnwb(t, args...)
				if tc.result == "" {
					return code, stdout, stderr, []byte(stdout)
				}
				b, _ := os.ReadFile(filepath.Join(dir, tc.result))
				return code, stdout, stderr, b
			}
			code, _, stderr, want := run("--" + tc.new + "=" + tc.value)
			if code != 0 || len(want) == 0 {
				t.Fatalf("--%s=%s: code %d, stderr %q, %d bytes of %s", tc.new, tc.value, code, stderr, len(want), tc.result)
			}
			code, _, stderr, got := run("--" + tc.old + "=" + tc.value)
			if code != 0 || !bytes.Equal(got, want) {
				t.Errorf("--%s=%s: code %d, stderr %q; same %s as --%s: %v", tc.old, tc.value, code, stderr, tc.result, tc.new, bytes.Equal(got, want))
			}
			code, stdout, stderr, _ := run("--" + tc.old + "=" + tc.bad)
			if code != 2 || stdout != "" || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, "--"+tc.old) ||
				!strings.Contains(stderr, tc.want) || strings.Contains(stderr, "--"+tc.new+"=") {
				t.Errorf("--%s=%s: code %d, stdout %q, stderr %q (want exit 2, one line naming --%s)", tc.old, tc.bad, code, stdout, stderr, tc.old)
			}
			code, stdout, stderr, _ = run("--"+tc.new+"="+tc.value, "--"+tc.old+"="+tc.value)
			if code != 2 || stdout != "" || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, "--"+tc.old) || !strings.Contains(stderr, "not both") {
				t.Errorf("both --%s and --%s: code %d, stdout %q, stderr %q (want exit 2, one line)", tc.new, tc.old, code, stdout, stderr)
			}
		})
	}
}

// usageFlag matches a flag named in a usage line.
var usageFlag = regexp.MustCompile(`(^|[\s\[(|])--([a-z][a-z0-9-]*)`)

// TestUsageLines: every flag a usage line of the help names is a visible
// flag of its command (no old spelling, no flag of another command), and
// every usage line runs, with small sizes for its placeholders
// (usageRuns, one command per line, in order, sharing one directory OUT).
func TestUsageLines(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	tu := tinyTU(t)
	gf, lf, xf := writeRegressionFiles(t)
	in := t.TempDir()
	weights := filepath.Join(in, "weights.txt")
	edges := filepath.Join(in, "edges.txt")
	if os.WriteFile(weights, []byte("1\n2\n3\n2\n1\n"), 0o644) != nil || os.WriteFile(edges, []byte("0 1\n1 2\n2 3\n"), 0o644) != nil {
		t.Fatal("fixtures")
	}
	out := t.TempDir()
	o := func(name string) string { return filepath.Join(out, name) }
	sbm := "sbm:10,10:0.3,0.05;0.05,0.3"
	// usageRuns: for every command, one run per usage line ("gnnwb ..."),
	// in the order of the help; nil for a line that reaches the network.
	usageRuns := map[string][][]string{
		"generate er":      {{"--nodes", "20", "--p", "0.2", "--seed", "2", "--out", o("er.txt")}},
		"generate gnm":     {{"--nodes", "20", "--m", "5", "--seed", "2", "--out", o("gnm.txt")}},
		"generate sbm":     {{"--sizes", "5,5", "--probs", "0.1,0.01;0.01,0.1", "--seed", "2", "--out", o("sbm.txt")}},
		"generate graphon": {{"--nodes", "20", "--graphon", "exponential", "--rho", "0.5", "--weighted", "--seed", "2", "--out", o("graphon.txt")}},
		"generate chunglu": {{"--weights", weights, "--seed", "2", "--out", o("chunglu.txt")}},
		"stats":            {{"--directed", "--format", "edgelist", "--json", edges}},
		"datasets list":    {{"--root", tu, "--json"}},
		"datasets info":    {{"mutag", "--root", tu, "--json"}},
		"datasets verify":  {nil},
		"datasets fetch":   {nil},
		"limits solve": {{"--limit", "meanfield", "--fluctuations", "--particles", "32", "--self-check=false", "--activation", "identity", "--quadrature", "8", "--times", "0.1",
			"--out", o("limit.csv")}},
		"limits sweep": {{"--out", o("sweep"), "--shard", "0/1", "--nodes", "20,30", "--widths", "4,6", "--runs", "2", "--particles", "16", "--test-nodes", "10",
			"--quadrature", "8", "--times", "0.1", "--formats="}},
		"limits merge":  {{"--out", o("merged"), "--formats=svg", o("sweep")}},
		"limits fit":    {{o("sweep")}},
		"limits plot":   {{o("sweep"), "--formats", "svg"}},
		"limits report": {{o("sweep")}},
		"limits keriven": {{"--out", o("keriven"), "--runs", "2", "--seed", "1", "--panels", "2", "--quadrature", "4", "--sizes", "20,30", "--exponents", "0.5",
			"--loops", "none"}},
		"limits width": {{"--tol", "0.5", "--time", "0.1", "--activation", "identity", "--quadrature", "8"}},
		"limits gamma": {{"--gammas", "0.75,1", "--widths", "4,8", "--runs", "2", "--seed", "2", "--particles", "16", "--quadrature", "8", "--times", "0.1", "--formats=",
			"--out", o("gamma")}},
		"limits walk": {{"--holds", "0.5", "--widths", "4,8", "--runs", "2", "--seed", "2", "--particles", "16", "--tau-samples", "1000", "--quadrature", "8", "--times", "0.1",
			"--out", o("walk.csv")}},
		"limits collapse": {{"--widths", "4,8", "--runs", "2", "--seed", "2", "--times", "0.1", "--particles", "16", "--self-check=false", "--quadrature", "8", "--out", o("collapse.png")}},
		"train": {
			{"--dataset", "mutag", "--root", tu, "--model", "gin", "--width", "4", "--epochs", "1", "--folds", "2", "--runs", "2", "--seed", "3",
				"--out", o("r.json"), "--checkpoint", o("ck"), "--save-model", o("mutag.model")},
			{"--graph", gf, "--format", "edgelist", "--labels", lf, "--features", xf, "--split-per-class", "60,20", "--task", "regression", "--model", "sage",
				"--width", "4", "--epochs", "1", "--runs", "2", "--seed", "3", "--out", o("g.json"), "--checkpoint", o("gck"), "--save-model", o("graph.model")},
			{"--generate", sbm, "--feature-signal", "2", "--feature-dim", "4", "--data-seed", "3", "--split-per-class", "3,3", "--width", "4", "--epochs", "1"},
		},
		"online": {{"--graphon", "exponential", "--nodes", "50", "--rho", "0.5", "--signal", "fourier:1", "--target", "sin:1", "--aggregation", "graphon",
			"--sampler", "ego", "--batch-size", "1", "--width", "10", "--gamma", "1", "--alpha", "3", "--time", "0.2", "--times", "0,0.2", "--quadrature", "4",
			"--seed", "2", "--out", o("online.json"), "--checkpoint", o("ock")}},
		"predict": {
			{"--model", o("mutag.model"), "--dataset", "mutag", "--root", tu, "--out", o("p.csv"), "--embeddings", o("e.csv")},
			{"--model", o("graph.model"), "--graph", gf, "--format", "edgelist", "--features", xf, "--out", o("pg.csv"), "--embeddings", o("eg.csv")},
		},
		"completion": {{"bash"}},
	}
	leaves := appLeaves()
	// The order of the runs: the sweep before the commands that read it,
	// train before predict.
	order := []string{"generate er", "generate gnm", "generate sbm", "generate graphon", "generate chunglu", "stats", "datasets list", "datasets info",
		"datasets verify", "datasets fetch", "limits solve", "limits sweep", "limits merge", "limits fit", "limits plot", "limits report", "limits keriven",
		"limits width", "limits gamma", "limits walk", "limits collapse", "train", "online", "predict", "completion"}
	for path := range leaves {
		if !slices.Contains(order, path) {
			t.Errorf("gnnwb %s: add its usage lines to TestUsageLines", path)
		}
	}
	for _, path := range order {
		cmd := leaves[path]
		if cmd == nil {
			t.Errorf("gnnwb %s: no such command", path)
			continue
		}
		var lines []string
		for _, l := range strings.Split(cmd.UsageText, "\n") {
			switch {
			case strings.HasPrefix(l, "gnnwb "):
				lines = append(lines, l)
			case len(lines) > 0 && strings.HasPrefix(strings.TrimSpace(l), "["): // a continued line
				lines[len(lines)-1] += " " + strings.TrimSpace(l)
			}
		}
		if len(lines) != len(usageRuns[path]) {
			t.Errorf("gnnwb %s: %d usage lines, %d runs in TestUsageLines", path, len(lines), len(usageRuns[path]))
			continue
		}
		for k, line := range lines {
			for _, m := range usageFlag.FindAllStringSubmatch(line, -1) {
				if f := flagOf(cmd, m[2]); f == nil || !visible(f) {
					t.Errorf("gnnwb %s: usage line %q names --%s, not a flag of the command's help", path, line, m[2])
				}
			}
			args := usageRuns[path][k]
			if args == nil {
				continue
			}
			all := append(strings.Fields(path), args...)
			if code, _, stderr := gnnwb(t, all...); code != 0 {
				t.Errorf("usage line %q as %q: code %d, stderr %q", line, all, code, stderr)
			}
		}
	}
}

// flagOf returns cmd's flag named name, or nil.
func flagOf(cmd *cli.Command, name string) cli.Flag {
	for _, f := range cmd.Flags {
		if slices.Contains(f.Names(), name) {
			return f
		}
	}
	return nil
}

// TestFirstSeed: the limits commands that train --runs R networks take
// --seed S, their first seed: --seed 1 is the default, byte for byte, and
// another S is other networks, recorded as first_seed.
func TestFirstSeed(t *testing.T) {
	for _, tc := range []struct {
		path   []string
		base   []string
		result string
	}{
		{[]string{"limits", "collapse"}, []string{"--widths", "4,8", "--runs", "2", "--particles", "16", "--self-check=false", "--quadrature", "8", "--times", "0.1",
			"--out", "OUT/c.png"}, "c.json"},
		{[]string{"limits", "gamma"}, []string{"--gammas", "0.75,1", "--widths", "4,8", "--runs", "2", "--particles", "16", "--quadrature", "8", "--times", "0.1",
			"--formats=", "--out", "OUT/g"}, "g/result.json"},
		{[]string{"limits", "walk"}, []string{"--holds", "0.5", "--widths", "4,8", "--runs", "2", "--particles", "16", "--tau-samples", "1000", "--quadrature", "8",
			"--times", "0.1", "--out", "OUT/w.csv"}, "w.json"},
	} {
		t.Run(tc.path[1], func(t *testing.T) {
			run := func(extra ...string) []byte {
				dir := t.TempDir()
				args := slices.Clone(tc.path)
				for _, a := range append(slices.Clone(tc.base), extra...) {
					args = append(args, strings.ReplaceAll(a, "OUT", dir))
				}
				if code, _, stderr := gnnwb(t, args...); code != 0 {
					t.Fatalf("%q: code %d, stderr %q", args, code, stderr)
				}
				b, err := os.ReadFile(filepath.Join(dir, tc.result))
				if err != nil {
					t.Fatal(err)
				}
				return b
			}
			def, one, two := run(), run("--seed", "1"), run("--seed", "2")
			if !bytes.Equal(def, one) || bytes.Contains(def, []byte("first_seed")) {
				t.Errorf("--seed 1 differs from the default, or the default records first_seed")
			}
			if bytes.Equal(def, two) || !bytes.Contains(two, []byte(`"first_seed": 2`)) {
				t.Errorf("--seed 2: the same %s as seed 1, or no first_seed 2 in it", tc.result)
			}
		})
	}
}

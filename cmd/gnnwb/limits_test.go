package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLimitsSweepCLI: a tiny sweep from a YAML file with flag overrides
// finishes, prints its fits and writes errors.csv and the plots; the same
// command again does no cell twice and prints the same fits; fit and plot
// work on the directory; solve writes a CSV and its JSON report.
func TestLimitsSweepCLI(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "sweep.yaml")
	yaml := "problem:\n  quadrature: 8\n  times: [0.5, 1]\nnodes: [30, 60]\nwidths: [8, 16]\nseeds: 2\nparticles: 64\ntest_nodes: 20\n"
	if err := os.WriteFile(cfg, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	args := []string{"limits", "sweep", "--config", cfg, "--out", out, "--alpha", "2", "--formats", "png"}
	code, stdout, stderr := gnnwb(t, args...)
	if code != 0 {
		t.Fatalf("sweep: %d %s", code, stderr)
	}
	if !strings.Contains(stdout, "8 of 8 cells done") || !strings.Contains(stdout, "meanfield fun t=1") {
		t.Errorf("stdout:\n%s", stdout)
	}
	for _, f := range []string{"errors.csv", "summary.json", "fits.json", "sweep.json", "rate_N_meanfield_fun.png", "trajectories_meanfield.png"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Error(err)
		}
	}
	sweepJSON, _ := os.ReadFile(filepath.Join(out, "sweep.json"))
	if !strings.Contains(string(sweepJSON), `"alpha": 2`) {
		t.Errorf("sweep.json does not record --alpha 2:\n%s", sweepJSON)
	}
	code, again, stderr := gnnwb(t, args...)
	if code != 0 {
		t.Fatalf("second sweep: %d %s", code, stderr)
	}
	fits := func(s string) string { return s[strings.Index(s, "graphon fun"):] }
	if fits(again) != fits(stdout) {
		t.Errorf("rerun prints other fits:\n%s\nvs\n%s", again, stdout)
	}
	// a different problem in the same directory is refused
	if code, _, stderr := gnnwb(t, "limits", "sweep", "--config", cfg, "--out", out, "--formats", ""); code != 2 || !strings.Contains(stderr, "different sweep") {
		t.Errorf("other sweep, same dir: %d %s", code, stderr)
	}
	if code, stdout, stderr := gnnwb(t, "limits", "fit", out); code != 0 || !strings.Contains(stdout, "along N") {
		t.Errorf("fit: %d %s %s", code, stdout, stderr)
	}
	if code, stdout, stderr := gnnwb(t, "limits", "plot", "--formats", "svg", out); code != 0 || !strings.Contains(stdout, ".svg") {
		t.Errorf("plot: %d %s %s", code, stdout, stderr)
	}
	csvPath := filepath.Join(dir, "mf.csv")
	code, stdout, stderr = gnnwb(t, "limits", "solve", "--activation", "identity", "--quadrature", "6", "--out", csvPath)
	if code != 0 || !strings.Contains(stdout, "moment ODE") {
		t.Fatalf("solve: %d %s %s", code, stdout, stderr)
	}
	data, _ := os.ReadFile(csvPath)
	if lines := strings.Count(string(data), "\n"); lines != 1+2*6 {
		t.Errorf("solve CSV has %d lines:\n%s", lines, data)
	}
	if _, err := os.Stat(filepath.Join(dir, "mf.json")); err != nil {
		t.Error(err)
	}
}

// TestLimitsBadFlags: invalid values exit with status 2 and name the value.
func TestLimitsBadFlags(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"limits", "sweep", "--widths", "10,0"}, "widths (N)[1]=0"},
		{[]string{"limits", "sweep", "--nodes", "ten"}, `"ten" is not an integer`},
		{[]string{"limits", "sweep", "--times", "-1,1"}, "times[0]=-1"},
		{[]string{"limits", "sweep", "--activation", "swish"}, `"swish"`},
		{[]string{"limits", "sweep", "--shard", "3/2"}, "--shard"},
		{[]string{"limits", "solve", "--limit", "kernel"}, "gamma=0.5"},
		{[]string{"limits", "sweep", "--config", filepath.Join(dir, "missing.yaml")}, "missing.yaml"},
	} {
		code, _, stderr := gnnwb(t, append(tc.args, "--out", filepath.Join(dir, "x"))...)
		if code == 0 || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: code %d, stderr %q, want %q", tc.args, code, stderr, tc.want)
		}
	}
}

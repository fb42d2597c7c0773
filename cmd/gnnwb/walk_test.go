package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLimitsWalkCLI: a small run writes the CSV, the report and the figure
// and prints τ and C per sampler; bad flags are errors that name them.
func TestLimitsWalkCLI(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "w.csv")
	code, stdout, stderr := gnnwb(t, "limits", "walk", "--activation", "identity", "--widths", "40,80", "--runs", "3",
		"--holds", "0.5", "--tau-samples", "4096", "--times", "1", "--quadrature", "16", "--out", out)
	if code != 0 || !strings.Contains(stdout, "walk h=0.5") || !strings.Contains(stdout, "τ(Y) predicted") {
		t.Fatalf("limits walk: %d %s %s", code, stdout, stderr)
	}
	for _, f := range []string{"w.csv", "w.json", "w.png"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Error(err)
		}
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--holds", "1"}, "hold=1"},
		{[]string{"--widths", "80,40"}, "widths"},
		{[]string{"--batch-size", "2"}, "--batch-size=2"},
		{[]string{"--holds", "x"}, `"x" is not a number`},
	} {
		code, _, stderr := gnnwb(t, append([]string{"limits", "walk", "--out", filepath.Join(dir, "x.csv")}, tc.args...)...)
		if code == 0 || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: code %d, stderr %q, want %q", tc.args, code, stderr, tc.want)
		}
	}
}

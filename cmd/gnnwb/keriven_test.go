package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLimitsKeriven: the Keriven experiment on a tiny grid (3 sizes, 2
// repetitions, 2 sparsities) writes its two figures and its JSON and prints
// one table row per sparsity; a bad list is a usage error naming the flag.
func TestLimitsKeriven(t *testing.T) {
	out := filepath.Join(t.TempDir(), "figures")
	code, stdout, stderr := gnnwb(t, "limits", "keriven", "--out", out, "--runs", "2", "--sizes", "40,80,160",
		"--exponents", "0,0.5", "--panels", "4")
	if code != 0 {
		t.Fatalf("keriven: code %d: %s", code, stderr)
	}
	for _, f := range []string{"keriven_node.png", "keriven_readout.png", "keriven.json"} {
		if st, err := os.Stat(filepath.Join(out, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
	if !strings.Contains(stdout, "| ρ = 1 |") || !strings.Contains(stdout, "| ρ = n^−½ |") {
		t.Errorf("stdout:\n%s", stdout)
	}
	// --loops is recorded in the JSON.
	code, _, stderr = gnnwb(t, "limits", "keriven", "--out", out, "--runs", "2", "--sizes", "40,80",
		"--exponents", "0.5", "--panels", "4", "--loops", "add-missing")
	if code != 0 {
		t.Fatalf("keriven --loops: code %d: %s", code, stderr)
	}
	if js, err := os.ReadFile(filepath.Join(out, "keriven.json")); err != nil || !strings.Contains(string(js), `"aggregation": "symmetric:add-missing"`) {
		t.Errorf("keriven.json does not record the loops: %v", err)
	}
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--sizes", "40,x"}, 2, `--sizes: "x" is not an integer`},
		{[]string{"--sizes", "40"}, 2, "need at least 2"},
		{[]string{"--exponents", "1"}, 2, "exponents[0]=1"},
		{[]string{"--loops", "both"}, 2, `--loops="both": name="both" not one of none, add, add-missing`},
	} {
		code, _, stderr := gnnwb(t, append([]string{"limits", "keriven", "--out", out, "--runs", "2"}, tc.args...)...)
		if code != tc.code || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: code %d, stderr %q; want %d and %q", tc.args, code, stderr, tc.code, tc.want)
		}
	}
}

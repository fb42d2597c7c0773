package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLimitsGammaCLI: a tiny γ experiment writes its tables and figures and
// prints the slopes; limits solve takes --limit gamma at any γ and the
// kernel limit at ½ < γ < 1, and --fluctuations with the gamma limit for σ
// the identity (the C_ε(t) of the Monte Carlo oracle); a bad γ list is
// refused.
func TestLimitsGammaCLI(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "g")
	code, stdout, stderr := gnnwb(t, "limits", "gamma", "--gammas", "0.5,1", "--widths", "16,32", "--runs", "2",
		"--particles", "64", "--quadrature", "8", "--times", "1", "--out", out)
	if code != 0 {
		t.Fatalf("gamma: %d %s", code, stderr)
	}
	if !strings.Contains(stdout, "γ=1    t=1    vs kernel") {
		t.Errorf("stdout:\n%s", stdout)
	}
	for _, f := range []string{"result.json", "points.csv", "slopes.csv", "err_flow.png", "err_kernel.png", "movement.png", "seed_var.png", "coord_pre.png", "coord_out.png"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Error(err)
		}
	}
	csvOut := filepath.Join(dir, "l.csv")
	if code, stdout, stderr := gnnwb(t, "limits", "solve", "--limit", "gamma", "--gamma", "0.75", "--width", "64", "--symmetric",
		"--particles", "64", "--quadrature", "8", "--out", csvOut); code != 0 || !strings.Contains(stdout, "ε=N^(γ−1)=0.353553") {
		t.Errorf("solve gamma: %d %s %s", code, stdout, stderr)
	}
	if code, stdout, stderr := gnnwb(t, "limits", "solve", "--limit", "kernel", "--gamma", "0.75", "--quadrature", "8", "--out", csvOut); code != 0 || !strings.Contains(stdout, "g_0 = 0") {
		t.Errorf("solve kernel γ=0.75: %d %s %s", code, stdout, stderr)
	}
	if code, stdout, stderr := gnnwb(t, "limits", "solve", "--limit", "gamma", "--gamma", "0.75", "--width", "400", "--activation", "identity",
		"--target", "poly:0,0,1", "--alpha", "1", "--symmetric", "--fluctuations", "--times", "0.5,2", "--out", csvOut); code != 0 || !strings.Contains(stdout, "C = [0.073465 0.12064]") {
		t.Errorf("solve gamma --fluctuations: %d %s %s", code, stdout, stderr)
	}
	if code, _, stderr := gnnwb(t, "limits", "solve", "--limit", "gamma", "--fluctuations", "--width", "64", "--out", csvOut); code != 2 || !strings.Contains(stderr, "needs --activation identity") {
		t.Errorf("solve gamma --fluctuations with tanh: %d %s", code, stderr)
	}
	if code, _, stderr := gnnwb(t, "limits", "gamma", "--gammas", "0.3", "--out", out); code == 0 || !strings.Contains(stderr, "gammas[0]=0.3") {
		t.Errorf("bad gamma: %d %s", code, stderr)
	}
}

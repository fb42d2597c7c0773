package sweep

import (
	"context"
	"math"
	"testing"

	"github.com/gnnwb/gnnwb/limits"
)

// TestSweepGamma: a sweep at γ = 0.75 takes the gamma limit (the ε-flow at
// each width's ε) and the kernel limit (from g_0 = 0) and summarises both.
func TestSweepGamma(t *testing.T) {
	w := smallSweep()
	w.Problem.Gamma, w.Problem.Symmetric = 0.75, true
	w.Limits = []limits.Kind{limits.GammaLimit, limits.KernelLimit}
	w.Nodes, w.Seeds = []int{40}, 1
	if err := w.Validate(); err != nil {
		t.Fatal(err)
	}
	sum, err := Run(context.Background(), w, t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !sum.Complete {
		t.Fatalf("summary: done %d/%d", sum.Done, sum.Cells)
	}
	seen := map[limits.Kind]bool{}
	for _, g := range sum.Groups {
		seen[g.Limit] = true
		if math.IsNaN(g.Mean) || g.Mean <= 0 {
			t.Errorf("group %+v", g)
		}
	}
	if !seen[limits.GammaLimit] || !seen[limits.KernelLimit] {
		t.Errorf("limits in the summary: %v", seen)
	}
}

package fluctuation

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gnnwb/gnnwb/generators"
	"github.com/gnnwb/gnnwb/generators/walk"
	"github.com/gnnwb/gnnwb/limits"
	"github.com/gnnwb/gnnwb/limits/longrun"
)

// TestLowRank: the reduced path (randomised subspace iteration for the
// noise and the initial-weight directions, lowrank.go), forced on a grid
// small enough for the dense path, gives the dense path's C(t) to 10⁻⁴
// relative: for i.i.d. samples (tanh, SBM graphon, feature noise: 112
// training points) and along the lazy walk h = 0.5 (dense kernel).
func TestLowRank(t *testing.T) {
	if testing.Short() {
		t.Skip("four particle solves")
	}
	p := limits.DefaultProblem()
	p.Quadrature = 16
	p.Signal = must(generators.ParseSignal("poly:1"))
	p.NoiseX = 0.1
	p.Graphon = must(generators.ParseGraphon("sbm:0.5,0.5:0.8,0.2;0.2,0.8"))
	s, err := limits.NewSetup(p)
	if err != nil {
		t.Fatal(err)
	}
	times := []float64{0.5, 1.5}
	ch, err := longrun.Graphon(s, walk.Options{Hold: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	sw, kern, err := walkSetup("test", s, ch)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		s    grid
		kern []float64
	}{{"iid", s, nil}, {"walk", sw, kern}} {
		run := func(lowRank bool) *Constant {
			set := defaults
			set.kern, set.lowRank = tc.kern, lowRank
			c, err := particleRun(context.Background(), tc.s, times, 512, 256, set)
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		dense, low := run(false), run(true)
		for k := range times {
			if r := math.Abs(low.C[k]-dense.C[k]) / dense.C[k]; r > 1e-4 {
				t.Errorf("%s: C(%v) reduced %.7f, dense %.7f (relative %.2g)", tc.name, times[k], low.C[k], dense.C[k], r)
			}
		}
		t.Logf("%s: C = %.7f (dense), %.7f (reduced); %s", tc.name, dense.C, low.C, low.Method)
	}
}

// TestGraphWalkSparse: on a graph small enough for the dense kernel, the
// reduced path with the sparse chain (Poisson series on the graph) gives
// the dense path's C(t) to 10⁻⁴ relative, for tanh along the lazy walk
// with restart on a G(n, W, ρ) of 80 nodes.
func TestGraphWalkSparse(t *testing.T) {
	if testing.Short() {
		t.Skip("two particle solves")
	}
	pr := limits.DefaultProblem()
	proc := generators.Process{W: pr.Graphon, Rho: 1, N: 80, X: pr.Signal, Y: pr.Target}
	w, err := walk.NewRandomGraph(proc, rand.New(rand.NewPCG(5, 5)), walk.Options{Hold: 0.3, Restart: 0.15})
	if err != nil {
		t.Fatal(err)
	}
	times := []float64{0.5, 1.5}
	opt := Options{Particles: 512, Carriers: 256}
	dense, err := graphWalk(context.Background(), pr, w, times, opt, false)
	if err != nil {
		t.Fatal(err)
	}
	sparse, err := graphWalk(context.Background(), pr, w, times, opt, true)
	if err != nil {
		t.Fatal(err)
	}
	for k := range times {
		if r := math.Abs(sparse.C[k]-dense.C[k]) / dense.C[k]; r > 1e-4 {
			t.Errorf("C(%v) sparse %.7f, dense %.7f (relative %.2g)", times[k], sparse.C[k], dense.C[k], r)
		}
	}
	t.Logf("C = %.8f (dense), %.8f (sparse); %s", dense.C, sparse.C, sparse.Method)
}

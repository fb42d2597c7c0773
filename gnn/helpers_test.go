package gnn

import (
	"github.com/gnnwb/gnnwb/gnn/internal/gnntest"
	"github.com/gnnwb/gnnwb/graphs/graphstest"

	"math"
	"math/rand/v2"
	"testing"

	"github.com/gnnwb/gnnwb/graphs"
)

// testGraph builds a random graph on n nodes: edges with probability p, a
// few self loops, the last node isolated; weights in [0.5, 2) if weighted.
// testGraph is graphstest.Random: loops on nodes 0, 3, 6, … and an
// isolated last node.
func testGraph(t testing.TB, n int, p float64, directed, weighted bool, seed uint64) graphs.Graph {
	t.Helper()
	return graphstest.Random(t, n, p, graphstest.Kind{Directed: directed, Weighted: weighted}, seed)
}

var graphCases = graphstest.Kinds()

// checkModule compares a module's Backward against central differences of
// L = Σ r ⊙ Forward(h) for a fixed random r, for the input and every
// parameter.
func checkModule(t *testing.T, m Module, b *Batch, h []float64, outLen int, seed uint64) {
	t.Helper()
	checkModuleZeros(t, m, b, h, outLen, seed, nil)
}

// checkModuleZeros is checkModule for a module some of whose parameters
// provably do not affect the output (zero(p) true), such as the bias of a
// Linear followed by a BatchNorm in training, which removes every
// per-column shift. Their central differences measure only rounding noise
// (about eps·|L|/gnntest.FDStep ≈ 1e-10 relative to nothing), so instead their
// backward gradient must be zero up to the rounding of the column sums
// that cancel it: |g| ≤ 1e-12.
func checkModuleZeros(t *testing.T, m Module, b *Batch, h []float64, outLen int, seed uint64, zero func(Param) bool) {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 99))
	r := gnntest.RandSlice(rng, outLen, 1)
	out := make([]float64, outLen)
	loss := func() float64 {
		if err := m.Forward(out, h, b); err != nil {
			t.Fatal(err)
		}
		var s float64
		for k := range out {
			s += r[k] * out[k]
		}
		return s
	}
	loss()
	params := m.Params()
	for _, p := range params { // optim.ZeroGrad, which imports gnn
		clear(p.Grad)
	}
	dh := make([]float64, len(h))
	if err := m.Backward(dh, r, b); err != nil {
		t.Fatal(err)
	}
	grads := make([][]float64, len(params))
	for k, p := range params {
		grads[k] = append([]float64(nil), p.Grad...)
	}
	check := func(name string, x []float64, g []float64) {
		worst := 0.0
		for e := range x {
			x0 := x[e]
			x[e] = x0 + gnntest.FDStep
			lp := loss()
			x[e] = x0 - gnntest.FDStep
			lm := loss()
			x[e] = x0
			num := (lp - lm) / (2 * gnntest.FDStep)
			if re := gnntest.RelErr(g[e], num); re > worst {
				worst = re
				if re > gnntest.FDTol {
					t.Errorf("%s[%d]: backward %.12g, finite difference %.12g (rel err %.2g)", name, e, g[e], num, re)
					return
				}
			}
		}
	}
	check("dh", h, dh)
	for k, p := range params {
		if p.Buffer {
			continue // state without gradient
		}
		if zero != nil && zero(p) {
			for e, g := range grads[k] {
				if math.Abs(g) > 1e-12 {
					t.Errorf("%s[%d]: backward %.3g, want 0 (the output does not depend on it)", p.Name, e, g)
				}
			}
			continue
		}
		check(p.Name, p.Value, grads[k])
	}
}

package longrun_test

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gnnwb/gnnwb/generators"
	"github.com/gnnwb/gnnwb/generators/walk"
	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/limits/longrun"
)

// TestSparseKernel: the sparse chain's K f (Poisson series with sparse
// steps) equals the dense K f (fundamental matrix) to 10⁻¹⁰ of its largest
// entry, for the simple, lazy, restart and thinned walks on a G(n, W, ρ),
// and a disconnected graph without restart is refused.
func TestSparseKernel(t *testing.T) {
	p := generators.Process{W: generators.Exponential(), Rho: 1, N: 60}
	p.X, _ = generators.ParseSignal("fourier:1")
	p.Y, _ = generators.ParseTarget("sin:1")
	cases := []walk.Options{{}, {Hold: 0.5}, {Restart: 0.15}, {Hold: 0.3, Restart: 0.1, Thin: 3}}
	for _, opt := range cases {
		w, err := walk.NewRandomGraph(p, rand.New(rand.NewPCG(4, 4)), opt)
		if err != nil {
			t.Fatal(err)
		}
		dense, err := longrun.Graph(w)
		if err != nil {
			t.Fatal(err)
		}
		sp, err := longrun.SparseGraph(w)
		if err != nil {
			t.Fatal(err)
		}
		const m = 3
		s := sp.S
		rng := rand.New(rand.NewPCG(1, 2))
		f := make([]float64, s*m)
		for i := range f {
			f[i] = rng.NormFloat64()
		}
		got := make([]float64, s*m)
		est, err := sp.Kernel(got, f, m)
		if err != nil {
			t.Fatalf("%v: %v", opt, err)
		}
		want := make([]float64, s*m)
		top, diff := 0.0, 0.0
		for x := range s {
			for y := range s {
				for j := range m {
					want[x*m+j] += dense.K[x*s+y] * f[y*m+j]
				}
			}
			for j := range m {
				top = math.Max(top, math.Abs(want[x*m+j]))
			}
		}
		for i := range got {
			diff = math.Max(diff, math.Abs(got[i]-want[i]))
		}
		if diff > 1e-10*top || !(est < 1e-10) {
			t.Errorf("%v: |K f − dense| = %.3g of %.3g, stated %.3g", opt, diff, top, est)
		}
	}
	// two components, no restart: the series does not converge
	g, err := graphs.FromEdges(4, []graphs.Edge{{U: 0, V: 1}, {U: 2, V: 3}, {U: 1, V: 1}}, graphs.KeepSelfLoops)
	if err != nil {
		t.Fatal(err)
	}
	w, err := walk.NewGraph(g, make([]float64, 4), 1, make([]float64, 4), p.Aggregation, 1, walk.Options{Hold: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	sp, err := longrun.SparseGraph(w)
	if err != nil {
		t.Fatal(err)
	}
	f := []float64{1, 0, 0, 0}
	if _, err := sp.Kernel(make([]float64, 4), f, 1); !errors.Is(err, graphs.ErrParameter) {
		t.Errorf("reducible walk: err = %v, want ErrParameter", err)
	}
}

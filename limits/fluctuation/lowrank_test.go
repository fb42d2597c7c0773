package fluctuation

import (
	"context"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gnnwb/gnnwb/datasets"
	"github.com/gnnwb/gnnwb/generators"
	"github.com/gnnwb/gnnwb/generators/walk"
	"github.com/gnnwb/gnnwb/gnn/activation"
	"github.com/gnnwb/gnnwb/graphs/aggregation"
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

// TestGraphWalkSparseLinear: for σ the identity, the Lyapunov equation
// with the kernel applied once by the Poisson series on the graph
// (kernelGram, longrun.Sparse) gives the dense fundamental matrix's C(t)
// to 10⁻¹⁰ relative: on the karate club (GNNWB_DATA, skipped when absent)
// and on a G(n, W, ρ) of 400 nodes, with and without restart. Above the
// dense limit (2^13 nodes) GraphWalk takes the sparse path: a G(n, W, ρ)
// of 20000 nodes (nρ = 20) runs (not with -short).
func TestGraphWalkSparseLinear(t *testing.T) {
	pr := limits.DefaultProblem()
	pr.Activation, pr.Alpha = activation.Identity, 1
	times := []float64{0.5, 2}
	random := func(n int, rho float64, opt walk.Options) func(*testing.T) *walk.Graph {
		return func(t *testing.T) *walk.Graph {
			proc := generators.Process{W: pr.Graphon, Rho: rho, N: n, X: pr.Signal, Y: pr.Target}
			w, err := walk.NewRandomGraph(proc, rand.New(rand.NewPCG(7, uint64(n))), opt)
			if err != nil {
				t.Fatal(err)
			}
			return w
		}
	}
	karate := func(opt walk.Options) func(*testing.T) *walk.Graph {
		return func(t *testing.T) *walk.Graph {
			dir := os.Getenv("GNNWB_DATA")
			if dir == "" {
				t.Skip("GNNWB_DATA not set")
			}
			ds, err := datasets.ReadKarate(filepath.Join(dir, "karate", "karate.gml"))
			if err != nil {
				t.Skip(err)
			}
			g := ds.Graph
			n := g.NumNodes()
			x, y := make([]float64, n), make([]float64, n)
			for i := range n {
				x[i] = math.Log1p(float64(g.Degree(i))) - 2
				y[i] = math.Sin(2 * x[i])
			}
			w, err := walk.NewGraph(g, x, 1, y, aggregation.Aggregation{Norm: aggregation.Mean}, 1, opt)
			if err != nil {
				t.Fatal(err)
			}
			return w
		}
	}
	for _, tc := range []struct {
		name string
		mk   func(*testing.T) *walk.Graph
	}{
		{"karate/h=0.5", karate(walk.Options{Hold: 0.5})},
		{"karate/r=0.15", karate(walk.Options{Restart: 0.15})},
		{"gnp400/h=0.3", random(400, 0.1, walk.Options{Hold: 0.3})},
		{"gnp400/h=0.3,r=0.15", random(400, 0.1, walk.Options{Hold: 0.3, Restart: 0.15})},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := tc.mk(t)
			t0 := time.Now()
			dense, err := graphWalk(context.Background(), pr, w, times, Options{}, false)
			if err != nil {
				t.Fatal(err)
			}
			t1 := time.Now()
			sparse, err := graphWalk(context.Background(), pr, w, times, Options{}, true)
			if err != nil {
				t.Fatal(err)
			}
			t2 := time.Now()
			worst := 0.0
			for k := range times {
				r := math.Abs(sparse.C[k]-dense.C[k]) / dense.C[k]
				if !(r <= 1e-10) {
					t.Errorf("C(%v) sparse %.15g, dense %.15g (relative %.2g)", times[k], sparse.C[k], dense.C[k], r)
				}
				worst = max(worst, r)
			}
			t.Logf("C = %.12g (dense, %v), %.12g (sparse, %v), relative difference %.1e; %s", dense.C, t1.Sub(t0).Round(time.Millisecond), sparse.C, t2.Sub(t1).Round(time.Millisecond), worst, sparse.Method)
		})
	}
	t.Run("gnp20000", func(t *testing.T) {
		if testing.Short() {
			t.Skip("a graph of 20000 nodes")
		}
		t0 := time.Now()
		w := random(20000, 1e-3, walk.Options{Hold: 0.3, Restart: 0.15})(t)
		t1 := time.Now()
		c, err := GraphWalk(context.Background(), pr, w, times, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(c.Method, "Poisson series") {
			t.Errorf("method %q: not the sparse path", c.Method)
		}
		for k, v := range c.C {
			if !(v > 0 && !math.IsInf(v, 0)) {
				t.Errorf("C(%v) = %v", times[k], v)
			}
		}
		t.Logf("n=20000, %d edges: graph %v, GraphWalk %v: C = %.10g; %s", w.Graph().NumEdges(), t1.Sub(t0).Round(time.Millisecond), time.Since(t1).Round(time.Millisecond), c.C, c.Method)
	})
}

// TestKernelGram: the quadratic form of kernelGram, with the kernel
// operator a dense symmetric matrix, is Hᵀ K H (longrun.QuadForm) with H
// the rows (y_k − b·φ_k) φ_k, to 10⁻¹², for p ∈ {1, 2, 5} and three b.
func TestKernelGram(t *testing.T) {
	for _, tc := range []struct{ np, p int }{{6, 1}, {9, 2}, {40, 5}} {
		rng := rand.New(rand.NewPCG(uint64(tc.np), uint64(tc.p)))
		np, p := tc.np, tc.p
		k := make([]float64, np*np)
		for i := range np {
			for j := i; j < np; j++ {
				v := rng.NormFloat64()
				k[i*np+j], k[j*np+i] = v, v
			}
		}
		phi, y := make([]float64, np*p), make([]float64, np)
		for i := range phi {
			phi[i] = rng.NormFloat64()
		}
		for i := range y {
			y[i] = rng.NormFloat64()
		}
		kop := func(dst, src []float64, m int) (float64, error) {
			clear(dst)
			for x := range np {
				for z := range np {
					for j := range m {
						dst[x*m+j] += k[x*np+z] * src[z*m+j]
					}
				}
			}
			return 0, nil
		}
		kg, err := newKernelGram(phi, y, p, kop)
		if err != nil {
			t.Fatal(err)
		}
		for range 3 {
			b := make([]float64, p)
			for i := range b {
				b[i] = rng.NormFloat64()
			}
			h := make([]float64, np*p)
			for x := range np {
				r := y[x]
				for i := range p {
					r -= b[i] * phi[x*p+i]
				}
				for i := range p {
					h[x*p+i] = r * phi[x*p+i]
				}
			}
			want := longrun.QuadForm(k, np, h, p)
			got := make([]float64, p*p)
			kg.quad(got, b)
			scale := 0.0
			for _, v := range want {
				scale = math.Max(scale, math.Abs(v))
			}
			for i := range want {
				if math.Abs(got[i]-want[i]) > 1e-12*scale {
					t.Errorf("np=%d p=%d: entry %d: %v, want %v", np, p, i, got[i], want[i])
				}
			}
		}
	}
}

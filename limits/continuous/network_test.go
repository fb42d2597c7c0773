package continuous

import (
	"context"
	"errors"
	"github.com/gnnwb/gnnwb/graphs/aggregation"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gnnwb/gnnwb/generators"
	"github.com/gnnwb/gnnwb/gnn"
	"github.com/gnnwb/gnnwb/gnn/activation"
	"github.com/gnnwb/gnnwb/graphs"
)

func mustConstant(t *testing.T, p float64) generators.Graphon {
	t.Helper()
	w, err := generators.Constant(p)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func gcn(in, out int, w, b []float64) *gnn.GCNConv {
	l := gnn.NewGCNConv(in, out)
	copy(l.W, w)
	copy(l.B, b)
	return l
}

func linear(in, out int, w, b []float64) *gnn.Linear {
	l := gnn.NewLinear(in, out, b != nil)
	copy(l.W, w)
	copy(l.B, b)
	return l
}

// randomise draws every parameter of m and its biases from N(0, 1/2) with
// a fixed seed, so that biases are non-zero too.
func randomise(m gnn.Module, seed uint64) {
	rng := rand.New(rand.NewPCG(seed, 7))
	for _, p := range m.Params() {
		gnn.Normal(p.Value, math.Sqrt(0.5), rng)
	}
}

// Closed forms, all exact for the Gauss–Legendre rule (polynomial
// integrands of degree ≤ 2 on each panel, rule exact to degree 15):
//   - W ≡ p: T_sym f = ∫ p f / sqrt(p·p) = ∫ f, the mean over u;
//   - W = u·v, d_W(u) = u/2: T_mean f(u) = u ∫ v f(v) dv / (u/2) = 2 ∫ v f(v) dv;
//   - W ≡ p: T_W f = p ∫ f.
func TestClosedForms(t *testing.T) {
	square := func(u float64, dst []float64) { dst[0] = u * u }
	sage := gnn.NewSAGEConv(1, 1)
	sage.W1[0], sage.W2[0] = 0.5, 1
	gin := gnn.NewGINConv(1, linear(1, 1, []float64{2}, []float64{-1}), 0.5, false)
	tests := []struct {
		name  string
		w     generators.Graphon
		m     gnn.Module
		x     Signal
		scale float64
		want  func(u float64) float64
	}{
		{"gcn on a constant graphon is the mean", mustConstant(t, 0.3), gcn(1, 1, []float64{1}, []float64{0.25}), square,
			0, func(float64) float64 { return 1.0/3 + 0.25 }},
		{"sage on the product graphon", generators.Product(), sage, Latent,
			0, func(u float64) float64 { return 0.5*u + 2.0/3 }},
		{"gin on a constant graphon", mustConstant(t, 0.4), gin, Latent,
			10, func(u float64) float64 { return 2*(1.5*u+10*0.4*0.5) - 1 }},
		{"gcn then linear then tanh", mustConstant(t, 1), gnn.NewSequential(gcn(1, 2, []float64{1, -2}, nil), linear(2, 1, []float64{1, 1}, []float64{0.1}), gnn.NewActivation(activation.Tanh, 0)), square,
			0, func(float64) float64 { return math.Tanh(-1.0/3 + 0.1) }},
	}
	for _, tc := range tests {
		us := []float64{0, 0.013, 0.37, 0.5, 0.999, 1}
		if tc.w.String() == "product" {
			us = us[1:] // d_W(0) = 0: the aggregation is 0 there by convention
		}
		t.Run(tc.name, func(t *testing.T) {
			net, err := New(tc.m, tc.w, tc.x, Options{SumScale: tc.scale})
			if err != nil {
				t.Fatal(err)
			}
			rule := net.Rule()
			grid, err := net.Grid()
			if err != nil {
				t.Fatal(err)
			}
			for q, u := range rule.U {
				if d := math.Abs(grid[q] - tc.want(u)); d > 1e-13 {
					t.Errorf("grid u=%v: got %v, want %v", u, grid[q], tc.want(u))
				}
			}
			got, err := net.At(us)
			if err != nil {
				t.Fatal(err)
			}
			for i, u := range us {
				if d := math.Abs(got[i] - tc.want(u)); d > 1e-13 {
					t.Errorf("At(%v) = %v, want %v", u, got[i], tc.want(u))
				}
			}
			var integral float64
			for q, u := range rule.U {
				integral += rule.Omega[q] * tc.want(u)
			}
			if r := net.Readout()[0]; math.Abs(r-integral) > 1e-13 {
				t.Errorf("Readout = %v, want %v", r, integral)
			}
		})
	}
}

func TestGraphLevelMeanPool(t *testing.T) {
	m := gnn.NewSequential(gcn(1, 1, []float64{1}, []float64{0.25}), gnn.NewReadout(gnn.MeanPool, 1), linear(1, 1, []float64{3}, []float64{1}))
	net, err := New(m, mustConstant(t, 0.3), func(u float64, dst []float64) { dst[0] = u * u }, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !net.GraphLevel() {
		t.Fatal("GraphLevel = false")
	}
	want := 3*(1.0/3+0.25) + 1
	if got := net.Readout()[0]; math.Abs(got-want) > 1e-13 {
		t.Errorf("Readout = %v, want %v", got, want)
	}
	if _, err := net.At([]float64{0.5}); !errors.Is(err, graphs.ErrUnsupported) {
		t.Errorf("At on a graph-level network: err = %v, want ErrUnsupported", err)
	}
}

// At on the grid nodes reproduces the grid values (up to the order of the
// sums: S(hΘ) on the grid, (Sh)Θ at a point).
func TestAtReproducesGrid(t *testing.T) {
	w, err := generators.Gaussian(0.15)
	if err != nil {
		t.Fatal(err)
	}
	m := gcnStack([]int{1, 10, 10, 10, 1}, activation.ReLU, aggregation.NoLoops, 3, 0)
	net, err := New(m, w, Latent, Options{})
	if err != nil {
		t.Fatal(err)
	}
	grid, _ := net.Grid()
	got, err := net.At(net.Rule().U)
	if err != nil {
		t.Fatal(err)
	}
	for q := range grid {
		if d := math.Abs(got[q] - grid[q]); d > 1e-13*(1+math.Abs(grid[q])) {
			t.Fatalf("q=%d: At = %v, grid = %v", q, got[q], grid[q])
		}
	}
}

// mixedNet is GCN(1,4), ReLU, SAGE(4,3), tanh, GCN(3,2) with random
// parameters.
func mixedNet(seed uint64) *gnn.Sequential {
	m := gnn.NewSequential(gnn.NewGCNConv(1, 4), gnn.NewActivation(activation.ReLU, 0), gnn.NewSAGEConv(4, 3),
		gnn.NewActivation(activation.Tanh, 0), gnn.NewGCNConv(3, 2))
	randomise(m, seed)
	return m
}

// On the complete graph K_n a constant input stays constant through every
// layer, exactly: S_sym (Ã = J, d̃ = n) and S_mean average equal values,
// and in the limit T_sym 1 = ∫ p / p = 1 and T_mean 1 = 1 for W ≡ p. So the
// finite network and its limit agree to rounding, whatever the latents.
func TestCompleteGraphConstantInput(t *testing.T) {
	const n = 37
	var edges []graphs.Edge
	for i := range n {
		for j := range i {
			edges = append(edges, graphs.Edge{U: i, V: j})
		}
	}
	g, err := graphs.FromEdges(n, edges, graphs.Undirected)
	if err != nil {
		t.Fatal(err)
	}
	u := make([]float64, n)
	rng := rand.New(rand.NewPCG(1, 0))
	for i := range u {
		u[i] = rng.Float64()
	}
	x := func(_ float64, dst []float64) { dst[0] = 0.7 }
	e, err := Distance(context.Background(), mixedNet(5), mustConstant(t, 0.6), g, u, x, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if e.NodeRMS > 1e-13 || e.Readout > 1e-13 {
		t.Errorf("errors %+v, want < 1e-13", e)
	}
	// The same with a mean readout and a linear head: a graph-level model.
	head := linear(2, 1, []float64{0.3, -1.2}, []float64{0.05})
	gm := gnn.NewSequential(mixedNet(5), gnn.NewActivation(activation.ReLU, 0), gnn.NewReadout(gnn.MeanPool, 2), head)
	e, err = Distance(context.Background(), gm, mustConstant(t, 0.6), g, u, x, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !math.IsNaN(e.NodeRMS) || e.Readout > 1e-13 {
		t.Errorf("graph-level errors %+v, want NaN and < 1e-13", e)
	}
}

// weightedComplete returns the weighted complete graph on the grid latents
// u_i = (i−½)/n with A_ij = W(u_i, u_j), with the loops A_ii = W(u_i, u_i)
// when loops is set.
func weightedComplete(t *testing.T, n int, w generators.Graphon, loops bool) (graphs.Graph, []float64) {
	t.Helper()
	u := make([]float64, n)
	for i := range u {
		u[i] = (float64(i) + 0.5) / float64(n)
	}
	f := w.Func()
	var edges []graphs.Edge
	for i := range n {
		hi := i
		if loops {
			hi = i + 1
		}
		for j := 0; j < hi; j++ {
			edges = append(edges, graphs.Edge{U: i, V: j, W: f(u[i], u[j])})
		}
	}
	flags := graphs.Undirected | graphs.Weighted
	if loops {
		flags |= graphs.KeepSelfLoops
	}
	g, err := graphs.FromEdges(n, edges, flags)
	if err != nil {
		t.Fatal(err)
	}
	return g, u
}

// The GCN on the weighted complete graph of the grid latents is a
// quadrature of its limit:
//   - with loops A_ii = W(u_i,u_i), every aggregation (degrees included) is
//     the midpoint rule of the limit's integral, whose error for smooth
//     integrands is c₂/n² + c₄/n⁴ + …, so e(n) = a n^{−2}(1 + O(n^{−2}));
//   - without loops, GCN adds loops of weight 1 instead of W(u_i,u_i) =
//     e^{−2u_i} (exponential graphon) and SAGE's mean leaves node i out, an
//     O(1/n) change: e(n) = a n^{−1}(1 + O(n^{−1}));
//   - GIN's sum with loops is n times the midpoint rule, and its limit uses
//     SumScale = n (Distance's default n·ρ): an error n·O(n^{−2}) = O(1/n).
//
// With e(n) = a n^{−p}(1 + c n^{−k} + …) the doubling ratio is
// r(n) = e(n)/e(2n) = 2^p (1 + c(1 − 2^{−k}) n^{−k} + …), so r − 2^p shrinks by
// 2^k ≥ 2 per doubling. The test checks that it shrinks (by ≥ 1/0.75, leaving
// room for the next order) and ends within 5% of 2^p. The network is smooth
// (tanh) and the limit's rule resolves it to ~1e-15 (checked against a rule
// with twice the panels), far below e(200) ≈ 1e-6.
//
// The network is GCN, tanh, SAGE, tanh, GCN (GIN and two linear layers for
// the GIN case) with random parameters.
func TestWeightedCompleteGraphRates(t *testing.T) {
	w := generators.Exponential()
	m := gnn.NewSequential(gnn.NewGCNConv(1, 6), gnn.NewActivation(activation.Tanh, 0), gnn.NewSAGEConv(6, 6),
		gnn.NewActivation(activation.Tanh, 0), gnn.NewGCNConv(6, 1))
	randomise(m, 11)
	rule, _ := PanelRule(4, 16)
	fine, _ := PanelRule(8, 16)
	net, err := New(m, w, Latent, Options{Rule: rule})
	if err != nil {
		t.Fatal(err)
	}
	nf, err := New(m, w, Latent, Options{Rule: fine})
	if err != nil {
		t.Fatal(err)
	}
	le, err := limitDiff(net, nf)
	if err != nil {
		t.Fatal(err)
	}
	if le.NodeRMS > 1e-13 {
		t.Fatalf("limit's own error %v", le.NodeRMS)
	}
	sizes := []int{25, 50, 100, 200}
	for _, tc := range []struct {
		name  string
		loops bool
		p     float64
	}{{"midpoint (loops W(u,u))", true, 2}, {"added unit loops", false, 1}} {
		t.Run(tc.name, func(t *testing.T) {
			e := make([]float64, len(sizes))
			for k, n := range sizes {
				g, u := weightedComplete(t, n, w, tc.loops)
				yhat, err := runFinite(m, g, u, Latent, 1, 1, false, 1)
				if err != nil {
					t.Fatal(err)
				}
				d, err := net.Compare(context.Background(), yhat, u)
				if err != nil {
					t.Fatal(err)
				}
				e[k] = d.NodeRMS
			}
			checkRatios(t, sizes, e, math.Pow(2, tc.p))
		})
	}
	t.Run("gin sum with loops", func(t *testing.T) {
		gin := gnn.NewGINConv(1, gnn.NewSequential(gnn.NewLinear(1, 3, true), gnn.NewLinear(3, 1, true)), 0.2, false)
		randomise(gin, 13)
		e := make([]float64, len(sizes))
		for k, n := range sizes {
			g, u := weightedComplete(t, n, w, true)
			d, err := Distance(context.Background(), gin, w, g, u, Latent, Options{Rule: rule})
			if err != nil {
				t.Fatal(err)
			}
			e[k] = d.NodeRMS
		}
		checkRatios(t, sizes, e, 2)
	})
}

// checkRatios checks that e(n)/e(2n) approaches want as described above.
func checkRatios(t *testing.T, sizes []int, e []float64, want float64) {
	t.Helper()
	prev := math.Inf(1)
	for k := 0; k+1 < len(e); k++ {
		r := e[k] / e[k+1]
		dev := math.Abs(r - want)
		t.Logf("n=%d→%d: e=%.3e→%.3e ratio %.4f", sizes[k], sizes[k+1], e[k], e[k+1], r)
		if dev > 0.75*prev {
			t.Errorf("ratio deviation %v did not shrink (previous %v)", dev, prev)
		}
		prev = dev
	}
	if prev > 0.05*want {
		t.Errorf("last ratio deviates by %v from %v", prev, want)
	}
}

func TestNewErrors(t *testing.T) {
	w := mustConstant(t, 0.5)
	tests := []struct {
		name string
		m    gnn.Module
		w    generators.Graphon
		x    Signal
		opt  Options
		want error
	}{
		{"nil module", nil, w, Latent, Options{}, graphs.ErrParameter},
		{"nil signal", gcn(1, 1, nil, nil), w, nil, Options{}, graphs.ErrParameter},
		{"zero graphon", gcn(1, 1, nil, nil), generators.Graphon{}, Latent, Options{}, graphs.ErrParameter},
		{"gat", gnn.NewGATConv(1, 2, 1, false), w, Latent, Options{}, graphs.ErrUnsupported},
		{"sum readout", gnn.NewSequential(gcn(1, 1, nil, nil), gnn.NewReadout(gnn.SumPool, 1)), w, Latent, Options{}, graphs.ErrUnsupported},
		{"gin without scale", gnn.NewGINConv(1, linear(1, 1, nil, nil), 0, false), w, Latent, Options{}, graphs.ErrParameter},
		{"negative scale", gcn(1, 1, nil, nil), w, Latent, Options{SumScale: -1}, graphs.ErrParameter},
		{"widths do not chain", gnn.NewSequential(gcn(1, 2, nil, nil), gcn(3, 1, nil, nil)), w, Latent, Options{}, graphs.ErrShape},
		{"aggregation after readout", gnn.NewSequential(gnn.NewReadout(gnn.MeanPool, 1), gcn(1, 1, nil, nil)), w, Latent, Options{}, graphs.ErrUnsupported},
		{"non-finite input", gcn(1, 1, nil, nil), w, func(_ float64, d []float64) { d[0] = math.NaN() }, Options{}, graphs.ErrParameter},
		{"empty sequential", gnn.NewSequential(), w, Latent, Options{}, graphs.ErrShape},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := New(tc.m, tc.w, tc.x, tc.opt); !errors.Is(err, tc.want) {
				t.Errorf("err = %v, want %v", err, tc.want)
			}
		})
	}
	net, err := New(gcn(1, 1, []float64{1}, nil), w, Latent, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []float64{-0.1, 1.5, math.NaN()} {
		if _, err := net.At([]float64{0.5, u}); !errors.Is(err, graphs.ErrParameter) {
			t.Errorf("At(%v): err = %v, want ErrParameter", u, err)
		}
	}
	if _, err := net.Compare(context.Background(), []float64{1, 2}, []float64{0.5}); !errors.Is(err, graphs.ErrShape) {
		t.Errorf("Compare with wrong length: err = %v", err)
	}
	g, _ := graphs.FromEdges(3, []graphs.Edge{{U: 0, V: 1}}, graphs.Undirected)
	if _, err := Distance(context.Background(), gcn(1, 1, nil, nil), w, g, []float64{0.5}, Latent, Options{}); !errors.Is(err, graphs.ErrShape) {
		t.Errorf("Distance with 1 latent for 3 nodes: err = %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Distance(ctx, gcn(1, 1, nil, nil), w, g, []float64{0.1, 0.2, 0.3}, Latent, Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("Distance with a cancelled context: err = %v", err)
	}
	if _, err := FromModel(nil, w, Latent, Options{}); !errors.Is(err, graphs.ErrParameter) {
		t.Errorf("FromModel(nil): err = %v", err)
	}
}

// FromModel compiles a gnn.Model (dropout skipped) to the same limit as its
// Sequential.
func TestFromModel(t *testing.T) {
	m, err := gnn.NewModel(gnn.KindSAGE, 1, 5, 2, gnn.ModelOptions{Layers: 3, Dropout: 0.5, Act: activation.Tanh})
	if err != nil {
		t.Fatal(err)
	}
	m.Init(4)
	w, _ := generators.Gaussian(0.3)
	a, err := FromModel(m, w, Latent, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var plain []gnn.Module
	for _, l := range m.Net.Modules {
		if _, ok := l.(*gnn.Dropout); !ok {
			plain = append(plain, l)
		}
	}
	b, err := New(gnn.NewSequential(plain...), w, Latent, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ga, _ := a.Grid()
	gb, _ := b.Grid()
	if a.Out() != 2 || a.In() != 1 || len(ga) != len(gb) {
		t.Fatalf("shapes: in %d out %d, %d vs %d", a.In(), a.Out(), len(ga), len(gb))
	}
	for i := range ga {
		if ga[i] != gb[i] {
			t.Fatalf("grid[%d]: %v vs %v", i, ga[i], gb[i])
		}
	}
	// The parameters were copied: changing the model does not change a.
	m.Net.Modules[1].(*gnn.SAGEConv).W1[0] += 1
	ga2, _ := a.Grid()
	if ga2[0] != ga[0] {
		t.Error("the network kept a reference to the model's parameters")
	}
}

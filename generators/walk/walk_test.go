package walk_test

import (
	"bytes"
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"gonum.org/v1/gonum/integrate/quad"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/gnnwb/gnnwb/generators"
	"github.com/gnnwb/gnnwb/generators/walk"
	"github.com/gnnwb/gnnwb/gnn/activation"
	"github.com/gnnwb/gnnwb/gnn/shallow"
	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/graphs/aggregation"
)

var _ shallow.StatefulSampler = (*walk.Graph)(nil)
var _ shallow.StatefulSampler = (*walk.Graphon)(nil)

func mustGraphon(t testing.TB, spec string) generators.Graphon {
	t.Helper()
	w, err := generators.ParseGraphon(spec)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func process(t testing.TB, spec string, n int) generators.Process {
	t.Helper()
	x, err := generators.ParseSignal("fourier:1")
	if err != nil {
		t.Fatal(err)
	}
	y, err := generators.ParseTarget("sin:1")
	if err != nil {
		t.Fatal(err)
	}
	return generators.Process{W: mustGraphon(t, spec), Rho: 1, N: n, X: x, Y: y}
}

func graphonWalk(t testing.TB, spec string, opt walk.Options) *walk.Graphon {
	t.Helper()
	es, err := generators.NewEgoSampler(process(t, spec, 200), 1)
	if err != nil {
		t.Fatal(err)
	}
	w, err := walk.NewGraphon(mustGraphon(t, spec), es, opt)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// chi2 returns the χ² statistic and its upper tail probability for counts
// against probabilities p (bins with expectation below 5 are merged into
// the next).
func chi2(counts []int, p []float64) (stat, pval float64) {
	total := 0
	for _, c := range counts {
		total += c
	}
	df := -1
	ec, ep := 0.0, 0.0
	for i := range counts {
		ec += float64(counts[i])
		ep += p[i] * float64(total)
		if ep >= 5 || i == len(counts)-1 {
			stat += (ec - ep) * (ec - ep) / ep
			df++
			ec, ep = 0, 0
		}
	}
	return stat, distuv.ChiSquared{K: float64(df)}.Survival(stat)
}

// TestGraphonStationary: the latent histogram of one long thinned chain of
// the graphon walk against d_W(u)/t(K2, W), by a χ² test over 20 bins, for
// the simple and the lazy walk on a dependent graphon.
func TestGraphonStationary(t *testing.T) {
	const bins, samples = 20, 4000
	for _, tc := range []struct {
		spec string
		opt  walk.Options
	}{
		{"gaussian:0.15", walk.Options{Thin: 150}},
		{"gaussian:0.15", walk.Options{Hold: 0.5, Thin: 300}},
		{"sbm:0.5,0.5:0.9,0.1;0.1,0.9", walk.Options{Thin: 60}},
		{"exponential", walk.Options{Uniform: true, BurnIn: 3, Thin: 1}},
	} {
		t.Run(tc.spec+"/"+tc.opt.String(), func(t *testing.T) {
			w := graphonWalk(t, tc.spec, tc.opt)
			g := mustGraphon(t, tc.spec)
			t2, _ := g.EdgeDensity()
			p := make([]float64, bins)
			x, wt := make([]float64, 16), make([]float64, 16)
			for b := range p {
				quad.Legendre{}.FixedLocations(x, wt, float64(b)/bins, float64(b+1)/bins)
				for i := range x {
					dw, _ := g.Degree(x[i])
					p[b] += wt[i] * dw / t2
				}
			}
			counts := make([]int, bins)
			u := make([]float64, samples)
			if err := w.Walk(rand.New(rand.NewPCG(7, 1)), u); err != nil {
				t.Fatal(err)
			}
			for _, v := range u {
				counts[min(int(v*bins), bins-1)]++
			}
			stat, pv := chi2(counts, p)
			if pv < 1e-3 {
				t.Errorf("χ²=%.1f, p=%.2g: latents not from d_W/t(K2)", stat, pv)
			}
		})
	}
}

// TestGraphonRestartStationary: with restart r the stationary density is
// π_r = r Σ_j (1−r)^j U P^j; for the exponential graphon the walk's move is
// independent of u (density e^{−v}/(1 − e^{−1})), so π_r = r + (1 − r)·that.
func TestGraphonRestartStationary(t *testing.T) {
	const bins, samples, r = 10, 10000, 0.3
	w := graphonWalk(t, "exponential", walk.Options{Restart: r, Hold: 0.4, Thin: 6})
	c := 1 / (1 - math.Exp(-1))
	p := make([]float64, bins)
	for b := range p {
		lo, hi := float64(b)/bins, float64(b+1)/bins
		p[b] = r*(hi-lo) + (1-r)*c*(math.Exp(-lo)-math.Exp(-hi))
	}
	counts := make([]int, bins)
	u := make([]float64, samples)
	if err := w.Walk(rand.New(rand.NewPCG(3, 3)), u); err != nil {
		t.Fatal(err)
	}
	for _, v := range u {
		counts[min(int(v*bins), bins-1)]++
	}
	if stat, pv := chi2(counts, p); pv < 1e-3 {
		t.Errorf("χ²=%.1f, p=%.2g", stat, pv)
	}
}

// smallGraph: a connected graph of 40 nodes with uneven degrees (a path
// with chords and a hub).
func smallGraph(t testing.TB) graphs.Graph {
	t.Helper()
	var e []graphs.Edge
	for i := range 39 {
		e = append(e, graphs.Edge{U: i, V: i + 1})
	}
	for i := 2; i < 40; i += 3 {
		e = append(e, graphs.Edge{U: 0, V: i})
	}
	e = append(e, graphs.Edge{U: 5, V: 17}, graphs.Edge{U: 9, V: 30}, graphs.Edge{U: 11, V: 22})
	g, err := graphs.FromEdges(40, e, graphs.Undirected)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func graphWalk(t testing.TB, g graphs.Graph, opt walk.Options) *walk.Graph {
	t.Helper()
	n := g.NumNodes()
	x := make([]float64, n)
	y := make([]float64, n)
	for i := range x {
		x[i] = float64(i) / float64(n)
		y[i] = math.Sin(float64(i))
	}
	w, err := walk.NewGraph(g, x, 1, y, aggregation.Aggregation{Norm: aggregation.Mean}, 1, opt)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// TestGraphVisits: visit frequencies of a long thinned walk against
// deg_i/2m (r = 0) and against the computed stationary vector (r > 0), by
// χ²; the stationary vector is a fixed point of the transition.
func TestGraphVisits(t *testing.T) {
	g := smallGraph(t)
	for _, opt := range []walk.Options{{Thin: 40}, {Hold: 0.5, Thin: 80}, {Restart: 0.2, Hold: 0.3, Thin: 20}} {
		t.Run(opt.String(), func(t *testing.T) {
			w := graphWalk(t, g, opt)
			pi := w.Stationary()
			n := g.NumNodes()
			if opt.Restart == 0 {
				for i, p := range pi {
					if want := float64(g.Degree(i)) / float64(g.NumEntries()); p != want {
						t.Fatalf("π_%d=%v, want deg/2m=%v", i, p, want)
					}
				}
			}
			tr, err := w.Transition()
			if err != nil {
				t.Fatal(err)
			}
			for j := range n {
				s := 0.0
				for i := range n {
					s += pi[i] * tr[i*n+j]
				}
				if math.Abs(s-pi[j]) > 1e-13 {
					t.Fatalf("(πP)_%d=%v, π_%d=%v", j, s, j, pi[j])
				}
			}
			nodes := make([]int, 8000)
			w.Walk(rand.New(rand.NewPCG(11, 2)), nodes)
			counts := make([]int, n)
			for _, i := range nodes {
				counts[i]++
			}
			if stat, pv := chi2(counts, pi); pv < 1e-3 {
				t.Errorf("χ²=%.1f, p=%.2g", stat, pv)
			}
		})
	}
}

// TestDeterminism: same seed, same samples, with the state encoded and
// restored half way (a resumed sampler continues bit for bit).
func TestDeterminism(t *testing.T) {
	mk := []func() shallow.StatefulSampler{
		func() shallow.StatefulSampler {
			return graphonWalk(t, "gaussian:0.15", walk.Options{Hold: 0.5, BurnIn: 3, Thin: 2})
		},
		func() shallow.StatefulSampler {
			return graphWalk(t, smallGraph(t), walk.Options{Restart: 0.1, Hold: 0.2})
		},
		func() shallow.StatefulSampler {
			w, err := walk.NewRandomGraph(process(t, "sbm:0.5,0.5:0.9,0.1;0.1,0.9", 300), rand.New(rand.NewPCG(1, 9)), walk.Options{})
			if err != nil {
				t.Fatal(err)
			}
			return w
		},
	}
	for i, f := range mk {
		a, b := f(), f()
		const steps, batch = 40, 3
		pa, ya := make([]float64, 2*a.Dim()*batch), make([]float64, batch)
		pb, yb := make([]float64, 2*a.Dim()*batch), make([]float64, batch)
		for k := range int64(steps) {
			if k == steps/2 {
				st := a.AppendState(nil)
				c := f()
				if err := c.SetState(st); err != nil {
					t.Fatal(err)
				}
				b = c
				if !bytes.Equal(b.AppendState(nil), st) {
					t.Fatal("state does not round-trip")
				}
			}
			if err := a.Sample(shallow.StepRand(5, k), pa, ya); err != nil {
				t.Fatal(err)
			}
			if err := b.Sample(shallow.StepRand(5, k), pb, yb); err != nil {
				t.Fatal(err)
			}
			for j := range pa {
				if math.Float64bits(pa[j]) != math.Float64bits(pb[j]) {
					t.Fatalf("sampler %d step %d: φ differs", i, k)
				}
			}
			for j := range ya {
				if math.Float64bits(ya[j]) != math.Float64bits(yb[j]) {
					t.Fatalf("sampler %d step %d: y differs", i, k)
				}
			}
		}
		if err := a.SetState([]byte{1, 2, 3}); !errors.Is(err, graphs.ErrFormat) {
			t.Errorf("sampler %d: SetState(garbage) = %v, want ErrFormat", i, err)
		}
	}
}

// TestTrainResume: training along a walk, interrupted by a cancellation and
// by a continuation to a larger T, is bit-identical to one run.
func TestTrainResume(t *testing.T) {
	cfg := shallow.DefaultConfig()
	cfg.Width, cfg.Dim, cfg.Activation, cfg.Time, cfg.Times = 64, 2, activation.Tanh, 4, []float64{0, 1, 2, 4}
	cfg.Batch = 2
	fresh := func() *walk.Graphon {
		return graphonWalk(t, "gaussian:0.15", walk.Options{Hold: 0.5, Thin: 2})
	}
	full, err := shallow.Train(context.Background(), cfg, fresh())
	if err != nil {
		t.Fatal(err)
	}
	ck := filepath.Join(t.TempDir(), "ck")
	// 1: to T = 1 (the final record draws batch 64 for its loss only).
	c1 := cfg
	c1.Time, c1.Times, c1.Checkpoint = 1, []float64{0, 1}, ck
	if _, err := shallow.Train(context.Background(), c1, fresh()); err != nil {
		t.Fatal(err)
	}
	// 2: continued to T = 4, cancelled after step 150.
	ctx, cancel := context.WithCancel(context.Background())
	c2 := cfg
	c2.Checkpoint, c2.Resume = ck, true
	c2.Progress = func(done, _ int64) {
		if done >= 150 {
			cancel()
		}
	}
	if _, err := shallow.Train(ctx, c2, fresh()); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled run: %v", err)
	}
	c2.Progress = nil
	got, err := shallow.Train(context.Background(), c2, fresh())
	if err != nil {
		t.Fatal(err)
	}
	for i := range full.Model.C {
		if math.Float64bits(full.Model.C[i]) != math.Float64bits(got.Model.C[i]) {
			t.Fatalf("c[%d]: %v resumed, %v in one run", i, got.Model.C[i], full.Model.C[i])
		}
	}
	for i := range full.Model.A {
		if math.Float64bits(full.Model.A[i]) != math.Float64bits(got.Model.A[i]) {
			t.Fatalf("a[%d] differs", i)
		}
	}
	if len(got.Records) != len(full.Records) {
		t.Fatalf("%d records, want %d", len(got.Records), len(full.Records))
	}
	for i := range full.Records {
		if got.Records[i].BatchLoss != full.Records[i].BatchLoss {
			t.Errorf("record %d: batch loss %v, want %v", i, got.Records[i].BatchLoss, full.Records[i].BatchLoss)
		}
	}
}

func TestParseOptions(t *testing.T) {
	for _, o := range []walk.Options{{}, {Hold: 0.5}, {Hold: 0.9, Restart: 0.1, BurnIn: 10, Thin: 3, Uniform: true}} {
		got, err := walk.ParseOptions(o.String())
		if err != nil || got != o {
			t.Errorf("ParseOptions(%q) = %+v, %v; want %+v", o.String(), got, err, o)
		}
	}
	for _, bad := range []string{"h=1", "x=1", "h", "thin=-1", "start=middle", "r=abc"} {
		if _, err := walk.ParseOptions(bad); !errors.Is(err, graphs.ErrParameter) {
			t.Errorf("ParseOptions(%q): %v, want ErrParameter", bad, err)
		}
	}
}

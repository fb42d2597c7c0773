package fluctuation_test

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gnnwb/gnnwb/datasets"
	"github.com/gnnwb/gnnwb/generators/walk"
	"github.com/gnnwb/gnnwb/gnn/activation"
	"github.com/gnnwb/gnnwb/gnn/shallow"
	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/graphs/aggregation"
	"github.com/gnnwb/gnnwb/limits"
	"github.com/gnnwb/gnnwb/limits/fluctuation"
	"github.com/gnnwb/gnnwb/limits/longrun"
)

// karateWalk is the walk opt on Zachary's karate club (GNNWB_DATA) with a
// synthetic target (synthWalk).
func karateWalk(t testing.TB, opt walk.Options) *walk.Graph {
	t.Helper()
	dir := os.Getenv("GNNWB_DATA")
	if dir == "" {
		t.Skip("GNNWB_DATA not set")
	}
	ds, err := datasets.ReadKarate(filepath.Join(dir, "karate", "karate.gml"))
	if err != nil {
		t.Skip(err)
	}
	return synthWalk(t, ds.Graph, opt, false)
}

// coraWalk is the walk opt on Cora's graph with the synthetic target of
// karateWalk.
func coraWalk(t testing.TB, opt walk.Options) *walk.Graph {
	t.Helper()
	dir := os.Getenv("GNNWB_DATA")
	if dir == "" {
		t.Skip("GNNWB_DATA not set")
	}
	ds, err := datasets.ReadPlanetoid(filepath.Join(dir, "planetoid", "raw"), "cora")
	if err != nil {
		t.Skip(err)
	}
	return synthWalk(t, ds.Graph, opt, true)
}

// synthWalk: x_i the standardised degree (bounded: tanh of the
// standardised log(1 + degree), for graphs with hubs such as Cora's, whose
// degrees up to 168 would otherwise make |φ|² comparable to N), m = the
// mean over the neighbours, y_i = sin(2 x_i) + x_i m_i.
func synthWalk(t testing.TB, g graphs.Graph, opt walk.Options, bounded bool) *walk.Graph {
	t.Helper()
	n := g.NumNodes()
	x := make([]float64, n)
	mean, sd := 0.0, 0.0
	for i := range x {
		x[i] = float64(g.Degree(i))
		if bounded {
			x[i] = math.Log1p(x[i])
		}
		mean += x[i] / float64(n)
	}
	for i := range x {
		sd += (x[i] - mean) * (x[i] - mean) / float64(n)
	}
	for i := range x {
		x[i] = (x[i] - mean) / math.Sqrt(sd)
		if bounded {
			x[i] = math.Tanh(x[i])
		}
	}
	m := make([]float64, n)
	for i := range n {
		for _, j := range g.Neighbours(i) {
			m[i] += x[j] / float64(g.Degree(i))
		}
	}
	y := make([]float64, n)
	for i := range y {
		y[i] = math.Sin(2*x[i]) + x[i]*m[i]
	}
	w, err := walk.NewGraph(g, x, 1, y, aggregation.Aggregation{Norm: aggregation.Mean}, 1, opt)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// TestGraphWalkMonteCarlo is the oracle of C_walk on a real graph: linear
// networks trained along the walk of walk.Graph on the karate club (the
// sampler itself, started from its stationary law), simulated exactly by
// the moment chain, against GraphWalk, within 3 standard errors; the error
// norm is the mean over the nodes. go test: 400 seeds at N = 1000 for the
// lazy walk h = 0.5; -args -mc.full: 4000 seeds, N ∈ {1000, 4000}, the
// simple walk and restart 0.15 as well, and Cora's graph (2708 nodes) with
// restart 0.15.
func TestGraphWalkMonteCarlo(t *testing.T) {
	seeds, widths := 400, []int{1000}
	opts := []walk.Options{{Hold: 0.5}}
	if *fullMC {
		seeds, widths = 4000, []int{1000, 4000}
		opts = []walk.Options{{}, {Hold: 0.5}, {Restart: 0.15}}
	}
	type graphCase struct {
		name string
		mk   func(testing.TB, walk.Options) *walk.Graph
		opt  walk.Options
	}
	var cases []graphCase
	for _, o := range opts {
		cases = append(cases, graphCase{"karate", karateWalk, o})
	}
	if *fullMC { // Cora has 78 components: the walk needs its restarts
		cases = append(cases, graphCase{"cora", coraWalk, walk.Options{Restart: 0.15}})
	}
	pr := limits.DefaultProblem()
	pr.Activation, pr.Alpha, pr.Times = activation.Identity, 1, []float64{0.5, 2}
	for _, gc := range cases {
		t.Run(gc.name+"/"+gc.opt.String(), func(t *testing.T) { graphWalkCase(t, pr, gc.mk(t, gc.opt), gc.name, seeds, widths) })
	}
}

func graphWalkCase(t *testing.T, pr limits.Problem, w *walk.Graph, name string, seeds int, widths []int) {
	opt := w.Options()
	{
		ch, err := longrun.Graph(w)
		if err != nil {
			t.Fatal(err)
		}
		tau, _ := ch.Relaxation()
		c, err := fluctuation.GraphWalk(context.Background(), pr, w, pr.Times, fluctuation.Options{})
		if err != nil {
			t.Fatal(err)
		}
		n := w.Graph().NumNodes()
		p := 2
		phi := make([]float64, n*p)
		for i := range n {
			w.Phi(i, phi[i*p:(i+1)*p])
		}
		var b strings.Builder
		fmt.Fprintf(&b, "%s, walk %s, relaxation time %.1f, %d seeds: N, t, N·MSE ± se, C_walk, z\n", name, opt, tau, seeds)
		for _, width := range widths {
			x := overSeeds(t, seeds, func(r int) []float64 {
				seed := uint64(r + 1)
				m, _ := shallow.NewModel(shallow.ModelConfig{Width: width, Dim: 1, Gamma: 1, Activation: activation.Identity, Sc: pr.Sc, Sw: pr.Sw, Seed: seed})
				mo := m.Moments()
				chn, _ := fluctuation.NewChain(width, 1, pr.Alpha, p)
				smp := w.Clone()
				smp.Reset()
				bt := &shallow.Samples{Dim: 1, Y: make([]float64, 1), Phi: make([]float64, p)}
				out := make([]float64, len(pr.Times))
				k := int64(0)
				for i, tk := range pr.Times {
					for last := int64(math.Round(tk * float64(width))); k < last; k++ {
						if err := smp.Sample(shallow.StepRand(seed, k), bt.Phi, bt.Y); err != nil {
							t.Error(err)
							return nil
						}
						if err := chn.Step(&mo, bt); err != nil {
							t.Error(err)
							return nil
						}
					}
					mse := 0.0
					for j := range n {
						e := 0.0
						for a := range p {
							e += (mo.MeanCA[a] - c.Moments[i].MeanCA[a]) * phi[j*p+a]
						}
						mse += e * e / float64(n)
					}
					out[i] = float64(width) * mse
				}
				return out
			})
			means, ses := seedMeans(x)
			for k, tk := range pr.Times {
				mean, se := means[k], ses[k]
				z := (mean - c.C[k]) / se
				fmt.Fprintf(&b, "%5d %4g  %.5f ± %.5f  %.5f  %+.2f\n", width, tk, mean, se, c.C[k], z)
				if math.Abs(z) > 3 && float64(width) >= 50*tau {
					t.Errorf("%v N=%d t=%v: N·MSE = %.5f ± %.5f, C_walk = %.5f: z = %.2f", opt, width, tk, mean, se, c.C[k], z)
				}
			}
		}
		t.Log(b.String())
	}
}

// TestGraphWalkMonteCarloTanh is the oracle of C_walk for σ = tanh on a
// real graph: the mean of N·‖g^N_t − g_t‖² (the mean over the nodes) over
// seeds of real networks (shallow.Train, DefaultProblem's tanh network, α
// = 3) trained by the walk sampler itself along the graph, started from
// its stationary law, against GraphWalk (the particle flow with the
// walk's long-run covariance; M = 2048, M_f = 1024, with its self-check)
// within 3 standard errors plus the stated error, g_t the mean field of
// the same solve, at t ∈ {0.5, 2}. go test: the karate club with the lazy
// walk h = 0.5 (dense kernel), 100 seeds at N = 1000; -args -mc.full:
// 400 seeds at N ∈ {1000, 4000} on the karate club and on Cora's graph
// with restart 0.15 (2708 nodes: the reduced path, the kernel by the
// Poisson series on the graph). Both walks relax within 10 samples, so
// N = 1000 is above 50τ and C_walk is the N → ∞ constant to about 1%.
func TestGraphWalkMonteCarloTanh(t *testing.T) {
	if testing.Short() {
		t.Skip("Monte Carlo of real networks")
	}
	seeds, widths := 100, []int{1000}
	type graphCase struct {
		name string
		mk   func(testing.TB, walk.Options) *walk.Graph
		opt  walk.Options
	}
	cases := []graphCase{{"karate", karateWalk, walk.Options{Hold: 0.5}}}
	if *fullMC {
		seeds, widths = 400, []int{1000, 4000}
		cases = append(cases, graphCase{"cora", coraWalk, walk.Options{Restart: 0.15}})
	}
	pr := limits.DefaultProblem()
	for _, gc := range cases {
		t.Run(gc.name+"/"+gc.opt.String(), func(t *testing.T) {
			graphWalkTanhCase(t, pr, gc.mk(t, gc.opt), gc.name, seeds, widths)
		})
	}
}

func graphWalkTanhCase(t *testing.T, pr limits.Problem, w *walk.Graph, name string, seeds int, widths []int) {
	start := time.Now()
	c, err := fluctuation.GraphWalk(context.Background(), pr, w, pr.Times, fluctuation.Options{SelfCheck: true})
	if err != nil {
		t.Fatal(err)
	}
	solve := time.Since(start)
	n := w.Graph().NumNodes()
	d := w.Dim()
	p := 2 * d
	eval := &shallow.Samples{Dim: d, Phi: make([]float64, n*p), Y: make([]float64, n)}
	for i := range n {
		w.Phi(i, eval.Phi[i*p:(i+1)*p])
		eval.Y[i] = w.Target(i)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s, walk %s, tanh, %d seeds (solve %.1f s): N, t, N·MSE ± se, C_walk ± stated error, z\n%s\n", name, w.Options(), seeds, solve.Seconds(), c.Method)
	for _, width := range widths {
		x := overSeeds(t, seeds, func(r int) []float64 {
			cfg := shallow.Config{
				ModelConfig: shallow.ModelConfig{Width: width, Dim: d, Gamma: 1, Activation: pr.Activation, Variant: shallow.ModelA,
					Sc: pr.Sc, Sw: pr.Sw, Seed: uint64(r + 1)},
				Alpha: pr.Alpha, Batch: 1, Time: pr.Times[len(pr.Times)-1], Times: pr.Times, Eval: eval,
			}
			smp := w.Clone()
			smp.Reset()
			run, err := shallow.Train(context.Background(), cfg, smp)
			if err != nil {
				t.Error(err)
				return nil
			}
			out := make([]float64, len(pr.Times))
			for k := range pr.Times {
				mse := 0.0
				for q, yq := range run.Records[k].Output {
					e := yq - c.G[k][q]
					mse += e * e / float64(n)
				}
				out[k] = float64(width) * mse
			}
			return out
		})
		means, ses := seedMeans(x)
		for k, tk := range pr.Times {
			mean, se := means[k], ses[k]
			z := (mean - c.C[k]) / se
			fmt.Fprintf(&b, "%5d %4g  %.4f ± %.4f  %.4f ± %.4f  %+.2f\n", width, tk, mean, se, c.C[k], c.ErrEstimate[k], z)
			if math.Abs(mean-c.C[k]) > 3*se+c.ErrEstimate[k] {
				t.Errorf("N=%d t=%v: N·MSE = %.4f ± %.4f, C_walk = %.4f ± %.4f: z = %.2f", width, tk, mean, se, c.C[k], c.ErrEstimate[k], z)
			}
		}
	}
	t.Log(b.String())
}

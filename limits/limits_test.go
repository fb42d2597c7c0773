package limits

import (
	"context"
	"github.com/gnnwb/gnnwb/limits/quadrature"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/gnnwb/gnnwb/generators"
	"github.com/gnnwb/gnnwb/gnn/activation"
	"github.com/gnnwb/gnnwb/gnn/shallow"
	"github.com/gnnwb/gnnwb/limits/meanfield"
	"github.com/gnnwb/gnnwb/limits/rates"
)

func mustSetup(t testing.TB, p Problem) *Setup {
	t.Helper()
	s, err := NewSetup(p)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func onGrid(t testing.TB, s *Setup, sol *Solution, k int) []float64 {
	t.Helper()
	g := make([]float64, s.rule.Len())
	if err := sol.Eval(g, k, s.phi); err != nil {
		t.Fatal(err)
	}
	return g
}

// TestLinearParticlesMatchMoments (docs/mathematics.md §6.3, Problem level): for σ the
// identity the particle system follows the moment ODE of its own empirical
// moments exactly, so the particle solver driven by a Problem (M = 4096
// Halton particles) and the moment ODE from those particles' moments agree
// on the evaluation grid to 1e-6 at t = 1 (tolerances 1e-7 relative: ~1e-8).
func TestLinearParticlesMatchMoments(t *testing.T) {
	p := DefaultProblem()
	p.Activation = activation.Identity
	p.Times = []float64{1}
	p.Quadrature = 16
	s := mustSetup(t, p)
	ctx := context.Background()
	th, err := s.particles(4096)
	if err != nil {
		t.Fatal(err)
	}
	part, _, err := s.solveParticles(ctx, p.Times, th)
	if err != nil {
		t.Fatal(err)
	}
	m0, err := meanfield.EmpiricalMoments(th, 2*s.Dim())
	if err != nil {
		t.Fatal(err)
	}
	mom, err := s.moments(ctx, p.Times, m0)
	if err != nil {
		t.Fatal(err)
	}
	a, b := onGrid(t, s, part, 0), onGrid(t, s, mom, 0)
	for q := range a {
		if d := math.Abs(a[q] - b[q]); d > 1e-6 {
			t.Errorf("u=%.3f: particles %v, moments %v (|Δ|=%.2g)", s.rule.U[q], a[q], b[q], d)
		}
	}
	// and the public limit (moments from μ_0 itself) is within the Halton
	// error of 4096 points, far below the finite-N errors measured.
	lim, err := s.Limit(ctx, MeanFieldLimit, 1, 1, SolveOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if e := quadrature.Distance(s.rule.Omega, onGrid(t, s, lim, 0), a); e > 1e-3 {
		t.Errorf("moments from μ_0 vs 4096 particles: %v", e)
	}
}

// slope fits the seed-bootstrapped log-log slope of e[seed][i] against x.
func slope(t *testing.T, x []float64, e [][]float64) rates.Bootstrap {
	t.Helper()
	bs, err := rates.BootstrapFit(x, e, 1000, rand.New(rand.NewPCG(1, 0)))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("slope %.3f, 95%% CI [%.3f, %.3f], means %.3g", bs.Slope, bs.SlopeCI.Lo, bs.SlopeCI.Hi, bs.Mean)
	return bs
}

// TestFiniteWidthRate (docs/mathematics.md §4.2, 6.3): finite networks (σ identity, γ = 1,
// ego sampler on n = 1000 nodes, whose graphon error ~1e-4 is far below the
// width error) of N = 10², 10³, 10⁴ approach the exact moment-ODE limit with
// e_fun ~ N^{−1/2} (the CLT): the fitted slope over 12 seeds lies in
// [−0.65, −0.35]. Short time t = 0.2 keeps the test cheap.
func TestFiniteWidthRate(t *testing.T) {
	p := DefaultProblem()
	p.Activation = activation.Identity
	p.Times = []float64{0.2}
	p.Quadrature = 16
	s := mustSetup(t, p)
	ctx := context.Background()
	lim, err := s.Limit(ctx, MeanFieldLimit, 1, 1, SolveOptions{})
	if err != nil {
		t.Fatal(err)
	}
	gl := onGrid(t, s, lim, 0)
	x := []float64{100, 1000, 10000}
	var e [][]float64
	for seed := uint64(1); seed <= 12; seed++ {
		var row []float64
		for _, m := range x {
			net, err := s.Network(ctx, 1000, int(m), seed)
			if err != nil {
				t.Fatal(err)
			}
			row = append(row, quadrature.Distance(s.rule.Omega, onGrid(t, s, net, 0), gl))
		}
		e = append(e, row)
	}
	if bs := slope(t, x, e); !(bs.Slope >= -0.65 && bs.Slope <= -0.35) {
		t.Errorf("slope along N %.3f not in [−0.65, −0.35]", bs.Slope)
	}
}

// TestGraphonRate (docs/mathematics.md §4.1): in the dense regime (ρ = 1) with the smooth
// exponential graphon, networks of N = 10 units trained on n = 10², 10³, 10⁴
// nodes approach their graphon limit (the same SGD from the same θ_0 on the
// same latents with m replaced by T_W X) with a fitted slope of e_fun in n in
// [−0.65, −0.35] (fluctuation (nρ)^{−1/2} per step), over 12 seeds.
func TestGraphonRate(t *testing.T) {
	p := DefaultProblem()
	p.Times = []float64{2}
	p.Quadrature = 16
	s := mustSetup(t, p)
	ctx := context.Background()
	const width = 10
	x := []float64{100, 1000, 10000}
	var e [][]float64
	for seed := uint64(1); seed <= 12; seed++ {
		lim, err := s.Limit(ctx, GraphonLimit, width, seed, SolveOptions{})
		if err != nil {
			t.Fatal(err)
		}
		gl := onGrid(t, s, lim, 0)
		var row []float64
		for _, n := range x {
			net, err := s.Network(ctx, int(n), width, seed)
			if err != nil {
				t.Fatal(err)
			}
			row = append(row, quadrature.Distance(s.rule.Omega, onGrid(t, s, net, 0), gl))
		}
		e = append(e, row)
	}
	if bs := slope(t, x, e); !(bs.Slope >= -0.65 && bs.Slope <= -0.35) {
		t.Errorf("slope along n %.3f not in [−0.65, −0.35]", bs.Slope)
	}
}

// TestConstantGraphon (docs/mathematics.md §4.2, second oracle): with W ≡ p and the
// graphon aggregation, m(u) = p ∫X = p/2 for X(u) = u, a constant feature.
// The limits of the problem must equal those of the same data without a
// graph but with that constant appended — the mean-field particle solver on
// hand-made features (u, p/2), and the graphon limit as shallow.Train on
// a FuncSampler with M ≡ p/2 — to rounding (1e-12).
func TestConstantGraphon(t *testing.T) {
	const pc = 0.3
	p := DefaultProblem()
	p.Graphon = must(generators.ParseGraphon("constant:0.3"))
	p.Signal = must(generators.ParseSignal("poly:1"))
	p.Times = []float64{0.5, 1}
	p.Quadrature = 12
	s := mustSetup(t, p)
	ctx := context.Background()
	mf, err := s.Limit(ctx, MeanFieldLimit, 1, 1, SolveOptions{Particles: 256})
	if err != nil {
		t.Fatal(err)
	}
	u, omega := s.Nodes()
	phi := make([]float64, 2*len(u))
	y := make([]float64, len(u))
	for q, uq := range u {
		phi[2*q], phi[2*q+1] = uq, pc/2
		y[q] = math.Sin(2 * math.Pi * uq)
	}
	th, err := meanfield.HaltonParticles(256, 1, 1, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := meanfield.SolveParticles(ctx, meanfield.Problem{Act: s.p.Activation, Alpha: p.Alpha, Omega: omega, Phi: phi, Y: y, Dim: 2},
		th, p.Times, particleTol, false)
	if err != nil {
		t.Fatal(err)
	}
	for k := range p.Times {
		g := onGrid(t, s, mf, k)
		for q := range u {
			if d := math.Abs(g[q] - tr.G[k*len(u)+q]); d > 1e-12 {
				t.Errorf("mean field t=%v u=%.3f: graph %v, constant feature %v", p.Times[k], u[q], g[q], tr.G[k*len(u)+q])
			}
		}
	}
	const width, seed = 40, 7
	gr, err := s.Limit(ctx, GraphonLimit, width, seed, SolveOptions{})
	if err != nil {
		t.Fatal(err)
	}
	x, _ := generators.ParseSignal("poly:1")
	tg, _ := generators.ParseTarget("sin:1")
	fs := &shallow.FuncSampler{D: 1, X: x.Eval, M: func(u float64, dst []float64) { dst[0] = pc / 2 }, Y: tg.Eval}
	cfg := shallow.Config{ModelConfig: s.modelConfig(width, seed), Alpha: p.Alpha, Batch: 1, Time: 1, Times: p.Times}
	cfg.Eval, err = fs.At(u, shallow.ModelA)
	if err != nil {
		t.Fatal(err)
	}
	run, err := shallow.Train(ctx, cfg, fs)
	if err != nil {
		t.Fatal(err)
	}
	for k, rec := range run.Records {
		g := onGrid(t, s, gr, k)
		for q := range u {
			if d := math.Abs(g[q] - rec.Output[q]); d > 1e-12 {
				t.Errorf("graphon limit t=%v u=%.3f: graph %v, constant feature %v", rec.T, u[q], g[q], rec.Output[q])
			}
		}
	}
}

// TestKernelFlowEuler (docs/mathematics.md §4.3): the kernel limit (eigendecomposition,
// evaluated through the off-grid formula g_0 + Σ_r K(φ, φ_r) β_r) against a
// direct Euler integration of ġ = α K Ω (Y − g) on the grid with steps h and
// h/2: Euler's error is first order, so |g_{h/2} − g*| ≈ |g_h − g_{h/2}|;
// the test allows 1.5× that (plus 1e-12). For a symmetric μ_0 (g_0 = 0) and
// for the network's own g_0.
func TestKernelFlowEuler(t *testing.T) {
	for _, sym := range []bool{true, false} {
		p := DefaultProblem()
		p.Gamma = 0.5
		p.Activation = activation.Erf
		p.Symmetric = sym
		p.Times = []float64{1}
		p.Quadrature = 12
		s := mustSetup(t, p)
		sol, err := s.Limit(context.Background(), KernelLimit, 50, 3, SolveOptions{})
		if err != nil {
			t.Fatal(err)
		}
		want := onGrid(t, s, sol, 0)
		km, _, err := s.gram()
		if err != nil {
			t.Fatal(err)
		}
		q := len(s.tY)
		g0 := make([]float64, q)
		if !sym {
			m, _ := shallow.NewModel(s.modelConfig(50, 3))
			if err := m.Predict(g0, &shallow.Samples{Dim: s.Dim(), Phi: s.tPhi}); err != nil {
				t.Fatal(err)
			}
		}
		euler := func(steps int) []float64 {
			g := append([]float64(nil), g0...)
			r := make([]float64, q)
			h := p.Times[0] / float64(steps)
			for range steps {
				for j := range r {
					r[j] = s.tOmega[j] * (s.tY[j] - g[j])
				}
				for i := range g {
					d := 0.0
					for j := range r {
						d += km[i*q+j] * r[j]
					}
					g[i] += h * p.Alpha * d
				}
			}
			return g
		}
		g1, g2 := euler(4000), euler(8000)
		var diff, err2 float64
		for i := range g1 {
			diff = math.Max(diff, math.Abs(g1[i]-g2[i]))
			err2 = math.Max(err2, math.Abs(g2[i]-want[i]))
		}
		t.Logf("symmetric=%v: |g_h − g_{h/2}| = %.3g, |g_{h/2} − eigen| = %.3g", sym, diff, err2)
		if err2 > 1.5*diff+1e-12 || diff > 1e-3 {
			t.Errorf("symmetric=%v: eigen vs Euler %.3g, Euler step difference %.3g", sym, err2, diff)
		}
	}
}

// TestNoiseGrid: with noise ε ~ N(0, s² I_d) on the features, the training
// grid's second moments are E[φφᵀ] of the noiseless features plus s² on the
// x block's diagonal (Gauss–Hermite is exact for quadratics), and its first
// moments are unchanged (to 1e-14).
func TestNoiseGrid(t *testing.T) {
	p := DefaultProblem() // fourier:1, d = 2
	p.Quadrature = 10
	clean := mustSetup(t, p)
	p.NoiseX = 0.3
	noisy := mustSetup(t, p)
	const dim = 4
	s0, r0, err := meanfield.SecondMoments(clean.tOmega, clean.tPhi, clean.tY, dim)
	if err != nil {
		t.Fatal(err)
	}
	s1, r1, err := meanfield.SecondMoments(noisy.tOmega, noisy.tPhi, noisy.tY, dim)
	if err != nil {
		t.Fatal(err)
	}
	if len(noisy.tY) != 10*5*5 {
		t.Errorf("grid of %d points, want 10·5²", len(noisy.tY))
	}
	// TrainingGrid returns copies of this grid.
	w, phi, y := noisy.TrainingGrid()
	if !slices.Equal(w, noisy.tOmega) || !slices.Equal(phi, noisy.tPhi) || !slices.Equal(y, noisy.tY) {
		t.Error("TrainingGrid differs from the training grid")
	}
	w[0], phi[0], y[0] = -1, -1, -1
	if noisy.tOmega[0] == -1 || noisy.tPhi[0] == -1 || noisy.tY[0] == -1 {
		t.Error("TrainingGrid returned the Setup's own slices")
	}
	for i := range dim {
		if d := math.Abs(r1[i] - r0[i]); d > 1e-14 {
			t.Errorf("r[%d]: %v vs %v", i, r1[i], r0[i])
		}
		for j := range dim {
			want := s0[i*dim+j]
			if i == j && i < 2 {
				want += 0.09
			}
			if d := math.Abs(s1[i*dim+j] - want); d > 1e-14 {
				t.Errorf("Σ[%d][%d] = %v, want %v", i, j, s1[i*dim+j], want)
			}
		}
	}
}

// TestPopulationGD: the graphon limit of the whole-graph sampler with all
// nodes per step is gradient descent on the population loss. With equal
// weights ω_q = 1/Q it is exactly shallow's SGD step on the batch of all
// grid points (the same formula with 1/B = ω), so the two agree to rounding
// (1e-12) after round(t·N) steps.
func TestPopulationGD(t *testing.T) {
	p := DefaultProblem()
	p.Sampler, p.Batch = WholeGraphSampling, 0
	p.Times = []float64{0.5, 1}
	p.Quadrature = 10
	s := mustSetup(t, p)
	q := len(s.tY)
	s.tOmega = make([]float64, q)
	for i := range s.tOmega {
		s.tOmega[i] = 1 / float64(q)
	}
	const width, seed = 30, 4
	sol, err := s.Limit(context.Background(), GraphonLimit, width, seed, SolveOptions{})
	if err != nil {
		t.Fatal(err)
	}
	m, err := shallow.NewModel(s.modelConfig(width, seed))
	if err != nil {
		t.Fatal(err)
	}
	b := &shallow.Samples{Dim: s.Dim(), Phi: s.tPhi, Y: s.tY}
	got, want := make([]float64, q), make([]float64, q)
	step := 0
	for k, tk := range p.Times {
		for ; step < int(tk*width+0.5); step++ {
			if _, err := m.Step(b, p.Alpha); err != nil {
				t.Fatal(err)
			}
		}
		if err := m.Predict(want, &shallow.Samples{Dim: s.Dim(), Phi: s.tPhi}); err != nil {
			t.Fatal(err)
		}
		if err := sol.Eval(got, k, s.tPhi); err != nil {
			t.Fatal(err)
		}
		for i := range got {
			if d := math.Abs(got[i] - want[i]); d > 1e-12 {
				t.Errorf("t=%v point %d: population GD %v, SGD on all points %v", tk, i, got[i], want[i])
			}
		}
	}
	// and the whole-graph network runs against it
	net, err := s.Network(context.Background(), 50, width, seed)
	if err != nil {
		t.Fatal(err)
	}
	if err := net.Eval(got, 1, s.tPhi); err != nil {
		t.Fatal(err)
	}
}

// TestNetworkIsTrain: Setup.Network is shallow.Train on generators'
// ego sampler, bit for bit: the outputs on the evaluation grid at every
// time equal Train's recorded outputs exactly.
func TestNetworkIsTrain(t *testing.T) {
	p := DefaultProblem()
	p.Times = []float64{0, 0.5, 1.5}
	p.Batch = 3
	p.NoiseX, p.NoiseY = 0.1, 0.2
	p.Quadrature = 8
	s := mustSetup(t, p)
	const n, width, seed = 200, 24, 9
	net, err := s.Network(context.Background(), n, width, seed)
	if err != nil {
		t.Fatal(err)
	}
	smp, err := generators.NewEgoSampler(s.process(n), p.Batch)
	if err != nil {
		t.Fatal(err)
	}
	cfg := shallow.Config{ModelConfig: s.modelConfig(width, seed), Alpha: p.Alpha, Batch: p.Batch, Time: 1.5, Times: p.Times,
		Eval: &shallow.Samples{Dim: s.Dim(), Phi: s.phi}}
	run, err := shallow.Train(context.Background(), cfg, smp)
	if err != nil {
		t.Fatal(err)
	}
	g := make([]float64, s.rule.Len())
	for k, rec := range run.Records {
		if err := net.Eval(g, k, s.phi); err != nil {
			t.Fatal(err)
		}
		for q := range g {
			if g[q] != rec.Output[q] {
				t.Fatalf("t=%v node %d: Network %v, Train %v", rec.T, q, g[q], rec.Output[q])
			}
		}
	}
}

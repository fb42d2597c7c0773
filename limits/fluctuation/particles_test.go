package fluctuation_test

import (
	"context"
	"errors"
	"math"
	"runtime"
	"strings"
	"testing"

	"gonum.org/v1/gonum/integrate/quad"

	"github.com/gnnwb/gnnwb/generators"
	"github.com/gnnwb/gnnwb/gnn/activation"
	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/limits"
	"github.com/gnnwb/gnnwb/limits/fluctuation"
)

// TestParticlesLinear: for σ the identity the linearised particle flow
// reproduces the Lyapunov equation of the moment chain (Linear), on the
// reference problem at t ∈ {0, 0.5, 1, 2, 4}, for both initialisations:
// within its stated error (the self-check), and within 5·10⁻⁴ C(t), which
// is sharper: the stated error is conservative here because the solve on
// half the carriers can no longer use masses exact to degree 4. What is
// left at full size is the quasi-Monte Carlo error of the mean field of M
// Halton particles, of order 10⁻⁴ relative and not monotone in M (10⁻⁵ at
// M = 8192, 10⁻⁴ at M = 16384). The masses of the carriers integrate
// every polynomial of degree ≤ 4 under μ_0 exactly, so C(0) is exact to
// rounding (a quartic in θ_0) and the carriers add no error of their own.
func TestParticlesLinear(t *testing.T) {
	if testing.Short() {
		t.Skip("four particle solves")
	}
	times := []float64{0, 0.5, 1, 2, 4}
	for _, symmetric := range []bool{false, true} {
		s := setup(t, referenceProblem(symmetric))
		lin, err := fluctuation.Linear(context.Background(), s, times)
		if err != nil {
			t.Fatal(err)
		}
		c, err := fluctuation.Particles(context.Background(), s, times, fluctuation.Options{SelfCheck: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(c.ErrEstimate) != len(times) || c.CovB != nil || c.Moments != nil || !strings.Contains(c.Method, "McKean–Vlasov") {
			t.Fatalf("symmetric=%v: ErrEstimate %v, CovB/Moments set or method %q", symmetric, c.ErrEstimate, c.Method)
		}
		for k, tk := range times {
			d := math.Abs(c.C[k] - lin.C[k])
			tol := 5e-4 * lin.C[k]
			if tk == 0 {
				tol = 1e-12 * lin.C[k]
			}
			t.Logf("symmetric=%v t=%v: Lyapunov %.6f, particles %.6f ± %.1e (difference %.1e)", symmetric, tk, lin.C[k], c.C[k], c.ErrEstimate[k], d)
			if !(d <= tol) || !(d <= c.ErrEstimate[k]) && tk > 0 {
				t.Errorf("symmetric=%v t=%v: particles C = %.7f ± %.2g, Lyapunov %.7f", symmetric, tk, c.C[k], c.ErrEstimate[k], lin.C[k])
			}
			// the band: Σ_q ω_q Variance = C, and Variance against φᵀ P_bb φ
			_, w := s.Nodes()
			sum := 0.0
			for q, v := range c.Variance[k] {
				sum += w[q] * v
				if math.Abs(v-lin.Variance[k][q]) > 2e-3*max(lin.Variance[k][q], 1e-3) {
					t.Errorf("symmetric=%v t=%v u=%.3f: N·Var %v, Lyapunov %v", symmetric, tk, c.U[q], v, lin.Variance[k][q])
				}
			}
			if math.Abs(sum-c.C[k]) > 1e-12*max(c.C[k], 1e-300) {
				t.Errorf("symmetric=%v t=%v: Σ ω Variance = %v, C = %v", symmetric, tk, sum, c.C[k])
			}
			for q, g := range c.G[k] { // the M-particle mean field: 10⁻³ from the moment ODE (§6.3)
				if math.Abs(g-lin.G[k][q]) > 3e-3 {
					t.Errorf("symmetric=%v t=%v: g(u_%d) = %v, moment ODE %v", symmetric, tk, q, g, lin.G[k][q])
				}
			}
		}
	}
}

// TestParticlesInitialVariance: at t = 0 with i.i.d. units the constant is
// the per-unit variance of the output at every N, C(0) = s_c² Σ_q ω_q
// E[σ(Z_q)²] with Z_q ~ N(0, s_w² |φ_q|²/d) (E c = 0), a Gaussian integral
// computed here by 80-node Gauss–Hermite quadrature. For tanh, sigmoid and
// erf the carriers' quasi-Monte Carlo estimate must be within its stated
// error (the self-check against twice the carriers), which must be below
// 2% of C(0).
func TestParticlesInitialVariance(t *testing.T) {
	x, wh := make([]float64, 80), make([]float64, 80)
	quad.Hermite{}.FixedLocations(x, wh, math.Inf(-1), math.Inf(1))
	for _, act := range []activation.Kind{activation.Tanh, activation.Sigmoid, activation.Erf} {
		p := limits.DefaultProblem()
		p.Activation = act
		p.Sc, p.Sw = 1.2, 0.9
		s := setup(t, p)
		c, err := fluctuation.Particles(context.Background(), s, []float64{0}, fluctuation.Options{SelfCheck: true})
		if err != nil {
			t.Fatal(err)
		}
		_, w := s.Nodes()
		phi, _ := s.Features()
		d := s.Dim()
		exact := 0.0
		for q, wq := range w {
			n2 := 0.0
			for _, v := range phi[q*2*d : (q+1)*2*d] {
				n2 += v * v
			}
			sd := p.Sw * math.Sqrt(n2/float64(d))
			e := 0.0
			for i := range x {
				v := act.Eval(math.Sqrt2 * sd * x[i])
				e += wh[i] * v * v / math.SqrtPi
			}
			exact += wq * p.Sc * p.Sc * e
		}
		t.Logf("%v: C(0) = %.6f ± %.1e, exact %.6f", act, c.C[0], c.ErrEstimate[0], exact)
		if d := math.Abs(c.C[0] - exact); !(d <= c.ErrEstimate[0]) || !(c.ErrEstimate[0] <= 0.02*exact) {
			t.Errorf("%v: C(0) = %.6f ± %.2g, exact %.6f", act, c.C[0], c.ErrEstimate[0], exact)
		}
	}
}

// TestParticlesRealisable: for a target that a tanh network realises, Y = Σ_j
// c_j tanh(a_j·φ) with two units, the residual of the mean-field limit
// vanishes, so does the sampling noise, and C(t) decreases for large t
// (Chen, Rotskoff, Bruna & Vanden-Eijnden 2020): over t = 2 … 32, for both
// initialisations.
func TestParticlesRealisable(t *testing.T) {
	if testing.Short() {
		t.Skip("two particle solves to t = 32")
	}
	p := limits.DefaultProblem()
	p.Quadrature = 16
	ref := setup(t, p)
	f := make([]float64, 4)
	units := [][]float64{{0.8, 1.0, -0.5, 0.7, 0.3}, {-0.6, -0.4, 0.9, 0.2, -0.8}} // (c, a)
	p.Target = generators.TargetFunc("two tanh units", func(u float64) float64 {
		if err := ref.FeaturesAt(f, u); err != nil {
			panic(err)
		}
		y := 0.0
		for _, un := range units {
			z := 0.0
			for i := range 4 {
				z += un[1+i] * f[i]
			}
			y += un[0] * math.Tanh(z)
		}
		return y
	})
	times := []float64{2, 4, 8, 16, 32}
	for _, symmetric := range []bool{false, true} {
		p.Symmetric = symmetric
		c, err := fluctuation.Particles(context.Background(), setup(t, p), times, fluctuation.Options{Particles: 1024, Carriers: 512})
		if err != nil {
			t.Fatal(err)
		}
		for k := 1; k < len(times); k++ {
			if !(c.C[k] < c.C[k-1]) {
				t.Errorf("symmetric=%v: C(%v) = %.4g not below C(%v) = %.4g", symmetric, times[k], c.C[k], times[k-1], c.C[k-1])
			}
		}
		t.Logf("realisable, symmetric=%v: C(t) = %.3g at t = %v", symmetric, c.C, times)
	}
}

// TestParticlesSymmetricStart: with symmetric pairs g_0^N ≡ 0 at every N,
// so C(0) = 0 exactly for any σ; afterwards it grows from the sampling
// noise (and the pairs' split).
func TestParticlesSymmetricStart(t *testing.T) {
	p := limits.DefaultProblem()
	p.Symmetric = true
	p.Quadrature = 12
	c, err := fluctuation.Particles(context.Background(), setup(t, p), []float64{0, 0.5}, fluctuation.Options{Particles: 256})
	if err != nil {
		t.Fatal(err)
	}
	if c.C[0] != 0 || !(c.C[1] > 0) {
		t.Errorf("C = %v, want 0 then > 0", c.C)
	}
}

// TestParticlesNoiseSources: for tanh, as for linear σ, full-batch gradient
// descent has no sampling noise, a batch of 4 has a quarter of it, noise
// on y adds to it: C(1) increases in that order, and the whole-graph
// sampler with B = 1 is the ego sampler's π_∞.
func TestParticlesNoiseSources(t *testing.T) {
	cAt := func(mod func(*limits.Problem)) float64 {
		p := limits.DefaultProblem()
		p.Quadrature = 16
		p.Symmetric = true
		mod(&p)
		c, err := fluctuation.Particles(context.Background(), setup(t, p), []float64{1}, fluctuation.Options{Particles: 512, Carriers: 256})
		if err != nil {
			t.Fatal(err)
		}
		return c.C[0]
	}
	checkNoiseSources(t, "C(1)", cAt)
}

// TestParticlesDeterminism: the same bits for GOMAXPROCS 1 and 2.
func TestParticlesDeterminism(t *testing.T) {
	p := limits.DefaultProblem()
	p.Quadrature = 16
	p.Graphon = must(generators.ParseGraphon("sbm:0.5,0.5:0.8,0.2;0.2,0.8"))
	s := setup(t, p)
	run := func(procs int) *fluctuation.Constant {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		c, err := fluctuation.Particles(context.Background(), s, []float64{0.5, 1}, fluctuation.Options{Particles: 512, Carriers: 384})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	a, b := run(1), run(2)
	for k := range a.C {
		if a.C[k] != b.C[k] {
			t.Errorf("C(t_%d): %v with 1 proc, %v with 2", k, a.C[k], b.C[k])
		}
		for q := range a.Variance[k] {
			if a.Variance[k][q] != b.Variance[k][q] || a.G[k][q] != b.G[k][q] {
				t.Fatalf("band at t_%d, u_%d differs", k, q)
			}
		}
	}
}

func TestParticlesErrors(t *testing.T) {
	ctx := context.Background()
	good := limits.DefaultProblem()
	good.Quadrature = 8
	for _, tc := range []struct {
		name  string
		mod   func(*limits.Problem)
		times []float64
		opt   fluctuation.Options
		kind  error
	}{
		{"relu", func(p *limits.Problem) { p.Activation = activation.ReLU }, []float64{1}, fluctuation.Options{}, graphs.ErrUnsupported},
		{"gamma", func(p *limits.Problem) { p.Gamma = 0.5 }, []float64{1}, fluctuation.Options{}, graphs.ErrParameter},
		{"no times", func(*limits.Problem) {}, nil, fluctuation.Options{}, graphs.ErrParameter},
		{"NaN time", func(*limits.Problem) {}, []float64{math.NaN()}, fluctuation.Options{}, graphs.ErrParameter},
		{"decreasing", func(*limits.Problem) {}, []float64{2, 1}, fluctuation.Options{}, graphs.ErrParameter},
		{"M = 1", func(*limits.Problem) {}, []float64{1}, fluctuation.Options{Particles: 1}, graphs.ErrParameter},
		{"M_f > M", func(*limits.Problem) {}, []float64{1}, fluctuation.Options{Particles: 64, Carriers: 128}, graphs.ErrParameter},
		{"odd pairs", func(p *limits.Problem) { p.Symmetric = true }, []float64{1}, fluctuation.Options{Particles: 64, Carriers: 33}, graphs.ErrParameter},
		{"too long", func(*limits.Problem) {}, []float64{1e6}, fluctuation.Options{Particles: 64}, graphs.ErrTooLarge},
		{"carriers × grid", func(p *limits.Problem) { p.Quadrature, p.NoiseX = 1300, 0.1 }, []float64{1}, fluctuation.Options{}, graphs.ErrTooLarge},
	} {
		p := good
		tc.mod(&p)
		_, err := fluctuation.Particles(ctx, setup(t, p), tc.times, tc.opt)
		if !errors.Is(err, tc.kind) {
			t.Errorf("%s: err = %v, want %v", tc.name, err, tc.kind)
		}
	}
	if _, err := fluctuation.Particles(ctx, nil, []float64{1}, fluctuation.Options{}); !errors.Is(err, graphs.ErrParameter) {
		t.Errorf("nil setup: err = %v", err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := fluctuation.Particles(cctx, setup(t, good), []float64{1}, fluctuation.Options{Particles: 64}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: err = %v", err)
	}
}

// TestSolve: Solve is Linear for σ the identity and Particles otherwise.
func TestSolve(t *testing.T) {
	ctx := context.Background()
	lin, err := fluctuation.Solve(ctx, setup(t, referenceProblem(false)), []float64{1}, fluctuation.Options{})
	if err != nil || !strings.Contains(lin.Method, "Lyapunov") {
		t.Fatalf("identity: %v %v", lin, err)
	}
	p := limits.DefaultProblem()
	p.Quadrature = 8
	c, err := fluctuation.Solve(ctx, setup(t, p), []float64{1}, fluctuation.Options{Particles: 128})
	if err != nil || !strings.Contains(c.Method, "McKean–Vlasov") || !strings.Contains(c.Method, "M=128") {
		t.Fatalf("tanh: %v %v", c, err)
	}
	if _, err := fluctuation.Solve(ctx, nil, []float64{1}, fluctuation.Options{}); !errors.Is(err, graphs.ErrParameter) {
		t.Errorf("nil setup: %v", err)
	}
}

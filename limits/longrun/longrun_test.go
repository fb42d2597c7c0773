package longrun_test

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gnnwb/gnnwb/generators"
	"github.com/gnnwb/gnnwb/generators/walk"
	"github.com/gnnwb/gnnwb/gnn/activation"
	"github.com/gnnwb/gnnwb/gnn/shallow"
	"github.com/gnnwb/gnnwb/limits"
	"github.com/gnnwb/gnnwb/limits/longrun"
)

func setup(t testing.TB, spec string, q int) *limits.Setup {
	t.Helper()
	p := limits.DefaultProblem()
	w, err := generators.ParseGraphon(spec)
	if err != nil {
		t.Fatal(err)
	}
	p.Graphon, p.Quadrature = w, q
	p.Activation = activation.Identity
	s, err := limits.NewSetup(p)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// bruteGamma sums Cov_π(f,g) + Σ_{k=1}^{K} (Cov(f_0,g_k) + Cov(g_0,f_k))
// by powers of P.
func bruteGamma(c *longrun.Chain, f, g []float64, kmax int) float64 {
	s := c.S
	mean := func(h []float64) float64 {
		m := 0.0
		for i, v := range h {
			m += c.Pi[i] * v
		}
		return m
	}
	fb, gb := make([]float64, s), make([]float64, s)
	mf, mg := mean(f), mean(g)
	for i := range s {
		fb[i], gb[i] = f[i]-mf, g[i]-mg
	}
	total := 0.0
	for i := range s {
		total += c.Pi[i] * fb[i] * gb[i]
	}
	pf, pg := append([]float64(nil), fb...), append([]float64(nil), gb...)
	for range kmax {
		nf, ng := make([]float64, s), make([]float64, s)
		for i := range s {
			for j := range s {
				nf[i] += c.P[i*s+j] * pf[j]
				ng[i] += c.P[i*s+j] * pg[j]
			}
		}
		pf, pg = nf, ng
		for i := range s {
			total += c.Pi[i] * (fb[i]*pg[i] + gb[i]*pf[i])
		}
	}
	return total
}

// TestKernel: Γ(f, g) = fᵀKg against the truncated autocovariance sum, for
// reversible and non-reversible (restart) walks on a graphon grid; π is
// stationary.
func TestKernel(t *testing.T) {
	s := setup(t, "gaussian:0.15", 24)
	u, _ := s.Nodes()
	f, g := make([]float64, len(u)), make([]float64, len(u))
	for i, v := range u {
		f[i], g[i] = math.Sin(2*math.Pi*v), v*v
	}
	for _, opt := range []walk.Options{{}, {Hold: 0.5}, {Hold: 0.9}, {Restart: 0.2, Hold: 0.3}, {Thin: 3}} {
		c, err := longrun.Graphon(s, opt)
		if err != nil {
			t.Fatal(err)
		}
		n := c.S
		for j := range n {
			v := 0.0
			for i := range n {
				v += c.Pi[i] * c.P[i*n+j]
			}
			if math.Abs(v-c.Pi[j]) > 1e-14 {
				t.Fatalf("%v: (πP)_%d − π_%d = %v", opt, j, j, v-c.Pi[j])
			}
		}
		fg := make([]float64, 2*n)
		for i := range n {
			fg[2*i], fg[2*i+1] = f[i], g[i]
		}
		gm := c.Gamma(fg, 2)
		want := bruteGamma(c, f, g, 20000)
		if math.Abs(gm[1]-want) > 1e-10*(1+math.Abs(want)) || math.Abs(gm[1]-gm[2]) > 1e-12 {
			t.Errorf("%v: Γ(f,g)=%v (Γ(g,f)=%v), brute force %v", opt, gm[1], gm[2], want)
		}
		if opt.Restart == 0 { // π_q ∝ ω_q d_q
			_, om := s.Nodes()
			w := s.Problem().Graphon.Func()
			tot := 0.0
			deg := make([]float64, n)
			for i := range n {
				for j := range n {
					deg[i] += om[j] * w(u[i], u[j])
				}
				tot += om[i] * deg[i]
			}
			for i := range n {
				if want := om[i] * deg[i] / tot; math.Abs(c.Pi[i]-want) > 1e-13 {
					t.Fatalf("%v: π_%d=%v, want ω d/Σωd=%v", opt, i, c.Pi[i], want)
				}
			}
		}
	}
}

// TestIID: restart 1 is the i.i.d. sampler: π = ω, Z = I, K = D − ππᵀ, τ = 1.
func TestIID(t *testing.T) {
	s := setup(t, "sbm:0.5,0.5:0.9,0.1;0.1,0.9", 16)
	c, err := longrun.Graphon(s, walk.Options{Restart: 1, Hold: 0.7})
	if err != nil {
		t.Fatal(err)
	}
	_, om := s.Nodes()
	n := c.S
	for i := range n {
		if math.Abs(c.Pi[i]-om[i]) > 1e-14 {
			t.Fatalf("π_%d=%v, ω=%v", i, c.Pi[i], om[i])
		}
		for j := range n {
			want := -om[i] * om[j]
			if i == j {
				want += om[i]
			}
			if math.Abs(c.K[i*n+j]-want) > 1e-14 {
				t.Fatalf("K_%d%d=%v, want %v", i, j, c.K[i*n+j], want)
			}
		}
	}
	f := make([]float64, n)
	for i := range f {
		f[i] = float64(i % 3)
	}
	if tau := c.Tau(f); math.Abs(tau-1) > 1e-12 {
		t.Errorf("τ=%v, want 1", tau)
	}
}

// TestGraphChain: on a fixed graph the chain's π is walk.Graph.Stationary
// (with and without restart), and a disconnected graph without restart is
// refused.
func TestGraphChain(t *testing.T) {
	p := generators.Process{W: generators.Exponential(), Rho: 1, N: 60}
	p.X, _ = generators.ParseSignal("fourier:1")
	p.Y, _ = generators.ParseTarget("sin:1")
	for _, opt := range []walk.Options{{}, {Restart: 0.15, Hold: 0.5}} {
		w, err := walk.NewRandomGraph(p, rand.New(rand.NewPCG(4, 4)), opt)
		if err != nil {
			t.Fatal(err)
		}
		c, err := longrun.Graph(w)
		if err != nil {
			t.Fatal(err)
		}
		pi := w.Stationary()
		for i := range pi {
			if math.Abs(pi[i]-c.Pi[i]) > 1e-12 {
				t.Fatalf("%v: π_%d=%v, Stationary %v", opt, i, c.Pi[i], pi[i])
			}
		}
	}
}

// TestWithLaw: a Setup under the law ω (restart 1) gives the same mean-field
// limit as the plain Setup.
func TestWithLaw(t *testing.T) {
	s := setup(t, "gaussian:0.15", 24)
	c, err := longrun.Graphon(s, walk.Options{Restart: 1})
	if err != nil {
		t.Fatal(err)
	}
	sw, err := s.WithLaw(c.Pi)
	if err != nil {
		t.Fatal(err)
	}
	a, err := s.Limit(context.Background(), limits.MeanFieldLimit, 1, 1, limits.SolveOptions{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := sw.Limit(context.Background(), limits.MeanFieldLimit, 1, 1, limits.SolveOptions{})
	if err != nil {
		t.Fatal(err)
	}
	phi, _ := s.Features()
	ga, gb := make([]float64, 24), make([]float64, 24)
	for k := range a.Times {
		a.Eval(ga, k, phi)
		b.Eval(gb, k, phi)
		for i := range ga {
			if math.Abs(ga[i]-gb[i]) > 1e-9 {
				t.Fatalf("t=%v u_%d: %v under ω, %v plain", a.Times[k], i, gb[i], ga[i])
			}
		}
	}
}

// BenchmarkPoisson: the Poisson solve (π, Z, K) on a 64-node grid.
func BenchmarkPoisson(b *testing.B) {
	s := setup(b, "gaussian:0.15", 64)
	for b.Loop() {
		if _, err := longrun.Graphon(s, walk.Options{Hold: 0.5}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestKernelWithLaw: the kernel limit (γ = ½) under the law ω equals the
// plain one, and under the walk's law π it differs.
func TestKernelWithLaw(t *testing.T) {
	p := limits.DefaultProblem()
	w, _ := generators.ParseGraphon("gaussian:0.15")
	p.Graphon, p.Quadrature, p.Gamma, p.Activation, p.Symmetric = w, 16, 0.5, activation.Erf, true
	s, err := limits.NewSetup(p)
	if err != nil {
		t.Fatal(err)
	}
	phi, _ := s.Features()
	eval := func(s *limits.Setup) []float64 {
		sol, err := s.Limit(context.Background(), limits.KernelLimit, 2, 1, limits.SolveOptions{})
		if err != nil {
			t.Fatal(err)
		}
		g := make([]float64, 16)
		if err := sol.Eval(g, 1, phi); err != nil {
			t.Fatal(err)
		}
		return g
	}
	_, om := s.Nodes()
	so, err := s.WithLaw(om)
	if err != nil {
		t.Fatal(err)
	}
	ch, err := longrun.Graphon(s, walk.Options{})
	if err != nil {
		t.Fatal(err)
	}
	sp, err := s.WithLaw(ch.Pi)
	if err != nil {
		t.Fatal(err)
	}
	g0, g1, g2 := eval(s), eval(so), eval(sp)
	diff := 0.0
	for i := range g0 {
		if math.Abs(g0[i]-g1[i]) > 1e-10 {
			t.Fatalf("u_%d: %v under ω, %v plain", i, g1[i], g0[i])
		}
		diff = math.Max(diff, math.Abs(g2[i]-g0[i]))
	}
	if diff < 1e-3 {
		t.Errorf("the law π changes the kernel limit by only %v", diff)
	}
	if _, err := s.WithLaw(om[:3]); err == nil {
		t.Error("WithLaw accepted a law of the wrong length")
	}
}

// TestGraphonLimitCoupling: a walk with ego features on G(n, W, ρ) and the
// same walk with the graphon-limit features (Setup.LimitFeatures), driven by
// the same step streams, visit the same latents: the graphon limit of a
// walk-trained network is the same SGD driven by the same walk.
func TestGraphonLimitCoupling(t *testing.T) {
	s := setup(t, "gaussian:0.15", 16)
	pr := s.Problem()
	es, err := generators.NewEgoSampler(generators.Process{W: pr.Graphon, Rho: 1, N: 500, X: pr.Signal, Y: pr.Target}, 2)
	if err != nil {
		t.Fatal(err)
	}
	a, err := walk.NewGraphon(pr.Graphon, es, walk.Options{Hold: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	b, err := walk.NewGraphon(pr.Graphon, s.LimitFeatures(), walk.Options{Hold: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	phi, y := make([]float64, 8), make([]float64, 2)
	for k := range int64(50) {
		if err := a.Sample(shallow.StepRand(3, k), phi, y); err != nil {
			t.Fatal(err)
		}
		if err := b.Sample(shallow.StepRand(3, k), phi, y); err != nil {
			t.Fatal(err)
		}
		la, lb := a.Latents(), b.Latents()
		for i := range la {
			if la[i] != lb[i] {
				t.Fatalf("step %d: latent %v (ego) vs %v (limit)", k, la[i], lb[i])
			}
		}
	}
	// the limit features are φ(u) = (X(u), (T_W X)(u))
	want := make([]float64, 4)
	if err := s.FeaturesAt(want, b.Latents()[1]); err != nil {
		t.Fatal(err)
	}
	for i := range want {
		if phi[4+i] != want[i] {
			t.Fatalf("φ[%d] = %v, want %v", i, phi[4+i], want[i])
		}
	}
}

// TestEdgeKernel: fᵀ M g against the truncated sum Σ_{l=1}^{L} l
// Cov(f(x_0), g(x_l)) by powers of P (L = 1500, 10⁻¹⁰), for reversible and
// restart walks on a graphon grid; M is symmetric exactly when the chain
// is reversible.
func TestEdgeKernel(t *testing.T) {
	s := setup(t, "gaussian:0.15", 24)
	u, _ := s.Nodes()
	n := len(u)
	f, g := make([]float64, n), make([]float64, n)
	for i, v := range u {
		f[i], g[i] = math.Sin(2*math.Pi*v), v*v
	}
	for _, opt := range []walk.Options{{Hold: 0.5}, {Restart: 0.2, Hold: 0.3}} {
		c, err := longrun.Graphon(s, opt)
		if err != nil {
			t.Fatal(err)
		}
		m := c.EdgeKernel()
		got, sym := 0.0, 0.0
		for i := range n {
			for j := range n {
				got += f[i] * m[i*n+j] * g[j]
				sym = math.Max(sym, math.Abs(m[i*n+j]-m[j*n+i]))
			}
		}
		mf, mg := 0.0, 0.0
		for i := range n {
			mf += c.Pi[i] * f[i]
			mg += c.Pi[i] * g[i]
		}
		want := 0.0
		pg := append([]float64(nil), g...)
		for l := 1; l <= 1500; l++ {
			next := make([]float64, n)
			for i := range n {
				for j := range n {
					next[i] += c.P[i*n+j] * pg[j]
				}
			}
			pg = next
			cov := -mf * mg
			for i := range n {
				cov += c.Pi[i] * f[i] * pg[i]
			}
			want += float64(l) * cov
		}
		if math.Abs(got-want) > 1e-10*(1+math.Abs(want)) {
			t.Errorf("%v: fᵀMg = %v, brute force %v", opt, got, want)
		}
		if rev := c.Reversible(); rev != (opt.Restart == 0) || rev != (sym < 1e-12) {
			t.Errorf("%v: reversible %v, asymmetry of M %.3g", opt, rev, sym)
		}
	}
}

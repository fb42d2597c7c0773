package meanfield

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"testing"

	"gonum.org/v1/gonum/integrate/quad"
	"gonum.org/v1/gonum/mat"

	"github.com/gnnwb/gnnwb/gnn/activation"
	"github.com/gnnwb/gnnwb/gnn/shallow"
	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/limits/ode"
)

// testGrid is a Q-node Gauss–Legendre grid on [0,1] with d = 1:
// φ(u) = (X(u), m(u)) = (u, 0.4 e^{−u}), Y(u) = sin(2πu) + u.
func testGrid(q int) Problem {
	u, w := make([]float64, q), make([]float64, q)
	quad.Legendre{}.FixedLocations(u, w, 0, 1)
	p := Problem{Omega: w, Dim: 2, Alpha: 1}
	for _, x := range u {
		p.Phi = append(p.Phi, x, 0.4*math.Exp(-x))
		p.Y = append(p.Y, math.Sin(2*math.Pi*x)+x)
	}
	return p
}

var tight = ode.Options{RTol: 1e-11, ATol: 1e-12}

// TestMomentLimit: as t → ∞ with Q + qI positive definite, e → 0, so
// b → Σ^{-1} r (the least-squares optimum); tr Q − q is conserved and Q stays
// symmetric along the way.
func TestMomentLimit(t *testing.T) {
	p := testGrid(16)
	sigma, r, err := SecondMoments(p.Omega, p.Phi, p.Y, p.Dim)
	if err != nil {
		t.Fatal(err)
	}
	m0, err := InitialMoments(1, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	times := []float64{0, 1, 10, 100, 3000}
	ms, _, err := SolveMoments(context.Background(), MomentProblem{Sigma: sigma, R: r, Alpha: 2}, m0, times, tight)
	if err != nil {
		t.Fatal(err)
	}
	var bstar mat.VecDense
	if err := bstar.SolveVec(mat.NewDense(2, 2, sigma), mat.NewVecDense(2, r)); err != nil {
		t.Fatal(err)
	}
	c0 := m0.MeanAA[0] + m0.MeanAA[3] - m0.MeanC2
	for k, m := range ms {
		if c := m.MeanAA[0] + m.MeanAA[3] - m.MeanC2; math.Abs(c-c0) > 1e-8 {
			t.Errorf("t=%v: tr Q − q = %v, initially %v", times[k], c, c0)
		}
		if m.MeanAA[1] != m.MeanAA[2] {
			t.Errorf("t=%v: Q not symmetric: %v", times[k], m.MeanAA)
		}
	}
	last := ms[len(ms)-1]
	for i := 0; i < 2; i++ {
		if d := math.Abs(last.MeanCA[i] - bstar.AtVec(i)); d > 1e-6*math.Max(1, math.Abs(bstar.AtVec(i))) {
			t.Errorf("b_∞[%d] = %v, Σ⁻¹r = %v", i, last.MeanCA[i], bstar.AtVec(i))
		}
	}
}

// TestMoments1D compares the scalar moment ODE (dim = 1)
// b' = α(Q+q)(r − Σb), Q' = q' = 2αb(r − Σb) with an independent classical
// RK4 at h = 1e-4 (global error ~1e-15).
func TestMoments1D(t *testing.T) {
	const s, r, alpha, T = 0.7, 0.9, 1.3, 2.0
	m0 := shallow.Moments{MeanCA: []float64{0.1}, MeanAA: []float64{0.5}, MeanC2: 0.8}
	ms, _, err := SolveMoments(context.Background(), MomentProblem{Sigma: []float64{s}, R: []float64{r}, Alpha: alpha}, m0, []float64{T}, tight)
	if err != nil {
		t.Fatal(err)
	}
	f := func(y []float64) [3]float64 {
		e := r - s*y[0]
		return [3]float64{alpha * (y[1] + y[2]) * e, 2 * alpha * y[0] * e, 2 * alpha * y[0] * e}
	}
	y := []float64{0.1, 0.5, 0.8}
	const steps = 20000
	h := T / steps
	tmp := make([]float64, 3)
	for range steps {
		k1 := f(y)
		for i := range tmp {
			tmp[i] = y[i] + h/2*k1[i]
		}
		k2 := f(tmp)
		for i := range tmp {
			tmp[i] = y[i] + h/2*k2[i]
		}
		k3 := f(tmp)
		for i := range tmp {
			tmp[i] = y[i] + h*k3[i]
		}
		k4 := f(tmp)
		for i := range y {
			y[i] += h / 6 * (k1[i] + 2*k2[i] + 2*k3[i] + k4[i])
		}
	}
	got := []float64{ms[0].MeanCA[0], ms[0].MeanAA[0], ms[0].MeanC2}
	for i := range y {
		if math.Abs(got[i]-y[i]) > 1e-9 {
			t.Errorf("component %d: DP5 %v, RK4 %v", i, got[i], y[i])
		}
	}
}

// TestEmpiricalMomentsOfNetwork: the moments of a network's units as
// particles (Model.Particles) are the network's own (Model.Moments): one
// Moments type for the finite network and its limit. The two sum in
// different orders, so they agree to rounding.
func TestEmpiricalMomentsOfNetwork(t *testing.T) {
	m, err := shallow.NewModel(shallow.ModelConfig{Width: 300, Dim: 2, Gamma: 1, Activation: activation.Tanh, Sc: 1.2, Sw: 0.8, Seed: 4})
	if err != nil {
		t.Fatal(err)
	}
	want := m.Moments()
	got, err := EmpiricalMoments(m.Particles(), 4)
	if err != nil {
		t.Fatal(err)
	}
	near := func(name string, a, b float64) {
		if math.Abs(a-b) > 1e-13 {
			t.Errorf("%s: EmpiricalMoments %v, Model.Moments %v", name, a, b)
		}
	}
	near("MeanC", got.MeanC, want.MeanC)
	near("MeanC2", got.MeanC2, want.MeanC2)
	for i := range want.MeanCA {
		near("MeanCA", got.MeanCA[i], want.MeanCA[i])
	}
	for i := range want.MeanAA {
		near("MeanAA", got.MeanAA[i], want.MeanAA[i])
	}
	if got.Dim() != 4 || len(got.MeanAA) != 16 {
		t.Errorf("Dim = %d, len(MeanAA) = %d", got.Dim(), len(got.MeanAA))
	}
}

// TestParticlesMatchMoments is the first oracle of the particle solver
// (docs/mathematics.md §6.3): for linear σ the empirical moments of the particles
// follow the moment ODE exactly, so both solved at tolerance 1e-11 agree to
// ≤ 1e-6 at t = 1 (in fact ~1e-9), as do the outputs g_t(φ_q) = b_t·φ_q.
func TestParticlesMatchMoments(t *testing.T) {
	p := testGrid(16)
	p.Act = activation.Identity
	p.Alpha = 1.5
	theta0, err := HaltonParticles(256, 1, 1, 1, 7)
	if err != nil {
		t.Fatal(err)
	}
	times := []float64{0.5, 1}
	tr, err := SolveParticles(context.Background(), p, theta0, times, tight, true)
	if err != nil {
		t.Fatal(err)
	}
	m0, _ := EmpiricalMoments(theta0, 2)
	sigma, r, _ := SecondMoments(p.Omega, p.Phi, p.Y, 2)
	ms, _, err := SolveMoments(context.Background(), MomentProblem{Sigma: sigma, R: r, Alpha: p.Alpha}, m0, times, tight)
	if err != nil {
		t.Fatal(err)
	}
	q := len(p.Omega)
	for k := range times {
		emp, _ := EmpiricalMoments(tr.Theta[k], 2)
		var maxd float64
		for i := range emp.MeanCA {
			maxd = math.Max(maxd, math.Abs(emp.MeanCA[i]-ms[k].MeanCA[i]))
		}
		for i := range emp.MeanAA {
			maxd = math.Max(maxd, math.Abs(emp.MeanAA[i]-ms[k].MeanAA[i]))
		}
		maxd = math.Max(maxd, math.Abs(emp.MeanC2-ms[k].MeanC2))
		for j := 0; j < q; j++ {
			maxd = math.Max(maxd, math.Abs(tr.G[k*q+j]-ms[k].Output(p.Phi[2*j:2*j+2])))
		}
		t.Logf("t=%v: max difference %g", times[k], maxd)
		if maxd > 1e-6 {
			t.Errorf("t=%v: particles vs moment ODE differ by %g", times[k], maxd)
		}
	}
}

// TestVelocityIsGradient: V[μ^M](θ^k) = −α M ∂L/∂θ^k for
// L(Θ) = ½ Σ_q ω_q (Y_q − g_q(Θ))², checked by central differences
// (h = 1e-6; truncation O(h²)·|L”'| ≈ 1e-12, rounding ≈ 1e-16/h = 1e-10,
// times αM = 10: tolerance 1e-7 relative to max(1, |V|)).
func TestVelocityIsGradient(t *testing.T) {
	p := testGrid(8)
	p.Alpha = 1.25
	theta, err := HaltonParticles(8, 1, 1.5, 1, 3)
	if err != nil {
		t.Fatal(err)
	}
	loss := func(th []float64) float64 {
		g, err := Output(p.Act, th, p.Phi, p.Dim)
		if err != nil {
			t.Fatal(err)
		}
		var l float64
		for j, w := range p.Omega {
			l += 0.5 * w * (p.Y[j] - g[j]) * (p.Y[j] - g[j])
		}
		return l
	}
	for act := activation.Identity; act <= activation.Erf; act++ {
		t.Run(act.String(), func(t *testing.T) {
			p.Act = act
			v, err := Velocity(nil, p, theta)
			if err != nil {
				t.Fatal(err)
			}
			m := float64(len(theta) / 3)
			th := append([]float64(nil), theta...)
			const h = 1e-6
			for i := range th {
				th[i] = theta[i] + h
				lp := loss(th)
				th[i] = theta[i] - h
				lm := loss(th)
				th[i] = theta[i]
				fd := -p.Alpha * m * (lp - lm) / (2 * h)
				if math.Abs(fd-v[i]) > 1e-7*math.Max(1, math.Abs(v[i])) {
					t.Errorf("θ[%d]: V = %v, −αM ∂L/∂θ = %v", i, v[i], fd)
				}
			}
		})
	}
}

// TestDeterministicAcrossProcs: the same bits for GOMAXPROCS 1 and 2
// (fixed chunks of ChunkSize particles, sums combined in chunk order).
func TestDeterministicAcrossProcs(t *testing.T) {
	p := testGrid(8)
	p.Act = activation.Tanh
	run := func(procs int) []float64 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		tr, err := Solve(context.Background(), p, Init{Sc: 1, Sw: 1, D: 1, Seed: 5}, 3*ChunkSize+7, []float64{0.5}, ode.Options{RTol: 1e-6, ATol: 1e-8}, false)
		if err != nil {
			t.Fatal(err)
		}
		return tr.G
	}
	a, b := run(1), run(2)
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			t.Fatalf("g[%d]: %v (1 proc) != %v (2 procs)", i, a[i], b[i])
		}
	}
}

// TestTrajectoryAcrossProcs: the whole trajectory (outputs, particles, step
// statistics) has the same bits for GOMAXPROCS 1, 2 and 3, for M below,
// at and well above one chunk (with a ragged last chunk), and the outputs it
// records equal Output's, which runs its chunks through parallel.For.
func TestTrajectoryAcrossProcs(t *testing.T) {
	tests := []struct {
		act activation.Kind
		m   int
	}{
		{activation.Tanh, 5},
		{activation.Tanh, ChunkSize},
		{activation.Tanh, 21*ChunkSize + 37},
		{activation.Identity, 21*ChunkSize + 37},
		{activation.Erf, 9*ChunkSize + 1},
	}
	times := []float64{0, 0.25, 1}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%v/M=%d", tc.act, tc.m), func(t *testing.T) {
			p := testGrid(8)
			p.Act = tc.act
			theta0, err := HaltonParticles(tc.m, 1, 1.2, 1, 9)
			if err != nil {
				t.Fatal(err)
			}
			var first *Trajectory
			for _, procs := range []int{1, 2, 3} {
				old := runtime.GOMAXPROCS(procs)
				tr, err := SolveParticles(context.Background(), p, theta0, times, ode.Options{RTol: 1e-7, ATol: 1e-9}, true)
				runtime.GOMAXPROCS(old)
				if err != nil {
					t.Fatal(err)
				}
				if first == nil {
					first = tr
					continue
				}
				if tr.Stats != first.Stats {
					t.Errorf("procs=%d: stats %+v, with 1 proc %+v", procs, tr.Stats, first.Stats)
				}
				same := func(name string, a, b []float64) {
					for i := range a {
						if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
							t.Fatalf("procs=%d: %s[%d] = %v, with 1 proc %v", procs, name, i, a[i], b[i])
						}
					}
				}
				same("G", tr.G, first.G)
				for k := range times {
					same(fmt.Sprintf("Theta[%d]", k), tr.Theta[k], first.Theta[k])
				}
			}
			q := len(p.Omega)
			for k := range times {
				g, err := Output(p.Act, first.Theta[k], p.Phi, p.Dim)
				if err != nil {
					t.Fatal(err)
				}
				for j := range g {
					if math.Float64bits(g[j]) != math.Float64bits(first.G[k*q+j]) {
						t.Fatalf("t=%v: Output g[%d] = %v, trajectory %v", times[k], j, g[j], first.G[k*q+j])
					}
				}
			}
		})
	}
}

// TestSelfCheck: the 2M estimate is reported, positive and shrinks as M grows
// (a Halton sample's integration error decreases roughly like 1/M).
func TestSelfCheck(t *testing.T) {
	p := testGrid(8)
	p.Act = activation.Tanh
	var prev float64
	for i, m := range []int{32, 512} {
		tr, err := Solve(context.Background(), p, Init{Sc: 1, Sw: 1, D: 1, Seed: 11}, m, []float64{1}, ode.Options{RTol: 1e-9, ATol: 1e-10}, true)
		if err != nil {
			t.Fatal(err)
		}
		e := tr.ErrEstimate[0]
		t.Logf("M=%d: error estimate %g", m, e)
		if !(e > 0) || (i > 0 && !(e < prev/4)) {
			t.Errorf("M=%d: error estimate %g (previous %g)", m, e, prev)
		}
		prev = e
	}
}

// TestHaltonMoments: the sample mean and variance of each coordinate of 4096
// Halton particles match μ_0 within 5 i.i.d. standard errors (a Halton sample
// is more accurate than i.i.d., so this bound is conservative).
func TestHaltonMoments(t *testing.T) {
	const m, sc, sw, d = 4096, 0.7, 1.3, 2
	th, err := HaltonParticles(m, sc, sw, d, 1)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 1+2*d; i++ {
		sd := sw / math.Sqrt(d)
		if i == 0 {
			sd = sc
		}
		var s, s2 float64
		for k := 0; k < m; k++ {
			x := th[k*(1+2*d)+i]
			s += x
			s2 += x * x
		}
		mean, v := s/m, s2/m
		if math.Abs(mean) > 5*sd/math.Sqrt(m) || math.Abs(v-sd*sd) > 5*sd*sd*math.Sqrt(2.0/m) {
			t.Errorf("coordinate %d: mean %v, second moment %v, want 0, %v", i, mean, v, sd*sd)
		}
	}
	// The 2M sample extends the M sample.
	th2, _ := HaltonParticles(2*m, sc, sw, d, 1)
	for i := range th {
		if th[i] != th2[i] {
			t.Fatalf("entry %d differs: %v vs %v", i, th[i], th2[i])
		}
	}
}

func TestErrors(t *testing.T) {
	good := testGrid(4)
	theta, _ := HaltonParticles(4, 1, 1, 1, 1)
	bad := func(f func(p *Problem)) Problem {
		p := testGrid(4)
		f(&p)
		return p
	}
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name  string
		ctx   context.Context
		p     Problem
		theta []float64
		want  error
	}{
		{"ok", context.Background(), good, theta, nil},
		{"short-phi", context.Background(), bad(func(p *Problem) { p.Phi = p.Phi[:3] }), theta, graphs.ErrShape},
		{"nan-y", context.Background(), bad(func(p *Problem) { p.Y[1] = math.NaN() }), theta, graphs.ErrParameter},
		{"negative-weight", context.Background(), bad(func(p *Problem) { p.Omega[0] = -1 }), theta, graphs.ErrParameter},
		{"bad-activation", context.Background(), bad(func(p *Problem) { p.Act = 42 }), theta, graphs.ErrParameter},
		{"nan-alpha", context.Background(), bad(func(p *Problem) { p.Alpha = math.NaN() }), theta, graphs.ErrParameter},
		{"theta-shape", context.Background(), good, theta[:5], graphs.ErrShape},
		{"cancelled", cancelled, good, theta, context.Canceled},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := SolveParticles(tc.ctx, tc.p, tc.theta, []float64{1}, ode.Options{}, false)
			if tc.want == nil && err != nil || tc.want != nil && !errors.Is(err, tc.want) {
				t.Errorf("error %v, want %v", err, tc.want)
			}
		})
	}
	huge := testGrid(4)
	huge.Omega = make([]float64, 1<<14)
	huge.Phi = make([]float64, 2<<14)
	huge.Y = make([]float64, 1<<14)
	if _, err := SolveParticles(context.Background(), huge, make([]float64, 3<<14), []float64{1}, ode.Options{}, false); !errors.Is(err, graphs.ErrTooLarge) {
		t.Errorf("M·Q too large: %v", err)
	}
	if _, err := HaltonParticles(0, 1, 1, 1, 1); !errors.Is(err, graphs.ErrParameter) {
		t.Errorf("M=0: %v", err)
	}
	// gonum's Halton has bases for MaxHaltonDim = 1000 coordinates: d = 499
	// is the largest accepted (1+2d = 999), d = 500 an error, not a panic.
	if th, err := HaltonParticles(2, 1, 1, (MaxHaltonDim-1)/2, 1); err != nil || len(th) != 2*(MaxHaltonDim-1) {
		t.Errorf("d=%d: len %d, %v", (MaxHaltonDim-1)/2, len(th), err)
	}
	if _, err := HaltonParticles(2, 1, 1, MaxHaltonDim/2, 1); !errors.Is(err, graphs.ErrParameter) {
		t.Errorf("d=%d: %v", MaxHaltonDim/2, err)
	}
	if _, err := InitialMoments(-1, 1, 1); !errors.Is(err, graphs.ErrParameter) {
		t.Errorf("sc=-1: %v", err)
	}
	if _, err := EmpiricalMoments(theta[:5], 2); !errors.Is(err, graphs.ErrShape) {
		t.Errorf("EmpiricalMoments shape: %v", err)
	}
	if _, _, err := SolveMoments(context.Background(), MomentProblem{Sigma: []float64{1}, R: []float64{1, 2}}, shallow.Moments{MeanCA: []float64{0}, MeanAA: []float64{1}}, []float64{1}, ode.Options{}); !errors.Is(err, graphs.ErrShape) {
		t.Errorf("SolveMoments shape: %v", err)
	}
	if _, err := Solve(context.Background(), good, Init{Sc: 1, Sw: 1, D: 2}, 4, []float64{1}, ode.Options{}, false); !errors.Is(err, graphs.ErrShape) {
		t.Errorf("Solve with Dim != 2D: %v", err)
	}
}

func ExampleSolveMoments() {
	// One feature (dim = 1): Σ = 1, r = 2, so b → Σ⁻¹r = 2.
	m0 := shallow.Moments{MeanCA: []float64{0}, MeanAA: []float64{1}, MeanC2: 1}
	ms, _, err := SolveMoments(context.Background(), MomentProblem{Sigma: []float64{1}, R: []float64{2}, Alpha: 1},
		m0, []float64{50}, ode.Options{RTol: 1e-10, ATol: 1e-12})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("b = %.6f, tr Q − q = %.6f\n", ms[0].MeanCA[0], ms[0].MeanAA[0]-ms[0].MeanC2)
	// Output: b = 2.000000, tr Q − q = 0.000000
}

// BenchmarkParticles: SolveParticles with M = 4096 Halton particles on the
// 16-node test grid (d = 1) to t = 1, for tanh and identity, at GOMAXPROCS 1
// and 2 (set here: go test's -cpu list does not reach sub-benchmarks run
// first). It reports particle-evals/s, M × right-hand-side evaluations per
// second (each O(Q·dim) per particle).
func BenchmarkParticles(b *testing.B) {
	for _, act := range []activation.Kind{activation.Tanh, activation.Identity} {
		p := testGrid(16)
		p.Act = act
		theta, err := HaltonParticles(4096, 1, 1, 1, 1)
		if err != nil {
			b.Fatal(err)
		}
		for _, procs := range []int{1, 2} {
			b.Run(fmt.Sprintf("M=4096/%v/procs=%d", act, procs), func(b *testing.B) {
				defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
				b.ReportAllocs()
				var evals, steps int
				for b.Loop() {
					tr, err := SolveParticles(context.Background(), p, theta, []float64{1}, ode.Options{RTol: 1e-8, ATol: 1e-10}, false)
					if err != nil {
						b.Fatal(err)
					}
					evals += tr.Stats.Evals
					steps += tr.Stats.Steps
				}
				sec := b.Elapsed().Seconds()
				b.ReportMetric(float64(4096*steps)/sec, "particle-steps/s")
				b.ReportMetric(float64(4096*evals)/sec, "particle-evals/s")
			})
		}
	}
}

// TestDerivRow: σ' derived from σ in the velocity pass has the bits of
// activation.Kind.EvalDeriv for every activation that does not store it.
func TestDerivRow(t *testing.T) {
	zs := []float64{0, math.Copysign(0, -1), 1e-300, -1e-300, 0.3, -0.3, 1, -1, 2.5, -7, 19, -19, 40, -40, 800, -800,
		math.Inf(1), math.Inf(-1), math.NaN(), math.SmallestNonzeroFloat64, math.MaxFloat64}
	for k := activation.Kind(0); k.Valid(); k++ {
		if storesDeriv(k) {
			continue
		}
		s, ds := make([]float64, len(zs)), make([]float64, len(zs))
		for j, z := range zs {
			s[j] = k.Eval(z)
		}
		derivRow(k, ds, s)
		for j, z := range zs {
			ws, wd := k.EvalDeriv(z)
			if math.Float64bits(s[j]) != math.Float64bits(ws) || math.Float64bits(ds[j]) != math.Float64bits(wd) {
				t.Errorf("%v z=%v: σ, σ' = %v, %v, EvalDeriv %v, %v", k, z, s[j], ds[j], ws, wd)
			}
		}
	}
}

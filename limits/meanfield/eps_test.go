package meanfield

import (
	"context"
	"errors"
	"math"
	"testing"

	"github.com/gnnwb/gnnwb/gnn/activation"
	"github.com/gnnwb/gnnwb/gnn/shallow"
	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/limits/kernel"
)

// kernelMoments is the ε = 0 limit of the moment ODE, solved as the kernel
// flow ġ = α K Ω (Y − g) of limits/kernel with K(φ, φ') = φᵀ(Q_0 + q_0 I)φ'
// from g_0 = β_0·φ; it returns g_t on the grid.
func kernelMoments(t *testing.T, p Problem, m0 shallow.Moments, tt float64) []float64 {
	t.Helper()
	dim, q := p.Dim, len(p.Omega)
	km := make([]float64, q*q)
	g0 := make([]float64, q)
	for i := range q {
		fi := p.Phi[i*dim : (i+1)*dim]
		g0[i] = m0.Output(fi)
		for j := range q {
			fj := p.Phi[j*dim : (j+1)*dim]
			s := 0.0
			for a := range dim {
				s += m0.MeanC2 * fi[a] * fj[a]
				for b := range dim {
					s += fi[a] * m0.MeanAA[a*dim+b] * fj[b]
				}
			}
			km[i*q+j] = s
		}
	}
	fl, err := kernel.NewFlow(km, p.Omega, p.Y, g0, p.Alpha)
	if err != nil {
		t.Fatal(err)
	}
	g, err := fl.At(nil, tt)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// gridGap is (Σ_q ω_q (g_q − h_q)²)^{1/2}.
func gridGap(omega, g, h []float64) float64 {
	s := 0.0
	for q, w := range omega {
		d := g[q] - h[q]
		s += w * d * d
	}
	return math.Sqrt(s)
}

func momentOutputs(p Problem, m shallow.Moments) []float64 {
	g := make([]float64, len(p.Omega))
	for q := range g {
		g[q] = m.Output(p.Phi[q*p.Dim : (q+1)*p.Dim])
	}
	return g
}

// TestScaledMomentsEnds: the ε-scaled moment ODE is the mean-field moment
// ODE at ε = 1 (the same bits) and the kernel flow at ε = 0 (to 1e-10),
// from b_0 = 0 and from a nonzero β_0.
func TestScaledMomentsEnds(t *testing.T) {
	p := testGrid(16)
	sigma, r, err := SecondMoments(p.Omega, p.Phi, p.Y, p.Dim)
	if err != nil {
		t.Fatal(err)
	}
	mp := MomentProblem{Sigma: sigma, R: r, Alpha: 1.5}
	p.Alpha = mp.Alpha
	m0, err := InitialMoments(1, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	shifted, _ := InitialMoments(0.7, 1.2, 1)
	shifted.MeanCA[0], shifted.MeanCA[1] = 0.3, -0.2
	times := []float64{0.5, 1, 3}
	for _, tc := range []struct {
		name string
		m0   shallow.Moments
	}{{"b0=0", m0}, {"beta0≠0", shifted}} {
		t.Run(tc.name, func(t *testing.T) {
			want, _, err := SolveMoments(context.Background(), mp, tc.m0, times, tight)
			if err != nil {
				t.Fatal(err)
			}
			got, _, err := SolveScaledMoments(context.Background(), mp, 1, tc.m0, times, tight)
			if err != nil {
				t.Fatal(err)
			}
			for k := range times {
				for i, v := range want[k].MeanCA {
					if got[k].MeanCA[i] != v {
						t.Fatalf("ε=1, t=%v: β[%d]=%v, mean-field b=%v", times[k], i, got[k].MeanCA[i], v)
					}
				}
				if got[k].MeanC2 != want[k].MeanC2 {
					t.Fatalf("ε=1: q=%v, mean-field %v", got[k].MeanC2, want[k].MeanC2)
				}
			}
			zero, _, err := SolveScaledMoments(context.Background(), mp, 0, tc.m0, times, tight)
			if err != nil {
				t.Fatal(err)
			}
			for k, tt := range times {
				g := momentOutputs(p, zero[k])
				h := kernelMoments(t, p, tc.m0, tt)
				for q := range g {
					if d := math.Abs(g[q] - h[q]); d > 1e-10 {
						t.Errorf("ε=0, t=%v, q=%d: moment ODE %v, kernel flow %v (|Δ|=%.2g)", tt, q, g[q], h[q], d)
					}
				}
			}
		})
	}
}

// TestScaledParticlesMatchMoments: for σ the identity the particle solver at
// ε follows the ε-scaled moment ODE from the particles' own moments
// (β_0 = b_0/ε), and at ε = 1 (and the zero Eps) it is the mean-field solver.
func TestScaledParticlesMatchMoments(t *testing.T) {
	p := testGrid(12)
	p.Act = activation.Identity
	th, err := InitialParticles(64, 1, 1, 1, false)
	if err != nil {
		t.Fatal(err)
	}
	sigma, r, _ := SecondMoments(p.Omega, p.Phi, p.Y, p.Dim)
	times := []float64{0.5, 2}
	base, err := SolveParticles(context.Background(), p, th, times, tight, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, eps := range []float64{1, 0.3, 0.05} {
		pe := p
		pe.Eps = eps
		tr, err := SolveParticles(context.Background(), pe, th, times, tight, false)
		if err != nil {
			t.Fatal(err)
		}
		if eps == 1 {
			for i, v := range base.G {
				if tr.G[i] != v {
					t.Fatalf("Eps=1: g[%d]=%v, Eps=0 (mean field) %v", i, tr.G[i], v)
				}
			}
		}
		m0, _ := EmpiricalMoments(th, p.Dim)
		for i := range m0.MeanCA {
			m0.MeanCA[i] /= eps
		}
		ms, _, err := SolveScaledMoments(context.Background(), MomentProblem{Sigma: sigma, R: r, Alpha: p.Alpha}, eps, m0, times, tight)
		if err != nil {
			t.Fatal(err)
		}
		for k := range times {
			g := momentOutputs(p, ms[k])
			for q := range g {
				if d := math.Abs(tr.G[k*len(g)+q] - g[q]); d > 1e-8 {
					t.Errorf("ε=%v t=%v q=%d: particles %v, moments %v", eps, times[k], q, tr.G[k*len(g)+q], g[q])
				}
			}
		}
	}
}

// particleKernel is the tangent kernel of the particles θ (rows (c, a)) on
// the grid, K_qr = (1/M) Σ_k [σ_q σ_r + c_k² σ'_q σ'_r φ_q·φ_r]: the ε → 0
// limit of the particle system at ε is the kernel flow with it.
func particleKernel(p Problem, theta []float64) []float64 {
	dim, nq := p.Dim, len(p.Omega)
	m := len(theta) / (1 + dim)
	km := make([]float64, nq*nq)
	s, ds := make([]float64, nq), make([]float64, nq)
	for k := range m {
		row := theta[k*(1+dim) : (k+1)*(1+dim)]
		c, a := row[0], row[1:]
		for q := range nq {
			z := 0.0
			for i, x := range p.Phi[q*dim : (q+1)*dim] {
				z += a[i] * x
			}
			s[q], ds[q] = p.Act.EvalDeriv(z)
		}
		for q := range nq {
			for r := range nq {
				pp := 0.0
				for i := range dim {
					pp += p.Phi[q*dim+i] * p.Phi[r*dim+i]
				}
				km[q*nq+r] += s[q]*s[r] + c*c*ds[q]*ds[r]*pp
			}
		}
	}
	for i := range km {
		km[i] /= float64(m)
	}
	return km
}

// TestEpsGapSlope: from a μ_0 in mirror pairs the ε-flow is even in ε, so
// its distance to the kernel flow (ε → 0) is O(ε²): the local slope of the
// gap in ε is 2 within 0.05, for σ the identity (moment ODE) and tanh
// (particles, against the kernel flow of their own tangent kernel).
func TestEpsGapSlope(t *testing.T) {
	const tt = 1.0
	eps := []float64{0.1, 0.05}
	t.Run("identity", func(t *testing.T) {
		p := testGrid(16)
		p.Alpha = 2
		sigma, r, _ := SecondMoments(p.Omega, p.Phi, p.Y, p.Dim)
		m0, _ := InitialMoments(1, 1, 1)
		ref := kernelMoments(t, p, m0, tt)
		var gaps []float64
		for _, e := range eps {
			ms, _, err := SolveScaledMoments(context.Background(), MomentProblem{Sigma: sigma, R: r, Alpha: p.Alpha}, e, m0, []float64{tt}, tight)
			if err != nil {
				t.Fatal(err)
			}
			gaps = append(gaps, gridGap(p.Omega, momentOutputs(p, ms[0]), ref))
		}
		checkSlope(t, eps, gaps)
	})
	t.Run("tanh", func(t *testing.T) {
		p := testGrid(12)
		p.Act, p.Alpha = activation.Tanh, 2
		th, err := InitialParticles(128, 1, 1, 1, true)
		if err != nil {
			t.Fatal(err)
		}
		fl, err := kernel.NewFlow(particleKernel(p, th), p.Omega, p.Y, nil, p.Alpha)
		if err != nil {
			t.Fatal(err)
		}
		ref, _ := fl.At(nil, tt)
		var gaps []float64
		for _, e := range eps {
			pe := p
			pe.Eps = e
			tr, err := SolveParticles(context.Background(), pe, th, []float64{tt}, tight, false)
			if err != nil {
				t.Fatal(err)
			}
			gaps = append(gaps, gridGap(p.Omega, tr.G, ref))
		}
		checkSlope(t, eps, gaps)
	})
}

func checkSlope(t *testing.T, eps, gaps []float64) {
	t.Helper()
	slope := math.Log(gaps[0]/gaps[1]) / math.Log(eps[0]/eps[1])
	t.Logf("gaps %.4g at ε=%v: local slope %.4f", gaps, eps, slope)
	if math.Abs(slope-2) > 0.05 {
		t.Errorf("local slope %.4f of the gap to the kernel flow, want 2 ± 0.05", slope)
	}
}

// TestEpsErrors: ε outside its range is refused with graphs.ErrParameter.
func TestEpsErrors(t *testing.T) {
	p := testGrid(4)
	p.Act = activation.Tanh
	th, _ := InitialParticles(4, 1, 1, 1, true)
	for _, e := range []float64{-0.1, 1.5, math.NaN()} {
		pe := p
		pe.Eps = e
		if _, err := SolveParticles(context.Background(), pe, th, []float64{1}, tight, false); !errors.Is(err, graphs.ErrParameter) {
			t.Errorf("Eps=%v: %v, want ErrParameter", e, err)
		}
	}
	m0, _ := InitialMoments(1, 1, 1)
	for _, e := range []float64{-1, math.Inf(1), math.NaN()} {
		if _, _, err := SolveScaledMoments(context.Background(), MomentProblem{Sigma: []float64{1, 0, 0, 1}, R: []float64{1, 0}, Alpha: 1}, e, m0, []float64{1}, tight); !errors.Is(err, graphs.ErrParameter) {
			t.Errorf("eps=%v: %v, want ErrParameter", e, err)
		}
	}
}

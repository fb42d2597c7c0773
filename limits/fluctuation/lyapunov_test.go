package fluctuation

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gnnwb/gnnwb/gnn/shallow"
	"github.com/gnnwb/gnnwb/limits/meanfield"
)

// testDynamics is a random grid of Q points with dim p, α = 1.3, batch 2
// (ν = ½) and noise on y, with a moment state m away from μ_0 (Q symmetric,
// not diagonal).
func testDynamics(p, q int, seed uint64) (*dynamics, []float64) {
	rng := rand.New(rand.NewPCG(seed, 1))
	omega, phi, y := make([]float64, q), make([]float64, q*p), make([]float64, q)
	tot := 0.0
	for k := range q {
		omega[k] = 0.5 + rng.Float64()
		tot += omega[k]
		y[k] = rng.NormFloat64()
	}
	for k := range omega {
		omega[k] /= tot
	}
	for i := range phi {
		phi[i] = rng.NormFloat64()
	}
	sigma, r, err := meanfield.SecondMoments(omega, phi, y, p)
	if err != nil {
		panic(err)
	}
	d := newDynamics(omega, phi, y, p, 1.3, 0.5, 0.4, sigma, r)
	m := shallow.Moments{MeanCA: make([]float64, p), MeanAA: make([]float64, p*p), MeanC2: 1.1}
	for i := range p {
		m.MeanCA[i] = rng.NormFloat64()
		for j := 0; j <= i; j++ {
			v := 0.3 * rng.NormFloat64()
			if i == j {
				v += 1
			}
			m.MeanAA[i*p+j], m.MeanAA[j*p+i] = v, v
		}
	}
	x := make([]float64, d.n)
	d.pack(x, m)
	return d, x
}

// rate is the moment ODE's right-hand side written out from
// docs/mathematics.md §4.2 with the full matrix Q, independently of
// dynamics: db = α(Q + qI)e, dQ = α(e bᵀ + b eᵀ), dq = 2α b·e, e = r − Σb.
func rate(m shallow.Moments, sigma, r []float64, alpha float64) shallow.Moments {
	p := len(m.MeanCA)
	e := make([]float64, p)
	for i := range p {
		e[i] = r[i]
		for j := range p {
			e[i] -= sigma[i*p+j] * m.MeanCA[j]
		}
	}
	out := shallow.Moments{MeanCA: make([]float64, p), MeanAA: make([]float64, p*p)}
	for i := range p {
		out.MeanCA[i] = alpha * m.MeanC2 * e[i]
		for j := range p {
			out.MeanCA[i] += alpha * m.MeanAA[i*p+j] * e[j]
			out.MeanAA[i*p+j] = alpha * (e[i]*m.MeanCA[j] + m.MeanCA[i]*e[j])
		}
		out.MeanC2 += 2 * alpha * m.MeanCA[i] * e[i]
	}
	return out
}

// TestJacobian: A against central finite differences of the moment ODE's
// right-hand side in the coordinates (b, vech Q, q). The right-hand side is
// quadratic in m, so the central difference has no truncation error: what
// is left is rounding, about ε·|f|/h ≈ 1e-11 relative with h = 1e-5; the
// tolerance is 1e-9 of the largest entry of A. The drift itself must equal
// the written-out rate to rounding.
func TestJacobian(t *testing.T) {
	for _, p := range []int{1, 2, 4} {
		d, x := testDynamics(p, 9, uint64(p))
		n := d.n
		f := make([]float64, n)
		d.drift(x, f)
		want := make([]float64, n)
		d.pack(want, rate(d.unpack(x, 0), d.sigma, d.r, d.alpha))
		if r := maxRelDiff(f, want); r > 1e-14 {
			t.Errorf("p=%d: drift %v, rate %v (relative %.3g)", p, f, want, r)
		}
		am := make([]float64, n*n)
		d.jacobian(x, am)
		fd := make([]float64, n*n)
		const h = 1e-5
		xp, xm, fp, fm := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
		for k := range n {
			copy(xp, x)
			copy(xm, x)
			xp[k] += h
			xm[k] -= h
			d.pack(fp, rate(d.unpack(xp, 0), d.sigma, d.r, d.alpha))
			d.pack(fm, rate(d.unpack(xm, 0), d.sigma, d.r, d.alpha))
			for i := range n {
				fd[i*n+k] = (fp[i] - fm[i]) / (2 * h)
			}
		}
		if r := maxRelDiff(am, fd); r > 1e-9 {
			t.Errorf("p=%d: Jacobian against central differences: relative %.3g", p, r)
		}
	}
}

// maxRelDiff is max |x − y| / max |y|.
func maxRelDiff(x, y []float64) float64 {
	s, d := 0.0, 0.0
	for i := range y {
		s = max(s, math.Abs(y[i]))
		d = max(d, math.Abs(x[i]-y[i]))
	}
	return d / s
}

// TestNoise: G = α² ν (L Cov_π(e) Lᵀ) against the covariance of the
// per-sample increments written out sample by sample,
// h_k = ((Q + qI) e_k, vech(e_k bᵀ + b e_kᵀ), 2 b·e_k), e_k = (y_k − b·φ_k) φ_k,
// G = α² ν (Σ_k ω_k h_k h_kᵀ − h̄ h̄ᵀ + s_y² L Σ Lᵀ), where the noise on y adds
// s_y² E[φφᵀ] to Cov(e); and the mean increment h̄ is the drift divided by α.
func TestNoise(t *testing.T) {
	for _, p := range []int{1, 3} {
		d, x := testDynamics(p, 7, 10+uint64(p))
		n := d.n
		m := d.unpack(x, 0)
		inc := func(e []float64) []float64 { // L e written out in full Q, then packed
			out := shallow.Moments{MeanCA: make([]float64, p), MeanAA: make([]float64, p*p)}
			for i := range p {
				out.MeanCA[i] = m.MeanC2 * e[i]
				for j := range p {
					out.MeanCA[i] += m.MeanAA[i*p+j] * e[j]
					out.MeanAA[i*p+j] = e[i]*m.MeanCA[j] + m.MeanCA[i]*e[j]
				}
				out.MeanC2 += 2 * m.MeanCA[i] * e[i]
			}
			v := make([]float64, n)
			d.pack(v, out)
			return v
		}
		want := make([]float64, n*n)
		mean := make([]float64, n)
		for k, w := range d.omega {
			f := d.phi[k*p : (k+1)*p]
			res := d.y[k]
			for i := range p {
				res -= m.MeanCA[i] * f[i]
			}
			e := make([]float64, p)
			for i := range p {
				e[i] = res * f[i]
			}
			h := inc(e)
			for i := range n {
				mean[i] += w * h[i]
				for j := range n {
					want[i*n+j] += w * h[i] * h[j]
				}
			}
		}
		// noise on y: s_y² L Σ Lᵀ = s_y² Σ_k ω_k (L φ_k)(L φ_k)ᵀ
		for k, w := range d.omega {
			h := inc(d.phi[k*p : (k+1)*p])
			for i := range n {
				for j := range n {
					want[i*n+j] += d.noiseY2 * w * h[i] * h[j]
				}
			}
		}
		c := d.alpha * d.alpha * d.nu
		for i := range n {
			for j := range n {
				want[i*n+j] = c * (want[i*n+j] - mean[i]*mean[j])
			}
		}
		g := make([]float64, n*n)
		d.noise(x, g)
		if r := maxRelDiff(g, want); r > 1e-13 {
			t.Errorf("p=%d: G relative difference %.3g", p, r)
		}
		f := make([]float64, n)
		d.drift(x, f)
		for i := range n {
			mean[i] *= d.alpha
		}
		if r := maxRelDiff(f, mean); r > 1e-13 {
			t.Errorf("p=%d: drift %v, α × mean increment %v", p, f, mean)
		}
	}
}

// TestConservedFluctuation: tr Q − q is conserved by every step of the
// chain to first order (tr(e bᵀ + b eᵀ) = 2 b·e), so the functional
// ℓ(m) = tr Q − q has ℓᵀA = 0 and ℓᵀL = 0: Var ℓ(Z_t) = ℓᵀ P(t) ℓ keeps its
// initial value 2(v²·dim) + 2 s_c⁴ (i.i.d.; v = s_w²/d) to the integrator's
// tolerance, while P itself changes by O(1).
func TestConservedFluctuation(t *testing.T) {
	d, _ := testDynamics(4, 11, 3)
	m0, err := meanfield.InitialMoments(1.2, 0.8, 2)
	if err != nil {
		t.Fatal(err)
	}
	p0 := initialCovariance(d.coords, 1.2, 0.8, 2, false)
	tr, err := d.solve(context.Background(), m0, p0, []float64{0, 1, 3}, lyapunovTol)
	if err != nil {
		t.Fatal(err)
	}
	n := d.n
	l := make([]float64, n)
	for k, ij := range d.ij {
		if ij[0] == ij[1] {
			l[d.p+k] = 1
		}
	}
	l[n-1] = -1
	v := 0.8 * 0.8 / 2
	want := 2*v*v*4 + 2*math.Pow(1.2, 4)
	for k, cov := range tr.cov {
		got := 0.0
		for i := range n {
			for j := range n {
				got += l[i] * cov[i*n+j] * l[j]
			}
		}
		if math.Abs(got-want) > 1e-8*want {
			t.Errorf("t=%v: Var(tr Q − q) = %v, want %v", []float64{0, 1, 3}[k], got, want)
		}
	}
	if d := math.Abs(tr.cov[2][0] - p0[0]); d < 0.01 {
		t.Errorf("P_b0b0 moved by %v only: the test would not see a wrong ℓ", d)
	}
}

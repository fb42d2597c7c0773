package fluctuation

import (
	"context"
	"fmt"
	"math"

	"github.com/gnnwb/gnnwb/gnn/shallow"
	"github.com/gnnwb/gnnwb/limits/ode"
)

// coords is the coordinate system m = (b, vech Q, q) of the moments of a
// network with dim = p: b (p entries), the upper triangle of the symmetric
// Q row by row (p(p+1)/2 entries), q (one entry).
type coords struct {
	p, n int
	ij   [][2]int // vech index → (i, j), i ≤ j
	pos  []int    // i*p+j → vech index, both triangles
}

func newCoords(p int) coords {
	c := coords{p: p, n: p + p*(p+1)/2 + 1, pos: make([]int, p*p)}
	for i := range p {
		for j := i; j < p; j++ {
			c.pos[i*p+j], c.pos[j*p+i] = len(c.ij), len(c.ij)
			c.ij = append(c.ij, [2]int{i, j})
		}
	}
	return c
}

// pack writes m into coordinates (Q is read from its upper triangle).
func (c coords) pack(dst []float64, m shallow.Moments) {
	copy(dst, m.MeanCA)
	for k, ij := range c.ij {
		dst[c.p+k] = m.MeanAA[ij[0]*c.p+ij[1]]
	}
	dst[c.n-1] = m.MeanC2
}

// unpack returns the moments of the coordinates x (MeanC NaN: not part of
// the state).
func (c coords) unpack(x []float64, meanC float64) shallow.Moments {
	m := shallow.Moments{MeanC: meanC, MeanC2: x[c.n-1], MeanCA: append([]float64(nil), x[:c.p]...), MeanAA: make([]float64, c.p*c.p)}
	for i := range c.p * c.p {
		m.MeanAA[i] = x[c.p+c.pos[i]]
	}
	return m
}

// dynamics is the moment ODE of linear σ on the grid π = Σ_q ω_q δ_(φ_q, y_q)
// with its linearisation (docs/mathematics.md §8.2): the drift f(m), its
// Jacobian A(m) and the covariance rate G(m) = α² ν Cov_π[L(m) e] of the
// sampling noise, ν = 1/B (0 for full-batch gradient descent). The
// methods share scratch space.
type dynamics struct {
	coords
	omega, phi, y []float64
	alpha, nu     float64
	noiseY2       float64 // variance of the noise on y
	sigma, r      []float64
	// eps2 is ε² of the ε-scaled moment ODE in the coordinates (β, Q, q),
	// β = b/ε (limits/meanfield.SolveScaledMoments): the rows of Q and q
	// of the drift, its Jacobian and L carry it. 1 is the mean-field ODE.
	eps2 float64

	qm, e, ce, lm, lc []float64 // scratch: Q (p×p), ē (p), Cov e (p×p), L and L Cov e (n×p)

	kern []float64 // long-run covariance kernel on the grid (walk.go); nil: i.i.d. samples
	// gram is the long-run covariance as a quadratic form in b, from a
	// kernel operator (kernelgram.go); used in place of kern when set.
	gram *kernelGram
}

func newDynamics(omega, phi, y []float64, p int, alpha, nu, noiseY float64, sigma, r []float64) *dynamics {
	c := newCoords(p)
	return &dynamics{coords: c, omega: omega, phi: phi, y: y, alpha: alpha, nu: nu, noiseY2: noiseY * noiseY, eps2: 1,
		sigma: sigma, r: r, qm: make([]float64, p*p), e: make([]float64, p), ce: make([]float64, p*p), lm: make([]float64, c.n*p), lc: make([]float64, c.n*p)}
}

// load sets the scratch Q and ē = r − Σ b from the coordinates x.
func (d *dynamics) load(x []float64) {
	p := d.p
	for i := range p * p {
		d.qm[i] = x[p+d.pos[i]]
	}
	for i := range p {
		s := d.r[i]
		for j := range p {
			s -= d.sigma[i*p+j] * x[j]
		}
		d.e[i] = s
	}
}

// drift writes f(x) = (α (Q + qI) ē, α vech(ē bᵀ + b ēᵀ), 2α b·ē).
func (d *dynamics) drift(x, dst []float64) {
	d.load(x)
	p, b, q, e, a := d.p, x[:d.p], x[d.n-1], d.e, d.alpha
	be := 0.0
	for i := range p {
		s := q * e[i]
		for j := range p {
			s += d.qm[i*p+j] * e[j]
		}
		dst[i] = a * s
		be += b[i] * e[i]
	}
	ae := a * d.eps2
	for k, ij := range d.ij {
		i, j := ij[0], ij[1]
		dst[p+k] = ae * (e[i]*b[j] + b[i]*e[j])
	}
	dst[d.n-1] = 2 * ae * be
}

// jacobian writes A(x) = ∂f/∂x (n×n row-major), column by column:
// δb ↦ α(−(Q + qI) Σ δb, vech(ē δbᵀ + δb ēᵀ − Σδb bᵀ − b (Σδb)ᵀ), 2(ē − Σb)·δb),
// δQ ↦ (α δQ ē, 0, 0), δq ↦ (α ē, 0, 0).
func (d *dynamics) jacobian(x, am []float64) {
	d.load(x)
	p, n, b, q, e, a, sg := d.p, d.n, x[:d.p], x[d.n-1], d.e, d.alpha, d.sigma
	ae := a * d.eps2
	clear(am)
	for k := range p { // column δb = unit k
		for i := range p {
			s := q * sg[i*p+k]
			for j := range p {
				s += d.qm[i*p+j] * sg[j*p+k]
			}
			am[i*n+k] = -a * s
		}
		for v, ij := range d.ij {
			i, j := ij[0], ij[1]
			s := -sg[i*p+k]*b[j] - b[i]*sg[j*p+k]
			if j == k {
				s += e[i]
			}
			if i == k {
				s += e[j]
			}
			am[(p+v)*n+k] = ae * s
		}
		sb := 0.0
		for j := range p {
			sb += sg[k*p+j] * b[j]
		}
		am[(n-1)*n+k] = 2 * ae * (e[k] - sb)
	}
	for v, ij := range d.ij { // column δQ = E_ij + E_ji (E_ii on the diagonal)
		i, j := ij[0], ij[1]
		col := p + v
		am[i*n+col] += a * e[j]
		if i != j {
			am[j*n+col] += a * e[i]
		}
	}
	for i := range p { // column δq
		am[i*n+n-1] = a * e[i]
	}
}

// noise writes G(x) = α² ν L Cov_π(e) Lᵀ (n×n), with e = (y − b·φ) φ the
// per-sample increment direction, Cov_π(e) = E_π[(y − b·φ)² φφᵀ] − ē ēᵀ +
// s_y² Σ, and L e = ((Q + qI) e, vech(e bᵀ + b eᵀ), 2 b·e).
func (d *dynamics) noise(x, g []float64) {
	clear(g)
	if d.nu == 0 {
		return
	}
	d.load(x)
	p, b := d.p, x[:d.p]
	ce := d.ce
	for i := range p * p {
		ce[i] = d.noiseY2*d.sigma[i] - d.e[i/p]*d.e[i%p]
	}
	for k, w := range d.omega {
		f := d.phi[k*p : (k+1)*p]
		res := d.y[k]
		for i, v := range f {
			res -= b[i] * v
		}
		w *= res * res
		for i, fi := range f {
			for j, fj := range f {
				ce[i*p+j] += w * fi * fj
			}
		}
	}
	if d.kern != nil || d.gram != nil {
		d.longRun(b)
	}
	d.spread(x, g)
}

// spread writes g = α² ν L(x) C Lᵀ(x) (n×n) for the p×p covariance C in the
// scratch d.ce, with Q loaded from x (d.load).
func (d *dynamics) spread(x, g []float64) {
	p, n, b, q := d.p, d.n, x[:d.p], x[d.n-1]
	ce := d.ce
	lm := d.lm
	clear(lm)
	for k := range p { // column e = unit k
		for i := range p {
			lm[i*p+k] = d.qm[i*p+k]
		}
		lm[k*p+k] += q
		for v, ij := range d.ij {
			i, j := ij[0], ij[1]
			s := 0.0
			if i == k {
				s += b[j]
			}
			if j == k {
				s += b[i]
			}
			lm[(p+v)*p+k] = d.eps2 * s
		}
		lm[(n-1)*p+k] = 2 * d.eps2 * b[k]
	}
	// g = c · (L ce) Lᵀ, c = α² ν.
	c := d.alpha * d.alpha * d.nu
	lc := d.lc
	for i := range n {
		li := lm[i*p : (i+1)*p]
		for j := range p {
			s := 0.0
			for k, l := range li {
				s += l * ce[k*p+j]
			}
			lc[i*p+j] = s
		}
	}
	for i := range n {
		for j := i; j < n; j++ {
			s := 0.0
			for k := range p {
				s += lc[i*p+k] * lm[j*p+k]
			}
			g[i*n+j], g[j*n+i] = c*s, c*s
		}
	}
}

var nan = math.NaN()

// trajectory is m̄ and P at the requested times.
type trajectory struct {
	m     []shallow.Moments
	cov   [][]float64 // n×n in coordinates
	stats ode.Stats
}

// solve integrates dm̄/dt = f(m̄) and dP/dt = A(m̄) P + P A(m̄)ᵀ + G(m̄)
// jointly from (m0, p0) (p0 n×n in coordinates).
func (d *dynamics) solve(ctx context.Context, m0 shallow.Moments, p0 []float64, times []float64, opt ode.Options) (*trajectory, error) {
	n := d.n
	y0 := make([]float64, n+n*n)
	d.pack(y0, m0)
	copy(y0[n:], p0)
	am, gm, ap := make([]float64, n*n), make([]float64, n*n), make([]float64, n*n)
	f := func(_ float64, y, dst []float64) {
		x, pm := y[:n], y[n:]
		d.drift(x, dst[:n])
		d.jacobian(x, am)
		d.noise(x, gm)
		lyapunovRate(n, am, pm, gm, ap, dst[n:])
	}
	tr := &trajectory{m: make([]shallow.Moments, len(times)), cov: make([][]float64, len(times))}
	st, err := ode.Integrate(ctx, f, 0, y0, times, opt, func(k int, _ float64, y []float64) error {
		tr.m[k] = d.unpack(y[:n], nan)
		tr.cov[k] = append([]float64(nil), y[n:]...)
		return nil
	})
	tr.stats = st
	if err != nil {
		return nil, fmt.Errorf("fluctuation: %w", err)
	}
	return tr, nil
}

// lyapunovRate writes dp = A P + P Aᵀ + G (all n×n, P and G symmetric),
// with ap scratch for A P.
func lyapunovRate(n int, am, pm, gm, ap, dp []float64) {
	// ap = A P, skipping the zeros of A (most of its Q rows): O(nnz(A)·n).
	clear(ap)
	for i := range n {
		row := ap[i*n : (i+1)*n]
		for k, a := range am[i*n : (i+1)*n] {
			if a == 0 {
				continue
			}
			for j, v := range pm[k*n : (k+1)*n] {
				row[j] += a * v
			}
		}
	}
	for i := range n {
		for j := i; j < n; j++ {
			v := ap[i*n+j] + ap[j*n+i] + gm[i*n+j]
			dp[i*n+j], dp[j*n+i] = v, v
		}
	}
}

// initialCovariance returns Cov Z_0 in coordinates (n×n) for μ_0 with
// c ~ N(0, sc²), a ~ N(0, (sw²/d) I): i.i.d. units give Cov(c a) = sc² v I,
// Cov(a_i a_j, a_k a_l) = v² (δ_ik δ_jl + δ_il δ_jk), Var c² = 2 sc⁴, no
// cross terms (v = sw²/d); symmetric pairs give b ≡ 0 and twice the rest.
func initialCovariance(c coords, sc, sw float64, d int, symmetric bool) []float64 {
	n, p := c.n, c.p
	out := make([]float64, n*n)
	v := sw * sw / float64(d)
	f := 1.0
	if symmetric {
		f = 2
	}
	if !symmetric {
		for i := range p {
			out[i*n+i] = sc * sc * v
		}
	}
	for k, ij := range c.ij {
		w := v * v
		if ij[0] == ij[1] {
			w *= 2
		}
		out[(p+k)*n+p+k] = f * w
	}
	out[n*n-1] = f * 2 * sc * sc * sc * sc
	return out
}

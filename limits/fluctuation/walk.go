package fluctuation

import (
	"context"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/gnnwb/gnnwb/gnn/activation"
	"github.com/gnnwb/gnnwb/gnn/shallow"
	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/limits"
	"github.com/gnnwb/gnnwb/limits/longrun"
	"github.com/gnnwb/gnnwb/limits/meanfield"
)

// Walk computes the central-limit constant C_walk(t) of networks trained on
// the samples of a stationary Markov chain, such as a random walk on the
// graphon (docs/mathematics.md §10): the limit is the mean-field limit under
// the chain's stationary law π (s.WithLaw(chain.Pi)), and the sampling
// noise of the Lyapunov equation (σ the identity, Linear) or of the
// linearised flow (other σ, Particles with opt) has the long-run
// covariance Γ = Cov_π(h, h) + 2 Σ_{k≥1} Cov(h_0, h_k) in place of
// Cov_π(h, h), computed from the chain's kernel on the training grid
// (longrun.TrainingKernel). chain must be the chain of the quadrature
// nodes of s (longrun.Graphon). The constant is the N → ∞ one: at widths
// N below about 50 relaxation times, Window gives the finite-N value.
// Errors: those of Setup.WithLaw, longrun.TrainingKernel, Linear and
// Particles.
func Walk(ctx context.Context, s *limits.Setup, times []float64, chain *longrun.Chain, opt Options) (*Constant, error) {
	if s == nil || chain == nil {
		return nil, fmt.Errorf("fluctuation: Walk: nil Setup or chain: %w", graphs.ErrParameter)
	}
	sw, kern, err := walkSetup("Walk", s, chain)
	if err != nil {
		return nil, err
	}
	var c *Constant
	if s.Problem().Activation == activation.Identity {
		c, err = linear(ctx, sw, times, kern, nil)
	} else {
		set := defaults
		set.kern = kern
		c, err = particles(ctx, sw, times, opt, set)
	}
	if err != nil {
		return nil, err
	}
	c.Method += "; samples from a stationary chain: stationary law and long-run covariance"
	return c, nil
}

func walkSetup(fn string, s *limits.Setup, chain *longrun.Chain) (*limits.Setup, []float64, error) {
	sw, err := s.WithLaw(chain.Pi)
	if err != nil {
		return nil, nil, fmt.Errorf("fluctuation: %s: %w", fn, err)
	}
	kern, err := longrun.TrainingKernel(sw, chain)
	if err != nil {
		return nil, nil, fmt.Errorf("fluctuation: %s: %w", fn, err)
	}
	return sw, kern, nil
}

// longRun replaces the scratch covariance of e by its long-run covariance
// Hᵀ K H + s_y² Σ, H the rows (y_k − b·φ_k) φ_k on the grid (the noise on y
// is drawn afresh at every sample: its part stays i.i.d.); from the
// quadratic form d.gram when it is set.
func (d *dynamics) longRun(b []float64) {
	p := d.p
	if d.gram != nil {
		d.gram.quad(d.ce, b)
		for i := range p * p {
			d.ce[i] += d.noiseY2 * d.sigma[i]
		}
		return
	}
	np := len(d.omega)
	h := make([]float64, np*p)
	for k := range np {
		f := d.phi[k*p : (k+1)*p]
		res := d.y[k]
		for i, v := range f {
			res -= b[i] * v
		}
		for i, v := range f {
			h[k*p+i] = res * v
		}
	}
	g := longrun.QuadForm(d.kern, np, h, p)
	for i := range p * p {
		d.ce[i] = g[i] + d.noiseY2*d.sigma[i]
	}
}

// longRunFactor writes a square root L (P×P) of diag(r) K diag(r) +
// s_y² diag(ω), the long-run covariance of the per-sample residual weights:
// diag(r) V with the square root V of K computed once (kernRoot) when there
// is no noise on y, in O(P²); otherwise by a symmetric eigendecomposition
// (negative eigenvalues, from rounding, set to 0) in O(P³).
func (fl *flow) longRunFactor(l, r []float64) {
	p := fl.p
	if fl.sy2 == 0 && fl.kernRoot != nil { // L = diag(r) V with V Vᵀ = K: O(P²)
		for q := range p {
			for s := range p {
				l[q*p+s] = r[q] * fl.kernRoot[q*p+s]
			}
		}
		return
	}
	m := mat.NewSymDense(p, nil)
	for q := range p {
		for s := q; s < p; s++ {
			v := r[q] * fl.kern[q*p+s] * r[s]
			if q == s {
				v += fl.sy2 * fl.omega[q]
			}
			m.SetSym(q, s, v)
		}
	}
	var eig mat.EigenSym
	if !eig.Factorize(m, true) {
		clear(l)
		return
	}
	vals := eig.Values(nil)
	var v mat.Dense
	eig.VectorsTo(&v)
	for q := range p {
		for s := range p {
			l[q*p+s] = v.At(q, s) * math.Sqrt(math.Max(vals[s], 0))
		}
	}
}

// Window computes, for σ the identity and batches of one sample, the
// constant at the finite width N: N·Cov of the linearised moment chain
// driven by the stationary chain, step by step, with its correlations to
// the chain's current state carried exactly (docs/mathematics.md §10.4).
// With Z_k = √N (m_k − m̄_k), ξ_k = h(x_k) − E_π h, F_k = I + A(m̄_k)/N and
// S_k(x) = E[Z_k; x_k = x],
//
//	Cov Z_{k+1} = F Cov Z_k Fᵀ + (α²/N) L Cov_π(h) Lᵀ + (α/√N)(F C_k Lᵀ + L C_kᵀ Fᵀ),
//	C_k = Σ_x S_k(x) ξ(x)ᵀ,     S_{k+1}(y) = Σ_x P_xy (F S_k(x) + (α/√N) π_x L ξ(x)),
//
// from Cov Z_0 = P_0, S_0 = 0 (θ_0 is independent of the walk) and m̄ the
// Euler path of the moment ODE with step 1/N. The window of N·t samples
// cuts the autocorrelation sum that Walk's Γ integrates in full, so Window
// sits below Walk by O(τ/N), τ the chain's relaxation time, and tends to it
// as N → ∞. Cost O(N·t·(n³ + n·Q²)), n the moment coordinates.
//
// Errors: σ not the identity, a batch other than 1 (graphs.ErrUnsupported);
// width < 1, γ ≠ 1, bad times (graphs.ErrParameter); those of Walk.
func Window(ctx context.Context, s *limits.Setup, times []float64, chain *longrun.Chain, width int) (*Constant, error) {
	if s == nil || chain == nil {
		return nil, fmt.Errorf("fluctuation: Window: nil Setup or chain: %w", graphs.ErrParameter)
	}
	pr := s.Problem()
	if pr.Activation != activation.Identity || pr.Batch != 1 {
		return nil, fmt.Errorf("fluctuation: Window: activation=%v, batch=%d: the finite-window recursion is for σ the identity and one sample per step: %w", pr.Activation, pr.Batch, graphs.ErrUnsupported)
	}
	if pr.Gamma != 1 || width < 1 {
		return nil, fmt.Errorf("fluctuation: Window: gamma=%v, width=%d: need gamma=1 and width ≥ 1: %w", pr.Gamma, width, graphs.ErrParameter)
	}
	if err := checkTimes("Window", times); err != nil {
		return nil, err
	}
	sw, _, err := walkSetup("Window", s, chain)
	if err != nil {
		return nil, err
	}
	d := s.Dim()
	p := 2 * d
	if p > maxDim {
		return nil, fmt.Errorf("fluctuation: Window: dim=2d=%d above %d: %w", p, maxDim, graphs.ErrTooLarge)
	}
	omega, phi, y := sw.TrainingGrid()
	sigma, r, err := meanfield.SecondMoments(omega, phi, y, p)
	if err != nil {
		return nil, fmt.Errorf("fluctuation: Window: %w", err)
	}
	m0, err := meanfield.InitialMoments(pr.Sc, pr.Sw, d)
	if err != nil {
		return nil, fmt.Errorf("fluctuation: Window: %w", err)
	}
	dy := newDynamics(omega, phi, y, p, pr.Alpha, 1, pr.NoiseY, sigma, r)
	n := dy.n
	q := chain.S
	cells := len(omega) / q
	pm := initialCovariance(dy.coords, pr.Sc, pr.Sw, d, pr.Symmetric)
	x := make([]float64, n)
	dy.pack(x, m0)
	sm := make([]float64, n*q) // S_k: column x of n rows, stored x-major: sm[x*n+i]
	am, gm := make([]float64, n*n), make([]float64, n*n)
	fm := make([]float64, n*n)
	f, xi := make([]float64, n), make([]float64, q*p)
	tmp, cross, lc := make([]float64, n*n), make([]float64, n*p), make([]float64, n*n)
	fs, ns := make([]float64, n*q), make([]float64, n*q)
	h := 1 / float64(width)
	a := pr.Alpha
	rt := a * math.Sqrt(h)
	steps := make([]int64, len(times))
	for k, t := range times {
		steps[k] = int64(math.Round(t * float64(width)))
	}
	var ms []shallow.Moments
	var covs [][]float64
	next := 0
	for k := int64(0); next < len(steps); k++ {
		for next < len(steps) && steps[next] == k {
			ms = append(ms, dy.unpack(x, nan))
			covs = append(covs, append([]float64(nil), pm...))
			next++
		}
		if next == len(steps) {
			break
		}
		if k%256 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		dy.drift(x, f)
		dy.jacobian(x, am)
		dy.noise(x, gm) // gm = α² L Cov_π(h) Lᵀ; leaves L(m) in dy.lm (n×p)
		lm := dy.lm
		// ξ(x_q) = Σ_c (w_qc/π_q) e_qc − ē, e = (y − b·φ) φ
		clear(xi)
		b := x[:p]
		for j := range q {
			if chain.Pi[j] == 0 {
				continue
			}
			for c := range cells {
				kk := j*cells + c
				fk := phi[kk*p : (kk+1)*p]
				res := y[kk]
				for i, v := range fk {
					res -= b[i] * v
				}
				wgt := omega[kk] / chain.Pi[j]
				for i, v := range fk {
					xi[j*p+i] += wgt * res * v
				}
			}
			for i := range p {
				xi[j*p+i] -= dy.e[i]
			}
		}
		for i := range n * n {
			fm[i] = h * am[i]
		}
		for i := range n {
			fm[i*n+i]++
		}
		// cross = Σ_x S(x) ξ(x)ᵀ (n×p); lc = F cross Lᵀ (n×n)
		clear(cross)
		for j := range q {
			for i := range n {
				sv := sm[j*n+i]
				if sv == 0 {
					continue
				}
				for l := range p {
					cross[i*p+l] += sv * xi[j*p+l]
				}
			}
		}
		mul(tmp, fm, n, n, cross, p) // tmp n×p
		for i := range n {
			for j := range n {
				s := 0.0
				for l := range p {
					s += tmp[i*p+l] * lm[j*p+l]
				}
				lc[i*n+j] = s
			}
		}
		// Cov' = F P Fᵀ + h gm + rt (lc + lcᵀ)
		mul(tmp, fm, n, n, pm, n)
		for i := range n {
			for j := i; j < n; j++ {
				s := 0.0
				for l := range n {
					s += tmp[i*n+l] * fm[j*n+l]
				}
				v := s + h*gm[i*n+j] + rt*(lc[i*n+j]+lc[j*n+i])
				pm[i*n+j], pm[j*n+i] = v, v
			}
		}
		// S'(y) = Σ_x P_xy (F S(x) + rt π_x L ξ(x))
		for j := range q {
			col := fs[j*n : (j+1)*n]
			sj := sm[j*n : (j+1)*n]
			for i := range n {
				s := 0.0
				for l := range n {
					s += fm[i*n+l] * sj[l]
				}
				lx := 0.0
				for l := range p {
					lx += lm[i*p+l] * xi[j*p+l]
				}
				col[i] = s + rt*chain.Pi[j]*lx
			}
		}
		clear(ns)
		for j := range q {
			src := fs[j*n : (j+1)*n]
			for yy := range q {
				pv := chain.P[j*q+yy]
				if pv == 0 {
					continue
				}
				dst := ns[yy*n : (yy+1)*n]
				for i, v := range src {
					dst[i] += pv * v
				}
			}
		}
		sm, ns = ns, sm
		for i := range n {
			x[i] += h * f[i]
		}
	}
	c, err := constant(s, ms, covs, n, p, times)
	if err != nil {
		return nil, err
	}
	c.Method = fmt.Sprintf("finite-window covariance recursion of the linearised moment chain (σ identity, γ=1, N=%d), samples from a stationary chain", width)
	c.Symmetric = pr.Symmetric
	return c, nil
}

// mul sets dst (r×c) = a (r×k) · b (k×c).
func mul(dst, a []float64, r, k int, b []float64, c int) {
	clear(dst[:r*c])
	for i := range r {
		for l := range k {
			v := a[i*k+l]
			if v == 0 {
				continue
			}
			for j := range c {
				dst[i*c+j] += v * b[l*c+j]
			}
		}
	}
}

// constant builds C, the band and the outputs on the evaluation grid of s
// (Lebesgue) from the moments and covariances (n×n coordinates, b first) at
// times: C(t) = tr(Σ_ω P_bb(t)) and the band φ(u)ᵀ P_bb(t) φ(u).
func constant(s grid, ms []shallow.Moments, covs [][]float64, n, p int, times []float64) (*Constant, error) {
	u, w := s.Nodes()
	ephi, ey := s.Features()
	sigmaW, _, err := meanfield.SecondMoments(w, ephi, ey, p)
	if err != nil {
		return nil, fmt.Errorf("fluctuation: %w", err)
	}
	c := &Constant{Times: append([]float64(nil), times...), U: u, Moments: ms}
	for k := range times {
		pbb := make([]float64, p*p)
		for i := range p {
			copy(pbb[i*p:(i+1)*p], covs[k][i*n:i*n+p])
		}
		ck := 0.0
		for i := range p * p {
			ck += sigmaW[i] * pbb[i]
		}
		g, v := make([]float64, len(u)), make([]float64, len(u))
		for q := range u {
			f := ephi[q*p : (q+1)*p]
			g[q] = ms[k].Output(f)
			for i, fi := range f {
				for j, fj := range f {
					v[q] += fi * pbb[i*p+j] * fj
				}
			}
		}
		c.C = append(c.C, ck)
		c.CovB = append(c.CovB, pbb)
		c.G = append(c.G, g)
		c.Variance = append(c.Variance, v)
	}
	return c, nil
}

// WalkParticles is Walk through Particles for any σ with two derivatives,
// the identity included (Walk picks the exact Linear for it): the
// linearised flow with the long-run covariance of the chain's samples.
// Errors: those of Walk and Particles.
func WalkParticles(ctx context.Context, s *limits.Setup, times []float64, chain *longrun.Chain, opt Options) (*Constant, error) {
	if s == nil || chain == nil {
		return nil, fmt.Errorf("fluctuation: WalkParticles: nil Setup or chain: %w", graphs.ErrParameter)
	}
	sw, kern, err := walkSetup("WalkParticles", s, chain)
	if err != nil {
		return nil, err
	}
	set := defaults
	set.kern = kern
	c, err := particles(ctx, sw, times, opt, set)
	if err != nil {
		return nil, err
	}
	c.Method += "; samples from a stationary chain: stationary law and long-run covariance"
	return c, nil
}

// sqrtPSD returns V (P×P) with V Vᵀ = K for the symmetric positive
// semi-definite k (eigenvalues below 0, from rounding, set to 0); nil if
// the decomposition fails.
func sqrtPSD(k []float64, p int) []float64 {
	var eig mat.EigenSym
	if !eig.Factorize(mat.NewSymDense(p, append([]float64(nil), k...)), true) {
		return nil
	}
	vals := eig.Values(nil)
	var v mat.Dense
	eig.VectorsTo(&v)
	out := make([]float64, p*p)
	for q := range p {
		for s := range p {
			out[q*p+s] = v.At(q, s) * math.Sqrt(math.Max(vals[s], 0))
		}
	}
	return out
}

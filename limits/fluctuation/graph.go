package fluctuation

import (
	"context"
	"fmt"

	"github.com/gnnwb/gnnwb/gnn/activation"
	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/graphs/aggregation"
	"github.com/gnnwb/gnnwb/limits"
	"github.com/gnnwb/gnnwb/limits/meanfield"
	"github.com/gnnwb/gnnwb/limits/ode"
)

// GraphAxis is the predicted error along the graph axis (docs/mathematics.md
// §8.7): the expected squared function error between a network of width N
// trained on G(n, W, ρ) by the ego sampler and the graphon limit at the same
// width and seed (limits.Setup.Limit(GraphonLimit, N, seed)), σ the
// identity,
//
//	E e_fun²(t) = Bias(t) + Variance(t) + higher order,
//	Bias(t) = ‖B(t)‖²_Σω/(nρ)²,   Variance(t) = V(t)/(N·nρ),
//
// with ‖v‖²_Σω = vᵀ Σ_ω v, Σ_ω = Σ_q ω_q φ(u_q) φ(u_q)ᵀ on the evaluation
// grid. Slices are indexed by time.
type GraphAxis struct {
	Method string    `json:"method"` // how it was computed
	Nodes  int       `json:"nodes"`  // n
	NRho   float64   `json:"n_rho"`  // nρ
	Width  int       `json:"width"`  // N
	Times  []float64 `json:"times"`
	// Bias[k] = ‖B(t_k)‖²_Σω/(nρ)², the square of the mean error.
	Bias []float64 `json:"bias"`
	// Variance[k] = V(t_k)/(N·nρ), the variance of the error.
	Variance []float64 `json:"variance"`
	// Total[k] = Bias[k] + Variance[k]: E e_fun²(t_k) to leading order.
	Total []float64 `json:"total"`
	// MeanFieldBias[k] = ‖b̄_n(t_k) − b̄(t_k)‖²_Σω, b̄_n the b of the moment
	// ODE under the ego sampler's π_n: the square of the mean error as
	// N → ∞ at this n, to every order in 1/(nρ). Bias is its leading term;
	// MeanFieldBias[k] + Variance[k] refines Total where nρ is small.
	MeanFieldBias []float64 `json:"mean_field_bias"`
	// B[k] = nρ·E(b_n − b)(t_k) (dim = 2d entries), the mean of the
	// difference of the two networks' b = E_N[c a], times nρ. It depends on
	// n beyond nρ only through the terms of order 1/n that are kept.
	B [][]float64 `json:"b"`
	// V[k] = tr(Σ_ω P_bb(t_k)), P the covariance of √(N·nρ)(m_n − m) from
	// the Lyapunov equation; it does not depend on N.
	V     []float64 `json:"v"`
	Stats ode.Stats `json:"stats"`
}

// Graph predicts, without fitting, the graph axis of the error of a σ-identity
// network (docs/mathematics.md §8.7): at the times (strictly increasing, in
// [0, 1e6]), the expected squared function error E e_fun²(t) between the
// network of width N = width trained by online SGD on G(n, W, ρ) with
// n = nodes through the ego sampler and the graphon limit of the same width
// and seed, to leading order,
//
//	E e_fun²(t) ≈ ‖B(t)‖²_Σω/(nρ)² + V(t)/(N·nρ).
//
// Given its latent u, the ego sample's aggregated feature m̂ differs from
// (T_W X)(u) by δ with, exactly,
//
//	E[δ|u] = −(T_W X)(u)/n [+ X(u)/(nρ) with a self-loop],
//	Cov(δ|u) = ((n−1)/n)·((T_W XXᵀ)(u) − ρ (T_W X)(u)(T_W X)(u)ᵀ)/(nρ).
//
// The two networks start from the same θ_0 and see the same latents, so
// the difference Δm of their moments m = (b, Q, q) (Chain) starts at 0 and
// follows, to leading order, dE Δm/dt = A(t) E Δm + f̂(m̄) − f(m̄), where
// f is the moment ODE of π_∞, f̂ the same drift with Σ = E φφᵀ and
// r = E yφ replaced by those of the ego sampler's φ̂ = (x, m̂), and A = ∂f/∂m
// at the mean-field moments m̄(t); and its covariance is P/(N·nρ) with
//
//	dP/dt = A P + P Aᵀ + α² ν nρ E_u[L(m̄) J(u) Cov(δ|u) J(u)ᵀ L(m̄)ᵀ],   P(0) = 0,
//
// J(u) = r(u) D − φ(u) b_mᵀ the derivative of the increment e = (y − b·φ)φ
// in the aggregated block (D embeds ℝ^d in the m coordinates of φ, b_m the
// m block of b̄, r = Y − b̄·φ), L and ν = 1/B as in Linear. The integrals
// over u are the Setup's quadrature. The mean-field moments do not depend
// on the initialisation, and Δm_0 = 0 for both, so the prediction is the
// same for i.i.d. units and for symmetric pairs. What is left out is of
// higher order: in the mean, O(1/(nρ)²) and O(1/(N·nρ)); in the
// covariance, O(1/(N (nρ)²)) (the u-dependence of the mean increment, the
// third moment of δ); and terms of relative order 1/N. MeanFieldBias keeps
// every order in 1/(nρ) of the mean: the b block of m̄_n − m̄, m̄_n the
// moment ODE with f̂ (the N → ∞ limit of the network on π_n).
//
// Errors: s nil, nodes < 1, width < 1, times empty, not finite, negative
// or not increasing (graphs.ErrParameter); σ not the identity (the moments
// do not close), γ ≠ 1, the whole-graph sampler (its samples share one
// graph), an aggregation other than the graphon normalisation (mean divides
// by the random degree), noise on x or y (the finite sampler and the limit
// draw their noises from different places in the step's stream, so the two
// are not coupled through it) (graphs.ErrUnsupported); dim = 2d above 32
// (graphs.ErrTooLarge); those of the integrator and ctx.
func Graph(ctx context.Context, s *limits.Setup, nodes, width int, times []float64) (*GraphAxis, error) {
	const fn = "Graph"
	if s == nil {
		return nil, fmt.Errorf("fluctuation: Graph: nil Setup: %w", graphs.ErrParameter)
	}
	pr := s.Problem()
	switch {
	case pr.Activation != activation.Identity:
		return nil, fmt.Errorf("fluctuation: Graph: activation=%v: the moments close for σ the identity only: %w", pr.Activation, graphs.ErrUnsupported)
	case pr.Gamma != 1:
		return nil, fmt.Errorf("fluctuation: Graph: gamma=%v: the graph axis is predicted at gamma=1: %w", pr.Gamma, graphs.ErrUnsupported)
	case pr.Sampler != limits.EgoSampling:
		return nil, fmt.Errorf("fluctuation: Graph: sampler=%v: the samples of the whole-graph sampler share one graph; the prediction is for the ego sampler: %w", pr.Sampler, graphs.ErrUnsupported)
	case pr.Aggregation.Norm != aggregation.Graphon:
		return nil, fmt.Errorf("fluctuation: Graph: aggregation=%s: the prediction is for the graphon normalisation (the others divide by a random degree): %w", pr.Aggregation, graphs.ErrUnsupported)
	case pr.NoiseX != 0 || pr.NoiseY != 0:
		return nil, fmt.Errorf("fluctuation: Graph: noise_x=%v noise_y=%v: the network's sampler and the graphon limit draw the noises from different places of the step's stream, so their difference has a part that does not vanish as n grows: %w", pr.NoiseX, pr.NoiseY, graphs.ErrUnsupported)
	case nodes < 1:
		return nil, fmt.Errorf("fluctuation: Graph: nodes=%d < 1: %w", nodes, graphs.ErrParameter)
	case width < 1:
		return nil, fmt.Errorf("fluctuation: Graph: width=%d < 1: %w", width, graphs.ErrParameter)
	}
	if err := checkTimes(fn, times); err != nil {
		return nil, err
	}
	ms, err := newMomentSystem(fn, s)
	if err != nil {
		return nil, err
	}
	gs := newGraphSource(s, ms, nodes)
	tr, err := gs.solve(ctx, ms, append([]float64(nil), times...))
	if err != nil {
		return nil, fmt.Errorf("fluctuation: Graph: %w", err)
	}
	_, omega := s.Nodes()
	phi, y := s.Features()
	p, n := ms.p, ms.dy.n
	sigmaW, _, err := meanfield.SecondMoments(omega, phi, y, p)
	if err != nil {
		return nil, fmt.Errorf("fluctuation: Graph: %w", err)
	}
	nrho := gs.nrho
	g := &GraphAxis{Nodes: nodes, NRho: nrho, Width: width, Times: append([]float64(nil), times...), Stats: tr.stats}
	for k := range times {
		bk := tr.bias[k][:p]
		bias, v := 0.0, 0.0
		for i := range p {
			for j := range p {
				bias += bk[i] * sigmaW[i*p+j] * bk[j]
				v += sigmaW[i*p+j] * tr.cov[k][j*n+i]
			}
		}
		bias /= nrho * nrho
		vr := v / (float64(width) * nrho)
		g.B = append(g.B, append([]float64(nil), bk...))
		g.V = append(g.V, v)
		g.Bias = append(g.Bias, bias)
		g.Variance = append(g.Variance, vr)
		g.Total = append(g.Total, bias+vr)
		mf := 0.0
		xk := tr.mfBias[k][:p]
		for i := range p {
			for j := range p {
				mf += xk[i] * sigmaW[i*p+j] * xk[j]
			}
		}
		g.MeanFieldBias = append(g.MeanFieldBias, mf/(nrho*nrho))
	}
	loop := ""
	if gs.loop {
		loop = ", self-loop"
	}
	g.Method = fmt.Sprintf("leading-order graph axis of the ego sampler: bias ODE and Lyapunov equation of the linearised moment chain (σ identity, γ=1, graphon normalisation%s, n=%d, ρ=%v, %s)", loop, nodes, pr.Rho, ms.about)
	return g, nil
}

// graphSource is what the ego sampler's aggregated feature changes in the
// moment dynamics, scaled by nρ: the drift's change through
// ΔΣ = E φ̂φ̂ᵀ − E φφᵀ and Δr = E yφ̂ − E yφ (hat, whose Σ and r are nρΔΣ and
// nρΔr: its drift is nρ(f̂ − f)), and nρ Cov(δ|u) on the nodes.
type graphSource struct {
	hat    *dynamics
	nrho   float64
	loop   bool
	omega  []float64 // Q: quadrature weights
	phi, y []float64 // Q×p, Q: φ(u_q), Y(u_q)
	cd     []float64 // Q×d×d: nρ Cov(δ|u_q)
	mu     []float64 // Q×d: nρ E[δ|u_q]
	jc, jm []float64 // scratch: J (p×d) and J C (p×d)
}

// newGraphSource computes the conditional mean and covariance of δ on the
// Setup's nodes (the training grid: there is no feature noise) and the
// changes ΔΣ, Δr of the second moments.
func newGraphSource(s *limits.Setup, ms *momentSystem, nodes int) *graphSource {
	pr := s.Problem()
	d, p := s.Dim(), ms.p
	u, omega := s.Nodes()
	phi, y := s.Features()
	w := pr.Graphon.Func()
	nq := len(u)
	n := float64(nodes)
	rho := pr.Rho
	nrho := n * rho
	gs := &graphSource{nrho: nrho, loop: pr.Aggregation.Loops != aggregation.NoLoops, omega: omega, phi: phi, y: y,
		cd: make([]float64, nq*d*d), mu: make([]float64, nq*d), jc: make([]float64, p*d), jm: make([]float64, p*d)}
	xs := make([]float64, nq*d)
	for r, v := range u {
		pr.Signal.Eval(v, xs[r*d:(r+1)*d])
	}
	dSigma, dR := make([]float64, p*p), make([]float64, p)
	sd := make([]float64, d*d)
	for q, uq := range u {
		f := phi[q*p : (q+1)*p]
		mu := gs.mu[q*d : (q+1)*d]
		tx := f[d:]
		// (T_W XXᵀ)(u_q) by the same rule as T_W X.
		c := gs.cd[q*d*d : (q+1)*d*d]
		for r, v := range u {
			wr := omega[r] * w(uq, v)
			xr := xs[r*d : (r+1)*d]
			for i := range d {
				for j := range d {
					c[i*d+j] += wr * xr[i] * xr[j]
				}
			}
		}
		// nρ Cov(δ|u) = ((n−1)/n)(T_W XXᵀ − ρ TX TXᵀ); nρ E[δ|u] = −ρ TX (+ X).
		for i := range d {
			for j := range d {
				c[i*d+j] = (n - 1) / n * (c[i*d+j] - rho*tx[i]*tx[j])
			}
			mu[i] = -rho * tx[i]
			if gs.loop {
				mu[i] += f[i]
			}
		}
		// nρ E[δδᵀ|u] = nρ Cov + (nρ E δ)(nρ E δ)ᵀ/(nρ).
		for i := range d {
			for j := range d {
				sd[i*d+j] = c[i*d+j] + mu[i]*mu[j]/nrho
			}
		}
		// nρ ΔΣ += ω (φ (Dμ)ᵀ + Dμ φᵀ + D S Dᵀ), nρ Δr += ω y Dμ.
		wq := omega[q]
		for i := range p {
			for j := range d {
				dSigma[i*p+d+j] += wq * f[i] * mu[j]
				dSigma[(d+j)*p+i] += wq * mu[j] * f[i]
			}
		}
		for i := range d {
			for j := range d {
				dSigma[(d+i)*p+d+j] += wq * sd[i*d+j]
			}
			dR[d+i] += wq * y[q] * mu[i]
		}
	}
	gs.hat = newDynamics(omega, phi, y, p, pr.Alpha, ms.dy.nu, 0, dSigma, dR)
	return gs
}

// noise writes nρ times the covariance rate of Δm, α² ν L(x) E_u[J Cov(δ|u)
// Jᵀ] L(x)ᵀ, into g (n×n).
func (gs *graphSource) noise(x, g []float64) {
	h := gs.hat
	h.load(x)
	p, d := h.p, h.p/2
	b := x[:p]
	ce := h.ce
	clear(ce)
	for q, w := range gs.omega {
		f := gs.phi[q*p : (q+1)*p]
		res := gs.y[q]
		for i, v := range f {
			res -= b[i] * v
		}
		// J = res D − φ b_mᵀ (p×d)
		jm := gs.jm
		for i := range p {
			for j := range d {
				v := -f[i] * b[d+j]
				if i == d+j {
					v += res
				}
				jm[i*d+j] = v
			}
		}
		c := gs.cd[q*d*d : (q+1)*d*d]
		jc := gs.jc
		for i := range p {
			for j := range d {
				s := 0.0
				for k := range d {
					s += jm[i*d+k] * c[k*d+j]
				}
				jc[i*d+j] = s
			}
		}
		for i := range p {
			for j := range p {
				s := 0.0
				for k := range d {
					s += jc[i*d+k] * jm[j*d+k]
				}
				ce[i*p+j] += w * s
			}
		}
	}
	h.spread(x, g)
}

// graphTrajectory is nρ E Δm, N nρ Cov Δm and nρ (m̄_n − m̄) at the
// requested times.
type graphTrajectory struct {
	bias   [][]float64 // n coordinates
	mfBias [][]float64 // n coordinates
	cov    [][]float64 // n×n
	stats  ode.Stats
}

// solve integrates dm̄/dt = f(m̄), dP/dt = A P + P Aᵀ + G_graph (P(0) = 0),
// dβ/dt = A β + nρ(f̂ − f)(m̄) (β(0) = 0) and, for ξ = nρ(m̄_n − m̄) with
// dm̄_n/dt = f̂(m̄_n), dξ/dt = nρ(f(m̄ + ξ/nρ) − f(m̄)) + nρ(f̂ − f)(m̄ + ξ/nρ)
// (ξ(0) = 0) jointly.
func (gs *graphSource) solve(ctx context.Context, ms *momentSystem, times []float64) (*graphTrajectory, error) {
	d := ms.dy
	n := d.n
	y0 := make([]float64, n+n*n+2*n)
	d.pack(y0, ms.m0)
	am, gm, ap := make([]float64, n*n), make([]float64, n*n), make([]float64, n*n)
	xn, fx, fn := make([]float64, n), make([]float64, n), make([]float64, n)
	f := func(_ float64, y, dst []float64) {
		x, pm, beta, xi := y[:n], y[n:n+n*n], y[n+n*n:n+n*n+n], y[n+n*n+n:]
		d.drift(x, dst[:n])
		d.jacobian(x, am)
		gs.noise(x, gm)
		lyapunovRate(n, am, pm, gm, ap, dst[n:n+n*n])
		db := dst[n+n*n : n+n*n+n]
		gs.hat.drift(x, db)
		for i := range n {
			s := 0.0
			for k, a := range am[i*n : (i+1)*n] {
				s += a * beta[k]
			}
			db[i] += s
		}
		for i := range n {
			xn[i] = x[i] + xi[i]/gs.nrho
		}
		dxi := dst[n+n*n+n:]
		d.drift(x, fx)
		d.drift(xn, fn)
		gs.hat.drift(xn, dxi)
		for i := range n {
			dxi[i] += gs.nrho * (fn[i] - fx[i])
		}
	}
	tr := &graphTrajectory{bias: make([][]float64, len(times)), mfBias: make([][]float64, len(times)), cov: make([][]float64, len(times))}
	st, err := ode.Integrate(ctx, f, 0, y0, times, lyapunovTol, func(k int, _ float64, y []float64) error {
		tr.cov[k] = append([]float64(nil), y[n:n+n*n]...)
		tr.bias[k] = append([]float64(nil), y[n+n*n:n+n*n+n]...)
		tr.mfBias[k] = append([]float64(nil), y[n+n*n+n:]...)
		return nil
	})
	tr.stats = st
	if err != nil {
		return nil, fmt.Errorf("fluctuation: %w", err)
	}
	return tr, nil
}

package fluctuation

import (
	"context"
	"fmt"
	"math"

	"github.com/gnnwb/gnnwb/gnn/activation"
	"github.com/gnnwb/gnnwb/gnn/shallow"
	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/limits"
	"github.com/gnnwb/gnnwb/limits/meanfield"
	"github.com/gnnwb/gnnwb/limits/ode"
)

// Constant is the central-limit constant of the width error of a problem at
// its times t_k (docs/mathematics.md §8): as N → ∞,
//
//	E ‖g^N_t − g_t‖²_{L²(du)} = C(t)/N + o(1/N),
//	Var g^N_t(φ(u)) = φ(u)ᵀ P_bb(t) φ(u)/N + o(1/N),
//
// for the network of width N trained by online SGD on π_∞ and its
// mean-field limit g_t. Slices are indexed by time (k) and then by
// quadrature node (q) of the evaluation grid.
type Constant struct {
	Method string    `json:"method"` // how it was computed
	Times  []float64 `json:"times"`
	// C[k] = C(t_k) = tr(Σ_ω P_bb(t_k)), Σ_ω = Σ_q ω_q φ(u_q) φ(u_q)ᵀ.
	C []float64 `json:"c"`
	// CovB[k] is P_bb(t_k), the covariance of the limit of √N (b_N − b̄)
	// at t_k (dim×dim row-major).
	CovB [][]float64 `json:"cov_b"`
	// U are the quadrature nodes u_q of the evaluation grid.
	U []float64 `json:"u"`
	// G[k][q] = g_{t_k}(φ(u_q)), the mean-field limit.
	G [][]float64 `json:"g"`
	// Variance[k][q] = φ(u_q)ᵀ P_bb(t_k) φ(u_q): N times the variance of
	// the network's output at u_q, as N → ∞ (the band is G ± z·√(Variance/N)).
	Variance [][]float64 `json:"variance"`
	// Moments[k] is m̄(t_k) = (b̄, Q̄, q̄), the solution of the moment ODE
	// (MeanC is NaN, not part of it, hence not in JSON).
	Moments []shallow.Moments `json:"-"`
	// Symmetric records μ_0 in pairs (c, a), (−c, a): widths are even.
	Symmetric bool      `json:"symmetric"`
	Stats     ode.Stats `json:"stats"`
	// ErrEstimate[k] is the solver's own error of C(t_k): nil for Linear
	// (exact up to the ODE tolerance); for Particles with Options.SelfCheck,
	// the larger difference to the solves with twice and half the particles.
	ErrEstimate []float64 `json:"err_estimate,omitempty"`
}

// Tolerances of the joint moment and Lyapunov ODE (those of the moment ODE
// in package limits).
var lyapunovTol = ode.Options{RTol: 1e-10, ATol: 1e-12}

// maxDim bounds dim = 2d: the covariance has (dim + dim(dim+1)/2 + 1)²
// entries (314721 at dim = 32) and each right-hand side costs O(dim⁵).
const maxDim = 32

// Linear computes the central-limit constant of the problem of s at the
// times (strictly increasing, in [0, 1e6]) for σ the identity and γ = 1
// (docs/mathematics.md §8): it integrates the moment ODE and the Lyapunov
// equation dP/dt = A P + P Aᵀ + α² ν Cov_π(h) jointly (Dormand–Prince,
// tolerances 10⁻¹⁰ relative and 10⁻¹² absolute), from P(0) = Cov Z_0 of the
// problem's μ_0 (i.i.d. or symmetric pairs). π is the training grid of s;
// ν = 1/B for the ego sampler and for the whole-graph sampler with a batch
// B ≥ 1, and ν = 0 for the whole-graph sampler with all nodes (full-batch
// gradient descent has no sampling noise as n → ∞). The noise on y enters
// through Cov_π(h). The constant is that of networks trained on π_∞ (the
// limit n → ∞ taken first): the graph's own fluctuation is not in it.
// Cost O(dim⁵) per right-hand side.
//
// Errors: s nil (graphs.ErrParameter); σ not the identity (graphs.
// ErrUnsupported: see Particles); γ ≠ 1, times empty, not finite,
// negative or not increasing (graphs.ErrParameter); dim = 2d above 32
// (graphs.ErrTooLarge); those of the integrator and ctx.
func Linear(ctx context.Context, s *limits.Setup, times []float64) (*Constant, error) {
	if s == nil {
		return linear(ctx, nil, times, nil, nil)
	}
	return linear(ctx, s, times, nil, nil)
}

// linear is Linear with the noise covariance Cov_π(e) replaced by the
// long-run covariance eᵀ K e on the training grid when kern (P×P) is set,
// or when the kernel operator kop is set (kernelgram.go: K applied once to
// the p + p(p+1)/2 functions the noise is a quadratic form of).
func linear(ctx context.Context, s grid, times []float64, kern []float64, kop func(dst, src []float64, m int) (float64, error)) (*Constant, error) {
	if s == nil {
		return nil, fmt.Errorf("fluctuation: Linear: nil Setup: %w", graphs.ErrParameter)
	}
	pr := s.Problem()
	if pr.Activation != activation.Identity {
		return nil, fmt.Errorf("fluctuation: Linear: activation=%v: Linear is the exact method for σ the identity (Particles or Solve take other σ): %w", pr.Activation, graphs.ErrUnsupported)
	}
	if pr.Gamma != 1 {
		return nil, fmt.Errorf("fluctuation: Linear: gamma=%v: the mean-field fluctuations need gamma=1: %w", pr.Gamma, graphs.ErrParameter)
	}
	if err := checkTimes("Linear", times); err != nil {
		return nil, err
	}
	ms, err := newMomentSystem("Linear", s)
	if err != nil {
		return nil, err
	}
	dy, p := ms.dy, ms.p
	dy.kern = kern
	if kop != nil {
		if dy.gram, err = newKernelGram(dy.phi, dy.y, p, kop); err != nil {
			return nil, fmt.Errorf("fluctuation: Linear: %w", err)
		}
	}
	tr, err := dy.solve(ctx, ms.m0, ms.p0, append([]float64(nil), times...), lyapunovTol)
	if err != nil {
		return nil, fmt.Errorf("fluctuation: Linear: %w", err)
	}
	c, err := constant(s, tr.m, tr.cov, dy.n, p, times)
	if err != nil {
		return nil, fmt.Errorf("fluctuation: Linear: %w", err)
	}
	c.Method = fmt.Sprintf("Lyapunov equation of the linearised moment ODE (σ identity, γ=1, %s)", ms.about)
	if dy.gram != nil {
		c.Method += fmt.Sprintf(", kernel by the Poisson series (relative error ≤ %.1e)", dy.gram.relErr)
	}
	c.Stats, c.Symmetric = tr.stats, pr.Symmetric
	return c, nil
}

// momentSystem is the linearised moment dynamics of the σ-identity
// network of a problem on its training grid, from its initial moments m0
// and their covariance p0 (of one unit), p = 2d the dimension of φ.
type momentSystem struct {
	dy    *dynamics
	m0    shallow.Moments
	p0    []float64
	p     int
	about string // the initialisation and the noise, in words
}

// newMomentSystem builds the moment system of s's problem for fn's errors.
func newMomentSystem(fn string, s grid) (*momentSystem, error) {
	pr := s.Problem()
	d := s.Dim()
	p := 2 * d
	if p > maxDim {
		return nil, fmt.Errorf("fluctuation: %s: dim=2d=%d above %d: %w", fn, p, maxDim, graphs.ErrTooLarge)
	}
	nu := 0.0
	if pr.Sampler == limits.EgoSampling || pr.Batch > 0 {
		nu = 1 / float64(pr.Batch)
	}
	omega, phi, y := s.TrainingGrid()
	sigma, r, err := meanfield.SecondMoments(omega, phi, y, p)
	if err != nil {
		return nil, fmt.Errorf("fluctuation: %s: %w", fn, err)
	}
	m0, err := meanfield.InitialMoments(pr.Sc, pr.Sw, d)
	if err != nil {
		return nil, fmt.Errorf("fluctuation: %s: %w", fn, err)
	}
	dy := newDynamics(omega, phi, y, p, pr.Alpha, nu, pr.NoiseY, sigma, r)
	about := "i.i.d. μ_0"
	if pr.Symmetric {
		about = "symmetric μ_0"
	}
	if nu == 0 {
		about += ", full-batch gradient descent, no sampling noise"
	} else {
		about += fmt.Sprintf(", online SGD, B=%d", pr.Batch)
	}
	return &momentSystem{dy: dy, m0: m0, p0: initialCovariance(dy.coords, pr.Sc, pr.Sw, d, pr.Symmetric), p: p, about: about}, nil
}

// maxWidth bounds the width Width answers (2⁵³: every integer below is a
// float64).
const maxWidth = 1 << 53

// Width returns the width N = ⌈C(t_k)/ε²⌉ at which the expected squared
// L²(du) error of the network at t_k, C(t_k)/N to leading order, is at most
// eps²; at least 1, and rounded up to even for symmetric pairs. It is an
// asymptotic answer: the terms of higher order in 1/N are left out.
// Errors: eps not finite and > 0, k out of range (graphs.ErrParameter); a
// width above 2⁵³ (graphs.ErrTooLarge).
func (c *Constant) Width(eps float64, k int) (int, error) {
	if !(eps > 0 && eps <= math.MaxFloat64) {
		return 0, fmt.Errorf("fluctuation: Constant.Width: eps=%v not a finite number > 0: %w", eps, graphs.ErrParameter)
	}
	if k < 0 || k >= len(c.C) {
		return 0, fmt.Errorf("fluctuation: Constant.Width: time index %d not in [0, %d): %w", k, len(c.C), graphs.ErrParameter)
	}
	w := math.Ceil(c.C[k] / (eps * eps))
	if !(w <= maxWidth) {
		return 0, fmt.Errorf("fluctuation: Constant.Width: C(t)/ε² = %v/%v² above 2^53: %w", c.C[k], eps, graphs.ErrTooLarge)
	}
	n := max(int(w), 1)
	if c.Symmetric && n%2 != 0 {
		n++
	}
	return n, nil
}

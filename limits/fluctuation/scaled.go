package fluctuation

import (
	"context"
	"fmt"

	"github.com/gnnwb/gnnwb/gnn/activation"
	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/limits"
)

// LinearScaled is Linear for any γ ∈ [½, 1]: the central-limit constant of
// a network of width N (width) at the problem's γ about the ε-flow at its
// own ε = N^{γ−1} (limits.GammaLimit, docs/mathematics.md §9). In the
// coordinates m = (β, Q, q), β = b/ε = N^{1−γ} E_N[c a], one SGD step of
// the chain moves m by α/N times the ε-scaled moment drift
// (meanfield.SolveScaledMoments) plus terms of order 1/N², so
// Z = √N (m_N − m̄) solves the Lyapunov equation of Linear with the drift,
// its Jacobian and the noise direction L e = ((Q + qI) e, ε² (e βᵀ + β eᵀ),
// 2ε² β·e) of the ε-system. At t = 0, √N β_0 has covariance
// s_c² (s_w²/d) I/ε² for i.i.d. units (the initial output's variance
// N^{1−2γ} s_c² E[σ²], here for σ the identity) and is 0 for mirror pairs;
// Q and q are as in Linear. C(t) = tr(Σ_ω P_ββ(t)), since g = β·φ: as
// N → ∞ at fixed ε, E‖g^N_t − g^ε_t‖² = C(t)/N + o(1/N). At γ = 1 it is
// Linear. Moments hold (β̄, Q̄, q̄) and CovB P_ββ. Errors: as Linear, and width < 1
// (graphs.ErrParameter).
func LinearScaled(ctx context.Context, s *limits.Setup, times []float64, width int) (*Constant, error) {
	if s == nil {
		return nil, fmt.Errorf("fluctuation: LinearScaled: nil Setup: %w", graphs.ErrParameter)
	}
	pr := s.Problem()
	if pr.Activation != activation.Identity {
		return nil, fmt.Errorf("fluctuation: LinearScaled: activation=%v: the moments close for σ the identity only: %w", pr.Activation, graphs.ErrUnsupported)
	}
	if width < 1 {
		return nil, fmt.Errorf("fluctuation: LinearScaled: width=%d < 1: %w", width, graphs.ErrParameter)
	}
	if err := checkTimes("LinearScaled", times); err != nil {
		return nil, err
	}
	ms, err := newMomentSystem("LinearScaled", s)
	if err != nil {
		return nil, err
	}
	dy, p, p0 := ms.dy, ms.p, ms.p0
	eps := s.FlowEps(width)
	dy.eps2 = eps * eps
	n := dy.n
	for i := range p { // √N β_0 = √N b_0/ε
		p0[i*n+i] /= eps * eps
	}
	tr, err := dy.solve(ctx, ms.m0, p0, append([]float64(nil), times...), lyapunovTol)
	if err != nil {
		return nil, fmt.Errorf("fluctuation: LinearScaled: %w", err)
	}
	c, err := constant(s, tr.m, tr.cov, dy.n, p, times)
	if err != nil {
		return nil, fmt.Errorf("fluctuation: LinearScaled: %w", err)
	}
	c.Method = fmt.Sprintf("Lyapunov equation of the linearised ε-scaled moment ODE (σ identity, γ=%v, N=%d, ε=%.6g, %s)", pr.Gamma, width, eps, ms.about)
	c.Stats, c.Symmetric = tr.stats, pr.Symmetric
	return c, nil
}

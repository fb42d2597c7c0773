package limits

import (
	"context"
	"fmt"

	"github.com/gnnwb/gnnwb/gnn/activation"
	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/limits/meanfield"
	"github.com/gnnwb/gnnwb/limits/quadrature"
)

// FlowEps returns ε = N^{γ−1} of the ε-flow that a network of the problem's
// γ and width N is an N-particle system of (docs/mathematics.md §9).
func (s *Setup) FlowEps(width int) float64 { return meanfield.FlowEps(width, s.p.Gamma) }

// gammaFlow solves the ε-flow at ε = N^{γ−1}: the ε-scaled moment ODE for σ
// the identity, the particle solver (mirror pairs) otherwise.
func (s *Setup) gammaFlow(ctx context.Context, width int, times []float64, opt SolveOptions) (*Solution, error) {
	if width < 1 {
		return nil, perr("the gamma limit needs the width N ≥ 1 of its ε = N^{γ−1}, got %d", width)
	}
	eps := s.FlowEps(width)
	if s.p.Activation == activation.Identity {
		m0, err := meanfield.InitialMoments(s.p.Sc, s.p.Sw, s.r.d)
		if err != nil {
			return nil, err
		}
		dim := 2 * s.r.d
		sigma, r, err := meanfield.SecondMoments(s.tOmega, s.tPhi, s.tY, dim)
		if err != nil {
			return nil, err
		}
		ms, st, err := meanfield.SolveScaledMoments(ctx, meanfield.MomentProblem{Sigma: sigma, R: r, Alpha: s.p.Alpha}, eps, m0, times, momentTol)
		if err != nil {
			return nil, err
		}
		return &Solution{Name: GammaLimit.String(), Method: fmt.Sprintf("ε-scaled moment ODE (linear σ), ε=N^(γ−1)=%.6g (N=%d)", eps, width), Times: times, Stats: st,
			eval: func(dst []float64, k int, phi []float64) error {
				if len(phi) != dim*len(dst) {
					return fmt.Errorf("limits: Solution.Eval: len(phi)=%d, want 2d·%d: %w", len(phi), len(dst), graphs.ErrShape)
				}
				for j := range dst {
					dst[j] = ms[k].Output(phi[j*dim : (j+1)*dim])
				}
				return nil
			}}, nil
	}
	m := opt.Particles
	if m == 0 {
		m = 2048
	}
	if m < 2 || m%2 != 0 {
		return nil, perr("particles=%d: the gamma limit needs an even M ≥ 2 (mirror pairs)", m)
	}
	sol, th, err := s.scaledParticles(ctx, times, m, eps)
	if err != nil {
		return nil, err
	}
	sol.Method = fmt.Sprintf("particles M=%d (Halton, mirror pairs), ε=N^(γ−1)=%.6g (N=%d)", m, eps, width)
	if opt.SelfCheck {
		_, th2, err := s.scaledParticles(ctx, times, 2*m, eps)
		if err != nil {
			return nil, err
		}
		sol.ErrEstimate = make([]float64, len(times))
		dim := 2 * s.r.d
		for k := range times {
			g1, err1 := meanfield.Output(s.p.Activation, th[k], s.phi, dim)
			g2, err2 := meanfield.Output(s.p.Activation, th2[k], s.phi, dim)
			if err1 != nil || err2 != nil {
				return nil, fmt.Errorf("limits: self-check: %v %v: %w", err1, err2, graphs.ErrShape)
			}
			sol.ErrEstimate[k] = quadrature.Distance(s.rule.Omega, g1, g2) / eps
		}
	}
	return sol, nil
}

// scaledParticles moves m Halton particles of μ_0 in mirror pairs by the
// ε-scaled characteristics on the training grid and returns the solution
// and the particles at the times.
func (s *Setup) scaledParticles(ctx context.Context, times []float64, m int, eps float64) (*Solution, [][]float64, error) {
	th, err := s.pairedParticles(m)
	if err != nil {
		return nil, nil, err
	}
	dim := 2 * s.r.d
	prob := meanfield.Problem{Act: s.p.Activation, Alpha: s.p.Alpha, Omega: s.tOmega, Phi: s.tPhi, Y: s.tY, Dim: dim, Eps: eps}
	tr, err := meanfield.SolveParticles(ctx, prob, th, times, particleTol, true)
	if err != nil {
		return nil, nil, err
	}
	inv := 1 / eps
	return &Solution{Name: GammaLimit.String(), Times: times, Stats: tr.Stats,
		eval: func(dst []float64, k int, phi []float64) error {
			g, err := meanfield.Output(s.p.Activation, tr.Theta[k], phi, dim)
			if err != nil {
				return err
			}
			if len(g) != len(dst) {
				return fmt.Errorf("limits: Solution.Eval: len(dst)=%d, want %d: %w", len(dst), len(g), graphs.ErrShape)
			}
			for j, v := range g {
				dst[j] = v * inv
			}
			return nil
		}}, tr.Theta, nil
}

// pairedParticles returns m Halton particles of μ_0 in mirror pairs.
func (s *Setup) pairedParticles(m int) ([]float64, error) {
	return meanfield.InitialParticles(m, s.p.Sc, s.p.Sw, s.r.d, true)
}

package limits

import (
	"context"
	"fmt"

	"github.com/gnnwb/gnnwb/gnn/shallow"
)

// Units are the units θ^k = (c^k, a^k) of a network or the particles of a
// limit at θ_0 and at the problem's times, as rows of flat slices (the
// layout of limits/meanfield: θ[k*(1+2d)] = c^k, then a^k), with the scale
// Eps that turns their mean into the output: g(φ) = (1/(Eps·M)) Σ_k
// c^k σ(a^k·φ), M = len(Theta0)/(1+2d). For a network of width N at output
// scaling γ, Eps = N^{γ−1} and M = N; for the ε-flow, the ε of the width it
// is solved for.
type Units struct {
	Name   string      // "network" or the limit's name
	Times  []float64   // the problem's times
	Eps    float64     // ε: the output is the mean of c σ(a·φ) divided by ε
	Theta0 []float64   // θ at t = 0
	Theta  [][]float64 // Theta[k]: θ at Times[k]
}

// NetworkUnits trains the network of width N with seed on π_∞, exactly as
// the graphon limit does (online SGD on the latents of seed with the
// aggregation replaced by T_W X, or gradient descent on the population loss
// for the whole-graph sampler with all nodes), and returns its units. Its
// output is the graphon limit's Solution at the same (N, seed). Errors:
// those of Limit(GraphonLimit, ...).
func (s *Setup) NetworkUnits(ctx context.Context, width int, seed uint64) (*Units, error) {
	var snaps []*shallow.Model
	var err error
	if s.p.Sampler == EgoSampling || s.p.Batch > 0 {
		snaps, err = s.train(ctx, width, seed, &limitSampler{s}, s.p.Batch)
	} else {
		snaps, err = s.populationGD(ctx, width, seed)
	}
	if err != nil {
		return nil, err
	}
	m0, err := shallow.NewModel(s.modelConfig(width, seed))
	if err != nil {
		return nil, fmt.Errorf("limits: NetworkUnits: %w", err)
	}
	u := &Units{Name: "network", Times: append([]float64(nil), s.p.Times...), Eps: s.FlowEps(width), Theta0: m0.Particles()}
	for _, m := range snaps {
		u.Theta = append(u.Theta, m.Particles())
	}
	return u, nil
}

// FlowUnits solves the ε-flow at ε = N^{γ−1} (GammaLimit) with M Halton
// particles of μ_0 in mirror pairs and returns them, for any σ (the
// identity too). Errors: width < 1, M odd or below 2 (graphs.ErrParameter),
// the solver's errors.
func (s *Setup) FlowUnits(ctx context.Context, width, m int) (*Units, error) {
	if width < 1 || m < 2 || m%2 != 0 {
		return nil, perr("FlowUnits: width=%d ≥ 1 and an even M=%d ≥ 2 needed", width, m)
	}
	eps := s.FlowEps(width)
	th0, err := s.pairedParticles(m)
	if err != nil {
		return nil, err
	}
	_, th, err := s.scaledParticles(ctx, s.p.Times, m, eps)
	if err != nil {
		return nil, err
	}
	return &Units{Name: GammaLimit.String(), Times: append([]float64(nil), s.p.Times...), Eps: eps, Theta0: th0, Theta: th}, nil
}

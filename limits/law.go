package limits

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/gnnwb/gnnwb/gnn/shallow"
	"github.com/gnnwb/gnnwb/graphs"
)

// WithLaw returns a Setup whose limits train under the sampling law π on
// the quadrature nodes instead of the uniform law of the latents
// (docs/mathematics.md §10): law[q] ≥ 0 is the probability of node u_q
// (Σ_q law[q] = 1), for example the stationary law d_W(u_q)ω_q/t(K2, W) of
// a walk on the graphon (package limits/walk). Only the training
// expectations change — the training grid's weights become law[q] (times
// the Gauss–Hermite weight of the noise), so Σ, r, the noise covariance,
// the particle velocities and the kernel flow's Ω are taken under π; the
// graphon features φ(u_q) = (X(u_q), (T_W X)(u_q)) and the evaluation grid
// (the L²(du) norm of the errors) stay Lebesgue. law is copied. Errors
// (graphs.ErrShape, ErrParameter): len(law) ≠ Q, an entry negative or not
// finite, a sum off 1 by more than 10⁻⁹.
func (s *Setup) WithLaw(law []float64) (*Setup, error) {
	q := s.rule.Len()
	if len(law) != q {
		return nil, fmt.Errorf("limits: Setup.WithLaw: len(law)=%d, want Q=%d: %w", len(law), q, graphs.ErrShape)
	}
	sum := 0.0
	for i, v := range law {
		if !(v >= 0 && v <= 1) {
			return nil, fmt.Errorf("limits: Setup.WithLaw: law[%d]=%v not a probability: %w", i, v, graphs.ErrParameter)
		}
		sum += v
	}
	if math.Abs(sum-1) > 1e-9 {
		return nil, fmt.Errorf("limits: Setup.WithLaw: the law sums to %v, not 1: %w", sum, graphs.ErrParameter)
	}
	out := &Setup{p: s.p, r: s.r, rule: s.rule, op: s.op, xs: s.xs, phi: s.phi, y: s.y,
		tPhi: s.tPhi, tY: s.tY, law: append([]float64(nil), law...)}
	cells := len(s.tOmega) / q
	out.tOmega = make([]float64, len(s.tOmega))
	for i := range q {
		for c := range cells {
			k := i*cells + c
			out.tOmega[k] = law[i] * s.tOmega[k] / s.rule.Omega[i]
		}
	}
	return out, nil
}

// Law returns a copy of the sampling law of WithLaw on the quadrature
// nodes, nil for the uniform law of the latents.
func (s *Setup) Law() []float64 { return append([]float64(nil), s.law...) }

// Train runs online SGD on the problem's network of width N from θ_0 drawn
// with seed (as Network does), with the samples of any sampler — a walk of
// package generators/walk on G(n, W, ρ) or on the graphon — in batches of
// B, step k drawing from shallow.StepRand(seed, k), and returns it at the
// evaluation times under the given name. A stateful sampler continues from
// its state. Errors: batch < 1, a sampler of another dimension
// (graphs.ErrParameter, ErrShape), and those of Network.
func (s *Setup) Train(ctx context.Context, width int, seed uint64, sampler shallow.Sampler, batch int, name string) (*Solution, error) {
	if batch < 1 {
		return nil, perr("batch=%d < 1", batch)
	}
	if sampler == nil || sampler.Dim() != s.r.d {
		return nil, fmt.Errorf("limits: Setup.Train: sampler of dimension ≠ d=%d: %w", s.r.d, graphs.ErrShape)
	}
	snaps, err := s.train(ctx, width, seed, sampler, batch)
	if err != nil {
		return nil, err
	}
	return &Solution{Name: name, Method: fmt.Sprintf("sgd %T N=%d seed=%d", sampler, width, seed),
		Times: append([]float64(nil), s.p.Times...), eval: modelEval(snaps, s.r.d)}, nil
}

// LimitFeatures returns the samples of π_∞ at given latents (the n → ∞
// limit of the ego sampler, as the graphon limit uses them): SampleAt
// writes φ(u_b) = (X(u_b) + ε, (T_W X)(u_b)) and y_b = Y(u_b) + ε_y, drawing
// per sample the d normals of the noise on x and the normal of the noise on
// y. It satisfies generators/walk's Features, so that a walk on the graphon
// with these features is the graphon limit of the walk on G(n, W, ρ)
// driven by the same latents.
func (s *Setup) LimitFeatures() *LimitFeatures { return &LimitFeatures{s: s} }

// LimitFeatures: see Setup.LimitFeatures.
type LimitFeatures struct{ s *Setup }

// Dim returns d.
func (l *LimitFeatures) Dim() int { return l.s.r.d }

// SampleAt fills phi (len 2d·len(u)) and y (len(u)) at the latents u,
// drawing per latent the d normals of the noise on x, then the normal of
// the noise on y. u and y may be the same slice: u[b] is read before y[b]
// is written.
// Errors: shapes (graphs.ErrShape), a latent outside [0,1].
func (l *LimitFeatures) SampleAt(rng *rand.Rand, u, phi, y []float64) error {
	s := l.s
	d := s.r.d
	p := 2 * d
	if len(phi) != p*len(u) || len(y) != len(u) {
		return fmt.Errorf("limits: LimitFeatures.SampleAt: len(phi)=%d, len(y)=%d for %d latents: %w", len(phi), len(y), len(u), graphs.ErrShape)
	}
	for b, v := range u {
		f := phi[b*p : (b+1)*p]
		if err := s.FeaturesAt(f, v); err != nil {
			return err
		}
		if s.p.NoiseX > 0 {
			for j := range d {
				f[j] += s.p.NoiseX * rng.NormFloat64()
			}
		}
		y[b] = s.p.Target.Eval(v)
		if s.p.NoiseY > 0 {
			y[b] += s.p.NoiseY * rng.NormFloat64()
		}
	}
	return nil
}

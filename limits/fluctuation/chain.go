package fluctuation

import (
	"fmt"
	"math"

	"github.com/gnnwb/gnnwb/gnn/shallow"
	"github.com/gnnwb/gnnwb/graphs"
)

// Chain is the online SGD of a network of width N with σ the identity seen
// through its moments m = (b, Q, q) = (E_N[c a], E_N[a aᵀ], E_N[c²]): one
// step of shallow.Model.Step on a batch maps the moments of the units to
// the moments after the step exactly, whatever the units are
// (docs/mathematics.md §8.1). With h = α N^{γ−2}, s = N^{1−γ},
// δ_b = y_b − s b·φ_b and e = (1/B) Σ_b δ_b φ_b,
//
//	b' = b + h (Q + q I) e + h² (e·b) e,
//	Q' = Q + h (e bᵀ + b eᵀ) + h² q e eᵀ,
//	q' = q + 2h b·e + h² eᵀ Q e.
//
// A step costs O(B·dim + dim²) instead of the network's O(N·B·dim), which
// is what makes Monte Carlo over many seeds cheap. A Chain keeps scratch
// space: one Chain must not be used by several goroutines at once.
type Chain struct {
	width int
	h, s  float64
	dim   int
	e, qe []float64
}

// NewChain returns the moment chain of a network of width N = width,
// output exponent gamma and learning-rate constant alpha, whose input φ
// has dim = 2d entries. Errors: width < 1, dim < 1 (graphs.ErrParameter),
// gamma outside [½, 1], alpha not finite (graphs.ErrParameter).
func NewChain(width int, gamma, alpha float64, dim int) (*Chain, error) {
	switch {
	case width < 1:
		return nil, fmt.Errorf("fluctuation: NewChain: width=%d < 1: %w", width, graphs.ErrParameter)
	case dim < 1:
		return nil, fmt.Errorf("fluctuation: NewChain: dim=%d < 1: %w", dim, graphs.ErrParameter)
	case !(gamma >= 0.5 && gamma <= 1):
		return nil, fmt.Errorf("fluctuation: NewChain: gamma=%v not in [0.5, 1]: %w", gamma, graphs.ErrParameter)
	case math.IsNaN(alpha) || math.IsInf(alpha, 0):
		return nil, fmt.Errorf("fluctuation: NewChain: alpha=%v not finite: %w", alpha, graphs.ErrParameter)
	}
	n := float64(width)
	return &Chain{width: width, h: alpha * math.Pow(n, gamma-2), s: math.Pow(n, 1-gamma), dim: dim,
		e: make([]float64, dim), qe: make([]float64, dim)}, nil
}

// Step applies one SGD step on the batch b (model A: Phi and Y, B ≥ 1) to
// the moments m in place, exactly as shallow.Model.Step moves the units
// (up to rounding). E_N[c] is not a function of (b, Q, q) after a step, so
// m.MeanC is set to NaN. Errors: shapes that disagree with the chain's dim,
// an empty batch (graphs.ErrShape), a model-B batch (graphs.ErrUnsupported).
func (c *Chain) Step(m *shallow.Moments, b *shallow.Samples) error {
	p := c.dim
	nb := len(b.Y)
	switch {
	case len(m.MeanCA) != p || len(m.MeanAA) != p*p:
		return fmt.Errorf("fluctuation: Chain.Step: len(MeanCA)=%d len(MeanAA)=%d, want dim=%d and dim²: %w", len(m.MeanCA), len(m.MeanAA), p, graphs.ErrShape)
	case b.End != nil || b.Weight != nil || b.NbrPhi != nil:
		return fmt.Errorf("fluctuation: Chain.Step: a model-B batch (the moments close for model A only): %w", graphs.ErrUnsupported)
	case 2*b.Dim != p || nb == 0 || len(b.Phi) != nb*p:
		return fmt.Errorf("fluctuation: Chain.Step: batch Dim=%d len(Y)=%d len(Phi)=%d, want 2·Dim=%d, B ≥ 1, B·dim: %w", b.Dim, nb, len(b.Phi), p, graphs.ErrShape)
	}
	bv, qm := m.MeanCA, m.MeanAA
	e, qe := c.e, c.qe
	clear(e)
	inv := 1 / float64(nb)
	for k := range nb {
		phi := b.Phi[k*p : (k+1)*p]
		g := 0.0
		for i, x := range phi {
			g += bv[i] * x
		}
		d := (b.Y[k] - c.s*g) * inv
		for i, x := range phi {
			e[i] += d * x
		}
	}
	be, eqe := 0.0, 0.0
	for i := range p {
		s := 0.0
		row := qm[i*p : (i+1)*p]
		for j, x := range e {
			s += row[j] * x
		}
		qe[i] = s
		be += bv[i] * e[i]
		eqe += e[i] * s
	}
	h, q := c.h, m.MeanC2
	h2 := h * h
	// Q first: it reads the old b and q.
	for i := range p {
		row := qm[i*p : (i+1)*p]
		for j := range p {
			row[j] += h*(e[i]*bv[j]+bv[i]*e[j]) + h2*q*e[i]*e[j]
		}
	}
	for i := range p {
		bv[i] += h*(qe[i]+q*e[i]) + h2*be*e[i]
	}
	m.MeanC2 = q + 2*h*be + h2*eqe
	m.MeanC = math.NaN()
	return nil
}

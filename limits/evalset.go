package limits

import (
	"fmt"
	"slices"

	"github.com/gnnwb/gnnwb/generators"
	"github.com/gnnwb/gnnwb/gnn/shallow"
	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/limits/quadrature"
)

// evalInnerPanels and evalInnerOrder define the inner quadrature rule that
// computes (T X)(u) for EvalSet: a composite Gauss–Legendre rule of 64
// equal panels (further split at an SBM graphon's block boundaries,
// Graphon.Breaks) of 8 nodes each, exact for piecewise polynomials of degree
// ≤ 15 on the panels.
const (
	evalInnerPanels = 64
	evalInnerOrder  = 8
)

// MaxEvalPoints bounds the q of EvalSet.
const MaxEvalPoints = quadrature.MaxNodes

// EvalSet builds the evaluation set of the function error of a network
// trained on the process p: the q Gauss–Legendre latents u_q with weights
// ω_q (the returned rule) and targets Y(u_q) without noise. The aggregation
// is p's own, in its graphon realisation (package graphs/aggregation): the
// sum, which grows with n, is taken at (n−1)ρ, the mean of the finite sum
// (plus the node itself when it has a loop). Model A gets the graphon
// features φ(u_q) = (X(u_q), (T X)(u_q)); model B gets, for each u_q, the
// entries v_r of the inner rule with the coefficients of T's row at u_q
// (aggregation.Integral.RowAt) and inputs φ(v_r), plus the node itself for
// a sum with loops.
//
// Cost O(q·Q·d + Q²) with Q = 512 inner nodes or more, and for model B
// O(q·Q) entries. Errors: p invalid (generators.Process.Validate), q outside
// [1, MaxEvalPoints] (graphs.ErrParameter), a graphon value outside [0,1].
func EvalSet(p generators.Process, v shallow.Variant, q int) (*shallow.Samples, quadrature.Rule, error) {
	const fn = "limits: EvalSet"
	if err := p.Validate(); err != nil {
		return nil, quadrature.Rule{}, fmt.Errorf("%s: %w", fn, err)
	}
	if q < 1 || q > MaxEvalPoints {
		return nil, quadrature.Rule{}, fmt.Errorf("%s: q=%d not in [1, %d]: %w", fn, q, MaxEvalPoints, graphs.ErrParameter)
	}
	if v != shallow.ModelA && v != shallow.ModelB {
		return nil, quadrature.Rule{}, fmt.Errorf("%s: variant=%v: %w", fn, v, graphs.ErrParameter)
	}
	outer, err := quadrature.Legendre(q)
	if err != nil {
		return nil, quadrature.Rule{}, fmt.Errorf("%s: %w", fn, err)
	}
	breaks := p.W.Breaks() // SBM block boundaries: exact for block-constant W
	for i := 1; i < evalInnerPanels; i++ {
		breaks = append(breaks, float64(i)/evalInnerPanels)
	}
	slices.Sort(breaks)
	breaks = slices.Compact(breaks)
	inner, err := quadrature.Piecewise(breaks, evalInnerOrder)
	if err != nil {
		return nil, quadrature.Rule{}, fmt.Errorf("%s: %w", fn, err)
	}
	op, err := quadrature.NewGraphonOperator(p.W.Func(), inner)
	if err != nil {
		return nil, quadrature.Rule{}, fmt.Errorf("%s: %w", fn, err)
	}
	lim, err := op.Integral(p.Aggregation, float64(p.N-1)*p.Rho)
	if err != nil {
		return nil, quadrature.Rule{}, fmt.Errorf("%s: %w", fn, err)
	}
	d := p.X.Dim()
	xs, err := op.Signal(p.X.Eval, d)
	if err != nil {
		return nil, quadrature.Rule{}, fmt.Errorf("%s: %w", fn, err)
	}
	wf := p.W.Func()
	wrow := make([]float64, len(inner.U))
	row := func(u float64) error {
		for r, vr := range inner.U {
			x := wf(u, vr)
			if !(x >= 0 && x <= 1) {
				return fmt.Errorf("%s: W(%v, %v)=%v not in [0,1]: %w", fn, u, vr, x, graphs.ErrParameter)
			}
			wrow[r] = x
		}
		return nil
	}
	phiAt := func(u float64, dst []float64) error {
		if err := row(u); err != nil {
			return err
		}
		p.X.Eval(u, dst[:d])
		return lim.At(dst[d:], wrow, xs, dst[:d])
	}
	b := &shallow.Samples{Dim: d, Y: make([]float64, q)}
	for i, u := range outer.U {
		b.Y[i] = p.Y.Eval(u)
	}
	if v == shallow.ModelA {
		b.Phi = make([]float64, q*2*d)
		for i, u := range outer.U {
			if err := phiAt(u, b.Phi[i*2*d:(i+1)*2*d]); err != nil {
				return nil, quadrature.Rule{}, err
			}
		}
		return b, outer, nil
	}
	nbr := make([]float64, len(inner.U)*2*d)
	for r, u := range inner.U {
		if err := phiAt(u, nbr[r*2*d:(r+1)*2*d]); err != nil {
			return nil, quadrature.Rule{}, err
		}
	}
	b.End = make([]int, q)
	coef := make([]float64, len(inner.U))
	self := make([]float64, 2*d)
	for i, u := range outer.U {
		if err := row(u); err != nil {
			return nil, quadrature.Rule{}, err
		}
		s, err := lim.RowAt(coef, wrow)
		if err != nil {
			return nil, quadrature.Rule{}, fmt.Errorf("%s: %w", fn, err)
		}
		for r, w := range coef {
			if w == 0 {
				continue
			}
			b.Weight = append(b.Weight, w)
			b.NbrPhi = append(b.NbrPhi, nbr[r*2*d:(r+1)*2*d]...)
		}
		if s != 0 {
			if err := phiAt(u, self); err != nil {
				return nil, quadrature.Rule{}, err
			}
			b.Weight = append(b.Weight, s)
			b.NbrPhi = append(b.NbrPhi, self...)
		}
		b.End[i] = len(b.Weight)
	}
	return b, outer, nil
}

package aggregation

import (
	"fmt"
	"math"

	"github.com/gnnwb/gnnwb/graphs"
)

// Integral is the graphon realisation of an aggregation on a quadrature grid
// u_1..u_Q with weights ω_1..ω_Q: the limit of its Operator on G(n, W, ρ)
// as n → ∞, applied to a field f sampled on the grid,
//
//	(T f)(u_q) = s · r(u_q) · Σ_r (ω_r W(u_q, u_r)) c(u_r) f(u_r)   [+ f(u_q) for Sum with loops]
//
// with r and c the factors of the normalisation at the degree function
// d_W(u_q) = Σ_r ω_r W(u_q, u_r) (the same rule as the finite operator's,
// see the package documentation) and s = nρ for Sum, 1 otherwise. Loops add
// O(1/(nρ)) to a normalised aggregation and vanish in the limit; the sum
// keeps its loop, an O(1) term beside nρ·T_W.
//
// An Integral holds its Q×Q coefficients and a copy of the grid. It is
// immutable and safe for concurrent use.
type Integral struct {
	agg   Aggregation
	scale float64
	omega []float64 // ω_r
	deg   []float64 // d_W(u_q)
	coef  []float64 // Q×Q: (ω_r·W_qr)·c_r
	col   []float64 // c_r
	row   []float64 // s·r_q
	self  float64   // coefficient of f(u_q) (Sum with loops: 1)
}

// Integral returns the graphon realisation of a on a grid: w holds the Q×Q
// values W(u_q, u_r) row-major and omega the Q quadrature weights. nrho is
// nρ of the graphs whose limit this is, used by Sum only (a sum over the
// neighbours grows as nρ·T_W) and ignored by the normalised aggregations,
// whose limit does not depend on it. w and omega are not kept. Cost O(Q²).
// Errors: an invalid a or, for Sum, nrho not positive and finite
// (graphs.ErrParameter); Q = 0 or len(w) ≠ Q² (graphs.ErrShape); a W value
// or weight that is NaN, infinite or negative (graphs.ErrParameter).
func (a Aggregation) Integral(w, omega []float64, nrho float64) (*Integral, error) {
	if err := a.Validate(); err != nil {
		return nil, fmt.Errorf("aggregation: Integral: %w", err)
	}
	q := len(omega)
	if q == 0 || len(w) != q*q {
		return nil, fmt.Errorf("aggregation: Integral: len(w)=%d, len(omega)=%d, want Q² and Q > 0: %w", len(w), q, graphs.ErrShape)
	}
	t := &Integral{agg: a, scale: 1, omega: append([]float64(nil), omega...), deg: make([]float64, q), coef: make([]float64, q*q), col: make([]float64, q), row: make([]float64, q)}
	if a.Norm == Sum {
		if !(nrho > 0 && !math.IsInf(nrho, 1)) {
			return nil, fmt.Errorf("aggregation: Integral: the sum grows as nρ·T_W and needs nρ; got nrho=%v: %w", nrho, graphs.ErrParameter)
		}
		t.scale = nrho
		if a.Loops != NoLoops {
			t.self = 1
		}
	}
	for r, x := range omega {
		if !(x >= 0 && !math.IsInf(x, 1)) {
			return nil, fmt.Errorf("aggregation: Integral: omega[%d]=%v: %w", r, x, graphs.ErrParameter)
		}
	}
	for i := range q {
		var d float64
		for r, x := range w[i*q : (i+1)*q] {
			if !(x >= 0 && !math.IsInf(x, 1)) {
				return nil, fmt.Errorf("aggregation: Integral: W[%d][%d]=%v: %w", i, r, x, graphs.ErrParameter)
			}
			d += omega[r] * x
		}
		t.deg[i] = d
	}
	for r := range q {
		ri, c := a.Norm.Factors(t.deg[r], 1)
		t.row[r], t.col[r] = t.scale*ri, c
	}
	for i := range q {
		row := t.coef[i*q : (i+1)*q]
		for r, x := range w[i*q : (i+1)*q] {
			row[r] = omega[r] * x * t.col[r]
		}
	}
	return t, nil
}

// Aggregation returns the aggregation t realises.
func (t *Integral) Aggregation() Aggregation { return t.agg }

// Len returns Q.
func (t *Integral) Len() int { return len(t.omega) }

// Degree returns a copy of the degree function d_W(u_q) on the grid.
func (t *Integral) Degree() []float64 { return append([]float64(nil), t.deg...) }

// Apply sets dst = T f for f and dst Q×d row-major (dst[q*d+k] = (T f_k)(u_q))
// and returns dst (nil: allocated). dst must not alias f. Cost O(Q² d).
// Errors: d < 1, len(f) ≠ Q·d or a dst of another length (graphs.ErrShape).
func (t *Integral) Apply(dst, f []float64, d int) ([]float64, error) {
	q := len(t.omega)
	if d < 1 || len(f) != q*d || (dst != nil && len(dst) != len(f)) {
		return nil, fmt.Errorf("aggregation: Integral.Apply: len(f)=%d len(dst)=%d d=%d Q=%d: %w", len(f), len(dst), d, q, graphs.ErrShape)
	}
	if dst == nil {
		dst = make([]float64, len(f))
	}
	for i := range q {
		t.combine(dst[i*d:(i+1)*d], t.coef[i*q:(i+1)*q], t.row[i], f, f[i*d:(i+1)*d])
	}
	return dst, nil
}

// At writes (T f)(u) at a point u off the grid into dst (length d): wrow
// holds the Q values W(u, u_r), f the field on the grid (Q×d) and fu the
// value f(u) (used only by a sum with loops; nil otherwise). The degree
// d_W(u) = Σ_r ω_r W(u, u_r) comes from wrow. Cost O(Q d), no allocation.
// Errors: shapes (graphs.ErrShape), a nil fu where it is needed
// (graphs.ErrParameter).
func (t *Integral) At(dst, wrow, f, fu []float64) error {
	q, d := len(t.omega), len(dst)
	if d < 1 || len(wrow) != q || len(f) != q*d || (fu != nil && len(fu) != d) {
		return fmt.Errorf("aggregation: Integral.At: len(dst)=%d len(wrow)=%d len(f)=%d Q=%d: %w", d, len(wrow), len(f), q, graphs.ErrShape)
	}
	if t.self != 0 && fu == nil {
		return fmt.Errorf("aggregation: Integral.At: %v needs f(u): %w", t.agg, graphs.ErrParameter)
	}
	var du float64
	for r, x := range wrow {
		du += t.omega[r] * x
	}
	ru, _ := t.agg.Norm.Factors(du, 1)
	clear(dst)
	for r, x := range wrow {
		c := t.omega[r] * x * t.col[r]
		if c == 0 {
			continue
		}
		fr := f[r*d : (r+1)*d]
		for k := range dst {
			dst[k] += c * fr[k]
		}
	}
	finish(dst, t.scale*ru, t.self, fu)
	return nil
}

// RowAt writes into dst (length Q) the coefficients of the operator's row at
// a point u off the grid, given wrow_r = W(u, u_r): (T f)(u) =
// Σ_r dst[r] f(u_r) + self·f(u), dst[r] = s·r(u)·(ω_r W(u, u_r))·c(u_r), and
// returns self (1 for a sum with loops, 0 otherwise). Cost O(Q), no
// allocation. Errors: len(dst) or len(wrow) ≠ Q (graphs.ErrShape).
func (t *Integral) RowAt(dst, wrow []float64) (self float64, err error) {
	q := len(t.omega)
	if len(dst) != q || len(wrow) != q {
		return 0, fmt.Errorf("aggregation: Integral.RowAt: len(dst)=%d len(wrow)=%d Q=%d: %w", len(dst), len(wrow), q, graphs.ErrShape)
	}
	var du float64
	for r, x := range wrow {
		du += t.omega[r] * x
	}
	ru, _ := t.agg.Norm.Factors(du, 1)
	rf := t.scale * ru
	for r, x := range wrow {
		dst[r] = t.omega[r] * x * t.col[r] * rf
	}
	return t.self, nil
}

// combine computes one output row: dst = rf·Σ_r coef[r] f_r (+ self·fi).
func (t *Integral) combine(dst, coef []float64, rf float64, f, fi []float64) {
	d := len(dst)
	clear(dst)
	for r, c := range coef {
		if c == 0 {
			continue
		}
		fr := f[r*d : (r+1)*d]
		for k := range dst {
			dst[k] += c * fr[k]
		}
	}
	finish(dst, rf, t.self, fi)
}

// finish scales a row sum by its row factor rf and adds self·fi.
func finish(dst []float64, rf, self float64, fi []float64) {
	if rf != 1 {
		for k := range dst {
			dst[k] *= rf
		}
	}
	if self != 0 {
		for k := range dst {
			dst[k] += self * fi[k]
		}
	}
}

package quadrature

import (
	"sync"

	"github.com/gnnwb/gnnwb/graphs/aggregation"

	"fmt"
	"math"

	"github.com/gnnwb/gnnwb/graphs"
)

// GraphonOperator is T_W on a quadrature grid. It keeps W (for off-grid
// evaluation) and a copy of the rule; it is immutable and safe for
// concurrent use after NewGraphonOperator.
type GraphonOperator struct {
	rule Rule
	w    func(u, v float64) float64
	mat  []float64 // Q×Q, W(u_q, u_r)
	deg  []float64 // d_W(u_q)

	// limit caches the realisations of the normalised aggregations, index
	// Norm·3 + Loops, built on first use by Apply and FeaturesAt.
	limit [4 * 3]struct {
		once sync.Once
		in   *aggregation.Integral
		err  error
	}
}

// NewGraphonOperator evaluates the graphon W on the grid of rule (Q² calls)
// and its degree function. W must be symmetric with values in [0,1]; the
// values on the grid are checked. W is kept; rule is copied. Cost O(Q²) time
// and memory. Errors: an empty rule or one whose lengths differ
// (graphs.ErrShape), a nil W, W(u_q, u_r) outside [0,1] or NaN, or
// |W(u,v) − W(v,u)| > 1e-12 on the grid (graphs.ErrParameter).
func NewGraphonOperator(w func(u, v float64) float64, rule Rule) (*GraphonOperator, error) {
	q := len(rule.U)
	if q == 0 || len(rule.Omega) != q {
		return nil, fmt.Errorf("quadrature: NewGraphonOperator: len(U)=%d len(Omega)=%d: %w", q, len(rule.Omega), graphs.ErrShape)
	}
	if w == nil {
		return nil, fmt.Errorf("quadrature: NewGraphonOperator: W is nil: %w", graphs.ErrParameter)
	}
	op := &GraphonOperator{
		rule: Rule{U: append([]float64(nil), rule.U...), Omega: append([]float64(nil), rule.Omega...)},
		w:    w, mat: make([]float64, q*q), deg: make([]float64, q),
	}
	for i, u := range op.rule.U {
		for j, v := range op.rule.U {
			x := w(u, v)
			if !(x >= 0 && x <= 1) {
				return nil, fmt.Errorf("quadrature: NewGraphonOperator: W(%v, %v)=%v not in [0,1]: %w", u, v, x, graphs.ErrParameter)
			}
			op.mat[i*q+j] = x
		}
	}
	for i := 0; i < q; i++ {
		for j := 0; j < i; j++ {
			if math.Abs(op.mat[i*q+j]-op.mat[j*q+i]) > 1e-12 {
				return nil, fmt.Errorf("quadrature: NewGraphonOperator: W(%v,%v)=%v != W(%v,%v)=%v: %w",
					op.rule.U[i], op.rule.U[j], op.mat[i*q+j], op.rule.U[j], op.rule.U[i], op.mat[j*q+i], graphs.ErrParameter)
			}
		}
		var d float64
		for j, x := range op.mat[i*q : (i+1)*q] {
			d += op.rule.Omega[j] * x
		}
		op.deg[i] = d
	}
	return op, nil
}

// Rule returns a copy of the quadrature rule.
func (op *GraphonOperator) Rule() Rule {
	return Rule{U: append([]float64(nil), op.rule.U...), Omega: append([]float64(nil), op.rule.Omega...)}
}

// Len returns Q.
func (op *GraphonOperator) Len() int { return len(op.rule.U) }

// Degree returns a copy of d_W(u_q) on the grid.
func (op *GraphonOperator) Degree() []float64 { return append([]float64(nil), op.deg...) }

// DegreeAt returns d_W(u) = Σ_r ω_r W(u, u_r) at any u (Q calls of W).
func (op *GraphonOperator) DegreeAt(u float64) float64 {
	var d float64
	for r, v := range op.rule.U {
		d += op.rule.Omega[r] * op.w(u, v)
	}
	return d
}

// EdgeDensity returns t(K2, W) = Σ_q ω_q d_W(u_q). Cost O(Q).
func (op *GraphonOperator) EdgeDensity() float64 {
	var s float64
	for q, d := range op.deg {
		s += op.rule.Omega[q] * d
	}
	return s
}

// TriangleDensity returns t(K3, W) = Σ ω_q ω_r ω_s W_qr W_rs W_sq. Cost O(Q³).
func (op *GraphonOperator) TriangleDensity() float64 {
	q := len(op.deg)
	om := op.rule.Omega
	var s float64
	for a := 0; a < q; a++ {
		for b := 0; b < q; b++ {
			wab := om[a] * om[b] * op.mat[a*q+b]
			if wab == 0 {
				continue
			}
			var inner float64
			for c := 0; c < q; c++ {
				inner += om[c] * op.mat[b*q+c] * op.mat[c*q+a]
			}
			s += wab * inner
		}
	}
	return s
}

// Integral returns the realisation of the aggregation agg on this grid
// (aggregation.Aggregation.Integral with the grid's W values and weights):
// T_W for the graphon normalisation, T_W/d_W for the mean, T_sym for the
// symmetric one; nrho is needed by the sum only. The realisation of a
// normalised aggregation does not depend on nrho and is built once and
// shared (it is immutable); a sum's is built anew. Cost O(Q²). Errors: those
// of aggregation.Aggregation.Integral.
func (op *GraphonOperator) Integral(agg aggregation.Aggregation, nrho float64) (*aggregation.Integral, error) {
	if err := agg.Validate(); err != nil || agg.Norm == aggregation.Sum {
		return agg.Integral(op.mat, op.rule.Omega, nrho)
	}
	c := &op.limit[int(agg.Norm)*3+int(agg.Loops)]
	c.once.Do(func() { c.in, c.err = agg.Integral(op.mat, op.rule.Omega, 0) })
	return c.in, c.err
}

// Apply writes (T f)(u_q) for the field f (Q×k row-major, k = len(f)/Q) into
// dst (same shape; nil: allocated) and returns it, T the graphon
// realisation of agg (see Integral; the sum has no limit without nρ and is
// refused). dst must not alias f. Cost O(Q² k). Errors: len(f) not a
// positive multiple of Q or len(dst) != len(f) (graphs.ErrShape), an invalid
// aggregation or the sum (graphs.ErrParameter).
func (op *GraphonOperator) Apply(dst, f []float64, agg aggregation.Aggregation) ([]float64, error) {
	q := len(op.deg)
	if len(f) == 0 || len(f)%q != 0 || (dst != nil && len(dst) != len(f)) {
		return nil, fmt.Errorf("quadrature: Apply: len(f)=%d len(dst)=%d Q=%d: %w", len(f), len(dst), q, graphs.ErrShape)
	}
	in, err := op.Integral(agg, 0)
	if err != nil {
		return nil, fmt.Errorf("quadrature: Apply: %w", err)
	}
	return in.Apply(dst, f, len(f)/q)
}

// Signal evaluates X: [0,1] → ℝ^d on the grid: Q×d row-major. X writes X(u)
// into its dst argument (length d) and is not kept. Errors: d < 1
// (graphs.ErrParameter), a non-finite value (graphs.ErrParameter).
func (op *GraphonOperator) Signal(x func(u float64, dst []float64), d int) ([]float64, error) {
	if d < 1 || x == nil {
		return nil, fmt.Errorf("quadrature: Signal: d=%d (nil X: %v): %w", d, x == nil, graphs.ErrParameter)
	}
	q := len(op.deg)
	out := make([]float64, q*d)
	for i, u := range op.rule.U {
		row := out[i*d : (i+1)*d]
		x(u, row)
		for j, v := range row {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("quadrature: Signal: X(%v)[%d]=%v not finite: %w", u, j, v, graphs.ErrParameter)
			}
		}
	}
	return out, nil
}

// Features returns the graphon features φ(u_q) = (X(u_q), (T X)(u_q)) on the
// grid, Q×2d row-major, with T the graphon realisation of agg. Cost Q calls
// of X plus O(Q² d). Errors: those of Signal and Apply.
func (op *GraphonOperator) Features(x func(u float64, dst []float64), d int, agg aggregation.Aggregation) ([]float64, error) {
	xs, err := op.Signal(x, d)
	if err != nil {
		return nil, err
	}
	tx, err := op.Apply(nil, xs, agg)
	if err != nil {
		return nil, err
	}
	q := len(op.deg)
	out := make([]float64, q*2*d)
	for i := 0; i < q; i++ {
		copy(out[i*2*d:], xs[i*d:(i+1)*d])
		copy(out[i*2*d+d:], tx[i*d:(i+1)*d])
	}
	return out, nil
}

// FeaturesAt writes φ(u) = (X(u), (T X)(u)) at any u ∈ [0,1] into dst
// (length 2d), with (T X)(u) = Σ_r ω_r W(u, u_r) X(u_r) normalised as agg
// (aggregation.Integral.At) computed from xs = Signal(X, d). Cost Q calls
// of W plus O(Q²) for the aggregation's factors and O(Q d). Errors: u
// outside [0,1] or NaN, a W value outside [0,1], an invalid aggregation or
// the sum (graphs.ErrParameter), shapes (graphs.ErrShape).
func (op *GraphonOperator) FeaturesAt(dst []float64, u float64, x func(u float64, dst []float64), xs []float64, agg aggregation.Aggregation) error {
	q := len(op.deg)
	if len(dst) == 0 || len(dst)%2 != 0 || len(xs) != q*len(dst)/2 {
		return fmt.Errorf("quadrature: FeaturesAt: len(dst)=%d len(xs)=%d Q=%d: %w", len(dst), len(xs), q, graphs.ErrShape)
	}
	if !(u >= 0 && u <= 1) {
		return fmt.Errorf("quadrature: FeaturesAt: u=%v not in [0,1]: %w", u, graphs.ErrParameter)
	}
	in, err := op.Integral(agg, 0)
	if err != nil {
		return fmt.Errorf("quadrature: FeaturesAt: %w", err)
	}
	d := len(dst) / 2
	wrow := make([]float64, q)
	for r, v := range op.rule.U {
		w := op.w(u, v)
		if !(w >= 0 && w <= 1) {
			return fmt.Errorf("quadrature: FeaturesAt: W(%v, %v)=%v not in [0,1]: %w", u, v, w, graphs.ErrParameter)
		}
		wrow[r] = w
	}
	x(u, dst[:d])
	return in.At(dst[d:], wrow, xs, nil)
}

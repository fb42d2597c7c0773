package kernel

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/gnnwb/gnnwb/graphs"
)

// Flow is the exact solution of ġ = α K Ω (Y − g) on a quadrature grid (see
// the package documentation). It is immutable after NewFlow and safe for
// concurrent use.
type Flow struct {
	q      int
	alpha  float64
	y      []float64 // Y on the grid (copy)
	sqrtW  []float64 // ω_q^{1/2}
	vecs   []float64 // V, Q×Q row-major, columns are eigenvectors
	lambda []float64 // Λ, eigenvalues clamped at 0
	z0     []float64 // Vᵀ Ω^{1/2} (Y − g_0)
}

// NewFlow factorises S = Ω^{1/2} K Ω^{1/2} for the Q×Q row-major symmetric
// kernel matrix k (Q = len(omega)), weights omega (all > 0), targets y and
// initial output g0 (nil: g_0 = 0). Nothing is kept: all inputs are copied or
// reduced. Eigenvalues below 0, which a positive semi-definite K has only by
// rounding, are set to 0. Cost O(Q³) time, O(Q²) memory.
//
// Errors: graphs.ErrShape for lengths that disagree or Q = 0;
// graphs.ErrParameter for non-finite entries, ω_q ≤ 0, α not finite or < 0,
// an asymmetric k (|k_qr − k_rq| > 1e-12·max|k|), or a failed factorisation.
func NewFlow(k, omega, y, g0 []float64, alpha float64) (*Flow, error) {
	q := len(omega)
	if q == 0 || len(k) != q*q || len(y) != q || (g0 != nil && len(g0) != q) {
		return nil, fmt.Errorf("kernel: NewFlow: len(k)=%d len(omega)=%d len(y)=%d len(g0)=%d: %w", len(k), q, len(y), len(g0), graphs.ErrShape)
	}
	if !(alpha >= 0) || math.IsInf(alpha, 0) {
		return nil, fmt.Errorf("kernel: NewFlow: alpha=%v not a finite number ≥ 0: %w", alpha, graphs.ErrParameter)
	}
	var kmax float64
	for i, v := range k {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("kernel: NewFlow: k[%d]=%v not finite: %w", i, v, graphs.ErrParameter)
		}
		kmax = math.Max(kmax, math.Abs(v))
	}
	for i := 0; i < q; i++ {
		for j := 0; j < i; j++ {
			if math.Abs(k[i*q+j]-k[j*q+i]) > 1e-12*kmax {
				return nil, fmt.Errorf("kernel: NewFlow: k[%d,%d]=%v != k[%d,%d]=%v: %w", i, j, k[i*q+j], j, i, k[j*q+i], graphs.ErrParameter)
			}
		}
	}
	f := &Flow{q: q, alpha: alpha, y: append([]float64(nil), y...), sqrtW: make([]float64, q)}
	for i, w := range omega {
		if !(w > 0) || math.IsInf(w, 0) {
			return nil, fmt.Errorf("kernel: NewFlow: omega[%d]=%v not a finite number > 0: %w", i, w, graphs.ErrParameter)
		}
		f.sqrtW[i] = math.Sqrt(w)
	}
	e0 := make([]float64, q)
	for i := range e0 {
		if math.IsNaN(y[i]) || math.IsInf(y[i], 0) {
			return nil, fmt.Errorf("kernel: NewFlow: y[%d]=%v not finite: %w", i, y[i], graphs.ErrParameter)
		}
		e0[i] = y[i]
		if g0 != nil {
			if math.IsNaN(g0[i]) || math.IsInf(g0[i], 0) {
				return nil, fmt.Errorf("kernel: NewFlow: g0[%d]=%v not finite: %w", i, g0[i], graphs.ErrParameter)
			}
			e0[i] -= g0[i]
		}
		e0[i] *= f.sqrtW[i]
	}
	s := mat.NewSymDense(q, nil)
	for i := 0; i < q; i++ {
		for j := i; j < q; j++ {
			s.SetSym(i, j, f.sqrtW[i]*0.5*(k[i*q+j]+k[j*q+i])*f.sqrtW[j])
		}
	}
	var eig mat.EigenSym
	if !eig.Factorize(s, true) {
		return nil, fmt.Errorf("kernel: NewFlow: eigendecomposition of Ω^½KΩ^½ (Q=%d) failed: %w", q, graphs.ErrParameter)
	}
	f.lambda = eig.Values(nil)
	for i, l := range f.lambda {
		if l < 0 {
			f.lambda[i] = 0
		}
	}
	var v mat.Dense
	eig.VectorsTo(&v)
	f.vecs = make([]float64, q*q)
	for i := 0; i < q; i++ {
		for j := 0; j < q; j++ {
			f.vecs[i*q+j] = v.At(i, j)
		}
	}
	f.z0 = make([]float64, q)
	for j := 0; j < q; j++ {
		var acc float64
		for i := 0; i < q; i++ {
			acc += f.vecs[i*q+j] * e0[i]
		}
		f.z0[j] = acc
	}
	return f, nil
}

// Len returns Q, the number of grid points.
func (f *Flow) Len() int { return f.q }

// Eigenvalues returns a copy of the eigenvalues λ of Ω^{1/2} K Ω^{1/2},
// ascending, clamped at 0.
func (f *Flow) Eigenvalues() []float64 { return append([]float64(nil), f.lambda...) }

// combine writes dst_i = s_i Σ_j V_ij c_j z0_j, with s_i = ω_i^{±1/2}.
func (f *Flow) combine(dst []float64, c func(j int) float64, scale func(i int) float64) {
	q := f.q
	tmp := make([]float64, q)
	for j := range tmp {
		tmp[j] = c(j) * f.z0[j]
	}
	for i := 0; i < q; i++ {
		var acc float64
		row := f.vecs[i*q : (i+1)*q]
		for j, v := range row {
			acc += v * tmp[j]
		}
		dst[i] = scale(i) * acc
	}
}

func (f *Flow) check(dst []float64, t float64, fn string) ([]float64, error) {
	if !(t >= 0) || math.IsInf(t, 0) {
		return nil, fmt.Errorf("kernel: Flow.%s: t=%v not a finite number ≥ 0: %w", fn, t, graphs.ErrParameter)
	}
	if dst == nil {
		dst = make([]float64, f.q)
	}
	if len(dst) != f.q {
		return nil, fmt.Errorf("kernel: Flow.%s: len(dst)=%d != Q=%d: %w", fn, len(dst), f.q, graphs.ErrShape)
	}
	return dst, nil
}

// At writes g_t on the grid into dst (nil: allocated) and returns it.
// Cost O(Q²). Errors: t < 0 or not finite (graphs.ErrParameter), len(dst) != Q
// (graphs.ErrShape).
func (f *Flow) At(dst []float64, t float64) ([]float64, error) {
	dst, err := f.check(dst, t, "At")
	if err != nil {
		return nil, err
	}
	f.combine(dst, func(j int) float64 { return math.Exp(-f.alpha * f.lambda[j] * t) },
		func(i int) float64 { return 1 / f.sqrtW[i] })
	for i := range dst {
		dst[i] = f.y[i] - dst[i] // g = Y − e
	}
	return dst, nil
}

// Coef writes β(t) into dst (nil: allocated) and returns it, so that off the
// grid g_t(φ) = g_0(φ) + Σ_r K(φ, φ_r) β_r(t); on the grid this equals At.
// Cost O(Q²). Errors as At.
func (f *Flow) Coef(dst []float64, t float64) ([]float64, error) {
	dst, err := f.check(dst, t, "Coef")
	if err != nil {
		return nil, err
	}
	f.combine(dst, func(j int) float64 {
		x := f.alpha * f.lambda[j]
		if x*t < 1e-12 {
			return t * (1 - x*t/2) // series of (1 − e^{−xt})/x
		}
		return -math.Expm1(-x*t) / x
	}, func(i int) float64 { return f.alpha * f.sqrtW[i] })
	return dst, nil
}

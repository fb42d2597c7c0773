package meanfield

import (
	"context"
	"fmt"
	"math"

	"github.com/gnnwb/gnnwb/gnn/shallow"
	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/limits/ode"
)

func finiteParam(name string, v float64) error {
	if !(v >= 0) || math.IsInf(v, 0) {
		return fmt.Errorf("meanfield: %s=%v not a finite number ≥ 0: %w", name, v, graphs.ErrParameter)
	}
	return nil
}

// InitialMoments returns the moments of μ_0 (c ~ N(0, sc²), a ~ N(0, (sw²/d)
// I_{2d})): E[c] = 0, b_0 = 0, Q_0 = (sw²/d) I, q_0 = sc², with dim = 2d.
// Errors: sc, sw negative or not finite, d < 1 (graphs.ErrParameter).
func InitialMoments(sc, sw float64, d int) (shallow.Moments, error) {
	if err := finiteParam("sc", sc); err != nil {
		return shallow.Moments{}, err
	}
	if err := finiteParam("sw", sw); err != nil {
		return shallow.Moments{}, err
	}
	if d < 1 {
		return shallow.Moments{}, fmt.Errorf("meanfield: InitialMoments: d=%d < 1: %w", d, graphs.ErrParameter)
	}
	dim := 2 * d
	m := shallow.Moments{MeanCA: make([]float64, dim), MeanAA: make([]float64, dim*dim), MeanC2: sc * sc}
	for i := 0; i < dim; i++ {
		m.MeanAA[i*dim+i] = sw * sw / float64(d)
	}
	return m, nil
}

// EmpiricalMoments returns the moments of the empirical measure of the
// particles theta (rows (c, a), dim = len(a)): E[c] = (1/M)Σ c,
// b = (1/M)Σ c a, Q = (1/M)Σ a aᵀ, q = (1/M)Σ c². theta is not kept.
// Cost O(M dim²).
// Errors: dim < 1, len(theta) not a positive multiple of 1+dim
// (graphs.ErrShape).
func EmpiricalMoments(theta []float64, dim int) (shallow.Moments, error) {
	if dim < 1 || len(theta) == 0 || len(theta)%(1+dim) != 0 {
		return shallow.Moments{}, fmt.Errorf("meanfield: EmpiricalMoments: len(theta)=%d, dim=%d: %w", len(theta), dim, graphs.ErrShape)
	}
	m := len(theta) / (1 + dim)
	out := shallow.Moments{MeanCA: make([]float64, dim), MeanAA: make([]float64, dim*dim)}
	for k := 0; k < m; k++ {
		row := theta[k*(1+dim) : (k+1)*(1+dim)]
		c, a := row[0], row[1:]
		out.MeanC += c
		out.MeanC2 += c * c
		for i := range a {
			out.MeanCA[i] += c * a[i]
			for j := range a {
				out.MeanAA[i*dim+j] += a[i] * a[j]
			}
		}
	}
	inv := 1 / float64(m)
	out.MeanC *= inv
	out.MeanC2 *= inv
	for i := range out.MeanCA {
		out.MeanCA[i] *= inv
	}
	for i := range out.MeanAA {
		out.MeanAA[i] *= inv
	}
	return out, nil
}

// SecondMoments returns Σ = Σ_q ω_q φ_q φ_qᵀ (dim×dim row-major) and
// r = Σ_q ω_q Y_q φ_q from a quadrature grid: weights omega (Q), features phi
// (Q×dim row-major), targets y (Q). Nothing is kept. Cost O(Q dim²).
// Errors: lengths that disagree (graphs.ErrShape), non-finite values
// (graphs.ErrParameter).
func SecondMoments(omega, phi, y []float64, dim int) (sigma, r []float64, err error) {
	if err := checkGrid("SecondMoments", omega, phi, y, dim); err != nil {
		return nil, nil, err
	}
	sigma, r = make([]float64, dim*dim), make([]float64, dim)
	for q, w := range omega {
		p := phi[q*dim : (q+1)*dim]
		for i := range p {
			r[i] += w * y[q] * p[i]
			for j := range p {
				sigma[i*dim+j] += w * p[i] * p[j]
			}
		}
	}
	return sigma, r, nil
}

func checkGrid(fn string, omega, phi, y []float64, dim int) error {
	q := len(omega)
	if dim < 1 || q == 0 || len(phi) != q*dim || len(y) != q {
		return fmt.Errorf("meanfield: %s: len(omega)=%d len(phi)=%d len(y)=%d dim=%d: %w", fn, q, len(phi), len(y), dim, graphs.ErrShape)
	}
	for _, s := range []struct {
		name string
		v    []float64
	}{{"omega", omega}, {"phi", phi}, {"y", y}} {
		for i, v := range s.v {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("meanfield: %s: %s[%d]=%v not finite: %w", fn, s.name, i, v, graphs.ErrParameter)
			}
		}
	}
	for i, w := range omega {
		if w < 0 {
			return fmt.Errorf("meanfield: %s: omega[%d]=%v < 0: %w", fn, i, w, graphs.ErrParameter)
		}
	}
	return nil
}

// MomentProblem is the data of the moment ODE: Σ = E_π[φφᵀ] (dim×dim
// row-major), R = r = E_π[yφ] (dim) and the learning-rate constant α.
type MomentProblem struct {
	Sigma []float64
	R     []float64
	Alpha float64
}

// SolveMoments integrates the moment ODE of the package documentation from m0
// and returns the moments at each requested time (strictly increasing, ≥ 0;
// t = 0 returns m0's b, Q and q). p and m0 are not kept. The ODE is closed in
// (b, Q, q) = (MeanCA, MeanAA, MeanC2); E[c] is not determined by them (its
// derivative α e·E[a] needs E[a]), so MeanC is NaN in the results. The state has dim + dim² + 1
// entries, each right-hand side costs O(dim²). It is SolveScaledMoments at
// ε = 1, the same bits. Errors: shapes that disagree
// (graphs.ErrShape); α or entries not finite (graphs.ErrParameter); those of
// ode.Integrate.
func SolveMoments(ctx context.Context, p MomentProblem, m0 shallow.Moments, times []float64, opt ode.Options) ([]shallow.Moments, ode.Stats, error) {
	ms, st, err := solveScaled(ctx, "SolveMoments", p, 1, m0, times, opt)
	return ms, st, err
}

// SolveScaledMoments integrates the ε-scaled moment ODE of linear σ (the
// package documentation, "The ε-flow") from m0 and returns its state at each
// requested time: MeanCA holds β = b/ε (so that Moments.Output is the
// output g = β·φ), MeanAA Q and MeanC2 q;
//
//	dβ/dt = α (Q + q I) e,   dQ/dt = α ε² (e βᵀ + β eᵀ),   dq/dt = 2α ε² β·e,
//
// e = r − Σβ. ε = 1 is the mean-field moment ODE (SolveMoments); ε = 0 is
// the kernel flow of linear σ, Q and q frozen at their initial values; a
// network of width N at output scaling γ is an N-particle sample of the flow
// with ε = N^{γ−1} (FlowEps). MeanC is NaN in the results. Errors: eps
// negative or not finite (graphs.ErrParameter), and those of SolveMoments.
func SolveScaledMoments(ctx context.Context, p MomentProblem, eps float64, m0 shallow.Moments, times []float64, opt ode.Options) ([]shallow.Moments, ode.Stats, error) {
	if err := finiteParam("SolveScaledMoments: eps", eps); err != nil {
		return nil, ode.Stats{}, err
	}
	return solveScaled(ctx, "SolveScaledMoments", p, eps, m0, times, opt)
}

// FlowEps returns ε = N^{γ−1}, the scale of the ε-flow of which a network of
// width N at output scaling γ is an N-particle system.
func FlowEps(width int, gamma float64) float64 {
	return math.Pow(float64(width), gamma-1)
}

func solveScaled(ctx context.Context, fn string, p MomentProblem, eps float64, m0 shallow.Moments, times []float64, opt ode.Options) ([]shallow.Moments, ode.Stats, error) {
	dim := len(m0.MeanCA)
	if dim == 0 || len(m0.MeanAA) != dim*dim || len(p.R) != dim || len(p.Sigma) != dim*dim {
		return nil, ode.Stats{}, fmt.Errorf("meanfield: %s: dim=%d len(Q)=%d len(R)=%d len(Sigma)=%d: %w", fn, dim, len(m0.MeanAA), len(p.R), len(p.Sigma), graphs.ErrShape)
	}
	if math.IsNaN(p.Alpha) || math.IsInf(p.Alpha, 0) {
		return nil, ode.Stats{}, fmt.Errorf("meanfield: %s: alpha=%v not finite: %w", fn, p.Alpha, graphs.ErrParameter)
	}
	for i, v := range append(append([]float64(nil), p.Sigma...), p.R...) {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, ode.Stats{}, fmt.Errorf("meanfield: %s: Sigma/R entry %d=%v not finite: %w", fn, i, v, graphs.ErrParameter)
		}
	}
	y0 := make([]float64, 0, dim+dim*dim+1)
	y0 = append(append(append(y0, m0.MeanCA...), m0.MeanAA...), m0.MeanC2)
	sigma, r, alpha := append([]float64(nil), p.Sigma...), append([]float64(nil), p.R...), p.Alpha
	// ae2 = α ε², exactly α at ε = 1.
	ae2 := alpha * (eps * eps)
	e := make([]float64, dim)
	f := func(_ float64, y, dst []float64) {
		b, q, q0 := y[:dim], y[dim:dim+dim*dim], y[dim+dim*dim]
		db, dq := dst[:dim], dst[dim:dim+dim*dim]
		var be float64
		for i := 0; i < dim; i++ {
			s := r[i]
			for j := 0; j < dim; j++ {
				s -= sigma[i*dim+j] * b[j]
			}
			e[i] = s
			be += b[i] * s
		}
		for i := 0; i < dim; i++ {
			s := q0 * e[i]
			for j := 0; j < dim; j++ {
				s += q[i*dim+j] * e[j]
				dq[i*dim+j] = ae2 * (e[i]*b[j] + b[i]*e[j])
			}
			db[i] = alpha * s
		}
		dst[dim+dim*dim] = 2 * ae2 * be
	}
	out := make([]shallow.Moments, len(times))
	st, err := ode.Integrate(ctx, f, 0, y0, times, opt, func(k int, _ float64, y []float64) error {
		out[k] = shallow.Moments{MeanC: math.NaN(), MeanC2: y[dim+dim*dim],
			MeanCA: append([]float64(nil), y[:dim]...), MeanAA: append([]float64(nil), y[dim:dim+dim*dim]...)}
		return nil
	})
	if err != nil {
		return nil, st, fmt.Errorf("meanfield: %s: %w", fn, err)
	}
	return out, st, nil
}

package longrun

import (
	"fmt"
	"math"

	"github.com/gnnwb/gnnwb/generators/walk"
	"github.com/gnnwb/gnnwb/graphs"
)

// Sparse is the chain of a walk on a fixed graph kept as the graph itself:
// the transition P = Thin steps of r 1Uᵀ + (1 − r)(h I + (1 − h) A/deg) is
// applied to a vector in O(Thin·entries), and the kernel K of the package
// doc is applied to functions by summing the Poisson series
//
//	Z f = Σ_{k≥0} P^k (f − π(f)) + π(f) 1,    Zᵀ u = Σ_{k≥0} (Pᵀ)^k (u − (1ᵀu) π) + (1ᵀu) π,
//
// instead of forming Z: K f = π∘Zf + Zᵀ(π∘f) − π∘f − π (πᵀf). Nothing of
// size S² is stored, so graphs of any size that the walk allows are
// handled; the cost of K f is O(τ·Thin·entries) per function for a chain
// whose correlations decay by e every τ samples (with restart r, τ ≤
// 1/(r·Thin)).
type Sparse struct {
	S  int       // states (nodes)
	Pi []float64 // stationary law (walk.Graph.Stationary)

	// Tol is the size of the last series term Kernel sums, relative to
	// the first; 0 means 10⁻¹³.
	Tol float64

	off  []int
	nb   []int32
	h, r float64
	thin int
}

// maxTerms bounds the terms of a Poisson series.
const maxTerms = 1 << 20

// SparseGraph returns the chain of the walk w on its graph's nodes in the
// sparse form. Errors: a walk with a uniform start (Options.Uniform: its
// samples are not stationary, graphs.ErrParameter).
func SparseGraph(w *walk.Graph) (*Sparse, error) {
	if w == nil {
		return nil, fmt.Errorf("longrun: SparseGraph: nil walk: %w", graphs.ErrParameter)
	}
	opt := w.Options()
	if opt.Uniform {
		return nil, fmt.Errorf("longrun: SparseGraph: start=uniform: the samples are not stationary: %w", graphs.ErrParameter)
	}
	g := w.Graph()
	off, nb, _ := g.CSR()
	return &Sparse{S: g.NumNodes(), Pi: w.Stationary(), off: off, nb: nb, h: opt.Hold, r: opt.Restart, thin: max(opt.Thin, 1)}, nil
}

// step sets dst = P_{h,r} v (transpose: Pᵀ v) for m functions v (S×m).
func (c *Sparse) step(dst, v []float64, m int, transpose bool) {
	s := c.S
	mean := make([]float64, m) // the restart: r/S Σ v, the same for P and Pᵀ
	for i := range s {
		for j, x := range v[i*m : (i+1)*m] {
			mean[j] += x
		}
	}
	for j := range mean {
		mean[j] *= c.r / float64(s)
	}
	a, b := (1-c.r)*c.h, (1-c.r)*(1-c.h)
	for i := range s {
		row, src := dst[i*m:(i+1)*m], v[i*m:(i+1)*m]
		for j := range row {
			row[j] = mean[j] + a*src[j]
		}
	}
	for i := range s {
		nbs := c.nb[c.off[i]:c.off[i+1]]
		if len(nbs) == 0 { // stays
			row, src := dst[i*m:(i+1)*m], v[i*m:(i+1)*m]
			for j := range row {
				row[j] += b * src[j]
			}
			continue
		}
		f := b / float64(len(nbs))
		if transpose { // mass of i spreads to its neighbours
			src := v[i*m : (i+1)*m]
			for _, k := range nbs {
				row := dst[int(k)*m : (int(k)+1)*m]
				for j := range row {
					row[j] += f * src[j]
				}
			}
			continue
		}
		row := dst[i*m : (i+1)*m]
		for _, k := range nbs {
			src := v[int(k)*m : (int(k)+1)*m]
			for j := range row {
				row[j] += f * src[j]
			}
		}
	}
}

// apply sets dst = P v (one sample: Thin steps), or Pᵀ v.
func (c *Sparse) apply(dst, v []float64, m int, transpose bool) {
	if c.thin == 1 {
		c.step(dst, v, m, transpose)
		return
	}
	cur := append([]float64(nil), v...)
	for range c.thin {
		c.step(dst, cur, m, transpose)
		copy(cur, dst)
	}
}

// series returns Σ_{k≥0} Q^k g (Q = P, or Pᵀ) for m functions g (S×m) that
// the series sums for (g π-centred for P, summing to 0 for Pᵀ), until the
// largest entry of a term is below Tol times the largest of g, and a bound
// on the relative error left.
func (c *Sparse) series(g []float64, m int, transpose bool) ([]float64, float64, error) {
	tol := c.Tol
	if tol == 0 {
		tol = 1e-13
	}
	norm := func(v []float64) float64 {
		x := 0.0
		for _, a := range v {
			x = math.Max(x, math.Abs(a))
		}
		return x
	}
	g0 := norm(g)
	acc := append([]float64(nil), g...)
	if g0 == 0 {
		return acc, 0, nil
	}
	term := append([]float64(nil), g...)
	next := make([]float64, len(g))
	prev := g0
	for range maxTerms {
		c.apply(next, term, m, transpose)
		term, next = next, term
		for i, v := range term {
			acc[i] += v
		}
		tn := norm(term)
		if tn <= tol*g0 {
			// the tail after a term t with contraction ρ = t/prev is at
			// most t ρ/(1 − ρ) if the contraction holds on
			est := math.Inf(1)
			if rho := tn / prev; rho < 1 {
				est = tn / g0 * rho / (1 - rho)
			}
			return acc, est, nil
		}
		prev = tn
	}
	return nil, 0, fmt.Errorf("longrun: Sparse.Kernel: the Poisson series did not converge in %d terms (a reducible or periodic walk: add restart or hold): %w", maxTerms, graphs.ErrParameter)
}

// Kernel sets dst = K f (S×m, row-major: f[x*m+i] = f_i(x)) for m functions
// f, so that Γ(g, f_i) = Σ_x g(x) dst[x*m+i] for any g. The two series are
// summed until their terms fall below Tol (10⁻¹³) of their first; relErr
// is an estimate of the relative error left (the last term t times the
// last contraction ρ, over 1 − ρ: the tail if the contraction holds on).
// Errors: shapes (graphs.ErrShape), a series that does not converge in
// 2^20 terms (graphs.ErrParameter: a reducible or periodic walk).
func (c *Sparse) Kernel(dst, f []float64, m int) (relErr float64, err error) {
	s := c.S
	if m < 1 || len(f) != s*m || len(dst) != s*m {
		return 0, fmt.Errorf("longrun: Sparse.Kernel: len(f)=%d, len(dst)=%d, m=%d, want S·m with S=%d: %w", len(f), len(dst), m, s, graphs.ErrShape)
	}
	mu := make([]float64, m) // π(f)
	for x := range s {
		for j, v := range f[x*m : (x+1)*m] {
			mu[j] += c.Pi[x] * v
		}
	}
	fc := make([]float64, s*m) // f − π(f)
	u := make([]float64, s*m)  // π∘f − π(f) π
	for x := range s {
		for j, v := range f[x*m : (x+1)*m] {
			fc[x*m+j] = v - mu[j]
			u[x*m+j] = c.Pi[x] * (v - mu[j])
		}
	}
	zf, e1, err := c.series(fc, m, false)
	if err != nil {
		return 0, err
	}
	zu, e2, err := c.series(u, m, true)
	if err != nil {
		return 0, err
	}
	// with f̄ = f − π(f), Zf = Zf̄ + π(f) 1 and Zᵀ(π∘f) = Zᵀ(π∘f̄) + π(f) π:
	// K f = π∘Zf̄ + Zᵀ(π∘f̄) − π∘f̄, the constant parts cancelling.
	for x := range s {
		p := c.Pi[x]
		for j := range m {
			i := x*m + j
			dst[i] = p*zf[i] + zu[i] - p*fc[i]
		}
	}
	return math.Max(e1, e2), nil
}

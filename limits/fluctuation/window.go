package fluctuation

import (
	"context"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/internal/parallel"
	"github.com/gnnwb/gnnwb/limits"
	"github.com/gnnwb/gnnwb/limits/longrun"
)

// WindowParticles is Window for any σ with two derivatives: the constant
// of networks of width N trained on the N·t samples of a stationary
// reversible chain, to first order in τ/N (docs/mathematics.md §10.4).
// The window misses, at each of its ends, the correlations of its samples
// with those outside it; the sample at step i enters the output at t
// through b_i(x) = Φ(t, s) E_s diag(r_s) (δ_x − π) (α/√N), and
//
//	N·Cov_window = N·Cov_walk − (α²/N) (Φ(t,0) E_0 r_0 M r_0 E_0ᵀ Φ(t,0)ᵀ + E_t r_t M r_t E_tᵀ) + O((τ/N)²),
//
// M = Σ_{l≥1} l (D P^l − ππᵀ) the chain's edge kernel on the training grid
// (longrun.TrainingEdgeKernel). The terms of the same order from the
// variation of b over a correlation time sum Σ_l l Cov(ξ_0, ξ_l) over both
// signs of l, the antisymmetric part of M, which vanishes for a reversible
// chain (the lazy walk without restart); a chain with restart is refused.
// The start term is carried from t = 0 by the linearised flow as columns
// of its own (one per eigenvalue of M, signed); the end term is read off
// at t. It adds about rank(M) columns to the flow's cost. For σ the
// identity Window is exact for the linearised chain; the gaps C_walk −
// C_window of the two agree to 4–8% of the gap on gaussian:0.15, h = 0.5
// (τ = 15.5) and to 1–2% at h = 0.9 (τ = 78), the difference scaling
// like 1/N: the Euler steps of 1/N of the chain, a term of order 1/N
// against the gap's τ/N, which the N → ∞ constant leaves out for
// independent samples too. The expansion is in τ/(N·T), T the time over
// which the flow changes, and needs N·t much larger than τ (at t = 0 no
// correction is applied): for tanh, α = 3, h = 0.5, real networks sit on
// it at t = 2 from N = 16τ on, but 6.7% below it at t = 0.5 and N = 16τ,
// 2.9% at 32τ (TestWindowMonteCarloTanh).
//
// Errors: a chain that is not reversible, a batch other than 1
// (graphs.ErrUnsupported); width < 1 (graphs.ErrParameter); those of
// WalkParticles.
func WindowParticles(ctx context.Context, s *limits.Setup, times []float64, chain *longrun.Chain, width int, opt Options) (*Constant, error) {
	if s == nil || chain == nil {
		return nil, fmt.Errorf("fluctuation: WindowParticles: nil Setup or chain: %w", graphs.ErrParameter)
	}
	pr := s.Problem()
	if pr.Batch != 1 {
		return nil, fmt.Errorf("fluctuation: WindowParticles: batch=%d: the finite-window correction is for one sample per step: %w", pr.Batch, graphs.ErrUnsupported)
	}
	if width < 1 {
		return nil, fmt.Errorf("fluctuation: WindowParticles: width=%d: need width ≥ 1: %w", width, graphs.ErrParameter)
	}
	if !chain.Reversible() {
		return nil, fmt.Errorf("fluctuation: WindowParticles: the chain is not reversible (a walk with restart): the first-order window correction needs the symmetric edge kernel: %w", graphs.ErrUnsupported)
	}
	sw, kern, err := walkSetup("WindowParticles", s, chain)
	if err != nil {
		return nil, err
	}
	edge, err := longrun.TrainingEdgeKernel(sw, chain)
	if err != nil {
		return nil, fmt.Errorf("fluctuation: WindowParticles: %w", err)
	}
	set := defaults
	set.kern, set.window, set.edge = kern, width, edge
	c, err := particles(ctx, sw, times, opt, set)
	if err != nil {
		return nil, err
	}
	c.Method += "; samples from a stationary chain: stationary law and long-run covariance"
	return c, nil
}

// window carries the two end corrections of a finite window: l (P×r) and
// sign (r) factor √(α²ν/N) M = l diag(sign) lᵀ, start holds the start
// correction's columns (E_0 diag(r_0) l at t = 0, moved by the flow).
type window struct {
	fl    *flow
	l     []float64
	sign  []float64
	r     int
	start *state
}

// newWindow factors the edge kernel of set (directions whose eigenvalue is
// below 10⁻¹² of the largest in modulus dropped) and sets the start
// columns at the frame fr of t = 0.
func (fl *flow) newWindow(fr *frame, set settings) *window {
	p := fl.p
	w := &window{fl: fl, start: &state{}}
	var eig mat.EigenSym
	if !eig.Factorize(mat.NewSymDense(p, append([]float64(nil), set.edge...)), true) {
		w.start.x = fl.newFields(0)
		return w
	}
	vals := eig.Values(nil)
	var vecs mat.Dense
	eig.VectorsTo(&vecs)
	top := 0.0
	for _, v := range vals {
		top = math.Max(top, math.Abs(v))
	}
	scale := fl.alpha * fl.alpha * fl.nu / float64(set.window)
	var idx []int
	for i := p - 1; i >= 0; i-- {
		if math.Abs(vals[i]) > 1e-12*top {
			idx = append(idx, i)
		}
	}
	w.r = len(idx)
	w.l = make([]float64, p*w.r)
	w.sign = make([]float64, w.r)
	for j, i := range idx {
		w.sign[j] = math.Copysign(1, vals[i])
		f := math.Sqrt(math.Abs(vals[i]) * scale)
		for q := range p {
			w.l[q*w.r+j] = vecs.At(q, i) * f
		}
	}
	w.start.k = w.r
	w.start.x = w.cols(fr)
	return w
}

// cols returns the carrier fields E diag(r) l at the frame fr (up to a
// sign, which the squares of correct do not see).
func (w *window) cols(fr *frame) [][]float64 {
	fl, p, r := w.fl, w.fl.p, w.r
	b := make([]float64, p*r)
	for q := range p {
		for j := range r {
			b[q*r+j] = fr.r[q] * w.l[q*r+j]
		}
	}
	x := fl.newFields(r)
	if r > 0 {
		fl.spread(x, fr.e, b, r, nil, nil)
	}
	return x
}

// correct subtracts the two end terms from the variance v on the
// evaluation grid of e (pe points) at the frame fr of the output time.
func (w *window) correct(v []float64, e [][]float64, pe int, fr *frame) {
	fl, r := w.fl, w.r
	if r == 0 {
		return
	}
	nc := parallel.Chunks(fl.mf, chunk)
	for _, x := range [][][]float64{w.start.x, w.cols(fr)} {
		rb := make([]float64, pe*r)
		fl.readout(rb, e, pe, x, r, 0, nil, make([]float64, nc*pe*r))
		for q := range pe {
			for j := range r {
				b := rb[q*r+j]
				v[q] -= w.sign[j] * b * b
			}
		}
	}
}

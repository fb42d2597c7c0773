package gnn

import (
	"fmt"
	"math"

	"github.com/gnnwb/gnnwb/gnn/activation"
	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/internal/parallel"
)

// Activation is the layer that applies σ = Kind (package gnn/activation
// names σ and holds its formulas) elementwise to D columns (D = 0 accepts
// any width). It has no parameters. It keeps its input and output.
type Activation struct {
	Kind activation.Kind
	D    int

	h, out []float64
}

// NewActivation returns σ = kind as a layer on d columns.
func NewActivation(kind activation.Kind, d int) *Activation { return &Activation{Kind: kind, D: d} }

// Dims returns (D, D).
func (a *Activation) Dims() (int, int) { return a.D, a.D }

// Params returns nil.
func (a *Activation) Params() []Param { return nil }

const elemBlock = 1 << 14

// Forward sets out = σ(h).
func (a *Activation) Forward(out, h []float64, b *Batch) error {
	if err := checkLen("Activation.Forward", "out", len(out), len(h)); err != nil {
		return err
	}
	if !a.Kind.Valid() {
		return fmt.Errorf("gnn: Activation.Forward: kind=%d: %w", int(a.Kind), graphs.ErrParameter)
	}
	a.h, a.out = h, out
	kind := a.Kind
	parallel.For(parallel.Chunks(len(h), elemBlock), func(c int) {
		lo, hi := parallel.Range(c, elemBlock, len(h))
		kind.Apply(out[lo:hi], h[lo:hi])
	})
	return nil
}

// Backward sets dh = dout ⊙ σ'(h).
func (a *Activation) Backward(dh, dout []float64, b *Batch) error {
	if dh == nil {
		return nil
	}
	if err := checkLen("Activation.Backward", "dout", len(dout), len(a.h)); err != nil {
		return err
	}
	if err := checkLen("Activation.Backward", "dh", len(dh), len(a.h)); err != nil {
		return err
	}
	kind, h, y := a.Kind, a.h, a.out
	parallel.For(parallel.Chunks(len(h), elemBlock), func(c int) {
		lo, hi := parallel.Range(c, elemBlock, len(h))
		d, g, x, o := dh[lo:hi], dout[lo:hi], h[lo:hi], y[lo:hi]
		g, x, o = g[:len(d)], x[:len(d)], o[:len(d)]
		switch kind {
		case activation.Identity:
			copy(d, g)
		case activation.ReLU:
			// Branch-free: o = max(x, 0) is +0 unless x > 0, so the
			// gradient passes exactly where o's bits are nonzero.
			for k := range d {
				b := math.Float64bits(o[k])
				keep := -((b | -b) >> 63) // all ones iff b != 0
				d[k] = math.Float64frombits(math.Float64bits(g[k]) & keep)
			}
		case activation.Tanh:
			for k := range d {
				d[k] = g[k] * (1 - o[k]*o[k])
			}
		case activation.Sigmoid:
			for k := range d {
				d[k] = g[k] * o[k] * (1 - o[k])
			}
		case activation.Erf:
			for k := range d {
				d[k] = g[k] * (2 / math.SqrtPi) * math.Exp(-x[k]*x[k])
			}
		case activation.ELU:
			for k := range d {
				if x[k] > 0 {
					d[k] = g[k]
				} else {
					d[k] = g[k] * (o[k] + 1)
				}
			}
		}
	})
	return nil
}

package gnn

import (
	"fmt"
	"math"

	"github.com/gnnwb/gnnwb/gnn/activation"
	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/internal/parallel"
)

// Act names an elementwise activation σ: the Kind of package gnn/activation
// (σ, σ' and the names live there).
type Act = activation.Kind

// The activations, re-exported from gnn/activation.
const (
	// Identity is σ(z) = z.
	Identity = activation.Identity
	// ReLU is σ(z) = max(z, 0), with σ'(0) = 0.
	ReLU = activation.ReLU
	// Tanh is σ(z) = tanh z.
	Tanh = activation.Tanh
	// Sigmoid is σ(z) = 1/(1+e^{−z}).
	Sigmoid = activation.Sigmoid
	// Erf is σ(z) = erf z (Williams 1997's kernel, MATH.md section 4.3).
	Erf = activation.Erf
	// ELU is σ(z) = z for z > 0, e^z − 1 otherwise (used by GAT).
	ELU = activation.ELU
)

// ParseAct returns the Act named s (as printed by String: identity, tanh,
// relu, sigmoid, erf, elu). An unknown name is an error quoting s and
// wrapping graphs.ErrParameter.
func ParseAct(s string) (Act, error) {
	a, err := activation.Parse(s)
	if err != nil {
		return 0, fmt.Errorf("gnn: ParseAct: %q is not one of %v: %w", s, activation.Names(), graphs.ErrParameter)
	}
	return a, nil
}

// Activation applies σ elementwise as a layer with D columns (D = 0 accepts
// any width). It has no parameters. It keeps its input and output.
type Activation struct {
	Kind Act
	D    int

	h, out []float64
}

// NewActivation returns σ = kind as a layer on d columns.
func NewActivation(kind Act, d int) *Activation { return &Activation{Kind: kind, D: d} }

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
		case Identity:
			copy(d, g)
		case ReLU:
			// Branch-free: o = max(x, 0) is +0 unless x > 0, so the
			// gradient passes exactly where o's bits are nonzero.
			for k := range d {
				b := math.Float64bits(o[k])
				keep := -((b | -b) >> 63) // all ones iff b != 0
				d[k] = math.Float64frombits(math.Float64bits(g[k]) & keep)
			}
		case Tanh:
			for k := range d {
				d[k] = g[k] * (1 - o[k]*o[k])
			}
		case Sigmoid:
			for k := range d {
				d[k] = g[k] * o[k] * (1 - o[k])
			}
		case Erf:
			for k := range d {
				d[k] = g[k] * (2 / math.SqrtPi) * math.Exp(-x[k]*x[k])
			}
		case ELU:
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

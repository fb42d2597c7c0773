package gnn

import (
	"fmt"
	"math"

	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/internal/parallel"
)

// Act names an elementwise activation σ.
type Act int

const (
	// Identity is σ(z) = z.
	Identity Act = iota
	// ReLU is σ(z) = max(z, 0), with σ'(0) = 0.
	ReLU
	// Tanh is σ(z) = tanh z.
	Tanh
	// Sigmoid is σ(z) = 1/(1+e^{−z}).
	Sigmoid
	// Erf is σ(z) = erf z (Williams 1997's kernel, MATH.md section 4.3).
	Erf
	// ELU is σ(z) = z for z > 0, e^z − 1 otherwise (used by GAT).
	ELU
)

var actNames = [...]string{"identity", "relu", "tanh", "sigmoid", "erf", "elu"}

// String returns the lower-case name.
func (a Act) String() string {
	if a < 0 || int(a) >= len(actNames) {
		return fmt.Sprintf("Act(%d)", int(a))
	}
	return actNames[a]
}

// ParseAct returns the Act named s (as printed by String).
func ParseAct(s string) (Act, error) {
	for i, n := range actNames {
		if n == s {
			return Act(i), nil
		}
	}
	return 0, fmt.Errorf("gnn: ParseAct: %q is not one of %v: %w", s, actNames, graphs.ErrParameter)
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
	if a.Kind < Identity || a.Kind > ELU {
		return fmt.Errorf("gnn: Activation.Forward: kind=%d: %w", int(a.Kind), graphs.ErrParameter)
	}
	a.h, a.out = h, out
	kind := a.Kind
	parallel.For(parallel.Chunks(len(h), elemBlock), func(c int) {
		lo, hi := parallel.Range(c, elemBlock, len(h))
		o, x := out[lo:hi], h[lo:hi]
		switch kind {
		case Identity:
			copy(o, x)
		case ReLU:
			for k, z := range x {
				o[k] = max(z, 0)
			}
		case Tanh:
			for k, z := range x {
				o[k] = math.Tanh(z)
			}
		case Sigmoid:
			for k, z := range x {
				o[k] = 1 / (1 + math.Exp(-z))
			}
		case Erf:
			for k, z := range x {
				o[k] = math.Erf(z)
			}
		case ELU:
			for k, z := range x {
				if z > 0 {
					o[k] = z
				} else {
					o[k] = math.Expm1(z)
				}
			}
		}
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

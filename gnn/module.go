package gnn

import (
	"fmt"

	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/graphs/sparse"
)

// Module is a differentiable layer over row-major matrices: Forward maps an
// input h (rows×in, h[i*in+k]) to out (rows'×out), keeping what Backward
// needs, including a reference to h, which must not change until Backward;
// Backward, given dout = ∂L/∂out, accumulates ∂L/∂θ into the gradients of
// Params and writes ∂L/∂h into dh (overwriting it), or skips the input
// gradient when dh is nil. rows is the number of nodes of the batch, except
// after a readout (one row per graph). Shapes are checked and reported as
// errors wrapping graphs.ErrShape.
type Module interface {
	Forward(out, h []float64, b *Batch) error
	Backward(dh, dout []float64, b *Batch) error
	// Params returns the parameters and their gradients (the module's own
	// slices, not copies), in a fixed order, including any buffers (Param.
	// Buffer: state without gradient).
	Params() []Param
	// Dims returns the number of input and output columns.
	Dims() (in, out int)
}

// SparseModule is a Module that can also take a sparse input in the first
// layer (sparse bag-of-words features). Backward after ForwardSparse
// computes parameter gradients only; dh must be nil.
type SparseModule interface {
	Module
	ForwardSparse(out []float64, x *sparse.Matrix, b *Batch) error
}

// Init says how a parameter is initialised by InitParams.
type Init int

const (
	// InitGlorot draws U(−a, a), a = sqrt(6/(FanIn+FanOut)) (Glorot & Bengio
	// 2010; PyTorch Geometric's glorot).
	InitGlorot Init = iota
	// InitZeros sets 0.
	InitZeros
	// InitKeep leaves the value the constructor set (GIN's ε).
	InitKeep
	// InitOnes sets 1 (BatchNorm's γ and running variance).
	InitOnes
)

// Param is one parameter tensor with its gradient, both owned by the layer.
type Param struct {
	Name          string
	Value, Grad   []float64
	FanIn, FanOut int
	Init          Init
	// NoDecay exempts the parameter from weight decay.
	NoDecay bool
	// Buffer marks state that is not trained (BatchNorm's running
	// statistics): Grad is nil, optimisers skip it, but checkpoints, the
	// trainers' best-epoch copy and InitParams handle it like a weight.
	Buffer bool
}

// rowsOf returns len(h)/d and checks divisibility.
func rowsOf(fn string, h []float64, d int) (int, error) {
	if d <= 0 || len(h)%d != 0 {
		return 0, fmt.Errorf("gnn: %s: len(h)=%d is not a multiple of in=%d: %w", fn, len(h), d, graphs.ErrShape)
	}
	return len(h) / d, nil
}

func checkLen(fn, what string, got, want int) error {
	if got != want {
		return fmt.Errorf("gnn: %s: len(%s)=%d, want %d: %w", fn, what, got, want, graphs.ErrShape)
	}
	return nil
}

// checkNodes checks that h has one row of d per node of b.
func checkNodes(fn string, h []float64, d int, b *Batch) (int, error) {
	n := b.NumNodes()
	if len(h) != n*d {
		return 0, fmt.Errorf("gnn: %s: len(h)=%d, want nodes·in=%d·%d: %w", fn, len(h), n, d, graphs.ErrShape)
	}
	return n, nil
}

package gnn

import (
	"fmt"

	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/graphs/aggregation"
	"github.com/gnnwb/gnnwb/graphs/sparse"
)

// GCNConv is the graph convolution of Kipf & Welling (2017, eq. 2):
//
//	h' = S_sym (h Θ) + b,   S_sym = D̃^{-1/2} Ã D̃^{-1/2},
//
// with Θ In×Out (W[p*Out+q]) and bias b, applied to the batch's graph with
// the symmetric aggregation under the self-loop policy Loops: Ã = A with
// a unit loop added where a node has none (aggregation.AddMissingLoops,
// NewGCNConv's default, as PyTorch Geometric's GCNConv), A + I
// (aggregation.AddLoops) or A itself (aggregation.NoLoops, the GCN of
// Keriven, Bietti & Vaiter 2020, PyTorch Geometric's add_self_loops=False).
// No activation: follow it with an Activation. Forward costs
// O(n·In·Out + entries·Out).
type GCNConv struct {
	In, Out      int
	W, B         []float64
	GradW, GradB []float64
	// Loops is the self-loop policy of the aggregation.
	Loops aggregation.Loops

	h  []float64
	x  *sparse.Matrix
	xt sparse.Matrix // storage of xᵀ for the weight gradient
	t  []float64     // hΘ
	dt []float64
}

// NewGCNConv returns a GCNConv with zero parameters (see InitParams) and
// self loops added where missing (Loops = aggregation.AddMissingLoops).
func NewGCNConv(in, out int) *GCNConv {
	return &GCNConv{In: in, Out: out, W: make([]float64, in*out), GradW: make([]float64, in*out),
		B: make([]float64, out), GradB: make([]float64, out), Loops: aggregation.AddMissingLoops}
}

// Aggregation returns the layer's aggregation: symmetric, under Loops.
func (l *GCNConv) Aggregation() aggregation.Aggregation {
	return aggregation.Aggregation{Norm: aggregation.Symmetric, Loops: l.Loops}
}

// Dims returns (In, Out).
func (l *GCNConv) Dims() (int, int) { return l.In, l.Out }

// Params returns W (Glorot) and B (zeros).
func (l *GCNConv) Params() []Param {
	return []Param{{Name: "W", Value: l.W, Grad: l.GradW, FanIn: l.In, FanOut: l.Out},
		{Name: "B", Value: l.B, Grad: l.GradB, Init: InitZeros}}
}

// Forward sets out = S_sym(hΘ) + b; it keeps h.
func (l *GCNConv) Forward(out, h []float64, b *Batch) error {
	n, err := checkNodes("GCNConv.Forward", h, l.In, b)
	if err != nil {
		return err
	}
	if err := checkLen("GCNConv.Forward", "out", len(out), n*l.Out); err != nil {
		return err
	}
	op, err := b.Operator(l.Aggregation())
	if err != nil {
		return err
	}
	l.h, l.x = h, nil
	l.t = grow(l.t, n*l.Out)
	matMul(l.t, h, l.W, n, l.In, l.Out, false)
	op.Apply(out, l.t, l.Out)
	addBias(out, l.B, l.Out)
	return nil
}

// ForwardSparse is Forward for sparse input features x (n×In); it keeps x.
func (l *GCNConv) ForwardSparse(out []float64, x *sparse.Matrix, b *Batch) error {
	if x.Cols() != l.In || x.Rows() != b.NumNodes() {
		return fmt.Errorf("gnn: GCNConv.ForwardSparse: sparse input is not nodes×In=%d×%d: %w", b.NumNodes(), l.In, graphs.ErrShape)
	}
	n := x.Rows()
	if err := checkLen("GCNConv.ForwardSparse", "out", len(out), n*l.Out); err != nil {
		return err
	}
	op, err := b.Operator(l.Aggregation())
	if err != nil {
		return err
	}
	l.h, l.x = nil, x
	l.t = grow(l.t, n*l.Out)
	spMul(l.t, x, l.W, l.Out, false, rowBlock)
	op.Apply(out, l.t, l.Out)
	addBias(out, l.B, l.Out)
	return nil
}

// Backward: dt = Sᵀ dout, GradW += hᵀ dt, GradB += Σ_i dout_i, dh = dt Θᵀ.
func (l *GCNConv) Backward(dh, dout []float64, b *Batch) error {
	n := b.NumNodes()
	if err := checkLen("GCNConv.Backward", "dout", len(dout), n*l.Out); err != nil {
		return err
	}
	if l.h == nil && l.x == nil {
		return fmt.Errorf("gnn: GCNConv.Backward: called before Forward: %w", graphs.ErrShape)
	}
	op, err := b.Operator(l.Aggregation())
	if err != nil {
		return err
	}
	l.dt = grow(l.dt, n*l.Out)
	op.ApplyT(l.dt, dout, l.Out)
	colSum(l.GradB, dout, l.Out)
	return linearBackward("GCNConv.Backward", l.In, l.Out, l.W, l.GradW, nil, l.h, l.x, &l.xt, dh, l.dt)
}

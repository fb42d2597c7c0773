package gnn

import (
	"fmt"

	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/graphs/aggregation"
	"github.com/gnnwb/gnnwb/graphs/sparse"
)

// SAGEConv is GraphSAGE with the mean aggregator (Hamilton, Ying & Leskovec
// 2017, Algorithm 1 with concatenation written as a sum of two products, as
// PyTorch Geometric's SAGEConv):
//
//	h'_i = h_i Θ1 + (S_mean h)_i Θ2 + b,   (S_mean h)_i = (1/deg_i) Σ_j A_ij h_j,
//
// with Θ1, Θ2 In×Out and an isolated node aggregating to 0. No activation and
// no normalisation of h'. It computes S_mean (h Θ2), which equals (S_mean h) Θ2
// and aggregates Out instead of In columns. Forward costs
// O(n·In·Out + entries·Out).
type SAGEConv struct {
	In, Out               int
	W1, W2, B             []float64
	GradW1, GradW2, GradB []float64

	h     []float64
	x     *sparse.Matrix
	xt    sparse.Matrix // storage of xᵀ for the weight gradients
	t, dt []float64
}

// NewSAGEConv returns a SAGEConv with zero parameters (see InitParams).
func NewSAGEConv(in, out int) *SAGEConv {
	return &SAGEConv{In: in, Out: out,
		W1: make([]float64, in*out), W2: make([]float64, in*out), B: make([]float64, out),
		GradW1: make([]float64, in*out), GradW2: make([]float64, in*out), GradB: make([]float64, out)}
}

// Aggregation returns the layer's aggregation, the mean over the neighbours (aggregation.SAGE).
func (l *SAGEConv) Aggregation() aggregation.Aggregation { return aggregation.SAGE }

// Dims returns (In, Out).
func (l *SAGEConv) Dims() (int, int) { return l.In, l.Out }

// Params returns Θ1 ("W1", root), Θ2 ("W2", neighbours) and b.
func (l *SAGEConv) Params() []Param {
	return []Param{{Name: "W1", Value: l.W1, Grad: l.GradW1, FanIn: l.In, FanOut: l.Out},
		{Name: "W2", Value: l.W2, Grad: l.GradW2, FanIn: l.In, FanOut: l.Out},
		{Name: "B", Value: l.B, Grad: l.GradB, Init: InitZeros}}
}

// Forward sets out = hΘ1 + S_mean(hΘ2) + b; it keeps h.
func (l *SAGEConv) Forward(out, h []float64, b *Batch) error {
	n, err := checkNodes("SAGEConv.Forward", h, l.In, b)
	if err != nil {
		return err
	}
	if err := checkLen("SAGEConv.Forward", "out", len(out), n*l.Out); err != nil {
		return err
	}
	op, err := b.Operator(l.Aggregation())
	if err != nil {
		return err
	}
	l.h, l.x = h, nil
	l.t = grow(l.t, n*l.Out)
	matMul(l.t, h, l.W2, n, l.In, l.Out, false)
	op.Apply(out, l.t, l.Out)
	matMul(out, h, l.W1, n, l.In, l.Out, true)
	addBias(out, l.B, l.Out)
	return nil
}

// ForwardSparse is Forward for sparse input features x (n×In); it keeps x.
func (l *SAGEConv) ForwardSparse(out []float64, x *sparse.Matrix, b *Batch) error {
	if x.Cols() != l.In || x.Rows() != b.NumNodes() {
		return fmt.Errorf("gnn: SAGEConv.ForwardSparse: sparse input is not nodes×In=%d×%d: %w", b.NumNodes(), l.In, graphs.ErrShape)
	}
	n := x.Rows()
	if err := checkLen("SAGEConv.ForwardSparse", "out", len(out), n*l.Out); err != nil {
		return err
	}
	op, err := b.Operator(l.Aggregation())
	if err != nil {
		return err
	}
	l.h, l.x = nil, x
	l.t = grow(l.t, n*l.Out)
	spMul(l.t, x, l.W2, l.Out, false, rowBlock)
	op.Apply(out, l.t, l.Out)
	l.dt = grow(l.dt, n*l.Out)
	spMul(l.dt, x, l.W1, l.Out, false, rowBlock)
	for e, v := range l.dt {
		out[e] += v
	}
	addBias(out, l.B, l.Out)
	return nil
}

// Backward: dt = S_meanᵀ dout; GradW1 += hᵀ dout, GradW2 += hᵀ dt,
// GradB += Σ_i dout_i; dh = dout Θ1ᵀ + dt Θ2ᵀ.
func (l *SAGEConv) Backward(dh, dout []float64, b *Batch) error {
	n := b.NumNodes()
	if l.h == nil && l.x == nil {
		return fmt.Errorf("gnn: SAGEConv.Backward: called before Forward: %w", graphs.ErrShape)
	}
	if err := checkLen("SAGEConv.Backward", "dout", len(dout), n*l.Out); err != nil {
		return err
	}
	op, err := b.Operator(l.Aggregation())
	if err != nil {
		return err
	}
	l.dt = grow(l.dt, n*l.Out)
	op.ApplyT(l.dt, dout, l.Out)
	// GradW1, GradB and dh = dout Θ1ᵀ; then GradW2 and dh += dt Θ2ᵀ.
	if err := linearBackward("SAGEConv.Backward", l.In, l.Out, l.W1, l.GradW1, l.GradB, l.h, l.x, &l.xt, dh, dout); err != nil {
		return err
	}
	if err := linearBackward("SAGEConv.Backward", l.In, l.Out, l.W2, l.GradW2, nil, l.h, l.x, &l.xt, nil, l.dt); err != nil {
		return err
	}
	if dh != nil {
		matMulBT(dh, l.dt, l.W2, n, l.Out, l.In, true)
	}
	return nil
}

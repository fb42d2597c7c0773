package gnn

import (
	"fmt"

	"github.com/gnnwb/gnnwb/graphs"
)

// SAGEConv is GraphSAGE with the mean aggregator (Hamilton, Ying & Leskovec
// 2017, Algorithm 1 with concatenation written as a sum of two products, as
// PyTorch Geometric's SAGEConv):
//
//	h'_i = h_i Θ1 + (S_mean h)_i Θ2 + b,   (S_mean h)_i = (1/deg_i) Σ_j A_ij h_j,
//
// with Θ1, Θ2 In×Out and an isolated node aggregating to 0. No activation and
// no normalisation of h'. Forward costs O(n·In·Out + entries·In).
type SAGEConv struct {
	In, Out               int
	W1, W2, B             []float64
	GradW1, GradW2, GradB []float64

	h, m, t, dm []float64
}

// NewSAGEConv returns a SAGEConv with zero parameters (see InitParams).
func NewSAGEConv(in, out int) *SAGEConv {
	return &SAGEConv{In: in, Out: out,
		W1: make([]float64, in*out), W2: make([]float64, in*out), B: make([]float64, out),
		GradW1: make([]float64, in*out), GradW2: make([]float64, in*out), GradB: make([]float64, out)}
}

// Dims returns (In, Out).
func (l *SAGEConv) Dims() (int, int) { return l.In, l.Out }

// Params returns Θ1 ("W1", root), Θ2 ("W2", neighbours) and b.
func (l *SAGEConv) Params() []Param {
	return []Param{{Name: "W1", Value: l.W1, Grad: l.GradW1, FanIn: l.In, FanOut: l.Out},
		{Name: "W2", Value: l.W2, Grad: l.GradW2, FanIn: l.In, FanOut: l.Out},
		{Name: "B", Value: l.B, Grad: l.GradB, Init: InitZeros}}
}

// Forward sets out = hΘ1 + (S_mean h)Θ2 + b; it keeps h.
func (l *SAGEConv) Forward(out, h []float64, b *Batch) error {
	n, err := checkNodes("SAGEConv.Forward", h, l.In, b)
	if err != nil {
		return err
	}
	if err := checkLen("SAGEConv.Forward", "out", len(out), n*l.Out); err != nil {
		return err
	}
	op, err := b.Operator(Mean)
	if err != nil {
		return err
	}
	l.h = h
	l.m = grow(l.m, n*l.In)
	op.Apply(l.m, h, l.In)
	matMul(out, h, l.W1, n, l.In, l.Out, false)
	matMul(out, l.m, l.W2, n, l.In, l.Out, true)
	addBias(out, l.B, l.Out)
	return nil
}

// Backward accumulates the gradients of Θ1, Θ2, b and sets
// dh = dout Θ1ᵀ + S_meanᵀ (dout Θ2ᵀ).
func (l *SAGEConv) Backward(dh, dout []float64, b *Batch) error {
	n := b.NumNodes()
	if l.h == nil || len(l.h) != n*l.In {
		return fmt.Errorf("gnn: SAGEConv.Backward: no matching Forward: %w", graphs.ErrShape)
	}
	if err := checkLen("SAGEConv.Backward", "dout", len(dout), n*l.Out); err != nil {
		return err
	}
	if dh != nil {
		if err := checkLen("SAGEConv.Backward", "dh", len(dh), n*l.In); err != nil {
			return err
		}
	}
	matMulTA(l.GradW1, l.h, dout, n, l.In, l.Out)
	matMulTA(l.GradW2, l.m, dout, n, l.In, l.Out)
	colSum(l.GradB, dout, l.Out)
	if dh == nil {
		return nil
	}
	op, err := b.Operator(Mean)
	if err != nil {
		return err
	}
	l.dm = grow(l.dm, n*l.In)
	matMulBT(l.dm, dout, l.W2, n, l.Out, l.In, false)
	op.ApplyT(dh, l.dm, l.In)
	matMulBT(dh, dout, l.W1, n, l.Out, l.In, true)
	return nil
}

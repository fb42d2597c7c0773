package gnn

import (
	"fmt"

	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/graphs/sparse"
)

// Linear is out_i = h_i Θ + b for every row i (node or graph), with Θ in×out
// row-major (W[p*Out+q] = Θ_pq) and b of length Out (nil: no bias).
// Forward costs O(rows·In·Out), skipping zero inputs; Backward the same.
type Linear struct {
	In, Out      int
	W, B         []float64
	GradW, GradB []float64

	h  []float64
	x  *sparse.Matrix
	xt sparse.Matrix // storage of xᵀ for the weight gradient
}

// NewLinear returns a Linear with zero parameters (see InitParams).
func NewLinear(in, out int, bias bool) *Linear {
	l := &Linear{In: in, Out: out, W: make([]float64, in*out), GradW: make([]float64, in*out)}
	if bias {
		l.B, l.GradB = make([]float64, out), make([]float64, out)
	}
	return l
}

// Dims returns (In, Out).
func (l *Linear) Dims() (int, int) { return l.In, l.Out }

// Params returns W (Glorot) and B (zeros) with their gradients.
func (l *Linear) Params() []Param {
	p := []Param{{Name: "W", Value: l.W, Grad: l.GradW, FanIn: l.In, FanOut: l.Out}}
	if l.B != nil {
		p = append(p, Param{Name: "B", Value: l.B, Grad: l.GradB, Init: InitZeros})
	}
	return p
}

// Forward sets out = hΘ + b; it keeps h.
func (l *Linear) Forward(out, h []float64, b *Batch) error {
	rows, err := rowsOf("Linear.Forward", h, l.In)
	if err != nil {
		return err
	}
	if err := checkLen("Linear.Forward", "out", len(out), rows*l.Out); err != nil {
		return err
	}
	l.h, l.x = h, nil
	matMul(out, h, l.W, rows, l.In, l.Out, false)
	if l.B != nil {
		addBias(out, l.B, l.Out)
	}
	return nil
}

// ForwardSparse sets out = xΘ + b for a sparse x; it keeps x.
func (l *Linear) ForwardSparse(out []float64, x *sparse.Matrix, b *Batch) error {
	if x.Cols() != l.In {
		return fmt.Errorf("gnn: Linear.ForwardSparse: sparse input columns do not match In=%d: %w", l.In, graphs.ErrShape)
	}
	if err := checkLen("Linear.ForwardSparse", "out", len(out), x.Rows()*l.Out); err != nil {
		return err
	}
	l.h, l.x = nil, x
	spMul(out, x, l.W, l.Out, false, rowBlock)
	if l.B != nil {
		addBias(out, l.B, l.Out)
	}
	return nil
}

// Backward adds hᵀ·dout to GradW and the column sums of dout to GradB, and
// sets dh = dout·Θᵀ unless dh is nil.
func (l *Linear) Backward(dh, dout []float64, b *Batch) error {
	return linearBackward("Linear.Backward", l.In, l.Out, l.W, l.GradW, l.GradB, l.h, l.x, &l.xt, dh, dout)
}

// linearBackward is the backward pass of out = hΘ (+ b) shared by the
// layers; for a sparse input x, xt receives xᵀ (its storage is reused).
func linearBackward(fn string, in, outd int, w, gw, gb, h []float64, x, xt *sparse.Matrix, dh, dout []float64) error {
	if h == nil && x == nil {
		return fmt.Errorf("gnn: %s: called before Forward: %w", fn, graphs.ErrShape)
	}
	var rows int
	if x != nil {
		rows = x.Rows()
		if dh != nil {
			return fmt.Errorf("gnn: %s: no input gradient for a sparse input (dh must be nil): %w", fn, graphs.ErrShape)
		}
	} else {
		rows = len(h) / in
	}
	if err := checkLen(fn, "dout", len(dout), rows*outd); err != nil {
		return err
	}
	if dh != nil {
		if err := checkLen(fn, "dh", len(dh), rows*in); err != nil {
			return err
		}
	}
	if x != nil {
		spMul(gw, x.TransposeTo(xt), dout, outd, true, colBlock)
	} else {
		matMulTA(gw, h, dout, rows, in, outd)
	}
	if gb != nil {
		colSum(gb, dout, outd)
	}
	if dh != nil {
		matMulBT(dh, dout, w, rows, outd, in, false)
	}
	return nil
}

package gnn

import (
	"fmt"
	"strconv"

	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/graphs/sparse"
)

// rowMapper is implemented by modules whose output has a different number of
// rows from their input (readouts).
type rowMapper interface {
	outRows(b *Batch, in int) int
}

// Sequential chains modules: out = M_K(…M_1(h)). It owns the intermediate
// buffers (allocated on the first pass, reused while shapes stay the same).
// Modules with zero Dims (width-agnostic activations and dropouts) keep the
// width of their input.
type Sequential struct {
	Modules []Module

	outs, grads [][]float64
	rows, cols  []int
	hasParams   []bool
	start       int // first module run by the last forward pass
}

// NewSequential returns the chain of ms (kept, not copied).
func NewSequential(ms ...Module) *Sequential { return &Sequential{Modules: ms} }

// Dims returns the input width of the first module with one and the output
// width of the last.
func (s *Sequential) Dims() (in, out int) {
	for _, m := range s.Modules {
		if i, _ := m.Dims(); i != 0 {
			in = i
			break
		}
	}
	for _, m := range s.Modules {
		if _, o := m.Dims(); o != 0 {
			out = o
		}
	}
	return in, out
}

// Params returns the modules' parameters in order, named "k.Name".
func (s *Sequential) Params() []Param {
	var ps []Param
	for k, m := range s.Modules {
		ps = append(ps, prefixParams(strconv.Itoa(k)+".", m.Params())...)
	}
	return ps
}

// plan computes the shape of every module output from the input shape.
func (s *Sequential) plan(rows, cols int, b *Batch, from int) error {
	K := len(s.Modules)
	if K == 0 {
		return fmt.Errorf("gnn: Sequential: no modules: %w", graphs.ErrShape)
	}
	if len(s.outs) != K {
		s.outs, s.grads = make([][]float64, K), make([][]float64, K)
		s.rows, s.cols = make([]int, K), make([]int, K)
		s.hasParams = make([]bool, K)
		for k, m := range s.Modules {
			s.hasParams[k] = len(m.Params()) > 0
		}
	}
	for k := from; k < K; k++ {
		m := s.Modules[k]
		in, out := m.Dims()
		if in != 0 && in != cols {
			return fmt.Errorf("gnn: Sequential: module %d (%T) takes %d columns, gets %d: %w", k, m, in, cols, graphs.ErrShape)
		}
		if out != 0 {
			cols = out
		}
		if rm, ok := m.(rowMapper); ok {
			rows = rm.outRows(b, rows)
		}
		s.rows[k], s.cols[k] = rows, cols
	}
	return nil
}

// Forward runs every module; it keeps h (the first module does).
func (s *Sequential) Forward(out, h []float64, b *Batch) error {
	in, _ := s.Dims()
	rows, err := rowsOf("Sequential.Forward", h, in)
	if err != nil {
		return err
	}
	if err := s.plan(rows, in, b, 0); err != nil {
		return err
	}
	s.start = 0
	return s.run(out, h, b, 0)
}

func (s *Sequential) run(out, h []float64, b *Batch, from int) error {
	K := len(s.Modules)
	if err := checkLen("Sequential.Forward", "out", len(out), s.rows[K-1]*s.cols[K-1]); err != nil {
		return err
	}
	x := h
	for k := from; k < K; k++ {
		var y []float64
		if k == K-1 {
			y = out
		} else {
			s.outs[k] = grow(s.outs[k], s.rows[k]*s.cols[k])
			y = s.outs[k]
		}
		if err := s.Modules[k].Forward(y, x, b); err != nil {
			return fmt.Errorf("gnn: Sequential: module %d: %w", k, err)
		}
		x = y
	}
	return nil
}

// ForwardSparse runs the chain on a sparse input: leading Dropout modules
// drop stored entries of x, and the first other module must be a
// SparseModule (Linear or GCNConv). Backward then computes no input
// gradient (dh must be nil).
func (s *Sequential) ForwardSparse(out []float64, x *sparse.Matrix, b *Batch) error {
	k := 0
	for ; k < len(s.Modules); k++ {
		d, ok := s.Modules[k].(*Dropout)
		if !ok {
			break
		}
		var err error
		if x, err = d.Sparse(x, b); err != nil {
			return err
		}
	}
	if k == len(s.Modules) {
		return fmt.Errorf("gnn: Sequential.ForwardSparse: no layer after the dropouts: %w", graphs.ErrShape)
	}
	sm, ok := s.Modules[k].(SparseModule)
	if !ok {
		return fmt.Errorf("gnn: Sequential.ForwardSparse: module %d (%T) takes no sparse input: %w", k, s.Modules[k], graphs.ErrShape)
	}
	in, _ := sm.Dims()
	if x.Cols() != in {
		return fmt.Errorf("gnn: Sequential.ForwardSparse: input has %d columns, module %d takes %d: %w", x.Cols(), k, in, graphs.ErrShape)
	}
	if err := s.plan(x.Rows(), in, b, k); err != nil {
		return err
	}
	s.start = k
	K := len(s.Modules)
	y := out
	if k < K-1 {
		s.outs[k] = grow(s.outs[k], s.rows[k]*s.cols[k])
		y = s.outs[k]
	} else if err := checkLen("Sequential.ForwardSparse", "out", len(out), s.rows[k]*s.cols[k]); err != nil {
		return err
	}
	if err := sm.ForwardSparse(y, x, b); err != nil {
		return fmt.Errorf("gnn: Sequential: module %d: %w", k, err)
	}
	if k == K-1 {
		return nil
	}
	return s.run(out, y, b, k+1)
}

// Backward runs the modules' backward passes in reverse order. With dh nil
// it stops at the first module with parameters, which computes no input
// gradient.
func (s *Sequential) Backward(dh, dout []float64, b *Batch) error {
	K := len(s.Modules)
	if len(s.rows) != K {
		return fmt.Errorf("gnn: Sequential.Backward: called before Forward: %w", graphs.ErrShape)
	}
	first := s.start
	if dh == nil {
		for first < K-1 && !s.hasParams[first] {
			first++
		}
	}
	g := dout
	for k := K - 1; k >= first; k-- {
		var dx []float64
		if k == first {
			dx = dh
		} else {
			s.grads[k-1] = grow(s.grads[k-1], s.rows[k-1]*s.cols[k-1])
			dx = s.grads[k-1]
		}
		if err := s.Modules[k].Backward(dx, g, b); err != nil {
			return fmt.Errorf("gnn: Sequential: module %d: %w", k, err)
		}
		g = dx
	}
	return nil
}

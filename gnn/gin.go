package gnn

import (
	"fmt"

	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/graphs/aggregation"
)

// GINConv is the graph isomorphism network layer (Xu, Hu, Leskovec &
// Jegelka 2019, eq. 4.1):
//
//	h'_i = MLP((1+ε) h_i + Σ_j A_ij h_j),
//
// with ε learnable (TrainEps) or fixed (GIN-0: ε = 0). Edge weights, if any,
// scale the sum. Forward costs O(entries·In) plus the MLP.
type GINConv struct {
	In       int
	Eps      []float64 // length 1
	GradEps  []float64
	TrainEps bool
	MLP      Module

	h, z, dz []float64
}

// NewGINConv returns a GINConv on in columns with the given MLP (kept) and
// initial ε.
func NewGINConv(in int, mlp Module, eps float64, trainEps bool) *GINConv {
	return &GINConv{In: in, MLP: mlp, Eps: []float64{eps}, GradEps: make([]float64, 1), TrainEps: trainEps}
}

// Aggregation returns the layer's aggregation, the plain sum over the neighbours (aggregation.GIN).
func (l *GINConv) Aggregation() aggregation.Aggregation { return aggregation.GIN }

// Dims returns (In, MLP's out).
func (l *GINConv) Dims() (int, int) {
	_, o := l.MLP.Dims()
	return l.In, o
}

// Params returns the MLP's parameters, then ε when TrainEps (initial value
// kept, no weight decay).
func (l *GINConv) Params() []Param {
	p := prefixParams("mlp.", l.MLP.Params())
	if l.TrainEps {
		p = append(p, Param{Name: "Eps", Value: l.Eps, Grad: l.GradEps, Init: InitKeep, NoDecay: true})
	}
	return p
}

// Forward sets z = (1+ε)h + S_sum h and out = MLP(z); it keeps h.
func (l *GINConv) Forward(out, h []float64, b *Batch) error {
	n, err := checkNodes("GINConv.Forward", h, l.In, b)
	if err != nil {
		return err
	}
	op, err := b.Operator(l.Aggregation())
	if err != nil {
		return err
	}
	l.h = h
	l.z = grow(l.z, n*l.In)
	op.Apply(l.z, h, l.In)
	f := 1 + l.Eps[0]
	for e, x := range h {
		l.z[e] += f * x
	}
	return l.MLP.Forward(out, l.z, b)
}

// Backward runs the MLP's backward to dz, adds Σ h⊙dz to GradEps (when
// TrainEps) and sets dh = (1+ε) dz + S_sumᵀ dz.
func (l *GINConv) Backward(dh, dout []float64, b *Batch) error {
	n := b.NumNodes()
	if l.h == nil || len(l.h) != n*l.In {
		return fmt.Errorf("gnn: GINConv.Backward: no matching Forward: %w", graphs.ErrShape)
	}
	l.dz = grow(l.dz, n*l.In)
	if err := l.MLP.Backward(l.dz, dout, b); err != nil {
		return err
	}
	if l.TrainEps {
		var s float64
		for e, x := range l.h {
			s += x * l.dz[e]
		}
		l.GradEps[0] += s
	}
	if dh == nil {
		return nil
	}
	if err := checkLen("GINConv.Backward", "dh", len(dh), n*l.In); err != nil {
		return err
	}
	op, err := b.Operator(l.Aggregation())
	if err != nil {
		return err
	}
	op.ApplyT(dh, l.dz, l.In)
	f := 1 + l.Eps[0]
	for e, x := range l.dz {
		dh[e] += f * x
	}
	return nil
}

func prefixParams(prefix string, ps []Param) []Param {
	for k := range ps {
		ps[k].Name = prefix + ps[k].Name
	}
	return ps
}

package gnn

import (
	"fmt"

	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/internal/parallel"
)

// Pool names a graph-level readout.
type Pool int

const (
	// SumPool is r_g = Σ_{i∈g} h_i.
	SumPool Pool = iota
	// MeanPool is r_g = (1/n_g) Σ_{i∈g} h_i (0 for an empty graph).
	MeanPool
	// MaxPool is r_g,k = max_{i∈g} h_ik (0 for an empty graph); the gradient
	// goes to the first maximising node.
	MaxPool
)

var poolNames = [...]string{"sum", "mean", "max"}

// String returns "sum", "mean" or "max".
func (p Pool) String() string {
	if p < 0 || int(p) >= len(poolNames) {
		return fmt.Sprintf("Pool(%d)", int(p))
	}
	return poolNames[p]
}

// ParsePool returns the Pool named s.
func ParsePool(s string) (Pool, error) {
	for i, n := range poolNames {
		if n == s {
			return Pool(i), nil
		}
	}
	return 0, fmt.Errorf("gnn: ParsePool: %q is not one of %v: %w", s, poolNames, graphs.ErrParameter)
}

// Readout maps node states (nodes×D) to one row per graph of the batch
// (NumGraphs×D) using the batch's node offsets. No parameters. Cost
// O(nodes·D).
type Readout struct {
	Kind Pool
	D    int

	arg []int32
	n   int
}

// NewReadout returns a readout of kind over d columns.
func NewReadout(kind Pool, d int) *Readout { return &Readout{Kind: kind, D: d} }

// Dims returns (D, D).
func (r *Readout) Dims() (int, int) { return r.D, r.D }

// Params returns nil.
func (r *Readout) Params() []Param { return nil }

func (r *Readout) outRows(b *Batch, _ int) int { return b.NumGraphs() }

const graphBlock = 64

// Forward sets out[g] to the pooled rows of graph g.
func (r *Readout) Forward(out, h []float64, b *Batch) error {
	d := r.D
	n, err := checkNodes("Readout.Forward", h, d, b)
	if err != nil {
		return err
	}
	G := b.NumGraphs()
	if err := checkLen("Readout.Forward", "out", len(out), G*d); err != nil {
		return err
	}
	if b.Offsets[G] != n {
		return fmt.Errorf("gnn: Readout.Forward: offsets end at %d, graph has %d nodes: %w", b.Offsets[G], n, graphs.ErrShape)
	}
	r.n = n
	if r.Kind == MaxPool {
		if cap(r.arg) < G*d {
			r.arg = make([]int32, G*d)
		}
		r.arg = r.arg[:G*d]
	}
	kind := r.Kind
	if kind < SumPool || kind > MaxPool {
		return fmt.Errorf("gnn: Readout.Forward: kind=%d: %w", int(kind), graphs.ErrParameter)
	}
	parallel.For(parallel.Chunks(G, graphBlock), func(c int) {
		lo, hi := parallel.Range(c, graphBlock, G)
		for g := lo; g < hi; g++ {
			o := out[g*d : g*d+d]
			a, z := b.Offsets[g], b.Offsets[g+1]
			clear(o)
			switch kind {
			case SumPool, MeanPool:
				for i := a; i < z; i++ {
					for k, x := range h[i*d : i*d+d] {
						o[k] += x
					}
				}
				if kind == MeanPool && z > a {
					inv := 1 / float64(z-a)
					for k := range o {
						o[k] *= inv
					}
				}
			case MaxPool:
				arg := r.arg[g*d : g*d+d]
				for k := range arg {
					arg[k] = -1
				}
				for i := a; i < z; i++ {
					for k, x := range h[i*d : i*d+d] {
						if arg[k] < 0 || x > o[k] {
							o[k], arg[k] = x, int32(i)
						}
					}
				}
			}
		}
	})
	return nil
}

// Backward spreads dout over the nodes of each graph.
func (r *Readout) Backward(dh, dout []float64, b *Batch) error {
	if dh == nil {
		return nil
	}
	d, G := r.D, b.NumGraphs()
	if err := checkLen("Readout.Backward", "dh", len(dh), r.n*d); err != nil {
		return err
	}
	if err := checkLen("Readout.Backward", "dout", len(dout), G*d); err != nil {
		return err
	}
	kind := r.Kind
	parallel.For(parallel.Chunks(G, graphBlock), func(c int) {
		lo, hi := parallel.Range(c, graphBlock, G)
		for g := lo; g < hi; g++ {
			a, z := b.Offsets[g], b.Offsets[g+1]
			dg := dout[g*d : g*d+d]
			switch kind {
			case SumPool, MeanPool:
				f := 1.0
				if kind == MeanPool && z > a {
					f = 1 / float64(z-a)
				}
				for i := a; i < z; i++ {
					row := dh[i*d : i*d+d]
					for k := range row {
						row[k] = dg[k] * f
					}
				}
			case MaxPool:
				clear(dh[a*d : z*d])
				for k, i := range r.arg[g*d : g*d+d] {
					if i >= 0 {
						dh[int(i)*d+k] = dg[k]
					}
				}
			}
		}
	})
	return nil
}

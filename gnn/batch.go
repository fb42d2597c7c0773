package gnn

import (
	"fmt"

	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/graphs/aggregation"
)

// Batch is what a forward pass runs on: one graph, or many small graphs
// joined block-diagonally into one (like PyTorch Geometric's Batch or
// jraph's GraphsTuple), together with the per-step settings that layers read.
//
// Graph k of a joined batch owns nodes Offsets[k]:Offsets[k+1] of G; a
// single graph has Offsets = {0, n}. Aggregation operators and the GAT
// neighbourhoods are built on first use and cached, so a Batch reused for
// every epoch pays for them once. A Batch is not safe for concurrent use.
type Batch struct {
	// G is the graph (kept, not copied).
	G graphs.Graph
	// Offsets are the node offsets of the graphs of the batch, length
	// NumGraphs()+1.
	Offsets []int
	// Train selects training behaviour (dropout active).
	Train bool
	// Key seeds the randomness of this step: dropout layer with salt s draws
	// from streams derived from (Key, s, chunk). Trainers set Key from
	// (seed, step), so a resumed run repeats its draws.
	Key uint64
	// Rho is ρ of the graphon normalisation 1/(nρ); 0 means 1. Set it
	// before the first pass: the operator is built once.
	Rho float64

	ops [numAggregations]*aggregation.Operator
	gat *gatGraph
}

// NewBatch wraps one graph as a batch (kept, not copied). Cost O(1).
func NewBatch(g graphs.Graph) *Batch {
	return &Batch{G: g, Offsets: []int{0, g.NumNodes()}}
}

// Join builds the block-diagonal union of gs: graph k's node i becomes node
// Offsets[k]+i. All graphs must have the same direction; if any is weighted
// the union is weighted (weight 1 for the others). The inputs are copied.
// Cost O(Σ (n_k + entries_k)). Errors wrap graphs.ErrParameter (mixed
// directions) or graphs.ErrTooLarge (more than graphs.MaxNodes nodes).
func Join(gs []graphs.Graph) (*Batch, error) {
	offsets := make([]int, len(gs)+1)
	entries, weighted := 0, false
	directed := len(gs) > 0 && gs[0].Directed()
	for k, g := range gs {
		if g.Directed() != directed {
			return nil, fmt.Errorf("gnn: Join: graph %d directed=%v, graph 0 directed=%v: %w", k, g.Directed(), directed, graphs.ErrParameter)
		}
		offsets[k+1] = offsets[k] + g.NumNodes()
		entries += g.NumEntries()
		weighted = weighted || g.Weighted()
	}
	n := offsets[len(gs)]
	if n > graphs.MaxNodes {
		return nil, fmt.Errorf("gnn: Join: %d nodes: %w", n, graphs.ErrTooLarge)
	}
	off := make([]int, 1, n+1)
	idx := make([]int32, 0, entries)
	var w []float64
	if weighted {
		w = make([]float64, 0, entries)
	}
	for k, g := range gs {
		o, nb, gw := g.CSR()
		base := int32(offsets[k])
		for i := range g.NumNodes() {
			for e := o[i]; e < o[i+1]; e++ {
				idx = append(idx, nb[e]+base)
				if weighted {
					if gw == nil {
						w = append(w, 1)
					} else {
						w = append(w, gw[e])
					}
				}
			}
			off = append(off, len(idx))
		}
	}
	g, err := graphs.FromCSR(off, idx, w, directed)
	if err != nil {
		return nil, fmt.Errorf("gnn: Join: %w", err)
	}
	return &Batch{G: g, Offsets: offsets}, nil
}

// NumNodes returns the number of nodes of G.
func (b *Batch) NumNodes() int { return b.G.NumNodes() }

// NumGraphs returns the number of graphs in the batch.
func (b *Batch) NumGraphs() int {
	if len(b.Offsets) == 0 {
		return 0
	}
	return len(b.Offsets) - 1
}

// numAggregations is the number of (normalisation, loop policy) pairs.
const numAggregations = 4 * 3

// Operator returns the cached operator of the aggregation a on G, building
// it on first use (see aggregation.Aggregation.Operator for cost and
// errors).
func (b *Batch) Operator(a aggregation.Aggregation) (*aggregation.Operator, error) {
	if err := a.Validate(); err != nil {
		return nil, fmt.Errorf("gnn: Batch.Operator: %w", err)
	}
	k := int(a.Norm)*3 + int(a.Loops)
	if b.ops[k] == nil {
		rho := b.Rho
		if rho == 0 {
			rho = 1
		}
		o, err := a.Operator(b.G, rho)
		if err != nil {
			return nil, err
		}
		b.ops[k] = o
	}
	return b.ops[k], nil
}

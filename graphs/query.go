package graphs

import (
	"fmt"

	"github.com/gnnwb/gnnwb/internal/parallel"
)

// Subgraph returns the subgraph induced by nodes, relabelled in the order
// given: node k of the result is nodes[k] of g, and it keeps every edge (with
// its weight, and self loops) whose two ends are both in nodes. Direction and
// weightedness are g's. nodes is read, not kept.
//
// The ids must be distinct and in [0, n); otherwise the error wraps
// ErrNodeID and names the first offending position and id. Cost
// O(n + Σ_k deg(nodes[k]) · log) time (the relabelled rows are re-sorted) and
// O(n) scratch memory; g is not modified.
func (g Graph) Subgraph(nodes []int) (Graph, error) {
	n := g.NumNodes()
	pos := make([]int32, n)
	for i := range pos {
		pos[i] = -1
	}
	for k, v := range nodes {
		if v < 0 || v >= n {
			return Graph{}, fmt.Errorf("graphs: Subgraph: nodes[%d]=%d not in [0,%d): %w", k, v, n, ErrNodeID)
		}
		if pos[v] >= 0 {
			return Graph{}, fmt.Errorf("graphs: Subgraph: nodes[%d]=%d repeats nodes[%d]: %w", k, v, pos[v], ErrNodeID)
		}
		pos[v] = int32(k)
	}
	k := len(nodes)
	off := make([]int, k+1)
	chunks := parallel.Chunks(k, rowChunk)
	parallel.For(chunks, func(c int) {
		lo, hi := parallel.Range(c, rowChunk, k)
		for r := lo; r < hi; r++ {
			cnt := 0
			for _, j := range g.Neighbours(nodes[r]) {
				if pos[j] >= 0 {
					cnt++
				}
			}
			off[r+1] = cnt
		}
	})
	for r := 1; r <= k; r++ {
		off[r] += off[r-1]
	}
	cols := make([]int32, off[k])
	var ws []float64
	if g.weights != nil {
		ws = make([]float64, off[k])
	}
	parallel.For(chunks, func(c int) {
		lo, hi := parallel.Range(c, rowChunk, k)
		for r := lo; r < hi; r++ {
			p := off[r]
			rw := g.Weights(nodes[r])
			for t, j := range g.Neighbours(nodes[r]) {
				if q := pos[j]; q >= 0 {
					cols[p] = q
					if ws != nil {
						ws[p] = rw[t]
					}
					p++
				}
			}
			if ws != nil {
				sortRow(cols[off[r]:p], ws[off[r]:p])
			} else {
				sortRow(cols[off[r]:p], nil)
			}
		}
	})
	s := Graph{offsets: off, neighbours: cols, weights: ws, directed: g.directed}
	s.loops = countLoops(s)
	return s, nil
}

// DegreeHistogram returns h with h[d] the number of nodes whose row has
// length d (Degree: in-degree for a directed graph; a self loop counts once).
// len(h) is the largest degree plus one, and 0 for the empty graph. Cost
// O(n).
func (g Graph) DegreeHistogram() []int {
	n := g.NumNodes()
	maxDeg := -1
	for i := range n {
		maxDeg = max(maxDeg, g.Degree(i))
	}
	h := make([]int, maxDeg+1)
	for i := range n {
		h[g.Degree(i)]++
	}
	return h
}

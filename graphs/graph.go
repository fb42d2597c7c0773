package graphs

import (
	"fmt"
	"math"
	"slices"
)

// MaxNodes is the largest number of nodes a Graph can hold: node ids are
// stored as int32.
const MaxNodes = math.MaxInt32

// Graph is a graph on nodes 0..n−1 in compressed sparse row form.
//
// Row i lists the nodes that i receives messages from (PyTorch Geometric's
// source_to_target flow): the edge u→v is stored as neighbour u in row v. An
// undirected graph stores each edge {u, v}, u ≠ v, in both rows and a self
// loop {i, i} once, in row i. Rows are sorted ascending with no duplicates.
//
// The zero Graph is the empty undirected graph. A Graph is immutable once
// built: accessors return subslices of its arrays, which callers must not
// modify, and any number of goroutines may read it at once. Copying a Graph
// value is cheap and shares the arrays.
type Graph struct {
	offsets    []int     // len n+1; row i is offsets[i]:offsets[i+1]
	neighbours []int32   // senders j of row i, ascending, no duplicates
	weights    []float64 // nil: all weights 1
	directed   bool
	loops      int // number of self loops
}

// NumNodes returns n.
func (g Graph) NumNodes() int {
	if len(g.offsets) == 0 {
		return 0
	}
	return len(g.offsets) - 1
}

// NumEntries returns the number of stored neighbour entries (the length of
// the CSR column array): for an undirected graph 2·(edges − loops) + loops.
func (g Graph) NumEntries() int { return len(g.neighbours) }

// NumEdges returns the number of edges: directed edges u→v for a directed
// graph; unordered pairs {u, v} (self loops included, once each) for an
// undirected one.
func (g Graph) NumEdges() int {
	if g.directed {
		return len(g.neighbours)
	}
	return (len(g.neighbours)-g.loops)/2 + g.loops
}

// NumSelfLoops returns the number of self loops i→i (or {i, i}).
func (g Graph) NumSelfLoops() int { return g.loops }

// Directed reports whether g is directed.
func (g Graph) Directed() bool { return g.directed }

// Weighted reports whether g carries edge weights. An unweighted graph has
// every weight equal to 1.
func (g Graph) Weighted() bool { return g.weights != nil }

// Degree returns the length of row i: the in-degree of i for a directed
// graph, the degree for an undirected one, where a self loop counts once
// (as in PyTorch Geometric's degree; NetworkX counts it twice). It panics if
// i is not in [0, n), like a slice index.
func (g Graph) Degree(i int) int { return g.offsets[i+1] - g.offsets[i] }

// Neighbours returns row i: the nodes i receives from, ascending. The slice
// is part of g: read it, don't modify it. No allocation.
func (g Graph) Neighbours(i int) []int32 {
	return g.neighbours[g.offsets[i]:g.offsets[i+1]:g.offsets[i+1]]
}

// Weights returns the weights of row i, aligned with Neighbours(i), or nil for
// an unweighted graph (all weights 1). The slice is part of g. No allocation.
func (g Graph) Weights(i int) []float64 {
	if g.weights == nil {
		return nil
	}
	return g.weights[g.offsets[i]:g.offsets[i+1]:g.offsets[i+1]]
}

// CSR returns the graph's arrays: offsets (length n+1), neighbours and
// weights (nil when unweighted). They are g's own storage, exposed for hot
// loops in other packages: read them, don't modify them.
func (g Graph) CSR() (offsets []int, neighbours []int32, weights []float64) {
	if len(g.offsets) == 0 {
		return []int{0}, nil, g.weights
	}
	return g.offsets, g.neighbours, g.weights
}

// HasEdge reports whether row v contains u, that is whether the edge u→v
// exists (for an undirected graph, {u, v}). Ids outside [0, n) give false.
// Cost O(log deg(v)).
func (g Graph) HasEdge(u, v int) bool {
	_, ok := g.Weight(u, v)
	return ok
}

// Weight returns the weight of the edge u→v and whether it exists. Ids
// outside [0, n) give (0, false). Cost O(log deg(v)).
func (g Graph) Weight(u, v int) (float64, bool) {
	n := g.NumNodes()
	if u < 0 || u >= n || v < 0 || v >= n {
		return 0, false
	}
	row := g.Neighbours(v)
	k, ok := slices.BinarySearch(row, int32(u))
	if !ok {
		return 0, false
	}
	if g.weights == nil {
		return 1, true
	}
	return g.weights[g.offsets[v]+k], true
}

// Degrees returns a new slice with the length of every row.
func (g Graph) Degrees() []int {
	n := g.NumNodes()
	d := make([]int, n)
	for i := range n {
		d[i] = g.offsets[i+1] - g.offsets[i]
	}
	return d
}

// OutDegrees returns a new slice with the number of edges leaving each node
// (the number of rows it appears in). For an undirected graph it equals
// Degrees. Cost O(n + entries).
func (g Graph) OutDegrees() []int {
	if !g.directed {
		return g.Degrees()
	}
	d := make([]int, g.NumNodes())
	for _, j := range g.neighbours {
		d[j]++
	}
	return d
}

// MemoryBytes returns the bytes held by g's arrays: 8 per node (offsets),
// 4 per stored entry, and 8 more per entry when weighted.
func (g Graph) MemoryBytes() int {
	return 8*len(g.offsets) + 4*len(g.neighbours) + 8*len(g.weights)
}

// String gives a one-line summary such as "undirected graph: 34 nodes, 78 edges".
func (g Graph) String() string {
	kind := "undirected"
	if g.directed {
		kind = "directed"
	}
	if g.weights != nil {
		kind += " weighted"
	}
	return fmt.Sprintf("%s graph: %d nodes, %d edges", kind, g.NumNodes(), g.NumEdges())
}

// Equal reports whether a and b are the same graph: same direction, nodes,
// rows and weights (an unweighted graph equals no weighted one).
func Equal(a, b Graph) bool {
	ao, an, aw := a.CSR()
	bo, bn, bw := b.CSR()
	return a.directed == b.directed && (aw == nil) == (bw == nil) &&
		slices.Equal(ao, bo) && slices.Equal(an, bn) && slices.Equal(aw, bw)
}

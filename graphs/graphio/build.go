package graphio

import (
	"fmt"
	"slices"

	"github.com/gnnwb/gnnwb/graphs"
)

// builder gathers the nodes and edges of a file with string ids: node k is
// the k-th distinct id met.
type builder struct {
	index    map[string]int32
	ids      []string
	edges    []graphs.Edge
	weighted bool
}

func newBuilder() *builder { return &builder{index: make(map[string]int32)} }

// node returns the number of id, adding it if new.
func (b *builder) node(id string) (int, error) {
	if k, ok := b.index[id]; ok {
		return int(k), nil
	}
	if len(b.ids) >= graphs.MaxNodes {
		return 0, fmt.Errorf("more than %d nodes (int32 ids): %w", graphs.MaxNodes, graphs.ErrTooLarge)
	}
	k := len(b.ids)
	b.index[id] = int32(k)
	b.ids = append(b.ids, id)
	return k, nil
}

// edge adds u→v (or {u, v}) with weight w.
func (b *builder) edge(u, v string, w float64) error {
	i, err := b.node(u)
	if err != nil {
		return err
	}
	j, err := b.node(v)
	if err != nil {
		return err
	}
	b.edges = append(b.edges, graphs.Edge{U: i, V: j, W: w})
	return nil
}

// build makes the graph; duplicate edges have their weights summed.
func (b *builder) build(directed, keepLoops bool) (graphs.Graph, []string, error) {
	flags := graphs.Undirected
	if directed {
		flags |= graphs.Directed
	}
	if b.weighted {
		flags |= graphs.Weighted
	}
	if keepLoops {
		flags |= graphs.KeepSelfLoops
	}
	g, err := graphs.FromEdges(len(b.ids), b.edges, flags)
	if err != nil {
		return graphs.Graph{}, nil, err
	}
	b.edges = nil
	if b.ids == nil {
		return g, []string{}, nil
	}
	return g, slices.Clip(b.ids), nil
}

// eachEdge calls f for every edge of g once: u→v of a directed graph by
// sender u, then receiver; an undirected edge as u ≤ v, by u, then v.
// w is 1 for an unweighted graph.
func eachEdge(g graphs.Graph, f func(u, v int, w float64) error) error {
	h := graphs.Reverse(g) // row u: the nodes u sends to
	for u := range g.NumNodes() {
		row, rw := h.Neighbours(u), h.Weights(u)
		k := 0
		if !g.Directed() {
			k, _ = slices.BinarySearch(row, int32(u))
		}
		for ; k < len(row); k++ {
			w := 1.0
			if rw != nil {
				w = rw[k]
			}
			if err := f(u, int(row[k]), w); err != nil {
				return err
			}
		}
	}
	return nil
}

// idOf returns node i's id: ids[i], or i in decimal when ids is nil.
func idOf(ids []string, i int) string {
	if ids == nil {
		return itoa(i)
	}
	return ids[i]
}

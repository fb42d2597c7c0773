package graphs

import (
	"fmt"
	"math"
	"slices"

	dgraph "github.com/dominikbraun/graph"
	"gonum.org/v1/gonum/graph"
	"gonum.org/v1/gonum/graph/iterator"
	"gonum.org/v1/gonum/graph/simple"
)

// GonumUndirected is a read-only view of an undirected Graph as a gonum
// graph.WeightedUndirected (and so graph.Weighted and graph.Undirected), for
// gonum's algorithms. Node ids are int64(i) for i in [0, n); nodes are
// simple.Node and edges simple.WeightedEdge. It shares the Graph's arrays
// and copies nothing; methods allocate only the returned iterators and
// edges. An unweighted Graph has weight 1 on every edge.
//
// Weight(x, y) follows gonum's convention: (w, true) for an edge, (0, true)
// for x = y without a self loop, and (+Inf, false) otherwise. A self loop
// {i, i} appears in From(i).
type GonumUndirected struct{ g Graph }

// GonumDirected is a read-only view of a Graph as a gonum
// graph.WeightedDirected (graph.Weighted and graph.Directed). The edge u→v
// of the Graph (u in row v) is the gonum edge From u To v. To(v) reads row v
// directly; From(u) reads a reverse index (Reverse) built once when the view
// is made, so a view of a directed graph holds one more CSR (4 bytes per
// entry, 8 per node, 8 per entry when weighted); a view of an undirected
// graph, where each edge {u, v} is the two arcs u→v and v→u, copies nothing.
// Weight follows the same convention as GonumUndirected's.
type GonumDirected struct{ g, out Graph }

// AsGonum returns g viewed as a gonum graph: a GonumDirected when g is
// directed, else a GonumUndirected. Type-assert the result to
// graph.Undirected or graph.Directed as the algorithm requires. Cost O(1)
// for an undirected g, O(n + entries) for a directed one (see GonumDirected).
func AsGonum(g Graph) graph.Weighted {
	if g.directed {
		return AsGonumDirected(g)
	}
	return GonumUndirected{g}
}

// AsGonumUndirected returns the zero-copy view of the undirected graph g.
// The error wraps ErrUnsupported when g is directed (Symmetrize it first).
func AsGonumUndirected(g Graph) (GonumUndirected, error) {
	if g.directed {
		return GonumUndirected{}, fmt.Errorf("graphs: AsGonumUndirected: graph is directed (Symmetrize it first): %w", ErrUnsupported)
	}
	return GonumUndirected{g}, nil
}

// AsGonumDirected returns the view of g as a directed gonum graph; an
// undirected g gives both arcs of every edge. Cost as for GonumDirected.
func AsGonumDirected(g Graph) GonumDirected {
	return GonumDirected{g: g, out: Reverse(g)}
}

// Graph returns the viewed Graph.
func (v GonumUndirected) Graph() Graph { return v.g }

// Graph returns the viewed Graph.
func (v GonumDirected) Graph() Graph { return v.g }

func nodeOf(id int) graph.Node { return simple.Node(id) }

func gonumNode(g Graph, id int64) graph.Node {
	if id < 0 || id >= int64(g.NumNodes()) {
		return nil
	}
	return simple.Node(id)
}

func gonumNodes(g Graph) graph.Nodes {
	if g.NumNodes() == 0 {
		return graph.Empty
	}
	return iterator.NewImplicitNodes(0, g.NumNodes(), nodeOf)
}

func gonumRow(g Graph, id int64) graph.Nodes {
	if id < 0 || id >= int64(g.NumNodes()) || g.Degree(int(id)) == 0 {
		return graph.Empty
	}
	return &rowNodes{row: g.Neighbours(int(id)), pos: -1}
}

// gonumWeight returns the weight of u→v in g with gonum's conventions.
func gonumWeight(g Graph, u, v int64) (float64, bool) {
	n := int64(g.NumNodes())
	if u < 0 || u >= n || v < 0 || v >= n {
		return math.Inf(1), false
	}
	if w, ok := g.Weight(int(u), int(v)); ok {
		return w, true
	}
	if u == v {
		return 0, true
	}
	return math.Inf(1), false
}

// gonumEdge returns the edge u→v or nil (an untyped nil interface).
func gonumEdge(g Graph, u, v int64) graph.WeightedEdge {
	n := int64(g.NumNodes())
	if u < 0 || u >= n || v < 0 || v >= n {
		return nil
	}
	w, ok := g.Weight(int(u), int(v))
	if !ok {
		return nil
	}
	return simple.WeightedEdge{F: simple.Node(u), T: simple.Node(v), W: w}
}

// Node returns the node with the given id, or nil if id is not in [0, n).
func (v GonumUndirected) Node(id int64) graph.Node { return gonumNode(v.g, id) }

// Nodes returns all nodes, in id order.
func (v GonumUndirected) Nodes() graph.Nodes { return gonumNodes(v.g) }

// From returns the neighbours of id, ascending (row id of the Graph).
func (v GonumUndirected) From(id int64) graph.Nodes { return gonumRow(v.g, id) }

// HasEdgeBetween reports whether {x, y} is an edge.
func (v GonumUndirected) HasEdgeBetween(x, y int64) bool { return gonumEdge(v.g, x, y) != nil }

// Edge returns the edge {u, v} oriented from u to v, or nil.
func (v GonumUndirected) Edge(uid, vid int64) graph.Edge { return v.WeightedEdge(uid, vid) }

// EdgeBetween returns the edge {x, y} oriented from x to y, or nil.
func (v GonumUndirected) EdgeBetween(x, y int64) graph.Edge { return v.WeightedEdge(x, y) }

// WeightedEdge returns the edge {u, v} with its weight, or nil.
func (v GonumUndirected) WeightedEdge(uid, vid int64) graph.WeightedEdge {
	e := gonumEdge(v.g, uid, vid)
	if e == nil {
		return nil
	}
	return e
}

// WeightedEdgeBetween returns the edge {x, y} with its weight, or nil.
func (v GonumUndirected) WeightedEdgeBetween(x, y int64) graph.WeightedEdge {
	return v.WeightedEdge(x, y)
}

// Weight returns the weight of {x, y}; see GonumUndirected for the
// conventions.
func (v GonumUndirected) Weight(x, y int64) (float64, bool) { return gonumWeight(v.g, x, y) }

// Node returns the node with the given id, or nil if id is not in [0, n).
func (v GonumDirected) Node(id int64) graph.Node { return gonumNode(v.g, id) }

// Nodes returns all nodes, in id order.
func (v GonumDirected) Nodes() graph.Nodes { return gonumNodes(v.g) }

// From returns the nodes id sends to, ascending.
func (v GonumDirected) From(id int64) graph.Nodes { return gonumRow(v.out, id) }

// To returns the nodes id receives from, ascending (row id of the Graph).
func (v GonumDirected) To(id int64) graph.Nodes { return gonumRow(v.g, id) }

// HasEdgeBetween reports whether u→v or v→u is an edge.
func (v GonumDirected) HasEdgeBetween(x, y int64) bool {
	return gonumEdge(v.g, x, y) != nil || gonumEdge(v.g, y, x) != nil
}

// HasEdgeFromTo reports whether u→v is an edge.
func (v GonumDirected) HasEdgeFromTo(uid, vid int64) bool { return gonumEdge(v.g, uid, vid) != nil }

// Edge returns the edge u→v, or nil.
func (v GonumDirected) Edge(uid, vid int64) graph.Edge { return v.WeightedEdge(uid, vid) }

// WeightedEdge returns the edge u→v with its weight, or nil.
func (v GonumDirected) WeightedEdge(uid, vid int64) graph.WeightedEdge {
	e := gonumEdge(v.g, uid, vid)
	if e == nil {
		return nil
	}
	return e
}

// Weight returns the weight of x→y; see GonumUndirected for the
// conventions.
func (v GonumDirected) Weight(x, y int64) (float64, bool) { return gonumWeight(v.g, x, y) }

var (
	_ graph.WeightedUndirected = GonumUndirected{}
	_ graph.WeightedDirected   = GonumDirected{}
	_ graph.NodeSlicer         = (*rowNodes)(nil)
)

// rowNodes iterates over one CSR row as gonum nodes.
type rowNodes struct {
	row []int32
	pos int // index of the current node; −1 before the first Next
}

// Next advances to the next node and reports whether there is one.
func (r *rowNodes) Next() bool {
	if r.pos+1 < len(r.row) {
		r.pos++
		return true
	}
	r.pos = len(r.row)
	return false
}

// Len returns the number of nodes not yet visited.
func (r *rowNodes) Len() int { return max(0, len(r.row)-r.pos-1) }

// Node returns the current node, or nil before the first or after the last.
func (r *rowNodes) Node() graph.Node {
	if r.pos < 0 || r.pos >= len(r.row) {
		return nil
	}
	return simple.Node(r.row[r.pos])
}

// Reset returns to the start.
func (r *rowNodes) Reset() { r.pos = -1 }

// NodeSlice returns the remaining nodes and advances to the end.
func (r *rowNodes) NodeSlice() []graph.Node {
	var out []graph.Node
	for r.Next() {
		out = append(out, r.Node())
	}
	return out
}

// FromGonum copies a gonum graph into a Graph. The node ids of src are
// sorted ascending and returned: node i of the result is ids[i]. The result
// is directed when src implements graph.Directed and not graph.Undirected
// (each From(u) ∋ v is the edge u→v); otherwise it is undirected, reading
// each edge once from its lower-ranked end (and self loops, which are kept).
// It is weighted when src implements graph.Weighted and some edge weight,
// from src.Weight(u, v), is not 1; so views made by AsGonum round-trip, but a
// weighted graph whose weights are all 1 comes back unweighted.
//
// Errors: ErrTooLarge for more than MaxNodes nodes, ErrNodeID for a node id
// listed twice by Nodes or returned by From but not by Nodes, ErrParameter
// for a non-finite weight; each names the ids. Cost O((n + m) log n) plus
// src's iteration; src is only read.
func FromGonum(src graph.Graph) (Graph, []int64, error) {
	nodes := graph.NodesOf(src.Nodes())
	if len(nodes) > MaxNodes {
		return Graph{}, nil, fmt.Errorf("graphs: FromGonum: %d nodes, more than %d: %w", len(nodes), MaxNodes, ErrTooLarge)
	}
	ids := make([]int64, len(nodes))
	for k, nd := range nodes {
		ids[k] = nd.ID()
	}
	slices.Sort(ids)
	for k := 1; k < len(ids); k++ {
		if ids[k] == ids[k-1] {
			return Graph{}, nil, fmt.Errorf("graphs: FromGonum: node id %d listed twice by Nodes: %w", ids[k], ErrNodeID)
		}
	}
	_, isDirected := src.(graph.Directed)
	_, isUndirected := src.(graph.Undirected)
	directed := isDirected && !isUndirected
	wsrc, isWeighted := src.(graph.Weighted)
	weighted := false
	var edges []Edge
	for i, id := range ids {
		it := src.From(id)
		for it.Next() {
			vid := it.Node().ID()
			j, ok := slices.BinarySearch(ids, vid)
			if !ok {
				return Graph{}, nil, fmt.Errorf("graphs: FromGonum: From(%d) returned node %d, which Nodes does not list: %w", id, vid, ErrNodeID)
			}
			if !directed && j < i {
				continue
			}
			w := 1.0
			if isWeighted {
				w, _ = wsrc.Weight(id, vid)
				if math.IsNaN(w) || math.IsInf(w, 0) {
					return Graph{}, nil, fmt.Errorf("graphs: FromGonum: weight of %d→%d is %v: %w", id, vid, w, ErrParameter)
				}
				if w != 1 {
					weighted = true
				}
			}
			edges = append(edges, Edge{U: i, V: j, W: w})
		}
	}
	flags := KeepSelfLoops
	if directed {
		flags |= Directed
	}
	if weighted {
		flags |= Weighted
	}
	g, err := FromEdges(len(ids), edges, flags)
	if err != nil {
		return Graph{}, nil, fmt.Errorf("graphs: FromGonum: %w", err)
	}
	return g, ids, nil
}

// ToDominikbraun copies g into a new github.com/dominikbraun/graph graph
// with vertices 0..n−1 (graph.IntHash), directed when g is. Edge u→v (for
// an undirected graph, {u, v} once) is added as AddEdge(u, v). When g is
// weighted the graph gets the Weighted trait and each edge stores its
// float64 weight exactly in EdgeProperties.Data; EdgeProperties.Weight, an
// int, holds the weight rounded to the nearest integer (saturating at
// ±2^62) for dominikbraun's own algorithms only. FromDominikbraun reads Data
// back, so the round trip is exact.
//
// The error wraps the library's error (it has none for a valid Graph). Cost
// O(n + m) map insertions: dominikbraun's graphs are maps of maps, far larger
// than the CSR.
func ToDominikbraun(g Graph) (dgraph.Graph[int, int], error) {
	var traits []func(*dgraph.Traits)
	if g.directed {
		traits = append(traits, dgraph.Directed())
	}
	if g.weights != nil {
		traits = append(traits, dgraph.Weighted())
	}
	d := dgraph.New(dgraph.IntHash, traits...)
	n := g.NumNodes()
	for i := range n {
		if err := d.AddVertex(i); err != nil {
			return nil, fmt.Errorf("graphs: ToDominikbraun: vertex %d: %w", i, err)
		}
	}
	for v := range n {
		ws := g.Weights(v)
		for k, u := range g.Neighbours(v) {
			if !g.directed && int(u) < v {
				continue // added from row u
			}
			var err error
			if ws != nil {
				w := ws[k]
				iw := int(math.Round(math.Max(-1<<62, math.Min(1<<62, w))))
				err = d.AddEdge(int(u), v, dgraph.EdgeData(w), dgraph.EdgeWeight(iw))
			} else {
				err = d.AddEdge(int(u), v)
			}
			if err != nil {
				return nil, fmt.Errorf("graphs: ToDominikbraun: edge %d→%d: %w", u, v, err)
			}
		}
	}
	return d, nil
}

// FromDominikbraun copies a github.com/dominikbraun/graph graph whose
// vertices are exactly 0..n−1 into a Graph on n nodes, directed when src has
// the Directed trait. Self loops are kept. An edge's weight is its
// EdgeProperties.Data when that is a float64 (as ToDominikbraun stores it),
// else its int Weight when src has the Weighted trait; the Graph is weighted
// when src has the Weighted trait or some edge carries float64 Data, and
// unweighted (all weights 1) otherwise.
//
// Errors: ErrNodeID when a vertex is outside [0, n), ErrParameter for a
// non-finite weight, ErrTooLarge for more than MaxNodes vertices, or the
// library's error. Cost O(n + m) after src builds its adjacency map.
func FromDominikbraun(src dgraph.Graph[int, int]) (Graph, error) {
	adj, err := src.AdjacencyMap()
	if err != nil {
		return Graph{}, fmt.Errorf("graphs: FromDominikbraun: %w", err)
	}
	n := len(adj)
	if n > MaxNodes {
		return Graph{}, fmt.Errorf("graphs: FromDominikbraun: %d vertices, more than %d: %w", n, MaxNodes, ErrTooLarge)
	}
	for v := range adj {
		if v < 0 || v >= n {
			// report the smallest offender, whatever the map order
			bad := v
			for w := range adj {
				if (w < 0 || w >= n) && w < bad {
					bad = w
				}
			}
			return Graph{}, fmt.Errorf("graphs: FromDominikbraun: vertex %d not in [0,%d): vertices must be 0..n−1: %w", bad, n, ErrNodeID)
		}
	}
	list, err := src.Edges()
	if err != nil {
		return Graph{}, fmt.Errorf("graphs: FromDominikbraun: %w", err)
	}
	traits := src.Traits()
	weighted := traits.IsWeighted
	edges := make([]Edge, len(list))
	for k, e := range list {
		w := 1.0
		if f, ok := e.Properties.Data.(float64); ok {
			w = f
			weighted = true
		} else if traits.IsWeighted {
			w = float64(e.Properties.Weight)
		}
		if math.IsNaN(w) || math.IsInf(w, 0) {
			return Graph{}, fmt.Errorf("graphs: FromDominikbraun: weight of %d→%d is %v: %w", e.Source, e.Target, w, ErrParameter)
		}
		edges[k] = Edge{U: e.Source, V: e.Target, W: w}
	}
	flags := KeepSelfLoops
	if traits.IsDirected {
		flags |= Directed
	}
	if weighted {
		flags |= Weighted
	}
	g, err := FromEdges(n, edges, flags)
	if err != nil {
		return Graph{}, fmt.Errorf("graphs: FromDominikbraun: %w", err)
	}
	return g, nil
}

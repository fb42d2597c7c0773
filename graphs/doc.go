// Package graphs holds gnnwb's one graph type, Graph, with its builders,
// queries, transforms, edge-list I/O and bridges to gonum and
// dominikbraun/graph.
//
// # Layout
//
// A Graph on n nodes 0..n−1 is its adjacency matrix A in compressed sparse
// row (CSR) form, on three flat slices:
//
//	offsets    []int     // length n+1; row i is offsets[i]:offsets[i+1]
//	neighbours []int32   // the entries of all rows, each row ascending, no duplicates
//	weights    []float64 // aligned with neighbours; nil when unweighted (all weights 1)
//
// CSR returns these slices for hot loops; Neighbours(i) and Weights(i) return
// one row. Graphs are immutable: every function here returns a new Graph and
// never modifies its arguments, and any number of goroutines may read a Graph
// at once.
//
// # Edge direction
//
// Row i lists the nodes i receives messages from, PyTorch Geometric's
// source_to_target flow: the edge u→v (A_uv ≠ 0) is the entry u of row v, so a
// message-passing layer computes node i's aggregate Σ_{j ∈ row i} A_ji h_j as
// a gather over its own row, without atomics. Degree(i) is the row length:
// the in-degree of a directed graph. An undirected graph stores each edge
// {u, v}, u ≠ v, in both rows u and v, and a self loop {i, i} once, in row i
// (it adds 1 to Degree(i), as in PyG; NetworkX would add 2). NumEdges counts
// directed edges, or unordered pairs with loops once; NumEntries counts
// stored entries, 2·(NumEdges − NumSelfLoops) + NumSelfLoops when
// undirected.
//
// # Memory
//
// A Graph takes 8 bytes per node (offsets), 4 bytes per neighbour entry, and
// 8 more per entry when weighted (MemoryBytes). A graph with n = 10^6 nodes
// and average degree 10 (10^7 entries) takes 48 MB unweighted. Node ids are
// int32, so n ≤ MaxNodes = 2^31 − 1; entries are limited only by memory.
//
// # Building
//
// FromEdges sorts and merges an edge list (weights summed, or MergeMax /
// MergeMin); FromCSR wraps validated CSR slices without copying;
// FromLowerBlocks is the parallel path for generators. ParseEdgeList and
// ReadEdgeList read SNAP-style text edge lists ("u v" or "u v w" lines, '#'
// comments, a "# Nodes: N" header), EncodeEdgeList and WriteEdgeList write
// them back so that the round trip gives an Equal graph.
//
// # Queries and transforms
//
// Subgraph (induced, relabelled), DegreeHistogram, ConnectedComponents
// (weak, for directed graphs), Triangles and GlobalClustering (of the
// underlying undirected simple graph: directions, self loops and weights
// ignored), and Summarize, which gathers them for `gnnwb stats`. The number
// of triangles T and the global clustering coefficient (transitivity) are
//
//	T = Σ_{a<b<c} A_ab A_bc A_ac,    C = 3·T / Σ_i d_i(d_i − 1)/2,
//
// with A the symmetric 0/1 adjacency without loops and d_i its row sums;
// docs/mathematics.md §1 gives E[T] = p³·C(n,3) for G(n, p). Transforms (Reverse,
// Symmetrize, AddSelfLoops for Â = A + I, RemoveSelfLoops) return new
// graphs.
//
// # Interoperability
//
// AsGonum returns a zero-copy view satisfying gonum's graph.Weighted and
// graph.Undirected or graph.Directed, with node ids int64(i); FromGonum
// copies any gonum graph, sorting its ids and returning them (node i is
// ids[i]). ToDominikbraun and FromDominikbraun convert to and from
// github.com/dominikbraun/graph with graph.IntHash; since its EdgeWeight is
// an int, float weights travel in EdgeData and are never rounded.
// Package graphs/graphio reads and writes graph files in other formats
// (SNAP's sparse ids, NetworkX's edge list, GraphML, node-link JSON),
// keeping each node's id.
//
// # Determinism and parallelism
//
// Parallel loops (sorting rows, Triangles, transforms) run over fixed chunks
// of rows, never sized from GOMAXPROCS, and combine partial results in chunk
// order, so results are the same bits on any number of cores.
//
// # Errors
//
// Nothing a caller passes makes this package panic (an index out of range in
// the accessors Degree, Neighbours and Weights excepted, like a slice
// index). Functions return errors wrapping the sentinels of errors.go, so
// errors.Is works across gnnwb: ErrParameter (NaN or infinite weight, bad
// option), ErrShape (CSR arrays that disagree), ErrTooLarge (more than
// MaxNodes nodes), ErrNodeID (an id outside [0, n), negative or repeated),
// ErrFormat (malformed text) and ErrUnsupported. Edge-list parse errors are
// *ParseError{Path, Line, Err}, printed "path:line: message": the one
// parse-error type of gnnwb, which the dataset loaders and the other file
// readers return too.
package graphs

package graphs

import (
	"sync"

	"github.com/gnnwb/gnnwb/internal/parallel"
)

// triChunk is the number of rows per parallel chunk when counting
// triangles: small, because the work per row varies a lot with its degree.
const triChunk = 1 << 12

// Triangles returns the number of triangles of g: unordered triples of
// distinct nodes {a, b, c} joined pairwise. Self loops and weights are
// ignored; for a directed graph it counts the triangles of the underlying
// undirected simple graph (u and v adjacent when u→v or v→u).
//
// Algorithm: each edge is oriented from the lower to the higher rank, ranking
// nodes by (degree, id), so that every node has at most sqrt(2m) higher
// neighbours N⁺; each triangle is then counted exactly once as
// |N⁺(u) ∩ N⁺(v)| summed over oriented edges u→v, the intersection read off
// a bitset marking N⁺(u). Cost O(m·sqrt(m)) time for m edges, parallel over
// fixed chunks of nodes whose partial counts are added in chunk order, and
// memory 4 bytes per entry plus 12 per node, plus an n-bit bitset per worker
// (a directed g is first symmetrized, a g with self loops first copied
// without them). On a random graph with 10^6 nodes and average degree 10 it
// takes about 0.24 s on 2 cores (BenchmarkTriangles).
// The error is always nil for a Graph built by this package.
func Triangles(g Graph) (int64, error) {
	off, nb := simpleStructure(g)
	return trianglesCSR(off, nb), nil
}

// trianglesCSR counts the triangles of the simple undirected graph with
// symmetric CSR (off, nb), no self loops.
func trianglesCSR(off []int, nb []int32) int64 {
	n := len(off) - 1
	if n <= 0 {
		return 0
	}
	// key[v] = deg(v)<<32 | v orders nodes by rank with one comparison.
	key := make([]uint64, n)
	for i := range n {
		key[i] = uint64(off[i+1]-off[i])<<32 | uint64(i)
	}
	// Oriented lists N⁺(u) = {v ∈ N(u) : key[v] > key[u]}, ascending, in a
	// CSR of their own (half the entries), so that visiting N⁺(v) costs one
	// miss on ooff and one on out.
	chunks := parallel.Chunks(n, triChunk)
	ooff := make([]int, n+1)
	parallel.For(chunks, func(c int) {
		lo, hi := parallel.Range(c, triChunk, n)
		for u := lo; u < hi; u++ {
			ku, k := key[u], 0
			for _, v := range nb[off[u]:off[u+1]] {
				if key[v] > ku {
					k++
				}
			}
			ooff[u+1] = k
		}
	})
	for u := 1; u <= n; u++ {
		ooff[u] += ooff[u-1]
	}
	out := make([]int32, ooff[n])
	parallel.For(chunks, func(c int) {
		lo, hi := parallel.Range(c, triChunk, n)
		for u := lo; u < hi; u++ {
			ku, p := key[u], ooff[u]
			for _, v := range nb[off[u]:off[u+1]] {
				if key[v] > ku {
					out[p] = v
					p++
				}
			}
		}
	})
	key = nil
	// Count |N⁺(u) ∩ N⁺(v)| for v ∈ N⁺(u) with a bitset marking N⁺(u):
	// branch-free lookups in n/8 bytes, which stay in cache. Bitsets are
	// scratch reused across chunks; the counts do not depend on which.
	words := (n + 63) / 64
	pool := sync.Pool{New: func() any { b := make([]uint64, words); return &b }}
	part := make([]int64, chunks)
	parallel.For(chunks, func(c int) {
		lo, hi := parallel.Range(c, triChunk, n)
		bp := pool.Get().(*[]uint64)
		bits := *bp
		var s int64
		for u := lo; u < hi; u++ {
			a := out[ooff[u]:ooff[u+1]]
			if len(a) < 2 {
				continue
			}
			for _, w := range a {
				bits[w>>6] |= 1 << (uint(w) & 63)
			}
			for _, v := range a {
				for _, w := range out[ooff[v]:ooff[v+1]] {
					s += int64(bits[w>>6] >> (uint(w) & 63) & 1)
				}
			}
			for _, w := range a {
				bits[w>>6] = 0
			}
		}
		pool.Put(bp)
		part[c] = s
	})
	var total int64
	for _, s := range part {
		total += s
	}
	return total
}

// GlobalClustering returns the global clustering coefficient (transitivity)
// of g's underlying undirected simple graph:
//
//	C = 3·T / Σ_i d_i(d_i − 1)/2
//
// where T is Triangles(g) and d_i is the degree of node i without self loops
// (for a directed graph, the number of distinct nodes adjacent to i in either
// direction). The denominator counts connected triples (paths of length 2);
// C is 0 when there are none. It equals NetworkX's transitivity and igraph's
// transitivity_undirected. Cost and errors as for Triangles.
func GlobalClustering(g Graph) (float64, error) {
	off, nb := simpleStructure(g)
	t := trianglesCSR(off, nb)
	var triples int64
	for i := 0; i+1 < len(off); i++ {
		d := int64(off[i+1] - off[i])
		triples += d * (d - 1) / 2
	}
	if triples == 0 {
		return 0, nil
	}
	return 3 * float64(t) / float64(triples), nil
}

package graphs

import (
	"fmt"
	"math"
	"slices"

	"github.com/gnnwb/gnnwb/internal/parallel"
)

// Transforms return a new Graph and never modify their input. When nothing
// needs to change they may return the input itself, which is safe because a
// Graph is immutable.

// Reverse returns the graph with every edge turned around: u→v becomes v→u,
// with its weight. Row i of the result lists the nodes i sends to in g (its
// out-neighbours). An undirected graph is its own reverse and is returned
// as is. Cost O(n + entries) time and a new CSR of the same size.
func Reverse(g Graph) Graph {
	if !g.directed {
		return g
	}
	n := g.NumNodes()
	off := make([]int, n+1)
	for _, j := range g.neighbours {
		off[j+1]++
	}
	for i := 1; i <= n; i++ {
		off[i] += off[i-1]
	}
	cur := slices.Clone(off[:n])
	cols := make([]int32, len(g.neighbours))
	var ws []float64
	if g.weights != nil {
		ws = make([]float64, len(g.weights))
	}
	// Rows i are visited in increasing order, so every new row fills in
	// ascending order and needs no sort.
	for i := range n {
		a := g.offsets[i]
		for t, j := range g.Neighbours(i) {
			p := cur[j]
			cur[j]++
			cols[p] = int32(i)
			if ws != nil {
				ws[p] = g.weights[a+t]
			}
		}
	}
	return Graph{offsets: off, neighbours: cols, weights: ws, directed: true, loops: g.loops}
}

// Symmetrize returns the undirected graph with an edge {u, v} wherever g has
// u→v or v→u. For u ≠ v the weight of {u, v} is w(u→v) + w(v→u), an absent
// direction counting 0 (PyTorch Geometric's to_undirected with its default
// reduce="add"); a self loop keeps its weight (PyG would double it, since it
// adds the loop to its own reverse). An unweighted g gives an unweighted
// result, so a pair present both ways is one edge of weight 1. An undirected
// g is returned as is.
//
// The error wraps ErrParameter when a sum of two finite weights overflows to
// ±Inf, naming the pair. Cost O(n + entries) time; the result needs up to
// twice g's entries.
func Symmetrize(g Graph) (Graph, error) {
	if !g.directed {
		return g, nil
	}
	r := Reverse(g)
	n := g.NumNodes()
	off := make([]int, n+1)
	chunks := parallel.Chunks(n, rowChunk)
	parallel.For(chunks, func(c int) {
		lo, hi := parallel.Range(c, rowChunk, n)
		for i := lo; i < hi; i++ {
			off[i+1] = unionSize(g.Neighbours(i), r.Neighbours(i))
		}
	})
	for i := 1; i <= n; i++ {
		off[i] += off[i-1]
	}
	cols := make([]int32, off[n])
	var ws []float64
	if g.weights != nil {
		ws = make([]float64, off[n])
	}
	err := parallel.ForErr(chunks, func(c int) error {
		lo, hi := parallel.Range(c, rowChunk, n)
		for i := lo; i < hi; i++ {
			a, b := g.Neighbours(i), r.Neighbours(i)
			aw, bw := g.Weights(i), r.Weights(i)
			p := off[i]
			x, y := 0, 0
			for x < len(a) || y < len(b) {
				var j int32
				var w float64
				switch {
				case y == len(b) || (x < len(a) && a[x] < b[y]):
					j = a[x]
					if aw != nil {
						w = aw[x]
					}
					x++
				case x == len(a) || b[y] < a[x]:
					j = b[y]
					if bw != nil {
						w = bw[y]
					}
					y++
				default: // both directions present
					j = a[x]
					if aw != nil {
						w = aw[x]
						if int(j) != i {
							w += bw[y]
							if math.IsInf(w, 0) {
								return fmt.Errorf("graphs: Symmetrize: weights of %d→%d (%v) and %d→%d (%v) sum to %v: %w", j, i, aw[x], i, j, bw[y], w, ErrParameter)
							}
						}
					}
					x++
					y++
				}
				cols[p] = j
				if ws != nil {
					ws[p] = w
				}
				p++
			}
		}
		return nil
	})
	if err != nil {
		return Graph{}, err
	}
	return Graph{offsets: off, neighbours: cols, weights: ws, loops: g.loops}, nil
}

// unionSize returns |a ∪ b| for ascending slices a and b.
func unionSize(a, b []int32) int {
	x, y, k := 0, 0, 0
	for x < len(a) && y < len(b) {
		switch {
		case a[x] < b[y]:
			x++
		case a[x] > b[y]:
			y++
		default:
			x++
			y++
		}
		k++
	}
	return k + len(a) - x + len(b) - y
}

// AddSelfLoops returns g with the self loop i→i, of weight w, added to every
// node that lacks one; existing self loops keep their weight. If g is
// unweighted the result is unweighted when w = 1, and otherwise weighted with
// weight 1 on g's edges. This is the Â = A + I of GCN (docs/mathematics.md §2.1) when w = 1.
//
// The error wraps ErrParameter when w is NaN or ±Inf. Cost O(n + entries)
// time and a new CSR of n more entries at most.
func AddSelfLoops(g Graph, w float64) (Graph, error) {
	if math.IsNaN(w) || math.IsInf(w, 0) {
		return Graph{}, fmt.Errorf("graphs: AddSelfLoops: w=%v is not finite: %w", w, ErrParameter)
	}
	n := g.NumNodes()
	weighted := g.weights != nil || w != 1
	off := make([]int, n+1)
	chunks := parallel.Chunks(n, rowChunk)
	has := make([]bool, n)
	parallel.For(chunks, func(c int) {
		lo, hi := parallel.Range(c, rowChunk, n)
		for i := lo; i < hi; i++ {
			_, has[i] = slices.BinarySearch(g.Neighbours(i), int32(i))
			off[i+1] = g.Degree(i)
			if !has[i] {
				off[i+1]++
			}
		}
	})
	for i := 1; i <= n; i++ {
		off[i] += off[i-1]
	}
	cols := make([]int32, off[n])
	var ws []float64
	if weighted {
		ws = make([]float64, off[n])
	}
	parallel.For(chunks, func(c int) {
		lo, hi := parallel.Range(c, rowChunk, n)
		for i := lo; i < hi; i++ {
			row, rw := g.Neighbours(i), g.Weights(i)
			p := off[i]
			k := len(row)
			if !has[i] {
				k, _ = slices.BinarySearch(row, int32(i))
			}
			copy(cols[p:], row[:k])
			if !has[i] {
				cols[p+k] = int32(i)
				copy(cols[p+k+1:], row[k:])
			}
			if ws != nil {
				dst := ws[p:off[i+1]]
				if rw != nil {
					copy(dst, rw[:k])
				} else {
					for t := range k {
						dst[t] = 1
					}
				}
				if !has[i] {
					dst[k] = w
					dst = dst[k+1:]
					if rw != nil {
						copy(dst, rw[k:])
					} else {
						for t := range dst {
							dst[t] = 1
						}
					}
				}
			}
		}
	})
	return Graph{offsets: off, neighbours: cols, weights: ws, directed: g.directed, loops: n}, nil
}

// RemoveSelfLoops returns g without its self loops. A graph without self
// loops is returned as is. Cost O(n + entries) time and a new CSR.
func RemoveSelfLoops(g Graph) Graph {
	if g.loops == 0 {
		return g
	}
	n := g.NumNodes()
	off := make([]int, n+1)
	chunks := parallel.Chunks(n, rowChunk)
	parallel.For(chunks, func(c int) {
		lo, hi := parallel.Range(c, rowChunk, n)
		for i := lo; i < hi; i++ {
			off[i+1] = g.Degree(i)
			if _, ok := slices.BinarySearch(g.Neighbours(i), int32(i)); ok {
				off[i+1]--
			}
		}
	})
	for i := 1; i <= n; i++ {
		off[i] += off[i-1]
	}
	cols := make([]int32, off[n])
	var ws []float64
	if g.weights != nil {
		ws = make([]float64, off[n])
	}
	parallel.For(chunks, func(c int) {
		lo, hi := parallel.Range(c, rowChunk, n)
		for i := lo; i < hi; i++ {
			p := off[i]
			rw := g.Weights(i)
			for t, j := range g.Neighbours(i) {
				if int(j) == i {
					continue
				}
				cols[p] = j
				if ws != nil {
					ws[p] = rw[t]
				}
				p++
			}
		}
	})
	return Graph{offsets: off, neighbours: cols, weights: ws, directed: g.directed}
}

// simpleStructure returns the CSR (offsets, neighbours) of the underlying
// simple undirected graph of g: g symmetrized if directed, without self
// loops and without weights. For an undirected g without loops it is g's own
// storage.
func simpleStructure(g Graph) ([]int, []int32) {
	if g.directed {
		u := g
		u.weights = nil // structure only; avoids weight sums
		s, _ := Symmetrize(u)
		g = s
	}
	g = RemoveSelfLoops(g)
	off, nb, _ := g.CSR()
	return off, nb
}

package datasets

import (
	"fmt"
	"slices"

	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/internal/parallel"
)

const buildChunk = 1 << 12 // rows per parallel chunk (fixed: results never depend on GOMAXPROCS)

// buildGraph builds the graph on n nodes from the directed entries
// src[k]→dst[k] (0-based, already range-checked). Self loops are dropped,
// duplicate entries are merged, and for an undirected graph every entry is
// stored in both directions; each step is counted in meta. If origin is
// true, it also returns, for every stored CSR entry, the index k of the
// input entry it came from (the first of its duplicates; for an entry added
// by symmetrisation, the entry of the reverse direction). Cost O(m log d)
// time, O(m) memory.
func buildGraph(n int, src, dst []int32, directed bool, meta *Meta, origin bool) (graphs.Graph, []int32, error) {
	off, nb, org, err := buildCSR(n, src, dst, directed, meta, origin)
	if err != nil {
		return graphs.Graph{}, nil, err
	}
	g, err := graphs.FromCSR(off, nb, nil, directed)
	if err != nil {
		return graphs.Graph{}, nil, fmt.Errorf("datasets: buildGraph: %w", err)
	}
	return g, org, nil
}

// buildCSR is buildGraph without the final graphs.FromCSR: it returns the
// CSR arrays (rows sorted, no duplicates, symmetric when undirected).
func buildCSR(n int, src, dst []int32, directed bool, meta *Meta, origin bool) ([]int, []int32, []int32, error) {
	if len(src) != len(dst) {
		return nil, nil, nil, fmt.Errorf("datasets: buildGraph: %d sources, %d targets: %w", len(src), len(dst), graphs.ErrShape)
	}
	if len(src) >= 1<<31 {
		return nil, nil, nil, fmt.Errorf("datasets: buildGraph: %d entries: %w", len(src), graphs.ErrTooLarge)
	}
	off := make([]int, n+1)
	for k := range src {
		u, v := src[k], dst[k]
		if u == v {
			meta.SelfLoops++
			continue
		}
		off[v+1]++
		if !directed {
			off[u+1]++
		}
	}
	for i := 1; i <= n; i++ {
		off[i] += off[i-1]
	}
	if origin {
		// key = col<<32 | reverse<<31 | k: sorting a row puts each column's
		// forward entries (in input order) before its reverse ones.
		return sortRows[uint64](n, off, src, dst, directed, meta, 32, true)
	}
	// Without origins, key = col<<1 | reverse: half the memory.
	return sortRows[uint32](n, off, src, dst, directed, meta, 1, false)
}

// sortRows fills one key per stored entry into the rows given by off,
// sorts every row and keeps its first entry per column (a forward entry
// when there is one), counting duplicates and symmetrised entries in meta.
// A key is col<<shift | reverse<<(shift−1), plus the input index k when
// withIndex (then shift is 32 and K uint64).
func sortRows[K uint32 | uint64](n int, off []int, src, dst []int32, directed bool, meta *Meta, shift uint, withIndex bool) ([]int, []int32, []int32, error) {
	rev := K(1) << (shift - 1)
	keys := make([]K, off[n])
	// off[i] serves as row i's write cursor; after the fill it holds the
	// start of row i+1, and shifting it back restores it.
	for k := range src {
		u, v := src[k], dst[k]
		if u == v {
			continue
		}
		idx := K(0)
		if withIndex {
			idx = K(k)
		}
		keys[off[v]] = K(u)<<shift | idx
		off[v]++
		if !directed {
			keys[off[u]] = K(v)<<shift | rev | idx
			off[u]++
		}
	}
	if n > 0 {
		copy(off[1:n], off[:n-1])
		off[0] = 0
	}
	// Sort rows and count unique entries per row, in parallel over fixed chunks.
	uniq := make([]int, n+1)
	chunks := parallel.Chunks(n, buildChunk)
	dups := make([]int, chunks)
	syms := make([]int, chunks)
	parallel.For(chunks, func(c int) {
		lo, hi := parallel.Range(c, buildChunk, n)
		for i := lo; i < hi; i++ {
			row := keys[off[i]:off[i+1]]
			slices.Sort(row)
			cnt := 0
			for t := 0; t < len(row); t++ {
				col := row[t] >> shift
				if t > 0 && row[t-1]>>shift == col {
					if row[t]&rev == 0 {
						dups[c]++ // a second forward entry
					}
					continue
				}
				cnt++
				if row[t]&rev != 0 {
					syms[c]++ // no forward entry in this column
				}
			}
			uniq[i+1] = cnt
		}
	})
	for c := range chunks {
		meta.Duplicates += dups[c]
		meta.Symmetrised += syms[c]
	}
	for i := 1; i <= n; i++ {
		uniq[i] += uniq[i-1]
	}
	nb := make([]int32, uniq[n])
	var org []int32
	if withIndex {
		org = make([]int32, uniq[n])
	}
	parallel.For(chunks, func(c int) {
		lo, hi := parallel.Range(c, buildChunk, n)
		for i := lo; i < hi; i++ {
			row := keys[off[i]:off[i+1]]
			p := uniq[i]
			for t := 0; t < len(row); t++ {
				if t > 0 && row[t-1]>>shift == row[t]>>shift {
					continue
				}
				nb[p] = int32(row[t] >> shift)
				if org != nil {
					org[p] = int32(row[t] & (rev - 1))
				}
				p++
			}
		}
	})
	return uniq, nb, org, nil
}

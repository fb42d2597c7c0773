package graphs

import (
	"fmt"
	"math"
	"math/bits"
	"slices"
	"sort"

	"github.com/gnnwb/gnnwb/internal/parallel"
)

// Edge is the edge U→V (for an undirected graph, {U, V}) with weight W. W is
// read only when the Weighted flag is given.
type Edge struct {
	U, V int
	W    float64
}

// Flags choose how FromEdges builds a graph. The zero value builds an
// unweighted undirected graph without self loops, summing duplicate weights.
type Flags uint32

const (
	// Undirected (the zero value): each edge {U, V} is stored in rows U and V.
	Undirected Flags = 0
	// Directed: the edge U→V is stored in row V only.
	Directed Flags = 1 << iota
	// Weighted: keep Edge.W (finite values only). Without it every weight is 1.
	Weighted
	// KeepSelfLoops keeps edges U→U; by default they are dropped.
	KeepSelfLoops
	// MergeMax makes duplicate edges keep the largest weight instead of the sum.
	MergeMax
	// MergeMin makes duplicate edges keep the smallest weight instead of the sum.
	MergeMin
)

// rowChunk is the number of rows per parallel chunk in builders and queries.
const rowChunk = 1 << 14

func checkNodes(fn string, n int) error {
	if n < 0 {
		return fmt.Errorf("graphs: %s: n=%d is negative: %w", fn, n, ErrParameter)
	}
	if n > MaxNodes {
		return fmt.Errorf("graphs: %s: n=%d exceeds %d (node ids are int32): %w", fn, n, MaxNodes, ErrTooLarge)
	}
	return nil
}

// FromEdges builds a graph on nodes 0..n−1 from an edge list. It sorts each
// row, merges duplicate edges (summing weights, or by MergeMax / MergeMin),
// drops self loops unless KeepSelfLoops is set, and, for an undirected graph,
// stores every edge in both rows. The edge list is not modified or kept.
//
// An edge with an id outside [0, n), or a non-finite weight when Weighted is
// set, is refused with an error naming its index and values. Cost
// O(n + m log d_max) time and O(n + m) memory, rows sorted in parallel.
func FromEdges(n int, edges []Edge, flags Flags) (Graph, error) {
	if err := checkNodes("FromEdges", n); err != nil {
		return Graph{}, err
	}
	directed := flags&Directed != 0
	weighted := flags&Weighted != 0
	keepLoops := flags&KeepSelfLoops != 0
	if flags&MergeMax != 0 && flags&MergeMin != 0 {
		return Graph{}, fmt.Errorf("graphs: FromEdges: MergeMax and MergeMin both set: %w", ErrParameter)
	}
	count := make([]int, n+1)
	for k, e := range edges {
		if e.U < 0 || e.U >= n || e.V < 0 || e.V >= n {
			return Graph{}, fmt.Errorf("graphs: FromEdges: edge %d (%d→%d): ids must be in [0,%d): %w", k, e.U, e.V, n, ErrNodeID)
		}
		if weighted && (math.IsNaN(e.W) || math.IsInf(e.W, 0)) {
			return Graph{}, fmt.Errorf("graphs: FromEdges: edge %d (%d→%d): weight %v is not finite: %w", k, e.U, e.V, e.W, ErrParameter)
		}
		if e.U == e.V {
			if keepLoops {
				count[e.V+1]++
			}
			continue
		}
		count[e.V+1]++
		if !directed {
			count[e.U+1]++
		}
	}
	for i := 1; i <= n; i++ {
		count[i] += count[i-1]
	}
	m := count[n]
	cols := make([]int32, m)
	var ws []float64
	if weighted {
		ws = make([]float64, m)
	}
	cur := slices.Clone(count[:n])
	put := func(row, col int, w float64) {
		p := cur[row]
		cur[row]++
		cols[p] = int32(col)
		if ws != nil {
			ws[p] = w
		}
	}
	for _, e := range edges {
		if e.U == e.V {
			if keepLoops {
				put(e.V, e.U, e.W)
			}
			continue
		}
		put(e.V, e.U, e.W)
		if !directed {
			put(e.U, e.V, e.W)
		}
	}
	cur = nil
	merge := mergeSum
	switch {
	case flags&MergeMax != 0:
		merge = math.Max
	case flags&MergeMin != 0:
		merge = math.Min
	}
	return compact(n, count, cols, ws, directed, merge), nil
}

func mergeSum(a, b float64) float64 { return a + b }

// compact sorts every row of the CSR (off, cols, ws), merges duplicates with
// merge, and returns the graph; it reuses cols and ws.
func compact(n int, off []int, cols []int32, ws []float64, directed bool, merge func(a, b float64) float64) Graph {
	uniq := make([]int, n+1)
	parallel.For(parallel.Chunks(n, rowChunk), func(c int) {
		lo, hi := parallel.Range(c, rowChunk, n)
		for i := lo; i < hi; i++ {
			a, b := off[i], off[i+1]
			row := cols[a:b]
			var rw []float64
			if ws != nil {
				rw = ws[a:b]
			}
			sortRow(row, rw)
			// merge duplicates in place
			k := 0
			for t := 0; t < len(row); t++ {
				if k > 0 && row[t] == row[k-1] {
					if rw != nil {
						rw[k-1] = merge(rw[k-1], rw[t])
					}
					continue
				}
				row[k] = row[t]
				if rw != nil {
					rw[k] = rw[t]
				}
				k++
			}
			uniq[i+1] = k
		}
	})
	for i := 1; i <= n; i++ {
		uniq[i] += uniq[i-1]
	}
	if uniq[n] != off[n] {
		// shift rows left; rows only move towards lower addresses, in order
		for i := 0; i < n; i++ {
			k := uniq[i+1] - uniq[i]
			copy(cols[uniq[i]:], cols[off[i]:off[i]+k])
			if ws != nil {
				copy(ws[uniq[i]:], ws[off[i]:off[i]+k])
			}
		}
		cols = slices.Clip(cols[:uniq[n]])
		if ws != nil {
			ws = slices.Clip(ws[:uniq[n]])
		}
	}
	g := Graph{offsets: uniq, neighbours: cols, weights: ws, directed: directed}
	g.loops = countLoops(g)
	return g
}

// sortRow sorts cols ascending, permuting ws alongside when it is not nil.
func sortRow(cols []int32, ws []float64) {
	if ws == nil {
		slices.Sort(cols)
		return
	}
	if len(cols) <= 16 {
		for i := 1; i < len(cols); i++ {
			c, w := cols[i], ws[i]
			j := i
			for ; j > 0 && cols[j-1] > c; j-- {
				cols[j], ws[j] = cols[j-1], ws[j-1]
			}
			cols[j], ws[j] = c, w
		}
		return
	}
	sort.Stable(pairSorter{cols, ws})
}

type pairSorter struct {
	c []int32
	w []float64
}

func (p pairSorter) Len() int           { return len(p.c) }
func (p pairSorter) Less(i, j int) bool { return p.c[i] < p.c[j] }
func (p pairSorter) Swap(i, j int) {
	p.c[i], p.c[j] = p.c[j], p.c[i]
	p.w[i], p.w[j] = p.w[j], p.w[i]
}

func countLoops(g Graph) int {
	n := g.NumNodes()
	chunks := parallel.Chunks(n, rowChunk)
	part := make([]int, chunks)
	parallel.For(chunks, func(c int) {
		lo, hi := parallel.Range(c, rowChunk, n)
		s := 0
		for i := lo; i < hi; i++ {
			if _, ok := slices.BinarySearch(g.Neighbours(i), int32(i)); ok {
				s++
			}
		}
		part[c] = s
	})
	s := 0
	for _, p := range part {
		s += p
	}
	return s
}

// FromCSR wraps CSR arrays as a Graph without copying them: the Graph keeps
// offsets, neighbours and weights (nil for unweighted), and the caller must
// not modify them afterwards. It checks that len(offsets) = n+1 with
// offsets[0] = 0, offsets non-decreasing and ending at len(neighbours), every
// id in [0, n), rows strictly ascending, weights finite and as long as
// neighbours, and, for an undirected graph, that the matrix is symmetric
// (weights included). Errors name the row and entry. Cost O(m log d_max),
// parallel over rows.
func FromCSR(offsets []int, neighbours []int32, weights []float64, directed bool) (Graph, error) {
	if len(offsets) == 0 {
		return Graph{}, fmt.Errorf("graphs: FromCSR: offsets is empty (need n+1 entries): %w", ErrShape)
	}
	n := len(offsets) - 1
	if err := checkNodes("FromCSR", n); err != nil {
		return Graph{}, err
	}
	if offsets[0] != 0 {
		return Graph{}, fmt.Errorf("graphs: FromCSR: offsets[0]=%d, want 0: %w", offsets[0], ErrShape)
	}
	if offsets[n] != len(neighbours) {
		return Graph{}, fmt.Errorf("graphs: FromCSR: offsets[%d]=%d but len(neighbours)=%d: %w", n, offsets[n], len(neighbours), ErrShape)
	}
	if weights != nil && len(weights) != len(neighbours) {
		return Graph{}, fmt.Errorf("graphs: FromCSR: len(weights)=%d but len(neighbours)=%d: %w", len(weights), len(neighbours), ErrShape)
	}
	for i := 0; i < n; i++ {
		if offsets[i+1] < offsets[i] {
			return Graph{}, fmt.Errorf("graphs: FromCSR: offsets decrease at row %d (%d > %d): %w", i, offsets[i], offsets[i+1], ErrShape)
		}
	}
	g := Graph{offsets: offsets, neighbours: neighbours, weights: weights, directed: directed}
	// Per chunk: self loops, and entries above and below the diagonal. An
	// undirected matrix is symmetric when every entry above the diagonal
	// has its mirror and there are as many entries below as above (rows
	// hold no duplicates), so only the upper half is searched.
	chunks := parallel.Chunks(n, rowChunk)
	loops, above, below := make([]int, chunks), make([]int, chunks), make([]int, chunks)
	err := parallel.ForErr(chunks, func(c int) error {
		lo, hi := parallel.Range(c, rowChunk, n)
		for i := lo; i < hi; i++ {
			row := neighbours[offsets[i]:offsets[i+1]]
			var rw []float64
			if weights != nil {
				rw = weights[offsets[i]:offsets[i+1]]
			}
			for k, j := range row {
				if j < 0 || int(j) >= n {
					return fmt.Errorf("graphs: FromCSR: row %d entry %d: id %d not in [0,%d): %w", i, k, j, n, ErrNodeID)
				}
				if k > 0 && row[k-1] >= j {
					return fmt.Errorf("graphs: FromCSR: row %d entry %d: ids %d, %d not strictly ascending: %w", i, k, row[k-1], j, ErrShape)
				}
				if rw != nil && (math.IsNaN(rw[k]) || math.IsInf(rw[k], 0)) {
					return fmt.Errorf("graphs: FromCSR: row %d entry %d: weight %v is not finite: %w", i, k, rw[k], ErrParameter)
				}
				switch {
				case int(j) == i:
					loops[c]++
				case int(j) < i:
					below[c]++
				case !directed:
					above[c]++
					mirror := neighbours[offsets[j]:offsets[j+1]]
					m, ok := slices.BinarySearch(mirror, int32(i))
					if !ok {
						return fmt.Errorf("graphs: FromCSR: undirected but %d is in row %d and %d is not in row %d: %w", j, i, i, j, ErrShape)
					}
					if rw != nil && weights[offsets[j]+m] != rw[k] {
						return fmt.Errorf("graphs: FromCSR: undirected but weight(%d,%d)=%v != weight(%d,%d)=%v: %w", j, i, rw[k], i, j, weights[offsets[j]+m], ErrShape)
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		return Graph{}, err
	}
	for c := range chunks {
		g.loops += loops[c]
		if c > 0 {
			above[0] += above[c]
			below[0] += below[c]
		}
	}
	if !directed && chunks > 0 && above[0] != below[0] {
		// some entry below the diagonal has no mirror: find the first
		for i := 0; i < n; i++ {
			for _, j := range neighbours[offsets[i]:offsets[i+1]] {
				if int(j) < i {
					if _, ok := slices.BinarySearch(neighbours[offsets[j]:offsets[j+1]], int32(i)); !ok {
						return Graph{}, fmt.Errorf("graphs: FromCSR: undirected but %d is in row %d and %d is not in row %d: %w", j, i, i, j, ErrShape)
					}
				}
			}
		}
	}
	return g, nil
}

// LowerBlock is a run of consecutive rows Lo..Hi−1 of the strictly lower
// triangle of a symmetric adjacency matrix, the form in which generators
// sample undirected graphs: row i holds Count(i−Lo) ids, all < i and
// ascending, stored one row after another in Neighbours, with Weights (nil
// when unweighted) aligned with Neighbours.
//
// Counts costs one byte per row: Counts[r] is the number of entries of row
// Lo+r when it is below LargeCount; otherwise Counts[r] = LargeCount and the
// number is the next value of Large (rows in increasing order). SetCount
// writes this form.
type LowerBlock struct {
	Lo, Hi     int
	Counts     []uint8
	Large      []int32
	Neighbours []int32
	Weights    []float64
}

// LargeCount marks a row of a LowerBlock whose count is in Large.
const LargeCount = math.MaxUint8

// NewLowerBlock returns a block for rows lo..hi−1 with room for their
// counts (all zero) and no entries.
func NewLowerBlock(lo, hi int) LowerBlock {
	return LowerBlock{Lo: lo, Hi: hi, Counts: make([]uint8, hi-lo)}
}

// SetCount records that row Lo+r has c entries. Rows with LargeCount or
// more entries must be set in increasing order of r, each once.
func (b *LowerBlock) SetCount(r, c int) {
	if c < LargeCount {
		b.Counts[r] = uint8(c)
		return
	}
	b.Counts[r] = LargeCount
	b.Large = append(b.Large, int32(c))
}

// Count returns the number of entries of row Lo+r. Cost O(1), or
// O(log len(Large)) for a row with LargeCount or more entries.
func (b *LowerBlock) Count(r int) int {
	if b.Counts[r] < LargeCount {
		return int(b.Counts[r])
	}
	k := 0
	for _, c := range b.Counts[:r] {
		if c == LargeCount {
			k++
		}
	}
	return int(b.Large[k])
}

// FromLowerBlocks builds the undirected graph whose strictly lower triangle
// is given by blocks, which must tile [0, n) in order (blocks[0].Lo = 0,
// blocks[b].Hi = blocks[b+1].Lo, last Hi = n). Either every block is weighted
// or none is. It is the fast path for generators: no global sort, parallel
// passes over the entries, and no memory beyond the result and the blocks
// themselves (the offsets double as write cursors).
//
// FromLowerBlocks takes ownership of the blocks: it sets their slices to
// nil before returning, so that the memory can be collected. Errors name the block, row and entry. Cost
// O(n + m) random accesses without atomics, plus a sequential scan of the
// entries by each of the P = GOMAXPROCS workers (O(P·m) cheap reads), all
// in parallel; the result does not depend on GOMAXPROCS.
func FromLowerBlocks(n int, blocks []LowerBlock) (Graph, error) {
	if err := checkNodes("FromLowerBlocks", n); err != nil {
		return Graph{}, err
	}
	if n == 0 && len(blocks) == 0 {
		return Graph{offsets: []int{0}}, nil
	}
	if len(blocks) == 0 {
		return Graph{}, fmt.Errorf("graphs: FromLowerBlocks: no blocks for n=%d: %w", n, ErrShape)
	}
	weighted := blocks[0].Weights != nil
	next := 0
	uniform := true // all blocks but the last have blocks[0]'s size
	for b := range blocks {
		bl := &blocks[b]
		if bl.Lo != next || bl.Hi < bl.Lo || bl.Hi > n {
			return Graph{}, fmt.Errorf("graphs: FromLowerBlocks: block %d covers [%d,%d), want a range starting at %d within [0,%d): %w", b, bl.Lo, bl.Hi, next, n, ErrShape)
		}
		next = bl.Hi
		if len(bl.Counts) != bl.Hi-bl.Lo {
			return Graph{}, fmt.Errorf("graphs: FromLowerBlocks: block %d has %d counts for %d rows: %w", b, len(bl.Counts), bl.Hi-bl.Lo, ErrShape)
		}
		if (bl.Weights != nil) != weighted || (weighted && len(bl.Weights) != len(bl.Neighbours)) {
			return Graph{}, fmt.Errorf("graphs: FromLowerBlocks: block %d: weights (%d) do not match neighbours (%d) or other blocks: %w", b, len(bl.Weights), len(bl.Neighbours), ErrShape)
		}
		if b+1 < len(blocks) && bl.Hi-bl.Lo != blocks[0].Hi-blocks[0].Lo {
			uniform = false
		}
	}
	if next != n {
		return Graph{}, fmt.Errorf("graphs: FromLowerBlocks: blocks end at %d, want n=%d: %w", next, n, ErrShape)
	}
	// blockOf(j) is the block that holds row j: a shift when every block
	// but the last has the same power-of-two size (as generators make
	// them), else a binary search.
	size0 := blocks[0].Hi - blocks[0].Lo
	shift := -1
	if uniform && size0 > 0 && size0&(size0-1) == 0 {
		shift = bits.TrailingZeros(uint(size0))
	}
	blockOf := func(j int) int {
		if shift >= 0 {
			return min(j>>shift, len(blocks)-1)
		}
		return sort.Search(len(blocks), func(b int) bool { return blocks[b].Hi > j })
	}
	// Pass 1: validate, and put each row's own lower count in off[i+1].
	off := make([]int, n+1)
	err := parallel.ForErr(len(blocks), func(b int) error {
		bl := &blocks[b]
		p, k := 0, 0
		for r, c8 := range bl.Counts {
			i := bl.Lo + r
			c := int(c8)
			if c8 == LargeCount {
				if k == len(bl.Large) {
					return fmt.Errorf("graphs: FromLowerBlocks: block %d row %d: count marked large but Large has only %d values: %w", b, i, len(bl.Large), ErrShape)
				}
				if c = int(bl.Large[k]); c < LargeCount {
					return fmt.Errorf("graphs: FromLowerBlocks: block %d row %d: large count %d is below %d: %w", b, i, c, LargeCount, ErrShape)
				}
				k++
			}
			if c < 0 || p+c > len(bl.Neighbours) {
				return fmt.Errorf("graphs: FromLowerBlocks: block %d row %d: count %d overruns the block's %d neighbours: %w", b, i, c, len(bl.Neighbours), ErrShape)
			}
			row := bl.Neighbours[p : p+c]
			for e, j := range row {
				if j < 0 || int(j) >= i || (e > 0 && row[e-1] >= j) {
					return fmt.Errorf("graphs: FromLowerBlocks: block %d row %d entry %d: id %d is not ascending in [0,%d): %w", b, i, e, j, i, ErrShape)
				}
				if weighted {
					if w := bl.Weights[p+e]; math.IsNaN(w) || math.IsInf(w, 0) {
						return fmt.Errorf("graphs: FromLowerBlocks: block %d row %d entry %d: weight %v is not finite: %w", b, i, e, w, ErrParameter)
					}
				}
			}
			off[i+1] = c
			p += c
		}
		if k != len(bl.Large) {
			return fmt.Errorf("graphs: FromLowerBlocks: block %d: %d large counts but %d rows marked large: %w", b, len(bl.Large), k, ErrShape)
		}
		if p != len(bl.Neighbours) {
			return fmt.Errorf("graphs: FromLowerBlocks: block %d: counts sum to %d but it has %d neighbours: %w", b, p, len(bl.Neighbours), ErrShape)
		}
		return nil
	})
	if err != nil {
		return Graph{}, err
	}
	// Pass 1b: add to off[j+1] one for every later row that lists j. Each
	// worker owns a range of rows j and scans every entry, so there are no
	// atomics (a locked add on a missed cache line stalls the core) and the
	// counts do not depend on the number of workers.
	workers := parallel.Workers()
	parallel.For(workers, func(w int) {
		lo, hi := n*w/workers, n*(w+1)/workers
		for b := blockOf(lo); b < len(blocks); b++ {
			bl := &blocks[b]
			p, k := 0, 0
			for _, c8 := range bl.Counts {
				c := int(c8)
				if c8 == LargeCount {
					c = int(bl.Large[k])
					k++
				}
				for _, j := range bl.Neighbours[p : p+c] {
					if int(j) >= lo && int(j) < hi {
						off[j+1]++
					}
				}
				p += c
			}
		}
	})
	for i := 1; i <= n; i++ {
		off[i] += off[i-1]
	}
	if off[n] > math.MaxInt-1 {
		return Graph{}, fmt.Errorf("graphs: FromLowerBlocks: %d entries: %w", off[n], ErrTooLarge)
	}
	cols := make([]int32, off[n])
	var ws []float64
	if weighted {
		ws = make([]float64, off[n])
	}
	// Destination rows are split among the workers of pass 3 so that each
	// writes about the same number of upper entries (deg − own lower count).
	bounds := make([]int, workers+1)
	bounds[workers] = n
	if workers > 1 {
		total := off[n] / 2
		next, seen, w := total/workers, 0, 1
		for b := range blocks {
			k := 0
			for r, c8 := range blocks[b].Counts {
				i := blocks[b].Lo + r
				c := int(c8)
				if c8 == LargeCount {
					c = int(blocks[b].Large[k])
					k++
				}
				seen += off[i+1] - off[i] - c
				for w < workers && seen >= next {
					bounds[w] = i + 1
					w++
					next = total * w / workers
				}
			}
		}
		for ; w < workers; w++ {
			bounds[w] = n
		}
	}
	// Pass 2: copy each row's lower part to the front of its row, and turn
	// off[i] into the row's cursor: where its next upper entry goes.
	parallel.For(len(blocks), func(b int) {
		bl := &blocks[b]
		p, k := 0, 0
		for r, c8 := range bl.Counts {
			i := bl.Lo + r
			c := int(c8)
			if c8 == LargeCount {
				c = int(bl.Large[k])
				k++
			}
			copy(cols[off[i]:], bl.Neighbours[p:p+c])
			if weighted {
				copy(ws[off[i]:], bl.Weights[p:p+c])
			}
			off[i] += c
			p += c
		}
	})
	// Pass 3: every lower entry j of row i puts i into the upper part of
	// row j. Each worker owns a range of rows j and scans the blocks in
	// order, so every upper part arrives sorted, with plain stores, whatever
	// the number of workers.
	parallel.For(workers, func(w int) {
		lo, hi := bounds[w], bounds[w+1]
		if lo >= hi {
			return
		}
		for b := blockOf(lo); b < len(blocks); b++ {
			bl := &blocks[b]
			p, large := 0, 0
			for r, c8 := range bl.Counts {
				i := bl.Lo + r
				c := int(c8)
				if c8 == LargeCount {
					c = int(bl.Large[large])
					large++
				}
				lower := bl.Neighbours[p : p+c]
				if i > lo {
					for k, j := range lower {
						if int(j) < lo {
							continue
						}
						if int(j) >= hi {
							break
						}
						q := off[j]
						cols[q] = int32(i)
						if weighted {
							ws[q] = bl.Weights[p+k]
						}
						off[j] = q + 1
					}
				}
				p += c
			}
		}
	})
	// Each cursor now sits at the end of its row, the start of the next:
	// shift them right by one to get the offsets back.
	if n > 0 {
		copy(off[1:n], off[:n-1])
		off[0] = 0
	}
	for i := range blocks {
		blocks[i].Neighbours, blocks[i].Weights, blocks[i].Counts, blocks[i].Large = nil, nil, nil, nil
	}
	for i := 0; i < n; i++ {
		if off[i] > off[i+1] {
			panic(fmt.Sprintf("graphs: FromLowerBlocks: row %d ends at %d after row %d's end %d", i, off[i+1], i-1, off[i]))
		}
	}
	return Graph{offsets: off, neighbours: cols, weights: ws}, nil
}

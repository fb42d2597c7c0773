package aggregation

import (
	"fmt"
	"sync"

	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/internal/asm"
)

// Operator is the finite realisation of an aggregation on one graph: the
// n×n matrix S with S_ij = r_i·Ã_ij·c_j, Ã the adjacency matrix under the
// loop policy and r, c the factors of the normalisation, precomputed.
// Apply computes S·h and ApplyT Sᵀ·h, both as gathers over rows (for Sᵀ
// over the transposed rows, which an undirected graph shares with S),
// parallel over fixed blocks of nodes, with no atomics and no allocation:
// the same bits for any GOMAXPROCS.
//
// An Operator keeps the graph's arrays when no loop is added (not copied)
// and adds O(entries) memory of its own. It is immutable and safe for
// concurrent use.
type Operator struct {
	n   int
	agg Aggregation
	// S: row i has columns idx[off[i]:off[i+1]] with coefficients coef[...].
	off      []int
	idx      []int32
	coef     []float64
	directed bool
	r, c     []float64 // the row and column factors
	w        []float64 // the looped graph's weights (nil: all 1)

	// Sᵀ in the same form (toff/tidx alias off/idx for undirected graphs),
	// built on the first use of ApplyT or ApplyTAdd.
	once  sync.Once
	toff  []int
	tidx  []int32
	tcoef []float64
}

// Operator returns the realisation of a on the graph g (row i of g lists
// the nodes i receives from; A_ij is the stored weight, 1 when unweighted).
// rho is ρ of the Graphon normalisation 1/(nρ) and must lie in (0, 1]
// there; the other normalisations ignore it. Cost O(n + entries) time and
// memory; the first ApplyT or ApplyTAdd adds the transposed coefficients
// (and, for a directed graph, the transposed rows). Errors wrap graphs.ErrParameter for an invalid a or a bad rho.
func (a Aggregation) Operator(g graphs.Graph, rho float64) (*Operator, error) {
	if err := a.Validate(); err != nil {
		return nil, fmt.Errorf("aggregation: Operator: %w", err)
	}
	if a.Norm == Graphon && !(rho > 0 && rho <= 1) {
		return nil, fmt.Errorf("aggregation: Operator: rho=%v not in (0,1]: %w", rho, graphs.ErrParameter)
	}
	n := g.NumNodes()
	off, idx, w := g.CSR()
	if a.Loops != NoLoops {
		off, idx, w = withLoops(n, off, idx, w, a.Loops == AddLoops)
	}
	r := make([]float64, n) // row factor
	c := make([]float64, n) // column factor
	o := &Operator{n: n, agg: a, off: off, idx: idx, directed: g.Directed(), r: r, c: c, w: w}
	nrho := float64(n) * rho
	for i := range n {
		var d float64
		if w == nil {
			d = float64(off[i+1] - off[i])
		} else {
			for _, x := range w[off[i]:off[i+1]] {
				d += x
			}
		}
		r[i], c[i] = a.Norm.Factors(d, nrho)
	}
	o.coef = make([]float64, len(idx))
	for i := range n {
		for e := off[i]; e < off[i+1]; e++ {
			x := 1.0
			if w != nil {
				x = w[e]
			}
			o.coef[e] = x * r[i] * c[idx[e]]
		}
	}
	return o, nil
}

// transpose builds Sᵀ once.
func (o *Operator) transpose() {
	o.once.Do(o.buildTranspose)
}

func (o *Operator) buildTranspose() {
	n, off, idx, w, r, c := o.n, o.off, o.idx, o.w, o.r, o.c
	if !o.directed {
		// Sᵀ_ij = S_ji = A_ij·r_j·c_i on the same rows.
		o.toff, o.tidx = off, idx
		o.tcoef = make([]float64, len(idx))
		for i := range n {
			for e := off[i]; e < off[i+1]; e++ {
				x := 1.0
				if w != nil {
					x = w[e]
				}
				o.tcoef[e] = x * r[idx[e]] * c[i]
			}
		}
		return
	}
	// Directed: counting sort of the entries by column; row i of Sᵀ lists the
	// j with i in row j, ascending (rows are visited in order).
	o.toff = make([]int, n+1)
	for _, j := range idx {
		o.toff[j+1]++
	}
	for i := range n {
		o.toff[i+1] += o.toff[i]
	}
	o.tidx = make([]int32, len(idx))
	o.tcoef = make([]float64, len(idx))
	next := append([]int(nil), o.toff[:n]...)
	for i := range n {
		for e := off[i]; e < off[i+1]; e++ {
			j := idx[e]
			o.tidx[next[j]] = int32(i)
			o.tcoef[next[j]] = o.coef[e]
			next[j]++
		}
	}
}

// withLoops returns CSR arrays of A with self loops: every row without a
// loop gets one of weight 1 (in sorted position); a row with a loop keeps it
// as it is, or, when add is set, gets 1 added to its weight (A + I). Weights
// are returned when w != nil or a loop weight became 2.
func withLoops(n int, off []int, idx []int32, w []float64, add bool) ([]int, []int32, []float64) {
	missing := n
	for i := range n {
		for _, j := range idx[off[i]:off[i+1]] {
			if int(j) == i {
				missing--
				break
			}
		}
	}
	if add && missing < n && w == nil {
		w = make([]float64, len(idx))
		for e := range w {
			w[e] = 1
		}
	}
	noff := make([]int, n+1)
	nidx := make([]int32, 0, len(idx)+missing)
	var nw []float64
	if w != nil {
		nw = make([]float64, 0, len(idx)+missing)
	}
	for i := range n {
		placed := false
		for e := off[i]; e < off[i+1]; e++ {
			j := int(idx[e])
			if !placed && j >= i {
				if j != i {
					nidx = append(nidx, int32(i))
					if w != nil {
						nw = append(nw, 1)
					}
				}
				placed = true
			}
			nidx = append(nidx, idx[e])
			if w != nil {
				x := w[e]
				if add && j == i {
					x++
				}
				nw = append(nw, x)
			}
		}
		if !placed {
			nidx = append(nidx, int32(i))
			if w != nil {
				nw = append(nw, 1)
			}
		}
		noff[i+1] = len(nidx)
	}
	return noff, nidx, nw
}

// NumNodes returns n.
func (o *Operator) NumNodes() int { return o.n }

// Aggregation returns the aggregation o realises.
func (o *Operator) Aggregation() Aggregation { return o.agg }

// NumEntries returns the number of stored coefficients of S (added loops
// included).
func (o *Operator) NumEntries() int { return len(o.idx) }

// Row returns row i of S: the columns j (ascending) and the coefficients
// S_ij, as read-only subslices of the operator's arrays (no copy). It
// panics if i is not in [0, n).
func (o *Operator) Row(i int) (cols []int32, coef []float64) {
	lo, hi := o.off[i], o.off[i+1]
	return o.idx[lo:hi:hi], o.coef[lo:hi:hi]
}

// Dense returns S as a new dense n×n row-major slice (for tests and small
// graphs).
func (o *Operator) Dense() []float64 {
	d := make([]float64, o.n*o.n)
	for i := range o.n {
		for e := o.off[i]; e < o.off[i+1]; e++ {
			d[i*o.n+int(o.idx[e])] += o.coef[e]
		}
	}
	return d
}

// Apply sets dst = S·h for h and dst n×d row-major (dst[i*d+k]). dst must
// not alias h. It panics if the lengths are not n·d (a programming error:
// layers check shapes first). No allocation besides parallel's workers.
func (o *Operator) Apply(dst, h []float64, d int) {
	gather(dst, h, d, o.n, o.off, o.idx, o.coef, false)
}

// ApplyT sets dst = Sᵀ·h, the adjoint used by backward passes. Same
// contract as Apply.
func (o *Operator) ApplyT(dst, h []float64, d int) {
	o.transpose()
	gather(dst, h, d, o.n, o.toff, o.tidx, o.tcoef, false)
}

// ApplyAdd adds S·h to dst instead of overwriting it.
func (o *Operator) ApplyAdd(dst, h []float64, d int) {
	gather(dst, h, d, o.n, o.off, o.idx, o.coef, true)
}

// ApplyTAdd adds Sᵀ·h to dst.
func (o *Operator) ApplyTAdd(dst, h []float64, d int) {
	o.transpose()
	gather(dst, h, d, o.n, o.toff, o.tidx, o.tcoef, true)
}

// block is the number of rows per parallel chunk of a gather.
const block = 512

func gather(dst, h []float64, d, n int, off []int, idx []int32, coef []float64, acc bool) {
	if len(dst) != n*d || len(h) != n*d {
		panic(fmt.Sprintf("aggregation: Operator: len(dst)=%d len(h)=%d, want n·d=%d·%d", len(dst), len(h), n, d))
	}
	asm.GatherRows(dst, off, idx, coef, h, d, acc, block)
}

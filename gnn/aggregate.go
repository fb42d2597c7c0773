package gnn

import (
	"fmt"
	"github.com/gnnwb/gnnwb/internal/asm"
	"math"

	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/internal/parallel"
)

// Norm names an aggregation normalisation of MATH.md section 2.
type Norm int

const (
	// Sum is (S h)_i = Σ_j A_ij h_j (GIN).
	Sum Norm = iota
	// Mean is (S h)_i = (1/deg_i) Σ_j A_ij h_j with deg_i = Σ_j A_ij, the
	// weighted in-degree (the row length when unweighted); an isolated node
	// (deg_i = 0) gets 0 (GraphSAGE-mean).
	Mean
	// Symmetric is (S h)_i = Σ_j Ã_ij h_j / sqrt(d̃_i d̃_j) with Ã = A + I and
	// d̃_i = Σ_j Ã_ij (GCN). A self loop is added only to rows that lack
	// one; an existing loop keeps its weight, as PyTorch Geometric's gcn_norm
	// (add_remaining_self_loops) does.
	Symmetric
	// Graphon is (S h)_i = (1/(nρ)) Σ_j A_ij h_j, the graphon-limit
	// normalisation.
	Graphon
)

var normNames = [...]string{"sum", "mean", "symmetric", "graphon"}

// String returns "sum", "mean", "symmetric" or "graphon".
func (k Norm) String() string {
	if k < 0 || int(k) >= len(normNames) {
		return fmt.Sprintf("Norm(%d)", int(k))
	}
	return normNames[k]
}

// Operator is an aggregation S of one graph with its coefficients
// precomputed: S_ij = A_ij·r_i·c_j with a row factor r and a column factor c
// (Sum: 1, 1; Mean: 1/deg_i, 1; Symmetric: 1/sqrt(d̃_i), 1/sqrt(d̃_j) on Ã;
// Graphon: 1/(nρ), 1). Apply computes S·h and ApplT Sᵀ·h, both as gathers
// over rows (for Sᵀ over the transposed rows, which an undirected graph
// shares with S), parallel over fixed blocks of nodes, with no atomics and
// no allocation: the same bits for any GOMAXPROCS.
//
// An Operator keeps the graph's arrays (not copied) and adds O(entries)
// memory of its own. It is immutable and safe for concurrent use.
type Operator struct {
	n    int
	norm Norm
	// S: row i has columns idx[off[i]:off[i+1]] with coefficients coef[...].
	off  []int
	idx  []int32
	coef []float64
	// Sᵀ in the same form (toff/tidx alias off/idx for undirected graphs).
	toff  []int
	tidx  []int32
	tcoef []float64
}

// NewOperator precomputes the aggregation norm of g. rho is ρ of the Graphon
// normalisation (ignored by the others) and must lie in (0, 1]. Cost
// O(n + entries) time and memory (twice for a directed graph, which also
// stores the transposed rows). Errors wrap graphs.ErrParameter for an unknown
// norm or a bad rho.
func NewOperator(g graphs.Graph, norm Norm, rho float64) (*Operator, error) {
	if norm < Sum || norm > Graphon {
		return nil, fmt.Errorf("gnn: NewOperator: norm=%d: %w", int(norm), graphs.ErrParameter)
	}
	if norm == Graphon && !(rho > 0 && rho <= 1) {
		return nil, fmt.Errorf("gnn: NewOperator: rho=%v not in (0,1]: %w", rho, graphs.ErrParameter)
	}
	n := g.NumNodes()
	off, idx, w := g.CSR()
	if norm == Symmetric {
		off, idx, w = withSelfLoops(n, off, idx, w)
	}
	o := &Operator{n: n, norm: norm, off: off, idx: idx}
	r := make([]float64, n) // row factor
	c := make([]float64, n) // column factor
	switch norm {
	case Sum:
		for i := range n {
			r[i], c[i] = 1, 1
		}
	case Graphon:
		s := 1 / (float64(n) * rho)
		for i := range n {
			r[i], c[i] = s, 1
		}
	case Mean, Symmetric:
		for i := range n {
			var d float64
			if w == nil {
				d = float64(off[i+1] - off[i])
			} else {
				for _, x := range w[off[i]:off[i+1]] {
					d += x
				}
			}
			var f float64
			if d > 0 {
				if norm == Mean {
					f = 1 / d
				} else {
					f = 1 / math.Sqrt(d)
				}
			}
			r[i], c[i] = f, 1
			if norm == Symmetric {
				c[i] = f
			}
		}
	}
	o.coef = make([]float64, len(idx))
	for i := range n {
		for e := off[i]; e < off[i+1]; e++ {
			a := 1.0
			if w != nil {
				a = w[e]
			}
			o.coef[e] = a * r[i] * c[idx[e]]
		}
	}
	if !g.Directed() {
		// Sᵀ_ij = S_ji = A_ij·r_j·c_i on the same rows.
		o.toff, o.tidx = off, idx
		o.tcoef = make([]float64, len(idx))
		for i := range n {
			for e := off[i]; e < off[i+1]; e++ {
				a := 1.0
				if w != nil {
					a = w[e]
				}
				o.tcoef[e] = a * r[idx[e]] * c[i]
			}
		}
		return o, nil
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
	return o, nil
}

// withSelfLoops returns CSR arrays of A + I where rows without a self loop
// get one of weight 1 (in sorted position); existing loops are kept as they
// are. Weights are returned only when w != nil.
func withSelfLoops(n int, off []int, idx []int32, w []float64) ([]int, []int32, []float64) {
	missing := n
	for i := range n {
		for _, j := range idx[off[i]:off[i+1]] {
			if int(j) == i {
				missing--
				break
			}
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
				nw = append(nw, w[e])
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

// Norm returns the normalisation.
func (o *Operator) Norm() Norm { return o.norm }

// NumEntries returns the number of stored coefficients of S (with the added
// self loops for Symmetric).
func (o *Operator) NumEntries() int { return len(o.idx) }

// Dense returns S as a new dense n×n row-major slice (for tests and small graphs).
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

// ApplyT sets dst = Sᵀ·h, the adjoint used by backward passes. Same contract
// as Apply.
func (o *Operator) ApplyT(dst, h []float64, d int) {
	gather(dst, h, d, o.n, o.toff, o.tidx, o.tcoef, false)
}

// ApplyAdd and ApplyTAdd add S·h (Sᵀ·h) to dst instead of overwriting it.
func (o *Operator) ApplyAdd(dst, h []float64, d int) {
	gather(dst, h, d, o.n, o.off, o.idx, o.coef, true)
}

// ApplyTAdd adds Sᵀ·h to dst.
func (o *Operator) ApplyTAdd(dst, h []float64, d int) {
	gather(dst, h, d, o.n, o.toff, o.tidx, o.tcoef, true)
}

func gather(dst, h []float64, d, n int, off []int, idx []int32, coef []float64, acc bool) {
	if len(dst) != n*d || len(h) != n*d {
		panic(fmt.Sprintf("gnn: Operator: len(dst)=%d len(h)=%d, want n·d=%d·%d", len(dst), len(h), n, d))
	}
	parallel.For(parallel.Chunks(n, aggBlock), func(c int) {
		lo, hi := parallel.Range(c, aggBlock, n)
		for i := lo; i < hi; i++ {
			o := dst[i*d : i*d+d]
			if !acc {
				clear(o)
			}
			e0, e1 := off[i], off[i+1]
			q := 0
			if asm.UseFMA && e1 > e0 {
				for ; q+16 <= d; q += 16 {
					asm.Gather16FMA(&o[q], &idx[e0], &coef[e0], e1-e0, &h[q], d)
				}
				for ; q+8 <= d; q += 8 {
					asm.Gather8FMA(&o[q], &idx[e0], &coef[e0], e1-e0, &h[q], d)
				}
				if r := d - q; r > 0 {
					asm.GatherMaskFMA(&o[q], &idx[e0], &coef[e0], e1-e0, &h[q], d, &asm.LaneMask[r][0])
					q = d
				}
			}
			if q == d {
				continue
			}
			for e := e0; e < e1; e++ {
				a := coef[e]
				j := int(idx[e])
				hj := h[j*d+q : j*d+d]
				oq := o[q:]
				hj = hj[:len(oq)]
				for k := range oq {
					oq[k] += a * hj[k]
				}
			}
		}
	})
}

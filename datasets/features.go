package datasets

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/gnnwb/gnnwb/graphs"
)

// Sparse is a Rows×Cols matrix in compressed sparse row form: row i holds
// the values Values[Offsets[i]:Offsets[i+1]] in the columns
// Index[Offsets[i]:Offsets[i+1]], ascending, with no duplicate columns and
// no stored zeros. Loaders keep node features in this form when the source
// stores them sparse (Planetoid's scipy matrices, the .npz files): Cora's
// 2708×1433 bag of words has 49,216 nonzero entries, 1.3% of the dense
// matrix. The field names are gnn.Sparse's, so
//
//	&gnn.Sparse{Rows: s.Rows, Cols: s.Cols, Offsets: s.Offsets, Index: s.Index, Values: s.Values}
//
// hands the matrix to a model without copying.
type Sparse struct {
	Rows, Cols int
	Offsets    []int
	Index      []int32
	Values     []float64
}

// NNZ returns the number of stored entries (0 for a nil s).
func (s *Sparse) NNZ() int {
	if s == nil {
		return 0
	}
	return len(s.Index)
}

// Dense returns s as a new row-major Rows×Cols slice. Errors wrap
// graphs.ErrTooLarge when Rows·Cols exceeds 2³¹ elements (16 GiB) and
// graphs.ErrShape when the arrays are inconsistent. Cost O(Rows·Cols).
func (s *Sparse) Dense() ([]float64, error) {
	if s.Rows < 0 || s.Cols < 0 || len(s.Offsets) != s.Rows+1 || len(s.Values) != len(s.Index) ||
		s.Offsets[0] != 0 || s.Offsets[s.Rows] != len(s.Index) {
		return nil, fmt.Errorf("datasets: Sparse.Dense: %d×%d with %d offsets, %d indices, %d values: %w",
			s.Rows, s.Cols, len(s.Offsets), len(s.Index), len(s.Values), graphs.ErrShape)
	}
	if int64(s.Rows)*int64(s.Cols) > maxDense {
		return nil, fmt.Errorf("datasets: Sparse.Dense: %d×%d exceeds %d elements: %w", s.Rows, s.Cols, maxDense, graphs.ErrTooLarge)
	}
	d := make([]float64, s.Rows*s.Cols)
	for i := range s.Rows {
		lo, hi := s.Offsets[i], s.Offsets[i+1]
		if lo > hi || hi > len(s.Index) {
			return nil, fmt.Errorf("datasets: Sparse.Dense: offsets of row %d are %d..%d: %w", i, lo, hi, graphs.ErrShape)
		}
		row := d[i*s.Cols : (i+1)*s.Cols]
		for e := lo; e < hi; e++ {
			j := s.Index[e]
			if j < 0 || int(j) >= s.Cols {
				return nil, fmt.Errorf("datasets: Sparse.Dense: row %d column %d not in [0,%d): %w", i, j, s.Cols, graphs.ErrShape)
			}
			row[j] = s.Values[e]
		}
	}
	return d, nil
}

// sparseBuilder assembles a Sparse row by row: add (or addRow) the
// entries of a row in any order (columns already checked to lie in
// [0, Cols)), then endRow sorts them, sums duplicate columns (in the order
// added, as scipy's todense does) and drops zeros; endRows ends a block of
// rows at once.
type sparseBuilder struct {
	s   Sparse
	buf []sparseEntry
}

type sparseEntry struct {
	col int32
	val float64
}

func newSparseBuilder(rows, cols, nnz int) *sparseBuilder {
	b := &sparseBuilder{s: Sparse{Rows: rows, Cols: cols, Offsets: make([]int, 1, rows+1),
		Index: make([]int32, 0, nnz), Values: make([]float64, 0, nnz)}}
	return b
}

func (b *sparseBuilder) add(col int32, v float64) {
	b.s.Index = append(b.s.Index, col)
	b.s.Values = append(b.s.Values, v)
}

// endRows ends the entries added since the last row as the rows of ptr
// (row r holds entries ptr[r]−ptr[0] .. ptr[r+1]−ptr[0] of them), each as
// by endRow: in place when they are canonical already (scipy's usual
// output), else row by row from a copy.
func (b *sparseBuilder) endRows(ptr []int) {
	if len(ptr) < 2 {
		return
	}
	base, shift := b.s.Offsets[len(b.s.Offsets)-1], ptr[0]
	idx, val := b.s.Index[base:], b.s.Values[base:]
	for r := 0; r+1 < len(ptr); r++ {
		for e := ptr[r] - shift; e < ptr[r+1]-shift; e++ {
			if val[e] == 0 || (e > ptr[r]-shift && idx[e] <= idx[e-1]) {
				cols, vals := slices.Clone(idx), slices.Clone(val)
				b.s.Index, b.s.Values = b.s.Index[:base], b.s.Values[:base]
				for r := 0; r+1 < len(ptr); r++ {
					b.addRow(cols[ptr[r]-shift:ptr[r+1]-shift], vals[ptr[r]-shift:ptr[r+1]-shift])
					b.endRow()
				}
				return
			}
		}
	}
	for _, p := range ptr[1:] {
		b.s.Offsets = append(b.s.Offsets, base+p-shift)
	}
}

// addRow adds the entries (cols[k], vals[k]).
func (b *sparseBuilder) addRow(cols []int32, vals []float64) {
	b.s.Index = append(b.s.Index, cols...)
	b.s.Values = append(b.s.Values, vals...)
}

func (b *sparseBuilder) endRow() {
	lo := b.s.Offsets[len(b.s.Offsets)-1]
	idx, val := b.s.Index[lo:], b.s.Values[lo:]
	canonical := true
	for k := range idx {
		if val[k] == 0 || (k > 0 && idx[k] <= idx[k-1]) {
			canonical = false
			break
		}
	}
	if !canonical {
		b.buf = b.buf[:0]
		for k := range idx {
			b.buf = append(b.buf, sparseEntry{idx[k], val[k]})
		}
		slices.SortStableFunc(b.buf, func(x, y sparseEntry) int { return cmp.Compare(x.col, y.col) })
		w := 0
		for k := 0; k < len(b.buf); {
			c, sum := b.buf[k].col, 0.0
			for ; k < len(b.buf) && b.buf[k].col == c; k++ {
				sum += b.buf[k].val
			}
			if sum != 0 {
				idx[w], val[w] = c, sum
				w++
			}
		}
		b.s.Index, b.s.Values = b.s.Index[:lo+w], b.s.Values[:lo+w]
	}
	b.s.Offsets = append(b.s.Offsets, len(b.s.Index))
}

// done returns the matrix after Rows calls of endRow.
func (b *sparseBuilder) done() *Sparse {
	s := b.s
	return &s
}

package datasets

import (
	"cmp"
	"slices"

	"github.com/gnnwb/gnnwb/graphs/sparse"
)

// sparseBuilder assembles a sparse.Matrix row by row: add (or addRow) the
// entries of a row in any order (columns already checked to lie in
// [0, cols)), then endRow sorts them, sums duplicate columns (in the order
// added, as scipy's todense does) and drops zeros; endRows ends a block of
// rows at once. The arrays it builds are canonical (see package
// graphs/sparse), so done hands them to sparse.FromCSR without copying.
type sparseBuilder struct {
	rows, cols int
	offsets    []int
	index      []int32
	values     []float64
	buf        []sparseEntry
}

type sparseEntry struct {
	col int32
	val float64
}

func newSparseBuilder(rows, cols, nnz int) *sparseBuilder {
	return &sparseBuilder{rows: rows, cols: cols, offsets: make([]int, 1, rows+1),
		index: make([]int32, 0, nnz), values: make([]float64, 0, nnz)}
}

func (b *sparseBuilder) add(col int32, v float64) {
	b.index = append(b.index, col)
	b.values = append(b.values, v)
}

// endRows ends the entries added since the last row as the rows of ptr
// (row r holds entries ptr[r]−ptr[0] .. ptr[r+1]−ptr[0] of them), each as
// by endRow: in place when they are canonical already (scipy's usual
// output), else row by row from a copy.
func (b *sparseBuilder) endRows(ptr []int) {
	if len(ptr) < 2 {
		return
	}
	base, shift := b.offsets[len(b.offsets)-1], ptr[0]
	idx, val := b.index[base:], b.values[base:]
	for r := 0; r+1 < len(ptr); r++ {
		for e := ptr[r] - shift; e < ptr[r+1]-shift; e++ {
			if val[e] == 0 || (e > ptr[r]-shift && idx[e] <= idx[e-1]) {
				cols, vals := slices.Clone(idx), slices.Clone(val)
				b.index, b.values = b.index[:base], b.values[:base]
				for r := 0; r+1 < len(ptr); r++ {
					b.addRow(cols[ptr[r]-shift:ptr[r+1]-shift], vals[ptr[r]-shift:ptr[r+1]-shift])
					b.endRow()
				}
				return
			}
		}
	}
	for _, p := range ptr[1:] {
		b.offsets = append(b.offsets, base+p-shift)
	}
}

// addRow adds the entries (cols[k], vals[k]).
func (b *sparseBuilder) addRow(cols []int32, vals []float64) {
	b.index = append(b.index, cols...)
	b.values = append(b.values, vals...)
}

func (b *sparseBuilder) endRow() {
	lo := b.offsets[len(b.offsets)-1]
	idx, val := b.index[lo:], b.values[lo:]
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
		b.index, b.values = b.index[:lo+w], b.values[:lo+w]
	}
	b.offsets = append(b.offsets, len(b.index))
}

// done returns the matrix after rows calls of endRow. The error, wrapping
// graphs.ErrShape, says that fewer or more rows were ended.
func (b *sparseBuilder) done() (*sparse.Matrix, error) {
	return sparse.FromCSR(b.rows, b.cols, b.offsets, b.index, b.values)
}

package sparse

import (
	"fmt"
	"math"
	"sort"
	"sync/atomic"

	"github.com/gnnwb/gnnwb/graphs"
)

// MaxDim is the largest number of rows or columns of a Matrix: column
// numbers, and the row numbers of a transpose, are int32.
const MaxDim = math.MaxInt32

// MaxDense is the largest number of elements Dense allocates (2³¹ float64,
// 16 GiB).
const MaxDense = 1 << 31

// Matrix is a Rows×Cols matrix of float64 in compressed sparse row form;
// the package documentation gives its layout and invariants. Build one with
// FromCSR or FromDense. The zero Matrix is the empty 0×0 matrix, and the
// accessors treat a nil *Matrix as that matrix.
type Matrix struct {
	rows, cols int
	pat        *pattern // offsets and index, shared by RowNormalized and WithValuesTo; nil for the zero Matrix
	values     []float64
	own        []float64 // storage TransposeTo allocated for this matrix, reused by its next call
}

// pattern is the structure of a matrix: where its entries are.
type pattern struct {
	offsets []int
	index   []int32
	t       atomic.Pointer[transposition] // built by the first TransposeTo
}

// transposition is the pattern of Xᵀ and where its entries come from: entry
// e of Xᵀ is entry perm[e] of X.
type transposition struct {
	pat  *pattern
	perm []int
}

// emptyOffsets are the offsets of every matrix without rows.
var emptyOffsets = []int{0}

func checkDims(fn string, rows, cols int) error {
	if rows < 0 || cols < 0 {
		return fmt.Errorf("sparse: %s: rows=%d cols=%d negative: %w", fn, rows, cols, graphs.ErrShape)
	}
	if rows > MaxDim || cols > MaxDim {
		return fmt.Errorf("sparse: %s: rows=%d cols=%d exceed %d: %w", fn, rows, cols, MaxDim, graphs.ErrTooLarge)
	}
	return nil
}

// FromCSR returns the rows×cols matrix whose row i holds the values
// values[offsets[i]:offsets[i+1]] in the columns index[offsets[i]:offsets[i+1]].
// It checks every invariant of the package documentation: errors wrap
// graphs.ErrShape (a length, an offset, a column out of order or range),
// graphs.ErrParameter (a stored zero) or graphs.ErrTooLarge (rows or cols
// above MaxDim). The slices are kept, not copied: the caller must not
// modify them afterwards. Cost O(rows + nnz), no allocation but the Matrix.
func FromCSR(rows, cols int, offsets []int, index []int32, values []float64) (*Matrix, error) {
	if err := checkDims("FromCSR", rows, cols); err != nil {
		return nil, err
	}
	if len(offsets) != rows+1 || offsets[0] != 0 || offsets[rows] != len(index) || len(values) != len(index) {
		return nil, fmt.Errorf("sparse: FromCSR: %d×%d with %d offsets, %d indices, %d values: %w",
			rows, cols, len(offsets), len(index), len(values), graphs.ErrShape)
	}
	for i := range rows {
		lo, hi := offsets[i], offsets[i+1]
		if hi < lo || hi > len(index) {
			return nil, fmt.Errorf("sparse: FromCSR: offsets of row %d are %d..%d: %w", i, lo, hi, graphs.ErrShape)
		}
		prev := int32(-1)
		for e := lo; e < hi; e++ {
			j := index[e]
			if j <= prev || int(j) >= cols {
				return nil, fmt.Errorf("sparse: FromCSR: row %d column %d out of order or not in [0,%d): %w", i, j, cols, graphs.ErrShape)
			}
			if values[e] == 0 {
				return nil, fmt.Errorf("sparse: FromCSR: row %d column %d stores a zero: %w", i, j, graphs.ErrParameter)
			}
			prev = j
		}
	}
	return &Matrix{rows: rows, cols: cols, pat: &pattern{offsets: offsets, index: index}, values: values}, nil
}

// FromDense returns the nonzero entries of the row-major rows×cols matrix
// dense (copied; dense is not kept) as a Matrix. Errors wrap
// graphs.ErrShape when len(dense) ≠ rows·cols or a dimension is negative,
// graphs.ErrTooLarge when one exceeds MaxDim. Cost O(rows·cols).
func FromDense(rows, cols int, dense []float64) (*Matrix, error) {
	if err := checkDims("FromDense", rows, cols); err != nil {
		return nil, err
	}
	if int64(rows)*int64(cols) != int64(len(dense)) {
		return nil, fmt.Errorf("sparse: FromDense: rows=%d cols=%d len(dense)=%d: %w", rows, cols, len(dense), graphs.ErrShape)
	}
	nnz := 0
	for _, x := range dense {
		if x != 0 {
			nnz++
		}
	}
	offsets, index, values := make([]int, rows+1), make([]int32, 0, nnz), make([]float64, 0, nnz)
	for i := range rows {
		for j, x := range dense[i*cols : (i+1)*cols] {
			if x != 0 {
				index = append(index, int32(j))
				values = append(values, x)
			}
		}
		offsets[i+1] = len(index)
	}
	return &Matrix{rows: rows, cols: cols, pat: &pattern{offsets: offsets, index: index}, values: values}, nil
}

// Rows returns the number of rows.
func (m *Matrix) Rows() int {
	if m == nil {
		return 0
	}
	return m.rows
}

// Cols returns the number of columns.
func (m *Matrix) Cols() int {
	if m == nil {
		return 0
	}
	return m.cols
}

// NNZ returns the number of stored entries (0 for a nil m).
func (m *Matrix) NNZ() int {
	if m == nil {
		return 0
	}
	return len(m.values)
}

// CSR returns the three arrays of the package documentation's layout. They
// are m's own: read them, don't modify them. No allocation.
func (m *Matrix) CSR() (offsets []int, index []int32, values []float64) {
	if m == nil || m.pat == nil {
		return emptyOffsets[:1:1], nil, nil
	}
	return m.pat.offsets, m.pat.index, m.values
}

// Row returns the columns (ascending) and values of the entries of row i,
// subslices of m's arrays (read-only). It panics if i is not in [0, Rows),
// like a slice index. No allocation.
func (m *Matrix) Row(i int) (index []int32, values []float64) {
	offsets, idx, vals := m.CSR()
	lo, hi := offsets[i], offsets[i+1]
	return idx[lo:hi:hi], vals[lo:hi:hi]
}

// At returns X_ij (0 when row i stores no column j). It panics if i or j is
// out of range, like a slice index. Cost O(log(entries of row i)).
func (m *Matrix) At(i, j int) float64 {
	if j < 0 || j >= m.Cols() {
		panic(fmt.Sprintf("sparse: Matrix.At: column %d not in [0,%d)", j, m.Cols()))
	}
	idx, vals := m.Row(i)
	k := sort.Search(len(idx), func(k int) bool { return int(idx[k]) >= j })
	if k < len(idx) && int(idx[k]) == j {
		return vals[k]
	}
	return 0
}

// Dense returns m as a new row-major Rows×Cols slice. Errors wrap
// graphs.ErrTooLarge when Rows·Cols exceeds MaxDense. Cost O(Rows·Cols).
func (m *Matrix) Dense() ([]float64, error) {
	rows, cols := m.Rows(), m.Cols()
	if int64(rows)*int64(cols) > MaxDense {
		return nil, fmt.Errorf("sparse: Matrix.Dense: %d×%d exceeds %d elements: %w", rows, cols, MaxDense, graphs.ErrTooLarge)
	}
	d := make([]float64, rows*cols)
	offsets, index, values := m.CSR()
	for i := range rows {
		row := d[i*cols : (i+1)*cols]
		for e := offsets[i]; e < offsets[i+1]; e++ {
			row[index[e]] = values[e]
		}
	}
	return d, nil
}

// RowNormalized returns the matrix with m's pattern (shared, not copied)
// and every row divided by the sum of its entries; a row summing to 0 is
// kept as it is. This is the row normalisation of bag-of-words features
// (Kipf & Welling 2017). m is not modified; nil gives nil. Cost O(Rows +
// nnz), one new values slice.
func (m *Matrix) RowNormalized() *Matrix {
	if m == nil {
		return nil
	}
	offsets, _, values := m.CSR()
	v := make([]float64, len(values))
	for i := range m.rows {
		lo, hi := offsets[i], offsets[i+1]
		var sum float64
		for _, x := range values[lo:hi] {
			sum += x
		}
		if sum == 0 {
			copy(v[lo:hi], values[lo:hi])
			continue
		}
		inv := 1 / sum
		for e := lo; e < hi; e++ {
			v[e] = values[e] * inv
		}
	}
	return &Matrix{rows: m.rows, cols: m.cols, pat: m.pat, values: v}
}

// WithValuesTo sets dst to the matrix with m's pattern (shared, with its
// cached transpose) and the given values, values[e] replacing the value of
// m's entry e. values is kept, not copied, and may hold zeros, which stay
// stored entries (a dropout mask applied to m's values). dst's previous
// contents are discarded; m is not modified unless dst is m. Errors wrap
// graphs.ErrShape when len(values) ≠ m.NNZ(). Cost O(1), no allocation.
func (m *Matrix) WithValuesTo(dst *Matrix, values []float64) error {
	if len(values) != m.NNZ() {
		return fmt.Errorf("sparse: Matrix.WithValuesTo: len(values)=%d, want nnz=%d: %w", len(values), m.NNZ(), graphs.ErrShape)
	}
	var pat *pattern
	if m != nil {
		pat = m.pat
	}
	*dst = Matrix{rows: m.Rows(), cols: m.Cols(), pat: pat, values: values, own: dst.own}
	return nil
}

// TransposeTo sets dst to mᵀ (Cols×Rows) and returns dst; a nil dst is a
// new Matrix. The first call on m's pattern builds mᵀ's pattern in
// O(Rows + Cols + nnz) and caches it (safe for concurrent callers); every
// call copies the nnz values into storage that belongs to dst, reused by
// dst's next TransposeTo, so that a reused dst allocates nothing. dst's
// previous contents are discarded; m is not modified unless dst is m.
func (m *Matrix) TransposeTo(dst *Matrix) *Matrix {
	if dst == nil {
		dst = new(Matrix)
	}
	if m == nil || m.pat == nil { // the zero Matrix, 0×0
		*dst = Matrix{own: dst.own}
		return dst
	}
	t := m.transposition()
	buf := dst.own
	if cap(buf) < len(m.values) || (len(m.values) > 0 && &buf[:1][0] == &m.values[0]) {
		buf = make([]float64, len(m.values))
	}
	buf = buf[:len(m.values)]
	for e, p := range t.perm {
		buf[e] = m.values[p]
	}
	*dst = Matrix{rows: m.cols, cols: m.rows, pat: t.pat, values: buf, own: buf}
	return dst
}

// transposition returns the cached pattern of mᵀ, building it on first use
// (m.pat is not nil).
func (m *Matrix) transposition() *transposition {
	if t := m.pat.t.Load(); t != nil {
		return t
	}
	offsets, index := m.pat.offsets, m.pat.index
	t := &transposition{
		pat:  &pattern{offsets: make([]int, m.cols+1), index: make([]int32, len(index))},
		perm: make([]int, len(index)),
	}
	toff := t.pat.offsets
	for _, j := range index {
		toff[j+1]++
	}
	for j := range m.cols {
		toff[j+1] += toff[j]
	}
	next := append([]int(nil), toff[:m.cols]...)
	for i := range m.rows {
		for e := offsets[i]; e < offsets[i+1]; e++ {
			j := index[e]
			t.pat.index[next[j]] = int32(i)
			t.perm[next[j]] = e
			next[j]++
		}
	}
	m.pat.t.CompareAndSwap(nil, t)
	return m.pat.t.Load()
}

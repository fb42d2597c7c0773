// Package sparse holds gnnwb's one sparse matrix type, Matrix: a real
// Rows×Cols matrix in compressed sparse row (CSR) form, the form in which
// the dataset loaders keep bag-of-words node features (Cora's 2708×1433
// features have 49,216 nonzero entries, 1.3% of the dense matrix) and in
// which the first layer of a gnn model reads them.
//
// # Layout
//
// A Matrix X with nnz stored entries lives in three flat slices:
//
//	offsets []int     // length Rows+1, offsets[0] = 0, offsets[Rows] = nnz; row i is offsets[i]:offsets[i+1]
//	index   []int32   // the column j of each entry, ascending within a row
//	values  []float64 // X_ij of each entry, aligned with index
//
// so that X_ij = values[e] for the e in offsets[i]:offsets[i+1] with
// index[e] = j, and X_ij = 0 when row i has no such entry. CSR returns the
// three slices for hot loops and Row(i) one row; both are read-only views.
// Memory: 8 bytes per row and 12 per stored entry.
//
// # Invariants
//
// FromCSR and FromDense check, and every Matrix they return satisfies:
//
//   - 0 ≤ Rows, Cols ≤ MaxDim = 2³¹ − 1 (column and, in the transpose, row
//     numbers are int32);
//   - offsets has length Rows+1, starts at 0, never decreases and ends at
//     len(index) = len(values);
//   - the columns of each row are strictly ascending (no duplicates) and in
//     [0, Cols);
//   - no stored value is 0 (the canonical form of scipy's
//     csr_matrix.eliminate_zeros with sorted, summed duplicates).
//
// Matrices derived from one of these keep its sparsity pattern: RowNormalized
// and WithValuesTo change the values only, so an entry whose new value is 0
// (an entry dropped by a dropout mask) stays stored; every operation treats
// it as an ordinary entry.
//
// A Matrix is immutable once built: FromCSR keeps the slices it is given
// (no copy) and the caller must not modify them afterwards; accessors
// return the matrix's own slices, which callers must not modify. Any number
// of goroutines may read a Matrix at once.
//
// # Transpose
//
// TransposeTo writes Xᵀ (Cols×Rows, again CSR: the rows of Xᵀ are the
// columns of X) into a destination matrix. The pattern of Xᵀ, with the
// permutation taking X's entries to Xᵀ's, is built on the first call in
// O(Rows + Cols + nnz) and cached, shared by all matrices with X's pattern
// (those made by RowNormalized and WithValuesTo); each call then only
// permutes the nnz values into the destination's storage, allocating nothing
// once that storage has grown. A product Xᵀ·G (the weight gradient of a
// layer reading X) is then a gather over the rows of Xᵀ, like X·B.
//
// # Errors
//
// Constructors return errors wrapping graphs.ErrShape (lengths, order or
// range of the CSR arrays, or len(dense) ≠ Rows·Cols), graphs.ErrParameter
// (a stored zero) and graphs.ErrTooLarge (a dimension above MaxDim, or a
// dense copy above MaxDense elements); nothing here panics on such input.
package sparse

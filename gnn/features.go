package gnn

import (
	"fmt"

	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/graphs/sparse"
)

// Features is a model input: Dense (rows×Cols, row-major) or, if non-nil,
// Sparse. Set one of the two.
type Features struct {
	Dense  []float64
	Sparse *sparse.Matrix
}

// Cols checks that x holds the features of n ≥ 1 rows in exactly one form
// and returns their number of columns (≥ 1). Errors wrap graphs.ErrShape.
func (x Features) Cols(n int) (int, error) {
	const fn = "Features.Cols"
	switch {
	case x.Sparse != nil && x.Dense != nil:
		return 0, fmt.Errorf("gnn: %s: features given both dense and sparse: %w", fn, graphs.ErrShape)
	case x.Sparse != nil:
		if n == 0 || x.Sparse.Rows() != n || x.Sparse.Cols() == 0 {
			return 0, fmt.Errorf("gnn: %s: n=%d but sparse features are %d×%d: %w", fn, n, x.Sparse.Rows(), x.Sparse.Cols(), graphs.ErrShape)
		}
		return x.Sparse.Cols(), nil
	}
	if n == 0 || len(x.Dense) == 0 || len(x.Dense)%n != 0 {
		return 0, fmt.Errorf("gnn: %s: n=%d len(X)=%d: %w", fn, n, len(x.Dense), graphs.ErrShape)
	}
	return len(x.Dense) / n, nil
}

// Input returns x, the features of n rows and m.In columns (as checked by
// Features.Cols), in the form m reads: sparse when its first layer takes
// sparse input (Model.Sparse) and mode is 1, or mode is 0 (auto) and x is
// sparse or at most 10% of its entries are nonzero; dense otherwise (mode
// −1 always). Conversions copy; x is not modified. Errors are those of the
// conversion: graphs.ErrShape when x does not have n rows of m.In columns,
// graphs.ErrTooLarge when the matrix is too large for its new form.
func (m *Model) Input(x Features, n, mode int) (Features, error) {
	if mode < 0 || !m.Sparse() {
		if x.Sparse != nil {
			d, err := x.Sparse.Dense()
			return Features{Dense: d}, err
		}
		return x, nil
	}
	if x.Sparse != nil {
		return x, nil
	}
	if mode == 0 {
		nnz := 0
		for _, v := range x.Dense {
			if v != 0 {
				nnz++
			}
		}
		if nnz*10 > len(x.Dense) {
			return x, nil
		}
	}
	s, err := sparse.FromDense(n, m.In, x.Dense)
	return Features{Sparse: s}, err
}

// RowNormalize returns a copy of the n×d row-major features X with every
// row divided by its sum of entries (rows summing to 0 are left as they
// are), the preprocessing of Kipf & Welling's code (preprocess_features)
// and PyTorch Geometric's NormalizeFeatures. X is not modified. Errors wrap
// graphs.ErrShape when d ≤ 0 or len(X) is not a multiple of d. Cost O(n·d).
// Sparse features have the same operation as sparse.Matrix.RowNormalized.
func RowNormalize(X []float64, d int) ([]float64, error) {
	if d <= 0 || len(X)%d != 0 {
		return nil, fmt.Errorf("gnn: RowNormalize: len(X)=%d d=%d: %w", len(X), d, graphs.ErrShape)
	}
	out := make([]float64, len(X))
	for lo := 0; lo < len(X); lo += d {
		row := X[lo : lo+d]
		var s float64
		for _, v := range row {
			s += v
		}
		if s == 0 {
			copy(out[lo:lo+d], row)
			continue
		}
		inv := 1 / s
		for k, v := range row {
			out[lo+k] = v * inv
		}
	}
	return out, nil
}

package datasets

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/gnnwb/gnnwb/graphs/sparse"
	"github.com/gnnwb/gnnwb/internal/dataroot"
)

// sharedDir returns the data root (dataroot.Find: $GNNWB_DATA, else the
// folder continuous integration provides), or skips the test with a message
// saying which variable to set. It also skips when the root lacks a file of
// the manifest (a root the user filled with only some datasets), naming one.
func sharedDir(t testing.TB) string {
	t.Helper()
	d, err := dataroot.Find()
	if err != nil {
		t.Skip(err)
	}
	var missing []string
	for p := range manifest {
		if _, err := os.Stat(filepath.Join(d, filepath.FromSlash(p))); err != nil {
			missing = append(missing, p)
		}
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		t.Skipf("the data root %s lacks %d of the %d files the tests read, such as %s (run `gnnwb datasets fetch NAME` for every dataset with %s set to the root); skipping",
			d, len(missing), len(manifest), missing[0], dataroot.Env)
	}
	return d
}

// needFile skips when path is absent.
func needFile(t testing.TB, path string) {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		t.Skipf("%s is absent (see PROVENANCE.md); skipping", path)
	}
}

// denseX returns ds's features dense (DenseX), failing the test on error,
// after checking that SparseX, when set, is canonical (validSparse).
func denseX(t testing.TB, ds *NodeDataset) []float64 {
	t.Helper()
	if ds.SparseX != nil {
		if ds.X != nil {
			t.Fatal("both X and SparseX set")
		}
		if err := validSparse(ds.SparseX, ds.Graph.NumNodes(), ds.NumFeatures); err != nil {
			t.Fatal(err)
		}
	}
	x, err := ds.DenseX()
	if err != nil {
		t.Fatal(err)
	}
	if len(x) != ds.Graph.NumNodes()*ds.NumFeatures {
		t.Fatalf("len(DenseX) = %d, want %d×%d", len(x), ds.Graph.NumNodes(), ds.NumFeatures)
	}
	return x
}

// validSparse checks that s is rows×cols in canonical CSR form: offsets
// from 0 to nnz, nondecreasing; columns ascending within rows, in range; no
// stored zeros.
func validSparse(s *sparse.Matrix, rows, cols int) error {
	offsets, index, values := s.CSR()
	if s.Rows() != rows || s.Cols() != cols || len(offsets) != rows+1 || offsets[0] != 0 ||
		offsets[rows] != len(index) || len(values) != len(index) {
		return fmt.Errorf("sparse %d×%d, %d offsets, %d indices, %d values; want %d×%d", s.Rows(), s.Cols(), len(offsets), len(index), len(values), rows, cols)
	}
	for i := range rows {
		if offsets[i+1] < offsets[i] {
			return fmt.Errorf("offsets decrease at row %d", i)
		}
		for e := offsets[i]; e < offsets[i+1]; e++ {
			if index[e] < 0 || int(index[e]) >= cols || (e > offsets[i] && index[e] <= index[e-1]) || values[e] == 0 {
				return fmt.Errorf("row %d entry %d: column %d value %v", i, e, index[e], values[e])
			}
		}
	}
	return nil
}

package datasets

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

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
func validSparse(s *Sparse, rows, cols int) error {
	if s.Rows != rows || s.Cols != cols || len(s.Offsets) != rows+1 || s.Offsets[0] != 0 ||
		s.Offsets[rows] != len(s.Index) || len(s.Values) != len(s.Index) {
		return fmt.Errorf("sparse %d×%d, %d offsets, %d indices, %d values; want %d×%d", s.Rows, s.Cols, len(s.Offsets), len(s.Index), len(s.Values), rows, cols)
	}
	for i := range rows {
		if s.Offsets[i+1] < s.Offsets[i] {
			return fmt.Errorf("offsets decrease at row %d", i)
		}
		for e := s.Offsets[i]; e < s.Offsets[i+1]; e++ {
			if s.Index[e] < 0 || int(s.Index[e]) >= cols || (e > s.Offsets[i] && s.Index[e] <= s.Index[e-1]) || s.Values[e] == 0 {
				return fmt.Errorf("row %d entry %d: column %d value %v", i, e, s.Index[e], s.Values[e])
			}
		}
	}
	return nil
}

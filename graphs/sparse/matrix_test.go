package sparse

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"

	"github.com/gnnwb/gnnwb/graphs"
)

func TestFromCSR(t *testing.T) {
	tests := []struct {
		name       string
		rows, cols int
		offsets    []int
		index      []int32
		values     []float64
		err        error
	}{
		{"2x3", 2, 3, []int{0, 2, 3}, []int32{0, 2, 1}, []float64{1, -2, 3}, nil},
		{"empty rows", 3, 2, []int{0, 0, 1, 1}, []int32{1}, []float64{5}, nil},
		{"0x0", 0, 0, []int{0}, nil, nil, nil},
		{"0 rows", 0, 4, []int{0}, nil, nil, nil},
		{"0 cols", 2, 0, []int{0, 0, 0}, nil, nil, nil},
		{"NaN value", 1, 1, []int{0, 1}, []int32{0}, []float64{math.NaN()}, nil},
		{"negative rows", -1, 2, []int{0}, nil, nil, graphs.ErrShape},
		{"negative cols", 1, -2, []int{0, 0}, nil, nil, graphs.ErrShape},
		{"too many cols", 1, MaxDim + 1, []int{0, 0}, nil, nil, graphs.ErrTooLarge},
		{"offsets length", 2, 2, []int{0, 1}, []int32{0}, []float64{1}, graphs.ErrShape},
		{"nil offsets", 0, 0, nil, nil, nil, graphs.ErrShape},
		{"first offset", 1, 2, []int{1, 1}, []int32{0}, []float64{1}, graphs.ErrShape},
		{"last offset", 1, 2, []int{0, 1}, []int32{0, 1}, []float64{1, 1}, graphs.ErrShape},
		{"values length", 1, 2, []int{0, 1}, []int32{0}, nil, graphs.ErrShape},
		{"decreasing offsets", 2, 2, []int{0, 2, 1}, []int32{0}, []float64{1}, graphs.ErrShape},
		{"offset beyond nnz", 2, 2, []int{0, 5, 1}, []int32{0}, []float64{1}, graphs.ErrShape},
		{"unsorted", 1, 3, []int{0, 2}, []int32{2, 0}, []float64{1, 1}, graphs.ErrShape},
		{"duplicate", 1, 3, []int{0, 2}, []int32{1, 1}, []float64{1, 1}, graphs.ErrShape},
		{"column too large", 1, 2, []int{0, 1}, []int32{2}, []float64{1}, graphs.ErrShape},
		{"negative column", 1, 2, []int{0, 1}, []int32{-1}, []float64{1}, graphs.ErrShape},
		{"stored zero", 2, 2, []int{0, 1, 2}, []int32{0, 1}, []float64{1, 0}, graphs.ErrParameter},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := FromCSR(tt.rows, tt.cols, tt.offsets, tt.index, tt.values)
			if !errors.Is(err, tt.err) || (tt.err == nil) != (err == nil) {
				t.Fatalf("err = %v, want %v", err, tt.err)
			}
			if err != nil {
				return
			}
			if m.Rows() != tt.rows || m.Cols() != tt.cols || m.NNZ() != len(tt.values) {
				t.Fatalf("%d×%d nnz %d", m.Rows(), m.Cols(), m.NNZ())
			}
			off, idx, val := m.CSR()
			if !slices.Equal(off, tt.offsets) || !slices.Equal(idx, tt.index) || len(val) != len(tt.values) {
				t.Fatalf("CSR() = %v %v %v", off, idx, val)
			}
			if len(val) > 0 && &val[0] != &tt.values[0] {
				t.Error("values copied")
			}
		})
	}
}

func TestFromDense(t *testing.T) {
	tests := []struct {
		name       string
		rows, cols int
		dense      []float64
		nnz        int
		err        error
	}{
		{"2x3", 2, 3, []float64{0, 1, 0, -2, 0, 3}, 3, nil},
		{"all zero", 2, 2, make([]float64, 4), 0, nil},
		{"0x0", 0, 0, nil, 0, nil},
		{"0 rows", 0, 5, nil, 0, nil},
		{"0 cols", 3, 0, nil, 0, nil},
		{"short", 2, 3, make([]float64, 5), 0, graphs.ErrShape},
		{"0 cols, data", 1, 0, []float64{1}, 0, graphs.ErrShape},
		{"negative", -1, 3, nil, 0, graphs.ErrShape},
		{"huge", MaxDim + 1, 1, nil, 0, graphs.ErrTooLarge},
		{"overflowing product", 1 << 31, 1 << 31, nil, 0, graphs.ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := FromDense(tt.rows, tt.cols, tt.dense)
			if !errors.Is(err, tt.err) || (tt.err == nil) != (err == nil) {
				t.Fatalf("err = %v, want %v", err, tt.err)
			}
			if err != nil {
				return
			}
			if m.NNZ() != tt.nnz {
				t.Errorf("NNZ = %d, want %d", m.NNZ(), tt.nnz)
			}
			d, err := m.Dense()
			if err != nil || !slices.Equal(d, append([]float64{}, tt.dense...)) {
				t.Errorf("Dense = %v, %v; want %v", d, err, tt.dense)
			}
			for i := range tt.rows {
				for j := range tt.cols {
					if got := m.At(i, j); got != tt.dense[i*tt.cols+j] {
						t.Errorf("At(%d,%d) = %v", i, j, got)
					}
				}
			}
			off, idx, val := m.CSR()
			if _, err := FromCSR(m.Rows(), m.Cols(), off, idx, val); err != nil {
				t.Errorf("FromDense's result fails FromCSR: %v", err)
			}
		})
	}
}

// randomMatrix returns a rows×cols dense matrix with about density of its
// entries nonzero, and the same as a Matrix.
func randomMatrix(t *testing.T, rng *rand.Rand, rows, cols int, density float64) ([]float64, *Matrix) {
	t.Helper()
	d := make([]float64, rows*cols)
	for e := range d {
		if rng.Float64() < density {
			d[e] = rng.NormFloat64()
		}
	}
	m, err := FromDense(rows, cols, d)
	if err != nil {
		t.Fatal(err)
	}
	return d, m
}

func TestTransposeTo(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	shapes := []struct {
		name       string
		rows, cols int
		density    float64
	}{
		{"7x5", 7, 5, 0.3},
		{"dense", 4, 6, 1},
		{"empty", 5, 3, 0},
		{"0 rows", 0, 4, 0.5},
		{"0 cols", 3, 0, 0.5},
		{"1x1", 1, 1, 1},
	}
	for _, s := range shapes {
		t.Run(s.name, func(t *testing.T) {
			d, m := randomMatrix(t, rng, s.rows, s.cols, s.density)
			want := make([]float64, len(d))
			for i := range s.rows {
				for j := range s.cols {
					want[j*s.rows+i] = d[i*s.cols+j]
				}
			}
			var dst Matrix
			for range 2 { // the second call reuses the cached pattern and dst's storage
				tr := m.TransposeTo(&dst)
				if tr != &dst || tr.Rows() != s.cols || tr.Cols() != s.rows || tr.NNZ() != m.NNZ() {
					t.Fatalf("transpose %d×%d nnz %d", tr.Rows(), tr.Cols(), tr.NNZ())
				}
				got, err := tr.Dense()
				if err != nil || !slices.Equal(got, want) {
					t.Fatalf("Dense(mᵀ) = %v, want %v", got, want)
				}
				off, idx, val := tr.CSR()
				if _, err := FromCSR(tr.Rows(), tr.Cols(), off, idx, val); err != nil {
					t.Fatalf("transpose breaks an invariant: %v", err)
				}
			}
			back, err := m.TransposeTo(nil).TransposeTo(nil).Dense()
			if err != nil || !slices.Equal(back, d) {
				t.Fatalf("(mᵀ)ᵀ = %v, want %v", back, d)
			}
			if allocs := testing.AllocsPerRun(10, func() { m.TransposeTo(&dst) }); allocs != 0 {
				t.Errorf("TransposeTo into a grown dst: %v allocations", allocs)
			}
		})
	}
	// In place: m.TransposeTo(m) reads m's values before replacing them.
	_, m := randomMatrix(t, rng, 3, 4, 0.5)
	want, _ := m.TransposeTo(nil).Dense()
	m.TransposeTo(m).TransposeTo(m)
	m.TransposeTo(m)
	if got, _ := m.Dense(); !slices.Equal(got, want) {
		t.Errorf("in-place transposes = %v, want %v", got, want)
	}
}

// TestTransposeConcurrent: goroutines transposing one matrix at once (the
// first call builds the cached pattern) all get the right result; run with
// -race.
func TestTransposeConcurrent(t *testing.T) {
	d, m := randomMatrix(t, rand.New(rand.NewPCG(3, 4)), 40, 30, 0.2)
	var wg sync.WaitGroup
	got := make([][]float64, 4)
	for k := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[k], _ = m.TransposeTo(nil).Dense()
		}()
	}
	wg.Wait()
	for k := range got {
		for i := range 40 {
			for j := range 30 {
				if got[k][j*40+i] != d[i*30+j] {
					t.Fatalf("goroutine %d: (%d,%d) wrong", k, i, j)
				}
			}
		}
	}
}

func TestRowNormalized(t *testing.T) {
	d := []float64{1, 1, 2, 0, 0, 0, 0, 3, 0, 0.5, 0, -0.5}
	m, err := FromDense(4, 3, d)
	if err != nil {
		t.Fatal(err)
	}
	got := m.RowNormalized()
	want := []float64{0.25, 0.25, 0.5, 0, 0, 0, 0, 1, 0, 0.5, 0, -0.5} // a zero-sum row is kept
	if g, _ := got.Dense(); !slices.Equal(g, want) {
		t.Fatalf("RowNormalized = %v, want %v", g, want)
	}
	_, gi, _ := got.CSR()
	_, mi, mv := m.CSR()
	if &gi[0] != &mi[0] || mv[0] != 1 {
		t.Fatal("pattern copied or input modified")
	}
	if (*Matrix)(nil).RowNormalized() != nil {
		t.Error("RowNormalized(nil) != nil")
	}
}

func TestWithValuesTo(t *testing.T) {
	m, _ := FromDense(2, 3, []float64{1, 0, 2, 0, 3, 0})
	m.TransposeTo(nil) // the cached transpose is shared with the result
	var dst Matrix
	if err := m.WithValuesTo(&dst, []float64{10, 0, 30}); err != nil {
		t.Fatal(err)
	}
	if got, _ := dst.Dense(); !slices.Equal(got, []float64{10, 0, 0, 0, 30, 0}) || dst.NNZ() != 3 {
		t.Fatalf("WithValuesTo: %v nnz %d", got, dst.NNZ())
	}
	if got, _ := dst.TransposeTo(nil).Dense(); !slices.Equal(got, []float64{10, 0, 0, 30, 0, 0}) {
		t.Fatalf("transpose of WithValuesTo: %v", got)
	}
	if dst.pat != m.pat || m.pat.t.Load() == nil {
		t.Error("pattern or its transpose not shared")
	}
	if err := m.WithValuesTo(&dst, []float64{1}); !errors.Is(err, graphs.ErrShape) {
		t.Errorf("short values: %v", err)
	}
}

// TestEmpty: a nil *Matrix and the zero Matrix are the empty 0×0 matrix.
func TestEmpty(t *testing.T) {
	for name, m := range map[string]*Matrix{"nil": nil, "zero": {}} {
		off, idx, val := m.CSR()
		d, err := m.Dense()
		if m.Rows() != 0 || m.Cols() != 0 || m.NNZ() != 0 || !slices.Equal(off, []int{0}) || idx != nil || val != nil || err != nil || len(d) != 0 {
			t.Errorf("%s: %d×%d nnz %d CSR %v %v %v Dense %v %v", name, m.Rows(), m.Cols(), m.NNZ(), off, idx, val, d, err)
		}
		if tr := m.TransposeTo(nil); tr.Rows() != 0 || tr.Cols() != 0 {
			t.Errorf("%s: transpose %d×%d", name, tr.Rows(), tr.Cols())
		}
	}
}

func TestDenseTooLarge(t *testing.T) {
	const n = 1 << 20
	m, err := FromCSR(n, n, make([]int, n+1), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Dense(); !errors.Is(err, graphs.ErrTooLarge) {
		t.Fatalf("Dense of %d×%d: %v", n, n, err)
	}
}

func TestAtPanics(t *testing.T) {
	m, _ := FromDense(1, 2, []float64{0, 1})
	for _, ij := range [][2]int{{1, 0}, {0, 2}, {0, -1}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("At(%d,%d) did not panic", ij[0], ij[1])
				}
			}()
			m.At(ij[0], ij[1])
		}()
	}
}

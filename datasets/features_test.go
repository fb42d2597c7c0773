package datasets

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/gnnwb/gnnwb/graphs"
)

// TestSparseBuilder: rows given out of order, with duplicate columns
// (summed in the order added), explicit zeros and entries that cancel come
// out canonical and equal to the dense sum.
func TestSparseBuilder(t *testing.T) {
	type entry struct {
		col int32
		val float64
	}
	rows := [][]entry{
		{{2, 1}, {0, 0.5}},             // unsorted
		{},                             // empty
		{{1, 2}, {1, 3}, {3, 0}},       // duplicate, explicit zero
		{{0, 1}, {2, -1}, {0, -1}},     // cancels to zero: dropped
		{{0, 1}, {1, 2}, {2, 3}},       // canonical already
		{{3, 0.1}, {3, 0.2}, {3, 0.3}}, // summed in order added
	}
	const cols = 4
	want := make([]float64, len(rows)*cols)
	b := newSparseBuilder(len(rows), cols, 0)
	for i, r := range rows {
		for _, e := range r {
			b.add(e.col, e.val)
			want[i*cols+int(e.col)] += e.val
		}
		b.endRow()
	}
	s := b.done()
	if err := validSparse(s, len(rows), cols); err != nil {
		t.Fatal(err)
	}
	got, err := s.Dense()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("Dense = %v, want %v", got, want)
	}
	if s.NNZ() != 2+0+1+1+3+1 {
		t.Errorf("NNZ = %d, want 8", s.NNZ())
	}
}

func TestSparseDenseErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		s    Sparse
		err  error
	}{
		{"offsets", Sparse{Rows: 2, Cols: 2, Offsets: []int{0, 1}}, graphs.ErrShape},
		{"values", Sparse{Rows: 1, Cols: 2, Offsets: []int{0, 1}, Index: []int32{0}}, graphs.ErrShape},
		{"column", Sparse{Rows: 1, Cols: 2, Offsets: []int{0, 1}, Index: []int32{2}, Values: []float64{1}}, graphs.ErrShape},
		{"decreasing", Sparse{Rows: 2, Cols: 2, Offsets: []int{0, 2, 1}, Index: []int32{0}, Values: []float64{1}}, graphs.ErrShape},
		{"huge", Sparse{Rows: 1 << 20, Cols: 1 << 20, Offsets: make([]int, 1<<20+1)}, graphs.ErrTooLarge},
	} {
		if _, err := tc.s.Dense(); !errors.Is(err, tc.err) {
			t.Errorf("%s: err = %v, want %v", tc.name, err, tc.err)
		}
	}
}

func ExampleSparse() {
	// Two nodes, four features: node 0 has words 1 and 3, node 1 word 0.
	s := &Sparse{Rows: 2, Cols: 4, Offsets: []int{0, 2, 3}, Index: []int32{1, 3, 0}, Values: []float64{1, 1, 1}}
	x, _ := s.Dense()
	fmt.Println(s.NNZ(), x)
	// Output: 3 [0 1 0 1 1 0 0 0]
}

// TestSparseBuilderAddRows: whole CSR blocks ended by endRows, canonical
// (kept in place) or not (row by row), after a first row, give what adding
// row by row gives.
func TestSparseBuilderAddRows(t *testing.T) {
	for _, tc := range []struct {
		name string
		ptr  []int
		cols []int32
		vals []float64
	}{
		{"canonical", []int{2, 4, 4, 5}, []int32{9, 9, 0, 3, 1}, []float64{9, 9, 1, 2, 3}},
		{"unsorted", []int{0, 2, 2, 3}, []int32{3, 0, 1}, []float64{1, 2, 3}},
		{"zero", []int{0, 1, 2}, []int32{0, 1}, []float64{0, 5}},
		{"empty", []int{0}, nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bulk := newSparseBuilder(len(tc.ptr), 4, 0)
			rows := newSparseBuilder(len(tc.ptr), 4, 0)
			for _, b := range []*sparseBuilder{bulk, rows} {
				b.add(2, 7)
				b.endRow()
			}
			if len(tc.ptr) > 1 { // a whole block, then its rows ended at once
				bulk.addRow(tc.cols[tc.ptr[0]:tc.ptr[len(tc.ptr)-1]], tc.vals[tc.ptr[0]:tc.ptr[len(tc.ptr)-1]])
			}
			bulk.endRows(tc.ptr)
			for r := 0; r+1 < len(tc.ptr); r++ {
				rows.addRow(tc.cols[tc.ptr[r]:tc.ptr[r+1]], tc.vals[tc.ptr[r]:tc.ptr[r+1]])
				rows.endRow()
			}
			a, b := bulk.done(), rows.done()
			if err := validSparse(a, len(tc.ptr), 4); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(a.Offsets, b.Offsets) || !slices.Equal(a.Index, b.Index) || !slices.Equal(a.Values, b.Values) {
				t.Fatalf("endRows %+v, row by row %+v", a, b)
			}
		})
	}
}

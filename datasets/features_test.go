package datasets

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/graphs/sparse"
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
	s, err := b.done()
	if err != nil {
		t.Fatal(err)
	}
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

// TestDenseXTooLarge: DenseX refuses a dense copy beyond 2³¹ elements.
func TestDenseXTooLarge(t *testing.T) {
	const n = 1 << 20
	x, err := sparse.FromCSR(n, n, make([]int, n+1), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	ds := &NodeDataset{SparseX: x, NumFeatures: n}
	if _, err := ds.DenseX(); !errors.Is(err, graphs.ErrTooLarge) {
		t.Errorf("err = %v, want ErrTooLarge", err)
	}
}

func ExampleNodeDataset_DenseX() {
	// Two nodes, four features: node 0 has words 1 and 3, node 1 word 0.
	x, _ := sparse.FromCSR(2, 4, []int{0, 2, 3}, []int32{1, 3, 0}, []float64{1, 1, 1})
	ds := &NodeDataset{SparseX: x, NumFeatures: 4}
	d, _ := ds.DenseX()
	fmt.Println(ds.Stats().SparseEntries, d)
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
			a, err := bulk.done()
			if err != nil {
				t.Fatal(err)
			}
			b, err := rows.done()
			if err != nil {
				t.Fatal(err)
			}
			if err := validSparse(a, len(tc.ptr), 4); err != nil {
				t.Fatal(err)
			}
			ao, ai, av := a.CSR()
			bo, bi, bv := b.CSR()
			if !slices.Equal(ao, bo) || !slices.Equal(ai, bi) || !slices.Equal(av, bv) {
				t.Fatalf("endRows %v %v %v, row by row %v %v %v", ao, ai, av, bo, bi, bv)
			}
		})
	}
}

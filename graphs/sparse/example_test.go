package sparse_test

import (
	"fmt"
	"log"

	"github.com/gnnwb/gnnwb/graphs/sparse"
)

// Two nodes with four bag-of-words features: node 0 has words 1 and 3,
// node 1 word 0.
func ExampleFromCSR() {
	x, err := sparse.FromCSR(2, 4, []int{0, 2, 3}, []int32{1, 3, 0}, []float64{1, 1, 1})
	if err != nil {
		log.Fatal(err)
	}
	d, _ := x.Dense()
	fmt.Println(x.NNZ(), d)
	fmt.Println(x.RowNormalized().At(0, 3))
	// Output:
	// 3 [0 1 0 1 1 0 0 0]
	// 0.5
}

func ExampleMatrix_TransposeTo() {
	x, err := sparse.FromDense(2, 3, []float64{
		1, 0, 2,
		0, 3, 0,
	})
	if err != nil {
		log.Fatal(err)
	}
	var xt sparse.Matrix // reused by later calls: no allocation
	x.TransposeTo(&xt)
	offsets, index, values := xt.CSR()
	fmt.Println(xt.Rows(), xt.Cols(), offsets, index, values)
	// Output: 3 2 [0 1 2 3] [0 1 0] [1 3 2]
}

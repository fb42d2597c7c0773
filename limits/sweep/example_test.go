package sweep_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/gnnwb/gnnwb/limits/sweep"
)

// A sweep read from YAML: unspecified fields keep Default's values, and the
// problem's those of limits.DefaultProblem.
func ExampleDecode() {
	w, err := sweep.Decode(strings.NewReader("problem:\n  graphon: constant:0.5\n  rho: 0.1\nnodes: [100, 1000]\nwidths: [10, 100]\nseeds: 4\n"))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(w.Problem.Graphon, w.Problem.Rho, w.Problem.Activation, w.Nodes, w.Widths, w.Seeds, len(w.Cells()), w.Limits)
	// Output: constant:0.5 0.1 tanh [100 1000] [10 100] 4 16 [graphon meanfield]
}

// A tiny sweep against the mean-field limit: 2 × 2 × 2 cells, each with its
// function and node errors at the problem's two times.
func ExampleRun() {
	w := sweep.Default()
	w.Problem.Times = []float64{0.5, 1}
	w.Problem.Quadrature = 8
	w.Nodes, w.Widths, w.Seeds = []int{40, 80}, []int{8, 16}, 2
	w.Particles, w.TestNodes = 64, 30
	dir, err := os.MkdirTemp("", "gnnwb-sweep")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	sum, err := sweep.Run(context.Background(), w, dir, sweep.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	f, err := os.Open(filepath.Join(dir, sweep.ErrorsFile))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer f.Close()
	rows, err := sweep.ReadRows(f)
	fmt.Println(sum.Done, sum.Cells, sum.Complete, len(rows), err)
	// Output: 8 8 true 64 <nil>
}

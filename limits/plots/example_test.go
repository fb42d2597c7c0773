package plots_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/gnnwb/gnnwb/limits/plots"
)

func ExampleRate() {
	dir, err := os.MkdirTemp("", "gnnwb-plots")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	s := plots.Series{
		Label:  "dense ρ = 1",
		X:      []float64{100, 400, 1600},
		Mean:   []float64{0.1, 0.05, 0.025},
		StdErr: []float64{0.01, 0.004, 0.002},
	}
	path := filepath.Join(dir, "rate.svg")
	err = plots.Rate(path, []plots.Series{s}, plots.Labels{Title: "error against n", X: "n (nodes)", Y: "RMS error"})
	st, _ := os.Stat(path)
	fmt.Println(err, st.Size() > 0)
	// Output: <nil> true
}

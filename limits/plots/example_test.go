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

func ExampleHeatmap() {
	dir, _ := os.MkdirTemp("", "gnnwb-plots")
	defer os.RemoveAll(dir)
	n, width := []float64{100, 1000}, []float64{16, 256}
	e := [][]float64{{0.5, 0.3}, {0.4, 0.1}} // e[i][j] at (n[i], N[j])
	err := plots.Heatmap(filepath.Join(dir, "heat.png"), n, width, e, plots.Labels{Title: "e(n, N)", X: "N (hidden units)", Y: "n (nodes)"})
	fmt.Println(err)
	// Output: <nil>
}

func ExampleTrajectories() {
	dir, _ := os.MkdirTemp("", "gnnwb-plots")
	defer os.RemoveAll(dir)
	u := []float64{0.1, 0.5, 0.9}
	curves := []plots.Curve{{Label: "N = 16", G: []float64{0.2, 0.6, 0.1}}}
	limit := plots.Curve{Label: "limit", G: []float64{0.25, 0.5, 0.2}}
	err := plots.Trajectories(filepath.Join(dir, "traj.svg"), u, curves, limit, plots.Labels{X: "u", Y: "g_t(u)"})
	fmt.Println(err)
	// Output: <nil>
}

// N·MSE of two widths at three times against a predicted C(t) with its
// stated error.
func ExampleCollapse() {
	dir, _ := os.MkdirTemp("", "gnnwb-plots")
	defer os.RemoveAll(dir)
	t := []float64{0.5, 1, 2}
	ser := []plots.Series{
		{Label: "N = 100", X: t, Mean: []float64{0.25, 0.14, 0.03}, StdErr: []float64{0.02, 0.01, 0.004}},
		{Label: "N = 1000", X: t, Mean: []float64{0.23, 0.12, 0.026}, StdErr: []float64{0.02, 0.01, 0.004}},
	}
	pred := plots.Series{Label: "predicted C(t)", X: []float64{0, 0.5, 1, 1.5, 2}, Mean: []float64{0.29, 0.23, 0.13, 0.06, 0.026},
		StdErr: []float64{0.001, 0.001, 0.001, 0.001, 0.001}}
	err := plots.Collapse(filepath.Join(dir, "collapse.png"), ser, pred, plots.Labels{Title: "collapse", X: "t", Y: "N·MSE"})
	fmt.Println(err)
	// Output: <nil>
}

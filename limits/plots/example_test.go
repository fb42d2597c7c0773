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

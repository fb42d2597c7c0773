package plots

import (
	"os"
	"path/filepath"
	"testing"
)

// TestDegenerateRanges: one point, or equal values, still give a figure
// (axes are widened) rather than a panic inside gonum/plot.
func TestDegenerateRanges(t *testing.T) {
	dir := t.TempDir()
	if d := os.Getenv("GNNWB_PLOT_DIR"); d != "" {
		dir = d
	}
	one := []Series{{Label: "one", X: []float64{100}, Mean: []float64{0.1}, NoFit: true}}
	if err := Rate(filepath.Join(dir, "one.png"), one, Labels{X: "n", Y: "e"}); err != nil {
		t.Fatal(err)
	}
	checkFile(t, filepath.Join(dir, "one.png"))
	flat := []Series{{Label: "flat", X: []float64{10, 100}, Mean: []float64{0.1, 0.1}}}
	if err := Rate(filepath.Join(dir, "flat.svg"), flat, Labels{}); err != nil {
		t.Fatal(err)
	}
	if err := Heatmap(filepath.Join(dir, "h.png"), []float64{1}, []float64{2}, [][]float64{{0.5}}, Labels{}); err != nil {
		t.Fatal(err)
	}
	if err := Trajectories(filepath.Join(dir, "t.png"), []float64{0, 1}, []Curve{{Label: "c", G: []float64{1, 1}}}, Curve{}, Labels{}); err != nil {
		t.Fatal(err)
	}
}

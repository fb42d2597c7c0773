package plots

import (
	"errors"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gnnwb/gnnwb/graphs"
)

func rateSeries() []Series {
	x := []float64{100, 200, 400, 800, 1600, 3200}
	var a, b Series
	a.Label, b.Label = "dense ρ = 1", "sparse ρ = n^{-1/2}"
	for i, v := range x {
		// deterministic wiggle of ±3% around e = c·x^{-s}
		w := 1 + 0.03*math.Sin(float64(3*i))
		a.X, b.X = append(a.X, v), append(b.X, v)
		a.Mean = append(a.Mean, 0.8*math.Pow(v, -0.5)*w)
		b.Mean = append(b.Mean, 0.5*math.Pow(v, -0.25)*w)
		a.StdErr = append(a.StdErr, 0.05*a.Mean[i])
		b.StdErr = append(b.StdErr, 0.08*b.Mean[i])
	}
	return []Series{a, b}
}

func heatData() (rows, cols []float64, e [][]float64) {
	rows = []float64{100, 316, 1000, 3162}
	cols = []float64{16, 64, 256, 1024, 4096}
	for _, n := range rows {
		var row []float64
		for _, nn := range cols {
			row = append(row, 2/math.Sqrt(nn)+3/math.Sqrt(n)+1e-4)
		}
		e = append(e, row)
	}
	return rows, cols, e
}

func trajData() (u []float64, curves []Curve, limit Curve) {
	for i := 0; i < 50; i++ {
		u = append(u, (float64(i)+0.5)/50)
	}
	limit.Label = "limit g∞ (mean field)"
	for _, x := range u {
		limit.G = append(limit.G, math.Sin(2*math.Pi*x)*0.8)
	}
	for k, n := range []string{"N = 16", "N = 128", "N = 1024"} {
		c := Curve{Label: n}
		amp := 0.3 / math.Pow(4, float64(k))
		for i, x := range u {
			c.G = append(c.G, limit.G[i]+amp*math.Cos(7*x+float64(k)))
		}
		curves = append(curves, c)
	}
	return u, curves, limit
}

func checkFile(t *testing.T, path string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(data) < 1000 {
		t.Fatalf("%s: only %d bytes", path, len(data))
	}
	switch filepath.Ext(path) {
	case ".png":
		img, err := png.Decode(strings.NewReader(string(data)))
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if b := img.Bounds(); b.Dx() < 300 || b.Dy() < 200 {
			t.Fatalf("%s: image %v too small", path, b)
		}
	case ".svg":
		if !strings.Contains(string(data), "<svg") {
			t.Fatalf("%s: no <svg> element", path)
		}
	}
}

func TestFilesProduced(t *testing.T) {
	dir := t.TempDir()
	if d := os.Getenv("GNNWB_PLOT_DIR"); d != "" { // to look at the figures
		dir = d
	}
	rows, cols, e := heatData()
	u, curves, limit := trajData()
	for _, ext := range []string{"png", "svg"} {
		t.Run(ext, func(t *testing.T) {
			p := filepath.Join(dir, "rate."+ext)
			if err := Rate(p, rateSeries(), Labels{Title: "Graphon limit: error against graph size", X: "n (nodes)", Y: "RMS error e_fun (output units)"}); err != nil {
				t.Fatal(err)
			}
			checkFile(t, p)
			p = filepath.Join(dir, "heat."+ext)
			if err := Heatmap(p, rows, cols, e, Labels{Title: "Error e(n, N)", X: "N (hidden units)", Y: "n (nodes)"}); err != nil {
				t.Fatal(err)
			}
			checkFile(t, p)
			p = filepath.Join(dir, "traj."+ext)
			if err := Trajectories(p, u, curves, limit, Labels{Title: "g_t(u) at t = 1", X: "latent position u", Y: "output g_t(u)"}); err != nil {
				t.Fatal(err)
			}
			checkFile(t, p)
			p = filepath.Join(dir, "rate_predicted."+ext)
			if err := Rate(p, append(rateSeries(), predictedLine()), Labels{Title: "with a prediction", X: "N", Y: "e"}); err != nil {
				t.Fatal(err)
			}
			checkFile(t, p)
			p = filepath.Join(dir, "collapse."+ext)
			ser, pred := collapseData()
			if err := Collapse(p, ser, pred, Labels{Title: "N·MSE against t", X: "t", Y: "N·MSE"}); err != nil {
				t.Fatal(err)
			}
			checkFile(t, p)
		})
	}
}

// predictedLine is a prediction 0.8·x^{−½} drawn as a line.
func predictedLine() Series {
	l := Series{Label: "predicted √(C/N)", Line: true}
	for _, x := range []float64{100, 400, 1600, 3200} {
		l.X, l.Mean = append(l.X, x), append(l.Mean, 0.8/math.Sqrt(x))
	}
	return l
}

// collapseData is N·MSE of three widths at four times around a prediction
// C(t) = e^{−t}, with its stated error, on a finer grid.
func collapseData() ([]Series, Series) {
	ts := []float64{0.5, 1, 2, 4}
	var ser []Series
	for i, n := range []string{"N = 100", "N = 1000", "N = 4000"} {
		s := Series{Label: n}
		for j, t := range ts {
			s.X = append(s.X, t)
			s.Mean = append(s.Mean, math.Exp(-t)*(1+0.05*math.Sin(float64(3*i+j))))
			s.StdErr = append(s.StdErr, 0.04*math.Exp(-t))
		}
		ser = append(ser, s)
	}
	pred := Series{Label: "predicted C(t)"}
	for k := range 17 {
		t := 4 * float64(k) / 16
		pred.X, pred.Mean, pred.StdErr = append(pred.X, t), append(pred.Mean, math.Exp(-t)), append(pred.StdErr, 0.01)
	}
	return ser, pred
}

// TestPredictionDrawn: the SVG of a rate plot with a Line series and of a
// collapse plot name the prediction in their legends, and a rate plot
// without it does not.
func TestPredictionDrawn(t *testing.T) {
	dir := t.TempDir()
	ser, pred := collapseData()
	tests := []struct {
		name  string
		draw  func(path string) error
		label string
		want  bool
	}{
		{"rate-line", func(p string) error { return Rate(p, append(rateSeries(), predictedLine()), Labels{}) }, "predicted √(C/N)", true},
		{"rate-none", func(p string) error { return Rate(p, rateSeries(), Labels{}) }, "predicted", false},
		{"collapse", func(p string) error { return Collapse(p, ser, pred, Labels{}) }, "predicted C(t)", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(dir, tc.name+".svg")
			if err := tc.draw(p); err != nil {
				t.Fatal(err)
			}
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Contains(string(data), tc.label); got != tc.want {
				t.Errorf("legend has %q: %v, want %v", tc.label, got, tc.want)
			}
		})
	}
}

func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	rows, cols, e := heatData()
	u, curves, limit := trajData()
	neg := rateSeries()
	neg[0].Mean[2] = -1
	nanSE := rateSeries()
	nanSE[1].StdErr[0] = math.NaN()
	short := rateSeries()
	short[0].Mean = short[0].Mean[:3]
	ragged := [][]float64{e[0], e[1][:2], e[2], e[3]}
	zero := [][]float64{e[0], e[1], {1, 2, 0, 4, 5}, e[3]}
	badU := append([]float64(nil), u...)
	badU[3] = badU[2]
	cser, cpred := collapseData()
	tests := []struct {
		name string
		run  func() error
		want error
	}{
		{"rate-ext", func() error { return Rate(filepath.Join(dir, "a.jpg"), rateSeries(), Labels{}) }, graphs.ErrParameter},
		{"rate-empty", func() error { return Rate(filepath.Join(dir, "a.png"), nil, Labels{}) }, graphs.ErrShape},
		{"rate-negative", func() error { return Rate(filepath.Join(dir, "a.png"), neg, Labels{}) }, graphs.ErrParameter},
		{"rate-nan-se", func() error { return Rate(filepath.Join(dir, "a.png"), nanSE, Labels{}) }, graphs.ErrParameter},
		{"rate-short", func() error { return Rate(filepath.Join(dir, "a.png"), short, Labels{}) }, graphs.ErrShape},
		{"heat-ragged", func() error { return Heatmap(filepath.Join(dir, "h.png"), rows, cols, ragged, Labels{}) }, graphs.ErrShape},
		{"heat-zero", func() error { return Heatmap(filepath.Join(dir, "h.png"), rows, cols, zero, Labels{}) }, graphs.ErrParameter},
		{"heat-rows", func() error { return Heatmap(filepath.Join(dir, "h.png"), rows[:2], cols, e, Labels{}) }, graphs.ErrShape},
		{"traj-u", func() error { return Trajectories(filepath.Join(dir, "t.png"), badU, curves, limit, Labels{}) }, graphs.ErrParameter},
		{"traj-len", func() error {
			return Trajectories(filepath.Join(dir, "t.png"), u, []Curve{{Label: "x", G: []float64{1}}}, limit, Labels{})
		}, graphs.ErrShape},
		{"traj-none", func() error { return Trajectories(filepath.Join(dir, "t.svg"), u, nil, limit, Labels{}) }, graphs.ErrShape},
		{"rate-line-negative", func() error {
			l := predictedLine()
			l.Mean[1] = -1
			return Rate(filepath.Join(dir, "a.png"), append(rateSeries(), l), Labels{})
		}, graphs.ErrParameter},
		{"collapse-ext", func() error { return Collapse(filepath.Join(dir, "c.gif"), cser, cpred, Labels{}) }, graphs.ErrParameter},
		{"collapse-none", func() error { return Collapse(filepath.Join(dir, "c.png"), nil, cpred, Labels{}) }, graphs.ErrShape},
		{"collapse-short-prediction", func() error {
			return Collapse(filepath.Join(dir, "c.png"), cser, Series{X: []float64{1}, Mean: []float64{1}}, Labels{})
		}, graphs.ErrShape},
		{"collapse-ragged", func() error {
			s := append([]Series(nil), cser...)
			s[1].Mean = s[1].Mean[:2]
			return Collapse(filepath.Join(dir, "c.png"), s, cpred, Labels{})
		}, graphs.ErrShape},
		{"collapse-nan", func() error {
			s := append([]Series(nil), cser...)
			s[0].Mean = append([]float64{math.NaN()}, s[0].Mean[1:]...)
			return Collapse(filepath.Join(dir, "c.png"), s, cpred, Labels{})
		}, graphs.ErrParameter},
		{"collapse-negative-se", func() error {
			p := cpred
			p.StdErr = append([]float64{-1}, p.StdErr[1:]...)
			return Collapse(filepath.Join(dir, "c.png"), cser, p, Labels{})
		}, graphs.ErrParameter},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.run(); !errors.Is(err, tc.want) {
				t.Errorf("error %v, want %v", err, tc.want)
			}
		})
	}
	if err := Rate(filepath.Join(dir, "missing", "dir", "a.png"), rateSeries(), Labels{}); err == nil {
		t.Error("no error writing into a missing directory")
	}
}

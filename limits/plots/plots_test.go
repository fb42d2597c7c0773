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

package plots

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
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

// TestLinearTicks: every range gets 5 to 8 labelled ticks inside it, evenly
// spaced by 1, 2, 2.5 or 5 times a power of ten, whose labels read back as
// their values.
func TestLinearTicks(t *testing.T) {
	tests := []struct{ lo, hi float64 }{
		{-0.85, 0.85}, {0, 1}, {-0.8, 1.9}, {0.013, 0.0171}, {-3e6, 7e6}, {100, 101}, {-1, 1}, {0.5, 0.51},
	}
	for _, tt := range tests {
		var vals []float64
		for _, tk := range (linearTicks{}).Ticks(tt.lo, tt.hi) {
			if tk.Value < tt.lo || tk.Value > tt.hi {
				t.Errorf("[%v, %v]: tick %v outside", tt.lo, tt.hi, tk.Value)
			}
			if tk.Label == "" {
				continue
			}
			v, err := strconv.ParseFloat(tk.Label, 64)
			if err != nil || math.Abs(v-tk.Value) > 1e-9*(tt.hi-tt.lo) {
				t.Errorf("[%v, %v]: label %q for %v", tt.lo, tt.hi, tk.Label, tk.Value)
			}
			vals = append(vals, tk.Value)
		}
		if len(vals) < 5 || len(vals) > 8 {
			t.Errorf("[%v, %v]: %d labels %v", tt.lo, tt.hi, len(vals), vals)
			continue
		}
		step := vals[1] - vals[0]
		m := step / math.Pow(10, math.Floor(math.Log10(step)+1e-9))
		if !slices.ContainsFunc([]float64{1, 2, 2.5, 5}, func(x float64) bool { return math.Abs(x-m) < 1e-9 }) {
			t.Errorf("[%v, %v]: step %v", tt.lo, tt.hi, step)
		}
		for i := 2; i < len(vals); i++ {
			if math.Abs(vals[i]-vals[i-1]-step) > 1e-9*step {
				t.Errorf("[%v, %v]: uneven %v", tt.lo, tt.hi, vals)
			}
		}
	}
}

// TestSize: Labels' zero Width and Height give DefaultWidth × DefaultHeight,
// byte for byte the same file as those sizes given explicitly; a figure of
// twice the width is twice as many pixels wide (to one pixel), for each
// kind of figure.
func TestSize(t *testing.T) {
	dir := t.TempDir()
	rows, cols, e := heatData()
	draw := map[string]func(path string, l Labels) error{
		"rate":    func(path string, l Labels) error { return Rate(path, rateSeries(), l) },
		"heatmap": func(path string, l Labels) error { return Heatmap(path, rows, cols, e, l) },
		"trajectories": func(path string, l Labels) error {
			return Trajectories(path, []float64{0, 0.5, 1}, []Curve{{Label: "N = 8", G: []float64{0, 1, 0.5}}}, Curve{Label: "limit", G: []float64{0, 0.9, 0.6}}, l)
		},
	}
	for name, fn := range draw {
		t.Run(name, func(t *testing.T) {
			files := map[string]Labels{
				"zero.png":     {Title: name},
				"explicit.png": {Title: name, Width: DefaultWidth, Height: DefaultHeight},
				"wide.png":     {Title: name, Width: 2 * DefaultWidth},
			}
			cfg := map[string]image.Config{}
			data := map[string][]byte{}
			for f, l := range files {
				path := filepath.Join(dir, name+"_"+f)
				if err := fn(path, l); err != nil {
					t.Fatal(err)
				}
				b, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				data[f] = b
				if cfg[f], err = png.DecodeConfig(bytes.NewReader(b)); err != nil {
					t.Fatal(err)
				}
			}
			if !bytes.Equal(data["zero.png"], data["explicit.png"]) {
				t.Errorf("zero size and DefaultWidth × DefaultHeight give different files")
			}
			z, w := cfg["zero.png"], cfg["wide.png"]
			if d := w.Width - 2*z.Width; d < -1 || d > 1 || w.Height != z.Height {
				t.Errorf("default %d×%d, twice as wide %d×%d", z.Width, z.Height, w.Width, w.Height)
			}
			// a one-column figure, 8.5 cm × 6.5 cm at 300 dots per inch; a
			// rate plot's legend goes below the axes, and adds to the height
			wantW, wantH := int(math.Round(8.5/2.54*300)), int(math.Round(6.5/2.54*300))
			if z.Width != wantW || z.Height != wantH && name != "rate" || name == "rate" && z.Height <= wantH {
				t.Errorf("default %d×%d pixels, want %d×%d (taller for a rate plot's legend)", z.Width, z.Height, wantW, wantH)
			}
		})
	}
}

// TestLuminance: the relative luminance of sRGB black, white, the primaries
// (their coefficients 0.2126, 0.7152, 0.0722) and mid grey (0.2158).
func TestLuminance(t *testing.T) {
	for _, tc := range []struct {
		c    color.Color
		want float64
	}{
		{color.Black, 0}, {color.White, 1},
		{color.RGBA{255, 0, 0, 255}, 0.2126}, {color.RGBA{0, 255, 0, 255}, 0.7152}, {color.RGBA{0, 0, 255, 255}, 0.0722},
		{color.RGBA{128, 128, 128, 255}, 0.2158605},
	} {
		if got := luminance(tc.c); math.Abs(got-tc.want) > 1e-6 {
			t.Errorf("luminance(%v) = %v, want %v", tc.c, got, tc.want)
		}
	}
}

// TestPowerTicks: a colour bar in log10 e is labelled with values of e.
func TestPowerTicks(t *testing.T) {
	var labels []string
	for _, tk := range (powerTicks{}).Ticks(math.Log10(0.002), math.Log10(0.06)) {
		if tk.Label != "" {
			labels = append(labels, fmt.Sprintf("%s@%.4f", tk.Label, tk.Value))
		}
	}
	if got, want := strings.Join(labels, " "), "0.002@-2.6990 0.005@-2.3010 0.01@-2.0000 0.02@-1.6990 0.05@-1.3010"; got != want {
		t.Errorf("labels %q, want %q", got, want)
	}
}

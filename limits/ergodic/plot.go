package ergodic

import (
	"fmt"
	"math"
	"path/filepath"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/limits/plots"
)

// Plot writes the figure of the experiment at time index k to path (.png
// or .svg), in the figures' style of limits/plots (one column, 300 dpi,
// the legend below the axes): the squared error ‖g^N_t − g_t‖² against N on
// log-log axes, one colour and marker per sampler, the measured means with
// ± one standard error and the predicted C_walk(t)/N as a dashed line of
// the same colour; the legend gives each sampler's predicted and measured
// integrated autocorrelation time τ of Y along the walk. Errors: k out of
// range, a bad extension (graphs.ErrParameter), file errors.
func (r *Result) Plot(path string, k int) error {
	if err := plots.CheckFormats([]string{strings.TrimPrefix(filepath.Ext(path), ".")}); err != nil {
		return fmt.Errorf("ergodic: Plot: %q: %w", path, err)
	}
	if k < 0 || k >= len(r.Times) {
		return fmt.Errorf("ergodic: Plot: time index %d not in [0, %d): %w", k, len(r.Times), graphs.ErrParameter)
	}
	t := r.Times[k]
	l := plots.Labels{
		Title: fmt.Sprintf("Training along random walks on %s, σ = %s, t = %g", r.Problem.Graphon, r.Problem.Activation, t),
		X:     "N (hidden units)",
		Y:     "squared error ‖g_N − g‖²",
	}
	p := plots.New(l)
	p.X.Scale, p.Y.Scale = plot.LogScale{}, plot.LogScale{}
	p.X.Tick.Marker, p.Y.Tick.Marker = widthTicks(r), plots.LogTicks{}
	shapes := []draw.GlyphDrawer{draw.CircleGlyph{}, draw.SquareGlyph{}, draw.TriangleGlyph{}, draw.PyramidGlyph{}, draw.CrossGlyph{}}
	ylo, yhi := math.Inf(1), math.Inf(-1)
	for si, s := range r.Samplers {
		col := plots.Colour(si)
		var pts plotter.XYs
		var errs plotter.YErrors
		var xs []float64
		for _, pt := range s.Points {
			if pt.T != t {
				continue
			}
			n := float64(pt.Width)
			m := pt.NMSE / n
			se := pt.SE / n
			pts = append(pts, plotter.XY{X: n, Y: m})
			lo := math.Min(se, 0.9*m)
			errs = append(errs, struct{ Low, High float64 }{lo, se})
			xs = append(xs, n)
			ylo, yhi = math.Min(ylo, m-lo), math.Max(yhi, m+se)
		}
		if len(pts) == 0 {
			continue
		}
		sc, err := plotter.NewScatter(pts)
		if err != nil {
			return fmt.Errorf("ergodic: Plot: %w", err)
		}
		sc.GlyphStyle.Color = col
		sc.GlyphStyle.Shape = shapes[si%len(shapes)]
		sc.GlyphStyle.Radius = vg.Points(2.5)
		eb := &plotter.YErrorBars{XYs: pts, YErrors: errs, LineStyle: plotter.DefaultLineStyle, CapWidth: vg.Points(3)}
		eb.LineStyle.Color = col
		lo, hi := xs[0]/1.2, xs[len(xs)-1]*1.2
		line := plotter.XYs{{X: lo, Y: s.C[k] / lo}, {X: hi, Y: s.C[k] / hi}}
		ln, err := plotter.NewLine(line)
		if err != nil {
			return fmt.Errorf("ergodic: Plot: %w", err)
		}
		ln.LineStyle.Color = col
		ln.LineStyle.Dashes = []vg.Length{vg.Points(4), vg.Points(2)}
		ylo, yhi = math.Min(ylo, s.C[k]/hi), math.Max(yhi, s.C[k]/lo)
		p.Add(ln, eb, sc)
		p.Legend.Add(fmt.Sprintf("%s: τ %.3g predicted, %.3g measured", samplerWords(s.Name), s.TauPredicted, s.TauMeasured), sc, ln)
	}
	p.Legend.Add(fmt.Sprintf("points: mean ± standard error over %d seeds", r.Seeds))
	p.Legend.Add("dashed lines: predicted C_walk(t)/N, not fitted")
	p.Y.Min, p.Y.Max = ylo/1.1, yhi*1.1
	if err := plots.SaveLegendBelow(p, path, l); err != nil {
		return fmt.Errorf("ergodic: Plot: %w", err)
	}
	return nil
}

// widthTicks labels the x axis at the widths measured.
func widthTicks(r *Result) plot.ConstantTicks {
	var ticks plot.ConstantTicks
	seen := map[int]bool{}
	for _, s := range r.Samplers {
		for _, pt := range s.Points {
			if !seen[pt.Width] {
				seen[pt.Width] = true
				ticks = append(ticks, plot.Tick{Value: float64(pt.Width), Label: strconv.Itoa(pt.Width)})
			}
		}
	}
	return ticks
}

// samplerWords spells a sampler's name for a legend: "iid" as "i.i.d.
// nodes", "walk h=0.5" as "walk, hold 0.5"; other names unchanged.
func samplerWords(name string) string {
	if name == "iid" {
		return "i.i.d. nodes"
	}
	if h, ok := strings.CutPrefix(name, "walk h="); ok {
		return "walk, hold " + h
	}
	return name
}

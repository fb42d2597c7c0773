package ergodic

import (
	"bytes"
	"fmt"
	"image/color"
	"math"
	"path/filepath"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/internal/atomicfile"
	"github.com/gnnwb/gnnwb/limits/plots"
)

// palette is colour-blind safe (Okabe & Ito).
var palette = []color.Color{
	color.RGBA{0, 0, 0, 255}, color.RGBA{230, 159, 0, 255}, color.RGBA{0, 114, 178, 255},
	color.RGBA{204, 121, 167, 255}, color.RGBA{0, 158, 115, 255}, color.RGBA{213, 94, 0, 255},
}

// Plot writes the figure of the experiment at time index k to path (.png
// or .svg): E‖g^N_t − g_t‖² against N on log-log axes, one colour per
// sampler, the measured means with ± one standard error and the predicted
// C_walk(t)/N as a line; the legend gives each sampler's predicted and
// measured integrated autocorrelation time τ of Y along the walk. Errors: k out of range, a bad
// extension (graphs.ErrParameter), file errors.
func (r *Result) Plot(path string, k int) error {
	ext := strings.ToLower(strings.TrimPrefix(filepath.Ext(path), "."))
	if ext != "png" && ext != "svg" {
		return fmt.Errorf("ergodic: Plot: %q not .png or .svg: %w", path, graphs.ErrParameter)
	}
	if k < 0 || k >= len(r.Times) {
		return fmt.Errorf("ergodic: Plot: time index %d not in [0, %d): %w", k, len(r.Times), graphs.ErrParameter)
	}
	t := r.Times[k]
	p := plot.New()
	p.Title.Text = fmt.Sprintf("Training along walks on %s, σ = %s, t = %g\nmeasured (%d seeds, ± 1 s.e.) and predicted C_walk(t)/N", r.Problem.Graphon, r.Problem.Activation, t, r.Seeds)
	p.X.Label.Text = "N (hidden units)"
	p.Y.Label.Text = "E‖g^N_t − g_t‖²"
	p.X.Scale, p.Y.Scale = plot.LogScale{}, plot.LogScale{}
	p.X.Tick.Marker, p.Y.Tick.Marker = plots.LogTicks{}, plots.LogTicks{}
	p.Legend.Top, p.Legend.Left = true, false
	p.Legend.XOffs = -vg.Points(6)
	shapes := []draw.GlyphDrawer{draw.CircleGlyph{}, draw.SquareGlyph{}, draw.TriangleGlyph{}, draw.PyramidGlyph{}, draw.CrossGlyph{}}
	ylo, yhi := math.Inf(1), math.Inf(-1)
	for si, s := range r.Samplers {
		col := palette[si%len(palette)]
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
		sc.GlyphStyle.Radius = vg.Points(3)
		eb := &plotter.YErrorBars{XYs: pts, YErrors: errs, LineStyle: plotter.DefaultLineStyle, CapWidth: vg.Points(4)}
		eb.LineStyle.Color = col
		lo, hi := xs[0]/1.2, xs[len(xs)-1]*1.2
		line := plotter.XYs{{X: lo, Y: s.C[k] / lo}, {X: hi, Y: s.C[k] / hi}}
		ln, err := plotter.NewLine(line)
		if err != nil {
			return fmt.Errorf("ergodic: Plot: %w", err)
		}
		ln.LineStyle.Color = col
		ln.LineStyle.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
		ylo, yhi = math.Min(ylo, s.C[k]/hi), math.Max(yhi, s.C[k]/lo)
		p.Add(ln, eb, sc)
		p.Legend.Add(fmt.Sprintf("%s  τ %.3g (meas. %.3g)", s.Name, s.TauPredicted, s.TauMeasured), sc, ln)
	}
	// room above the data for the legend (about 7% of the height per entry)
	f := math.Min(0.5, 0.06*float64(len(r.Samplers))+0.04)
	p.Y.Min, p.Y.Max = ylo/1.1, yhi*math.Pow(yhi/ylo*1.1, f/(1-f))*1.1
	wt, err := p.WriterTo(18*vg.Centimeter, 14*vg.Centimeter, ext)
	if err != nil {
		return fmt.Errorf("ergodic: Plot: %w", err)
	}
	var buf bytes.Buffer
	if _, err := wt.WriteTo(&buf); err != nil {
		return fmt.Errorf("ergodic: Plot: %w", err)
	}
	return atomicfile.WriteBytes(path, buf.Bytes())
}

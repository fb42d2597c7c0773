// Package plots draws the figures of the gnnwb limit experiments with
// gonum.org/v1/plot, as PNG or SVG (chosen by the file extension):
//
//   - Rate: error against n (or nρ, or N) on log-log axes, one series per
//     setting, mean ± standard error over seeds as error bars, and the least
//     squares line log ē ≈ c + s·log x of limits/rates with its slope s in the
//     legend (docs/mathematics.md §5);
//   - Heatmap: the error over the (n, N) grid, one cell per measured pair,
//     coloured by log10 e and labelled with its value;
//   - Trajectories: g_t(u) against the latent position u for networks of
//     increasing width N, with the limit curve g^∞_t(u) drawn on top;
//   - Collapse: N·E‖g^N_t − g_t‖² against t for several N, mean ± standard
//     error over seeds, collapsing onto a predicted C(t) drawn with its
//     stated error (docs/mathematics.md §8).
//
// Every function validates its input (shapes, positive values on log axes,
// NaN, the extension) and returns graphs.ErrShape or graphs.ErrParameter
// instead of letting gonum/plot panic. Files are written atomically (temp
// file, then rename).
package plots

import (
	"bytes"
	"fmt"
	"image/color"
	"math"
	"path/filepath"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/internal/atomicfile"
	"github.com/gnnwb/gnnwb/limits/rates"
)

// Figure sizes and resolution. The default is a one-column figure of a
// two-column paper; text is set at 7 to 9 points, the sizes a journal prints
// at that width, and PNG files have 300 dots per inch (the usual minimum for
// line art), so that a figure goes into a paper as it is.
const (
	OneColumn = 8.5 * vg.Centimeter  // one column of a two-column page
	TwoColumn = 17.8 * vg.Centimeter // the width of the page

	DefaultWidth  = OneColumn
	DefaultHeight = 6.5 * vg.Centimeter

	DPI = 300 // of PNG files
)

// Text sizes of every figure.
const (
	titleSize  = 9
	labelSize  = 8
	tickSize   = 7
	legendSize = 7
	cellSize   = 6 // the values written in heat map cells
)

// Labels are the texts of a figure and its size. Axis labels should carry
// units, e.g. "n (nodes)", "N (hidden units)", "RMS error e_fun".
type Labels struct {
	Title, X, Y string
	// Colour names the quantity a heat map's colour shows, on its colour
	// bar (default "e").
	Colour string
	// Width and Height are the size of the figure (0: DefaultWidth,
	// DefaultHeight).
	Width, Height vg.Length
}

// size returns the figure's width and height.
func (l Labels) size() (w, h vg.Length) {
	w, h = l.Width, l.Height
	if w == 0 {
		w = DefaultWidth
	}
	if h == 0 {
		h = DefaultHeight
	}
	return w, h
}

// Series is one curve of a rate plot: sizes X (> 0), mean errors Mean (> 0)
// and their standard errors StdErr (≥ 0, or nil for no bars).
type Series struct {
	Label  string
	X      []float64
	Mean   []float64
	StdErr []float64
	// NoFit omits the least squares line of this series.
	NoFit bool
	// Line draws the series as a solid line through its points, black
	// unless Colour is set, with no markers, error bars or fit: a
	// prediction drawn beside measured series.
	Line bool
	// Colour is the series' colour; nil: Colour(i) for the i-th series
	// (black for a Line). Series that belong together (a measurement and
	// its prediction) share one.
	Colour color.Color
}

// CheckFormats refuses, with graphs.ErrParameter, an extension of exts
// that the figures cannot be written in (not png or svg, case ignored), so
// that a caller checks it before the work whose figures they are.
func CheckFormats(exts []string) error {
	for _, e := range exts {
		switch strings.ToLower(e) {
		case "png", "svg":
		default:
			return fmt.Errorf("plots: formats: %q not png or svg: %w", e, graphs.ErrParameter)
		}
	}
	return nil
}

func format(path string) (string, error) {
	ext := strings.ToLower(strings.TrimPrefix(filepath.Ext(path), "."))
	switch ext {
	case "png", "svg":
		return ext, nil
	}
	return "", fmt.Errorf("plots: path=%q: extension %q not png or svg: %w", path, ext, graphs.ErrParameter)
}

// newCanvas returns a canvas of w × h for format ext: PNG at DPI, or SVG.
func newCanvas(w, h vg.Length, ext string) vg.CanvasWriterTo {
	if ext == "png" {
		return vgimg.PngCanvas{Canvas: vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(DPI))}
	}
	return vgsvg.New(w, h)
}

// write renders c to path atomically.
func write(c vg.CanvasWriterTo, path string) error {
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		return fmt.Errorf("plots: render %s: %w", path, err)
	}
	return atomicfile.WriteBytes(path, buf.Bytes())
}

func save(p *plot.Plot, path, ext string, l Labels) error {
	w, h := l.size()
	c := newCanvas(w, h, ext)
	drawPlot(p, draw.New(c))
	return write(c, path)
}

// drawPlot draws p on c as p.Draw does, except that on a log y axis it sets
// the y label itself. gonum/plot pads the data area so that the label's
// rotated box fits, but places that box at the normalised position of the
// arithmetic mean of the axis range, which on a log axis lies near the top:
// a long label then pushes the data area down by half its length, leaving a
// gap under the title. Here the plot is drawn without its label in c less
// the label's strip, and the label is written centred on the data area, as
// gonum/plot draws it on a linear axis.
func drawPlot(p *plot.Plot, c draw.Canvas) {
	if _, log := p.Y.Scale.(plot.LogScale); !log || p.Y.Label.Text == "" {
		p.Draw(c)
		return
	}
	label := p.Y.Label
	descent := label.TextStyle.FontExtents().Descent
	strip := descent + label.TextStyle.Height(label.Text) + label.Padding
	p.Y.Label.Text = ""
	defer func() { p.Y.Label.Text = label.Text }()
	rest := c
	rest.Min.X += strip
	p.Draw(rest)
	sty := label.TextStyle
	sty.Rotation += math.Pi / 2
	data := p.DataCanvas(rest)
	y := data.Center().Y
	c.FillText(sty, vg.Point{X: c.Min.X + label.TextStyle.Height(label.Text) - descent, Y: y}, label.Text)
}

// LogTicks marks 1..9 times the powers of ten on a log axis and labels the
// powers of ten, and also 2 and 5 times them when the axis spans less than
// two decades, so that every log axis has readable labels. It is a
// plot.Ticker for any gonum/plot log axis.
type LogTicks struct{}

// Ticks returns the ticks of [lo, hi] (none unless 0 < lo < hi).
func (LogTicks) Ticks(lo, hi float64) []plot.Tick {
	if !(lo > 0 && hi > lo) {
		return nil
	}
	dense := math.Log10(hi/lo) < 2
	var ticks []plot.Tick
	for e := math.Floor(math.Log10(lo)); e <= math.Ceil(math.Log10(hi)); e++ {
		base := math.Pow(10, e)
		for m := 1; m < 10; m++ {
			v := float64(m) * base
			if v < lo*(1-1e-9) || v > hi*(1+1e-9) {
				continue
			}
			t := plot.Tick{Value: v}
			if m == 1 || dense && (m == 2 || m == 5) {
				t.Label = fmt.Sprintf("%g", v)
			}
			ticks = append(ticks, t)
		}
	}
	return ticks
}

// linearTicks labels 5 to 8 evenly spaced nice values (1, 2, 2.5 or 5 times a
// power of ten) inside the axis range, with an unlabelled minor tick halfway
// between labels; a range it cannot split so falls back to plot.DefaultTicks.
type linearTicks struct{}

func (linearTicks) Ticks(lo, hi float64) []plot.Tick {
	if !(hi > lo) || math.IsInf(hi-lo, 0) {
		return nil
	}
	step, count, mant := 0.0, 0, 0.0
	e0 := math.Floor(math.Log10(hi - lo))
	for e := e0 - 2; e <= e0; e++ {
		for _, m := range []float64{1, 2, 2.5, 5} {
			st := m * math.Pow(10, e)
			n := int(math.Floor(hi/st+1e-9) - math.Ceil(lo/st-1e-9) + 1)
			if n < 5 || n > 8 {
				continue
			}
			// Prefer about 6 labels, then the rounder mantissa.
			if step == 0 || abs(n-6) < abs(count-6) || abs(n-6) == abs(count-6) && m == 1 {
				step, count, mant = st, n, m
			}
		}
	}
	if step == 0 {
		return plot.DefaultTicks{}.Ticks(lo, hi)
	}
	dec := max(0, -int(math.Floor(math.Log10(step)+1e-9)))
	if mant == 2.5 {
		dec++
	}
	first := math.Ceil(lo/step - 1e-9)
	ticks := make([]plot.Tick, 0, 2*count+1)
	for k := range count {
		v := (first + float64(k)) * step
		if v == 0 {
			v = 0 // no "-0"
		}
		label := strconv.FormatFloat(v, 'f', dec, 64)
		if step < 1e-4 || step >= 1e6 {
			label = strconv.FormatFloat(v, 'g', -1, 64) // 2e+06, not 2000000
		}
		ticks = append(ticks, plot.Tick{Value: v, Label: label})
	}
	for k := -1; k < count; k++ {
		if v := (first + float64(k) + 0.5) * step; v >= lo && v <= hi {
			ticks = append(ticks, plot.Tick{Value: v})
		}
	}
	return ticks
}

func abs(k int) int {
	if k < 0 {
		return -k
	}
	return k
}

// New returns an empty plot in the figures' style (text sizes, legend),
// titled and labelled by l, for a caller that adds its own plotters and
// draws it with Save or Row.
func New(l Labels) *plot.Plot { return newPlot(l) }

// Save writes p alone to path (.png at DPI, or .svg), l.Width × l.Height.
func Save(p *plot.Plot, path string, l Labels) error {
	ext, err := format(path)
	if err != nil {
		return err
	}
	return save(p, path, ext, l)
}

// SaveLegendBelow writes p to path (.png at DPI, or .svg) with its legend
// in a strip below the axes, so that the legend covers no data however
// many entries it has: the axes are l.Width × l.Height and the figure is
// taller by the legend's height. p's legend is moved out of the axes.
func SaveLegendBelow(p *plot.Plot, path string, l Labels) error {
	ext, err := format(path)
	if err != nil {
		return err
	}
	return saveLegendBelow(p, path, ext, l)
}

// Row writes panels side by side to path (.png at DPI, or .svg), their
// axes aligned, in a figure of l.Width × l.Height (TwoColumn × DefaultHeight
// when 0). l.Title is unused: panels carry their own titles.
func Row(path string, panels []*plot.Plot, l Labels) error {
	ext, err := format(path)
	if err != nil {
		return err
	}
	if len(panels) == 0 {
		return fmt.Errorf("plots: Row: no panels: %w", graphs.ErrShape)
	}
	if l.Width == 0 {
		l.Width = TwoColumn
	}
	w, h := l.size()
	c := newCanvas(w, h, ext)
	pad := vg.Millimeter * 2
	tiles := draw.Tiles{Rows: 1, Cols: len(panels), PadX: vg.Millimeter * 6, PadTop: pad, PadBottom: pad, PadLeft: pad, PadRight: pad}
	cs := plot.Align([][]*plot.Plot{panels}, tiles, draw.New(c))
	for k, p := range panels {
		p.Draw(cs[0][k])
	}
	return write(c, path)
}

// Colour is the i-th colour of the figures' colour-blind-safe qualitative
// palette (Okabe & Ito), cycling after seven.
func Colour(i int) color.Color { return plotutilColor(i) }

func newPlot(l Labels) *plot.Plot {
	p := plot.New()
	p.Title.Text = l.Title
	p.X.Label.Text = l.X
	p.Y.Label.Text = l.Y
	p.Title.TextStyle.Font.Size = titleSize
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font.Size = labelSize
		a.Tick.Label.Font.Size = tickSize
	}
	p.Legend.TextStyle.Font.Size = legendSize
	p.Legend.Top = true
	p.Legend.ThumbnailWidth = vg.Points(16)
	w, h := l.size()
	p.Title.Text = wrap(p.Title.TextStyle, l.Title, w-vg.Points(8))
	// an axis label longer than its axis would shrink the axes to fit it
	p.X.Label.Text = wrap(p.X.Label.TextStyle, l.X, w-vg.Points(60))
	p.Y.Label.Text = wrap(p.Y.Label.TextStyle, l.Y, h-vg.Points(100))
	return p
}

// wrap breaks text at spaces into lines no wider than w in style s (a word
// longer than w gets a line of its own). Existing line breaks are kept.
func wrap(s text.Style, txt string, w vg.Length) string {
	var out []string
	for _, para := range strings.Split(txt, "\n") {
		line := ""
		for _, word := range strings.Fields(para) {
			if line != "" && s.Width(line+" "+word) > w {
				out = append(out, line)
				line = word
				continue
			}
			if line != "" {
				line += " "
			}
			line += word
		}
		out = append(out, line)
	}
	return strings.Join(out, "\n")
}

// newLegend returns a legend in the figures' text size.
func newLegend() plot.Legend {
	leg := plot.NewLegend()
	leg.TextStyle.Font.Size = legendSize
	leg.ThumbnailWidth = vg.Points(16)
	return leg
}

func finitePositive(name string, v []float64) error {
	for i, x := range v {
		if !(x > 0) || math.IsInf(x, 0) {
			return fmt.Errorf("plots: %s[%d]=%v not a finite number > 0: %w", name, i, x, graphs.ErrParameter)
		}
	}
	return nil
}

// Rate writes a log-log plot of the series to path (.png or .svg). Each
// series gets error bars (mean ± StdErr, the lower end clipped at mean/10 so
// it stays on the log axis) and, unless NoFit, its least squares line with
// "slope s" in the legend; a Line series is a solid black line instead. Series are not kept. Errors: no series, lengths
// that differ, fewer than 2 points for a fitted series (graphs.ErrShape);
// values ≤ 0 or not finite, a negative StdErr, a bad extension
// (graphs.ErrParameter); file errors.
func Rate(path string, series []Series, l Labels) error {
	ext, err := format(path)
	if err != nil {
		return err
	}
	if len(series) == 0 {
		return fmt.Errorf("plots: Rate: no series: %w", graphs.ErrShape)
	}
	p := newPlot(l)
	p.X.Scale, p.Y.Scale = plot.LogScale{}, plot.LogScale{}
	p.X.Tick.Marker, p.Y.Tick.Marker = LogTicks{}, LogTicks{}
	p.Legend.Top, p.Legend.Left = true, false
	ylo, yhi := math.Inf(1), math.Inf(-1)
	for si, s := range series {
		if len(s.X) == 0 || len(s.Mean) != len(s.X) || (s.StdErr != nil && len(s.StdErr) != len(s.X)) {
			return fmt.Errorf("plots: Rate: series %d (%q): len(X)=%d len(Mean)=%d len(StdErr)=%d: %w", si, s.Label, len(s.X), len(s.Mean), len(s.StdErr), graphs.ErrShape)
		}
		if err := finitePositive(fmt.Sprintf("series %d X", si), s.X); err != nil {
			return err
		}
		if err := finitePositive(fmt.Sprintf("series %d Mean", si), s.Mean); err != nil {
			return err
		}
		if s.Line {
			pts := make(plotter.XYs, len(s.X))
			for i := range s.X {
				pts[i] = plotter.XY{X: s.X[i], Y: s.Mean[i]}
				ylo, yhi = math.Min(ylo, s.Mean[i]), math.Max(yhi, s.Mean[i])
			}
			ln, err := plotter.NewLine(pts)
			if err != nil {
				return fmt.Errorf("plots: Rate: %w", err)
			}
			ln.LineStyle.Color = color.Black
			if s.Colour != nil {
				ln.LineStyle.Color = s.Colour
			}
			ln.LineStyle.Width = vg.Points(1.5)
			p.Add(ln)
			p.Legend.Add(s.Label, ln)
			continue
		}
		col := plotutilColor(si)
		if s.Colour != nil {
			col = s.Colour
		}
		for i, m := range s.Mean {
			ylo, yhi = math.Min(ylo, m), math.Max(yhi, m)
			if s.StdErr != nil && i < len(s.StdErr) && s.StdErr[i] > 0 {
				ylo, yhi = math.Min(ylo, m-math.Min(s.StdErr[i], 0.9*m)), math.Max(yhi, m+s.StdErr[i])
			}
		}
		pts := make(plotter.XYs, len(s.X))
		for i := range s.X {
			pts[i] = plotter.XY{X: s.X[i], Y: s.Mean[i]}
		}
		sc, err := plotter.NewScatter(pts)
		if err != nil {
			return fmt.Errorf("plots: Rate: %w", err)
		}
		sc.GlyphStyle.Color = col
		sc.GlyphStyle.Shape = shapes[si%len(shapes)]
		sc.GlyphStyle.Radius = vg.Points(3)
		p.Add(sc)
		if s.StdErr != nil {
			errs := make(plotter.YErrors, len(s.X))
			for i, se := range s.StdErr {
				if !(se >= 0) || math.IsInf(se, 0) {
					return fmt.Errorf("plots: Rate: series %d StdErr[%d]=%v not a finite number ≥ 0: %w", si, i, se, graphs.ErrParameter)
				}
				errs[i].Low = math.Min(se, 0.9*s.Mean[i])
				errs[i].High = se
			}
			eb := &plotter.YErrorBars{XYs: plotter.XYs(pts), YErrors: errs, LineStyle: plotter.DefaultLineStyle, CapWidth: vg.Points(4)}
			eb.LineStyle.Color = col
			p.Add(eb)
		}
		label := s.Label
		if !s.NoFit {
			fit, err := rates.LogLog(s.X, s.Mean)
			if err != nil {
				return fmt.Errorf("plots: Rate: series %d (%q): %w", si, s.Label, err)
			}
			lo, hi := minMax(s.X)
			const k = 32
			line := make(plotter.XYs, k)
			for i := range line {
				x := lo * math.Pow(hi/lo, float64(i)/(k-1))
				line[i] = plotter.XY{X: x, Y: fit.Predict(x)}
			}
			ln, err := plotter.NewLine(line)
			if err != nil {
				return fmt.Errorf("plots: Rate: %w", err)
			}
			ln.LineStyle.Color = col
			ln.LineStyle.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
			p.Add(ln)
			label = fmt.Sprintf("%s (slope %.3f)", s.Label, fit.Slope)
			p.Legend.Add(label, sc, ln)
		} else {
			p.Legend.Add(label, sc)
		}
	}
	p.Y.Min, p.Y.Max = ylo/1.05, yhi*1.05
	return saveLegendBelow(p, path, ext, l)
}

// saveLegendBelow writes p with its legend in a strip below the axes, so
// that the legend covers no data however many entries it has: the axes keep
// l's size (l.Width × l.Height) and the figure is taller by the legend's
// height. The legend's entries are p.Legend's.
func saveLegendBelow(p *plot.Plot, path, ext string, l Labels) error {
	w, h := l.size()
	leg := p.Legend
	p.Legend = plot.NewLegend() // not drawn inside the axes
	leg.Top, leg.Left = true, true
	probe := draw.New(newCanvas(w, h, "svg"))
	lh := leg.Rectangle(probe).Size().Y
	if lh > 0 {
		lh += vg.Points(6)
	}
	c := newCanvas(w, h+lh, ext)
	dc := draw.New(c)
	axes := dc
	axes.Min.Y += lh
	drawPlot(p, axes)
	if lh > 0 {
		strip := dc
		strip.Max.Y = dc.Min.Y + lh - vg.Points(3)
		strip.Min.X = p.DataCanvas(axes).Min.X
		leg.Draw(strip)
	}
	return write(c, path)
}

var shapes = []draw.GlyphDrawer{draw.CircleGlyph{}, draw.SquareGlyph{}, draw.TriangleGlyph{}, draw.PyramidGlyph{}, draw.CrossGlyph{}, draw.PlusGlyph{}}

// plotutilColor is a colour-blind-safe qualitative palette (Okabe & Ito 2008).
func plotutilColor(i int) color.Color {
	cs := []color.RGBA{
		{0, 114, 178, 255}, {213, 94, 0, 255}, {0, 158, 115, 255}, {204, 121, 167, 255},
		{86, 180, 233, 255}, {230, 159, 0, 255}, {0, 0, 0, 255},
	}
	return cs[i%len(cs)]
}

func minMax(v []float64) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, x := range v {
		lo, hi = math.Min(lo, x), math.Max(hi, x)
	}
	return lo, hi
}

// grid is the GridXYZ of a heat map on index coordinates: column c is N[c],
// row r is n[r]; Z is log10 e.
type grid struct {
	z        [][]float64 // rows × cols, log10 e
	min, max float64
}

func (g grid) Dims() (c, r int)   { return len(g.z[0]), len(g.z) }
func (g grid) Z(c, r int) float64 { return g.z[r][c] }
func (g grid) X(c int) float64    { return float64(c) }
func (g grid) Y(r int) float64    { return float64(r) }
func (g grid) Min() float64       { return g.min }
func (g grid) Max() float64       { return g.max }

// Heatmap writes the error e[i][j] at (rows[i], cols[j]) — for example
// rows = n, cols = N — as a heat map coloured by log10 e on a sequential
// scale (Kindlmann's, dark to light as e grows) with a colour bar labelled in
// the units of e, each cell labelled with e to 2 significant digits, to
// path (.png or .svg). Axis ticks show the row and column values. Inputs are
// not kept. Errors: empty or ragged e, lengths that differ (graphs.ErrShape);
// e ≤ 0 or not finite, more than 16 rows or columns (labels would overlap),
// a bad extension (graphs.ErrParameter); file errors.
func Heatmap(path string, rows, cols []float64, e [][]float64, l Labels) error {
	ext, err := format(path)
	if err != nil {
		return err
	}
	if len(rows) == 0 || len(cols) == 0 || len(e) != len(rows) {
		return fmt.Errorf("plots: Heatmap: %d rows, %d cols, %d rows of e: %w", len(rows), len(cols), len(e), graphs.ErrShape)
	}
	if len(rows) > 16 || len(cols) > 16 {
		return fmt.Errorf("plots: Heatmap: %d×%d cells > 16×16: %w", len(rows), len(cols), graphs.ErrParameter)
	}
	g := grid{z: make([][]float64, len(rows)), min: math.Inf(1), max: math.Inf(-1)}
	var labels plotter.XYLabels
	for i, row := range e {
		if len(row) != len(cols) {
			return fmt.Errorf("plots: Heatmap: len(e[%d])=%d != len(cols)=%d: %w", i, len(row), len(cols), graphs.ErrShape)
		}
		if err := finitePositive(fmt.Sprintf("e[%d]", i), row); err != nil {
			return err
		}
		g.z[i] = make([]float64, len(row))
		for j, v := range row {
			z := math.Log10(v)
			g.z[i][j] = z
			g.min, g.max = math.Min(g.min, z), math.Max(g.max, z)
			labels.XYs = append(labels.XYs, plotter.XY{X: float64(j), Y: float64(i)})
			labels.Labels = append(labels.Labels, fmt.Sprintf("%.2g", v))
		}
	}
	if g.min == g.max {
		g.min, g.max = g.min-0.5, g.max+0.5
	}
	// A sequential map (dark for small errors, light for large ones) that
	// stays readable in grey, with white text on its dark half.
	// The map's last eighth, near white, is left unused: the largest error
	// stays visible against the page.
	pal := moreland.Kindlmann()
	pal.SetMin(g.min)
	pal.SetMax(g.max + (g.max-g.min)/7)
	p := newPlot(l)
	hm := plotter.NewHeatMap(g, pal.Palette(255))
	hm.Min, hm.Max = pal.Min(), pal.Max()
	p.Add(hm)
	lb, err := plotter.NewLabels(labels)
	if err != nil {
		return fmt.Errorf("plots: Heatmap: %w", err)
	}
	for i := range lb.TextStyle {
		lb.TextStyle[i].XAlign = draw.XCenter
		lb.TextStyle[i].YAlign = draw.YCenter
		lb.TextStyle[i].Font.Size = cellSize
		r, c := i/len(cols), i%len(cols)
		if cc, err := pal.At(g.z[r][c]); err == nil && luminance(cc) < 0.4 {
			lb.TextStyle[i].Color = color.White
		}
	}
	p.Add(lb)
	p.X.Tick.Marker = indexTicks(cols)
	p.Y.Tick.Marker = indexTicks(rows)
	p.X.Min, p.X.Max = -0.5, float64(len(cols))-0.5
	p.Y.Min, p.Y.Max = -0.5, float64(len(rows))-0.5

	// The colour bar, on the right, its axis in the units of e.
	cb := plot.New()
	cb.Add(&plotter.ColorBar{ColorMap: pal, Vertical: true})
	cb.HideX()
	cb.X.Padding = 0
	cb.Y.Scale = plot.LinearScale{}
	cb.Y.Min, cb.Y.Max = pal.Min(), pal.Max()
	cb.Y.Padding = 0
	cb.Y.Tick.Marker = powerTicks{}
	cb.Y.Tick.Label.Font.Size = tickSize
	cb.Y.Label.Text = l.Colour
	if cb.Y.Label.Text == "" {
		cb.Y.Label.Text = "e"
	}
	cb.Y.Label.TextStyle.Font.Size = labelSize
	return saveWithColourBar(p, cb, path, ext, l)
}

// powerTicks labels an axis of log10 values with the values themselves: the
// powers of ten and 2 and 5 times them (LogTicks on the exponents).
type powerTicks struct{}

func (powerTicks) Ticks(lo, hi float64) []plot.Tick {
	var t []plot.Tick
	for _, k := range (LogTicks{}).Ticks(math.Pow(10, lo), math.Pow(10, hi)) {
		t = append(t, plot.Tick{Value: math.Log10(k.Value), Label: k.Label})
	}
	return t
}

// luminance is the relative luminance of c (0 black, 1 white).
func luminance(c color.Color) float64 {
	r, g, b, _ := c.RGBA()
	lin := func(v uint32) float64 {
		x := float64(v) / 0xffff
		if x <= 0.04045 {
			return x / 12.92
		}
		return math.Pow((x+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
}

// saveWithColourBar writes p with the colour bar plot cb to its right, the
// bar's ends level with p's data area and the title centred over both.
func saveWithColourBar(p, cb *plot.Plot, path, ext string, l Labels) error {
	w, h := l.size()
	c := newCanvas(w, h, ext)
	dc := draw.New(c)
	if p.Title.Text != "" {
		descent := p.Title.TextStyle.FontExtents().Descent
		dc.FillText(p.Title.TextStyle, vg.Point{X: dc.Center().X, Y: dc.Max.Y + descent}, p.Title.Text)
		dc.Max.Y -= p.Title.TextStyle.Rectangle(p.Title.Text).Size().Y + p.Title.Padding
		p.Title.Text = ""
	}
	bw := vg.Points(64) // the label, the ticks and the bar
	main := draw.Crop(dc, 0, -bw, 0, 0)
	drawPlot(p, main)
	data := p.DataCanvas(main)
	strip := dc
	strip.Min.X = dc.Max.X - bw + vg.Points(6)
	// cb's own padding moves its data area: shift the strip so that the
	// bar spans exactly the heat map's rows.
	got := cb.DataCanvas(strip)
	strip.Min.Y += data.Min.Y - got.Min.Y
	strip.Max.Y += data.Max.Y - got.Max.Y
	cb.Draw(strip)
	return write(c, path)
}

func indexTicks(v []float64) plot.ConstantTicks {
	t := make(plot.ConstantTicks, len(v))
	for i, x := range v {
		t[i] = plot.Tick{Value: float64(i), Label: fmt.Sprintf("%g", x)}
	}
	return t
}

// Curve is one trajectory g_t(u) sampled at the latent positions of
// Trajectories.
type Curve struct {
	Label string
	G     []float64
}

// Trajectories writes the curves g(u) for networks of increasing width
// (one colour each) and the limit curve (thick, black,
// dashed) against the latent positions u (ascending in [0,1]) to path
// (.png or .svg), with 5 to 8 labelled ticks per axis and the legend in a
// column right of the axes (it covers no curve; the y range is the data's
// ± 3%). Inputs are not kept. Errors: no curves, lengths that
// differ from len(u) (graphs.ErrShape); non-finite values, u not ascending in
// [0,1], a bad extension (graphs.ErrParameter); file errors.
func Trajectories(path string, u []float64, curves []Curve, limit Curve, l Labels) error {
	ext, err := format(path)
	if err != nil {
		return err
	}
	if len(u) < 2 || len(curves) == 0 {
		return fmt.Errorf("plots: Trajectories: %d positions, %d curves: %w", len(u), len(curves), graphs.ErrShape)
	}
	for i, x := range u {
		if !(x >= 0 && x <= 1) || (i > 0 && !(x > u[i-1])) {
			return fmt.Errorf("plots: Trajectories: u[%d]=%v not ascending in [0,1]: %w", i, x, graphs.ErrParameter)
		}
	}
	p := newPlot(l)
	leg := newLegend()
	leg.Left, leg.Top = true, true
	ylo, yhi := math.Inf(1), math.Inf(-1)
	add := func(c Curve, col color.Color, width vg.Length, dashed bool) error {
		if len(c.G) != len(u) {
			return fmt.Errorf("plots: Trajectories: curve %q has %d values, want %d: %w", c.Label, len(c.G), len(u), graphs.ErrShape)
		}
		pts := make(plotter.XYs, len(u))
		for i := range u {
			if math.IsNaN(c.G[i]) || math.IsInf(c.G[i], 0) {
				return fmt.Errorf("plots: Trajectories: curve %q value %d = %v: %w", c.Label, i, c.G[i], graphs.ErrParameter)
			}
			pts[i] = plotter.XY{X: u[i], Y: c.G[i]}
			ylo, yhi = math.Min(ylo, c.G[i]), math.Max(yhi, c.G[i])
		}
		ln, err := plotter.NewLine(pts)
		if err != nil {
			return fmt.Errorf("plots: Trajectories: %w", err)
		}
		ln.LineStyle.Color = col
		ln.LineStyle.Width = width
		if dashed {
			ln.LineStyle.Dashes = []vg.Length{vg.Points(6), vg.Points(3)}
		}
		p.Add(ln)
		leg.Add(c.Label, ln)
		return nil
	}
	for i, c := range curves {
		if err := add(c, plotutilColor(i), vg.Points(1.5), false); err != nil {
			return err
		}
	}
	if limit.G != nil {
		if err := add(limit, color.Black, vg.Points(2.5), true); err != nil {
			return err
		}
	}
	p.X.Min, p.X.Max = 0, 1
	if yhi == ylo {
		ylo, yhi = ylo-1, yhi+1
	}
	span := yhi - ylo
	p.Y.Min, p.Y.Max = ylo-0.03*span, yhi+0.03*span
	p.X.Tick.Marker, p.Y.Tick.Marker = linearTicks{}, linearTicks{}
	return saveLegendRight(p, &leg, path, ext, l)
}

// saveLegendRight writes p with leg in a column to the right of the axes, so
// that the legend covers no data: the title is centred over the whole
// figure, the plot fills the rest of the width, and the legend's top is
// level with the top of the data area.
func saveLegendRight(p *plot.Plot, leg *plot.Legend, path, ext string, l Labels) error {
	w, h := l.size()
	c := newCanvas(w, h, ext)
	dc := draw.New(c)
	if p.Title.Text != "" {
		descent := p.Title.TextStyle.FontExtents().Descent
		dc.FillText(p.Title.TextStyle, vg.Point{X: dc.Center().X, Y: dc.Max.Y + descent}, p.Title.Text)
		dc.Max.Y -= p.Title.TextStyle.Rectangle(p.Title.Text).Size().Y + p.Title.Padding
		p.Title.Text = ""
	}
	gap := vg.Points(10)
	lw := leg.Rectangle(dc).Size().X + gap
	drawPlot(p, draw.Crop(dc, 0, -lw, 0, 0))
	data := p.DataCanvas(draw.Crop(dc, 0, -lw, 0, 0))
	lc := dc
	lc.Min.X = dc.Max.X - lw + gap
	lc.Max.Y = data.Max.Y
	leg.Draw(lc)
	return write(c, path)
}

// Collapse writes the collapse of a central-limit scaling to path (.png or
// .svg): on linear axes against t, each series (one per width N) as points
// with error bars, mean ± StdErr, shifted in t by a small offset per series
// (at most ±1.5% of the t range, so that the bars do not overlap: say so in
// a label), and the prediction as a solid black line through
// (predicted.X, predicted.Mean) between dotted lines at ± predicted.StdErr
// (its stated error; nil for none). Series are not kept. Errors: no series,
// lengths that differ, fewer than 2 predicted points (graphs.ErrShape);
// values not finite, a negative StdErr, a bad extension
// (graphs.ErrParameter); file errors.
func Collapse(path string, series []Series, predicted Series, l Labels) error {
	ext, err := format(path)
	if err != nil {
		return err
	}
	if len(series) == 0 || len(predicted.X) < 2 || len(predicted.Mean) != len(predicted.X) ||
		(predicted.StdErr != nil && len(predicted.StdErr) != len(predicted.X)) {
		return fmt.Errorf("plots: Collapse: %d series, prediction of %d points: %w", len(series), len(predicted.X), graphs.ErrShape)
	}
	finite := func(name string, v []float64, nonneg bool) error {
		for i, x := range v {
			if math.IsNaN(x) || math.IsInf(x, 0) || (nonneg && x < 0) {
				return fmt.Errorf("plots: Collapse: %s[%d]=%v: %w", name, i, x, graphs.ErrParameter)
			}
		}
		return nil
	}
	xlo, xhi := minMax(predicted.X)
	for si, s := range series {
		if len(s.X) == 0 || len(s.Mean) != len(s.X) || (s.StdErr != nil && len(s.StdErr) != len(s.X)) {
			return fmt.Errorf("plots: Collapse: series %d (%q): len(X)=%d len(Mean)=%d len(StdErr)=%d: %w", si, s.Label, len(s.X), len(s.Mean), len(s.StdErr), graphs.ErrShape)
		}
		for _, v := range []struct {
			name   string
			x      []float64
			nonneg bool
		}{{"X", s.X, false}, {"Mean", s.Mean, false}, {"StdErr", s.StdErr, true}} {
			if err := finite(fmt.Sprintf("series %d %s", si, v.name), v.x, v.nonneg); err != nil {
				return err
			}
		}
		lo, hi := minMax(s.X)
		xlo, xhi = math.Min(xlo, lo), math.Max(xhi, hi)
	}
	for _, v := range [][]float64{predicted.X, predicted.Mean} {
		if err := finite("prediction", v, false); err != nil {
			return err
		}
	}
	if err := finite("prediction StdErr", predicted.StdErr, true); err != nil {
		return err
	}
	p := newPlot(l)
	p.Legend.Top, p.Legend.Left = true, false
	ylo, yhi := math.Inf(1), math.Inf(-1)
	span := xhi - xlo
	for si, s := range series {
		col := plotutilColor(si)
		shift := 0.0
		if len(series) > 1 {
			shift = 0.03 * span * (float64(si)/float64(len(series)-1) - 0.5)
		}
		pts := make(plotter.XYs, len(s.X))
		errs := make(plotter.YErrors, len(s.X))
		for i := range s.X {
			pts[i] = plotter.XY{X: s.X[i] + shift, Y: s.Mean[i]}
			se := 0.0
			if s.StdErr != nil {
				se = s.StdErr[i]
			}
			errs[i].Low, errs[i].High = se, se
			ylo, yhi = math.Min(ylo, s.Mean[i]-se), math.Max(yhi, s.Mean[i]+se)
		}
		sc, err := plotter.NewScatter(pts)
		if err != nil {
			return fmt.Errorf("plots: Collapse: %w", err)
		}
		sc.GlyphStyle.Color = col
		sc.GlyphStyle.Shape = shapes[si%len(shapes)]
		sc.GlyphStyle.Radius = vg.Points(3)
		p.Add(sc)
		eb := &plotter.YErrorBars{XYs: pts, YErrors: errs, LineStyle: plotter.DefaultLineStyle, CapWidth: vg.Points(4)}
		eb.LineStyle.Color = col
		p.Add(eb)
		p.Legend.Add(s.Label, sc)
	}
	line := func(sign float64, dotted bool) (*plotter.Line, error) {
		pts := make(plotter.XYs, len(predicted.X))
		for i := range pts {
			y := predicted.Mean[i]
			if sign != 0 {
				y += sign * predicted.StdErr[i]
			}
			pts[i] = plotter.XY{X: predicted.X[i], Y: y}
			ylo, yhi = math.Min(ylo, y), math.Max(yhi, y)
		}
		ln, err := plotter.NewLine(pts)
		if err != nil {
			return nil, fmt.Errorf("plots: Collapse: %w", err)
		}
		ln.LineStyle.Color = color.Black
		ln.LineStyle.Width = vg.Points(1.5)
		if dotted {
			ln.LineStyle.Width = vg.Points(0.75)
			ln.LineStyle.Dashes = []vg.Length{vg.Points(2), vg.Points(2)}
		}
		return ln, nil
	}
	ln, err := line(0, false)
	if err != nil {
		return err
	}
	p.Add(ln)
	p.Legend.Add(predicted.Label, ln)
	if predicted.StdErr != nil {
		for _, sg := range []float64{-1, 1} {
			b, err := line(sg, true)
			if err != nil {
				return err
			}
			p.Add(b)
		}
	}
	if yhi == ylo {
		ylo, yhi = ylo-1, yhi+1
	}
	ys := yhi - ylo
	p.Y.Min, p.Y.Max = math.Min(0, ylo-0.03*ys), yhi+0.03*ys
	p.X.Min, p.X.Max = xlo-0.05*span, xhi+0.05*span
	p.X.Tick.Marker, p.Y.Tick.Marker = linearTicks{}, linearTicks{}
	return saveLegendBelow(p, path, ext, l)
}

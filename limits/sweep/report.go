package sweep

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/internal/atomicfile"
	"github.com/gnnwb/gnnwb/limits"
)

// ReportFile is the page Report writes in a sweep's directory.
const ReportFile = "report.html"

// Report writes dir/report.html, one self-contained page (no file or
// network access when opened: the figures are inlined PNGs, the style is in
// the page) that says what the sweep computed: the problem and the grid, how
// far it got, each limit's solver and its self-check, the fitted slopes with
// their 95% bootstrap intervals, the joint fits, and every figure with a
// caption that says what its points and bars are. The fits and the PNG
// figures are made first (Fit, Plot) when dir lacks them. The page is the
// same bytes for the same sweep. Errors: those of Fit and Plot, a summary
// or fits file that does not parse (a *graphs.ParseError), file errors.
func Report(dir string) (string, error) {
	var sum Summary
	if err := readJSONFile(dir, SummaryFile, &sum); errors.Is(err, fs.ErrNotExist) {
		if _, err := Assemble(dir); err != nil {
			return "", err
		}
		if err := readJSONFile(dir, SummaryFile, &sum); err != nil {
			return "", err
		}
	} else if err != nil {
		return "", err
	}
	var fits Fits
	if err := readJSONFile(dir, FitsFile, &fits); errors.Is(err, fs.ErrNotExist) {
		f, err := Fit(dir)
		if err != nil {
			return "", err
		}
		fits = *f
	} else if err != nil {
		return "", err
	}
	figs, err := reportFigures(dir, sum.Config)
	if err != nil {
		return "", err
	}
	problem, err := json.MarshalIndent(sum.Config.Problem, "", "  ")
	if err != nil {
		return "", fmt.Errorf("sweep: Report: %w", err)
	}
	page := reportPage{Dir: filepath.Base(dir), Sum: sum, Problem: string(problem), Axis: fits.Axis, Joint: fits.Joint, Figures: figs}
	var buf bytes.Buffer
	if err := reportTemplate.Execute(&buf, page); err != nil {
		return "", fmt.Errorf("sweep: Report: %w", err)
	}
	path := filepath.Join(dir, ReportFile)
	return path, atomicfile.WriteBytes(path, buf.Bytes())
}

func readJSONFile(dir, name string, v any) error {
	data, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		return err
	}
	if err := json.Unmarshal(data, v); err != nil {
		return &graphs.ParseError{Path: filepath.Join(dir, name), Err: fmt.Errorf("%v: %w", err, graphs.ErrFormat)}
	}
	return nil
}

// reportFigure is one inlined figure and its caption.
type reportFigure struct {
	Name    string
	Caption string
	Data    template.URL // data:image/png;base64,…
}

// reportFigures reads the PNG figures of w in the order Plot draws them,
// drawing them first if one is missing, with their captions.
func reportFigures(dir string, w Config) ([]reportFigure, error) {
	names, captions := figureCaptions(w)
	for _, name := range names {
		if _, err := os.Stat(filepath.Join(dir, name+".png")); errors.Is(err, fs.ErrNotExist) {
			if _, err := Plot(dir, []string{"png"}); err != nil {
				return nil, err
			}
			break
		}
	}
	var figs []reportFigure
	for _, name := range names {
		data, err := os.ReadFile(filepath.Join(dir, name+".png"))
		if errors.Is(err, fs.ErrNotExist) {
			continue // Plot skips a figure it cannot draw (a zero error)
		} else if err != nil {
			return nil, err
		}
		figs = append(figs, reportFigure{Name: name + ".png", Caption: captions[name],
			Data: template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(data))})
	}
	return figs, nil
}

// figureCaptions lists the figures Plot may draw for w, with captions.
func figureCaptions(w Config) ([]string, map[string]string) {
	t := w.Problem.Times[len(w.Problem.Times)-1]
	bars := fmt.Sprintf("Points: the mean over %d seeds; bars: ± one standard error of that mean (bars below the axis are clipped)", w.Seeds)
	what := map[string]string{"fun": "function error e_fun (the L² distance over u on the quadrature nodes)",
		"node": "node error e_node (the RMS distance on the nodes of a fresh test graph)"}
	var names []string
	captions := map[string]string{}
	for _, l := range w.Limits {
		for _, kind := range []string{"fun", "node"} {
			name := fmt.Sprintf("rate_N_%s_%s", l, kind)
			names = append(names, name)
			captions[name] = fmt.Sprintf("The %s between networks and the %s against the width N, one series per number of nodes n, at t = %g. %s. Dashed: the least-squares line of log e on log N, its slope in the legend.", what[kind], limitTitle[l], t, bars)
			name = fmt.Sprintf("rate_n_%s_%s", l, kind)
			names = append(names, name)
			captions[name] = fmt.Sprintf("The %s between networks and the %s against the number of nodes n, one series per width N, at t = %g. %s. Dashed: the least-squares line of log e on log n, its slope in the legend.", what[kind], limitTitle[l], t, bars)
			name = fmt.Sprintf("heatmap_%s_%s", l, kind)
			names = append(names, name)
			captions[name] = fmt.Sprintf("The %s to the %s over the (n, N) grid at t = %g: each cell is the mean over %d seeds, written in it; the colour is on a log scale (colour bar).", what[kind], limitTitle[l], t, w.Seeds)
		}
		name := "trajectories_" + l.String()
		names = append(names, name)
		captions[name] = fmt.Sprintf("The output g_t(φ(u)) against the latent position u of networks of several widths N (n = %d, seed 1) and of the %s (dashed), at t = %g.", w.Nodes[len(w.Nodes)-1], limitTitle[l], t)
	}
	return names, captions
}

type reportPage struct {
	Dir     string
	Sum     Summary
	Problem string
	Axis    []AxisFit
	Joint   []JointResult
	Figures []reportFigure
}

var reportTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"ints": func(v []int) string {
		s := make([]string, len(v))
		for i, x := range v {
			s[i] = fmt.Sprint(x)
		}
		return strings.Join(s, ", ")
	},
	"kinds": func(v []limits.Kind) string {
		s := make([]string, len(v))
		for i, x := range v {
			s[i] = x.String()
		}
		return strings.Join(s, ", ")
	},
	"g":  func(x float64) string { return fmt.Sprintf("%.3g", x) },
	"f3": func(x float64) string { return fmt.Sprintf("%.3f", x) },
}).Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>gnnwb sweep {{.Dir}}</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 60em; margin: 2em auto; padding: 0 1em; color: #222; line-height: 1.4; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; font-variant-numeric: tabular-nums; }
th, td { border-bottom: 1px solid #ccc; padding: 0.2em 0.7em; text-align: right; }
th { background: #f3f3f3; }
td.l, th.l { text-align: left; }
pre { background: #f6f6f6; padding: 0.7em; overflow-x: auto; }
figure { margin: 1.5em 0; }
figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption { font-size: 0.9em; color: #444; }
</style>
</head>
<body data-figures="{{len .Figures}}">
<h1>Sweep {{.Dir}}</h1>
<p>Finite one-hidden-layer GNNs trained online on G(n, W, ρ), measured against their limits.
{{.Sum.Done}} of {{.Sum.Cells}} cells done{{if not .Sum.Complete}} (<strong>incomplete</strong>: the fits use the finished cells only){{end}}.</p>

<h2>Grid</h2>
<table>
<tr><th class="l">n (nodes)</th><td class="l">{{ints .Sum.Config.Nodes}}</td></tr>
<tr><th class="l">N (hidden units)</th><td class="l">{{ints .Sum.Config.Widths}}</td></tr>
<tr><th class="l">seeds</th><td class="l">{{.Sum.Config.Seeds}}</td></tr>
<tr><th class="l">limits</th><td class="l">{{kinds .Sum.Config.Limits}}</td></tr>
</table>

<h2>Problem</h2>
<pre>{{.Problem}}</pre>

{{if .Sum.Limits}}<h2>Limit solvers</h2>
<p>Limits solved once for the whole sweep, with their own error estimate at each time
(for the particle solver, the distance to a solve on twice the particles).</p>
<table>
<tr><th class="l">limit</th><th class="l">method</th><th>t</th><th>error estimate</th><th>ODE steps</th></tr>
{{range .Sum.Limits}}{{$l := .}}{{range $i, $t := .Times}}<tr><td class="l">{{$l.Name}}</td><td class="l">{{$l.Method}}</td><td>{{$t}}</td><td>{{if lt $i (len $l.ErrEstimate)}}{{g (index $l.ErrEstimate $i)}}{{else}}–{{end}}</td><td>{{$l.ODESteps}}</td></tr>
{{end}}{{end}}</table>{{end}}

<h2>Fitted slopes</h2>
<p>Least-squares slope of log e on log x along one axis at a fixed value of the other, with a 95% bootstrap
interval over seeds (seeds resampled whole).</p>
<table>
<tr><th class="l">limit</th><th class="l">error</th><th>t</th><th class="l">along</th><th>at</th><th>slope</th><th>95% interval</th><th>seeds</th></tr>
{{range .Axis}}<tr><td class="l">{{.Limit}}</td><td class="l">{{.Kind}}</td><td>{{.T}}</td><td class="l">{{.Axis}}</td><td>{{if eq .Axis "N"}}n{{else}}N{{end}} = {{.Fixed}}</td>{{if .Err}}<td class="l" colspan="3">no fit: {{.Err}}</td>{{else}}<td>{{f3 .Slope}}</td><td>[{{f3 .SlopeLo}}, {{f3 .SlopeHi}}]</td><td>{{.Seeds}}</td>{{end}}</tr>
{{end}}</table>

{{if .Joint}}<h2>Joint fits</h2>
<p>e(n, N) ≈ A·N<sup>−P</sup> + B·(nρ)<sup>−Q</sup> + floor, fitted to the seed means over the whole grid.</p>
<table>
<tr><th class="l">limit</th><th class="l">error</th><th>t</th><th>A</th><th>P</th><th>B</th><th>Q</th><th>floor</th><th>RMS log residual</th></tr>
{{range .Joint}}<tr><td class="l">{{.Limit}}</td><td class="l">{{.Kind}}</td><td>{{.T}}</td>{{if .Err}}<td class="l" colspan="6">no fit: {{.Err}}</td>{{else}}<td>{{g .A}}</td><td>{{f3 .P}}</td><td>{{g .B}}</td><td>{{f3 .Q}}</td><td>{{g .Floor}}</td><td>{{f3 .RMS}}</td>{{end}}</tr>
{{end}}</table>{{end}}

<h2>Figures</h2>
{{range .Figures}}<figure id="{{.Name}}">
<img src="{{.Data}}" alt="{{.Name}}">
<figcaption><strong>{{.Name}}.</strong> {{.Caption}}</figcaption>
</figure>
{{end}}
<script>
// how many figures the browser decoded, for a headless check of the page
window.addEventListener("load", function () {
  var ok = 0;
  document.querySelectorAll("figure img").forEach(function (im) { if (im.complete && im.naturalWidth > 0) ok++; });
  document.body.setAttribute("data-figures-decoded", ok);
});
</script>
</body>
</html>
`))

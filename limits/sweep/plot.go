package sweep

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"

	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/limits"
	"github.com/gnnwb/gnnwb/limits/plots"
)

var limitTitle = map[limits.Kind]string{
	limits.GraphonLimit:   "graphon limit (n → ∞, N fixed)",
	limits.MeanFieldLimit: "mean-field limit (N → ∞)",
	limits.KernelLimit:    "kernel limit (N → ∞, γ = ½)",
	limits.GammaLimit:     "ε-flow (ε = N^{γ−1})",
}

// limitName is a limit's name in a legend.
var limitName = map[limits.Kind]string{
	limits.GraphonLimit:   "graphon limit",
	limits.MeanFieldLimit: "mean-field limit",
	limits.KernelLimit:    "kernel limit",
	limits.GammaLimit:     "ε-flow",
}

var kindLabel = map[string]string{
	"fun":  "function error e_fun",
	"node": "node error e_node",
}

// Plot draws the figures of dir's sweep from dir/fits.json (Fit first if it
// is missing) into dir with each of the extensions exts ("png",
// "svg"), and returns the files written. For every limit and error kind at
// the last time: rate_N_<limit>_<kind> (error against N, one series per n,
// fitted slopes in the legend), rate_n_<limit>_<kind> (against n, one series
// per N), heatmap_<limit>_<kind> (the (n, N) grid); and, for the limits that
// do not depend on the cell, trajectories_<limit>: the network outputs
// g_t(u) at the largest n, seed 1, for (at most 4 of) the N, with the limit
// curve. With a prediction (Fits.Prediction), rate_N_meanfield_fun also
// shows the root mean square over seeds of e_fun at the largest n, with its
// standard error, and the predicted √(C(t)/N) as a solid line: the
// prediction is of the RMS; the mean of e_fun over seeds lies below it by
// Jensen's inequality. With a prediction of the graph axis
// (Fits.GraphPrediction), rate_n_graphon_fun also shows, per N, the root
// mean square over seeds of e_fun, with its standard error, and the
// predicted √(bias + variance) through the sweep's n as a solid line. Rate
// plots skip series that could not be fitted (a zero error). Errors: file
// errors, plots' errors.
func Plot(dir string, exts []string) ([]string, error) {
	if err := plots.CheckFormats(exts); err != nil {
		return nil, err
	}
	var f *Fits
	data, err := os.ReadFile(filepath.Join(dir, FitsFile))
	if err == nil {
		f = new(Fits)
		if err := json.Unmarshal(data, f); err != nil {
			return nil, fmt.Errorf("sweep: Plot: %w", &graphs.ParseError{Path: FitsFile, Err: err})
		}
	} else if f, err = Fit(dir); err != nil {
		return nil, err
	}
	w := f.Config
	t := w.Problem.Times[len(w.Problem.Times)-1]
	var files []string
	for _, ext := range exts {
		out := func(name string) string {
			p := filepath.Join(dir, name+"."+ext)
			files = append(files, p)
			return p
		}
		for _, l := range w.Limits {
			for _, kind := range []string{"fun", "node"} {
				for _, ax := range []struct {
					axis, other, x string
					fixed          []int
				}{
					{"N", "n", "N (hidden units)", w.Nodes},
					{"n", "N", "n (nodes)", w.Widths},
				} {
					var ser []plots.Series
					for _, v := range ax.fixed {
						a := f.Find(l, kind, ax.axis, v)
						if a == nil || a.Err != "" || len(a.X) < 2 {
							continue
						}
						ser = append(ser, plots.Series{Label: fmt.Sprintf("%s = %d", ax.other, v), X: a.X, Mean: a.Mean, StdErr: a.StdErr})
					}
					if len(ser) == 0 {
						continue
					}
					lab := plots.Labels{Title: fmt.Sprintf("%s, t = %g", limitTitle[l], t), X: ax.x, Y: kindLabel[kind]}
					if l == limits.MeanFieldLimit && kind == "fun" && ax.axis == "N" {
						if pr, ok := predictedSeries(f.Prediction, t); ok {
							ser = append(ser, pr...)
							lab.Y = kindLabel[kind]
						}
					}
					if l == limits.GraphonLimit && kind == "fun" && ax.axis == "n" {
						if pr, ok := f.GraphPrediction.graphSeries(w.Widths, t); ok {
							ser = append(ser, pr...)
						}
					}
					if err := plots.Rate(out(fmt.Sprintf("rate_%s_%s_%s", ax.axis, l, kind)), ser, lab); err != nil {
						return files, err
					}
				}
				if len(w.Nodes) <= 16 && len(w.Widths) <= 16 {
					e := make([][]float64, len(w.Nodes))
					ok := true
					for i, n := range w.Nodes {
						a := f.Find(l, kind, "N", n)
						if a == nil || len(a.Mean) != len(w.Widths) {
							ok = false
							break
						}
						e[i] = a.Mean
						ok = ok && !slices.ContainsFunc(a.Mean, func(x float64) bool { return !(x > 0) })
					}
					if ok {
						rows, cols := ints(w.Nodes), ints(w.Widths)
						lab := plots.Labels{Title: fmt.Sprintf("%s vs %s, t = %g", kindLabel[kind], limitTitle[l], t), X: "N (hidden units)", Y: "n (nodes)", Colour: kindLabel[kind]}
						if err := plots.Heatmap(out(fmt.Sprintf("heatmap_%s_%s", l, kind)), rows, cols, e, lab); err != nil {
							return files, err
						}
					}
				}
			}
			if err := trajectories(dir, w, l, out); err != nil {
				return files, err
			}
		}
	}
	return files, nil
}

func ints(v []int) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = float64(x)
	}
	return out
}

// trajectories draws the network curves at the largest n, seed 1, against
// the limit curve, when the limit was solved once for the sweep.
func trajectories(dir string, w Config, l limits.Kind, out func(string) string) error {
	data, err := os.ReadFile(filepath.Join(dir, "limit_"+l.String()+".json"))
	if err != nil {
		return nil // a limit that depends on the cell has no single curve
	}
	var info LimitInfo
	if err := json.Unmarshal(data, &info); err != nil || len(info.G) == 0 {
		return fmt.Errorf("sweep: %s: %v", "limit_"+l.String()+".json", err)
	}
	k := len(info.G) - 1
	n := slices.Max(w.Nodes)
	var curves []plots.Curve
	widths := slices.Clone(w.Widths)
	slices.Sort(widths)
	if len(widths) > 4 { // at most 4 curves, smallest and largest N included
		pick := make([]int, 4)
		for i := range pick {
			pick[i] = widths[i*(len(widths)-1)/3]
		}
		widths = pick
	}
	for _, m := range widths {
		c, err := readCell(dir, Cell{n, m, 1})
		if err != nil || len(c.Curves) <= k {
			continue
		}
		curves = append(curves, plots.Curve{Label: fmt.Sprintf("N = %d", m), G: c.Curves[k]})
	}
	if len(curves) == 0 {
		return nil
	}
	lab := plots.Labels{Title: fmt.Sprintf("networks (n = %d, seed 1) against the %s, t = %g", n, limitTitle[l], info.Times[k]), X: "latent position u", Y: "output g_t(φ(u))"}
	return plots.Trajectories(out("trajectories_"+l.String()), info.U, curves, plots.Curve{Label: limitName[l], G: info.G[k]}, lab)
}

// predictedSeries returns the RMS over seeds of e_fun at the largest n and
// the predicted √(C(t)/N) over the sweep's widths, for the rate plot of the
// mean-field function error at t; ok is false without a prediction.
func predictedSeries(p *Prediction, t float64) ([]plots.Series, bool) {
	at, x, y, se, ok := p.rms(t)
	if !ok {
		return nil, false
	}
	lo, hi := slices.Min(x), slices.Max(x)
	const k = 32
	line := plots.Series{Label: "predicted √(C(t)/N), not fitted", Line: true}
	for i := range k {
		n := lo * math.Pow(hi/lo, float64(i)/(k-1))
		line.X = append(line.X, n)
		line.Mean = append(line.Mean, math.Sqrt(at.C/n))
	}
	return []plots.Series{
		{Label: fmt.Sprintf("n = %d: RMS over seeds", p.Nodes), X: x, Mean: y, StdErr: se, NoFit: true},
		line,
	}, true
}

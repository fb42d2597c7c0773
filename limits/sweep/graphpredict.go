package sweep

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"path/filepath"
	"slices"

	"github.com/gnnwb/gnnwb/gnn/activation"
	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/limits"
	"github.com/gnnwb/gnnwb/limits/fluctuation"
	"github.com/gnnwb/gnnwb/limits/plots"
)

// GraphPredictionFile is the predicted graph axis a sweep of a σ-identity
// problem against the graphon limit computes once for its cells
// (graphPredictionInfo).
const GraphPredictionFile = "prediction_graphon.json"

// graphPredictionInfo is GraphPredictionFile: fluctuation.Graph at every
// (n, N) of the sweep at its times, or why there is none.
type graphPredictionInfo struct {
	Reason string            `json:"reason,omitempty"`
	Times  []float64         `json:"times"`
	Cells  []graphPrediction `json:"cells,omitempty"`
}

// graphPrediction is fluctuation.Graph's GraphAxis at one (n, N), its
// slices indexed by the sweep's times.
type graphPrediction struct {
	Method        string    `json:"method"`
	Nodes         int       `json:"n"`
	NRho          float64   `json:"n_rho"`
	Width         int       `json:"N"`
	Bias          []float64 `json:"bias"`
	Variance      []float64 `json:"variance"`
	Total         []float64 `json:"total"`
	MeanFieldBias []float64 `json:"mean_field_bias"`
}

// GraphPrediction is the predicted graph axis of the error of a σ-identity
// sweep against the graphon limit (fluctuation.Graph, docs/mathematics.md
// §8.7) beside what the sweep measured: for every (n, N) of the sweep and
// each of its times, E e_fun² between the network and the graphon limit of
// the same width and seed, computed for the sweep's own problem, not
// fitted.
type GraphPrediction struct {
	// Reason says why there is no prediction (γ ≠ 1, the whole-graph
	// sampler, noise on x or y, ...); empty when there is one.
	Reason string `json:"reason,omitempty"`
	// Cells are in the order of the sweep's nodes, then widths.
	Cells []GraphPredictionAt `json:"cells,omitempty"`
}

// GraphPredictionAt is the prediction and the measurement at one (n, N),
// its slices indexed by Times, the sweep's times.
type GraphPredictionAt struct {
	// Method says how it was computed (fluctuation.GraphAxis.Method).
	Method string    `json:"method"`
	Nodes  int       `json:"n"`
	NRho   float64   `json:"n_rho"`
	Width  int       `json:"N"`
	Times  []float64 `json:"times"`
	// Bias, Variance, Total and MeanFieldBias are those of
	// fluctuation.GraphAxis: Total = Bias + Variance is the predicted
	// E e_fun²; MeanFieldBias + Variance keeps every order in 1/(nρ) of the
	// mean.
	Bias          []float64 `json:"bias"`
	Variance      []float64 `json:"variance"`
	Total         []float64 `json:"total"`
	MeanFieldBias []float64 `json:"mean_field_bias"`
	// Measured[k] is (1/R) Σ_s e_fun,s² against the graphon limit at
	// (n, N, Times[k]) over the R = Seeds[k] seeds that finished, StdErr[k]
	// its standard error (0 for one seed); all three 0 when no seed has
	// finished.
	Measured []float64 `json:"mse"`
	StdErr   []float64 `json:"mse_stderr"`
	Seeds    []int     `json:"seeds"`
}

// graphPredicted reports whether a sweep of w predicts its graph axis: it
// is against the graphon limit and σ is the identity, the only σ whose
// moments close (other σ write nothing, so their outputs are unchanged).
func graphPredicted(w Config) bool {
	return slices.Contains(w.Limits, limits.GraphonLimit) && w.Problem.Activation == activation.Identity
}

// writeGraphPrediction computes fluctuation.Graph at every (n, N) of the
// sweep at its times into dir/GraphPredictionFile, unless the file is
// there. A problem Graph refuses gets a file that says why; only ctx's
// errors and file errors stop the sweep.
func writeGraphPrediction(ctx context.Context, s *limits.Setup, w Config, dir string) error {
	if _, err := readJSON[graphPredictionInfo](dir, GraphPredictionFile); err == nil {
		return nil
	}
	info := graphPredictionInfo{Times: w.Problem.Times}
cells:
	for _, n := range w.Nodes {
		for _, m := range w.Widths {
			g, err := fluctuation.Graph(ctx, s, n, m, w.Problem.Times)
			switch {
			case ctx.Err() != nil:
				return ctx.Err()
			case err != nil:
				info = graphPredictionInfo{Times: w.Problem.Times, Reason: fmt.Sprintf("no prediction: %v", err)}
				break cells
			}
			info.Cells = append(info.Cells, graphPrediction{Method: g.Method, Nodes: n, NRho: g.NRho, Width: m,
				Bias: g.Bias, Variance: g.Variance, Total: g.Total, MeanFieldBias: g.MeanFieldBias})
		}
	}
	return writeJSON(filepath.Join(dir, GraphPredictionFile), info)
}

// predictGraph returns the predicted graph axis of dir's sweep beside the
// measured mean of e_fun² against the graphon limit, or nil when the sweep
// predicts none (graphPredicted) or has no GraphPredictionFile.
func predictGraph(dir string, w Config, rows []Row) (*GraphPrediction, error) {
	if !graphPredicted(w) {
		return nil, nil
	}
	info, err := readJSON[graphPredictionInfo](dir, GraphPredictionFile)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	p := &GraphPrediction{Reason: info.Reason}
	if info.Reason != "" {
		return p, nil
	}
	type key struct {
		n, m int
		t    float64
	}
	e2 := map[key][]float64{}
	for _, r := range rows {
		if r.Limit == limits.GraphonLimit && r.Kind == "fun" {
			k := key{r.Nodes, r.Width, r.T}
			e2[k] = append(e2[k], r.Error*r.Error)
		}
	}
	nt := len(info.Times)
	for _, c := range info.Cells {
		if len(c.Total) != nt || len(c.Bias) != nt || len(c.Variance) != nt || len(c.MeanFieldBias) != nt {
			return nil, fmt.Errorf("sweep: %s: n=%d N=%d: %d values, want one per time (%d): %w", GraphPredictionFile, c.Nodes, c.Width, len(c.Total), nt, graphs.ErrFormat)
		}
		at := GraphPredictionAt{Method: c.Method, Nodes: c.Nodes, NRho: c.NRho, Width: c.Width, Times: info.Times,
			Bias: c.Bias, Variance: c.Variance, Total: c.Total, MeanFieldBias: c.MeanFieldBias,
			Measured: make([]float64, nt), StdErr: make([]float64, nt), Seeds: make([]int, nt)}
		for k, t := range info.Times {
			if v := e2[key{c.Nodes, c.Width, t}]; len(v) > 0 {
				at.Measured[k], at.StdErr[k] = meanSE(v)
				at.Seeds[k] = len(v)
			}
		}
		p.Cells = append(p.Cells, at)
	}
	return p, nil
}

// graphSeries returns, for the rate plot of the graphon function error
// along n at t, per width N with at least two measured n: the root mean
// square over seeds of e_fun, √Measured, with its standard error by the
// delta method, StdErr/(2√Measured), and the predicted √Total as a line
// through the sweep's n. ok is false without a prediction.
func (p *GraphPrediction) graphSeries(widths []int, t float64) ([]plots.Series, bool) {
	if p == nil || p.Reason != "" {
		return nil, false
	}
	var out []plots.Series
	for i, m := range widths {
		// the colour of this N's measured series, drawn first
		rms := plots.Series{Label: fmt.Sprintf("N = %d: RMS over seeds", m), NoFit: true, Colour: plots.Colour(i)}
		line := plots.Series{Label: fmt.Sprintf("N = %d: predicted √(bias + variance), not fitted", m), Line: true, Colour: plots.Colour(i)}
		cells := slices.Clone(p.Cells)
		slices.SortStableFunc(cells, func(a, b GraphPredictionAt) int { return a.Nodes - b.Nodes })
		for _, c := range cells {
			k := slices.Index(c.Times, t)
			if c.Width != m || k < 0 || !(c.Total[k] > 0) {
				continue
			}
			n := float64(c.Nodes)
			line.X = append(line.X, n)
			line.Mean = append(line.Mean, math.Sqrt(c.Total[k]))
			if e2 := c.Measured[k]; e2 > 0 {
				rms.X = append(rms.X, n)
				rms.Mean = append(rms.Mean, math.Sqrt(e2))
				rms.StdErr = append(rms.StdErr, c.StdErr[k]/(2*math.Sqrt(e2)))
			}
		}
		if len(rms.X) < 2 || len(line.X) < 2 {
			continue
		}
		out = append(out, rms, line)
	}
	return out, len(out) > 0
}

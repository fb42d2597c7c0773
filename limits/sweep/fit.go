package sweep

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"

	"github.com/gnnwb/gnnwb/limits"
	"github.com/gnnwb/gnnwb/limits/rates"
)

// AxisFit is a per-axis rate fit of docs/mathematics.md §5: log ē on log x along
// one axis (Axis "N": x = N at fixed n; Axis "n": x = n at fixed N), with a
// 95% bootstrap interval of the slope over seeds (seeds resampled whole, so
// each keeps its coupling along the axis).
type AxisFit struct {
	Limit     limits.Kind `json:"limit"`
	Kind      string      `json:"kind"` // fun or node
	T         float64     `json:"t"`
	Axis      string      `json:"axis"`  // "N" or "n"
	Fixed     int         `json:"fixed"` // the other axis' value
	X         []float64   `json:"x"`
	Mean      []float64   `json:"mean"`
	StdErr    []float64   `json:"stderr"`
	Slope     float64     `json:"slope"`
	SlopeLo   float64     `json:"slope_lo"`
	SlopeHi   float64     `json:"slope_hi"`
	Intercept float64     `json:"intercept"`
	Residuals []float64   `json:"residuals"`
	Seeds     int         `json:"seeds"`
	Err       string      `json:"error,omitempty"` // why no fit (too few points, a zero error)
}

// JointResult is the joint fit e(n, N) ≈ A·N^{−P} + B·(nρ)^{−Q} + Floor of the
// seed means over the whole grid, with its residuals (log model − log data)
// per grid point.
type JointResult struct {
	Limit     limits.Kind `json:"limit"`
	Kind      string      `json:"kind"`
	T         float64     `json:"t"`
	A         float64     `json:"a"`
	P         float64     `json:"p"`
	B         float64     `json:"b"`
	Q         float64     `json:"q"`
	Floor     float64     `json:"floor"`
	RMS       float64     `json:"rms_log_residual"`
	N         []float64   `json:"N"`
	NRho      []float64   `json:"nrho"`
	E         []float64   `json:"e"`
	Residuals []float64   `json:"residuals"`
	Err       string      `json:"error,omitempty"`
}

// Fits is fits.json.
type Fits struct {
	Config Config        `json:"sweep"`
	Axis   []AxisFit     `json:"axis"`
	Joint  []JointResult `json:"joint"`
	// Prediction is the central-limit C(t) beside the measured
	// N·mean(e_fun²) at the largest n (as in summary.json), for a sweep
	// against the mean-field limit; Fit sets it, FitRows does not.
	Prediction *Prediction `json:"prediction,omitempty"`
	// GraphPrediction is the predicted graph axis beside the measured
	// mean of e_fun² (as in summary.json), for a σ-identity sweep against
	// the graphon limit; Fit sets it, FitRows does not.
	GraphPrediction *GraphPrediction `json:"graphon_prediction,omitempty"`
}

// Bootstrap resamples of the slope intervals, and their seed.
const (
	bootstrapResamples = 2000
	bootstrapSeed      = 1
)

// FitRows fits the rows of sweep w at its last evaluation time: for every
// limit and error kind, the error along N at each n, along n at each N, and
// jointly. Cells missing from rows are skipped; a fit that cannot be made
// (fewer than 2 sizes, a zero error) says why in its Err field. Deterministic
// (bootstrap stream rand.NewPCG(1, 0) per fit).
func FitRows(w Config, rows []Row) *Fits {
	f := &Fits{Config: w}
	t := w.Problem.Times[len(w.Problem.Times)-1]
	// err[limit/kind][n][N][seed]
	type key struct {
		limit limits.Kind
		kind  string
		n, m  int
		seed  uint64
	}
	val := map[key]float64{}
	for _, r := range rows {
		if r.T == t {
			val[key{r.Limit, r.Kind, r.Nodes, r.Width, r.Seed}] = r.Error
		}
	}
	seeds := make([]uint64, w.Seeds)
	for i := range seeds {
		seeds[i] = uint64(i + 1)
	}
	for _, l := range w.Limits {
		for _, kind := range []string{"fun", "node"} {
			axis := func(name string, fixed int, xs []int, at func(x int) (int, int)) {
				af := AxisFit{Limit: l, Kind: kind, T: t, Axis: name, Fixed: fixed}
				var e [][]float64
				for _, s := range seeds {
					var row []float64
					ok := true
					for _, x := range xs {
						n, m := at(x)
						v, have := val[key{l, kind, n, m, s}]
						ok = ok && have
						row = append(row, v)
					}
					if ok {
						e = append(e, row)
					}
				}
				for _, x := range xs {
					af.X = append(af.X, float64(x))
				}
				af.Seeds = len(e)
				if len(e) == 0 {
					af.Err = "no seed has all cells"
					f.Axis = append(f.Axis, af)
					return
				}
				for i := range xs {
					col := make([]float64, len(e))
					for s := range e {
						col[s] = e[s][i]
					}
					m, se := meanSE(col)
					af.Mean = append(af.Mean, m)
					af.StdErr = append(af.StdErr, se)
				}
				bs, err := rates.BootstrapFit(af.X, e, bootstrapResamples, rand.New(rand.NewPCG(bootstrapSeed, 0)))
				if err != nil {
					af.Err = err.Error()
				} else {
					af.Slope, af.Intercept, af.Residuals = bs.Slope, bs.Intercept, bs.Residuals
					af.SlopeLo, af.SlopeHi = bs.SlopeCI.Lo, bs.SlopeCI.Hi
				}
				f.Axis = append(f.Axis, af)
			}
			for _, n := range w.Nodes {
				axis("N", n, w.Widths, func(x int) (int, int) { return n, x })
			}
			for _, m := range w.Widths {
				axis("n", m, w.Nodes, func(x int) (int, int) { return x, m })
			}
			jr := JointResult{Limit: l, Kind: kind, T: t}
			var pts []rates.Point
			for _, n := range w.Nodes {
				for _, m := range w.Widths {
					var v []float64
					for _, s := range seeds {
						if x, ok := val[key{l, kind, n, m, s}]; ok {
							v = append(v, x)
						}
					}
					if len(v) == 0 {
						continue
					}
					mean, _ := meanSE(v)
					p := rates.Point{N: float64(m), NRho: float64(n) * w.Problem.Rho, E: mean}
					pts = append(pts, p)
					jr.N, jr.NRho, jr.E = append(jr.N, p.N), append(jr.NRho, p.NRho), append(jr.E, p.E)
				}
			}
			jf, err := rates.FitJoint(pts, rates.JointOptions{})
			if err != nil {
				jr.Err = err.Error()
			} else {
				jr.A, jr.P, jr.B, jr.Q, jr.Floor, jr.RMS, jr.Residuals = jf.A, jf.P, jf.B, jf.Q, jf.Floor, jf.RMS, jf.Residuals
			}
			f.Joint = append(f.Joint, jr)
		}
	}
	return f
}

// FitsFile is the name of the fits written by Fit.
const FitsFile = "fits.json"

// Fit reads dir's sweep and errors.csv (Assemble), fits them (FitRows), sets
// the prediction of a sweep against the mean-field limit (Fits.Prediction)
// and that of the graph axis (Fits.GraphPrediction), and writes
// dir/fits.json atomically.
func Fit(dir string) (*Fits, error) {
	w, err := readDir(dir)
	if err != nil {
		return nil, err
	}
	fh, err := os.Open(filepath.Join(dir, ErrorsFile))
	if err != nil {
		return nil, fmt.Errorf("sweep: Fit: %w", err)
	}
	defer fh.Close()
	rows, err := ReadRows(fh)
	if err != nil {
		return nil, err
	}
	f := FitRows(w, rows)
	if f.Prediction, err = predict(dir, w, rows); err != nil {
		return nil, err
	}
	if f.GraphPrediction, err = predictGraph(dir, w, rows); err != nil {
		return nil, err
	}
	if err := writeJSON(filepath.Join(dir, FitsFile), f); err != nil {
		return nil, err
	}
	return f, nil
}

// Find returns the axis fit of (limit, kind, axis, fixed), or nil.
func (f *Fits) Find(limit limits.Kind, kind, axis string, fixed int) *AxisFit {
	i := slices.IndexFunc(f.Axis, func(a AxisFit) bool {
		return a.Limit == limit && a.Kind == kind && a.Axis == axis && a.Fixed == fixed
	})
	if i < 0 {
		return nil
	}
	return &f.Axis[i]
}

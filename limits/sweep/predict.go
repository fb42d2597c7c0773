package sweep

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"

	"github.com/gnnwb/gnnwb/limits"
	"github.com/gnnwb/gnnwb/limits/fluctuation"
	"github.com/gnnwb/gnnwb/limits/longrun"
)

// PredictionFile is the central-limit constant a sweep against the
// mean-field limit computes once for its problem (predictionInfo).
const PredictionFile = "prediction_meanfield.json"

// predictionInfo is PredictionFile: the constant C(t) of
// E‖g^N_t − g_t‖² ≈ C(t)/N at the problem's times, or why there is none.
type predictionInfo struct {
	Method      string    `json:"method,omitempty"`
	Reason      string    `json:"reason,omitempty"`
	Times       []float64 `json:"times"`
	C           []float64 `json:"c,omitempty"`
	ErrEstimate []float64 `json:"err_estimate,omitempty"`
}

// Prediction is the central-limit prediction of the mean-field function
// error of a sweep (limits/fluctuation, docs/mathematics.md §8), beside
// what the sweep measured: C(t) is computed for the sweep's own problem at
// its own times, not fitted. It is the constant of networks trained on
// π_∞ (n → ∞); the sweep's networks are trained on a finite G(n, W, ρ),
// whose own error adds to theirs, so the measured values are those at the
// largest n of the sweep (Nodes).
type Prediction struct {
	// Method says how C(t) was computed (fluctuation.Constant.Method).
	Method string `json:"method,omitempty"`
	// Reason says why there is no prediction (σ = ReLU has no σ″, ...);
	// empty when there is one.
	Reason string `json:"reason,omitempty"`
	// Nodes is the n at which the measured values are taken (the largest).
	Nodes int            `json:"n"`
	Times []PredictionAt `json:"times,omitempty"`
}

// PredictionAt is the prediction and the measurement at one time t.
type PredictionAt struct {
	T float64 `json:"t"`
	// C is C(t); CErr its stated error (the particle solver's self-check
	// against twice and half the particles), 0 for σ the identity, where C
	// solves a Lyapunov equation (exact up to the ODE tolerance 10⁻¹⁰).
	C    float64 `json:"c"`
	CErr float64 `json:"c_err"`
	// Widths are the N of the sweep; Measured[i] = N·(1/R) Σ_s e_fun,s² at
	// (n = Nodes, N = Widths[i], t) over the R seeds that finished, with its
	// standard error StdErr[i] (0 for one seed). The root mean square over
	// seeds of e_fun is √(Measured/N), to be compared with √(C(t)/N).
	Widths   []int     `json:"N"`
	Measured []float64 `json:"n_mse"`
	StdErr   []float64 `json:"n_mse_stderr"`
	Seeds    []int     `json:"seeds"`
}

// writePrediction computes the central-limit constant of the sweep's
// problem at its times (fluctuation.Solve with the sweep's M particles,
// self-checked; fluctuation.Walk with the chain of a walk, when not nil)
// into dir/PredictionFile, unless the file is there. A
// problem whose constant cannot be computed (ReLU, a problem too large for
// the solver, ...) gets a file that says why; only ctx's errors and file
// errors stop the sweep.
func writePrediction(ctx context.Context, s *limits.Setup, w Config, dir string, chain *longrun.Chain) error {
	path := filepath.Join(dir, PredictionFile)
	if _, err := readJSON[predictionInfo](dir, PredictionFile); err == nil {
		return nil
	}
	times := w.Problem.Times
	info := predictionInfo{Times: times}
	opt := fluctuation.Options{Particles: w.particles(), SelfCheck: true}
	var c *fluctuation.Constant
	var err error
	if chain != nil {
		c, err = fluctuation.Walk(ctx, s, times, chain, opt)
	} else {
		c, err = fluctuation.Solve(ctx, s, times, opt)
	}
	switch {
	case ctx.Err() != nil:
		return ctx.Err()
	case err != nil:
		info.Reason = fmt.Sprintf("no prediction: %v", err)
	default:
		info.Method, info.C, info.ErrEstimate = c.Method, c.C, c.ErrEstimate
	}
	return writeJSON(path, info)
}

// readJSON reads dir/name into a T; errors name the file.
func readJSON[T any](dir, name string) (T, error) {
	var v T
	data, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		return v, err
	}
	if err := json.Unmarshal(data, &v); err != nil {
		return v, fmt.Errorf("sweep: %s: %w", name, err)
	}
	return v, nil
}

// predict returns the prediction of dir's sweep beside the measured N·E e²
// of rows at the largest n, or nil when the sweep has no mean-field limit
// or no PredictionFile.
func predict(dir string, w Config, rows []Row) (*Prediction, error) {
	if !slices.Contains(w.Limits, limits.MeanFieldLimit) {
		return nil, nil
	}
	info, err := readJSON[predictionInfo](dir, PredictionFile)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return measure(info, w, rows), nil
}

// measure sets the measured N·mean(e_fun²) of the rows at the largest n
// beside info's constant.
func measure(info predictionInfo, w Config, rows []Row) *Prediction {
	p := &Prediction{Method: info.Method, Reason: info.Reason, Nodes: slices.Max(w.Nodes)}
	if info.Reason != "" || len(info.C) != len(info.Times) {
		return p
	}
	type key struct {
		m int
		t float64
	}
	e2 := map[key][]float64{}
	for _, r := range rows {
		if r.Limit == limits.MeanFieldLimit && r.Kind == "fun" && r.Nodes == p.Nodes {
			k := key{r.Width, r.T}
			e2[k] = append(e2[k], float64(r.Width)*r.Error*r.Error)
		}
	}
	for k, t := range info.Times {
		at := PredictionAt{T: t, C: info.C[k]}
		if k < len(info.ErrEstimate) {
			at.CErr = info.ErrEstimate[k]
		}
		for _, m := range w.Widths {
			v := e2[key{m, t}]
			if len(v) == 0 {
				continue
			}
			mean, se := meanSE(v)
			at.Widths = append(at.Widths, m)
			at.Measured = append(at.Measured, mean)
			at.StdErr = append(at.StdErr, se)
			at.Seeds = append(at.Seeds, len(v))
		}
		p.Times = append(p.Times, at)
	}
	return p
}

// rms returns, for the prediction at t, the root mean square over seeds of
// e_fun per width, √(Measured/N), and its standard error by the delta
// method, StdErr/(2√(Measured·N)); ok is false when there is no prediction
// at t or a measured value is not > 0.
func (p *Prediction) rms(t float64) (at *PredictionAt, x, y, se []float64, ok bool) {
	if p == nil || p.Reason != "" {
		return nil, nil, nil, nil, false
	}
	i := slices.IndexFunc(p.Times, func(a PredictionAt) bool { return a.T == t })
	if i < 0 || len(p.Times[i].Widths) < 2 || !(p.Times[i].C > 0) {
		return nil, nil, nil, nil, false
	}
	at = &p.Times[i]
	for j, m := range at.Widths {
		v := at.Measured[j]
		if !(v > 0) {
			return nil, nil, nil, nil, false
		}
		n := float64(m)
		x = append(x, n)
		y = append(y, math.Sqrt(v/n))
		se = append(se, at.StdErr[j]/(2*math.Sqrt(v*n)))
	}
	return at, x, y, se, true
}

package scaling

import (
	"encoding/csv"
	"fmt"
	"io"
	"path/filepath"
	"strconv"

	"github.com/gnnwb/gnnwb/limits/plots"
)

// Plot draws the figures of r into dir with each extension of exts ("png",
// "svg") and returns the files written, at the last time t:
//
//   - err_flow: mean ‖g^N_t − g^ε_t‖ against N, one series per γ, fitted
//     slopes in the legend;
//   - err_kernel: mean ‖g^N_t − g^0_t‖ against N, one series per γ;
//   - movement: the kernel movement of the networks against N, one series
//     per γ, with the ε-flow's as unfitted reference points;
//   - seed_var: the seed-to-seed variance Σ_q ω_q Var_s g^N_t against N;
//   - coord_pre, coord_out: the coordinate check at the largest γ, mean
//     |a·φ| and mean |ŷ| against N at every time, with the ε-flow's values
//     as unfitted reference points.
//
// Errors: those of limits/plots.
func Plot(r *Result, dir string, exts []string) ([]string, error) {
	c := r.Config
	nt := len(c.Problem.Times)
	last := nt - 1
	t := c.Problem.Times[last]
	x := make([]float64, len(c.Widths))
	for i, n := range c.Widths {
		x[i] = float64(n)
	}
	perGamma := func(f func(Point) (float64, float64), k int) []plots.Series {
		var out []plots.Series
		for gi, g := range c.Gammas {
			s := plots.Series{Label: fmt.Sprintf("γ = %g", g), X: x}
			for wi := range c.Widths {
				m, se := f(r.point(gi, wi, k))
				s.Mean = append(s.Mean, m)
				s.StdErr = append(s.StdErr, se)
			}
			out = append(out, s)
		}
		return out
	}
	var files []string
	for _, ext := range exts {
		path := func(name string) string {
			p := filepath.Join(dir, name+"."+ext)
			files = append(files, p)
			return p
		}
		title := func(s string) string { return fmt.Sprintf("%s, t = %g (%d seeds)", s, t, c.Seeds) }
		if err := plots.Rate(path("err_flow"), perGamma(func(p Point) (float64, float64) { return p.ErrFlow, p.ErrFlowSE }, last),
			plots.Labels{Title: title("network vs the ε-flow at ε = N^(γ−1)"), X: "N (hidden units)", Y: "‖g^N_t − g^ε_t‖ (L²(du))"}); err != nil {
			return nil, err
		}
		if err := plots.Rate(path("err_kernel"), perGamma(func(p Point) (float64, float64) { return p.ErrKernel, p.ErrKernelSE }, last),
			plots.Labels{Title: title("network vs the kernel limit"), X: "N (hidden units)", Y: "‖g^N_t − g^0_t‖ (L²(du))"}); err != nil {
			return nil, err
		}
		mv := perGamma(func(p Point) (float64, float64) { return p.Movement, p.MovementSE }, last)
		for gi, g := range c.Gammas {
			s := plots.Series{Label: fmt.Sprintf("ε-flow, γ = %g", g), X: x, NoFit: true}
			for wi := range c.Widths {
				s.Mean = append(s.Mean, r.point(gi, wi, last).FlowMovement)
			}
			mv = append(mv, s)
		}
		if err := plots.Rate(path("movement"), mv,
			plots.Labels{Title: title("kernel movement ‖K_t − K_0‖/‖K_0‖"), X: "N (hidden units)", Y: "kernel movement"}); err != nil {
			return nil, err
		}
		if err := plots.Rate(path("seed_var"), perGamma(func(p Point) (float64, float64) { return p.SeedVar, 0 }, last),
			plots.Labels{Title: title("seed-to-seed variance Σ ω Var_s g^N_t"), X: "N (hidden units)", Y: "variance over seeds"}); err != nil {
			return nil, err
		}
		gi := len(c.Gammas) - 1
		for _, q := range []struct {
			name, label string
			net, flow   func(Point) float64
		}{
			{"coord_pre", "mean |a·φ|", func(p Point) float64 { return p.Pre }, func(p Point) float64 { return p.FlowPre }},
			{"coord_out", "mean |ŷ|", func(p Point) float64 { return p.Out }, func(p Point) float64 { return p.FlowOut }},
		} {
			var ss []plots.Series
			for k, tk := range c.Problem.Times {
				net := plots.Series{Label: fmt.Sprintf("network, t = %g", tk), X: x}
				fl := plots.Series{Label: fmt.Sprintf("ε-flow, t = %g", tk), X: x, NoFit: true}
				for wi := range c.Widths {
					p := r.point(gi, wi, k)
					net.Mean = append(net.Mean, q.net(p))
					fl.Mean = append(fl.Mean, q.flow(p))
				}
				ss = append(ss, net, fl)
			}
			if err := plots.Rate(path(q.name), ss, plots.Labels{Title: fmt.Sprintf("coordinate check: %s at γ = %g", q.label, c.Gammas[gi]),
				X: "N (hidden units)", Y: q.label}); err != nil {
				return nil, err
			}
		}
	}
	return files, nil
}

func ff(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// WritePoints writes the points as CSV: gamma, width, t, eps and the
// measures of Point under their JSON names.
func WritePoints(w io.Writer, r *Result) error {
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"gamma", "width", "t", "eps", "err_flow", "err_flow_se", "mse_flow", "err_kernel", "err_kernel_se", "gap", "seed_var",
		"kernel_movement", "kernel_movement_se", "travel", "pre_activation", "output",
		"flow_kernel_movement", "flow_travel", "flow_pre_activation", "flow_output", "flow_self_check"})
	for _, p := range r.Points {
		_ = cw.Write([]string{ff(p.Gamma), strconv.Itoa(p.Width), ff(p.T), ff(p.Eps), ff(p.ErrFlow), ff(p.ErrFlowSE), ff(p.MSEFlow), ff(p.ErrKernel), ff(p.ErrKernelSE),
			ff(p.Gap), ff(p.SeedVar), ff(p.Movement), ff(p.MovementSE), ff(p.Travel), ff(p.Pre), ff(p.Out),
			ff(p.FlowMovement), ff(p.FlowTravel), ff(p.FlowPre), ff(p.FlowOut), ff(p.FlowSelf)})
	}
	cw.Flush()
	return cw.Error()
}

// WriteSlopes writes the slope table as CSV: gamma, t, against, fitted,
// ci_lo, ci_hi, predicted, asymptotic.
func WriteSlopes(w io.Writer, r *Result) error {
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"gamma", "t", "against", "fitted", "ci_lo", "ci_hi", "predicted", "asymptotic"})
	for _, s := range r.Slopes {
		_ = cw.Write([]string{ff(s.Gamma), ff(s.T), s.Against, ff(s.Fitted), ff(s.CI.Lo), ff(s.CI.Hi), ff(s.Predicted), ff(s.Asymptotic)})
	}
	cw.Flush()
	return cw.Error()
}

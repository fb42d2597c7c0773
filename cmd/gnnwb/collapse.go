package main

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/gnnwb/gnnwb/internal/atomicfile"
	"github.com/gnnwb/gnnwb/limits"
	"github.com/gnnwb/gnnwb/limits/fluctuation"
	"github.com/gnnwb/gnnwb/limits/plots"
)

func limitsCollapseCommand() *cli.Command {
	flags := append([]cli.Flag{
		&cli.StringFlag{Name: "config", Usage: "problem file (.yaml or .json); flags override it", DefaultText: "none: the flags' problem"},
		&cli.StringFlag{Name: "widths", Value: "100,300,1000,4000", Usage: "widths N of the networks, comma-separated"},
	}, withOldSpellings(&cli.IntFlag{Name: "runs", Value: 200, Usage: "R networks per width, of seeds --seed S..S+R−1"}, "seeds")...)
	flags = append(append(flags, []cli.Flag{
		firstSeedFlag(),
		&cli.IntFlag{Name: "particles", Value: 2048, Usage: "M particles of the linearised particle flow (σ not the identity)"},
		&cli.BoolFlag{Name: "self-check", Value: true, Usage: "σ not the identity: re-solve C(t) with 2M and M/2 particles and draw the larger difference as its stated error"},
		&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Value: "collapse.png", Usage: "figure (.png or .svg); the numbers go to the same name with .json"},
	}...), problemFlags()...)
	return &cli.Command{
		Name:  "collapse",
		Usage: "train R networks per width N and draw N·E‖g^N_t − g_t‖² against t for every N beside the predicted C(t)",
		Description: "Computes the central-limit constant C(t) of E‖g^N_t − g_t‖²_{L²(du)} ≈ C(t)/N from 0 to the last of the problem's --times " +
			"(as gnnwb limits width does) and trains, for every width, R networks by online SGD on the grid measure the mean-field limit " +
			"integrates over (fluctuation.Measure), measured at --times. The figure shows the mean over seeds of N·‖g^N_t − g_t‖² ± its standard error " +
			"per width, collapsing onto C(t) as N grows; OUT.json holds the numbers. Ctrl-C stops it.",
		UsageText: "gnnwb limits collapse [--widths 100,300,1000,4000] [--runs R] [--seed S] [--times t1,t2,…] [problem flags] [--out collapse.png]",
		Flags:     flags,
		Action: func(c *cli.Context) error {
			if c.NArg() != 0 {
				return usagef("limits collapse: unexpected argument %q", c.Args().First())
			}
			p, err := problemOf(c, limits.DefaultProblem())
			if err != nil {
				return err
			}
			widths, err := intList("widths", c.String("widths"))
			if err != nil {
				return err
			}
			seed0, err := firstSeed(c)
			if err != nil {
				return err
			}
			out := c.String("out")
			ext := strings.ToLower(strings.TrimPrefix(filepath.Ext(out), "."))
			if ext != "png" && ext != "svg" {
				return usagef("limits collapse: --out %q: want a .png or .svg file", out)
			}
			s, err := limits.NewSetup(p)
			if err != nil {
				return err
			}
			start := time.Now()
			times := s.Problem().Times
			// C(t) on 16 steps from 0 to the last time and at the times measured
			dense := slices.Clone(times)
			for i := range 17 {
				dense = append(dense, times[len(times)-1]*float64(i)/16)
			}
			slices.Sort(dense)
			dense = slices.Compact(dense)
			fl, err := solveConstant(c, s, dense)
			if err != nil {
				return err
			}
			bar := newProgress(c, "limits collapse")
			m, err := fluctuation.Measure(c.Context, s, fl, widths, fluctuation.MeasureOptions{Seeds: c.Int("runs"), FirstSeed: seed0, Times: times, Progress: bar.Update})
			bar.Done()
			if err != nil {
				return err
			}
			var series []plots.Series
			for i, n := range m.Widths {
				series = append(series, plots.Series{Label: fmt.Sprintf("N = %d", n), X: m.Times, Mean: m.Mean[i], StdErr: m.StdErr[i]})
			}
			pred := plots.Series{Label: "predicted C(t), not fitted", X: fl.Times, Mean: fl.C, StdErr: fl.ErrEstimate}
			if fl.ErrEstimate != nil {
				pred.Label = "predicted C(t) ± stated error, not fitted"
			}
			lab := plots.Labels{
				Title: fmt.Sprintf("Width error times N: mean ± standard error over %d seeds", m.Seeds),
				X:     "time t (each N's points shifted by ≤ 1.5% of the range)", Y: "N × squared error, N·‖g_N − g‖²",
			}
			if err := plots.Collapse(out, series, pred, lab); err != nil {
				return err
			}
			report := struct {
				Problem     limits.Problem           `json:"problem"`
				Method      string                   `json:"method"`
				Times       []float64                `json:"times"`
				C           []float64                `json:"c"`
				ErrEstimate []float64                `json:"err_estimate,omitempty"`
				Measured    *fluctuation.Measurement `json:"measured"`
			}{s.Problem(), fl.Method, fl.Times, fl.C, fl.ErrEstimate, m}
			data, _ := json.MarshalIndent(report, "", "  ")
			meta := strings.TrimSuffix(out, filepath.Ext(out)) + ".json"
			if err := atomicfile.WriteBytes(meta, append(data, '\n')); err != nil {
				return err
			}
			w := c.App.Writer
			fmt.Fprintf(w, "N·‖g^N_t − g_t‖² over %d seeds (mean ± standard error, z against C(t)), %.0f s: %s, %s\n", m.Seeds, time.Since(start).Seconds(), out, meta)
			fmt.Fprintf(w, "%8s", "t")
			fmt.Fprintf(w, " %18s", "C(t)")
			for _, n := range m.Widths {
				fmt.Fprintf(w, " %24s", fmt.Sprintf("N = %d", n))
			}
			fmt.Fprintln(w)
			for k, t := range m.Times {
				j := slices.Index(fl.Times, t)
				cs := fmt.Sprintf("%.4f", fl.C[j])
				if fl.ErrEstimate != nil {
					cs += fmt.Sprintf(" ± %.4f", fl.ErrEstimate[j])
				}
				fmt.Fprintf(w, "%8g %18s", t, cs)
				for i := range m.Widths {
					mean, se := m.Mean[i][k], m.StdErr[i][k]
					z := 0.0
					if se > 0 {
						z = (mean - fl.C[j]) / se
					}
					fmt.Fprintf(w, " %24s", fmt.Sprintf("%.4f ± %.4f (%+.1f)", mean, se, z))
				}
				fmt.Fprintln(w)
			}
			fmt.Fprintf(w, "C(t) from the %s; networks trained on π_∞ (n → ∞), leading order in 1/N\n", fl.Method)
			return nil
		},
	}
}

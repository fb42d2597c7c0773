package main

import (
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/gnnwb/gnnwb/internal/atomicfile"
	"github.com/gnnwb/gnnwb/limits/ergodic"
)

// limitsWalkCommand is `gnnwb limits walk`: the experiment of package
// limits/ergodic. The problem flags override the experiment's problem
// (gaussian:0.15, Y = u², tanh, α = 3, t ∈ {0.5, 2}), not DefaultProblem.
func limitsWalkCommand() *cli.Command {
	flags := append([]cli.Flag{
		&cli.StringFlag{Name: "config", Usage: "problem file (.yaml or .json); flags override it", DefaultText: "the README experiment's problem, gaussian:0.15, Y = u², tanh"},
		&cli.StringFlag{Name: "holds", Value: "0,0.5,0.9", Usage: "hold probabilities h of the walks, comma-separated (the i.i.d. sampler is always run)"},
		&cli.StringFlag{Name: "widths", Value: "250,500,1000,2000,4000", Usage: "widths N, comma-separated, increasing"},
	}, withOldSpellings(&cli.IntFlag{Name: "runs", Value: 40, Usage: "R networks per sampler and width, of seeds --seed S..S+R−1"}, "seeds")...)
	flags = append(append(flags, []cli.Flag{
		firstSeedFlag(),
		&cli.IntFlag{Name: "particles", Value: 2048, Usage: "M particles of the prediction (σ not the identity)"},
		&cli.IntFlag{Name: "tau-samples", Value: 1 << 20, Usage: "length of the walk on which τ is measured"},
		&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Value: "walk.csv", Usage: "CSV of sampler,hold,restart,width,t,n_mse,se,c_walk,c_iid_same_law; the report goes to the same name with .json, the figure (last time) with .png"},
	}...), problemFlags()...)
	return &cli.Command{
		Name:      "walk",
		Usage:     "train along random walks on the graphon and compare the error with the predicted C_walk(t)/N and τ",
		UsageText: "gnnwb limits walk [--holds 0,0.5,0.9] [--widths …] [--runs 40] [--seed S] [problem flags] [--out walk.csv]",
		Flags:     flags,
		Action: func(c *cli.Context) error {
			if c.NArg() != 0 {
				return usagef("limits walk: unexpected argument %q", c.Args().First())
			}
			cfg := ergodic.DefaultConfig()
			var err error
			if cfg.Problem, err = problemOf(c, cfg.Problem); err != nil {
				return err
			}
			if cfg.Holds, err = floatList("holds", c.String("holds")); err != nil {
				return err
			}
			if cfg.Widths, err = intList("widths", c.String("widths")); err != nil {
				return err
			}
			cfg.Seeds, cfg.Particles, cfg.TauSamples = c.Int("runs"), c.Int("particles"), c.Int("tau-samples")
			if cfg.FirstSeed, err = firstSeed(c); err != nil {
				return err
			}
			if err := cfg.Validate(); err != nil {
				return err
			}
			bar := newProgress(c, "limits walk")
			res, err := ergodic.Run(c.Context, cfg, func(done, total int) { bar.Update(int64(done), int64(total)) })
			bar.Done()
			if err != nil {
				return err
			}
			out := c.String("out")
			if err := atomicfile.Write(out, func(w io.Writer) error { return res.WriteCSV(w) }); err != nil {
				return err
			}
			base := strings.TrimSuffix(out, filepath.Ext(out))
			data, _ := json.MarshalIndent(res, "", "  ")
			if err := atomicfile.WriteBytes(base+".json", append(data, '\n')); err != nil {
				return err
			}
			if err := res.Plot(base+".png", len(res.Times)-1); err != nil {
				return err
			}
			w := c.App.Writer
			fmt.Fprintf(w, "%s, %s, %s; %s.json, %s.png\n", out, cfg.Problem.Graphon, cfg.Problem.Activation, base, base)
			for _, s := range res.Samplers {
				fmt.Fprintf(w, "%-12s τ_rel %6.1f  τ(Y) predicted %6.2f measured %6.2f ± %.2f  C_walk(t) %.4g  i.i.d. same law %.4g\n",
					s.Name, s.Relaxation, s.TauPredicted, s.TauMeasured, s.TauSE, s.C, s.CIID)
			}
			return nil
		},
	}
}

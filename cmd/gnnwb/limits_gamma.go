package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/gnnwb/gnnwb/internal/atomicfile"
	"github.com/gnnwb/gnnwb/limits/scaling"
)

func limitsGammaCommand() *cli.Command {
	d := scaling.Default()
	flags := append([]cli.Flag{
		&cli.StringFlag{Name: "config", Usage: "problem file (.yaml or .json); flags override it", DefaultText: "the experiment's problem, where the features must move"},
		&cli.StringFlag{Name: "gammas", Value: "0.5,0.6,0.75,0.9,1", Usage: "output scalings γ in [0.5, 1], comma-separated"},
		&cli.StringFlag{Name: "widths", Value: "64,128,256,512,1024,2048", Usage: "widths N (even), comma-separated"},
	}, withOldSpellings(&cli.IntFlag{Name: "runs", Value: d.Seeds, Usage: "R networks per (γ, N), of seeds --seed S..S+R−1"}, "seeds")...)
	flags = append(append(flags, []cli.Flag{
		firstSeedFlag(),
		&cli.IntFlag{Name: "particles", Value: d.Particles, Usage: "M particles of the ε-flow (σ not the identity); its self-check uses M/2"},
		&cli.IntFlag{Name: "workers", Usage: "cells in parallel (0: GOMAXPROCS)"},
		&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Value: "gamma-experiment", Usage: "output directory: result.json, points.csv, slopes.csv and the figures"},
	}...), withOldSpellings(&cli.StringFlag{Name: "formats", Value: "png", Usage: "figure formats, comma-separated (png, svg; empty: none)"}, "format")...)
	flags = append(flags, problemFlags()...)
	return &cli.Command{
		Name:  "gamma",
		Usage: "the γ experiment: networks at every output scaling γ against the ε-flow and the kernel limit, kernel movement, seed-to-seed variance",
		UsageText: "gnnwb limits gamma [--config FILE] [problem flags] [--gammas 0.5,0.75,1] [--widths 64,256,1024] [--runs R] [--seed S] [--out DIR]\n" +
			"   (the problem's --symmetric is forced on: the experiment starts every network at g_0 = 0)",
		Flags: flags,
		Action: func(c *cli.Context) error {
			if c.NArg() != 0 {
				return usagef("limits gamma: unexpected argument %q", c.Args().First())
			}
			cfg := scaling.Default()
			var err error
			if cfg.Problem, err = problemOf(c, cfg.Problem); err != nil {
				return err
			}
			cfg.Problem.Symmetric = true
			gs, err := floatList("gammas", c.String("gammas"))
			if err != nil {
				return err
			}
			ws, err := floatList("widths", c.String("widths"))
			if err != nil {
				return err
			}
			cfg.Gammas, cfg.Widths = gs, nil
			for _, w := range ws {
				if w != float64(int(w)) {
					return usagef("--widths: %v is not an integer", w)
				}
				cfg.Widths = append(cfg.Widths, int(w))
			}
			cfg.Seeds, cfg.Particles = c.Int("runs"), c.Int("particles")
			if cfg.FirstSeed, err = firstSeed(c); err != nil {
				return err
			}
			if err := cfg.Validate(); err != nil {
				return err
			}
			exts, err := figureFormats(c, "formats")
			if err != nil {
				return err
			}
			dir := c.String("out")
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return err
			}
			start := time.Now()
			bar := newProgress(c, "limits gamma")
			r, err := scaling.Run(c.Context, cfg, c.Int("workers"), func(done, total int) { bar.Update(int64(done), int64(total)) })
			bar.Done()
			if err != nil {
				return err
			}
			data, _ := json.MarshalIndent(r, "", "  ")
			if err := atomicfile.WriteBytes(filepath.Join(dir, "result.json"), append(data, '\n')); err != nil {
				return err
			}
			if err := atomicfile.Write(filepath.Join(dir, "points.csv"), func(w io.Writer) error { return scaling.WritePoints(w, r) }); err != nil {
				return err
			}
			if err := atomicfile.Write(filepath.Join(dir, "slopes.csv"), func(w io.Writer) error { return scaling.WriteSlopes(w, r) }); err != nil {
				return err
			}
			files, err := scaling.Plot(r, dir, exts)
			if err != nil {
				return err
			}
			fmt.Fprintf(c.App.Writer, "γ experiment: %d γ × %d N × %d seeds in %.0fs: %s (result.json, points.csv, slopes.csv, %d figures)\n",
				len(cfg.Gammas), len(cfg.Widths), cfg.Seeds, time.Since(start).Seconds(), dir, len(files))
			fmt.Fprintf(c.App.Writer, "slopes of the mean error against N (fitted [95%% CI], predicted, asymptotic):\n")
			for _, s := range r.Slopes {
				fmt.Fprintf(c.App.Writer, "  γ=%-4g t=%-4g vs %-6s %+.3f [%+.3f, %+.3f]  %+.3f  %+.3f\n", s.Gamma, s.T, s.Against, s.Fitted, s.CI.Lo, s.CI.Hi, s.Predicted, s.Asymptotic)
			}
			return nil
		},
	}
}

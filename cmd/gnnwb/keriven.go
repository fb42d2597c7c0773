package main

import (
	"github.com/gnnwb/gnnwb/graphs/aggregation"
	"slices"

	"fmt"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/gnnwb/gnnwb/limits/continuous"
)

// limitsKerivenCommand reproduces the convergence figure of Keriven, Bietti
// & Vaiter (2020) in one latent dimension with continuous.RunKeriven.
func limitsKerivenCommand() *cli.Command {
	return &cli.Command{
		Name:  "keriven",
		Usage: "measure how fast a random untrained GCN on G(n, W, ρ) approaches its graphon limit (Keriven, Bietti & Vaiter 2020) and draw the figure",
		Description: "A random untrained GCN (widths 1,10,10,10,10,10,1, ReLU, the paper's D^−½ A D^−½ without self-loops unless --loops says otherwise) on G(n, W, ρ) with " +
			"W(u,v) = exp(−(u−v)²/(2·0.15²)), ρ ∈ {1, n^−¼, n^−½}, 10 sizes from 10² to 10^3.5 and 30 repetitions, against its " +
			"graphon limit on a quadrature grid. Writes OUT/keriven_node.png, OUT/keriven_readout.png and OUT/keriven.json " +
			"(every error and the fitted slopes) and prints the slopes as a Markdown table.",
		UsageText: "gnnwb limits keriven [--out docs] [--runs 30] [--seed 1] [--panels P] [--quadrature Q] [--sizes n1,n2,…] [--exponents a1,a2,…] [--loops none|add|add-missing]",
		Flags: slices.Concat([]cli.Flag{
			&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Value: "docs", Usage: "directory of keriven_node.png, keriven_readout.png and keriven.json"},
		}, withOldSpellings(&cli.IntFlag{Name: "runs", Value: 30, Usage: "R repetitions per (ρ, n)"}, "reps"), []cli.Flag{
			&cli.Uint64Flag{Name: "seed", Value: 1, Usage: "seed of the networks and graphs"},
			&cli.IntFlag{Name: "panels", Value: continuous.DefaultPanels, Usage: "quadrature panels of the limit"},
		}, withOldSpellings(&cli.IntFlag{Name: "quadrature", Value: continuous.DefaultNodes, Usage: "Gauss–Legendre nodes Q per panel"}, "nodes"), []cli.Flag{
			&cli.StringFlag{Name: "sizes", Usage: "comma-separated sizes n", DefaultText: "10 log-spaced from 10² to 10^3.5"},
			&cli.StringFlag{Name: "exponents", Usage: "comma-separated sparsity exponents a, ρ = n^-a", DefaultText: "0,0.25,0.5"},
			&cli.StringFlag{Name: "loops", Value: "none", Usage: "self-loop policy of the GCN layers: none (the paper's D^-1/2 A D^-1/2), add (A + I) or add-missing (PyTorch Geometric's default)"},
		}),
		Action: func(c *cli.Context) error {
			if c.NArg() != 0 {
				return usagef("limits keriven: unexpected argument %q", c.Args().First())
			}
			cfg := continuous.KerivenConfig{Reps: c.Int("runs"), Seed: c.Uint64("seed"), Panels: c.Int("panels"), Nodes: c.Int("quadrature")}
			var err error
			if cfg.Loops, err = aggregation.ParseLoops(c.String("loops")); err != nil {
				return usagef("limits keriven: --loops=%q: %v", c.String("loops"), err)
			}
			if c.IsSet("sizes") {
				if cfg.Sizes, err = intList("sizes", c.String("sizes")); err != nil {
					return err
				}
			}
			if c.IsSet("exponents") {
				if cfg.Exponents, err = floatList("exponents", c.String("exponents")); err != nil {
					return err
				}
			}
			bar := newProgress(c, "limits keriven")
			cfg.Progress = bar.Update
			start := time.Now()
			res, err := continuous.RunKeriven(c.Context, cfg, c.String("out"))
			bar.Done()
			if err != nil {
				return err
			}
			w := c.App.Writer
			fmt.Fprintf(w, "Q = %d quadrature nodes; limit's own error (Q → 2Q): node %.2e, readout %.2e; %.0f s\n",
				res.Q, res.LimitErr.NodeRMS, res.LimitErr.Readout, time.Since(start).Seconds())
			fmt.Fprintln(w, "| ρ | node-level slope (95% CI) | readout slope (95% CI) |")
			fmt.Fprintln(w, "|---|---|---|")
			for _, r := range res.Regimes {
				fmt.Fprintf(w, "| %s | %.3f [%.3f, %.3f] | %.3f [%.3f, %.3f] |\n", continuous.RhoLabel(r.Exponent),
					r.Node.Slope, r.Node.SlopeCI.Lo, r.Node.SlopeCI.Hi, r.Readout.Slope, r.Readout.SlopeCI.Lo, r.Readout.SlopeCI.Hi)
			}
			return nil
		},
	}
}

package main

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/gnnwb/gnnwb/limits"
)

func limitsWidthCommand() *cli.Command {
	flags := append([]cli.Flag{
		&cli.StringFlag{Name: "config", Usage: "problem file (.yaml or .json); flags override it", DefaultText: "none: the flags' problem"},
		&cli.Float64Flag{Name: "tol", Usage: "ε: the root-mean-square L²(du) error E‖g^N_t − g_t‖² ≤ ε² to reach (required)"},
		&cli.Float64Flag{Name: "time", Usage: "the time t at which to reach it (required; the problem's times are not used)"},
		&cli.IntFlag{Name: "particles", Value: 2048, Usage: "M particles of the linearised particle flow (σ not the identity)"},
		&cli.BoolFlag{Name: "self-check", Value: true, Usage: "σ not the identity: re-solve with 2M and M/2 particles and report the larger difference in C(t)"},
	}, problemFlags()...)
	return &cli.Command{
		Name:  "width",
		Usage: "the width N a network needs for its mean-field error at time t to stay below ε, from the central-limit constant C(t)",
		Description: "Computes C(t) with E‖g^N_t − g_t‖²_{L²(du)} ≈ C(t)/N as N → ∞ (γ = 1; docs/mathematics.md §8: for σ the identity " +
			"the Lyapunov equation of the linearised moment ODE, exact; for tanh, sigmoid and erf the linearised McKean–Vlasov flow on " +
			"--particles particles, with its self-check against twice and half as many) and prints N = ⌈C(t)/ε²⌉ (rounded up to even for --symmetric). " +
			"It is the constant of networks trained on π_∞ (n → ∞): the graph's own error is not in it.",
		UsageText: "gnnwb limits width --tol ε --time t [--config FILE] [problem flags]",
		Flags:     flags,
		Action: func(c *cli.Context) error {
			if c.NArg() != 0 {
				return usagef("limits width: unexpected argument %q", c.Args().First())
			}
			for _, f := range []string{"tol", "time"} {
				if !c.IsSet(f) {
					return usagef("limits width: --%s is required", f)
				}
			}
			p, err := problemOf(c, limits.DefaultProblem())
			if err != nil {
				return err
			}
			t, eps := c.Float64("time"), c.Float64("tol")
			p.Times = []float64{t} // the problem is validated with the time asked for
			s, err := limits.NewSetup(p)
			if err != nil {
				return err
			}
			fl, err := solveConstant(c, s, p.Times)
			if err != nil {
				return err
			}
			n, err := fl.Width(eps, 0)
			if err != nil {
				return err
			}
			w := c.App.Writer
			fmt.Fprintf(w, "N = %d: the width at which E‖g^N_t − g_t‖² ≤ ε² at t = %g for ε = %g\n", n, t, eps)
			if fl.ErrEstimate != nil {
				fmt.Fprintf(w, "how: N = ⌈C(t)/ε²⌉ with C(%g) = %.6g ± %.2g (self-check against twice and half the particles), the central-limit constant of E‖g^N_t − g_t‖²_{L²(du)} ≈ C(t)/N as N → ∞\n", t, fl.C[0], fl.ErrEstimate[0])
			} else {
				fmt.Fprintf(w, "how: N = ⌈C(t)/ε²⌉ with C(%g) = %.6g, the central-limit constant of E‖g^N_t − g_t‖²_{L²(du)} ≈ C(t)/N as N → ∞\n", t, fl.C[0])
			}
			fmt.Fprintf(w, "C(t) from the %s; networks trained on π_∞ (n → ∞), leading order in 1/N\n", fl.Method)
			return nil
		},
	}
}

package main

import (
	"github.com/gnnwb/gnnwb/graphs/aggregation"
	"slices"

	"github.com/gnnwb/gnnwb/gnn/activation"

	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/gnnwb/gnnwb/generators"
	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/internal/atomicfile"
	"github.com/gnnwb/gnnwb/limits"
	"github.com/gnnwb/gnnwb/limits/fluctuation"
	"github.com/gnnwb/gnnwb/limits/ode"
	"github.com/gnnwb/gnnwb/limits/plots"
	"github.com/gnnwb/gnnwb/limits/sweep"
)

func init() { commands = append(commands, limitsCommand) }

func limitsCommand() *cli.Command {
	return &cli.Command{
		Name:  "limits",
		Usage: "the n → ∞ and N → ∞ limits of the one-hidden-layer GNN: solve them, sweep finite networks against them, fit rates, plot",
		Subcommands: []*cli.Command{
			limitsSolveCommand(), limitsSweepCommand(), limitsMergeCommand(), limitsFitCommand(), limitsPlotCommand(), limitsReportCommand(),
			limitsKerivenCommand(), limitsWidthCommand(), limitsGammaCommand(), limitsCollapseCommand(), limitsWalkCommand(),
		},
	}
}

// problemFlags are the fields of limits.Problem; a flag that is set
// overrides the configuration file.
func problemFlags() []cli.Flag {
	d := limits.DefaultProblem()
	return slices.Concat([]cli.Flag{
		&cli.StringFlag{Name: "graphon", Value: d.Graphon.String(), Usage: "graphon W: constant:p, product, uniform-attachment, exponential, gaussian:H, sbm:<sizes>:<probs>"},
		&cli.Float64Flag{Name: "rho", Value: d.Rho, Usage: "sparsity ρ in (0,1]"},
		&cli.StringFlag{Name: "aggregation", Value: d.Aggregation.String(), Usage: "aggregation: graphon, mean or symmetric, optionally :add or :add-missing for self-loops (symmetric needs --sampler whole)"},
		&cli.StringFlag{Name: "signal", Value: d.Signal.String(), Usage: "feature signal X: fourier:K or poly:K"},
		&cli.StringFlag{Name: "target", Value: d.Target.String(), Usage: "target Y: poly:c0,c1,…, sin:k or step:a"},
		&cli.Float64Flag{Name: "noise-x", Usage: "sd of the Gaussian noise on each feature"},
		&cli.Float64Flag{Name: "noise-y", Usage: "sd of the Gaussian noise on y"},
		&cli.StringFlag{Name: "activation", Value: d.Activation.String(), Usage: "σ: identity, tanh, relu, sigmoid, erf"},
		&cli.Float64Flag{Name: "gamma", Value: d.Gamma, Usage: "output scaling γ in [0.5, 1] (1: mean field, 0.5: kernel)"},
		&cli.Float64Flag{Name: "alpha", Value: d.Alpha, Usage: "learning-rate constant α"},
		&cli.Float64Flag{Name: "sc", Value: d.Sc, Usage: "μ_0: c ~ N(0, sc²)"},
		&cli.Float64Flag{Name: "sw", Value: d.Sw, Usage: "μ_0: a ~ N(0, sw² I/d)"},
		&cli.BoolFlag{Name: "symmetric", Usage: "μ_0 in pairs (c, a), (−c, a), so g_0 ≡ 0"},
		&cli.StringFlag{Name: "times", Value: "0.5,2", Usage: "evaluation times t = k/N, comma-separated, increasing"},
	}, withOldSpellings(&cli.IntFlag{Name: "batch-size", Value: d.Batch, Usage: "samples per SGD step (whole sampler: 0 = all n nodes)"}, "batch"), []cli.Flag{
		&cli.StringFlag{Name: "sampler", Value: d.Sampler.String(), Usage: "ego or whole"},
		&cli.IntFlag{Name: "quadrature", Value: d.Quadrature, Usage: "Gauss–Legendre nodes Q in u"},
	})
}

func floatList(flag, s string) ([]float64, error) {
	var out []float64
	for _, f := range strings.Split(s, ",") {
		x, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
		if err != nil {
			return nil, usagef("--%s: %q is not a number", flag, strings.TrimSpace(f))
		}
		out = append(out, x)
	}
	return out, nil
}

func intList(flag, s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		x, err := strconv.Atoi(f)
		if err != nil {
			// accept 1e4 style integers
			v, ferr := strconv.ParseFloat(f, 64)
			if ferr != nil || v != float64(int(v)) {
				return nil, usagef("--%s: %q is not an integer", flag, f)
			}
			x = int(v)
		}
		out = append(out, x)
	}
	return out, nil
}

// applyProblemFlags overrides p's fields with the flags that are set; names
// are parsed by the library's parsers, as in a problem file.
func applyProblemFlags(c *cli.Context, p *limits.Problem) error {
	var err error
	if c.IsSet("graphon") {
		if p.Graphon, err = generators.ParseGraphon(c.String("graphon")); err != nil {
			return usagef("%s: --graphon=%q: %v", commandPath(c), c.String("graphon"), err)
		}
	}
	if c.IsSet("signal") {
		if p.Signal, err = generators.ParseSignal(c.String("signal")); err != nil {
			return usagef("%s: --signal=%q: %v", commandPath(c), c.String("signal"), err)
		}
	}
	if c.IsSet("target") {
		if p.Target, err = generators.ParseTarget(c.String("target")); err != nil {
			return usagef("%s: --target=%q: %v", commandPath(c), c.String("target"), err)
		}
	}
	if c.IsSet("activation") {
		if p.Activation, err = activation.Parse(c.String("activation")); err != nil {
			return usagef("%s: --activation=%q: %v", commandPath(c), c.String("activation"), err)
		}
	}
	if c.IsSet("sampler") {
		if p.Sampler, err = parseSampler(c.String("sampler")); err != nil {
			return usagef("%s: --sampler=%q: %v", commandPath(c), c.String("sampler"), err)
		}
	}
	if c.IsSet("aggregation") {
		if p.Aggregation, err = aggregation.Parse(c.String("aggregation")); err != nil {
			return usagef("%s: --aggregation=%q: %v", commandPath(c), c.String("aggregation"), err)
		}
	}
	flt := map[string]*float64{"rho": &p.Rho, "noise-x": &p.NoiseX, "noise-y": &p.NoiseY, "gamma": &p.Gamma,
		"alpha": &p.Alpha, "sc": &p.Sc, "sw": &p.Sw}
	for k, v := range flt {
		if c.IsSet(k) {
			*v = c.Float64(k)
		}
	}
	if c.IsSet("batch-size") {
		p.Batch = c.Int("batch-size")
	}
	if c.IsSet("quadrature") {
		p.Quadrature = c.Int("quadrature")
	}
	if c.IsSet("symmetric") {
		p.Symmetric = c.Bool("symmetric")
	}
	if c.IsSet("times") {
		t, err := floatList("times", c.String("times"))
		if err != nil {
			return err
		}
		p.Times = t
	}
	return nil
}

func limitsSolveCommand() *cli.Command {
	flags := append([]cli.Flag{
		&cli.StringFlag{Name: "config", Usage: "problem file (.yaml or .json); flags override it", DefaultText: "none: the flags' problem"},
		&cli.StringFlag{Name: "limit", Value: limits.MeanFieldLimit.String(), Usage: "graphon, meanfield, kernel or gamma (the ε-flow at ε = N^(γ−1) of --width, any --gamma in [0.5, 1])"},
		&cli.IntFlag{Name: "width", Value: 1000, Usage: "N of the network a coupled limit (graphon; kernel at γ = ½ without --symmetric; gamma) is computed for"},
		&cli.Uint64Flag{Name: "seed", Value: 1, Usage: "seed of that network"},
		&cli.IntFlag{Name: "particles", Value: 2048, Usage: "M particles of the mean-field solver (σ not the identity)"},
		&cli.BoolFlag{Name: "self-check", Value: true, Usage: "re-solve with 2M particles and report the difference (with --fluctuations, C(t) also against M/2)"},
		&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Value: "limit.csv", Usage: "CSV of limit,t,u,g on the quadrature nodes; the problem and the solver's report go to the same name with .json"},
		&cli.BoolFlag{Name: "fluctuations", Usage: "with --limit meanfield (or --limit gamma and σ the identity: about the ε-flow of --width): also write the central-limit constant C(t) of E‖g^N_t − g_t‖² ≈ C(t)/N and the variance band N·Var g^N_t(u) to OUT-fluctuations.csv (columns t,u,g,n_var,c) and the report (σ identity: the Lyapunov equation of the moment chain; tanh, sigmoid, erf: the linearised particle flow on --particles particles, checked against twice and half as many with --self-check); with --limit graphon and --nodes: the predicted graph axis instead, E e_fun² ≈ ‖B‖²/(nρ)² + V/(N·nρ) between the network of --width on --nodes nodes and this limit (σ identity, ego sampler, graphon normalisation, no noise), to OUT-graph.csv (columns t,bias,variance,total,b2,v,mean_field_bias) and the report"},
		&cli.IntFlag{Name: "nodes", Usage: "with --limit graphon --fluctuations: n, the nodes of the graph G(n, W, ρ) the network is trained on"},
	}, problemFlags()...)
	return &cli.Command{
		Name:      "solve",
		Usage:     "solve a limit at the problem's times on the quadrature nodes u_q and write it as CSV",
		UsageText: "gnnwb limits solve [--config FILE] [--limit meanfield|graphon|kernel|gamma] [--fluctuations] [problem flags] [--out limit.csv]",
		Flags:     flags,
		Action: func(c *cli.Context) error {
			if c.NArg() != 0 {
				return usagef("limits solve: unexpected argument %q", c.Args().First())
			}
			p, err := problemOf(c, limits.DefaultProblem())
			if err != nil {
				return err
			}
			limit, err := limits.ParseKind(c.String("limit"))
			if err != nil {
				return usagef("limits solve: --limit=%q: %v", c.String("limit"), err)
			}
			graphAxis := c.Bool("fluctuations") && limit == limits.GraphonLimit
			if c.Bool("fluctuations") && limit != limits.MeanFieldLimit && limit != limits.GammaLimit && !graphAxis {
				return usagef("limits solve: --fluctuations needs --limit meanfield (or gamma with --activation identity, or graphon with --nodes), got --limit %s", limit)
			}
			if graphAxis && !c.IsSet("nodes") {
				return usagef("limits solve: --fluctuations with --limit graphon predicts the error of a network on n nodes: give --nodes n")
			}
			if c.IsSet("nodes") && !graphAxis {
				return usagef("limits solve: --nodes is for --limit graphon --fluctuations")
			}
			s, err := limits.NewSetup(p)
			if err != nil {
				return err
			}
			start := time.Now()
			var fl *fluctuation.Constant
			var ga *fluctuation.GraphAxis
			switch {
			case graphAxis:
				ga, err = fluctuation.Graph(c.Context, s, c.Int("nodes"), c.Int("width"), s.Problem().Times)
				if errors.Is(err, graphs.ErrUnsupported) {
					return usagef("%s: %v; the graph axis is predicted for --activation identity, --gamma 1, --sampler ego, --aggregation graphon (or graphon:add) and no noise", commandPath(c), err)
				}
				if err != nil {
					return err
				}
			case c.Bool("fluctuations") && limit == limits.GammaLimit:
				fl, err = fluctuation.LinearScaled(c.Context, s, s.Problem().Times, c.Int("width"))
				if errors.Is(err, graphs.ErrUnsupported) {
					return usagef("%s: %v; --fluctuations with --limit gamma needs --activation identity", commandPath(c), err)
				}
				if err != nil {
					return err
				}
			case c.Bool("fluctuations"):
				if fl, err = solveConstant(c, s, s.Problem().Times); err != nil {
					return err
				}
			}
			sol, err := s.Limit(c.Context, limit, c.Int("width"), c.Uint64("seed"),
				limits.SolveOptions{Particles: c.Int("particles"), SelfCheck: c.Bool("self-check")})
			if err != nil {
				return err
			}
			u, _ := s.Nodes()
			phi, _ := s.Features()
			g := make([]float64, len(u))
			out := c.String("out")
			err = atomicfile.Write(out, func(w io.Writer) error {
				cw := csv.NewWriter(w)
				_ = cw.Write([]string{"limit", "t", "u", "g"})
				for k, t := range sol.Times {
					if err := sol.Eval(g, k, phi); err != nil {
						return err
					}
					for q := range u {
						_ = cw.Write([]string{sol.Name, ff(t), ff(u[q]), ff(g[q])})
					}
				}
				cw.Flush()
				return cw.Error()
			})
			if err != nil {
				return err
			}
			base := strings.TrimSuffix(out, filepath.Ext(out))
			var flReport *fluctuationReport
			if fl != nil {
				flReport = &fluctuationReport{File: base + "-fluctuations.csv", Method: fl.Method, Times: fl.Times, C: fl.C, ErrEstimate: fl.ErrEstimate, Stats: fl.Stats}
				if err := writeFluctuations(flReport.File, fl); err != nil {
					return err
				}
			}
			var gaReport *graphAxisReport
			if ga != nil {
				gaReport = &graphAxisReport{File: base + "-graph.csv", GraphAxis: ga}
				if err := writeGraphAxis(gaReport.File, ga); err != nil {
					return err
				}
			}
			report := struct {
				Problem      limits.Problem     `json:"problem"`
				Solution     *limits.Solution   `json:"solution"`
				Fluctuations *fluctuationReport `json:"fluctuations,omitempty"`
				GraphAxis    *graphAxisReport   `json:"graph_axis,omitempty"`
				Seconds      float64            `json:"seconds"`
			}{s.Problem(), sol, flReport, gaReport, time.Since(start).Seconds()}
			data, _ := json.MarshalIndent(report, "", "  ")
			meta := base + ".json"
			if err := atomicfile.WriteBytes(meta, append(data, '\n')); err != nil {
				return err
			}
			fmt.Fprintf(c.App.Writer, "%s limit (%s) at t = %v: %s, %s\n", sol.Name, sol.Method, sol.Times, out, meta)
			if sol.ErrEstimate != nil {
				fmt.Fprintf(c.App.Writer, "self-check (M vs 2M particles) at each t: %.3g\n", sol.ErrEstimate)
			}
			if ga != nil {
				fmt.Fprintf(c.App.Writer, "graph axis (%s): E e_fun² ≈ ‖B‖²/(nρ)² + V/(N·nρ) at n = %d, N = %d: bias %.5g + variance %.5g = %.5g at t = %v: %s\n",
					ga.Method, ga.Nodes, ga.Width, ga.Bias, ga.Variance, ga.Total, ga.Times, gaReport.File)
			}
			if fl != nil {
				fmt.Fprintf(c.App.Writer, "fluctuations (%s): E‖g^N_t − g_t‖² ≈ C(t)/N with C = %.5g at t = %v: %s\n", fl.Method, fl.C, fl.Times, flReport.File)
				if fl.ErrEstimate != nil {
					fmt.Fprintf(c.App.Writer, "self-check of C (against 2M and M/2 particles) at each t: %.3g\n", fl.ErrEstimate)
				}
			}
			return nil
		},
	}
}

func ff(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

// fluctuationReport is what the JSON report of limits solve records of the
// constant; the band is in File.
type fluctuationReport struct {
	File        string    `json:"file"`
	Method      string    `json:"method"`
	Times       []float64 `json:"times"`
	C           []float64 `json:"c"`
	ErrEstimate []float64 `json:"err_estimate,omitempty"`
	Stats       ode.Stats `json:"stats"`
}

// solveConstant is fluctuation.Solve with the command's --particles and
// --self-check, a σ it does not take (graphs.ErrUnsupported: ReLU) turned
// into a usage error, exit status 2, that says which flag to set.
func solveConstant(c *cli.Context, s *limits.Setup, times []float64) (*fluctuation.Constant, error) {
	fl, err := fluctuation.Solve(c.Context, s, times, fluctuation.Options{Particles: c.Int("particles"), SelfCheck: c.Bool("self-check")})
	if errors.Is(err, graphs.ErrUnsupported) {
		return nil, usagef("%s: %v; use --activation identity, tanh, sigmoid or erf", commandPath(c), err)
	}
	return fl, err
}

// writeFluctuations writes the band of fl as CSV: per time t and node u, the
// limit g, n_var = N·Var g^N_t(u) as N → ∞ and the constant c = C(t).
func writeFluctuations(path string, fl *fluctuation.Constant) error {
	return atomicfile.Write(path, func(w io.Writer) error {
		cw := csv.NewWriter(w)
		_ = cw.Write([]string{"t", "u", "g", "n_var", "c"})
		for k, t := range fl.Times {
			for q, u := range fl.U {
				_ = cw.Write([]string{ff(t), ff(u), ff(fl.G[k][q]), ff(fl.Variance[k][q]), ff(fl.C[k])})
			}
		}
		cw.Flush()
		return cw.Error()
	})
}

// graphAxisReport is what the JSON report of limits solve records of the
// predicted graph axis; the same numbers are in File.
type graphAxisReport struct {
	File string `json:"file"`
	*fluctuation.GraphAxis
}

// writeGraphAxis writes the predicted graph axis as CSV: per time t, the
// bias ‖B‖²_Σω/(nρ)², the variance V/(N·nρ), their sum, b2 = ‖B‖²_Σω, V
// and the mean-field bias (every order in 1/(nρ) of the mean).
func writeGraphAxis(path string, ga *fluctuation.GraphAxis) error {
	return atomicfile.Write(path, func(w io.Writer) error {
		cw := csv.NewWriter(w)
		_ = cw.Write([]string{"t", "bias", "variance", "total", "b2", "v", "mean_field_bias"})
		for k, t := range ga.Times {
			b2 := ga.Bias[k] * ga.NRho * ga.NRho
			_ = cw.Write([]string{ff(t), ff(ga.Bias[k]), ff(ga.Variance[k]), ff(ga.Total[k]), ff(b2), ff(ga.V[k]), ff(ga.MeanFieldBias[k])})
		}
		cw.Flush()
		return cw.Error()
	})
}

func limitsSweepCommand() *cli.Command {
	d := sweep.Default()
	flags := append([]cli.Flag{
		&cli.StringFlag{Name: "config", Usage: "sweep file (.yaml or .json) with keys problem, nodes, widths, seeds (--runs), limits, particles, test_nodes, walk; flags override it", DefaultText: "none: the demonstration sweep"},
		&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Value: "limits-sweep", Usage: "output directory (rerun the same command to resume)"},
		&cli.StringFlag{Name: "nodes", Usage: "n values, comma-separated", DefaultText: joinInts(d.Nodes)},
		&cli.StringFlag{Name: "widths", Usage: "N values, comma-separated", DefaultText: joinInts(d.Widths)},
	}, withOldSpellings(&cli.IntFlag{Name: "runs", Value: d.Seeds, Usage: "R networks per (n, N), of seeds 1..R"}, "seeds")...)
	flags = append(append(flags, []cli.Flag{
		&cli.StringFlag{Name: "limits", Value: joinKinds(d.Limits), Usage: "limits to compare with: graphon, meanfield, kernel, gamma"},
		&cli.IntFlag{Name: "particles", Value: d.Particles, Usage: "M particles of the mean-field solver"},
		&cli.IntFlag{Name: "test-nodes", Value: d.TestNodes, Usage: "nodes of the test graph used for the node error"},
		&cli.StringFlag{Name: "walk", Usage: "train along a walk on the graphon with these options (h=HOLD,r=RESTART,thin=T,burn=B) instead of on independent samples, against the mean-field limit under its stationary law (needs --limits meanfield and --sampler ego)", DefaultText: "none: independent samples"},
		&cli.StringFlag{Name: "shard", Value: "0/1", Usage: "run shard i of k (i/k, 0-based): every k-th cell; combine with gnnwb limits merge"},
		&cli.StringFlag{Name: "formats", Value: "png,svg", Usage: "plot formats written when the sweep is complete (empty: no plots)"},
	}...), problemFlags()...)
	return &cli.Command{
		Name:  "sweep",
		Usage: "train finite networks over a grid of n, N and seeds, measure e_fun and e_node against limits, then fit and plot",
		Description: "With no configuration it runs a small demonstration (sweep.Default: tanh, γ = 1, exponential graphon, sparse ρ = 0.02, " +
			"n ∈ {100,…,3000}, N ∈ {10,…,3000}, 6 seeds, graphon and mean-field limits). Finished cells are kept in OUT/cells; " +
			"after Ctrl-C the same command continues. When all cells are done it writes OUT/errors.csv, summary.json, fits.json and the plots.",
		UsageText: "gnnwb limits sweep [--config FILE] [--out DIR] [--shard i/k] [flags]",
		Flags:     flags,
		Action: func(c *cli.Context) error {
			if c.NArg() != 0 {
				return usagef("limits sweep: unexpected argument %q", c.Args().First())
			}
			w := sweep.Default()
			if f := c.String("config"); f != "" {
				var err error
				if w, err = sweep.Read(f); err != nil {
					return err
				}
			}
			if err := applyProblemFlags(c, &w.Problem); err != nil {
				return err
			}
			var err error
			if c.IsSet("nodes") {
				if w.Nodes, err = intList("nodes", c.String("nodes")); err != nil {
					return err
				}
			}
			if c.IsSet("widths") {
				if w.Widths, err = intList("widths", c.String("widths")); err != nil {
					return err
				}
			}
			if c.IsSet("runs") {
				w.Seeds = c.Int("runs")
			}
			if c.IsSet("limits") {
				w.Limits = nil
				for _, f := range strings.Split(c.String("limits"), ",") {
					l, err := limits.ParseKind(strings.TrimSpace(f))
					if err != nil {
						return usagef("limits sweep: --limits=%q: %v", c.String("limits"), err)
					}
					w.Limits = append(w.Limits, l)
				}
			}
			if c.IsSet("particles") {
				w.Particles = c.Int("particles")
			}
			if c.IsSet("test-nodes") {
				w.TestNodes = c.Int("test-nodes")
			}
			if c.IsSet("walk") {
				w.Walk = c.String("walk")
			}
			shard, shards, err := parseShard(c.String("shard"))
			if err != nil {
				return err
			}
			if err := formatsFlag(c); err != nil {
				return err
			}
			if err := w.Validate(); err != nil {
				return err
			}
			out := c.String("out")
			bar := newWorkProgress(c, "limits sweep")
			start := time.Now()
			warn := func(msg string) { fmt.Fprintf(c.App.ErrWriter, "gnnwb: warning: limits sweep: %s\n", msg) }
			sum, err := sweep.Run(c.Context, w, out, sweep.Options{Shard: shard, Shards: shards, Progress: bar.Update, Warn: warn})
			bar.Done()
			if err != nil {
				if c.Context.Err() != nil {
					fmt.Fprintf(c.App.ErrWriter, "gnnwb: limits sweep interrupted; finished cells are in %s, run the same command to continue\n", out)
				}
				return err
			}
			fmt.Fprintf(c.App.Writer, "%s: %d of %d cells done (%.1f s this run, %.1f s of cell compute in total)\n",
				out, sum.Done, sum.Cells, time.Since(start).Seconds(), sum.Seconds)
			if !sum.Complete {
				fmt.Fprintf(c.App.Writer, "not complete: run the other shards, then gnnwb limits merge --out %s SHARD_DIRS…\n", out)
				return nil
			}
			return fitAndPlot(c, out, c.String("formats"))
		},
	}
}

// parseShard reads --shard i/k: two decimal integers, 0 ≤ i < k, nothing
// else.
func parseShard(s string) (int, int, error) {
	is, ks, ok := strings.Cut(s, "/")
	i, err1 := strconv.Atoi(is)
	k, err2 := strconv.Atoi(ks)
	if !ok || err1 != nil || err2 != nil || k < 1 || i < 0 || i >= k {
		return 0, 0, usagef("limits sweep: --shard=%q: want i/k with 0 ≤ i < k", s)
	}
	return i, k, nil
}

// problemOf returns the problem of command c: the file of --config if
// given, else base, with the problem flags that were set applied over it.
func problemOf(c *cli.Context, base limits.Problem) (limits.Problem, error) {
	p := base
	if f := c.String("config"); f != "" {
		var err error
		if p, err = limits.ReadProblem(f); err != nil {
			return limits.Problem{}, err
		}
	}
	if err := applyProblemFlags(c, &p); err != nil {
		return limits.Problem{}, err
	}
	return p, nil
}

// formatsFlag checks --formats (empty: no plots) before any work.
func formatsFlag(c *cli.Context) error {
	_, err := figureFormats(c, "formats")
	return err
}

// figureFormats returns the figure formats of flag name, a comma-separated
// list (empty: no figures), refused with a usage error naming the flag
// before any work when one cannot be drawn.
func figureFormats(c *cli.Context, name string) ([]string, error) {
	var exts []string
	for _, e := range strings.Split(c.String(name), ",") {
		if e = strings.TrimSpace(e); e != "" {
			exts = append(exts, e)
		}
	}
	if err := plots.CheckFormats(exts); err != nil {
		return nil, usagef("%s: --%s=%q: %v", commandPath(c), name, c.String(name), err)
	}
	return exts, nil
}

func joinKinds(v []limits.Kind) string {
	s := make([]string, len(v))
	for i, k := range v {
		s[i] = k.String()
	}
	return strings.Join(s, ",")
}

func joinInts(v []int) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = strconv.Itoa(x)
	}
	return strings.Join(s, ",")
}

// fitAndPlot fits a complete sweep directory, prints the slopes, and draws
// the plots in the given formats.
func fitAndPlot(c *cli.Context, dir, formats string) error {
	f, err := sweep.Fit(dir)
	if err != nil {
		return err
	}
	printFits(c.App.Writer, f)
	if strings.TrimSpace(formats) == "" {
		return nil
	}
	files, err := sweep.Plot(dir, strings.Split(formats, ","))
	if err != nil {
		return err
	}
	fmt.Fprintf(c.App.Writer, "%d plots in %s\n", len(files), dir)
	return nil
}

// printFits prints, per limit and error kind at the last time, the slope
// along N at the largest n and along n at the largest N (an axis of one
// size has none), the joint fit, and the central-limit prediction beside
// the measured N·mean(e_fun²) when the sweep has one.
func printFits(w io.Writer, f *sweep.Fits) {
	nmax, wmax := maxInt(f.Config.Nodes), maxInt(f.Config.Widths)
	for _, j := range f.Joint {
		fmt.Fprintf(w, "%s %s t=%g:\n", j.Limit, j.Kind, j.T)
		for _, a := range []*sweep.AxisFit{f.Find(j.Limit, j.Kind, "N", nmax), f.Find(j.Limit, j.Kind, "n", wmax)} {
			if a == nil || len(a.X) < 2 {
				continue
			}
			other := "n"
			if a.Axis == "n" {
				other = "N"
			}
			if a.Err != "" {
				fmt.Fprintf(w, "  along %s (%s=%d): no fit: %s\n", a.Axis, other, a.Fixed, plainMessage(a.Err))
				continue
			}
			fmt.Fprintf(w, "  along %s (%s=%d): slope %.3f, 95%% CI [%.3f, %.3f] over %d seeds\n", a.Axis, other, a.Fixed, a.Slope, a.SlopeLo, a.SlopeHi, a.Seeds)
		}
		if j.Err != "" {
			fmt.Fprintf(w, "  joint: no fit: %s\n", plainMessage(j.Err))
		} else {
			fmt.Fprintf(w, "  joint: e ≈ %.3g·N^(%.3f) + %.3g·(nρ)^(%.3f) + %.3g, RMS log residual %.3f\n", j.A, -j.P, j.B, -j.Q, j.Floor, j.RMS)
		}
	}
	if p := f.Prediction; p != nil && p.Reason == "" {
		fmt.Fprintf(w, "predicted C(t) (not fitted) against measured N·mean(e_fun²) at n=%d:\n", p.Nodes)
		for _, at := range p.Times {
			fmt.Fprintf(w, "  t=%g: C %.4g", at.T, at.C)
			if at.CErr > 0 {
				fmt.Fprintf(w, " ± %.2g", at.CErr)
			}
			for i, n := range at.Widths {
				sep := ";"
				if i > 0 {
					sep = ","
				}
				fmt.Fprintf(w, "%s N=%d %.4g ± %.2g", sep, n, at.Measured[i], at.StdErr[i])
			}
			fmt.Fprintln(w)
		}
	}
}

func maxInt(v []int) int {
	m := 0
	for _, x := range v {
		m = max(m, x)
	}
	return m
}

func limitsMergeCommand() *cli.Command {
	return &cli.Command{
		Name:      "merge",
		Usage:     "combine the cells of shard directories of one sweep into --out and write its errors.csv and summary.json",
		UsageText: "gnnwb limits merge --out DIR SHARD_DIR...",
		ArgsUsage: "SHARD_DIR...",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Required: true, Usage: "merged sweep directory (required)"},
			&cli.StringFlag{Name: "formats", Value: "png,svg", Usage: "plot formats when the merged sweep is complete (empty: none)"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() == 0 {
				return usagef("limits merge: want at least one SHARD_DIR argument")
			}
			if err := formatsFlag(c); err != nil {
				return err
			}
			sum, err := sweep.Merge(c.String("out"), c.Args().Slice())
			if err != nil {
				return err
			}
			fmt.Fprintf(c.App.Writer, "%s: %d of %d cells\n", c.String("out"), sum.Done, sum.Cells)
			if sum.Complete {
				return fitAndPlot(c, c.String("out"), c.String("formats"))
			}
			return nil
		},
	}
}

func limitsFitCommand() *cli.Command {
	return &cli.Command{
		Name:      "fit",
		Usage:     "fit the error rates of a sweep directory (per axis with bootstrap intervals, and jointly); writes DIR/fits.json",
		UsageText: "gnnwb limits fit DIR",
		ArgsUsage: "DIR",
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return usagef("limits fit: want exactly one sweep DIR, got %d arguments", c.NArg())
			}
			f, err := sweep.Fit(c.Args().First())
			if err != nil {
				return err
			}
			printFits(c.App.Writer, f)
			return nil
		},
	}
}

func limitsPlotCommand() *cli.Command {
	return &cli.Command{
		Name:      "plot",
		Usage:     "draw a sweep directory's figures (rates along n and N, heat maps, trajectories)",
		UsageText: "gnnwb limits plot DIR [--formats png,svg]",
		ArgsUsage: "DIR",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "formats", Value: "png,svg", Usage: "png, svg or both"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return usagef("limits plot: want exactly one sweep DIR, got %d arguments", c.NArg())
			}
			if strings.TrimSpace(c.String("formats")) == "" {
				return usagef("limits plot: --formats is empty: give png, svg or both")
			}
			if err := formatsFlag(c); err != nil {
				return err
			}
			if _, err := sweep.Fit(c.Args().First()); err != nil {
				return err
			}
			files, err := sweep.Plot(c.Args().First(), strings.Split(c.String("formats"), ","))
			if err != nil {
				return err
			}
			for _, f := range files {
				fmt.Fprintln(c.App.Writer, f)
			}
			return nil
		},
	}
}

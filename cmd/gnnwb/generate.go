package main

import (
	"bufio"
	"fmt"
	"strconv"
	"strings"

	"github.com/gnnwb/gnnwb/generators"
	"github.com/gnnwb/gnnwb/graphs"
	"github.com/urfave/cli/v2"
)

func init() { commands = append(commands, generateCommand) }

// Flags every generator shares.
func generatorFlags(extra ...cli.Flag) []cli.Flag {
	return append(extra,
		&cli.Uint64Flag{Name: "seed", Value: 1, Usage: "random seed; the same seed gives the same graph on any machine and core count"},
		&cli.StringFlag{Name: "out", Usage: "write the edge list to `FILE` (atomically: temp file, then rename) instead of stdout", DefaultText: "stdout"},
	)
}

// nodeGeneratorFlags are generatorFlags with --nodes (required) first.
func nodeGeneratorFlags(extra ...cli.Flag) []cli.Flag {
	return generatorFlags(append(nodesFlags(0, "number of nodes `N` (required)"), extra...)...)
}

func generateCommand() *cli.Command {
	return &cli.Command{
		Name:  "generate",
		Usage: "sample a random graph and write it as a SNAP-style edge list",
		Description: "Output starts with '# Undirected graph' and '# Nodes: N Edges: M' (so isolated nodes\n" +
			"survive a round trip), then one edge 'u<TAB>v' per line with u <= v.\n" +
			"The default seed is 1.",
		Subcommands: []*cli.Command{
			{
				Name:      "er",
				Usage:     "Erdős–Rényi G(n,p): every pair independently with probability p",
				UsageText: "gnnwb generate er --nodes N (--p P | --avg-degree D) [--seed S] [--out FILE]",
				Flags: nodeGeneratorFlags(
					&cli.Float64Flag{Name: "p", Usage: "edge probability in [0,1]"},
					&cli.Float64Flag{Name: "avg-degree", Usage: "expected degree D instead of --p: p = D/(n-1)"},
				),
				Action: func(c *cli.Context) error {
					n, err := nodes(c, true)
					if err != nil {
						return err
					}
					p, err := probability(c, n)
					if err != nil {
						return err
					}
					return generate(c, generators.ERSpec{N: n, P: p})
				},
			},
			{
				Name:      "gnm",
				Usage:     "G(n,m): m edges uniformly without replacement",
				UsageText: "gnnwb generate gnm --nodes N --m M [--seed S] [--out FILE]",
				Flags: nodeGeneratorFlags(
					&cli.IntFlag{Name: "m", Usage: "number of edges (required)"},
				),
				Action: func(c *cli.Context) error {
					n, err := nodes(c, true)
					if err != nil {
						return err
					}
					m, err := requiredInt(c, "m")
					if err != nil {
						return err
					}
					return generate(c, generators.GNMSpec{N: n, M: m})
				},
			},
			{
				Name:      "sbm",
				Usage:     "stochastic block model with block sizes and a symmetric probability matrix",
				UsageText: `gnnwb generate sbm --sizes 500,500 --probs "0.1,0.01;0.01,0.1" [--seed S] [--out FILE]`,
				Flags: generatorFlags(
					&cli.StringFlag{Name: "sizes", Usage: "comma-separated block sizes (required)"},
					&cli.StringFlag{Name: "probs", Usage: "probability matrix, rows separated by ';', entries by ',' (required)"},
				),
				Action: func(c *cli.Context) error {
					sizes, err := parseInts(c, "sizes")
					if err != nil {
						return err
					}
					probs, err := parseMatrix(c, "probs")
					if err != nil {
						return err
					}
					return generate(c, generators.SBMSpec{Sizes: sizes, Probs: probs})
				},
			},
			{
				Name:  "graphon",
				Usage: "W-random graph G(n, W, rho): latent u_i ~ U[0,1], edge {i,j} with probability rho W(u_i,u_j)",
				UsageText: "gnnwb generate graphon --nodes N --graphon NAME [--rho R] [--weighted] [--seed S] [--out FILE]\n\n" +
					"NAME: constant:P, product, uniform-attachment, exponential, gaussian:H, sbm:<sizes>:<probs>\n" +
					"      (e.g. sbm:0.5,0.5:0.1,0.01;0.01,0.1 with block proportions)",
				Flags: nodeGeneratorFlags(
					&cli.StringFlag{Name: "graphon", Usage: "graphon `NAME` (required; see above)"},
					&cli.Float64Flag{Name: "rho", Value: 1, Usage: "sparsity factor in [0,1]"},
					&cli.BoolFlag{Name: "weighted", Usage: "complete graph with weights W(u_i,u_j) instead of Bernoulli edges"},
				),
				Action: func(c *cli.Context) error {
					n, err := nodes(c, true)
					if err != nil {
						return err
					}
					name := c.String("graphon")
					if name == "" {
						return usagef("generate graphon: --graphon is required")
					}
					w, err := generators.ParseGraphon(name)
					if err != nil {
						return usagef("generate graphon: --graphon=%q: %v", name, err)
					}
					return generate(c, generators.GraphonSpec{N: n, W: w, Rho: c.Float64("rho"), Weighted: c.Bool("weighted")})
				},
			},
			{
				Name:      "chunglu",
				Usage:     "Chung–Lu expected-degree graph: edge {i,j} with probability min(1, w_i w_j / sum w)",
				UsageText: "gnnwb generate chunglu --weights FILE [--seed S] [--out FILE]\n\nFILE: one expected degree per line; '#' starts a comment.",
				Flags: generatorFlags(
					&cli.StringFlag{Name: "weights", Usage: "file of expected degrees, one per line (required)"},
				),
				Action: func(c *cli.Context) error {
					path := c.String("weights")
					if path == "" {
						return usagef("generate chunglu: --weights is required")
					}
					ws, err := generators.ReadWeights(path)
					if err != nil {
						return err
					}
					return generate(c, generators.ChungLuSpec{Weights: ws})
				},
			},
		},
	}
}

// generate samples spec and writes it to --out or stdout.
func generate(c *cli.Context, spec generators.Spec) error {
	bar := newProgress(c, commandPath(c))
	defer bar.Done()
	g, err := generators.Generate(c.Context, spec, c.Uint64("seed"), func(done, total int64) {
		bar.Update(done, total)
		if done == total {
			bar.Phase("building the graph")
		}
	})
	if err != nil {
		return fmt.Errorf("%s: %w", commandPath(c), err)
	}
	bar.Phase("writing")
	return writeGraph(c, g)
}

// writeGraph writes g to the --out file atomically, or to stdout.
func writeGraph(c *cli.Context, g graphs.Graph) error {
	if out := c.String("out"); out != "" {
		return graphs.WriteEdgeList(out, g)
	}
	w := bufio.NewWriterSize(c.App.Writer, 1<<20)
	if err := graphs.EncodeEdgeList(w, g); err != nil {
		return err
	}
	return w.Flush()
}

func requiredInt(c *cli.Context, name string) (int, error) {
	if !c.IsSet(name) {
		return 0, usagef("%s: --%s is required", commandPath(c), name)
	}
	return c.Int(name), nil
}

// probability reads --p or --avg-degree (exactly one).
func probability(c *cli.Context, n int) (float64, error) {
	switch {
	case c.IsSet("p") && c.IsSet("avg-degree"):
		return 0, usagef("%s: give --p or --avg-degree, not both", commandPath(c))
	case c.IsSet("p"):
		return c.Float64("p"), nil
	case c.IsSet("avg-degree"):
		d := c.Float64("avg-degree")
		if n < 2 {
			return 0, usagef("%s: --avg-degree=%v needs --n >= 2, got %d", commandPath(c), d, n)
		}
		p := d / float64(n-1)
		if !(p >= 0 && p <= 1) {
			return 0, usagef("%s: --avg-degree=%v gives p=%v, not in [0,1] for n=%d", commandPath(c), d, p, n)
		}
		return p, nil
	}
	return 0, usagef("%s: --p or --avg-degree is required", commandPath(c))
}

func parseInts(c *cli.Context, name string) ([]int, error) {
	s := c.String(name)
	if s == "" {
		return nil, usagef("%s: --%s is required", commandPath(c), name)
	}
	var out []int
	for k, f := range strings.Split(s, ",") {
		v, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil {
			return nil, usagef("%s: --%s=%q: entry %d (%q) is not an integer", commandPath(c), name, s, k+1, f)
		}
		out = append(out, v)
	}
	return out, nil
}

func parseMatrix(c *cli.Context, name string) ([][]float64, error) {
	s := c.String(name)
	if s == "" {
		return nil, usagef("%s: --%s is required", commandPath(c), name)
	}
	var out [][]float64
	for r, row := range strings.Split(s, ";") {
		var vals []float64
		for k, f := range strings.Split(row, ",") {
			v, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
			if err != nil {
				return nil, usagef("%s: --%s=%q: row %d entry %d (%q) is not a number", commandPath(c), name, s, r+1, k+1, f)
			}
			vals = append(vals, v)
		}
		out = append(out, vals)
	}
	return out, nil
}

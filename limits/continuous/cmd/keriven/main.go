// Command keriven reproduces the convergence figure of Keriven, Bietti &
// Vaiter (2020) in one latent dimension with continuous.KerivenExperiment:
// a random untrained GCN (widths 1,10,10,10,10,10,1, ReLU, symmetric
// normalisation) on G(n, W, ρ) with W(u,v) = exp(−(u−v)²/(2·0.15²)),
// ρ ∈ {1, n^{−1/4}, n^{−1/2}}, 10 sizes from 10² to 10^3.5 and 30
// repetitions, against its graphon limit on a quadrature grid. It writes the
// node-level and readout figures and a JSON file with every error and the
// fitted slopes. From the repository root:
//
//	go run ./limits/continuous/cmd/keriven
//
// writes docs/keriven_node.png, docs/keriven_readout.png and
// docs/keriven.json. Flags override the setup (-reps, -seed, -panels,
// -nodes, -sizes, -exponents, -out).
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/gnnwb/gnnwb/graphs/aggregation"
	"github.com/gnnwb/gnnwb/internal/atomicfile"
	"github.com/gnnwb/gnnwb/limits/continuous"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "keriven:", err)
		os.Exit(1)
	}
}

func run() error {
	var cfg continuous.KerivenConfig
	out := flag.String("out", "docs", "directory of keriven_node.png, keriven_readout.png and keriven.json")
	flag.IntVar(&cfg.Reps, "reps", 30, "repetitions per (ρ, n)")
	flag.Uint64Var(&cfg.Seed, "seed", 1, "seed of the networks and graphs")
	flag.IntVar(&cfg.Panels, "panels", continuous.DefaultPanels, "quadrature panels of the limit")
	flag.IntVar(&cfg.Nodes, "nodes", continuous.DefaultNodes, "Gauss–Legendre nodes per panel")
	sizes := flag.String("sizes", "", "comma-separated sizes n (default: 10 log-spaced from 10² to 10^3.5)")
	exps := flag.String("exponents", "", "comma-separated sparsity exponents a, ρ = n^-a (default: 0,0.25,0.5)")
	loops := flag.String("loops", "none", "self-loop policy of the GCN layers: none (the paper's D^-1/2 A D^-1/2), add or add-missing")
	flag.Parse()
	var err error
	if cfg.Loops, err = aggregation.ParseLoops(*loops); err != nil {
		return fmt.Errorf("-loops: %w", err)
	}
	if *sizes != "" {
		for _, f := range strings.Split(*sizes, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil {
				return fmt.Errorf("-sizes: %w", err)
			}
			cfg.Sizes = append(cfg.Sizes, n)
		}
	}
	if *exps != "" {
		for _, f := range strings.Split(*exps, ",") {
			a, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
			if err != nil {
				return fmt.Errorf("-exponents: %w", err)
			}
			cfg.Exponents = append(cfg.Exponents, a)
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	start := time.Now()
	last := time.Now()
	cfg.Progress = func(done, total int64) {
		if time.Since(last) > 5*time.Second || done == total {
			last = time.Now()
			fmt.Fprintf(os.Stderr, "keriven: %d/%d cells (%.0fs)\n", done, total, time.Since(start).Seconds())
		}
	}
	res, err := continuous.KerivenExperiment(ctx, cfg)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	if err := res.WritePlots(filepath.Join(*out, "keriven_node.png"), filepath.Join(*out, "keriven_readout.png")); err != nil {
		return err
	}
	js, err := json.MarshalIndent(res, "", " ")
	if err != nil {
		return err
	}
	if err := atomicfile.WriteBytes(filepath.Join(*out, "keriven.json"), append(js, '\n')); err != nil {
		return err
	}
	fmt.Printf("Q = %d quadrature nodes; limit's own error (Q → 2Q): node %.2e, readout %.2e; %.0f s\n",
		res.Q, res.LimitErr.NodeRMS, res.LimitErr.Readout, time.Since(start).Seconds())
	fmt.Println("| ρ | node-level slope (95% CI) | readout slope (95% CI) |")
	fmt.Println("|---|---|---|")
	for _, r := range res.Regimes {
		fmt.Printf("| %s | %.3f [%.3f, %.3f] | %.3f [%.3f, %.3f] |\n", continuous.RhoLabel(r.Exponent),
			r.Node.Slope, r.Node.SlopeCI.Lo, r.Node.SlopeCI.Hi, r.Readout.Slope, r.Readout.SlopeCI.Lo, r.Readout.SlopeCI.Hi)
	}
	return nil
}

package main

import (
	"github.com/gnnwb/gnnwb/graphs/aggregation"
	"github.com/gnnwb/gnnwb/limits"

	"encoding/json"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/gnnwb/gnnwb/generators"
	"github.com/gnnwb/gnnwb/gnn/activation"
	"github.com/gnnwb/gnnwb/gnn/shallow"
	"github.com/gnnwb/gnnwb/internal/atomicfile"
	"github.com/gnnwb/gnnwb/limits/quadrature"
	"github.com/urfave/cli/v2"
)

func init() { commands = append(commands, onlineCommand) }

// The online command: online SGD of the one-hidden-layer network of
// gnn/shallow (docs/mathematics.md §3) on fresh samples of a
// generators.Process, each step one library sampler call; the model whose
// n → ∞ and N → ∞ limits `gnnwb limits` computes.

// onlineCommand is gnnwb online. Until it had its own command it was the
// mode of gnnwb train chosen by --graphon; train refuses its flags with a
// pointer here (trainRejectOnline).
func onlineCommand() *cli.Command {
	return &cli.Command{
		Name:  "online",
		Usage: "train the one-hidden-layer GNN online by SGD on G(n, W, rho), the model whose limits `gnnwb limits` computes",
		UsageText: "gnnwb online --graphon NAME [--nodes N --rho R] [--signal X --target Y] [--aggregation A] [--sampler ego|whole] [--batch-size B]\n" +
			"             [--width N --gamma G --alpha A --time T] [--times T1,T2,...] [--quadrature Q] [--seed S] [--out FILE] [--checkpoint DIR]",
		Description: "Online SGD of the one-hidden-layer network y = N^-gamma sum_k c_k sigma(w_k.x + v_k.m)\n" +
			"(docs/mathematics.md §3) on fresh exact samples of G(n, W, rho) with features X(u), aggregated features\n" +
			"m = S x and targets Y(u); round(T*N) steps, records at --times, evaluation on --quadrature\n" +
			"Gauss-Legendre latents with graphon features. One seed per command (vary --seed). --checkpoint DIR\n" +
			"resumes bit for bit. The limits of this model as n → ∞ and N → ∞ are `gnnwb limits solve`;\n" +
			"`gnnwb limits sweep` compares them with this training over a grid of n and N.",
		Flags:  append(onlineCommonFlags(), onlineFlags()...),
		Action: online,
	}
}

// onlineCommonFlags are the flags online shares by name and meaning with
// gnnwb train.
func onlineCommonFlags() []cli.Flag {
	return []cli.Flag{
		&cli.Uint64Flag{Name: "seed", Value: 1, Usage: "random seed of the initialisation and of the samples"},
		&cli.StringFlag{Name: "out", Usage: "write the report to `FILE` atomically: JSON, or if FILE ends in .csv one row per record, and the outputs at the evaluation latents u in FILE-outputs.csv", DefaultText: "none: the report on stdout only"},
		&cli.StringFlag{Name: "checkpoint", Usage: "checkpoint `DIR`: one file per seed, resumed when present", DefaultText: "none: no checkpoints"},
	}
}

// onlineFlags are the flags of gnnwb online that gnnwb train refuses
// (--seed, --out and --checkpoint are in onlineCommonFlags).
// Their defaults are limits.DefaultProblem's where the limits commands have
// the same flag (the same model and problem).
func onlineFlags() []cli.Flag {
	d := limits.DefaultProblem()
	flags := []cli.Flag{&cli.StringFlag{Name: "graphon", Usage: "train on G(n, W, rho) for the graphon `NAME` (constant:P, product, uniform-attachment, exponential, gaussian:H, sbm:<sizes>:<probs>; required)"}}
	flags = append(flags, nodesFlags(1000, "nodes n of the graph model")...)
	flags = append(flags, []cli.Flag{
		&cli.Float64Flag{Name: "rho", Value: d.Rho, Usage: "sparsity rho in (0,1]"},
		&cli.StringFlag{Name: "signal", Value: d.Signal.String(), Usage: "node features X(u): fourier:K or poly:K"},
		&cli.StringFlag{Name: "target", Value: d.Target.String(), Usage: "target Y(u): poly:c0,c1,..., sin:k or step:a"},
		&cli.Float64Flag{Name: "noise-x", Usage: "standard deviation of the Gaussian noise on each feature"},
		&cli.Float64Flag{Name: "noise-y", Usage: "standard deviation of the Gaussian noise on y"},
		&cli.StringFlag{Name: "aggregation", Value: d.Aggregation.String(), Usage: "m = S x with S graphon (1/(n rho)), sum, mean or symmetric"},
		&cli.StringFlag{Name: "sampler", Value: d.Sampler.String(), Usage: "ego (one node's neighbourhood per sample, O(n rho)) or whole (a fresh whole graph per step; the old name graph still works)"},
	}...)
	flags = append(flags, withOldSpellings(&cli.IntFlag{Name: "batch-size", Value: d.Batch, Usage: "samples B per SGD step (whole sampler: B nodes of one graph, B <= n)"}, "batch")...)
	flags = append(flags, []cli.Flag{
		&cli.IntFlag{Name: "width", Value: 1000, Usage: "hidden units N"},
		&cli.Float64Flag{Name: "gamma", Value: d.Gamma, Usage: "output scaling N^-gamma, gamma in [0.5, 1] (1 mean field, 0.5 kernel)"},
		&cli.Float64Flag{Name: "alpha", Value: d.Alpha, Usage: "learning-rate constant: units move by alpha/N^(2-gamma)"},
		&cli.Float64Flag{Name: "time", Value: 1, Usage: "rescaled training time T; round(T*N) steps"},
		&cli.StringFlag{Name: "times", Usage: "comma-separated times t in [0, T] to record", DefaultText: "0 and T"},
		&cli.StringFlag{Name: "activation", Value: d.Activation.String(), Usage: "sigma: identity, tanh, relu, sigmoid or erf"},
		&cli.StringFlag{Name: "variant", Value: "a", Usage: "model a (aggregate then activate) or b (activate then aggregate; whole sampler only)"},
		&cli.Float64Flag{Name: "sc", Value: d.Sc, Usage: "initial c ~ N(0, sc^2)"},
		&cli.Float64Flag{Name: "sw", Value: d.Sw, Usage: "initial a ~ N(0, sw^2 I/d)"},
		&cli.BoolFlag{Name: "symmetric", Usage: "symmetric initialisation (units in pairs (c,a), (-c,a): output 0 at t = 0; even width)"},
	}...)
	flags = append(flags, withOldSpellings(&cli.IntFlag{Name: "quadrature", Value: 16, Usage: "record outputs and the loss on `Q` Gauss-Legendre latents u_q with graphon features phi(u_q) (0: none; a record only, so fewer than the limits' solver default 48)"}, "eval-points")...)
	return append(flags, &cli.DurationFlag{Name: "checkpoint-every", Value: time.Minute, Usage: "with --checkpoint, also save this often"})
}

// onlineSettings identify an online job: a checkpoint directory of other
// settings is refused. T, the record times and the evaluation set may change
// between a run and its resumption.
type onlineSettings struct {
	Graphon     string  `json:"graphon"`
	N           int     `json:"n"`
	Rho         float64 `json:"rho"`
	Signal      string  `json:"signal"`
	Target      string  `json:"target"`
	NoiseX      float64 `json:"noise_x"`
	NoiseY      float64 `json:"noise_y"`
	Aggregation string  `json:"aggregation"`
	Sampler     string  `json:"sampler"`
	Batch       int     `json:"batch"`
	Width       int     `json:"width"`
	Gamma       float64 `json:"gamma"`
	Alpha       float64 `json:"alpha"`
	Activation  string  `json:"activation"`
	Variant     string  `json:"variant"`
	Sc          float64 `json:"sc"`
	Sw          float64 `json:"sw"`
	Symmetric   bool    `json:"symmetric"`
	Seed        uint64  `json:"seed"`
}

// onlineReport is what --out writes as JSON.
type onlineReport struct {
	Command  string         `json:"command"`
	Settings onlineSettings `json:"settings"`
	Time     float64        `json:"time"`
	EvalU    []float64      `json:"eval_u,omitempty"`
	EvalW    []float64      `json:"eval_weights,omitempty"`
	Run      *shallow.Run   `json:"run"`
}

// online is gnnwb online: flags → process, sampler, evaluation set and
// shallow.Config, then one shallow.Train call.
func online(c *cli.Context) error {
	if !c.IsSet("graphon") {
		return usagef("online: --graphon NAME is required")
	}
	p, err := onlineProcess(c)
	if err != nil {
		return err
	}
	cfg := shallow.DefaultConfig()
	cfg.Width, cfg.Dim, cfg.Gamma, cfg.Alpha = c.Int("width"), p.X.Dim(), c.Float64("gamma"), c.Float64("alpha")
	cfg.Sc, cfg.Sw, cfg.Symmetric, cfg.Seed = c.Float64("sc"), c.Float64("sw"), c.Bool("symmetric"), c.Uint64("seed")
	cfg.Batch, cfg.Time = c.Int("batch-size"), c.Float64("time")
	if cfg.Activation, err = activation.Parse(c.String("activation")); err != nil {
		return usagef("online: --activation=%q: %v", c.String("activation"), err)
	}
	if cfg.Activation == activation.ELU {
		return usagef("online: --activation=%q: the one-hidden-layer model takes identity, tanh, relu, sigmoid or erf", c.String("activation"))
	}
	if cfg.Variant, err = shallow.ParseVariant(c.String("variant")); err != nil {
		return usagef("online: --variant=%q: %v", c.String("variant"), err)
	}
	cfg.Times = []float64{0, cfg.Time}
	if c.IsSet("times") {
		if cfg.Times, err = parseFloatList(c.String("times")); err != nil {
			return usagef("online: --times=%q: %v", c.String("times"), err)
		}
	}
	cfg.CheckpointEvery = c.Duration("checkpoint-every")
	if err := cfg.Validate(); err != nil {
		return fmt.Errorf("online: %w", err)
	}
	sampling, err := parseSampler(c.String("sampler"))
	if err != nil {
		return usagef("online: --sampler=%q: %v", c.String("sampler"), err)
	}
	var sampler shallow.Sampler
	switch sampling {
	case limits.EgoSampling:
		if p.Aggregation.Norm == aggregation.Symmetric {
			return usagef("online: --aggregation=%s needs --sampler=whole (the neighbours' degrees are dependent; the ego sampler cannot draw them exactly)", p.Aggregation)
		}
		if cfg.Variant == shallow.ModelB {
			return usagef("online: --variant=b needs --sampler=whole (the ego sampler draws one hop; model B needs the neighbours' own m_j)")
		}
		sampler, err = generators.NewEgoSampler(p, cfg.Batch)
	default:
		sampler, err = generators.NewWholeGraphSampler(p, cfg.Batch)
	}
	if err != nil {
		return fmt.Errorf("online: %w", err)
	}
	var evalU, evalW []float64
	if q := c.Int("quadrature"); q != 0 {
		var rule quadrature.Rule
		if cfg.Eval, rule, err = limits.EvalSet(p, cfg.Variant, q); err != nil {
			return fmt.Errorf("online: --quadrature=%d: %w", q, err)
		}
		evalU, evalW = rule.U, rule.Omega
		cfg.EvalWeights = evalW
	}
	settings := onlineSettings{Graphon: p.W.String(), N: p.N, Rho: p.Rho, Signal: p.X.String(), Target: p.Y.String(),
		NoiseX: p.NoiseX, NoiseY: p.NoiseY, Aggregation: p.Aggregation.String(), Sampler: sampling.String(),
		Batch: cfg.Batch, Width: cfg.Width, Gamma: cfg.Gamma, Alpha: cfg.Alpha, Activation: cfg.Activation.String(),
		Variant: cfg.Variant.String(), Sc: cfg.Sc, Sw: cfg.Sw, Symmetric: cfg.Symmetric, Seed: cfg.Seed}
	if dir := c.String("checkpoint"); dir != "" {
		if err := checkpointSettings(dir, trainReport{Dataset: settings.Graphon, Model: "asymptotic", Task: "online", Config: settings}); err != nil {
			return err
		}
		cfg.Checkpoint = filepath.Join(dir, fmt.Sprintf("online-seed%d.ckpt", cfg.Seed))
		cfg.Resume = true
	}
	bar := newProgress(c, fmt.Sprintf("online %s n=%d N=%d", settings.Graphon, p.N, cfg.Width))
	cfg.Progress = bar.Update
	start := time.Now()
	run, err := shallow.Train(c.Context, cfg, sampler)
	bar.Done()
	if err != nil {
		return trainErr(c, err)
	}
	if err := writeOnlineText(c.App.Writer, settings, run, time.Since(start)); err != nil {
		return err
	}
	out := c.String("out")
	switch {
	case out == "":
		return nil
	case strings.EqualFold(filepath.Ext(out), ".csv"):
		if err := run.WriteCSV(out); err != nil {
			return err
		}
		if len(evalU) == 0 {
			return nil
		}
		return run.WriteOutputsCSV(strings.TrimSuffix(out, filepath.Ext(out))+"-outputs"+filepath.Ext(out), evalU)
	}
	rep := onlineReport{Command: commandLine(c), Settings: settings, Time: cfg.Time, EvalU: evalU, EvalW: evalW, Run: run}
	return atomicfile.Write(out, func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	})
}

// onlineProcess reads the process flags.
func onlineProcess(c *cli.Context) (generators.Process, error) {
	var p generators.Process
	var err error
	if p.W, err = generators.ParseGraphon(c.String("graphon")); err != nil {
		return p, usagef("online: --graphon=%q: %v", c.String("graphon"), err)
	}
	if p.X, err = generators.ParseSignal(c.String("signal")); err != nil {
		return p, usagef("online: --signal=%q: %v", c.String("signal"), err)
	}
	if p.Y, err = generators.ParseTarget(c.String("target")); err != nil {
		return p, usagef("online: --target=%q: %v", c.String("target"), err)
	}
	if p.N, err = nodes(c, false); err != nil {
		return p, err
	}
	p.Rho = c.Float64("rho")
	p.NoiseX, p.NoiseY = c.Float64("noise-x"), c.Float64("noise-y")
	if p.Aggregation, err = aggregation.Parse(c.String("aggregation")); err != nil {
		return p, usagef("online: --aggregation: %v", err)
	}
	if err := p.Validate(); err != nil {
		return p, fmt.Errorf("online: %w", err)
	}
	return p, nil
}

// parseSampler parses --sampler: ego or whole, as limits.ParseSampling, or
// graph, the old name of whole in gnnwb online (once train --graphon).
func parseSampler(name string) (limits.Sampling, error) {
	if strings.EqualFold(name, "graph") {
		name = "whole"
	}
	return limits.ParseSampling(name)
}

// parseFloatList parses "0,0.5,1".
func parseFloatList(s string) ([]float64, error) {
	var out []float64
	for _, t := range strings.Split(s, ",") {
		x, err := strconv.ParseFloat(strings.TrimSpace(t), 64)
		if err != nil {
			return nil, fmt.Errorf("%q is not a number", strings.TrimSpace(t))
		}
		out = append(out, x)
	}
	return out, nil
}

// writeOnlineText prints the settings and one line per record.
func writeOnlineText(w io.Writer, s onlineSettings, run *shallow.Run, el time.Duration) error {
	fmt.Fprintf(w, "online SGD on G(n=%d, W=%s, rho=%v), X=%s, Y=%s, %s aggregation, %s sampler, B=%d\n",
		s.N, s.Graphon, s.Rho, s.Signal, s.Target, s.Aggregation, s.Sampler, s.Batch)
	fmt.Fprintf(w, "model %s: N=%d gamma=%v sigma=%s alpha=%v seed=%d: %d steps in %v (%.0f steps/s)\n",
		s.Variant, s.Width, s.Gamma, s.Activation, s.Alpha, s.Seed, run.Steps, el.Round(time.Millisecond), float64(run.Steps)/math.Max(el.Seconds(), 1e-9))
	fmt.Fprintf(w, "%10s %10s %14s %14s\n", "t", "step", "batch loss", "eval loss")
	for _, r := range run.Records {
		if _, err := fmt.Fprintf(w, "%10.4g %10d %14.6g %14.6g\n", r.T, r.Step, r.MeanBatchLoss, r.EvalLoss); err != nil {
			return err
		}
	}
	return nil
}

package train

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"

	"github.com/gnnwb/gnnwb/gnn"
	"github.com/gnnwb/gnnwb/graphs"
)

// Split is one partition of sample indices (nodes or graphs) into
// training, validation and test parts. It has the fields of
// datasets.Fold, so a fold converts with train.Split(fold).
type Split struct {
	Train, Val, Test []int32
}

// RunStats is the outcome of one training run of RepeatNodes or
// CrossValidate: its fold, seed, accuracies, metric and epochs. Its JSON
// form has the keys of the tags; metric, test_metric and val_metric only
// when Metric is not MetricAccuracy; in regression (MetricMAE)
// test_loss and val_loss (the mean squared errors) and no accuracies.
type RunStats struct {
	Fold      int     `json:"fold"` // outer fold (0 for RepeatNodes)
	Seed      uint64  `json:"seed"`
	TestAcc   float64 `json:"test_acc"`
	ValAcc    float64 `json:"val_acc"`
	Epochs    int     `json:"epochs"`     // epochs run
	BestEpoch int     `json:"best_epoch"` // by the configuration's Select
	Stopped   bool    `json:"stopped"`    // early stopping triggered
	// TestCurve is the test accuracy (the test Metric) after every epoch
	// (CrossValidate only), for Summary.CurveMax.
	TestCurve []float64 `json:"test_curve,omitempty"`
	// Metric is the configuration's; TestMetric and ValMetric its values
	// at the epoch of TestAcc and ValAcc.
	Metric     Metric  `json:"metric,omitempty"`
	TestMetric float64 `json:"test_metric"`
	ValMetric  float64 `json:"val_metric"`
	// TestLoss and ValLoss are the losses at the epoch of TestAcc.
	TestLoss float64 `json:"test_loss"`
	ValLoss  float64 `json:"val_loss"`
	// History is the run's per-epoch losses, accuracies and metric, kept
	// when the configuration's KeepHistory is set (nil otherwise).
	History []EpochStats `json:"history,omitempty"`
	// Collapse, if not nil, says that the run collapsed (see Collapse).
	Collapse *Collapse `json:"collapse,omitempty"`
	// Model is the run's trained model (the best epoch's parameters with
	// RestoreBest), kept when the configuration's KeepModels is set (nil
	// otherwise); not in JSON.
	Model *gnn.Model `json:"-"`
}

// Summary aggregates the runs of RepeatNodes or CrossValidate.
//
// Metric is the runs' metric. TestMean, TestStd, ValMean, ValStd, SeedStd
// and the curve figures are of the test and validation accuracies for
// MetricAccuracy (the zero value, left out of JSON) and of the metric
// otherwise, when TestAcc gives the test accuracy's mean and std.
//
// TestMean and ValMean are the means over all runs. TestStd and ValStd are
// sample standard deviations (divisor m−1, 0 when m = 1) over m groups:
// for RepeatNodes the m = runs seeds; for CrossValidate the m = folds outer
// folds, each fold contributing the mean over its seeds (the mean ± std
// over folds that Errica et al. 2020 and Xu et al. 2019 report).
//
// SeedStd is the sample standard deviation over seeds of each seed's mean
// test accuracy over the folds: the spread due to initialisation and
// dropout alone (equal to TestStd for RepeatNodes).
type Summary struct {
	Runs     []RunStats `json:"runs"`
	Metric   Metric     `json:"metric,omitempty"`
	TestMean float64    `json:"test_mean"`
	TestStd  float64    `json:"test_std"`
	ValMean  float64    `json:"val_mean"`
	ValStd   float64    `json:"val_std"`
	SeedStd  float64    `json:"seed_std"`

	// CurveMax is the protocol of Xu et al. (2019) for cross-validation
	// (runs with a TestCurve): the test accuracy averaged over all runs
	// epoch by epoch, at the epoch CurveEpoch (0-based) where that mean is
	// largest, over the epochs every run reached; CurveStd is its std over
	// folds, as TestStd. The epoch is chosen on the test folds, so CurveMax
	// is an optimistic estimate (Errica et al. 2020), reported only to
	// compare with published numbers obtained this way.
	CurveMax   float64 `json:"curve_max,omitempty"`
	CurveStd   float64 `json:"curve_std,omitempty"`
	CurveEpoch int     `json:"curve_epoch,omitempty"`

	// Collapsed counts the runs whose training collapsed (RunStats.Collapse).
	// They are not left out of TestMean and TestStd, which stay the
	// protocol's figures over every run (a collapse is an outcome of the
	// recipe, and leaving it out would flatter it); Healthy gives the same
	// figures over the other runs, nil when no run collapsed.
	Collapsed int     `json:"collapsed,omitempty"`
	Healthy   *Spread `json:"healthy,omitempty"`

	// TestAcc is the test accuracy over every run when Metric is a
	// classification metric other than MetricAccuracy (nil otherwise).
	TestAcc *Spread `json:"test_acc,omitempty"`
	// TestLoss is the test loss (the mean squared error) over every run in
	// regression (nil otherwise).
	TestLoss *Spread `json:"test_loss,omitempty"`
}

// Spread is a mean and standard deviation over Runs runs, the test
// figures TestMean and TestStd of a Summary restricted to some of its
// runs (the std grouped by fold in the same way).
type Spread struct {
	Runs int     `json:"runs"`
	Mean float64 `json:"mean"`
	Std  float64 `json:"std"`
}

// meanStd returns the mean and the sample standard deviation of x.
func meanStd(x []float64) (mean, std float64) {
	if len(x) == 0 {
		return 0, 0
	}
	for _, v := range x {
		mean += v
	}
	mean /= float64(len(x))
	if len(x) < 2 {
		return mean, 0
	}
	var ss float64
	for _, v := range x {
		ss += (v - mean) * (v - mean)
	}
	return mean, math.Sqrt(ss / float64(len(x)-1))
}

// summarise groups runs by fold (groups consecutive runs of equal Fold)
// and counts the collapsed runs.
func summarise(runs []RunStats) Summary {
	s := spread(runs)
	var healthy []RunStats
	for _, r := range runs {
		if r.Collapse != nil {
			s.Collapsed++
		} else {
			healthy = append(healthy, r)
		}
	}
	if s.Collapsed > 0 {
		s.Healthy = &Spread{Runs: len(healthy)}
		if len(healthy) > 0 {
			h := spread(healthy)
			s.Healthy.Mean, s.Healthy.Std = h.TestMean, h.TestStd
		}
	}
	if s.Metric != MetricAccuracy {
		acc := make([]RunStats, len(runs))
		for k, r := range runs {
			acc[k] = RunStats{Fold: r.Fold, Seed: r.Seed, TestAcc: r.TestAcc, ValAcc: r.ValAcc}
			if s.Metric.regression() {
				acc[k].TestAcc, acc[k].ValAcc = r.TestLoss, r.ValLoss
			}
		}
		a := spread(acc)
		sp := &Spread{Runs: len(runs), Mean: a.TestMean, Std: a.TestStd}
		if s.Metric.regression() {
			s.TestLoss = sp
		} else {
			s.TestAcc = sp
		}
	}
	return s
}

// scores returns the test and validation figures of r that a Summary
// aggregates: its accuracies, or its Metric's values.
func (r RunStats) scores() (test, val float64) {
	if r.Metric == MetricAccuracy {
		return r.TestAcc, r.ValAcc
	}
	return r.TestMetric, r.ValMetric
}

// spread is summarise without the collapse counts.
func spread(runs []RunStats) Summary {
	s := Summary{Runs: runs}
	if len(runs) > 0 {
		s.Metric = runs[0].Metric
	}
	var test, val []float64
	var gt, gv []float64
	for k, r := range runs {
		rt, rv := r.scores()
		gt, gv = append(gt, rt), append(gv, rv)
		s.TestMean += rt / float64(len(runs))
		s.ValMean += rv / float64(len(runs))
		if k == len(runs)-1 || runs[k+1].Fold != r.Fold {
			mt, _ := meanStd(gt)
			mv, _ := meanStd(gv)
			test, val = append(test, mt), append(val, mv)
			gt, gv = gt[:0], gv[:0]
		}
	}
	if len(test) == 1 { // one fold: spread over seeds
		test, val = nil, nil
		for _, r := range runs {
			rt, rv := r.scores()
			test, val = append(test, rt), append(val, rv)
		}
	}
	_, s.TestStd = meanStd(test)
	_, s.ValStd = meanStd(val)
	// Per-seed means over folds, seeds in order of first appearance.
	var seeds []uint64
	sum := map[uint64]float64{}
	cnt := map[uint64]int{}
	for _, r := range runs {
		if cnt[r.Seed] == 0 {
			seeds = append(seeds, r.Seed)
		}
		rt, _ := r.scores()
		sum[r.Seed] += rt
		cnt[r.Seed]++
	}
	per := make([]float64, len(seeds))
	for k, sd := range seeds {
		per[k] = sum[sd] / float64(cnt[sd])
	}
	_, s.SeedStd = meanStd(per)
	s.CurveMax, s.CurveStd, s.CurveEpoch = curveMax(runs)
	return s
}

// curveMax returns Summary.CurveMax, CurveStd and CurveEpoch of runs
// (zeros unless every run has a TestCurve).
func curveMax(runs []RunStats) (best, std float64, epoch int) {
	length := -1
	for _, r := range runs {
		if len(r.TestCurve) == 0 {
			return 0, 0, 0
		}
		if length < 0 || len(r.TestCurve) < length {
			length = len(r.TestCurve)
		}
	}
	if length <= 0 {
		return 0, 0, 0
	}
	best = math.Inf(-1)
	for e := range length {
		var m float64
		for _, r := range runs {
			m += r.TestCurve[e]
		}
		if m /= float64(len(runs)); m > best {
			best, epoch = m, e
		}
	}
	at := make([]RunStats, len(runs))
	for k, r := range runs {
		at[k] = RunStats{Fold: r.Fold, Seed: r.Seed, TestAcc: r.TestCurve[epoch]} // the metric's curve: its std alike
	}
	return best, spread(at).TestStd, epoch
}

// progressOf maps the progress of run r of m onto the whole job.
func progressOf(p func(done, total int64), r, m int) func(done, total int64) {
	if p == nil {
		return nil
	}
	return func(done, total int64) { p(int64(r)*total+done, int64(m)*total) }
}

// runPath is the checkpoint file of one run under dir ("" when dir is "").
func runPath(dir string, fold int, seed uint64) string {
	if dir == "" {
		return ""
	}
	return filepath.Join(dir, fmt.Sprintf("fold%02d-seed%d.ckpt", fold, seed))
}

// RepeatNodes runs Nodes runs times on the same graph, features,
// targets (labels or regression values) and split, with seeds cfg.Seed, cfg.Seed+1, …, cfg.Seed+runs−1,
// one after the other, and returns every run and the mean ± std of the
// test and validation accuracies over seeds. x, y and the split are kept,
// not copied.
//
// checkpointDir, if not empty, is created if needed and holds one
// checkpoint per run ("fold00-seed<S>.ckpt"; cfg.CheckpointPath and
// cfg.Resume are ignored): an existing checkpoint is resumed, so a run
// that finished returns its result at once and an interrupted job,
// started again with the same arguments, continues where it stopped and
// gives the same bits. cfg.Progress, if set, sees the progress of the
// whole job. When ctx is cancelled the current run saves its checkpoint
// and the error wraps ctx.Err(). Errors wrap graphs.ErrParameter for
// runs < 1, else as Nodes. Cost: runs × Nodes.
func RepeatNodes[T Target](ctx context.Context, cfg NodeConfig, runs int, checkpointDir string, g graphs.Graph, x gnn.Features, y []T, split Split) (Summary, error) {
	if err := checkRuns("RepeatNodes", runs, cfg.Epochs, cfg.KeepHistory); err != nil {
		return Summary{}, err
	}
	if err := makeDir(checkpointDir); err != nil {
		return Summary{}, err
	}
	progress := cfg.Progress
	out := make([]RunStats, 0, runs)
	for r := range runs {
		c := cfg
		c.Seed = cfg.Seed + uint64(r)
		c.CheckpointPath, c.Resume = runPath(checkpointDir, 0, c.Seed), checkpointDir != ""
		c.Progress = progressOf(progress, r, runs)
		res, err := Nodes(ctx, c, g, x, y, split.Train, split.Val, split.Test)
		if err != nil {
			return Summary{}, fmt.Errorf("train: RepeatNodes: seed %d: %w", c.Seed, err)
		}
		rs := runStats(0, c.Seed, res, nil)
		if cfg.KeepHistory {
			rs.History = res.History
		}
		if cfg.KeepModels {
			rs.Model = res.Model
		}
		if cfg.OnRun != nil {
			cfg.OnRun(rs, r, runs)
		}
		out = append(out, rs)
	}
	return summarise(out), nil
}

// CrossValidate runs Graphs on every split of folds (usually the
// k-fold splits of datasets.StratifiedFolds, converted with train.Split),
// runs times per fold with seeds cfg.Seed … cfg.Seed+runs−1: each run
// trains on the fold's Train graphs, selects the epoch on its Val graphs
// (cfg.Select, cfg.RestoreBest) and reports the accuracy on its Test
// graphs. The Summary's std is over folds. Graphs, X and y are as
// Graphs and are kept, not copied.
//
// checkpointDir works as in RepeatNodes (one file "fold<F>-seed<S>.ckpt"
// per run). Errors wrap graphs.ErrParameter for no folds or runs < 1,
// else as Graphs. Cost: len(folds) × runs × Graphs.
func CrossValidate[T Target](ctx context.Context, cfg GraphConfig, folds []Split, runs int, checkpointDir string, gs []graphs.Graph, X []float64, y []T) (Summary, error) {
	if len(folds) == 0 {
		return Summary{}, fmt.Errorf("train: CrossValidate: no folds: %w", graphs.ErrParameter)
	}
	if err := checkRuns("CrossValidate", runs, cfg.Epochs, cfg.KeepHistory); err != nil {
		return Summary{}, err
	}
	if len(folds) > 1<<20 {
		return Summary{}, fmt.Errorf("train: CrossValidate: %d folds: %w", len(folds), graphs.ErrTooLarge)
	}
	if err := makeDir(checkpointDir); err != nil {
		return Summary{}, err
	}
	progress := cfg.Progress
	m := len(folds) * runs
	out := make([]RunStats, 0, m)
	for f, sp := range folds {
		for r := range runs {
			c := cfg
			c.Seed = cfg.Seed + uint64(r)
			c.CheckpointPath, c.Resume = runPath(checkpointDir, f, c.Seed), checkpointDir != ""
			c.Progress = progressOf(progress, f*runs+r, m)
			res, err := Graphs(ctx, c, gs, X, y, sp.Train, sp.Val, sp.Test)
			if err != nil {
				return Summary{}, fmt.Errorf("train: CrossValidate: fold %d seed %d: %w", f, c.Seed, err)
			}
			var curve []float64
			if res.Metric != MetricMAE { // a curve maximum is for scores, not errors
				curve = make([]float64, len(res.History))
				for e, h := range res.History {
					curve[e] = h.TestAcc
					if res.Metric != MetricAccuracy {
						curve[e] = h.TestMetric
					}
				}
			}
			rs := runStats(f, c.Seed, res, curve)
			if cfg.KeepHistory {
				rs.History = res.History
			}
			if cfg.KeepModels {
				rs.Model = res.Model
			}
			if cfg.OnRun != nil {
				cfg.OnRun(rs, f*runs+r, m)
			}
			out = append(out, rs)
		}
	}
	return summarise(out), nil
}

// runStats is the RunStats of res, fold f, seed seed, with a test curve.
func runStats(f int, seed uint64, res Result, curve []float64) RunStats {
	return RunStats{Fold: f, Seed: seed, TestAcc: res.TestAcc, ValAcc: res.ValAcc, Epochs: res.Epochs, BestEpoch: res.BestEpoch,
		Stopped: res.Stopped, TestCurve: curve, Collapse: res.Collapse, Metric: res.Metric,
		TestMetric: res.TestMetric, ValMetric: res.ValMetric, TestLoss: res.TestLoss, ValLoss: res.ValLoss}
}

func makeDir(dir string) error {
	if dir == "" {
		return nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("train: checkpoint directory: %w", err)
	}
	return nil
}

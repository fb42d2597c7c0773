package train

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/gnnwb/gnnwb/gnn"
	"github.com/gnnwb/gnnwb/gnn/optim"
	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/internal/parallel"
)

// StopRule chooses when training on a fixed graph stops early.
type StopRule int

const (
	// StopNone runs every epoch.
	StopNone StopRule = iota
	// StopWindow is Kipf & Welling's rule (their train.py, early_stopping =
	// Window): after epoch e > Window, stop when the validation loss exceeds
	// the mean of the Window previous validation losses.
	StopWindow
	// StopPatience stops when the selection criterion (Select) has not
	// improved for Patience epochs (PyTorch Geometric examples, GAT's code).
	StopPatience
)

// Select chooses the criterion for the best epoch.
type Select int

const (
	// SelectValAcc keeps the epoch with the highest validation accuracy,
	// ties broken by the lower validation loss.
	SelectValAcc Select = iota
	// SelectValLoss keeps the epoch with the lowest validation loss.
	SelectValLoss
	// SelectValMetric keeps the epoch with the best validation Metric (the
	// highest; the lowest for MetricMAE, an error), ties broken by the
	// lower validation loss; an epoch whose validation metric is undefined
	// (NaN) is never the best.
	SelectValMetric
)

// NodeConfig configures Nodes. DefaultNodeConfig gives Kipf
// & Welling's settings.
type NodeConfig struct {
	Kind        string // gcn, sage, gin, gat
	Hidden      int
	Model       gnn.ModelOptions
	Epochs      int
	LR          float64 // learning rate of the default optimiser, > 0
	WeightDecay float64 // L2 weight decay of the default optimiser, ≥ 0
	Seed        uint64

	// Optimizer, if set, makes the optimiser of a run from the model's
	// parameters, once per run; nil means Adam with LR and WeightDecay
	// (optim.NewAdam). Checkpoints store its optim.State, so a run resumes
	// only with an optimiser of the same kind.
	Optimizer func(params []gnn.Param) optim.Optimizer

	// Metric is reported for every epoch and run besides the accuracy
	// (EpochStats, Result, RunStats) and chosen on by SelectValMetric.
	// MetricROCAUC and MetricAP need two classes; regression reports
	// MetricMAE (also for the zero value, MetricAccuracy).
	Metric Metric

	Stop     StopRule
	Window   int // StopWindow
	Patience int // StopPatience
	Select   Select
	// RestoreBest puts back the parameters of the best epoch (by Select) at
	// the end; Result.TestAcc is then the best epoch's test accuracy.
	// Otherwise it is the last epoch's, as in Kipf & Welling's code.
	RestoreBest bool

	// SparseFeatures chooses the form of the input features when the first
	// layer takes sparse input: 0 auto (sparse features stay sparse, dense
	// ones become sparse when at most 10% of their entries are nonzero),
	// 1 always sparse, −1 always dense.
	SparseFeatures int

	// CheckpointPath, if set, receives a checkpoint every CheckpointEvery
	// epochs (0: never by count), every CheckpointSeconds seconds (0: never
	// by time), at the end and when ctx is cancelled. With Resume, an
	// existing checkpoint is loaded and training continues from it, giving
	// the same bits as an uninterrupted run.
	CheckpointPath    string
	CheckpointEvery   int
	CheckpointSeconds float64
	Resume            bool

	// Progress, if set, is called after every epoch with (epochs done,
	// Epochs), from the calling goroutine.
	Progress func(done, total int64)

	// KeepHistory makes RepeatNodes (CrossValidate, for GraphConfig) keep
	// every run's per-epoch History in RunStats.History, and so in the
	// Summary's JSON.
	KeepHistory bool
	// KeepModels makes RepeatNodes (CrossValidate, for GraphConfig) keep
	// every run's trained model in RunStats.Model, for gnn.Trained.Save;
	// each holds its parameters and the buffers of its last forward pass.
	KeepModels bool

	// OnRun, if set, is called by RepeatNodes (CrossValidate, for
	// GraphConfig) with each run's result as soon as the run ends, with
	// the run's index (0-based, in the order of the Summary's Runs) and
	// the number of runs, from the calling goroutine.
	OnRun func(run RunStats, index, runs int)
}

// DefaultNodeConfig returns Kipf & Welling's (2017) settings for kind:
// hidden 16, dropout 0.5, Adam lr 0.01, weight decay 5e-4 on the first
// layer, 200 epochs, window early stopping 10, seed 1. For gat, Veličković
// et al.'s: 8 heads of 8 channels, dropout and attention dropout 0.6, lr
// 0.005, patience 100 on validation loss, best parameters restored.
func DefaultNodeConfig(kind string) NodeConfig {
	c := NodeConfig{Kind: kind, Hidden: 16, Model: gnn.ModelOptions{Dropout: 0.5}, Epochs: 200, LR: 0.01,
		WeightDecay: 5e-4, Seed: 1, Stop: StopWindow, Window: 10}
	if kind == gnn.KindGAT {
		c.Hidden, c.LR = 8, 0.005
		c.Model = gnn.ModelOptions{Dropout: 0.6, AttnDropout: 0.6, Heads: 8, DecayAll: true}
		c.Stop, c.Patience, c.Select, c.RestoreBest = StopPatience, 100, SelectValLoss, true
	}
	return c
}

// EpochStats is one epoch of training: the training loss of the step
// (dropout active) and evaluation-mode losses, accuracies and values of the
// configuration's Metric (equal to the accuracies for MetricAccuracy; NaN
// where undefined, as a ROC-AUC on samples of one class).
//
// In JSON (RunStats.History) an epoch has the keys of the tags, the
// accuracies only in classification and non-finite numbers as null.
type EpochStats struct {
	Epoch       int     `json:"epoch"`
	TrainLoss   float64 `json:"train_loss"`
	TrainAcc    float64 `json:"train_acc"`
	ValLoss     float64 `json:"val_loss"`
	ValAcc      float64 `json:"val_acc"`
	TestLoss    float64 `json:"test_loss"`
	TestAcc     float64 `json:"test_acc"`
	TrainMetric float64 `json:"train_metric"`
	ValMetric   float64 `json:"val_metric"`
	TestMetric  float64 `json:"test_metric"`
}

// Result is the outcome of Nodes or Graphs.
type Result struct {
	History   []EpochStats
	BestEpoch int     // by Select
	Epochs    int     // epochs run
	Stopped   bool    // early stopping triggered
	TestAcc   float64 // see NodeConfig.RestoreBest
	ValAcc    float64
	// TestMetric and ValMetric are the run's metric (the configuration's,
	// MetricMAE in regression), TestLoss and ValLoss the losses, at the
	// epoch of TestAcc and ValAcc.
	TestMetric, ValMetric float64
	TestLoss, ValLoss     float64
	Metric                Metric // the metric reported
	Model                 *gnn.Model
	// Collapse, if not nil, says that training collapsed (see Collapse).
	Collapse *Collapse
}

// newOptimizer returns the optimiser of a run: mk(ps), or Adam with lr and
// weightDecay when mk is nil. Errors wrap graphs.ErrParameter when mk
// returns nil.
func newOptimizer(fn string, mk func([]gnn.Param) optim.Optimizer, ps []gnn.Param, lr, weightDecay float64) (optim.Optimizer, error) {
	if mk == nil {
		return optim.NewAdam(lr, weightDecay), nil
	}
	if o := mk(ps); o != nil {
		return o, nil
	}
	return nil, fmt.Errorf("train: %s: Optimizer returned nil: %w", fn, graphs.ErrParameter)
}

// stepKey is the randomness key of optimiser step t: stream (seed, t).
func stepKey(seed uint64, t int) uint64 {
	return parallel.Mix(parallel.Mix(seed) + uint64(t))
}

func checkIndex(fn, what string, idx []int32, n int) error {
	for _, i := range idx {
		if i < 0 || int(i) >= n {
			return fmt.Errorf("train: %s: %s index %d not in [0,%d): %w", fn, what, i, n, graphs.ErrNodeID)
		}
	}
	return nil
}

// Nodes trains a node classifier or regressor full-batch on the fixed
// graph g with features x (dense n×d row-major, d = len(x.Dense)/n, or
// sparse n×d; kept, not copied; cfg.SparseFeatures chooses the form the
// first layer reads) and targets y: class labels ([]int32 in [0, C),
// C = max label + 1: the model has C outputs and minimises the softmax
// cross-entropy) or real values ([]float64, k = len(y)/n per node, read
// only for the listed nodes, which must be finite: the model has k outputs
// and minimises the mean squared error, MeanSquaredError), over the train
// nodes with cfg.Optimizer (Adam by default). After every step it
// evaluates (dropout off) the validation and test losses, accuracies and
// metric (in regression: no accuracy, the mean absolute error); early
// stopping and the best epoch follow cfg.Stop and cfg.Select (in
// regression SelectValAcc means SelectValLoss). A collapse is reported in
// Result.Collapse (see Collapse); a non-finite training loss ends the run
// after its epoch.
//
// Step t (0-based epoch) draws its dropout masks from the stream (Seed, t),
// so the run is bit-identical for any GOMAXPROCS and across checkpoint and
// resume. When ctx is cancelled, Nodes writes a checkpoint (if
// CheckpointPath is set) after the last completed epoch and returns an error
// wrapping ctx.Err(). Without validation nodes, early stopping and the best
// epoch are disabled (TestAcc is the last epoch's). Other errors wrap
// graphs.ErrShape, ErrParameter,
// ErrNodeID or ErrFormat (a bad checkpoint file). Cost per epoch: two
// forward passes and one backward pass.
func Nodes[T Target](ctx context.Context, cfg NodeConfig, g graphs.Graph, x gnn.Features, y []T, train, val, test []int32) (Result, error) {
	const fn = "Nodes"
	n := g.NumNodes()
	d, err := x.Cols(n)
	if err != nil {
		return Result{}, fmt.Errorf("train: %s: %w", fn, err)
	}
	tg, metric, err := newTargets(fn, y, n, cfg.Metric, train, val, test)
	if err != nil {
		return Result{}, err
	}
	C := tg.out
	for _, s := range []struct {
		name string
		idx  []int32
	}{{"train", train}, {"val", val}, {"test", test}} {
		if err := checkIndex(fn, s.name, s.idx, n); err != nil {
			return Result{}, err
		}
	}
	if len(train) == 0 {
		return Result{}, fmt.Errorf("train: %s: empty training set: %w", fn, graphs.ErrParameter)
	}
	if err := cfg.Validate(n, d); err != nil {
		return Result{}, err
	}
	if cfg.Resume && cfg.CheckpointPath == "" {
		return Result{}, fmt.Errorf("train: %s: Resume without CheckpointPath: %w", fn, graphs.ErrParameter)
	}
	model, err := gnn.NewModel(cfg.Kind, d, cfg.Hidden, C, cfg.Model)
	if err != nil {
		return Result{}, err
	}
	model.Init(cfg.Seed)
	feat, err := model.Input(x, n, cfg.SparseFeatures)
	if err != nil {
		return Result{}, err
	}
	ps := model.Params()
	opt, err := newOptimizer(fn, cfg.Optimizer, ps, cfg.LR, cfg.WeightDecay)
	if err != nil {
		return Result{}, err
	}
	st, save, err := startCheckpoint(cfg.CheckpointPath, cfg.Resume, tg.task("nodes"), cfg.Kind, cfg.Seed, ps, opt)
	if err != nil {
		return Result{}, err
	}
	st.accuracyMetric(metric)
	st.metric = metric
	sel := tg.selection(cfg.Select)
	evaluated := append(append([]int32(nil), val...), test...)
	b := gnn.NewBatch(g)
	logits := make([]float64, n*C)
	grad := make([]float64, n*C)
	last := time.Now()
	stopped := st.Stopped
	for st.Epoch < cfg.Epochs && !stopped && !st.Halted {
		if err := ctx.Err(); err != nil {
			if serr := save(); serr != nil {
				return Result{}, serr
			}
			return Result{}, fmt.Errorf("train: %s: cancelled after epoch %d: %w", fn, st.Epoch, err)
		}
		e := st.Epoch
		b.Train, b.Key = true, stepKey(cfg.Seed, e)
		optim.ZeroGrad(ps)
		if err := model.Forward(logits, feat, b); err != nil {
			return Result{}, err
		}
		loss, err := tg.loss(grad, logits, train)
		if err != nil {
			return Result{}, err
		}
		es := EpochStats{Epoch: e, TrainLoss: loss}
		if st.Step == 0 {
			st.Loss0 = loss
		}
		if err := model.Backward(grad, b); err != nil {
			return Result{}, err
		}
		if err := opt.Step(ps); err != nil {
			return Result{}, err
		}
		b.Train = false
		if err := model.Forward(logits, feat, b); err != nil {
			return Result{}, err
		}
		es.TrainAcc = tg.accuracy(logits, train)
		es.TrainMetric = tg.score(metric, logits, train)
		if len(val) > 0 { // nil rows would mean all rows
			es.ValLoss, _ = tg.loss(grad, logits, val)
			es.ValAcc = tg.accuracy(logits, val)
			es.ValMetric = tg.score(metric, logits, val)
		}
		if len(test) > 0 {
			es.TestLoss, _ = tg.loss(grad, logits, test)
			es.TestAcc = tg.accuracy(logits, test)
			es.TestMetric = tg.score(metric, logits, test)
		}
		st.History = append(st.History, es)
		if len(val) > 0 {
			stopped = st.update(es, sel, cfg.Stop, cfg.Window, cfg.Patience, ps, cfg.RestoreBest)
		}
		st.watch(es, len(evaluated) > 0 && tg.constant(logits, evaluated))
		st.Stopped = stopped
		st.Epoch++
		st.Step++
		if cfg.Progress != nil {
			cfg.Progress(int64(st.Epoch), int64(cfg.Epochs))
		}
		if cfg.CheckpointPath != "" && ((cfg.CheckpointEvery > 0 && st.Epoch%cfg.CheckpointEvery == 0) ||
			(cfg.CheckpointSeconds > 0 && time.Since(last).Seconds() >= cfg.CheckpointSeconds)) {
			if err := save(); err != nil {
				return Result{}, err
			}
			last = time.Now()
		}
	}
	if cfg.CheckpointPath != "" {
		if err := save(); err != nil {
			return Result{}, err
		}
	}
	r := st.result(ps, model, cfg.RestoreBest, stopped)
	r.Metric = metric
	return r, nil
}

// update records epoch es: the best epoch, the early-stopping counters, and
// whether to stop.
func (st *checkpoint) update(es EpochStats, sel Select, stop StopRule, window, patience int, ps []gnn.Param, keep bool) bool {
	better := false
	switch sel {
	case SelectValAcc:
		better = es.ValAcc > st.BestAcc || (es.ValAcc == st.BestAcc && es.ValLoss < st.BestLoss)
	case SelectValLoss:
		better = es.ValLoss < st.BestLoss
	case SelectValMetric:
		v, b := es.ValMetric, st.BestMetric
		better = !math.IsNaN(v) && (st.BestEpoch < 0 || math.IsNaN(b) || st.metric.better(v, b) || (v == b && es.ValLoss < st.BestLoss))
	}
	if better {
		st.BestAcc, st.BestLoss, st.BestEpoch, st.Bad = es.ValAcc, es.ValLoss, es.Epoch, 0
		st.BestMetric = es.ValMetric
		if keep {
			st.Best = cloneParams(ps)
		}
	} else {
		st.Bad++
	}
	switch stop {
	case StopWindow:
		h := st.History
		if len(h) > window {
			var mean float64
			for _, x := range h[len(h)-1-window : len(h)-1] {
				mean += x.ValLoss
			}
			mean /= float64(window)
			return es.ValLoss > mean
		}
	case StopPatience:
		return st.Bad >= patience
	}
	return false
}

func (st *checkpoint) result(ps []gnn.Param, m *gnn.Model, restore, stopped bool) Result {
	r := Result{History: st.History, BestEpoch: st.BestEpoch, Epochs: st.Epoch, Stopped: stopped, Model: m, Collapse: st.collapse()}
	if len(st.History) == 0 {
		return r
	}
	at := st.History[len(st.History)-1]
	if restore && st.Best != nil {
		for k, p := range ps {
			copy(p.Value, st.Best[k])
		}
		at = st.History[st.BestEpoch]
	}
	r.TestAcc, r.ValAcc = at.TestAcc, at.ValAcc
	r.TestMetric, r.ValMetric = at.TestMetric, at.ValMetric
	r.TestLoss, r.ValLoss = at.TestLoss, at.ValLoss
	return r
}

// checkRules validates the early-stopping and selection settings.
func checkRules(fn string, stop StopRule, window, patience int, sel Select) error {
	if (stop == StopWindow && window <= 0) || (stop == StopPatience && patience <= 0) || stop < StopNone || stop > StopPatience {
		return fmt.Errorf("train: %s: stop=%d window=%d patience=%d (window ≥ 1 with the window rule, patience ≥ 1 with the patience rule): %w", fn, stop, window, patience, graphs.ErrParameter)
	}
	if sel < SelectValAcc || sel > SelectValMetric {
		return fmt.Errorf("train: %s: select=%d: %w", fn, sel, graphs.ErrParameter)
	}
	return nil
}

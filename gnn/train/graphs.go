package train

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/gnnwb/gnnwb/gnn"
	"github.com/gnnwb/gnnwb/gnn/optim"
	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/internal/parallel"
)

// GraphConfig configures Graphs. DefaultGraphConfig gives the settings of
// Xu et al. (2019) and Errica et al. (2020) for GIN.
type GraphConfig struct {
	Kind        string
	Hidden      int
	Model       gnn.ModelOptions
	Epochs      int
	BatchSize   int
	LR          float64 // learning rate of the default optimiser and base of the schedule, > 0
	WeightDecay float64 // L2 weight decay of the default optimiser, ≥ 0
	Seed        uint64

	// Optimizer is as NodeConfig's; with a schedule (LRStep > 0) the
	// optimiser needs a SetLR(float64) method, as optim.SGD and optim.Adam
	// have.
	Optimizer func(params []gnn.Param) optim.Optimizer

	// LRStep and LRGamma are a step schedule (torch.optim.lr_scheduler.
	// StepLR stepped after every epoch): epoch e (0-based) trains with
	// learning rate LR·LRGamma^⌊e/LRStep⌋, set through the optimiser's
	// SetLR. LRStep = 0 (and LRGamma = 0) means no schedule; otherwise
	// LRGamma must lie in (0, 1]. Xu et al. (2019) halve the rate every 50
	// epochs: LRStep 50, LRGamma 0.5.
	LRStep  int
	LRGamma float64

	// StepsPerEpoch, if positive, replaces the pass over the shuffled
	// training graphs by StepsPerEpoch steps, each on min(BatchSize,
	// len(train)) distinct training graphs drawn uniformly from the stream
	// (Seed, step), as Xu et al.'s main.py (iters_per_epoch 50, each a
	// np.random.permutation(len(train))[:batch_size]). 0: one pass.
	StepsPerEpoch int

	// Metric is as NodeConfig's. The training value of an epoch is the
	// metric of the outputs of its training steps (dropout on, parameters
	// changing over the epoch), as TrainAcc.
	Metric Metric

	Stop        StopRule
	Window      int
	Patience    int
	Select      Select
	RestoreBest bool

	// Checkpoints as NodeConfig, counted in optimiser steps
	// (mini-batches) for CheckpointEvery.
	CheckpointPath    string
	CheckpointEvery   int
	CheckpointSeconds float64
	Resume            bool

	// Progress, if set, is called after every mini-batch with (steps done,
	// total steps).
	Progress func(done, total int64)

	// KeepHistory and OnRun are as NodeConfig's, for CrossValidate.
	KeepHistory bool
	OnRun       func(run RunStats, index, runs int)
	// KeepModels is as NodeConfig's, for CrossValidate.
	KeepModels bool
}

// DefaultGraphConfig returns the settings of graph classification for
// kind. All kinds: hidden 64, batch 32, Adam lr 0.01 without weight
// decay, 100 epochs, seed 1, the epoch of the best validation accuracy
// restored.
//
// GIN follows Xu et al. (2019, their powerful-gnns code) and Errica et
// al.'s GIN (2020, diningphil/gnn-comparison): 4 GIN-0 layers whose MLPs
// are Linear, BatchNorm, ReLU, Linear, each layer followed by BatchNorm and
// ReLU; a jumping-knowledge sum head (every layer's sum-pooled states, the
// input included, through a Linear of their own, dropout 0.5 on the
// scores); the learning rate halved every 50 epochs. Without the
// normalisation the sums of sum aggregation and sum readout grow with the
// degrees and the graph sizes, and the old recipe (3 layers, no
// BatchNorm, pool then Linear–ReLU–Dropout–Linear, dropout 0.5 before
// every layer, constant learning rate: set Layers 3, BatchNorm false, Head
// gnn.HeadMLP, LRStep 0, LRGamma 0) ended predicting one class on most
// cross-validation folds of IMDB-BINARY and IMDB-MULTI.
//
// Other kinds: 3 layers, dropout 0.5 before every message-passing layer
// and before the final linear layer (as gnn.NewGraphModel builds it), mean
// readout, constant learning rate.
func DefaultGraphConfig(kind string) GraphConfig {
	if kind == gnn.KindGIN {
		return GraphConfig{Kind: kind, Hidden: 64,
			Model:  gnn.ModelOptions{Layers: 4, Dropout: 0.5, Pool: gnn.SumPool, DecayAll: true, Heads: 4, BatchNorm: true, Head: gnn.HeadJumpSum},
			Epochs: 100, BatchSize: 32, LR: 0.01, LRStep: 50, LRGamma: 0.5, Seed: 1, Select: SelectValAcc, RestoreBest: true}
	}
	return GraphConfig{Kind: kind, Hidden: 64, Model: gnn.ModelOptions{Layers: 3, Dropout: 0.5, Pool: gnn.MeanPool, DecayAll: true, Heads: 4},
		Epochs: 100, BatchSize: 32, LR: 0.01, Seed: 1, Select: SelectValAcc, RestoreBest: true}
}

// DefaultGraphRegressionConfig returns the settings of graph regression
// (real targets, []float64) for kind: DefaultGraphConfig(kind), and for GIN
// the plain GIN without dropout: 3 GIN-0 layers without BatchNorm, sum
// readout then Linear–ReLU–Linear, constant learning rate, dropout 0.
//
// BatchNorm and dropout blur the sums a regression reads: in training mode
// BatchNorm subtracts the batch's mean from every node state, so a graph's
// sum readout depends on the other graphs of its batch, and dropout on the
// outputs' inputs adds noise to the value fitted. On the node count of
// random graphs (the package's tests) the classification default fits to a
// test MSE of about 85% of the target's variance in 100 epochs, this one
// to about 6% (and to 0.7% at hidden 16 in 60 epochs, where the
// classification default with dropout 0 is above the variance).
func DefaultGraphRegressionConfig(kind string) GraphConfig {
	cfg := DefaultGraphConfig(kind)
	if kind == gnn.KindGIN {
		cfg.Model.Layers, cfg.Model.BatchNorm, cfg.Model.Head, cfg.Model.Dropout = 3, false, gnn.HeadMLP, 0
		cfg.LRStep, cfg.LRGamma = 0, 0
	}
	return cfg
}

// graphSet is the input of Graphs: graphs with their node-feature offsets.
type graphSet struct {
	gs  []graphs.Graph
	off []int // node offsets into X
	X   []float64
	d   int
	t   targets
}

// batch joins graphs ids and gathers their features into x and their
// targets into t.
func (s *graphSet) batch(ids []int32, x []float64, t *targets) (*gnn.Batch, []float64, error) {
	sub := make([]graphs.Graph, len(ids))
	for k, i := range ids {
		sub[k] = s.gs[i]
	}
	b, err := gnn.Join(sub)
	if err != nil {
		return nil, nil, err
	}
	x = x[:0]
	for _, i := range ids {
		x = append(x, s.X[s.off[i]*s.d:s.off[i+1]*s.d]...)
	}
	s.t.gather(t, ids)
	return b, x, nil
}

// evaluate returns the mean loss, the accuracy and the metric over ids
// (dropout off), and appends the outputs of the graphs to out and their
// targets to all.
func (s *graphSet) evaluate(m *gnn.Model, ids []int32, metric Metric, out *[]float64, all *targets) (loss, acc, score float64, err error) {
	if len(ids) == 0 {
		return 0, 0, 0, nil
	}
	const chunk = 256
	var x, mine []float64
	var t, mineT targets
	var sumLoss, hits float64
	for lo := 0; lo < len(ids); lo += chunk {
		part := ids[lo:min(lo+chunk, len(ids))]
		var b *gnn.Batch
		b, x, err = s.batch(part, x, &t)
		if err != nil {
			return 0, 0, 0, err
		}
		logits := make([]float64, len(part)*s.t.out)
		if err := m.Forward(logits, gnn.Features{Dense: x}, b); err != nil {
			return 0, 0, 0, err
		}
		l, err := t.loss(make([]float64, len(logits)), logits, nil)
		if err != nil {
			return 0, 0, 0, err
		}
		sumLoss += l * float64(len(part))
		hits += t.accuracy(logits, nil) * float64(len(part))
		mine = append(mine, logits...)
		t.appendTo(&mineT)
	}
	acc = hits / float64(len(ids))
	score = acc
	if metric != MetricAccuracy {
		score = mineT.score(metric, mine, nil)
	}
	*out = append(*out, mine...)
	mineT.appendTo(all)
	return sumLoss / float64(len(ids)), acc, score, nil
}

// Graphs trains a graph classifier or regressor on the graphs gs with
// targets y, class labels ([]int32 in [0, C), C = max label + 1; softmax
// cross-entropy) or real values ([]float64, k = len(y)/len(gs) per graph,
// finite for the listed graphs; mean squared error), as Nodes, and node
// features X: the rows of graph k's
// nodes follow those of graphs 0..k−1 (Σ n_k rows of d = len(X)/Σ n_k
// columns; kept, not copied; featureless data sets such as IMDB need
// constant or degree features, as in PyTorch Geometric). Every epoch
// shuffles the training graphs with the stream (Seed, epoch), joins
// mini-batches of BatchSize graphs block-diagonally (gnn.Join) and takes
// one step of cfg.Optimizer (Adam by default) per mini-batch on the mean
// loss (or, with StepsPerEpoch, takes that many steps on random
// batches); step t draws its dropout from the stream (Seed, t); epoch e
// uses the learning rate of the schedule LRStep, LRGamma. After every
// epoch it evaluates validation and test loss, accuracy and metric; early
// stopping, the best epoch and collapses are as in Nodes.
//
// Checkpoints are written between mini-batches, so a cancelled run resumes
// mid-epoch and finishes with the same bits as an uninterrupted one.
// Without validation graphs, early stopping and the best epoch are
// disabled. Errors as Nodes, and graphs.ErrUnsupported for a schedule with
// an optimiser without SetLR.
func Graphs[T Target](ctx context.Context, cfg GraphConfig, gs []graphs.Graph, X []float64, y []T, train, val, test []int32) (Result, error) {
	const fn = "Graphs"
	s := &graphSet{gs: gs, off: make([]int, len(gs)+1), X: X}
	for k, g := range gs {
		s.off[k+1] = s.off[k] + g.NumNodes()
	}
	N := s.off[len(gs)]
	if len(gs) == 0 || N == 0 || len(X) == 0 || len(X)%N != 0 {
		return Result{}, fmt.Errorf("train: %s: %d graphs with %d nodes, len(X)=%d, len(y)=%d: %w", fn, len(gs), N, len(X), len(y), graphs.ErrShape)
	}
	s.d = len(X) / N
	var metric Metric
	var err error
	if s.t, metric, err = newTargets(fn, y, len(gs), cfg.Metric, train, val, test); err != nil {
		return Result{}, err
	}
	for _, set := range []struct {
		name string
		idx  []int32
	}{{"train", train}, {"val", val}, {"test", test}} {
		if err := checkIndex(fn, set.name, set.idx, len(gs)); err != nil {
			return Result{}, err
		}
	}
	if len(train) == 0 {
		return Result{}, fmt.Errorf("train: %s: no training graphs: %w", fn, graphs.ErrParameter)
	}
	if err := cfg.Validate(N, s.d); err != nil {
		return Result{}, err
	}
	if cfg.Resume && cfg.CheckpointPath == "" {
		return Result{}, fmt.Errorf("train: %s: Resume without CheckpointPath: %w", fn, graphs.ErrParameter)
	}
	model, err := gnn.NewGraphModel(cfg.Kind, s.d, cfg.Hidden, s.t.out, cfg.Model)
	if err != nil {
		return Result{}, err
	}
	model.Init(cfg.Seed)
	ps := model.Params()
	opt, err := newOptimizer(fn, cfg.Optimizer, ps, cfg.LR, cfg.WeightDecay)
	if err != nil {
		return Result{}, err
	}
	var schedule interface{ SetLR(lr float64) }
	if cfg.LRStep > 0 {
		var ok bool
		if schedule, ok = opt.(interface{ SetLR(lr float64) }); !ok {
			return Result{}, fmt.Errorf("train: %s: lr_step=%d needs an optimiser with SetLR, %T has none: %w", fn, cfg.LRStep, opt, graphs.ErrUnsupported)
		}
	}
	st, save, err := startCheckpoint(cfg.CheckpointPath, cfg.Resume, s.t.task("graphs"), cfg.Kind, cfg.Seed, ps, opt)
	if err != nil {
		return Result{}, err
	}
	st.accuracyMetric(metric)
	st.metric = metric
	sel := s.t.selection(cfg.Select)
	keep := metric != MetricAccuracy // the epoch's training outputs, for its metric
	batches := (len(train) + cfg.BatchSize - 1) / cfg.BatchSize
	if cfg.StepsPerEpoch > 0 {
		batches = cfg.StepsPerEpoch
	}
	total := int64(cfg.Epochs * batches)
	order := make([]int32, len(train))
	var x, grad, logits []float64
	var yb targets
	last := time.Now()
	for st.Epoch < cfg.Epochs && !st.Stopped && !st.Halted {
		e := st.Epoch
		if schedule != nil {
			schedule.SetLR(stepLR(cfg.LR, cfg.LRStep, cfg.LRGamma, e))
		}
		if cfg.StepsPerEpoch == 0 {
			copy(order, train)
			shuffle := rand.New(rand.NewPCG(cfg.Seed, parallel.Mix(uint64(e))^0x73687566666c65))
			shuffle.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		}
		for st.Batch < batches {
			if err := ctx.Err(); err != nil {
				if serr := save(); serr != nil {
					return Result{}, serr
				}
				return Result{}, fmt.Errorf("train: %s: cancelled at epoch %d batch %d: %w", fn, e, st.Batch, err)
			}
			var ids []int32
			if cfg.StepsPerEpoch > 0 {
				ids = sampleGraphs(order, train, cfg.BatchSize, cfg.Seed, st.Step)
			} else {
				ids = order[st.Batch*cfg.BatchSize : min((st.Batch+1)*cfg.BatchSize, len(order))]
			}
			var b *gnn.Batch
			b, x, err = s.batch(ids, x, &yb)
			if err != nil {
				return Result{}, err
			}
			b.Train, b.Key = true, stepKey(cfg.Seed, st.Step)
			k := len(ids) * s.t.out
			logits, grad = slices.Grow(logits[:0], k)[:k], slices.Grow(grad[:0], k)[:k]
			optim.ZeroGrad(ps)
			if err := model.Forward(logits, gnn.Features{Dense: x}, b); err != nil {
				return Result{}, err
			}
			loss, err := yb.loss(grad, logits, nil)
			if err != nil {
				return Result{}, err
			}
			if st.Step == 0 {
				st.Loss0 = loss
			}
			st.EpochLoss += loss * float64(len(ids))
			st.EpochHit += yb.accuracy(logits, nil) * float64(len(ids))
			st.EpochSeen += len(ids)
			if keep {
				st.EpochOut = append(st.EpochOut, logits...)
				st.EpochY, st.EpochT = append(st.EpochY, yb.cls...), append(st.EpochT, yb.val...)
			}
			if err := model.Backward(grad, b); err != nil {
				return Result{}, err
			}
			if err := opt.Step(ps); err != nil {
				return Result{}, err
			}
			st.Batch++
			st.Step++
			if cfg.Progress != nil {
				cfg.Progress(int64(st.Step), total)
			}
			if cfg.CheckpointPath != "" && ((cfg.CheckpointEvery > 0 && st.Step%cfg.CheckpointEvery == 0) ||
				(cfg.CheckpointSeconds > 0 && time.Since(last).Seconds() >= cfg.CheckpointSeconds)) {
				if err := save(); err != nil {
					return Result{}, err
				}
				last = time.Now()
			}
		}
		es := EpochStats{Epoch: e, TrainLoss: st.EpochLoss / float64(st.EpochSeen), TrainAcc: st.EpochHit / float64(st.EpochSeen)}
		es.TrainMetric = es.TrainAcc
		if keep {
			epoch := targets{out: s.t.out, reg: s.t.reg, cls: st.EpochY, val: st.EpochT}
			es.TrainMetric = epoch.score(metric, st.EpochOut, nil)
		}
		var out []float64
		var evaluated targets
		if es.ValLoss, es.ValAcc, es.ValMetric, err = s.evaluate(model, val, metric, &out, &evaluated); err != nil {
			return Result{}, err
		}
		if es.TestLoss, es.TestAcc, es.TestMetric, err = s.evaluate(model, test, metric, &out, &evaluated); err != nil {
			return Result{}, err
		}
		st.History = append(st.History, es)
		if len(val) > 0 {
			st.Stopped = st.update(es, sel, cfg.Stop, cfg.Window, cfg.Patience, ps, cfg.RestoreBest)
		}
		st.watch(es, len(out) > 0 && evaluated.constant(out, nil))
		st.Epoch++
		st.Batch, st.EpochLoss, st.EpochHit, st.EpochSeen = 0, 0, 0, 0
		st.EpochOut, st.EpochY, st.EpochT = st.EpochOut[:0], st.EpochY[:0], st.EpochT[:0]
	}
	if cfg.CheckpointPath != "" {
		if err := save(); err != nil {
			return Result{}, err
		}
	}
	r := st.result(ps, model, cfg.RestoreBest, st.Stopped)
	r.Metric = metric
	return r, nil
}

// stepLR returns lr·gamma^⌊epoch/step⌋ (lr when step is 0). The power is
// taken by repeated multiplication in a fixed order, so a resumed run gets
// the same bits.
func stepLR(lr float64, step int, gamma float64, epoch int) float64 {
	if step <= 0 {
		return lr
	}
	for range epoch / step {
		lr *= gamma
	}
	return lr
}

// sampleGraphs returns the first min(k, len(train)) entries of a uniformly
// random permutation of train, drawn from the stream (seed, step) by a
// partial Fisher–Yates shuffle in dst (len(train), overwritten).
func sampleGraphs(dst, train []int32, k int, seed uint64, step int) []int32 {
	copy(dst, train)
	k = min(k, len(dst))
	rng := rand.New(rand.NewPCG(seed, parallel.Mix(uint64(step))^0x73616d706c65))
	for i := range k {
		j := i + rng.IntN(len(dst)-i)
		dst[i], dst[j] = dst[j], dst[i]
	}
	return dst[:k]
}

package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/gnnwb/gnnwb/datasets"
	"github.com/gnnwb/gnnwb/gnn"
	"github.com/gnnwb/gnnwb/gnn/train"
	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/internal/atomicfile"
	"github.com/urfave/cli/v2"
)

func init() { commands = append(commands, trainCommand) }

// The train command has one mode per source of data, chosen by which of
// --dataset or --graph/--generate is given; each mode has its own flag list
// and action (trainDatasetFlags/trainDataset, trainGraphFlags/trainGraph in
// train_graph.go, which also reads the dataset mode's hyper-parameters).
// Flags shared by every mode are in trainCommonFlags. The flags of gnnwb
// online (once the --graphon mode of train) are hidden flags of train that
// it refuses with a pointer to gnnwb online.
func trainCommand() *cli.Command {
	var flags []cli.Flag
	flags = append(flags, trainCommonFlags()...)
	flags = append(flags, trainDatasetFlags()...)
	flags = append(flags, hiddenFlags(onlineOnlyFlags())...)
	flags = append(flags, trainGraphFlags()...)
	return &cli.Command{
		Name:  "train",
		Usage: "train a GNN on a benchmark dataset, on your own graph or on a generated contextual SBM (the online one-hidden-layer model is gnnwb online)",
		UsageText: "gnnwb train --dataset NAME [--model gcn|sage|gin|gat] [hyper-parameters] [--runs R] [--seed S] [--out FILE] [--checkpoint DIR] [--save-model FILE]\n" +
			"gnnwb train --graph FILE [--format NAME] --labels FILE [--features FILE] [--directed] [--split-per-class TRAIN,VAL] [--model ...] [hyper-parameters] [--runs R] [--seed S] [--out FILE] [--checkpoint DIR] [--save-model FILE]\n" +
			"gnnwb train --generate sbm:<sizes>:<probs> [--feature-signal MU] [--feature-dim D] [--data-seed S] [the same options]",
		Description: "Dataset mode: node datasets (cora, citeseer, ...) train full-batch on the shipped split;\n" +
			"graph datasets (mutag, proteins, ...) use stratified --folds cross-validation with a 10%\n" +
			"validation holdout inside each training part (Errica et al. 2020), or the shipped split (OGB).\n" +
			"Defaults are Kipf & Welling's for gcn/sage (--width 16, dropout 0.5, Adam lr 0.01, weight\n" +
			"decay 5e-4 on the first layer, 200 epochs, window-10 early stopping, row-normalised\n" +
			"features), Veličković et al.'s for gat (8 heads x 8, dropout 0.6, lr 0.005, patience 100)\n" +
			"and Xu et al.'s for graph classification (--width 64, batch 32, lr 0.01, 100 epochs, best\n" +
			"validation epoch kept). The gin default is Xu et al.'s and Errica et al.'s GIN: 4 layers with\n" +
			"BatchNorm in and after every MLP, a jumping-knowledge sum of every layer's sum readout, lr\n" +
			"halved every 50 epochs; --epochs 350 is Xu et al.'s length (--steps-per-epoch 50 for their 50\n" +
			"random batches per epoch). The plain GIN of earlier versions (3 layers, no BatchNorm, sum\n" +
			"readout then an MLP, constant lr) is --layers 3 --batch-norm=false --head mlp --lr-step 0; it\n" +
			"ends predicting one class on most folds of IMDB-BINARY and IMDB-MULTI; it is the default of gin\n" +
			"with --task regression, without dropout (BatchNorm and dropout blur the sums a regression reads:\n" +
			"test MSE 1.8e-3 against 2.6e-2 on node counts). --node-attributes adds a TU\n" +
			"dataset's continuous node attributes to its one-hot node labels (Errica et al. give ENZYMES\n" +
			"both). --metric roc-auc|ap|macro-f1 reports that metric besides\n" +
			"the accuracy and keeps the epoch of its best validation value (ogbg-molbace: roc-auc, OGB's\n" +
			"metric, by default). Runs whose loss blows up or whose predictions end constant are reported\n" +
			"as collapsed (stderr, --out). --task regression --targets FILE trains on real targets (MSE loss,\n" +
			"MSE and MAE reported); without --targets, on a TU dataset's real graph targets\n" +
			"(DS_graph_attributes.txt). --history keeps every epoch's losses and metric in the --out JSON, and\n" +
			"--plot FILE.png draws them. --runs R trains with seeds S..S+R-1 and\n" +
			"reports mean ± std. With --checkpoint DIR every run is checkpointed; Ctrl-C saves and\n" +
			"exits, and the same command resumes bit for bit. A flag of one model or task (--heads and\n" +
			"--attn-dropout: gat; --no-self-loops: gcn; --batch-norm: gin; the graph datasets' and the node\n" +
			"tasks' flags) is refused with any other.\n\n" +
			"The one-hidden-layer model trained online on G(n, W, rho) (once train --graphon) is gnnwb online.\n\n" +
			graphModeHelp,
		Flags: flags,
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return usagef("train: unexpected argument %q", c.Args().First())
			}
			if err := trainRejectOnline(c); err != nil {
				return err
			}
			if c.IsSet("graph") || c.IsSet("generate") {
				return trainGraph(c)
			}
			if err := rejectGraphFlags(c); err != nil {
				return err
			}
			if c.IsSet("dataset") {
				return trainDataset(c)
			}
			return usagef("train: --dataset NAME (or --graph FILE, --generate SPEC) is required")
		},
	}
}

// trainRejectOnline refuses the flags of gnnwb online, which train once read
// in its --graphon mode.
func trainRejectOnline(c *cli.Context) error {
	online := onlineCommand()
	for _, f := range onlineOnlyFlags() {
		if name := f.Names()[0]; c.IsSet(name) {
			to := name
			for _, g := range online.Flags { // an old spelling: point to the new name
				if g.Names()[0] == name {
					if n, ok := newSpelling(online, g); ok {
						to = n
					}
				}
			}
			return usagef("train: --%s is a flag of gnnwb online (the one-hidden-layer model trained online, once train --graphon): run gnnwb online --%s ...", name, to)
		}
	}
	return nil
}

// onlineOnlyFlags are the flags of gnnwb online that train refuses: the
// flags of onlineFlags but those train reads itself (--width), old
// spellings included (--batch), which are not old spellings of train's
// flags (--batch-size of train is another flag).
func onlineOnlyFlags() []cli.Flag {
	own := map[string]bool{}
	for _, f := range append(append(trainCommonFlags(), trainDatasetFlags()...), trainGraphFlags()...) {
		own[f.Names()[0]] = true
	}
	var fs []cli.Flag
	for _, f := range onlineFlags() {
		if own[f.Names()[0]] {
			continue
		}
		if d, ok := f.(*cli.IntFlag); ok && strings.HasPrefix(d.Usage, deprecatedUsage) {
			d.Usage = "gnnwb online's " + strings.TrimPrefix(d.Usage, "deprecated ")
		}
		fs = append(fs, f)
	}
	return fs
}

// hiddenFlags returns fs hidden from help and completion.
func hiddenFlags(fs []cli.Flag) []cli.Flag {
	for _, f := range fs {
		switch f := f.(type) {
		case *cli.StringFlag:
			f.Hidden = true
		case *cli.IntFlag:
			f.Hidden = true
		case *cli.Float64Flag:
			f.Hidden = true
		case *cli.BoolFlag:
			f.Hidden = true
		case *cli.DurationFlag:
			f.Hidden = true
		case *cli.Uint64Flag:
			f.Hidden = true
		default:
			panic(fmt.Sprintf("hiddenFlags: flag --%s of type %T", f.Names()[0], f))
		}
	}
	return fs
}

// trainCommonFlags are the flags every train mode reads.
func trainCommonFlags() []cli.Flag {
	return []cli.Flag{
		&cli.Uint64Flag{Name: "seed", Value: 1, Usage: "first random seed; run r uses seed+r"},
		&cli.IntFlag{Name: "runs", Value: 1, Usage: "number of runs (seeds seed..seed+runs-1); mean ± std is reported"},
		&cli.StringFlag{Name: "out", Usage: "write the report to `FILE` atomically: JSON, or if FILE ends in .csv one row per run there and the mean and std in FILE-summary.csv", DefaultText: "none: the report on stdout only"},
		&cli.StringFlag{Name: "checkpoint", Usage: "checkpoint `DIR`: one file per run, resumed when present", DefaultText: "none: no checkpoints"},
	}
}

// trainDatasetFlags are the flags of the dataset mode. Hyper-parameters
// that are not set keep the defaults of train.DefaultNodeConfig or
// train.DefaultGraphConfig for the model.
func trainDatasetFlags() []cli.Flag {
	return append([]cli.Flag{
		&cli.StringFlag{Name: "dataset", Usage: "dataset `NAME` (see gnnwb datasets list); this, --graph or --generate is required"},
		rootFlag(),
		&cli.StringFlag{Name: "model", Value: "gcn", Usage: "gcn, sage, gin or gat"},
	}, append(withOldSpellings(&cli.IntFlag{Name: "width", Usage: "hidden units per layer (per head for gat)", DefaultText: "16 node / 64 graph; gat 8 node"}, "hidden"), []cli.Flag{
		&cli.IntFlag{Name: "layers", Usage: "message-passing layers", DefaultText: "2 node / 3 graph"},
		&cli.Float64Flag{Name: "dropout", Usage: "dropout probability", DefaultText: "0.5; gat 0.6; 0 for gin graph regression"},
		&cli.Float64Flag{Name: "attn-dropout", Usage: "gat attention dropout", DefaultText: "0.6"},
		&cli.IntFlag{Name: "heads", Usage: "gat heads of the hidden layers", DefaultText: "8 node / 4 graph"},
		&cli.Float64Flag{Name: "lr", Usage: "Adam learning rate", DefaultText: "0.01; gat 0.005"},
		&cli.Float64Flag{Name: "weight-decay", Usage: "L2 weight decay", DefaultText: "5e-4 node, 0 graph"},
		&cli.BoolFlag{Name: "decay-all", Usage: "weight decay on every layer", DefaultText: "first layer only for gcn/sage/gin node models, as Kipf & Welling"},
		&cli.BoolFlag{Name: "no-self-loops", Usage: "gcn: aggregate with D^-1/2 A D^-1/2, without the self loops GCNConv adds by default (PyG add_self_loops=False)"},
		&cli.IntFlag{Name: "epochs", Usage: "maximum epochs", DefaultText: "200 node / 100 graph"},
		&cli.IntFlag{Name: "patience", Usage: "stop when the selection criterion has not improved for N epochs", DefaultText: "window-10 rule for gcn/sage/gin node models, 100 for gat, none for graphs"},
		&cli.IntFlag{Name: "window", Usage: "Kipf & Welling's rule: stop when the validation loss exceeds the mean of the previous N (0: no early stopping)", DefaultText: "10 for gcn/sage/gin node models"},
		&cli.StringFlag{Name: "select", Usage: "best-epoch criterion val-acc, val-loss or val-metric (the best validation --metric)", DefaultText: "val-acc; gat val-loss; val-metric with a --metric other than accuracy"},
		&cli.StringFlag{Name: "metric", Usage: "metric reported besides the loss, and chosen on by --select val-metric: accuracy, roc-auc or ap (binary tasks: ROC-AUC and average precision of the class-1 score, as OGB's evaluator and scikit-learn), macro-f1; mae for --task regression", DefaultText: "accuracy; roc-auc for ogbg-molbace (OGB's metric); mae in regression"},
		&cli.StringFlag{Name: "task", Value: "classification", Usage: "classification (class labels, cross-entropy) or regression (real targets, mean squared error loss; MSE and MAE reported, best epoch by validation MSE): the targets come from --targets FILE in the dataset mode (else from a TU dataset's graph attributes, DS_graph_attributes.txt, one or more per graph), from --labels FILE in the graph mode"},
		&cli.BoolFlag{Name: "history", Usage: "add every run's per-epoch train/val/test loss, accuracy and metric to the --out JSON (summary.runs[].history)"},
		&cli.StringFlag{Name: "plot", Usage: "draw the per-epoch loss (log scale) and metric, train/val/test, mean over runs, to `FILE` (.png or .svg)", DefaultText: "none: not drawn"},
		&cli.StringFlag{Name: "targets", Usage: "dataset mode, --task regression: `FILE` of 'id value' lines, a real target per node (node datasets) or per graph (graph datasets, by 0-based index); samples without a line are in no split", DefaultText: "none; required by --task regression in the dataset mode"},
		&cli.BoolFlag{Name: "restore-best", Usage: "report the test accuracy of the best epoch, not the last", DefaultText: "for gat and graphs"},
		&cli.BoolFlag{Name: "normalize-features", Value: true, Usage: "row-normalise node features (node datasets; Kipf & Welling, PyG NormalizeFeatures)"},
		&cli.StringFlag{Name: "degree-features", Usage: "for datasets without node features (IMDB, email-eu-core, ...): onehot (one-hot degree, Xu et al.; PyG OneHotDegree), raw (the degree as one feature, Errica et al.) or log (1 and log(1+degree) scaled to [0,1]; node datasets)", DefaultText: "none: the dataset's own features"},
		&cli.IntFlag{Name: "batch-size", Usage: "graphs per mini-batch (graph datasets)", DefaultText: "32"},
		&cli.IntFlag{Name: "folds", Usage: "stratified k-fold cross-validation with a 10% validation holdout (graph datasets)", DefaultText: "10, or the shipped split (OGB)"},
		&cli.StringFlag{Name: "fold-subset", Usage: "graph datasets with --folds: train only the folds of `LIST` (0-based, e.g. 0,1,2), numbered as in the whole cross-validation, which they repeat bit for bit", DefaultText: "all folds"},
		&cli.StringFlag{Name: "split-per-class", Usage: "node datasets: random split of `TRAIN,VAL` nodes per class, the rest test (datasets.PerClassSplit; needed when the dataset ships no split)", DefaultText: "the shipped split; 20,30 in the graph mode"},
		&cli.Uint64Flag{Name: "split-seed", Value: 0, Usage: "seed of the cross-validation folds or of --split-per-class"},
		&cli.StringFlag{Name: "pool", Usage: "graph readout sum, mean or max", DefaultText: "sum for gin, mean otherwise"},
		&cli.BoolFlag{Name: "batch-norm", Usage: "gin on graph datasets: BatchNorm inside every GIN MLP and after every GIN layer (Xu et al.'s code); --batch-norm=false leaves it out", DefaultText: "true for gin, false for gin --task regression"},
		&cli.StringFlag{Name: "head", Usage: "graph head: mlp (pool, Linear, ReLU, Dropout, Linear) or jk-sum (Xu et al.'s sum over all layers, input included, of pool, Linear, Dropout; --dropout then acts only there)", DefaultText: "jk-sum for gin classification, mlp otherwise"},
		&cli.IntFlag{Name: "lr-step", Usage: "graph datasets: multiply the learning rate by --lr-gamma every `N` epochs (StepLR; 0: constant)", DefaultText: "50 for gin classification, 0 otherwise"},
		&cli.Float64Flag{Name: "lr-gamma", Value: 0.5, Usage: "graph datasets: learning-rate factor of --lr-step, in (0,1]"},
		&cli.IntFlag{Name: "steps-per-epoch", Usage: "graph datasets: `N` steps per epoch on random batches (Xu et al.: 50) instead of one pass over the training graphs", DefaultText: "one pass"},
		&cli.StringFlag{Name: "save-model", Usage: "save the trained model of the first run (seed --seed; the first fold with --folds: 0, or the first of --fold-subset) to `FILE`, for gnnwb predict", DefaultText: "none: not saved"},
		&cli.BoolFlag{Name: "node-attributes", Usage: "TU graph datasets: put the continuous node attributes (DS_node_attributes.txt) before the one-hot node labels, as Errica et al. for ENZYMES (PyG use_node_attr=True)"},
	}...)...)
}

// trainReport is what --out writes and what the text summary prints.
type trainReport struct {
	Dataset string `json:"dataset"`
	Model   string `json:"model"`
	Task    string `json:"task"` // "node" or "graph"
	// Regression is set for --task regression, whose targets come from
	// Targets (dataset mode) or the graph mode's labels.
	Regression bool   `json:"regression,omitempty"`
	Targets    string `json:"targets,omitempty"`
	Folds      int    `json:"folds,omitempty"`
	// FoldSubset lists the folds trained (--fold-subset); nil for all.
	FoldSubset []int         `json:"fold_subset,omitempty"`
	SplitSeed  uint64        `json:"split_seed,omitempty"`
	Config     any           `json:"config"`
	Features   string        `json:"features,omitempty"` // node features made by --degree-features
	Summary    train.Summary `json:"summary"`
	Command    string        `json:"command"`
}

// modelKind checks the flags both GNN modes share (--model, --runs, and
// --patience against --window) and returns the model kind.
func modelKind(c *cli.Context) (string, error) {
	kind := strings.ToLower(c.String("model"))
	switch kind {
	case gnn.KindGCN, gnn.KindSAGE, gnn.KindGIN, gnn.KindGAT:
	default:
		return "", usagef("train: --model=%q: not one of gcn, sage, gin, gat", c.String("model"))
	}
	if c.Int("runs") < 1 {
		return "", usagef("train: --runs=%d: must be at least 1", c.Int("runs"))
	}
	if c.IsSet("patience") && c.IsSet("window") {
		return "", usagef("train: give --patience or --window, not both")
	}
	switch task := c.String("task"); task {
	case "classification", "regression":
	default:
		return "", usagef("train: --task=%q: not classification or regression", task)
	}
	if c.IsSet("targets") && !regression(c) {
		return "", usagef("train: --targets is for --task regression")
	}
	if _, err := historyFlags(c); err != nil {
		return "", err
	}
	return kind, nil
}

// regression reports whether --task is regression.
func regression(c *cli.Context) bool { return c.String("task") == "regression" }

// missingTarget returns the first sample of rows whose target t is NaN, or
// -1.
func missingTarget(t []float64, rows ...[]int32) int {
	for _, r := range rows {
		for _, i := range r {
			if math.IsNaN(t[i]) {
				return int(i)
			}
		}
	}
	return -1
}

// labelledMask returns 0 for the samples with a target and -1 for the
// others: one class, for datasets.PerClassSplit and StratifiedFolds.
func labelledMask(t []float64) []int32 {
	m := make([]int32, len(t))
	for i, v := range t {
		if math.IsNaN(v) {
			m[i] = -1
		}
	}
	return m
}

// trainDataset is the dataset mode: load, then one library run.
func trainDataset(c *cli.Context) error {
	kind, err := modelKind(c)
	if err != nil {
		return err
	}
	name := c.String("dataset")
	ds, err := datasets.Load(name, c.String("root"))
	if errors.Is(err, datasets.ErrUnknown) {
		return usagef("train: --dataset=%q: %v", name, err)
	}
	if err != nil {
		return datasetErr(c, err)
	}
	bar := newProgress(c, fmt.Sprintf("train %s %s", ds.Stats().Name, kind))
	rep := trainReport{Dataset: ds.Stats().Name, Model: kind, Command: commandLine(c)}
	ckpt := c.String("checkpoint")
	switch d := ds.(type) {
	case *datasets.NodeDataset:
		cfg, err := nodeConfig(c, kind, d.Name)
		if err != nil {
			return err
		}
		if c.IsSet("split-seed") && !c.IsSet("split-per-class") {
			return usagef("train: --split-seed is for --split-per-class on a node dataset; %s is trained on its shipped split without it", d.Name)
		}
		normalize := c.Bool("normalize-features")
		X, dim, made, err := degreeFeatures(c, d.Name, d.NumFeatures, []graphs.Graph{d.Graph}, true)
		if err != nil {
			return err
		}
		if made != "" {
			d.X, d.SparseX, d.NumFeatures, rep.Features = X, nil, dim, made
		}
		if rep.Features != "" && !c.IsSet("normalize-features") {
			normalize = false // made features are not bags of words
		}
		labels := d.Y
		var targets []float64
		if regression(c) {
			if targets, err = readTargets(c, d.Graph.NumNodes(), &rep); err != nil {
				return err
			}
			labels = labelledMask(targets)
		}
		split := train.Split{Train: d.Train, Val: d.Val, Test: d.Test}
		if c.IsSet("split-per-class") {
			counts, err := parseInts(c, "split-per-class")
			if err != nil {
				return err
			}
			if len(counts) != 2 {
				return usagef("train: --split-per-class=%q: want two counts TRAIN,VAL", c.String("split-per-class"))
			}
			if split.Train, split.Val, split.Test, err = datasets.PerClassSplit(labels, counts[0], counts[1], c.Uint64("split-seed")); err != nil {
				return usagef("train: --split-per-class=%q: %v", c.String("split-per-class"), err)
			}
			rep.SplitSeed = c.Uint64("split-seed")
		} else if len(d.Train) == 0 {
			return usagef("train: dataset %s ships no split: give --split-per-class TRAIN,VAL (e.g. 20,30 as Shchur et al. 2018)", d.Name)
		}
		feats, err := modelFeatures(d, normalize)
		if err != nil {
			return err
		}
		cfg.Progress, cfg.OnRun = bar.Update, reportRuns(bar, &rep)
		cfg.KeepModels = c.IsSet("save-model")
		rep.Task, rep.Config = "node", nodeConfigJSON(cfg, normalize)
		if err := cfg.Validate(d.Graph.NumNodes(), d.NumFeatures); err != nil {
			return err
		}
		if err := train.ValidateRuns(c.Int("runs"), cfg.Epochs, cfg.KeepHistory); err != nil {
			return err
		}
		if err := checkpointSettings(ckpt, rep); err != nil {
			return err
		}
		if targets != nil {
			if i := missingTarget(targets, split.Train, split.Val, split.Test); i >= 0 {
				return usagef("train: --targets=%s has no value for node %d of the split", c.String("targets"), i)
			}
			rep.Summary, err = train.RepeatNodes(c.Context, cfg, c.Int("runs"), ckpt, d.Graph, feats, targets, split)
		} else {
			rep.Summary, err = train.RepeatNodes(c.Context, cfg, c.Int("runs"), ckpt, d.Graph, feats, d.Y, split)
		}
		bar.Done()
		if err != nil {
			return trainErr(c, err)
		}
		if err := saveModel(c, rep, normalize, map[string]string{"degree_features": c.String("degree-features")}); err != nil {
			return err
		}
	case *datasets.GraphDataset:
		if err := checkFlagScopes(c, kind, taskGraph, d.Name); err != nil {
			return err
		}
		cfg, err := graphConfig(c, kind, d.Name)
		if err != nil {
			return err
		}
		if c.IsSet("split-seed") && c.Int("folds") == 0 && len(d.Train) > 0 {
			return usagef("train: --split-seed is for --folds (cross-validation); %s ships its split, used without --folds", d.Name)
		}
		var attributes, labelColumns int
		if c.Bool("node-attributes") {
			labelColumns = d.NumFeatures
			if d, err = withNodeAttributes(d, "train: --node-attributes"); err != nil {
				return err
			}
			attributes = d.NumFeatures - labelColumns
			rep.Features = fmt.Sprintf("%d node attributes, then %d one-hot node label columns", attributes, labelColumns)
		}
		X, dim, made, err := degreeFeatures(c, d.Name, d.NumFeatures, d.Graphs, false)
		if err != nil {
			return err
		}
		if made != "" {
			d.X, d.NumFeatures, rep.Features = X, dim, made
		}
		labels := d.Y
		var targets []float64
		switch {
		case regression(c) && !c.IsSet("targets") && d.Targets != nil:
			// The dataset's own real targets (TU graph attributes), one or
			// more per graph, each finite: every graph is in one class for
			// the folds.
			targets, labels = d.Targets, make([]int32, len(d.Graphs))
			rep.Regression, rep.Targets = true, graphAttributesFile(d)
		case regression(c):
			if targets, err = readTargets(c, len(d.Graphs), &rep); err != nil {
				return err
			}
			labels = labelledMask(targets)
		case d.Y == nil:
			return usagef("train: dataset %s has no class labels, only real graph targets (%d per graph): give --task regression", d.Name, d.NumTargets)
		}
		var splits []train.Split
		k := c.Int("folds")
		if k == 0 && len(d.Train) > 0 {
			splits = []train.Split{{Train: d.Train, Val: d.Val, Test: d.Test}}
		} else {
			if k == 0 {
				k = 10
			}
			if i := slices.Index(labels, -1); targets != nil && i >= 0 {
				return usagef("train: --targets=%s has no value for graph %d: cross-validation needs a target for every graph", c.String("targets"), i)
			}
			folds, err := datasets.StratifiedFolds(labels, k, 0.1, c.Uint64("split-seed"))
			if err != nil {
				return usagef("train: --folds=%d: %v", k, err)
			}
			for _, f := range folds {
				splits = append(splits, train.Split(f))
			}
			rep.Folds = k
		}
		if c.IsSet("fold-subset") && rep.Folds == 0 {
			return usagef("train: --fold-subset is for --folds (cross-validation); %s ships its split, used without --folds", d.Name)
		}
		subset, err := foldSubset(c, rep.Folds)
		if err != nil {
			return err
		}
		cfg.Progress, cfg.OnRun = bar.Update, reportRuns(bar, &rep)
		if subset != nil {
			picked := make([]train.Split, len(subset))
			for i, f := range subset {
				picked[i] = splits[f]
			}
			splits, rep.FoldSubset = picked, subset
			report := cfg.OnRun
			cfg.OnRun = func(run train.RunStats, index, runs int) {
				run.Fold = subset[run.Fold]
				report(run, index, runs)
			}
		}
		cfg.KeepModels = c.IsSet("save-model")
		rep.Task, rep.Config = "graph", graphConfigJSON(cfg, c.Bool("node-attributes"))
		if rep.Folds > 0 {
			rep.SplitSeed = c.Uint64("split-seed")
		}
		nodes := 0
		for _, g := range d.Graphs {
			nodes += g.NumNodes()
		}
		if err := cfg.Validate(nodes, d.NumFeatures); err != nil {
			return err
		}
		if err := train.ValidateRuns(c.Int("runs"), cfg.Epochs, cfg.KeepHistory); err != nil {
			return err
		}
		if err := checkpointSettings(ckpt, rep); err != nil {
			return err
		}
		if targets != nil {
			for _, sp := range splits {
				if i := missingTarget(targets, sp.Train, sp.Val, sp.Test); i >= 0 {
					return usagef("train: --targets=%s has no value for graph %d of the split", c.String("targets"), i)
				}
			}
			rep.Summary, err = train.CrossValidate(c.Context, cfg, splits, c.Int("runs"), ckpt, d.Graphs, d.X, targets)
		} else {
			rep.Summary, err = train.CrossValidate(c.Context, cfg, splits, c.Int("runs"), ckpt, d.Graphs, d.X, d.Y)
		}
		bar.Done()
		if err != nil {
			return trainErr(c, err)
		}
		if subset != nil { // CrossValidate numbers the folds it was given 0..len(subset)-1
			runs := slices.Clone(rep.Summary.Runs)
			for k := range runs {
				runs[k].Fold = subset[runs[k].Fold]
			}
			rep.Summary.Runs = runs
		}
		info := map[string]string{"degree_features": c.String("degree-features")}
		if made != "" && c.String("degree-features") == "onehot" {
			info["max_degree"] = strconv.Itoa(dim - 1)
		}
		if attributes > 0 { // for predict to read the same columns again
			info["node_attributes"], info["node_label_columns"] = strconv.Itoa(attributes), strconv.Itoa(labelColumns)
		}
		if err := saveModel(c, rep, false, info); err != nil {
			return err
		}
	}
	return finishReport(c, rep)
}

// saveModel writes the first run's model to --save-model, if set, with
// what gnnwb predict needs to make the same features: the normalisation,
// and in info how the features were made (empty values left out).
func saveModel(c *cli.Context, rep trainReport, normalize bool, info map[string]string) error {
	path := c.String("save-model")
	if path == "" || len(rep.Summary.Runs) == 0 {
		return nil
	}
	meta := map[string]string{"task": rep.Task, "dataset": rep.Dataset, "seed": strconv.FormatUint(rep.Summary.Runs[0].Seed, 10), "command": rep.Command}
	for k, v := range info {
		if v != "" {
			meta[k] = v
		}
	}
	t := gnn.Trained{Model: rep.Summary.Runs[0].Model, Regression: rep.Regression, NormalizeRows: normalize, Info: meta}
	if err := t.Save(path); err != nil {
		return fmt.Errorf("train: --save-model: %w", err)
	}
	return nil
}

// withNodeAttributes reads the TU dataset d again with its node attributes
// before the one-hot node labels (--node-attributes); who starts the
// errors ("train: --node-attributes"). Other formats, and TU datasets
// without attributes, are usage errors.
func withNodeAttributes(d *datasets.GraphDataset, who string) (*datasets.GraphDataset, error) {
	if d.Meta.Format != "tu" || len(d.Meta.Files) == 0 {
		return nil, usagef("%s: only TU datasets have node attributes; %s is %q", who, d.Name, d.Meta.Format)
	}
	a := d.Meta.Files[0] // DIR/PREFIX_A.txt
	prefix, ok := strings.CutSuffix(filepath.Base(a), "_A.txt")
	if !ok {
		return nil, fmt.Errorf("%s: %s: not a TU adjacency file", who, a)
	}
	w, err := datasets.ReadTU(filepath.Dir(a), prefix, datasets.TUOptions{UseNodeAttributes: true})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", who, err)
	}
	if w.NumFeatures == d.NumFeatures {
		return nil, usagef("%s: %s has no node attributes (%s_node_attributes.txt)", who, d.Name, prefix)
	}
	w.Name = d.Name
	return w, nil
}

// foldSubset reads --fold-subset: distinct folds of 0..k-1 in increasing
// order, or nil when the flag is not set.
func foldSubset(c *cli.Context, k int) ([]int, error) {
	if !c.IsSet("fold-subset") {
		return nil, nil
	}
	fs, err := parseInts(c, "fold-subset")
	if err != nil {
		return nil, err
	}
	for i, f := range fs {
		if f < 0 || f >= k {
			return nil, usagef("train: --fold-subset=%q: fold %d is not in 0..%d (--folds %d)", c.String("fold-subset"), f, k-1, k)
		}
		if i > 0 && f <= fs[i-1] {
			return nil, usagef("train: --fold-subset=%q: give distinct folds in increasing order", c.String("fold-subset"))
		}
	}
	return fs, nil
}

// graphAttributesFile is the graph attributes file d was read from (TU's
// DS_graph_attributes.txt), the --out report's targets.
func graphAttributesFile(d *datasets.GraphDataset) string {
	for _, f := range d.Meta.Files {
		if strings.HasSuffix(f, "_graph_attributes.txt") {
			return f
		}
	}
	return "graph attributes"
}

// readTargets reads --targets for n samples (--task regression in the
// dataset mode) and records it in rep.
func readTargets(c *cli.Context, n int, rep *trainReport) ([]float64, error) {
	path := c.String("targets")
	if path == "" {
		return nil, usagef("train: --task regression needs --targets FILE (lines 'id value') in the dataset mode, unless a TU dataset ships real graph targets (DS_graph_attributes.txt)")
	}
	t, err := datasets.ReadTargets(path, n)
	if err != nil {
		return nil, fmt.Errorf("train: --targets: %w", err)
	}
	rep.Regression, rep.Targets = true, path
	return t, nil
}

// checkpointSettings records the settings of a job in dir/settings.json
// the first time, and refuses a directory whose recorded settings differ
// (resuming another job's checkpoints would mix two experiments).
func checkpointSettings(dir string, rep trainReport) error {
	if dir == "" {
		return nil
	}
	want, err := json.Marshal(struct {
		Dataset, Model, Task string
		Folds                int
		SplitSeed            uint64
		Config               any
		Targets              string `json:",omitempty"`
		FoldSubset           []int  `json:",omitempty"`
	}{rep.Dataset, rep.Model, rep.Task, rep.Folds, rep.SplitSeed, rep.Config, rep.Targets, rep.FoldSubset})
	if err != nil {
		return err
	}
	path := filepath.Join(dir, "settings.json")
	got, err := os.ReadFile(path)
	switch {
	case err == nil && !bytes.Equal(bytes.TrimSpace(got), want):
		return usagef("train: --checkpoint=%s holds checkpoints of other settings (%s), not %s: use another directory", dir, bytes.TrimSpace(got), want)
	case err == nil:
		return nil
	case !errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("train: --checkpoint: %w", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("train: --checkpoint: %w", err)
	}
	return atomicfile.WriteBytes(path, append(want, '\n'))
}

// trainErr explains an interruption (exit 130) and passes other errors on.
func trainErr(c *cli.Context, err error) error {
	if errors.Is(err, c.Context.Err()) && c.Context.Err() != nil {
		if dir := c.String("checkpoint"); dir != "" {
			return fmt.Errorf("%s: interrupted; checkpoints saved in %s: run the same command again to resume: %w", commandPath(c), dir, err)
		}
		return fmt.Errorf("%s: interrupted (no --checkpoint, nothing saved): %w", commandPath(c), err)
	}
	return fmt.Errorf("%s: %w", commandPath(c), err)
}

// datasetMetric is the default --metric of datasets whose benchmark ranks
// by another metric than accuracy (OGB's master.csv "eval metric").
var datasetMetric = map[string]train.Metric{"ogbg-molbace": train.MetricROCAUC}

// metricFlag reads --metric (default: datasetMetric[dataset], else
// accuracy) and, for a metric other than accuracy, makes val-metric the
// default --select.
func metricFlag(c *cli.Context, dataset string, m *train.Metric, sel *train.Select) error {
	if regression(c) {
		// MAE is the one regression metric; the MSE is the loss, and the
		// best epoch has the lowest validation MSE unless --select.
		if c.IsSet("metric") && c.String("metric") != "mae" {
			return usagef("train: --metric=%q: --task regression reports mae (and the MSE, its loss)", c.String("metric"))
		}
		if c.String("select") == "val-acc" {
			return usagef("train: --select val-acc: --task regression has no accuracy (val-loss, the MSE, or val-metric, the MAE)")
		}
		*m, *sel = train.MetricMAE, train.SelectValLoss
		return nil
	}
	*m = datasetMetric[dataset]
	if c.IsSet("metric") {
		v, err := train.ParseMetric(c.String("metric"))
		if err != nil || v == train.MetricMAE {
			return usagef("train: --metric=%q: not one of accuracy, roc-auc, ap, macro-f1 (mae is for --task regression)", c.String("metric"))
		}
		*m = v
	}
	if *m != train.MetricAccuracy {
		*sel = train.SelectValMetric
	}
	return nil
}

// nodeConfig applies the set flags to train.DefaultNodeConfig(kind) for
// the node dataset of that name ("" in the graph mode).
func nodeConfig(c *cli.Context, kind, dataset string) (train.NodeConfig, error) {
	cfg := train.DefaultNodeConfig(kind)
	if err := checkFlagScopes(c, kind, taskNode, ""); err != nil {
		return cfg, err
	}
	cfg.Seed = c.Uint64("seed")
	if err := modelFlags(c, &cfg.Hidden, &cfg.Model); err != nil {
		return cfg, err
	}
	if err := metricFlag(c, dataset, &cfg.Metric, &cfg.Select); err != nil {
		return cfg, err
	}
	keep, err := historyFlags(c)
	if err != nil {
		return cfg, err
	}
	cfg.KeepHistory = keep
	setFloat(c, "lr", &cfg.LR)
	setFloat(c, "weight-decay", &cfg.WeightDecay)
	setInt(c, "epochs", &cfg.Epochs)
	err = stopFlags(c, &cfg.Stop, &cfg.Window, &cfg.Patience, &cfg.Select, &cfg.RestoreBest)
	return cfg, err
}

// graphConfig applies the set flags to train.DefaultGraphConfig(kind)
// (train.DefaultGraphRegressionConfig with --task regression) for the graph
// dataset of that name.
func graphConfig(c *cli.Context, kind, dataset string) (train.GraphConfig, error) {
	cfg := train.DefaultGraphConfig(kind)
	if regression(c) {
		cfg = train.DefaultGraphRegressionConfig(kind)
	}
	cfg.Seed = c.Uint64("seed")
	if err := modelFlags(c, &cfg.Hidden, &cfg.Model); err != nil {
		return cfg, err
	}
	if err := metricFlag(c, dataset, &cfg.Metric, &cfg.Select); err != nil {
		return cfg, err
	}
	keep, err := historyFlags(c)
	if err != nil {
		return cfg, err
	}
	cfg.KeepHistory = keep
	setFloat(c, "lr", &cfg.LR)
	setFloat(c, "weight-decay", &cfg.WeightDecay)
	setInt(c, "epochs", &cfg.Epochs)
	setInt(c, "batch-size", &cfg.BatchSize)
	if c.IsSet("pool") {
		p, err := gnn.ParsePool(c.String("pool"))
		if err != nil {
			return cfg, usagef("train: --pool=%q: %v", c.String("pool"), err)
		}
		cfg.Model.Pool = p
	}
	if err := xuFlags(c, &cfg); err != nil {
		return cfg, err
	}
	err = stopFlags(c, &cfg.Stop, &cfg.Window, &cfg.Patience, &cfg.Select, &cfg.RestoreBest)
	return cfg, err
}

// xuFlags reads --batch-norm, --head, --lr-step, --lr-gamma and
// --steps-per-epoch, the options of Xu et al.'s GIN and training, refusing
// values the library would reject with a flag-level message.
func xuFlags(c *cli.Context, cfg *train.GraphConfig) error {
	if c.IsSet("steps-per-epoch") {
		if cfg.StepsPerEpoch = c.Int("steps-per-epoch"); cfg.StepsPerEpoch < 0 {
			return usagef("train: --steps-per-epoch=%d: must be at least 0 (0: one pass over the training graphs)", cfg.StepsPerEpoch)
		}
	}
	if c.IsSet("batch-norm") { // gin only: checkFlagScopes
		cfg.Model.BatchNorm = c.Bool("batch-norm")
	}
	if c.IsSet("head") {
		h, err := gnn.ParseHead(c.String("head"))
		if err != nil {
			return usagef("train: --head=%q: not mlp or jk-sum", c.String("head"))
		}
		cfg.Model.Head = h
	}
	if !c.IsSet("lr-gamma") && !c.IsSet("lr-step") {
		return nil // the model's default schedule
	}
	step, gamma := cfg.LRStep, c.Float64("lr-gamma")
	if c.IsSet("lr-step") {
		step = c.Int("lr-step")
	}
	switch {
	case step < 0:
		return usagef("train: --lr-step=%d: must be at least 0 (0: constant learning rate)", step)
	case step == 0 && c.IsSet("lr-gamma"):
		return usagef("train: --lr-gamma needs --lr-step N (the learning rate of %s is constant by default)", cfg.Kind)
	case !(gamma > 0 && gamma <= 1):
		return usagef("train: --lr-gamma=%v: not in (0,1]", gamma)
	case step > 0:
		cfg.LRStep, cfg.LRGamma = step, gamma
	default:
		cfg.LRStep, cfg.LRGamma = 0, 0
	}
	return nil
}

func modelFlags(c *cli.Context, hidden *int, m *gnn.ModelOptions) error {
	setInt(c, "width", hidden)
	setInt(c, "layers", &m.Layers)
	setFloat(c, "dropout", &m.Dropout)
	setFloat(c, "attn-dropout", &m.AttnDropout)
	setInt(c, "heads", &m.Heads)
	if c.Bool("decay-all") {
		m.DecayAll = true
	}
	if c.Bool("no-self-loops") {
		m.NoSelfLoops = true
	}
	return nil
}

func stopFlags(c *cli.Context, stop *train.StopRule, window, patience *int, sel *train.Select, restore *bool) error {
	if c.IsSet("patience") {
		*stop, *patience = train.StopPatience, c.Int("patience")
		if *patience == 0 {
			*stop = train.StopNone
		}
	}
	if c.IsSet("window") {
		*stop, *window = train.StopWindow, c.Int("window")
		if *window == 0 {
			*stop = train.StopNone
		}
	}
	if c.IsSet("select") {
		switch c.String("select") {
		case "val-acc":
			*sel = train.SelectValAcc
		case "val-loss":
			*sel = train.SelectValLoss
		case "val-metric":
			*sel = train.SelectValMetric
		default:
			return usagef("train: --select=%q: not val-acc, val-loss or val-metric", c.String("select"))
		}
	}
	if c.IsSet("restore-best") {
		*restore = c.Bool("restore-best")
	}
	return nil
}

func setInt(c *cli.Context, name string, v *int) {
	if c.IsSet(name) {
		*v = c.Int(name)
	}
}

func setFloat(c *cli.Context, name string, v *float64) {
	if c.IsSet(name) {
		*v = c.Float64(name)
	}
}

// configJSON is the configuration recorded in the report.
type configJSON struct {
	Hidden            int     `json:"hidden"`
	Layers            int     `json:"layers"`
	Dropout           float64 `json:"dropout"`
	AttnDropout       float64 `json:"attn_dropout,omitempty"`
	Heads             int     `json:"heads,omitempty"`
	DecayAll          bool    `json:"decay_all"`
	NoSelfLoops       bool    `json:"no_self_loops,omitempty"`
	LR                float64 `json:"lr"`
	WeightDecay       float64 `json:"weight_decay"`
	Epochs            int     `json:"epochs"`
	Stop              string  `json:"stop"`
	Select            string  `json:"select"`
	RestoreBest       bool    `json:"restore_best"`
	Seed              uint64  `json:"seed"`
	NormalizeFeatures bool    `json:"normalize_features,omitempty"`
	BatchSize         int     `json:"batch_size,omitempty"`
	Pool              string  `json:"pool,omitempty"`
	BatchNorm         bool    `json:"batch_norm,omitempty"`
	Head              string  `json:"head,omitempty"` // only when not the default mlp
	LRStep            int     `json:"lr_step,omitempty"`
	LRGamma           float64 `json:"lr_gamma,omitempty"`
	StepsPerEpoch     int     `json:"steps_per_epoch,omitempty"`
	Metric            string  `json:"metric,omitempty"` // only when not accuracy
	NodeAttributes    bool    `json:"node_attributes,omitempty"`
}

func stopString(s train.StopRule, window, patience int) string {
	switch s {
	case train.StopWindow:
		return "window:" + strconv.Itoa(window)
	case train.StopPatience:
		return "patience:" + strconv.Itoa(patience)
	}
	return "none"
}

func selectString(s train.Select) string {
	switch s {
	case train.SelectValLoss:
		return "val-loss"
	case train.SelectValMetric:
		return "val-metric"
	}
	return "val-acc"
}

func modelJSON(kind string, hidden int, m gnn.ModelOptions) configJSON {
	j := configJSON{Hidden: hidden, Layers: m.Layers, Dropout: m.Dropout, DecayAll: m.DecayAll, NoSelfLoops: m.NoSelfLoops}
	if j.Layers == 0 {
		j.Layers = 2
	}
	if kind == gnn.KindGAT {
		j.AttnDropout, j.Heads = m.AttnDropout, m.Heads
		if j.Heads == 0 {
			j.Heads = 8
		}
	}
	return j
}

func nodeConfigJSON(cfg train.NodeConfig, norm bool) configJSON {
	j := modelJSON(cfg.Kind, cfg.Hidden, cfg.Model)
	j.LR, j.WeightDecay, j.Epochs, j.Seed, j.NormalizeFeatures = cfg.LR, cfg.WeightDecay, cfg.Epochs, cfg.Seed, norm
	j.Stop, j.Select, j.RestoreBest = stopString(cfg.Stop, cfg.Window, cfg.Patience), selectString(cfg.Select), cfg.RestoreBest
	j.Metric = metricString(cfg.Metric)
	return j
}

// metricString is m's name, "" for accuracy (left out of the report).
func metricString(m train.Metric) string {
	if m == train.MetricAccuracy {
		return ""
	}
	return m.String()
}

func graphConfigJSON(cfg train.GraphConfig, nodeAttributes bool) configJSON {
	j := modelJSON(cfg.Kind, cfg.Hidden, cfg.Model)
	j.LR, j.WeightDecay, j.Epochs, j.Seed = cfg.LR, cfg.WeightDecay, cfg.Epochs, cfg.Seed
	j.Stop, j.Select, j.RestoreBest = stopString(cfg.Stop, cfg.Window, cfg.Patience), selectString(cfg.Select), cfg.RestoreBest
	j.BatchSize, j.Pool = cfg.BatchSize, cfg.Model.Pool.String()
	// Defaults are left out, so that the settings.json of checkpoint
	// directories written before these options still match.
	j.BatchNorm, j.LRStep, j.LRGamma, j.StepsPerEpoch = cfg.Model.BatchNorm, cfg.LRStep, cfg.LRGamma, cfg.StepsPerEpoch
	if cfg.Model.Head != gnn.HeadMLP {
		j.Head = cfg.Model.Head.String()
	}
	j.Metric = metricString(cfg.Metric)
	j.NodeAttributes = nodeAttributes
	return j
}

// commandLine reconstructs the command for the report.
func commandLine(c *cli.Context) string {
	// The flags as given, in the order of the flag list.
	line := "gnnwb " + commandPath(c)
	for _, f := range c.Command.Flags {
		name := f.Names()[0]
		if c.IsSet(name) && !isOldSpelling(c.Command, f) { // the new name is set too
			line += " --" + name + "=" + fmt.Sprint(c.Value(name))
		}
	}
	return line
}

// writeReportText prints one line per run and the mean ± std.
func writeReportText(w io.Writer, r trainReport) error {
	s := r.Summary
	m := s.Metric
	for _, run := range s.Runs {
		fmt.Fprintln(w, runLine(r, run))
	}
	over := fmt.Sprintf("%d seeds", len(s.Runs))
	if folds := r.Folds; folds > 0 {
		which := ""
		if r.FoldSubset != nil {
			folds, which = len(r.FoldSubset), fmt.Sprintf(" (%s of %d)", strings.Trim(strings.Join(strings.Fields(fmt.Sprint(r.FoldSubset)), ","), "[]"), r.Folds)
		}
		over = fmt.Sprintf("%d folds%s x %d seeds: std over folds; std over seeds of the CV mean %s", folds, which, len(s.Runs)/folds, scoreText(m, s.SeedStd))
	}
	_, err := fmt.Fprintf(w, "%s %s: test %v %s  (validation %s; mean ± std over %s)\n",
		r.Dataset, r.Model, m, meanStdText(m, s.TestMean, s.TestStd), meanStdText(m, s.ValMean, s.ValStd), over)
	if a := s.TestAcc; err == nil && a != nil {
		_, err = fmt.Fprintf(w, "%s %s: test accuracy %s\n", r.Dataset, r.Model, meanStdText(train.MetricAccuracy, a.Mean, a.Std))
	}
	if l := s.TestLoss; err == nil && l != nil {
		_, err = fmt.Fprintf(w, "%s %s: test mse %s\n", r.Dataset, r.Model, meanStdText(train.MetricMAE, l.Mean, l.Std))
	}
	if h := s.Healthy; err == nil && h != nil {
		if h.Runs == 0 {
			_, err = fmt.Fprintf(w, "%s %s: all %d runs collapsed (included above)\n", r.Dataset, r.Model, s.Collapsed)
		} else {
			_, err = fmt.Fprintf(w, "%s %s: %d of %d runs collapsed (included above); without them: test %v %s over %d runs\n",
				r.Dataset, r.Model, s.Collapsed, len(s.Runs), m, meanStdText(m, h.Mean, h.Std), h.Runs)
		}
	}
	if err == nil && r.Folds > 0 && s.CurveMax > 0 {
		_, err = fmt.Fprintf(w, "%s %s: best epoch of the mean test curve (Xu et al.'s protocol, chosen on the test folds, optimistic): %s at epoch %d\n",
			r.Dataset, r.Model, meanStdText(m, s.CurveMax, s.CurveStd), s.CurveEpoch)
	}
	return err
}

// runLine is the report's line of one run.
func runLine(r trainReport, run train.RunStats) string {
	prefix := fmt.Sprintf("seed %d", run.Seed)
	if r.Folds > 0 {
		prefix = fmt.Sprintf("fold %d seed %d", run.Fold, run.Seed)
	}
	collapse := ""
	if c := run.Collapse; c != nil {
		collapse = fmt.Sprintf("  COLLAPSED at epoch %d (%s)", c.Epoch, c.Reason)
	}
	scores := fmt.Sprintf("test %.2f%%  val %.2f%%", 100*run.TestAcc, 100*run.ValAcc)
	switch m := run.Metric; {
	case r.Regression:
		scores = fmt.Sprintf("test mse %.4g  mae %.4g  val mse %.4g  mae %.4g", run.TestLoss, run.TestMetric, run.ValLoss, run.ValMetric)
	case m != train.MetricAccuracy:
		scores = fmt.Sprintf("test %v %.4f  val %v %.4f  (accuracy: %s)", m, run.TestMetric, m, run.ValMetric, scores)
	}
	return fmt.Sprintf("%s: %s  epochs %d  best epoch %d%s", prefix, scores, run.Epochs, run.BestEpoch, collapse)
}

// reportRuns is the OnRun callback of a training job: each run's line on
// stderr as soon as the run ends when stderr is a log, not a terminal,
// through the job's progress reporter (--quiet silences it). r is read at
// each call.
func reportRuns(bar *progressBar, r *trainReport) func(train.RunStats, int, int) {
	return func(run train.RunStats, index, runs int) {
		bar.Println(fmt.Sprintf("train %s %s: run %d/%d: %s", r.Dataset, r.Model, index+1, runs, runLine(*r, run)))
	}
}

// meanStdText formats mean ± std of metric m: accuracies in percent,
// errors (mae, and the mse) to 4 significant digits, other metrics to 4
// decimals.
func meanStdText(m train.Metric, mean, std float64) string {
	switch m {
	case train.MetricAccuracy:
		return fmt.Sprintf("%.2f ± %.2f %%", 100*mean, 100*std)
	case train.MetricMAE:
		return fmt.Sprintf("%.4g ± %.4g", mean, std)
	}
	return fmt.Sprintf("%.4f ± %.4f", mean, std)
}

// scoreText formats a value of metric m as meanStdText does.
func scoreText(m train.Metric, v float64) string {
	switch m {
	case train.MetricAccuracy:
		return fmt.Sprintf("%.2f", 100*v)
	case train.MetricMAE:
		return fmt.Sprintf("%.4g", v)
	}
	return fmt.Sprintf("%.4f", v)
}

// collapseWhy explains the reasons of train.Collapse.
var collapseWhy = map[string]string{
	train.CollapseNonFinite: "the training loss became NaN or infinite; training stopped there",
	train.CollapseExploded:  fmt.Sprintf("the training loss exceeded %g times its initial value", train.CollapseLossFactor),
	train.CollapseConstant:  "every validation and test sample got the same prediction from then on",
}

// warnCollapsed writes one line per collapsed run of r to w.
func warnCollapsed(w io.Writer, r trainReport) {
	for _, run := range r.Summary.Runs {
		if c := run.Collapse; c != nil {
			which := fmt.Sprintf("seed %d", run.Seed)
			if r.Folds > 0 {
				which = fmt.Sprintf("fold %d %s", run.Fold, which)
			}
			fmt.Fprintf(w, "gnnwb: warning: train %s %s %s: collapsed at epoch %d: %s (%s)\n", r.Dataset, r.Model, which, c.Epoch, collapseWhy[c.Reason], c.Reason)
		}
	}
}

// finishReport warns of collapsed runs, prints r, draws --plot and, with
// --out, writes r (the per-epoch histories only with --history).
func finishReport(c *cli.Context, r trainReport) error {
	warnCollapsed(c.App.ErrWriter, r)
	if err := writeReportText(c.App.Writer, r); err != nil {
		return err
	}
	if path := c.String("plot"); path != "" {
		if err := plotHistory(path, r.Summary, r.Dataset, r.Model, r.Regression); err != nil {
			return err
		}
	}
	if !c.Bool("history") {
		runs := make([]train.RunStats, len(r.Summary.Runs))
		for k, run := range r.Summary.Runs {
			run.History = nil
			runs[k] = run
		}
		r.Summary.Runs = runs
	}
	if out := c.String("out"); out != "" {
		return writeReport(out, r)
	}
	return nil
}

// csvColumn is a score column of the CSV report: its name, its value for
// a run, and its mean and std rows ("" when not summarised).
type csvColumn struct {
	name      string
	run       func(train.RunStats) float64
	mean, std string
}

// csvColumns returns the score columns of r: test_acc and val_acc, then
// test_M and val_M for a metric M other than accuracy; in regression
// test_mse, val_mse, test_mae and val_mae.
func csvColumns(r trainReport) []csvColumn {
	s := r.Summary
	f := func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
	spread := func(p *train.Spread) (string, string) {
		if p == nil {
			return "", ""
		}
		return f(p.Mean), f(p.Std)
	}
	metric := []csvColumn{
		{"test_" + strings.ReplaceAll(s.Metric.String(), "-", "_"), func(r train.RunStats) float64 { return r.TestMetric }, f(s.TestMean), f(s.TestStd)},
		{"val_" + strings.ReplaceAll(s.Metric.String(), "-", "_"), func(r train.RunStats) float64 { return r.ValMetric }, f(s.ValMean), f(s.ValStd)},
	}
	switch {
	case s.Metric == train.MetricAccuracy:
		return []csvColumn{
			{"test_acc", func(r train.RunStats) float64 { return r.TestAcc }, f(s.TestMean), f(s.TestStd)},
			{"val_acc", func(r train.RunStats) float64 { return r.ValAcc }, f(s.ValMean), f(s.ValStd)},
		}
	case r.Regression:
		m, sd := spread(s.TestLoss)
		return append([]csvColumn{
			{"test_mse", func(r train.RunStats) float64 { return r.TestLoss }, m, sd},
			{"val_mse", func(r train.RunStats) float64 { return r.ValLoss }, "", ""},
		}, metric...)
	}
	m, sd := spread(s.TestAcc)
	return append([]csvColumn{
		{"test_acc", func(r train.RunStats) float64 { return r.TestAcc }, m, sd},
		{"val_acc", func(r train.RunStats) float64 { return r.ValAcc }, "", ""},
	}, metric...)
}

// writeReport writes r to path atomically: if path ends in .csv, the runs
// as CSV (one row per run) there and the summary (one row: the mean and
// std of every summarised score) to summaryPath(path); else indented JSON.
func writeReport(path string, r trainReport) error {
	if strings.EqualFold(filepath.Ext(path), ".csv") {
		cols := csvColumns(r)
		f := func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
		err := atomicfile.Write(path, func(w io.Writer) error {
			cw := csv.NewWriter(w)
			head := []string{"dataset", "model", "fold", "seed"}
			for _, c := range cols {
				head = append(head, c.name)
			}
			cw.Write(append(head, "epochs", "best_epoch", "stopped"))
			for _, run := range r.Summary.Runs {
				row := []string{r.Dataset, r.Model, strconv.Itoa(run.Fold), strconv.FormatUint(run.Seed, 10)}
				for _, c := range cols {
					row = append(row, f(c.run(run)))
				}
				cw.Write(append(row, strconv.Itoa(run.Epochs), strconv.Itoa(run.BestEpoch), strconv.FormatBool(run.Stopped)))
			}
			cw.Flush()
			return cw.Error()
		})
		if err != nil {
			return err
		}
		return atomicfile.Write(summaryPath(path), func(w io.Writer) error {
			cw := csv.NewWriter(w)
			head := []string{"dataset", "model", "runs"}
			row := []string{r.Dataset, r.Model, strconv.Itoa(len(r.Summary.Runs))}
			for _, c := range cols {
				if c.mean != "" {
					head = append(head, c.name+"_mean", c.name+"_std")
					row = append(row, c.mean, c.std)
				}
			}
			cw.Write(head)
			cw.Write(row)
			cw.Flush()
			return cw.Error()
		})
	}
	return atomicfile.Write(path, func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	})
}

// summaryPath is the summary CSV of the runs CSV path: runs.csv gives
// runs-summary.csv.
func summaryPath(path string) string {
	return strings.TrimSuffix(path, filepath.Ext(path)) + "-summary" + filepath.Ext(path)
}

// modelFeatures hands d's features to gnn without copying them (sparse stays
// sparse), row-normalised (a copy) when normalize is set.
func modelFeatures(d *datasets.NodeDataset, normalize bool) (gnn.Features, error) {
	if x := d.SparseX; x != nil {
		if normalize {
			x = x.RowNormalized()
		}
		return gnn.Features{Sparse: x}, nil
	}
	if normalize {
		X, err := gnn.RowNormalize(d.X, d.NumFeatures)
		return gnn.Features{Dense: X}, err
	}
	return gnn.Features{Dense: d.X}, nil
}

// degreeFeatures makes node features from degrees when the dataset has
// none (features = 0) as --degree-features asks, for the graphs gs (one
// for a node dataset): it returns them, their width and a description for
// the report. Without the flag, a dataset with features gets (nil,
// features, "": keep them) and one without a usage error.
func degreeFeatures(c *cli.Context, name string, features int, gs []graphs.Graph, node bool) ([]float64, int, string, error) {
	kind := c.String("degree-features")
	switch {
	case kind == "" && features > 0:
		return nil, features, "", nil
	case kind == "":
		return nil, 0, "", usagef("train: dataset %s has no node features: give --degree-features onehot (one-hot degree, as Xu et al.)%s raw (the degree, as Errica et al.)%s", name,
			map[bool]string{true: ",", false: " or"}[node], map[bool]string{true: " or log", false: ""}[node])
	case features > 0:
		return nil, 0, "", usagef("train: --degree-features is for datasets without node features; %s has %d", name, features)
	case kind == "onehot":
		X, d, err := datasets.OneHotDegree(gs, 0)
		if err != nil {
			return nil, 0, "", err
		}
		return X, d, fmt.Sprintf("one-hot degree 0..%d", d-1), nil
	case kind == "raw":
		return datasets.ScalarDegree(gs), 1, "degree", nil
	case kind == "log" && node:
		return datasets.DegreeFeatures(gs[0]), 2, "1, log(1+degree)/log(1+max degree)", nil
	}
	return nil, 0, "", usagef("train: --degree-features=%q: want onehot or raw%s", kind, map[bool]string{true: " or log", false: " (log is for node datasets)"}[node])
}

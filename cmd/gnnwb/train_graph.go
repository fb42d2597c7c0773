package main

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/gnnwb/gnnwb/datasets"
	"github.com/gnnwb/gnnwb/generators"
	"github.com/gnnwb/gnnwb/gnn"
	"github.com/gnnwb/gnnwb/gnn/train"
	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/graphs/graphio"
	"github.com/urfave/cli/v2"
)

// The graph mode of gnnwb train (--graph FILE or --generate SPEC): node
// classification with a standard GNN on a graph of one's own, read from
// files or sampled from a contextual SBM, with a random per-class split.
// The hyper-parameter flags, --split-per-class, --split-seed and
// --normalize-features are the dataset mode's (trainDatasetFlags), and the
// training is the same library call, train.RepeatNodes.

// graphSplitDefault is the default --split-per-class of the graph mode:
// 20 training and 30 validation nodes per class (Shchur et al. 2018).
var graphSplitDefault = [2]int{20, 30}

// trainGraphFlags are the flags that only the graph mode reads.
func trainGraphFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "graph", Usage: "graph mode: train on the graph `FILE`: an edge list, NetworkX edge list, GraphML or node-link JSON (needs --labels)", DefaultText: "none: the dataset mode"},
		graphFormatFlag(),
		&cli.BoolFlag{Name: "directed", Usage: "graph mode: read --graph as directed (u v is the edge u->v; node i aggregates over the u with u->i)"},
		&cli.StringFlag{Name: "labels", Usage: "graph mode: `FILE` of 'node label' lines, labels 0..C-1; nodes without a line are in no split", DefaultText: "none; required by --graph"},
		&cli.StringFlag{Name: "features", Usage: "graph mode: `FILE` of 'node f1 ... fd' lines, one per node", DefaultText: "1 and log(1+degree)/log(1+max degree)"},
		&cli.StringFlag{Name: "generate", Usage: "graph mode: train on a contextual SBM `SPEC` sbm:<sizes>:<probs>, e.g. sbm:100,100:0.1,0.01;0.01,0.1", DefaultText: "none: the dataset mode"},
		&cli.Float64Flag{Name: "feature-signal", Value: 1, Usage: "graph mode, --generate: class-mean `MU` of the features x_i = MU e_(y_i) + N(0, I)"},
		&cli.IntFlag{Name: "feature-dim", Usage: "graph mode, --generate: feature dimension `D` >= K (the first K carry the signal)", DefaultText: "K, the number of blocks"},
		&cli.Uint64Flag{Name: "data-seed", Usage: "graph mode, --generate: seed of the sampled graph and features (fixed over --runs)"},
	}
}

// graphModeOnly are the graph-mode flags other than the two that choose the
// mode, refused by the other modes.
var graphModeOnly = []string{"directed", "format", "labels", "features", "feature-signal", "feature-dim", "data-seed"}

// rejectGraphFlags refuses graph-mode flags in the dataset mode.
func rejectGraphFlags(c *cli.Context) error {
	for _, name := range graphModeOnly {
		if c.IsSet(name) {
			return usagef("train: --%s is a graph-mode flag (with --graph or --generate)", name)
		}
	}
	return nil
}

// graphData describes the data of a graph-mode run in the report and in the
// checkpoint settings.
type graphData struct {
	Graph         string  `json:"graph,omitempty"`
	Format        string  `json:"format,omitempty"`
	Directed      bool    `json:"directed,omitempty"`
	Labels        string  `json:"labels,omitempty"`
	Features      string  `json:"features"` // a file, "degree" or "csbm"
	Generate      string  `json:"generate,omitempty"`
	FeatureSignal float64 `json:"feature_signal,omitempty"`
	DataSeed      uint64  `json:"data_seed,omitempty"`
	Nodes         int     `json:"nodes"`
	Edges         int     `json:"edges"`
	Classes       int     `json:"classes"`
	Labelled      int     `json:"labelled"`
	FeatureDim    int     `json:"feature_dim"`
	SplitPerClass [2]int  `json:"split_per_class"`
}

// graphConfigReport is the "config" of a graph-mode report: the training
// configuration and the data.
type graphConfigReport struct {
	configJSON
	Data graphData `json:"data"`
}

// trainGraph is the graph mode: flags → graph, features, labels and split,
// then one train.RepeatNodes call.
func trainGraph(c *cli.Context) error {
	switch {
	case c.IsSet("graph") && c.IsSet("generate"):
		return usagef("train: give --graph or --generate, not both")
	case c.IsSet("dataset"):
		return usagef("train: give one of --dataset, --graph or --generate")
	case c.IsSet("root"):
		return usagef("train: --root is a dataset-mode flag, not for --graph or --generate")
	case c.IsSet("degree-features"):
		return usagef("train: --degree-features is a dataset-mode flag; --graph without --features uses degree features already")
	case c.IsSet("targets"):
		return usagef("train: --targets is a dataset-mode flag; the graph mode reads regression targets from --labels")
	case c.IsSet("generate") && regression(c):
		return usagef("train: --generate samples class labels; --task regression needs --graph with --labels of real values")
	}
	kind, err := modelKind(c)
	if err != nil {
		return err
	}
	cfg, err := nodeConfig(c, kind, "")
	if err != nil {
		return err
	}
	data := graphData{SplitPerClass: graphSplitDefault}
	if c.IsSet("split-per-class") {
		counts, err := parseInts(c, "split-per-class")
		if err != nil {
			return err
		}
		if len(counts) != 2 {
			return usagef("train: --split-per-class=%q: want two counts TRAIN,VAL", c.String("split-per-class"))
		}
		data.SplitPerClass = [2]int{counts[0], counts[1]}
	}
	var (
		g       graphs.Graph
		X       []float64
		y       []int32
		targets []float64 // regression
	)
	if c.IsSet("graph") {
		g, X, y, targets, err = graphFromFiles(c, &data)
	} else {
		g, X, y, err = graphFromSpec(c, &data)
	}
	if err != nil {
		return err
	}
	data.Nodes, data.Edges, data.FeatureDim = g.NumNodes(), g.NumEdges(), len(X)/max(g.NumNodes(), 1)
	if targets != nil {
		y = labelledMask(targets) // one class: the split counts are of all labelled nodes
	}
	var split train.Split
	if split.Train, split.Val, split.Test, err = datasets.PerClassSplit(y, data.SplitPerClass[0], data.SplitPerClass[1], c.Uint64("split-seed")); err != nil {
		return usagef("train: --split-per-class=%d,%d: %v", data.SplitPerClass[0], data.SplitPerClass[1], err)
	}
	for _, c := range y {
		if c >= 0 {
			data.Labelled++
			data.Classes = max(data.Classes, int(c)+1)
		}
	}
	if targets != nil {
		data.Classes = 0
	}
	// Unlabelled nodes (y = -1) are in no split: any class will do for
	// train.Nodes, which never reads it.
	yTrain := make([]int32, len(y))
	for i, c := range y {
		yTrain[i] = max(c, 0)
	}
	// Row normalisation suits non-negative bag-of-words features; here it
	// is off unless asked for (the CSBM features are Gaussian).
	norm := c.IsSet("normalize-features") && c.Bool("normalize-features")
	if norm {
		if X, err = gnn.RowNormalize(X, data.FeatureDim); err != nil {
			return err
		}
	}
	name := data.Graph
	if name == "" {
		name = data.Generate
	}
	rep := trainReport{Dataset: name, Model: kind, Task: "node", Regression: targets != nil, SplitSeed: c.Uint64("split-seed"), Command: commandLine(c)}
	rep.Config = graphConfigReport{nodeConfigJSON(cfg, norm), data}
	ckpt := c.String("checkpoint")
	if err := cfg.Validate(g.NumNodes(), data.FeatureDim); err != nil {
		return err
	}
	if err := train.ValidateRuns(c.Int("runs"), cfg.Epochs, cfg.KeepHistory); err != nil {
		return err
	}
	if err := checkpointSettings(ckpt, rep); err != nil {
		return err
	}
	classes := fmt.Sprintf("%d classes", data.Classes)
	if targets != nil {
		classes = "real targets"
	}
	fmt.Fprintf(c.App.Writer, "%s: %d nodes, %d edges, %s, %d labelled, %d features (%s); split %d train, %d val, %d test\n",
		name, data.Nodes, data.Edges, classes, data.Labelled, data.FeatureDim, data.Features, len(split.Train), len(split.Val), len(split.Test))
	bar := newProgress(c, fmt.Sprintf("train %s %s", name, kind))
	cfg.Progress, cfg.OnRun = bar.Update, reportRuns(bar, &rep)
	cfg.KeepModels = c.IsSet("save-model")
	if targets != nil {
		rep.Summary, err = train.RepeatNodes(c.Context, cfg, c.Int("runs"), ckpt, g, gnn.Features{Dense: X}, targets, split)
	} else {
		rep.Summary, err = train.RepeatNodes(c.Context, cfg, c.Int("runs"), ckpt, g, gnn.Features{Dense: X}, yTrain, split)
	}
	bar.Done()
	if err != nil {
		return trainErr(c, err)
	}
	info := map[string]string{"graph": data.Graph, "format": data.Format, "features": data.Features, "generate": data.Generate}
	if data.Directed {
		info["directed"] = "true"
	}
	if err := saveModel(c, rep, norm, info); err != nil {
		return err
	}
	return finishReport(c, rep)
}

// graphFromFiles reads --graph, --labels (class labels, or real targets
// for --task regression) and --features (or makes degree features).
func graphFromFiles(c *cli.Context, data *graphData) (g graphs.Graph, X []float64, y []int32, targets []float64, err error) {
	for _, name := range []string{"feature-signal", "feature-dim", "data-seed"} {
		if c.IsSet(name) {
			return g, nil, nil, nil, usagef("train: --%s is for --generate, not --graph", name)
		}
	}
	if !c.IsSet("labels") {
		return g, nil, nil, nil, usagef("train: --graph needs --labels FILE (lines 'node label', or 'node value' with --task regression)")
	}
	data.Graph, data.Directed, data.Labels = c.String("graph"), c.Bool("directed"), c.String("labels")
	opt, err := graphReadOptions(c, "format", data.Directed)
	if err != nil {
		return g, nil, nil, nil, err
	}
	data.Format = string(opt.Format)
	var ids []string // the graph file's node ids; nil: 0..n-1
	if g, ids, err = graphio.Read(data.Graph, opt); err != nil {
		return g, nil, nil, nil, fmt.Errorf("train: --graph: %w", err)
	}
	if regression(c) {
		targets, err = datasets.ReadTargetsIDs(data.Labels, g.NumNodes(), ids)
	} else {
		y, err = datasets.ReadNodeLabelsIDs(data.Labels, g.NumNodes(), ids)
	}
	if err != nil {
		return g, nil, nil, nil, fmt.Errorf("train: --labels: %w", err)
	}
	if data.Features = c.String("features"); data.Features != "" {
		if X, _, err = datasets.ReadNodeFeaturesIDs(data.Features, g.NumNodes(), ids); err != nil {
			return g, nil, nil, nil, fmt.Errorf("train: --features: %w", err)
		}
	} else {
		data.Features, X = "degree", datasets.DegreeFeatures(g)
	}
	return g, X, y, targets, nil
}

// graphFromSpec samples the contextual SBM of --generate.
func graphFromSpec(c *cli.Context, data *graphData) (graphs.Graph, []float64, []int32, error) {
	for _, name := range []string{"directed", "format", "labels", "features"} {
		if c.IsSet(name) {
			return graphs.Graph{}, nil, nil, usagef("train: --%s is for --graph, not --generate", name)
		}
	}
	data.Generate = c.String("generate")
	sizes, probs, err := parseSBMSpec(data.Generate)
	if err != nil {
		return graphs.Graph{}, nil, nil, usagef("train: --generate=%q: %v", data.Generate, err)
	}
	dim := len(sizes)
	setInt(c, "feature-dim", &dim)
	data.Features, data.FeatureSignal, data.DataSeed = "csbm", c.Float64("feature-signal"), c.Uint64("data-seed")
	g, X, y, err := generators.ContextualSBM(sizes, probs, dim, data.FeatureSignal, rand.New(rand.NewPCG(data.DataSeed, 0)))
	if err != nil {
		return graphs.Graph{}, nil, nil, usagef("train: --generate=%q --feature-dim=%d --feature-signal=%v: %v", data.Generate, dim, data.FeatureSignal, err)
	}
	return g, X, y, nil
}

// parseSBMSpec parses "sbm:<sizes>:<probs>": comma-separated block sizes
// and the probability matrix, rows separated by ';' and entries by ','.
func parseSBMSpec(spec string) ([]int, [][]float64, error) {
	parts := strings.Split(spec, ":")
	if len(parts) != 3 || parts[0] != "sbm" {
		return nil, nil, fmt.Errorf("want sbm:<sizes>:<probs>, e.g. sbm:100,100:0.1,0.01;0.01,0.1")
	}
	var sizes []int
	for k, f := range strings.Split(parts[1], ",") {
		v, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || v < 1 {
			return nil, nil, fmt.Errorf("block size %d (%q) is not a positive integer", k+1, f)
		}
		sizes = append(sizes, v)
	}
	var probs [][]float64
	for r, row := range strings.Split(parts[2], ";") {
		var vals []float64
		for k, f := range strings.Split(row, ",") {
			v, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
			if err != nil {
				return nil, nil, fmt.Errorf("probs row %d entry %d (%q) is not a number", r+1, k+1, f)
			}
			vals = append(vals, v)
		}
		probs = append(probs, vals)
	}
	if len(probs) != len(sizes) {
		return nil, nil, fmt.Errorf("%d blocks but %d probability rows", len(sizes), len(probs))
	}
	return sizes, probs, nil
}

// graphModeHelp is the graph mode's part of the train command's description.
const graphModeHelp = "Graph mode (--graph FILE or --generate SPEC): node classification with the dataset mode's models,\n" +
	"hyper-parameters and defaults on a graph of your own. --graph reads an edge list (ids 0..n-1,\n" +
	"a '# Nodes: N' header keeps isolated nodes; SNAP's sparse ids are mapped), NetworkX's edge list, GraphML or\n" +
	"node-link JSON, by extension or --format; the node fields of --labels and --features are the file's ids.\n" +
	"--labels holds lines 'node label' (labels 0..C-1; nodes\n" +
	"without a line are unlabelled and in no split), --features lines 'node f1 ... fd' (default: two\n" +
	"features, 1 and log(1+degree)/log(1+max degree)). --generate sbm:<sizes>:<probs> samples a\n" +
	"contextual SBM (Deshpande et al. 2018; generators.ContextualSBM): labels are the blocks and\n" +
	"features x_i = MU e_(y_i) + N(0, I_D) with MU = --feature-signal, D = --feature-dim, from\n" +
	"--data-seed. The split is random, --split-per-class TRAIN,VAL nodes of every class (default 20,30)\n" +
	"and the rest test, from --split-seed. Features are not row-normalised unless --normalize-features.\n" +
	"With --task regression, --labels holds lines 'node value' of real targets, the model minimises the\n" +
	"mean squared error, MSE and MAE are reported, and --split-per-class counts all labelled nodes as one class."

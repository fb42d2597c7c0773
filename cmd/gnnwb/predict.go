package main

import (
	"fmt"
	"io"
	"strconv"

	"github.com/gnnwb/gnnwb/datasets"
	"github.com/gnnwb/gnnwb/gnn"
	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/graphs/graphio"
	"github.com/gnnwb/gnnwb/internal/atomicfile"
	"github.com/urfave/cli/v2"
)

func init() { commands = append(commands, predictCommand) }

func predictCommand() *cli.Command {
	return &cli.Command{
		Name:  "predict",
		Usage: "apply a model saved by gnnwb train --save-model: class probabilities and embeddings as CSV",
		UsageText: "gnnwb predict --model FILE --dataset NAME [--root DIR] [--out FILE] [--embeddings FILE]\n" +
			"gnnwb predict --model FILE --graph FILE [--format NAME] [--directed] [--features FILE] [--out FILE] [--embeddings FILE]",
		Description: "Writes one row per node (node models) or per graph (graph models): the id (the node's id in\n" +
			"--graph, else the node's or graph's index), prob_<class> for every class and the predicted class;\n" +
			"value_<k> for a regression model. --embeddings writes the last hidden layer: id, emb_0, emb_1, ....\n" +
			"Features are made as in training: the dataset's own (or the degree features the model was trained\n" +
			"with), normalised as in training; for --graph, --features FILE (lines 'node f1 ... fd' by the\n" +
			"graph file's ids) or the two degree features of the graph mode. A model trained with train\n" +
			"--node-attributes reads the TU dataset's node attributes again, before its one-hot node labels,\n" +
			"and refuses a dataset with other counts of those columns; a --graph file then needs --features.",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "model", Usage: "model `FILE` written by gnnwb train --save-model (required)"},
			&cli.StringFlag{Name: "dataset", Usage: "predict for the dataset `NAME` (this or --graph is required)"},
			rootFlag(),
			&cli.StringFlag{Name: "graph", Usage: "predict for the graph `FILE` (an edge list, NetworkX edge list, GraphML or node-link JSON; this or --dataset is required)"},
			graphFormatFlag(),
			&cli.BoolFlag{Name: "directed", Usage: "read an edge-list --graph as directed"},
			&cli.StringFlag{Name: "features", Usage: "--graph: `FILE` of 'node f1 ... fd' lines", DefaultText: "1 and log(1+degree)/log(1+max degree)"},
			&cli.StringFlag{Name: "out", Usage: "write the predictions CSV to `FILE` (atomically)", DefaultText: "stdout"},
			&cli.StringFlag{Name: "embeddings", Usage: "write the embeddings CSV to `FILE` (atomically)", DefaultText: "none: not written"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return usagef("predict: unexpected argument %q", c.Args().First())
			}
			if !c.IsSet("model") {
				return usagef("predict: --model FILE is required")
			}
			if c.IsSet("dataset") == c.IsSet("graph") {
				return usagef("predict: give one of --dataset NAME or --graph FILE")
			}
			if c.IsSet("dataset") {
				for _, name := range []string{"format", "directed", "features"} {
					if c.IsSet(name) {
						return usagef("predict: --%s is for --graph, not --dataset", name)
					}
				}
			} else if c.IsSet("root") {
				return usagef("predict: --root is for --dataset, not --graph")
			}
			tm, err := gnn.Load(c.String("model"))
			if err != nil {
				return fmt.Errorf("predict: --model: %w", err)
			}
			b, x, ids, err := predictInput(c, tm)
			if err != nil {
				return err
			}
			p, err := tm.Predict(b, x)
			if err != nil {
				return fmt.Errorf("predict: %w", err)
			}
			if p.Rows != len(ids) && ids != nil {
				ids = nil
			}
			classes := tm.ClassNames()
			write := func(w io.Writer) error { return p.WriteCSV(w, ids, classes) }
			if path := c.String("out"); path != "" {
				err = atomicfile.Write(path, write)
			} else {
				err = write(c.App.Writer)
			}
			if err != nil {
				return fmt.Errorf("predict: --out: %w", err)
			}
			if path := c.String("embeddings"); path != "" {
				if err := atomicfile.Write(path, func(w io.Writer) error { return p.WriteEmbeddingsCSV(w, ids) }); err != nil {
					return fmt.Errorf("predict: --embeddings: %w", err)
				}
			}
			return nil
		},
	}
}

// predictInput reads the data to predict for and makes its features as
// the model's training did (tm.Info). ids are the rows' names: the graph
// file's node ids (nil: indices).
func predictInput(c *cli.Context, tm *gnn.Trained) (*gnn.Batch, gnn.Features, []string, error) {
	graphLevel := tm.Info["task"] == "graph"
	if c.IsSet("graph") {
		if f := tm.Info["features"]; !c.IsSet("features") && f != "" && f != "degree" {
			return nil, gnn.Features{}, nil, usagef("predict: the model was trained on the features of %s: give --features FILE with the same columns", f)
		}
		if a := tm.Info["node_attributes"]; !c.IsSet("features") && a != "" {
			return nil, gnn.Features{}, nil, usagef("predict: the model was trained on %s's %s node attributes and %s one-hot node label columns (train --node-attributes), which a --graph file does not hold: give --features FILE with those columns in that order, or --dataset %s",
				tm.Info["dataset"], a, tm.Info["node_label_columns"], tm.Info["dataset"])
		}
		opt, err := graphReadOptions(c, "format", c.Bool("directed"))
		if err != nil {
			return nil, gnn.Features{}, nil, err
		}
		g, ids, err := graphio.Read(c.String("graph"), opt)
		if err != nil {
			return nil, gnn.Features{}, nil, fmt.Errorf("predict: --graph: %w", err)
		}
		// Without --features: the degree features the model was trained
		// with (graph datasets' onehot or raw), else the graph mode's.
		X := datasets.DegreeFeatures(g)
		switch tm.Info["degree_features"] {
		case "onehot":
			maxDeg, _ := strconv.Atoi(tm.Info["max_degree"])
			if X, _, err = datasets.OneHotDegree([]graphs.Graph{g}, maxDeg); err != nil {
				return nil, gnn.Features{}, nil, fmt.Errorf("predict: --graph: %w", err)
			}
		case "raw":
			X = datasets.ScalarDegree([]graphs.Graph{g})
		}
		if path := c.String("features"); path != "" {
			if X, _, err = datasets.ReadNodeFeaturesIDs(path, g.NumNodes(), ids); err != nil {
				return nil, gnn.Features{}, nil, fmt.Errorf("predict: --features: %w", err)
			}
		}
		if graphLevel {
			ids = []string{c.String("graph")}
		}
		return gnn.NewBatch(g), gnn.Features{Dense: X}, ids, nil
	}
	ds, err := datasets.Load(c.String("dataset"), c.String("root"))
	if err != nil {
		return nil, gnn.Features{}, nil, datasetErr(c, err)
	}
	if tm.Info["node_attributes"] != "" {
		if ds, err = predictNodeAttributes(ds, tm); err != nil {
			return nil, gnn.Features{}, nil, err
		}
	}
	deg := tm.Info["degree_features"]
	switch d := ds.(type) {
	case *datasets.NodeDataset:
		x := gnn.Features{Dense: d.X, Sparse: d.SparseX}
		if d.SparseX != nil {
			x.Dense = nil
		}
		switch deg {
		case "onehot":
			X, _, err := datasets.OneHotDegree([]graphs.Graph{d.Graph}, 0)
			if err != nil {
				return nil, gnn.Features{}, nil, err
			}
			x = gnn.Features{Dense: X}
		case "raw":
			x = gnn.Features{Dense: datasets.ScalarDegree([]graphs.Graph{d.Graph})}
		case "log":
			x = gnn.Features{Dense: datasets.DegreeFeatures(d.Graph)}
		}
		return gnn.NewBatch(d.Graph), x, nil, nil
	case *datasets.GraphDataset:
		X := d.X
		switch deg {
		case "onehot":
			maxDeg, _ := strconv.Atoi(tm.Info["max_degree"])
			if X, _, err = datasets.OneHotDegree(d.Graphs, maxDeg); err != nil {
				return nil, gnn.Features{}, nil, err
			}
		case "raw":
			X = datasets.ScalarDegree(d.Graphs)
		}
		b, err := gnn.Join(d.Graphs)
		if err != nil {
			return nil, gnn.Features{}, nil, err
		}
		return b, gnn.Features{Dense: X}, nil, nil
	}
	return nil, gnn.Features{}, nil, fmt.Errorf("predict: dataset %s: %T: %w", c.String("dataset"), ds, graphs.ErrUnsupported)
}

// predictNodeAttributes reads the TU graph dataset ds again with its node
// attributes before the one-hot node labels, as train --node-attributes
// did for tm, and refuses a dataset whose attribute or label columns are
// not as many as the model's training had: those features would not be
// the ones the model learnt on.
func predictNodeAttributes(ds datasets.Dataset, tm *gnn.Trained) (datasets.Dataset, error) {
	attrs, err1 := strconv.Atoi(tm.Info["node_attributes"])
	labels, err2 := strconv.Atoi(tm.Info["node_label_columns"])
	if err1 != nil || err2 != nil {
		return nil, fmt.Errorf("predict: --model: node_attributes=%q, node_label_columns=%q: not counts of columns: %w",
			tm.Info["node_attributes"], tm.Info["node_label_columns"], graphs.ErrFormat)
	}
	d, ok := ds.(*datasets.GraphDataset)
	if !ok {
		return nil, usagef("predict: the model was trained on a graph dataset's node attributes (train --node-attributes); %s is a node dataset", ds.Stats().Name)
	}
	if d.NumFeatures != labels {
		return nil, usagef("predict: the model was trained on %d one-hot node label columns of %s; the %s read here has %d", labels, tm.Info["dataset"], d.Name, d.NumFeatures)
	}
	w, err := withNodeAttributes(d, "predict: the model was trained with train --node-attributes")
	if err != nil {
		return nil, err
	}
	if got := w.NumFeatures - labels; got != attrs {
		return nil, usagef("predict: the model was trained on %d node attributes of %s; the %s read here has %d", attrs, tm.Info["dataset"], d.Name, got)
	}
	return w, nil
}

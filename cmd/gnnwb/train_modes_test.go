package main

import (
	"slices"
	"strings"
	"testing"
)

// TestTrainForeignFlags: in each mode of gnnwb train (a graph dataset, a
// node dataset, a graph file, a generated contextual SBM), every flag of
// another mode is refused: exit 2, one line naming the flag and the mode it
// belongs to. The online model's flags point to gnnwb online.
func TestTrainForeignFlags(t *testing.T) {
	tu := tinyTU(t)
	gf, lf, xf := writeRegressionFiles(t)
	targets := tinyTUTargets(t, 16)
	spec := "sbm:20,20:0.3,0.05;0.05,0.3"
	graphMode := map[string][]string{ // flags of --graph and --generate
		"directed": {"--directed"}, "format": {"--format", "edgelist"}, "labels": {"--labels", lf}, "features": {"--features", xf},
		"feature-signal": {"--feature-signal", "2"}, "feature-dim": {"--feature-dim", "3"}, "data-seed": {"--data-seed", "2"},
	}
	graphDatasets := map[string][]string{ // flags only graph datasets read
		"folds": {"--folds", "2"}, "batch-size": {"--batch-size", "4"}, "pool": {"--pool", "max"}, "batch-norm": {"--batch-norm=false"},
		"head": {"--head", "mlp"}, "lr-step": {"--lr-step", "5"}, "lr-gamma": {"--lr-gamma", "0.5"}, "steps-per-epoch": {"--steps-per-epoch", "3"},
		"node-attributes": {"--node-attributes"}, "fold-subset": {"--fold-subset", "0"},
	}
	datasetMode := map[string][]string{"root": {"--root", tu}, "degree-features": {"--degree-features", "onehot"}, "targets": {"--targets", targets}}
	online := map[string][]string{"graphon": {"--graphon", "product"}, "quadrature": {"--quadrature", "3"}, "eval-points": {"--eval-points", "3"}, "n": {"--n", "10"}, "sampler": {"--sampler", "ego"}}
	type mode struct {
		name string
		base []string
		// foreign flags, by the words the refusal must hold besides --flag
		foreign map[string]map[string][]string
	}
	modes := []mode{
		{"graph dataset", []string{"--dataset", "mutag", "--root", tu, "--epochs", "1", "--width", "4", "--folds", "2"}, map[string]map[string][]string{
			"graph-mode flag":     graphMode,
			"node classification": {"split-per-class": {"--split-per-class", "2,2"}, "normalize-features": {"--normalize-features"}},
			"gnnwb online":        online,
		}},
		{"graph file", []string{"--graph", gf, "--labels", lf, "--task", "regression", "--epochs", "1", "--split-per-class", "60,20"}, map[string]map[string][]string{
			"for --generate":     {"feature-signal": graphMode["feature-signal"], "feature-dim": graphMode["feature-dim"], "data-seed": graphMode["data-seed"]},
			"dataset-mode flag":  {"root": datasetMode["root"], "degree-features": datasetMode["degree-features"], "targets": datasetMode["targets"]},
			"for graph datasets": graphDatasets,
			"give one of":        {"dataset": {"--dataset", "mutag"}},
			"gnnwb online":       online,
		}},
		{"generate", []string{"--generate", spec, "--feature-dim", "4", "--epochs", "1", "--split-per-class", "5,5"}, map[string]map[string][]string{
			"for --graph":        {"directed": graphMode["directed"], "format": graphMode["format"], "labels": graphMode["labels"], "features": graphMode["features"]},
			"dataset-mode flag":  {"root": datasetMode["root"], "degree-features": datasetMode["degree-features"]},
			"for graph datasets": graphDatasets,
			"gnnwb online":       online,
		}},
	}
	for _, m := range modes {
		for words, flags := range m.foreign {
			for name, args := range flags {
				t.Run(m.name+"/"+name, func(t *testing.T) {
					all := append(append([]string{"train"}, m.base...), args...)
					code, stdout, stderr := gnnwb(t, all...)
					if code != 2 || stdout != "" || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, "--"+name) || !strings.Contains(stderr, words) {
						t.Errorf("%q: code %d, stdout %q, stderr %q (want exit 2, one line naming --%s and %q)", all, code, stdout, stderr, name, words)
					}
				})
			}
		}
	}
	// A node dataset (from the shared data, when present): the graph
	// datasets' flags, and --split-seed without --split-per-class.
	t.Run("node dataset", func(t *testing.T) {
		root := sharedData(t, "karate")
		base := []string{"train", "--dataset", "karate", "--root", root, "--split-per-class", "2,3", "--epochs", "1"}
		for name, args := range graphDatasets {
			code, _, stderr := gnnwb(t, append(append([]string{}, base...), args...)...)
			if code != 2 || !strings.Contains(stderr, "--"+name) || !strings.Contains(stderr, "graph datasets") {
				t.Errorf("--%s: code %d, stderr %q", name, code, stderr)
			}
		}
		code, _, stderr := gnnwb(t, "train", "--dataset", "karate", "--root", root, "--split-seed", "3", "--epochs", "1")
		if code != 2 || !strings.Contains(stderr, "--split-seed is for --split-per-class") {
			t.Errorf("--split-seed alone: code %d, stderr %q", code, stderr)
		}
	})
}

// TestTrainFlagScopes: every model (gcn, sage, gin, gat) on each task (a
// graph dataset, node classification on a generated contextual SBM)
// refuses every flag of trainFlagScopes that it does not read: exit 2, one
// line naming the flag and the models or task it belongs to. The flags it
// does read are accepted (one epoch).
func TestTrainFlagScopes(t *testing.T) {
	tu := tinyTU(t)
	values := map[string][]string{
		"heads": {"--heads", "2"}, "attn-dropout": {"--attn-dropout", "0.1"}, "no-self-loops": {"--no-self-loops"},
		"batch-norm": {"--batch-norm=false"}, "split-per-class": {"--split-per-class", "5,5"}, "normalize-features": {"--normalize-features"},
		"batch-size": {"--batch-size", "4"}, "folds": {"--folds", "2"}, "pool": {"--pool", "max"}, "head": {"--head", "mlp"},
		"lr-step": {"--lr-step", "5"}, "lr-gamma": {"--lr-gamma", "0.5"}, "steps-per-epoch": {"--steps-per-epoch", "3"},
		"node-attributes": {"--node-attributes"}, "fold-subset": {"--fold-subset", "1"},
	}
	tasks := []struct {
		task string
		base []string
	}{
		{taskGraph, []string{"--dataset", "mutag", "--root", tu, "--epochs", "1", "--width", "4", "--folds", "2", "--layers", "1"}},
		{taskNode, []string{"--generate", "sbm:10,10:0.3,0.05;0.05,0.3", "--feature-dim", "4", "--epochs", "1", "--width", "4", "--split-per-class", "3,3"}},
	}
	for name := range trainFlagScopes {
		if values[name] == nil {
			t.Fatalf("--%s: add a value to this test", name)
		}
	}
	for _, tc := range tasks {
		for _, model := range []string{"gcn", "sage", "gin", "gat"} {
			for name, s := range trainFlagScopes {
				var words string
				switch {
				case s.task == taskNode && tc.task != taskNode:
					words = "node classification"
				case s.task == taskGraph && tc.task != taskGraph:
					words = "graph datasets"
				case s.models != nil && !slices.Contains(s.models, model):
					words = "--model " + strings.Join(s.models, " or ")
				}
				t.Run(tc.task+"/"+model+"/"+name, func(t *testing.T) {
					args := append(append([]string{"train", "--model", model}, tc.base...), values[name]...)
					if words == "" { // in scope: accepted, except that the test's folds or lr-gamma need company
						switch name {
						case "folds", "split-per-class", "node-attributes":
							return // in the base already, or not in the tiny dataset
						case "lr-gamma":
							args = append(args, "--lr-step", "5")
						}
						if code, _, stderr := gnnwb(t, args...); code != 0 {
							t.Errorf("%q: code %d, stderr %q (want accepted)", args, code, stderr)
						}
						return
					}
					code, stdout, stderr := gnnwb(t, args...)
					if code != 2 || stdout != "" || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, "--"+name+" ") || !strings.Contains(stderr, words) {
						t.Errorf("%q: code %d, stdout %q, stderr %q (want exit 2, one line naming --%s and %q)", args, code, stdout, stderr, name, words)
					}
				})
			}
		}
	}
}

package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeRegressionFiles writes the CSBM graph of writeCSBMFiles with real
// node targets, the mean over neighbours of feature 0, every fifth node
// without a line.
func writeRegressionFiles(t *testing.T) (graphFile, targetFile, featureFile string) {
	t.Helper()
	gf, _, xf, _ := writeCSBMFiles(t, false)
	b, err := os.ReadFile(xf)
	if err != nil {
		t.Fatal(err)
	}
	var x0 []float64
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var i int
		var a, bb, c float64
		if _, err := fmt.Sscan(line, &i, &a, &bb, &c); err != nil {
			t.Fatal(err)
		}
		x0 = append(x0, a)
	}
	eb, err := os.ReadFile(gf)
	if err != nil {
		t.Fatal(err)
	}
	nbrs := make([][]int, len(x0))
	for _, line := range strings.Split(string(eb), "\n") {
		var u, v int
		if line == "" || line[0] == '#' {
			continue
		}
		if _, err := fmt.Sscan(line, &u, &v); err != nil {
			t.Fatal(err)
		}
		nbrs[u], nbrs[v] = append(nbrs[u], v), append(nbrs[v], u)
	}
	var tb strings.Builder
	for i, nb := range nbrs {
		if i%5 == 4 || len(nb) == 0 {
			continue
		}
		var m float64
		for _, j := range nb {
			m += x0[j] / float64(len(nb))
		}
		fmt.Fprintf(&tb, "%d %v\n", i, m)
	}
	targetFile = filepath.Join(t.TempDir(), "targets.txt")
	if err := os.WriteFile(targetFile, []byte(tb.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return gf, targetFile, xf
}

// tinyTUTargets writes graph targets for tinyTU: the node count over 10,
// for graphs 0..count-1.
func tinyTUTargets(t *testing.T, count int) string {
	t.Helper()
	var b strings.Builder
	for g := range count {
		fmt.Fprintf(&b, "%d %v\n", g, float64(4+g%4)/10)
	}
	p := filepath.Join(t.TempDir(), "graph-targets.txt")
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestTrainRegression trains node and graph regressions from the CLI and
// checks the text, JSON and CSV reports.
func TestTrainRegression(t *testing.T) {
	gf, tf, xf := writeRegressionFiles(t)
	tu := tinyTU(t)
	gt := tinyTUTargets(t, 16)
	for _, tc := range []struct {
		name    string
		args    []string
		runs    int
		maxMSE  float64 // on the test part (0: not checked)
		phrases []string
	}{
		{"graph mode, sage, mean of neighbours",
			[]string{"--graph", gf, "--labels", tf, "--features", xf, "--model", "sage", "--layers", "1", "--epochs", "200", "--window", "0", "--dropout", "0", "--weight-decay", "0", "--lr", "0.05", "--split-per-class", "60,20"},
			1, 0.02, []string{"real targets, 144 labelled, 3 features", "split 60 train, 20 val, 64 test", "seed 1: test mse "}},
		{"dataset mode, graph dataset",
			[]string{"--dataset", "mutag", "--root", tu, "--model", "gin", "--targets", gt, "--folds", "2", "--epochs", "5", "--width", "8", "--batch-size", "4"},
			2, 0, []string{"fold 1 seed 1: test mse ", "mutag gin: test mae ", "mutag gin: test mse "}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			out := filepath.Join(dir, "r.json")
			code, stdout, stderr := gnnwb(t, append([]string{"train", "--task", "regression", "--out", out}, tc.args...)...)
			if code != 0 {
				t.Fatalf("code %d, stderr %s", code, stderr)
			}
			for _, p := range tc.phrases {
				if !strings.Contains(stdout, p) {
					t.Errorf("stdout lacks %q:\n%s", p, stdout)
				}
			}
			b, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			var rep struct {
				Regression bool
				Config     map[string]any
				Summary    struct {
					Metric   string
					Runs     []map[string]any
					TestLoss *struct {
						Runs      int
						Mean, Std float64
					} `json:"test_loss"`
				}
			}
			if err := json.Unmarshal(b, &rep); err != nil {
				t.Fatal(err)
			}
			s := rep.Summary
			if !rep.Regression || rep.Config["metric"] != "mae" || rep.Config["select"] != "val-loss" || s.Metric != "mae" ||
				len(s.Runs) != tc.runs || s.TestLoss == nil || s.TestLoss.Runs != tc.runs || strings.Contains(string(b), "_acc") {
				t.Fatalf("report:\n%s", b)
			}
			for _, r := range s.Runs {
				if _, ok := r["test_loss"]; !ok || r["metric"] != "mae" {
					t.Errorf("run %v", r)
				}
			}
			if tc.maxMSE > 0 && !(s.TestLoss.Mean < tc.maxMSE) {
				t.Errorf("test MSE %v, want < %v", s.TestLoss.Mean, tc.maxMSE)
			}
			csvOut := filepath.Join(dir, "r.csv")
			if code, _, stderr := gnnwb(t, append([]string{"train", "--task", "regression", "--out", csvOut}, tc.args...)...); code != 0 {
				t.Fatalf("csv: code %d, %s", code, stderr)
			}
			f, err := os.Open(csvOut)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			rows, err := csv.NewReader(f).ReadAll()
			if err != nil || len(rows) != 1+tc.runs || strings.Join(rows[0], ",") != "dataset,model,fold,seed,test_mse,val_mse,test_mae,val_mae,epochs,best_epoch,stopped" {
				t.Fatalf("csv %q %v", rows, err)
			}
			sum, err := os.ReadFile(filepath.Join(dir, "r-summary.csv"))
			if err != nil || !strings.HasPrefix(string(sum), "dataset,model,runs,test_mse_mean,test_mse_std,test_mae_mean,test_mae_std,val_mae_mean,val_mae_std\n") ||
				strings.Count(string(sum), "\n") != 2 {
				t.Fatalf("summary csv %q %v", sum, err)
			}
		})
	}
}

func TestTrainRegressionErrors(t *testing.T) {
	gf, tf, _ := writeRegressionFiles(t)
	tu := tinyTU(t)
	partial := tinyTUTargets(t, 15) // graph 15 has no target
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"unknown task", []string{"--dataset", "mutag", "--root", tu, "--task", "ranking"}, `--task="ranking"`},
		{"targets without regression", []string{"--dataset", "mutag", "--root", tu, "--targets", partial}, "--targets is for --task regression"},
		{"regression without targets", []string{"--dataset", "mutag", "--root", tu, "--task", "regression"}, "needs --targets FILE"},
		{"classification metric", []string{"--dataset", "mutag", "--root", tu, "--task", "regression", "--targets", partial, "--metric", "roc-auc"}, `--metric="roc-auc"`},
		{"mae in classification", []string{"--dataset", "mutag", "--root", tu, "--metric", "mae"}, `--metric="mae"`},
		{"select val-acc", []string{"--dataset", "mutag", "--root", tu, "--task", "regression", "--targets", partial, "--select", "val-acc"}, "has no accuracy"},
		{"a graph without target", []string{"--dataset", "mutag", "--root", tu, "--task", "regression", "--targets", partial}, "no value for graph 15"},
		{"generate", []string{"--generate", "sbm:30,30:0.3,0.03;0.03,0.3", "--task", "regression"}, "--generate samples class labels"},
		{"targets in graph mode", []string{"--graph", gf, "--labels", tf, "--task", "regression", "--targets", tf}, "--targets is a dataset-mode flag"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := gnnwb(t, append([]string{"train", "--epochs", "1"}, tc.args...)...)
			if code != 2 || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, tc.want) {
				t.Fatalf("code %d, stderr %q, want one line with %q", code, stderr, tc.want)
			}
		})
	}
}

// TestTrainRegressionGraphAttributes: --task regression without --targets
// trains on a TU dataset's graph attributes (two targets per graph here:
// the node count over 10 and whether the graph is a cycle), and a
// malformed or NaN value is refused with the file and line.
func TestTrainRegressionGraphAttributes(t *testing.T) {
	tu := tinyTU(t)
	attributes := filepath.Join(tu, "tu", "MUTAG", "MUTAG_graph_attributes.txt")
	var b strings.Builder
	for g := range 16 {
		fmt.Fprintf(&b, "%v, %d\n", float64(4+g%4)/10, 1-g%2)
	}
	if err := os.WriteFile(attributes, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	out, model := filepath.Join(dir, "r.json"), filepath.Join(dir, "m.gnnwb")
	args := []string{"train", "--dataset", "mutag", "--root", tu, "--model", "gin", "--task", "regression", "--folds", "2", "--epochs", "5", "--hidden", "8", "--batch-size", "4"}
	code, stdout, stderr := gnnwb(t, append(args, "--out", out, "--save-model", model)...)
	if code != 0 || !strings.Contains(stdout, "fold 1 seed 1: test mse ") || !strings.Contains(stdout, "mutag gin: test mse ") {
		t.Fatalf("code %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	var rep struct {
		Regression bool
		Targets    string
		Summary    struct{ Runs []map[string]any }
	}
	if err := json.Unmarshal(must(os.ReadFile(out)), &rep); err != nil {
		t.Fatal(err)
	}
	if !rep.Regression || rep.Targets != attributes || len(rep.Summary.Runs) != 2 {
		t.Fatalf("report %+v", rep)
	}
	preds := filepath.Join(dir, "p.csv")
	if code, _, stderr := gnnwb(t, "predict", "--model", model, "--dataset", "mutag", "--root", tu, "--out", preds); code != 0 {
		t.Fatalf("predict: code %d, %s", code, stderr)
	}
	if rows := readCSV(t, preds); len(rows) != 17 || strings.Join(rows[0], ",") != "id,value_0,value_1" {
		t.Fatalf("predictions %q", rows)
	}
	// --targets still wins over the dataset's targets.
	if code, stdout, stderr := gnnwb(t, append(args, "--targets", tinyTUTargets(t, 16))...); code != 0 || !strings.Contains(stdout, "test mse") {
		t.Fatalf("--targets: code %d, stderr %q", code, stderr)
	}
	for _, tc := range []struct{ name, text, want string }{
		{"NaN", "0.4, 1\nNaN, 0\n", "MUTAG_graph_attributes.txt:2: "},
		{"malformed", "0.4, 1\n0.5, 0\n0.6, x\n", "MUTAG_graph_attributes.txt:3: "},
	} {
		if err := os.WriteFile(attributes, []byte(tc.text), 0o644); err != nil {
			t.Fatal(err)
		}
		code, _, stderr := gnnwb(t, args...)
		if code == 0 || !strings.Contains(stderr, tc.want) || strings.Count(stderr, "\n") != 1 {
			t.Errorf("%s: code %d, stderr %q (want %q)", tc.name, code, stderr, tc.want)
		}
	}
}

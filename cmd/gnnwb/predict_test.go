package main

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/gnnwb/gnnwb/datasets"
	"github.com/gnnwb/gnnwb/gnn"
	"github.com/gnnwb/gnnwb/internal/dataroot"
)

// readCSV reads a whole CSV file.
func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestPredictGraph: train --save-model on a graph of one's own, then
// predict on the same files: one row per node with the probabilities of
// the two classes summing to 1, the predicted class right for most nodes
// (the task's Bayes accuracy is ≈ 0.98, see TestTrainGenerate), and
// embeddings of the hidden width.
func TestPredictGraph(t *testing.T) {
	gf, lf, xf, _ := writeCSBMFiles(t, false)
	dir := t.TempDir()
	model := filepath.Join(dir, "m.gnnwb")
	if code, _, stderr := gnnwb(t, "train", "--graph", gf, "--labels", lf, "--features", xf, "--save-model", model); code != 0 {
		t.Fatalf("train: code %d: %s", code, stderr)
	}
	preds, emb := filepath.Join(dir, "p.csv"), filepath.Join(dir, "e.csv")
	code, stdout, stderr := gnnwb(t, "predict", "--model", model, "--graph", gf, "--features", xf, "--out", preds, "--embeddings", emb)
	if code != 0 || stdout != "" {
		t.Fatalf("predict: code %d, stdout %q, stderr %s", code, stdout, stderr)
	}
	y, err := datasets.ReadNodeLabels(lf, 180)
	if err != nil {
		t.Fatal(err)
	}
	rows := readCSV(t, preds)
	if strings.Join(rows[0], ",") != "id,prob_0,prob_1,class" || len(rows) != 181 {
		t.Fatalf("predictions: header %q, %d rows", rows[0], len(rows))
	}
	right := 0
	for i, r := range rows[1:] {
		p0, _ := strconv.ParseFloat(r[1], 64)
		p1, _ := strconv.ParseFloat(r[2], 64)
		if r[0] != strconv.Itoa(i) || p0+p1 < 1-1e-12 || p0+p1 > 1+1e-12 {
			t.Fatalf("row %d: %q", i, r)
		}
		if r[3] == strconv.Itoa(int(y[i])) {
			right++
		}
	}
	if right < 160 {
		t.Errorf("%d of 180 nodes predicted right, want at least 160", right)
	}
	if e := readCSV(t, emb); len(e) != 181 || len(e[0]) != 17 || e[0][16] != "emb_15" {
		t.Errorf("embeddings: %d rows, header %q", len(e), e[0])
	}
	// The same to stdout.
	if code, again, _ := gnnwb(t, "predict", "--model", model, "--graph", gf, "--features", xf); code != 0 || again != string(must(os.ReadFile(preds))) {
		t.Errorf("stdout predictions differ from --out")
	}
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"predict", "--graph", gf}, 2, "--model"},
		{[]string{"predict", "--model", model}, 2, "--dataset"},
		{[]string{"predict", "--model", model, "--graph", gf, "--dataset", "cora"}, 2, "--dataset"},
		{[]string{"predict", "--model", model, "--dataset", "cora", "--features", xf}, 2, "--features"},
		{[]string{"predict", "--model", gf, "--graph", gf}, 1, "not a gnnwb model file"},
		{[]string{"predict", "--model", model, "--graph", gf}, 2, "give --features FILE"},
		{[]string{"predict", "--model", model, "--graph", gf, "--features", lf}, 2, "features have 1 columns, the model takes 3"},
		{[]string{"online", "--graphon", "exp", "--save-model", model}, 2, "save-model"},
	} {
		code, _, stderr := gnnwb(t, tc.args...)
		if code != tc.code || !strings.Contains(stderr, tc.want) || strings.Count(stderr, "\n") != 1 {
			t.Errorf("%v: code %d (want %d), stderr %q (want %q)", tc.args, code, tc.code, stderr, tc.want)
		}
	}
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}

// TestPredictCora: the classes predicted by a saved Cora model give, on
// the test nodes, the test accuracy the training reported.
func TestPredictCora(t *testing.T) {
	root, err := dataroot.Find()
	if err != nil {
		t.Skipf("%v: skipping", err)
	}
	ds, err := datasets.Load("cora", root)
	if err != nil {
		t.Skipf("cora: %v: skipping", err)
	}
	d := ds.(*datasets.NodeDataset)
	dir := t.TempDir()
	model, preds := filepath.Join(dir, "cora.model"), filepath.Join(dir, "p.csv")
	code, stdout, stderr := gnnwb(t, "train", "--dataset", "cora", "--root", root, "--epochs", "30", "--save-model", model)
	if code != 0 {
		t.Fatalf("train: %s", stderr)
	}
	if code, _, stderr := gnnwb(t, "predict", "--model", model, "--dataset", "cora", "--root", root, "--out", preds); code != 0 {
		t.Fatalf("predict: %s", stderr)
	}
	rows := readCSV(t, preds)
	right := 0
	for _, i := range d.Test {
		if rows[i+1][8] == strconv.Itoa(int(d.Y[i])) {
			right++
		}
	}
	want := strings.TrimSuffix(strings.Fields(stdout[strings.Index(stdout, "test ")+5:])[0], "%")
	if got := strconv.FormatFloat(100*float64(right)/float64(len(d.Test)), 'f', 2, 64); got != want {
		t.Errorf("test accuracy of the predictions %s%%, training reported %s%%", got, want)
	}
}

// TestPredictNodeAttributes: a model trained with train --node-attributes
// predicts, after gnnwb predict --dataset reloads it, the bits the reloaded
// model gives on the features the library reads with the attributes
// (datasets.TUOptions.UseNodeAttributes), and on the saved fold's test
// graphs the accuracy the training reported. What cannot be rebuilt is
// refused: a --graph file without --features, a dataset without the
// attributes or with other label columns.
func TestPredictNodeAttributes(t *testing.T) {
	root := tinyTU(t)
	dir := filepath.Join(root, "tu", "MUTAG")
	ind, err := os.ReadFile(filepath.Join(dir, "MUTAG_graph_indicator.txt"))
	if err != nil {
		t.Fatal(err)
	}
	var attr strings.Builder
	for i := range bytes.Count(ind, []byte("\n")) {
		fmt.Fprintf(&attr, "%g, %g, %g\n", 0.25*float64(i%7), -1.5*float64(i%3), math.Sqrt(float64(i)))
	}
	if err := os.WriteFile(filepath.Join(dir, "MUTAG_node_attributes.txt"), []byte(attr.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	model, report, preds := filepath.Join(tmp, "m.gnnwb"), filepath.Join(tmp, "r.json"), filepath.Join(tmp, "p.csv")
	code, _, stderr := gnnwb(t, "train", "--dataset", "mutag", "--root", root, "--model", "gin", "--folds", "2", "--epochs", "4",
		"--batch-size", "4", "--hidden", "8", "--node-attributes", "--save-model", model, "--out", report)
	if code != 0 {
		t.Fatalf("train: code %d, stderr %q", code, stderr)
	}
	if code, _, stderr := gnnwb(t, "predict", "--model", model, "--dataset", "mutag", "--root", root, "--out", preds); code != 0 {
		t.Fatalf("predict: code %d, stderr %q", code, stderr)
	}
	d, err := datasets.ReadTU(dir, "MUTAG", datasets.TUOptions{UseNodeAttributes: true})
	if err != nil {
		t.Fatal(err)
	}
	tm, err := gnn.Load(model)
	if err != nil {
		t.Fatal(err)
	}
	if tm.Info["node_attributes"] != "3" || tm.Info["node_label_columns"] != "2" || tm.Model.In != 5 {
		t.Fatalf("saved info %v, %d inputs", tm.Info, tm.Model.In)
	}
	b, err := gnn.Join(d.Graphs)
	if err != nil {
		t.Fatal(err)
	}
	p, err := tm.Predict(b, gnn.Features{Dense: d.X})
	if err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	if err := p.WriteCSV(&want, nil, tm.ClassNames()); err != nil {
		t.Fatal(err)
	}
	if got := must(os.ReadFile(preds)); !bytes.Equal(got, want.Bytes()) {
		t.Fatalf("predict wrote\n%s\nthe model on the attribute features gives\n%s", got, want.Bytes())
	}
	folds, err := datasets.StratifiedFolds(d.Y, 2, 0.1, 0)
	if err != nil {
		t.Fatal(err)
	}
	right := 0
	for _, i := range folds[0].Test {
		if p.Class[i] == int(d.Y[i]) {
			right++
		}
	}
	r := readReport(t, report)
	if got := float64(right) / float64(len(folds[0].Test)); r.Summary.Runs[0].Fold != 0 || got != r.Summary.Runs[0].TestAcc {
		t.Errorf("accuracy of the predictions on fold 0's test graphs %v, training reported %v (fold %d)", got, r.Summary.Runs[0].TestAcc, r.Summary.Runs[0].Fold)
	}
	// What cannot be rebuilt.
	gf := filepath.Join(tmp, "g.txt")
	if err := os.WriteFile(gf, []byte("0 1\n1 2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	otherLabels := tinyTU(t) // node labels 0, 1, 2: three one-hot columns
	var nl strings.Builder
	for i := range bytes.Count(ind, []byte("\n")) {
		fmt.Fprintf(&nl, "%d\n", i%3)
	}
	if err := os.WriteFile(filepath.Join(otherLabels, "tu", "MUTAG", "MUTAG_node_labels.txt"), []byte(nl.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"graph file", []string{"--graph", gf}, "3 node attributes and 2 one-hot node label columns (train --node-attributes), which a --graph file does not hold: give --features FILE"},
		{"no attributes", []string{"--dataset", "mutag", "--root", tinyTU(t)}, "trained with train --node-attributes: mutag has no node attributes"},
		{"other label columns", []string{"--dataset", "mutag", "--root", otherLabels}, "trained on 2 one-hot node label columns of mutag; the mutag read here has 3"},
	} {
		code, stdout, stderr := gnnwb(t, append([]string{"predict", "--model", model}, tc.args...)...)
		if code != 2 || stdout != "" || !strings.Contains(stderr, tc.want) || strings.Count(stderr, "\n") != 1 {
			t.Errorf("%s: code %d, stdout %q, stderr %q (want %q)", tc.name, code, stdout, stderr, tc.want)
		}
	}
}

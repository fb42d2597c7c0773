package main

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gnnwb/gnnwb/generators"
	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/graphs/graphio"
)

// TestTrainGenerate trains a GCN on a contextual SBM with two blocks of 100
// nodes and feature signal mu = 3 in D = 2 dimensions. The features alone
// separate the blocks with Bayes accuracy Φ(mu/√2) = Φ(2.12) ≈ 0.983 (the
// class means 3e_0 and 3e_1 are 3√2 apart, noise N(0, I)), and the graph
// (p_in = 0.1, p_out = 0.01: ≈ 10 of a node's ≈ 11 neighbours in its own
// block) only sharpens this after aggregation. With 100 test nodes the
// binomial standard deviation at 0.983 is 0.013, so a test accuracy below
// 0.9 (> 6 standard deviations lower) means the mode is broken.
func TestTrainGenerate(t *testing.T) {
	out := filepath.Join(t.TempDir(), "csbm.json")
	args := []string{"train", "--generate", "sbm:100,100:0.1,0.01;0.01,0.1", "--feature-signal", "3", "--feature-dim", "2",
		"--data-seed", "4", "--runs", "2", "--seed", "3", "--out", out}
	code, stdout, stderr := gnnwb(t, args...)
	if code != 0 || withoutRuns(stderr) != "" {
		t.Fatalf("code %d, stderr %q", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) != 4 || !strings.HasPrefix(lines[0], "sbm:100,100:0.1,0.01;0.01,0.1: 200 nodes, ") ||
		!strings.Contains(lines[0], "2 classes, 200 labelled, 2 features (csbm); split 40 train, 60 val, 100 test") ||
		!strings.HasPrefix(lines[1], "seed 3: test ") || !strings.Contains(lines[3], "gcn: test accuracy") {
		t.Fatalf("stdout:\n%s", stdout)
	}
	r := readReport(t, out)
	if r.Task != "node" || r.Model != "gcn" || len(r.Summary.Runs) != 2 || r.Config["normalize_features"] != nil {
		t.Fatalf("report %+v", r)
	}
	data, _ := r.Config["data"].(map[string]any)
	if data["generate"] != "sbm:100,100:0.1,0.01;0.01,0.1" || data["feature_signal"] != 3.0 || data["data_seed"] != 4.0 ||
		data["nodes"] != 200.0 || data["feature_dim"] != 2.0 || data["classes"] != 2.0 {
		t.Fatalf("data %v", data)
	}
	for _, run := range r.Summary.Runs {
		if run.TestAcc <= 0.9 {
			t.Errorf("seed %d: test accuracy %.3f, want > 0.9 (features alone give ≈ 0.983)", run.Seed, run.TestAcc)
		}
	}
	// Same arguments, same bits.
	if code, again, _ := gnnwb(t, args...); code != 0 || again != stdout {
		t.Fatalf("rerun differs:\n%s\nvs\n%s", again, stdout)
	}
}

// writeCSBMFiles samples a contextual SBM and writes it as the three files
// of the --graph mode; every third node of block 1 has no label line when
// unlabelled is set.
func writeCSBMFiles(t *testing.T, unlabelled bool) (graphFile, labelFile, featureFile string, labelled int) {
	t.Helper()
	dir := t.TempDir()
	g, X, y, err := generators.ContextualSBM([]int{90, 90}, [][]float64{{0.1, 0.01}, {0.01, 0.1}}, 3, 3, rand.New(rand.NewPCG(9, 0)))
	if err != nil {
		t.Fatal(err)
	}
	graphFile, labelFile, featureFile = filepath.Join(dir, "g.txt"), filepath.Join(dir, "labels.txt"), filepath.Join(dir, "x.txt")
	if err := graphs.WriteEdgeList(graphFile, g); err != nil {
		t.Fatal(err)
	}
	var lb, xb strings.Builder
	lb.WriteString("# node label\n")
	for i, c := range y {
		if !unlabelled || c == 0 || i%3 != 0 {
			fmt.Fprintf(&lb, "%d %d\n", i, c)
			labelled++
		}
		fmt.Fprintf(&xb, "%d %v %v %v\n", i, X[3*i], X[3*i+1], X[3*i+2])
	}
	for p, s := range map[string]string{labelFile: lb.String(), featureFile: xb.String()} {
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return graphFile, labelFile, featureFile, labelled
}

// TestTrainGraphFiles round-trips a contextual SBM through files: the same
// law as TestTrainGenerate (mu = 3; here 3 features, the third pure noise),
// so the same bound 0.9 on the test accuracy.
func TestTrainGraphFiles(t *testing.T) {
	gf, lf, xf, _ := writeCSBMFiles(t, false)
	out := filepath.Join(t.TempDir(), "r.csv")
	code, stdout, stderr := gnnwb(t, "train", "--graph", gf, "--labels", lf, "--features", xf, "--split-per-class", "10,20", "--out", out)
	if code != 0 || withoutRuns(stderr) != "" {
		t.Fatalf("code %d, stderr %q", code, stderr)
	}
	if !strings.Contains(stdout, ": 180 nodes, ") || !strings.Contains(stdout, "2 classes, 180 labelled, 3 features ("+xf+"); split 20 train, 40 val, 120 test") {
		t.Fatalf("stdout:\n%s", stdout)
	}
	b, err := os.ReadFile(out)
	if err != nil || !strings.HasPrefix(string(b), "dataset,model,fold,seed,test_acc") {
		t.Fatalf("csv %q %v", b, err)
	}
	var acc float64
	if _, err := fmt.Sscanf(stdout[strings.Index(stdout, "seed 1: test ")+len("seed 1: test "):], "%f%%", &acc); err != nil || acc <= 90 {
		t.Fatalf("test accuracy %.2f%% (%v), want > 90%%:\n%s", acc, err, stdout)
	}
}

// TestTrainGraphUnlabelled leaves 30 nodes of block 1 without a label and
// the features to their default (degree): the unlabelled nodes are in no
// split, the features are the two degree features.
func TestTrainGraphUnlabelled(t *testing.T) {
	gf, lf, _, labelled := writeCSBMFiles(t, true)
	out := filepath.Join(t.TempDir(), "r.json")
	code, stdout, stderr := gnnwb(t, "train", "--graph", gf, "--labels", lf, "--epochs", "5", "--out", out)
	if code != 0 || withoutRuns(stderr) != "" {
		t.Fatalf("code %d, stderr %q", code, stderr)
	}
	if labelled != 150 || !strings.Contains(stdout, "150 labelled, 2 features (degree); split 40 train, 60 val, 50 test") {
		t.Fatalf("%d labelled; stdout:\n%s", labelled, stdout)
	}
	data, _ := readReport(t, out).Config["data"].(map[string]any)
	if data["labels"] != lf || data["features"] != "degree" || data["labelled"] != 150.0 {
		t.Fatalf("data %v", data)
	}
}

func TestTrainGraphErrors(t *testing.T) {
	gf, lf, xf, _ := writeCSBMFiles(t, false)
	dir := t.TempDir()
	badLabels := filepath.Join(dir, "bad.txt")
	os.WriteFile(badLabels, []byte("0 0\n1 1\nx 1\n"), 0o644)
	shortLabels := filepath.Join(dir, "short.txt")
	os.WriteFile(shortLabels, []byte("0 0\n1\n"), 0o644)
	spec := "sbm:50,50:0.1,0.01;0.01,0.1"
	for _, tc := range []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"missing labels file", []string{"--graph", gf, "--labels", filepath.Join(dir, "none.txt")}, 1, "none.txt does not exist"},
		{"bad label id", []string{"--graph", gf, "--labels", badLabels}, 1, badLabels + ":3: "},
		{"label line without a label", []string{"--graph", gf, "--labels", shortLabels}, 1, shortLabels + ":2: "},
		{"missing graph file", []string{"--graph", filepath.Join(dir, "none.txt"), "--labels", lf}, 1, "none.txt"},
		{"no labels", []string{"--graph", gf}, 2, "--graph needs --labels"},
		{"unknown flag", []string{"--generate", spec, "--bogus"}, 2, "unknown flag --bogus"},
		{"bad spec", []string{"--generate", "sbm:100"}, 2, `--generate="sbm:100": want sbm:<sizes>:<probs>`},
		{"bad size", []string{"--generate", "sbm:1,x:0.1"}, 2, `block size 2 ("x")`},
		{"probs rows", []string{"--generate", "sbm:10,10:0.1,0"}, 2, "2 blocks but 1 probability rows"},
		{"bad prob", []string{"--generate", "sbm:10,10:0.1,2;2,0.1"}, 2, "not in [0,1]"},
		{"dim below K", []string{"--generate", spec, "--feature-dim", "1"}, 2, "dim=1 less than the 2 blocks"},
		{"graph and dataset", []string{"--graph", gf, "--labels", lf, "--dataset", "cora"}, 2, "give one of --dataset, --graph or --generate"},
		{"graph and generate", []string{"--graph", gf, "--generate", spec}, 2, "not both"},
		{"labels with dataset", []string{"--dataset", "cora", "--labels", lf}, 2, "--labels is a graph-mode flag"},
		{"signal with dataset", []string{"--dataset", "cora", "--feature-signal", "2"}, 2, "--feature-signal is a graph-mode flag"},
		{"online flag", []string{"--generate", spec, "--gamma", "0.5"}, 2, "--gamma is a flag of gnnwb online"},
		{"root", []string{"--generate", spec, "--root", dir}, 2, "--root is a dataset-mode flag"},
		{"graph-dataset flag", []string{"--generate", spec, "--folds", "5"}, 2, "for graph datasets"},
		{"features with generate", []string{"--generate", spec, "--features", xf}, 2, "--features is for --graph"},
		{"data seed with graph", []string{"--graph", gf, "--labels", lf, "--data-seed", "3"}, 2, "--data-seed is for --generate"},
		{"split too large", []string{"--generate", spec, "--split-per-class", "20,30"}, 2, "class 0 has 50 nodes"},
		{"split shape", []string{"--generate", spec, "--split-per-class", "20"}, 2, "want two counts"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := gnnwb(t, append([]string{"train"}, tc.args...)...)
			if code != tc.code || stdout != "" || !strings.Contains(stderr, tc.msg) || strings.Count(stderr, "\n") != 1 {
				t.Fatalf("code %d (want %d), stdout %q, stderr %q (want one line with %q)", code, tc.code, stdout, stderr, tc.msg)
			}
		})
	}
}

// TestTrainGraphCheckpoint: a finished job resumes to the same output, and
// a checkpoint directory of other data (another feature signal) is refused.
func TestTrainGraphCheckpoint(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ckpt")
	args := []string{"train", "--generate", "sbm:60,60:0.1,0.01;0.01,0.1", "--feature-signal", "2", "--epochs", "20", "--checkpoint", dir}
	code, first, stderr := gnnwb(t, args...)
	if code != 0 {
		t.Fatalf("code %d: %s", code, stderr)
	}
	if code, again, _ := gnnwb(t, args...); code != 0 || again != first {
		t.Fatalf("resumed output differs:\n%s\nvs\n%s", again, first)
	}
	args[4] = "2.5"
	code, _, stderr = gnnwb(t, args...)
	if code != 2 || !strings.Contains(stderr, "holds checkpoints of other settings") {
		t.Fatalf("other signal: code %d, %s", code, stderr)
	}
}

// TestTrainGraphFormats: the same graph as GraphML with string ids, and
// label and feature files naming nodes by those ids, trains to the same
// bits as the integer edge list.
func TestTrainGraphFormats(t *testing.T) {
	gf, lf, xf, _ := writeCSBMFiles(t, false)
	g, _, err := graphio.Read(gf, graphio.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]string, g.NumNodes())
	for i := range ids {
		ids[i] = fmt.Sprintf("n%d", i)
	}
	dir := t.TempDir()
	gml := filepath.Join(dir, "g.graph")
	if err := graphio.Write(gml, graphio.GraphML, g, ids); err != nil {
		t.Fatal(err)
	}
	rename := func(src string) string {
		b, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(string(b), "\n")
		for k, l := range lines {
			if l != "" && l[0] != '#' {
				lines[k] = "n" + l
			}
		}
		dst := filepath.Join(dir, filepath.Base(src))
		if err := os.WriteFile(dst, []byte(strings.Join(lines, "\n")), 0o644); err != nil {
			t.Fatal(err)
		}
		return dst
	}
	lf2, xf2 := rename(lf), rename(xf)
	args := []string{"train", "--labels", lf, "--features", xf, "--epochs", "40"}
	_, want, _ := gnnwb(t, append(args, "--graph", gf)...)
	args2 := []string{"train", "--labels", lf2, "--features", xf2, "--epochs", "40", "--graph", gml, "--format", "graphml"}
	code, got, stderr := gnnwb(t, args2...)
	if code != 0 {
		t.Fatalf("code %d: %s", code, stderr)
	}
	seeds := func(s string) string {
		s = s[strings.Index(s, "\nseed ")+1:]
		return s[:strings.IndexByte(s, '\n')]
	}
	if seeds(got) != seeds(want) {
		t.Errorf("graphml run:\n%s\nedge-list run:\n%s", got, want)
	}
	if code, _, stderr := gnnwb(t, "train", "--labels", lf, "--graph", gml, "--format", "graphml"); code != 1 || !strings.Contains(stderr, "labels.txt:2: ") {
		t.Errorf("integer labels for string ids: code %d, %s", code, stderr)
	}
	if code, _, stderr := gnnwb(t, "train", "--generate", "sbm:5,5:0.5,0.1;0.1,0.5", "--format", "graphml"); code != 2 {
		t.Errorf("--format with --generate: code %d, %s", code, stderr)
	}
}

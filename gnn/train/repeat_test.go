package train

import (
	"context"
	"errors"
	"fmt"
	"log"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/gnnwb/gnnwb/gnn"
	"github.com/gnnwb/gnnwb/graphs"
)

func TestMeanStdAndSummarise(t *testing.T) {
	m, s := meanStd([]float64{1, 2, 3, 4})
	if m != 2.5 || math.Abs(s-math.Sqrt(5.0/3)) > 1e-15 {
		t.Fatalf("meanStd = %v, %v; want 2.5, sqrt(5/3)", m, s)
	}
	if m, s := meanStd([]float64{0.7}); m != 0.7 || s != 0 {
		t.Fatalf("one value: %v, %v", m, s)
	}
	// Two folds of two seeds: fold means 0.6 and 0.9, so the std over folds
	// is |0.9−0.6|/sqrt(2); the overall mean is the mean of all four runs.
	runs := []RunStats{{Fold: 0, TestAcc: 0.5, ValAcc: 1}, {Fold: 0, TestAcc: 0.7, ValAcc: 1}, {Fold: 1, TestAcc: 0.8, ValAcc: 0.5}, {Fold: 1, TestAcc: 1, ValAcc: 0.5}}
	// Seeds 1 and 2 over both folds: test means (0.5+0.8)/2 and (0.7+1)/2.
	runs[0].Seed, runs[2].Seed, runs[1].Seed, runs[3].Seed = 1, 1, 2, 2
	s2 := summarise(runs)
	if math.Abs(s2.SeedStd-0.2/math.Sqrt2) > 1e-15 {
		t.Fatalf("SeedStd = %v, want %v", s2.SeedStd, 0.2/math.Sqrt2)
	}
	if math.Abs(s2.TestMean-0.75) > 1e-15 || math.Abs(s2.TestStd-0.3/math.Sqrt2) > 1e-15 || s2.ValMean != 0.75 || math.Abs(s2.ValStd-0.5/math.Sqrt2) > 1e-15 {
		t.Fatalf("summarise = %+v", s2)
	}
	// One fold: the std is over seeds.
	s1 := summarise(runs[:2])
	if math.Abs(s1.TestStd-0.2/math.Sqrt2) > 1e-15 || s1.ValStd != 0 {
		t.Fatalf("one fold: %+v", s1)
	}
}

func TestRepeatNodesEqualsSingleRuns(t *testing.T) {
	g, X, y, train, val, test := plantedPartition(t, 90, 3, 6, 0.2, 0.02, 1, 4)
	cfg := DefaultNodeConfig(gnn.KindGCN)
	cfg.Epochs, cfg.Seed = 15, 7
	var calls, last int64
	cfg.Progress = func(done, total int64) {
		if done <= last || total != 3*15 {
			t.Errorf("progress %d/%d after %d", done, total, last)
		}
		calls, last = calls+1, done
	}
	var seen []RunStats
	cfg.OnRun = func(run RunStats, index, runs int) {
		// as soon as the run ends: its epochs are done, the next's not begun
		if index != len(seen) || runs != 3 || last != int64(15*(index+1)) {
			t.Errorf("OnRun(%d of %d) at progress %d", index, runs, last)
		}
		seen = append(seen, run)
	}
	sum, err := RepeatNodes(context.Background(), cfg, 3, "", g, gnn.Features{Dense: X}, y, Split{train, val, test})
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.Runs) != 3 || last != 45 {
		t.Fatalf("%d runs, progress ended at %d", len(sum.Runs), last)
	}
	if !reflect.DeepEqual(seen, sum.Runs) {
		t.Fatalf("OnRun saw %+v, summary has %+v", seen, sum.Runs)
	}
	cfg.OnRun = nil
	var accs []float64
	for r, run := range sum.Runs {
		c := cfg
		c.Seed, c.Progress = 7+uint64(r), nil
		res, err := Nodes(context.Background(), c, g, gnn.Features{Dense: X}, y, train, val, test)
		if err != nil {
			t.Fatal(err)
		}
		if run.Seed != c.Seed || run.TestAcc != res.TestAcc || run.ValAcc != res.ValAcc || run.Epochs != res.Epochs || run.BestEpoch != res.BestEpoch {
			t.Fatalf("run %d = %+v, Nodes gives %+v", r, run, res)
		}
		accs = append(accs, res.TestAcc)
	}
	m, s := meanStd(accs)
	if math.Abs(sum.TestMean-m) > 1e-15 || sum.TestStd != s || sum.SeedStd != s {
		t.Fatalf("summary %v ± %v, want %v ± %v", sum.TestMean, sum.TestStd, m, s)
	}
	// With a checkpoint directory: one file per run, and a second call
	// resumes the finished runs to the same summary.
	dir := filepath.Join(t.TempDir(), "ck")
	cfg.Progress = nil
	a, err := RepeatNodes(context.Background(), cfg, 3, dir, g, gnn.Features{Dense: X}, y, Split{train, val, test})
	if err != nil {
		t.Fatal(err)
	}
	files, _ := os.ReadDir(dir)
	if len(files) != 3 || files[0].Name() != "fold00-seed7.ckpt" {
		t.Fatalf("checkpoint files %v", files)
	}
	b, err := RepeatNodes(context.Background(), cfg, 3, dir, g, gnn.Features{Dense: X}, y, Split{train, val, test})
	if err != nil {
		t.Fatal(err)
	}
	for r := range a.Runs {
		if !reflect.DeepEqual(a.Runs[r], sum.Runs[r]) || !reflect.DeepEqual(b.Runs[r], sum.Runs[r]) {
			t.Fatalf("run %d: %+v, resumed %+v, want %+v", r, a.Runs[r], b.Runs[r], sum.Runs[r])
		}
	}
}

func TestCrossValidateEqualsSingleRuns(t *testing.T) {
	gs, X, y, _, _, _ := graphTask(t, 30, 3)
	// Three folds: graph k is tested in fold k mod 3, validated in fold
	// (k+1) mod 3.
	folds := make([]Split, 3)
	for k := range gs {
		for f := range folds {
			switch {
			case k%3 == f:
				folds[f].Test = append(folds[f].Test, int32(k))
			case (k+1)%3 == f:
				folds[f].Val = append(folds[f].Val, int32(k))
			default:
				folds[f].Train = append(folds[f].Train, int32(k))
			}
		}
	}
	cfg := DefaultGraphConfig(gnn.KindGIN)
	cfg.Hidden, cfg.Epochs, cfg.BatchSize = 8, 3, 8
	var seen []RunStats
	cfg.OnRun = func(run RunStats, index, runs int) {
		if index != len(seen) || runs != 6 {
			t.Errorf("OnRun(%d of %d) after %d", index, runs, len(seen))
		}
		seen = append(seen, run)
	}
	sum, err := CrossValidate(context.Background(), cfg, folds, 2, "", gs, X, y)
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.Runs) != 6 || !reflect.DeepEqual(seen, sum.Runs) {
		t.Fatalf("%d runs; OnRun saw %+v, summary has %+v", len(sum.Runs), seen, sum.Runs)
	}
	var foldMeans []float64
	curve := make([]float64, cfg.Epochs) // mean test curve over the 6 runs
	for f := range folds {
		var m float64
		for r := range 2 {
			c := cfg
			c.Seed = cfg.Seed + uint64(r)
			res, err := Graphs(context.Background(), c, gs, X, y, folds[f].Train, folds[f].Val, folds[f].Test)
			if err != nil {
				t.Fatal(err)
			}
			got := sum.Runs[2*f+r]
			if got.Fold != f || got.Seed != c.Seed || got.TestAcc != res.TestAcc || got.BestEpoch != res.BestEpoch {
				t.Fatalf("fold %d seed %d: %+v, Graphs gives %+v", f, c.Seed, got, res)
			}
			m += res.TestAcc / 2
			for e, h := range res.History {
				curve[e] += h.TestAcc / 6
				if got.TestCurve[e] != h.TestAcc {
					t.Fatalf("fold %d seed %d: test curve %v, history epoch %d %v", f, c.Seed, got.TestCurve, e, h.TestAcc)
				}
			}
		}
		foldMeans = append(foldMeans, m)
	}
	if _, s := meanStd(foldMeans); math.Abs(sum.TestStd-s) > 1e-15 {
		t.Fatalf("std over folds %v, want %v", sum.TestStd, s)
	}
	best := 0
	for e := range curve {
		if curve[e] > curve[best] {
			best = e
		}
	}
	if sum.CurveEpoch != best || math.Abs(sum.CurveMax-curve[best]) > 1e-15 {
		t.Fatalf("curve max %v at %d, want %v at %d (curve %v)", sum.CurveMax, sum.CurveEpoch, curve[best], best, curve)
	}
}

// TestCurveMax: Xu et al.'s protocol on hand-made curves: the epoch of the
// largest mean over the epochs all runs reached, its std over folds.
func TestCurveMax(t *testing.T) {
	for _, tc := range []struct {
		name      string
		runs      []RunStats
		best, std float64
		epoch     int
	}{
		{"two folds", []RunStats{{Fold: 0, TestCurve: []float64{0.5, 0.7, 0.6}}, {Fold: 1, TestCurve: []float64{0.7, 0.6, 0.9}}},
			0.75, math.Sqrt(0.045), 2},
		{"common prefix", []RunStats{{Fold: 0, TestCurve: []float64{0.5, 0.9}}, {Fold: 1, TestCurve: []float64{0.7, 0.6, 0.99}}},
			0.75, math.Sqrt(0.045), 1},
		{"seeds within folds", []RunStats{{Fold: 0, Seed: 1, TestCurve: []float64{1, 0}}, {Fold: 0, Seed: 2, TestCurve: []float64{0.5, 0}},
			{Fold: 1, Seed: 1, TestCurve: []float64{0.25, 1}}, {Fold: 1, Seed: 2, TestCurve: []float64{0.25, 1}}},
			0.5, 0.5 / math.Sqrt2, 0},
		{"no curves", []RunStats{{Fold: 0, TestAcc: 1}}, 0, 0, 0},
	} {
		best, std, epoch := curveMax(tc.runs)
		if math.Abs(best-tc.best) > 1e-15 || math.Abs(std-tc.std) > 1e-15 || epoch != tc.epoch {
			t.Errorf("%s: %v ± %v at %d, want %v ± %v at %d", tc.name, best, std, epoch, tc.best, tc.std, tc.epoch)
		}
	}
}

func TestRepeatErrors(t *testing.T) {
	g, X, y, train, val, test := plantedPartition(t, 30, 3, 4, 0.2, 0.02, 1, 4)
	cfg := DefaultNodeConfig(gnn.KindGCN)
	if _, err := RepeatNodes(context.Background(), cfg, 0, "", g, gnn.Features{Dense: X}, y, Split{train, val, test}); !errors.Is(err, graphs.ErrParameter) {
		t.Fatalf("runs 0: %v", err)
	}
	cfg.LR = -1
	if _, err := RepeatNodes(context.Background(), cfg, 1, "", g, gnn.Features{Dense: X}, y, Split{train, val, test}); !errors.Is(err, graphs.ErrParameter) {
		t.Fatalf("bad LR: %v", err)
	}
	gs, GX, gy, _, _, _ := graphTask(t, 6, 1)
	if _, err := CrossValidate(context.Background(), DefaultGraphConfig(gnn.KindGIN), nil, 1, "", gs, GX, gy); !errors.Is(err, graphs.ErrParameter) {
		t.Fatalf("no folds: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := RepeatNodes(ctx, DefaultNodeConfig(gnn.KindGCN), 2, "", g, gnn.Features{Dense: X}, y, Split{train, val, test}); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: %v", err)
	}
}

func ExampleRepeatNodes() {
	// A path 0–1–2–3 whose two halves are the two classes; features are
	// one-hot ids.
	g, err := graphs.FromEdges(4, []graphs.Edge{{U: 0, V: 1}, {U: 1, V: 2}, {U: 2, V: 3}}, graphs.Undirected)
	if err != nil {
		log.Fatal(err)
	}
	X := []float64{1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1}
	y := []int32{0, 0, 1, 1}
	cfg := DefaultNodeConfig(gnn.KindGCN)
	cfg.Epochs = 5
	sum, err := RepeatNodes(context.Background(), cfg, 3, "", g, gnn.Features{Dense: X}, y, Split{Train: []int32{0, 3}, Val: []int32{1}, Test: []int32{2}})
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range sum.Runs {
		fmt.Println("seed", r.Seed, "epochs", r.Epochs)
	}
	// Output:
	// seed 1 epochs 5
	// seed 2 epochs 5
	// seed 3 epochs 5
}

func ExampleCrossValidate() {
	// Six graphs: triangles (class 1) and paths (class 0), constant features.
	tri, _ := graphs.FromEdges(3, []graphs.Edge{{U: 0, V: 1}, {U: 1, V: 2}, {U: 2, V: 0}}, graphs.Undirected)
	path, _ := graphs.FromEdges(3, []graphs.Edge{{U: 0, V: 1}, {U: 1, V: 2}}, graphs.Undirected)
	gs := []graphs.Graph{tri, path, tri, path, tri, path}
	X := make([]float64, 18)
	for i := range X {
		X[i] = 1
	}
	y := []int32{1, 0, 1, 0, 1, 0}
	folds := []Split{
		{Train: []int32{2, 3, 4, 5}, Test: []int32{0, 1}},
		{Train: []int32{0, 1, 4, 5}, Test: []int32{2, 3}},
		{Train: []int32{0, 1, 2, 3}, Test: []int32{4, 5}},
	}
	cfg := DefaultGraphConfig(gnn.KindGIN)
	cfg.Hidden, cfg.Epochs, cfg.BatchSize = 4, 2, 2
	sum, err := CrossValidate(context.Background(), cfg, folds, 2, "", gs, X, y)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(sum.Runs), "runs; last: fold", sum.Runs[5].Fold, "seed", sum.Runs[5].Seed)
	// Output: 6 runs; last: fold 2 seed 2
}

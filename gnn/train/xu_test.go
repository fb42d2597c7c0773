package train

import (
	"context"
	"errors"
	"math"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/gnnwb/gnnwb/gnn"
	"github.com/gnnwb/gnnwb/graphs"
)

func TestStepLR(t *testing.T) {
	for _, tc := range []struct {
		step   int
		gamma  float64
		epoch  int
		wantLR float64
	}{
		{0, 0, 120, 0.01},
		{50, 0.5, 0, 0.01},
		{50, 0.5, 49, 0.01},
		{50, 0.5, 50, 0.005},
		{50, 0.5, 349, 0.01 / 64},
		{3, 1, 10, 0.01},
	} {
		if got := stepLR(0.01, tc.step, tc.gamma, tc.epoch); got != tc.wantLR {
			t.Errorf("stepLR(0.01, %d, %v, %d) = %v, want %v", tc.step, tc.gamma, tc.epoch, got, tc.wantLR)
		}
	}
}

// xuConfig is a small Xu-style graph training configuration.
func xuConfig() GraphConfig {
	cfg := DefaultGraphConfig(gnn.KindGIN)
	cfg.Hidden, cfg.BatchSize, cfg.Epochs = 16, 16, 4
	cfg.Model.Layers, cfg.Model.BatchNorm, cfg.Model.Head = 3, true, gnn.HeadJumpSum
	cfg.LRStep, cfg.LRGamma = 2, 0.5
	cfg.RestoreBest = false
	return cfg
}

// TestTrainGraphsXu: Xu et al.'s GIN learns the degree task, gives the same
// bits with GOMAXPROCS 1 and 2, and a run cancelled mid-epoch and resumed
// (BatchNorm statistics and the LR schedule included) ends with the same
// bits as an uninterrupted one.
func TestTrainGraphsXu(t *testing.T) {
	gs, X, y, train, val, test := graphTask(t, 120, 1)
	run := func(ctx context.Context, cfg GraphConfig, procs int) (Result, error) {
		old := runtime.GOMAXPROCS(procs)
		defer runtime.GOMAXPROCS(old)
		return Graphs(ctx, cfg, gs, X, y, train, val, test)
	}
	cfg := xuConfig()
	cfg.Epochs, cfg.LRStep, cfg.LRGamma, cfg.RestoreBest = 30, 0, 0, true
	res, err := run(context.Background(), cfg, 2)
	if err != nil {
		t.Fatal(err)
	}
	// Degree separates the classes (see TestTrainGraphs).
	if res.TestAcc < 0.9 {
		t.Errorf("test accuracy %.3f at the best of 30 epochs, want ≥ 0.9", res.TestAcc)
	}

	cfg = xuConfig()
	straight, err := run(context.Background(), cfg, 2)
	if err != nil {
		t.Fatal(err)
	}
	one, err := run(context.Background(), cfg, 1)
	if err != nil {
		t.Fatal(err)
	}
	sameParams(t, "GOMAXPROCS 1 vs 2", one.Model.Params(), straight.Model.Params())
	if !slices.Equal(one.History, straight.History) {
		t.Error("GOMAXPROCS 1 vs 2: histories differ")
	}
	constant := cfg
	constant.LRStep, constant.LRGamma = 0, 0
	flat, err := run(context.Background(), constant, 2)
	if err != nil {
		t.Fatal(err)
	}
	if slices.Equal(flat.History[2:], straight.History[2:]) || !slices.Equal(flat.History[:2], straight.History[:2]) {
		t.Error("the schedule should change epochs 2, 3 only")
	}

	for _, tc := range []struct {
		name          string
		stepsPerEpoch int
		cancelAt      int64
	}{
		{"epoch-pass", 0, 12},   // batch 2 of epoch 2 (5 batches per epoch), after the first LR step
		{"sampled-steps", 4, 9}, // step 1 of epoch 2
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := cfg
			cfg.StepsPerEpoch = tc.stepsPerEpoch
			straight, err := run(context.Background(), cfg, 2)
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			c2 := cfg
			c2.CheckpointPath = filepath.Join(t.TempDir(), "xu.ckpt")
			c2.Progress = func(done, total int64) {
				if done == tc.cancelAt {
					cancel()
				}
			}
			if _, err := run(ctx, c2, 2); !errors.Is(err, context.Canceled) {
				t.Fatalf("err = %v, want context.Canceled", err)
			}
			c2.Progress, c2.Resume = nil, true
			resumed, err := run(context.Background(), c2, 1)
			if err != nil {
				t.Fatal(err)
			}
			sameParams(t, "resumed", resumed.Model.Params(), straight.Model.Params())
			if !slices.Equal(resumed.History, straight.History) {
				t.Error("resumed history differs")
			}
			var buffers int
			for _, p := range resumed.Model.Params() {
				if p.Buffer && strings.HasSuffix(p.Name, "RunVar") {
					buffers++
				}
			}
			if buffers != 6 { // 3 layers × (MLP + outer)
				t.Errorf("%d running variances compared, want 6", buffers)
			}
		})
	}

	// A checkpoint of the plain GIN is refused by the BatchNorm model.
	plain := DefaultGraphConfig(gnn.KindGIN)
	plainGIN(&plain)
	plain.Hidden, plain.BatchSize, plain.Epochs = 16, 16, 1
	plain.CheckpointPath = filepath.Join(t.TempDir(), "plain.ckpt")
	if _, err := run(context.Background(), plain, 2); err != nil {
		t.Fatal(err)
	}
	c3 := cfg
	c3.CheckpointPath, c3.Resume = plain.CheckpointPath, true
	if _, err := run(context.Background(), c3, 2); !errors.Is(err, graphs.ErrParameter) {
		t.Fatalf("mismatched checkpoint: err = %v", err)
	}
}

// TestSampleGraphs: the random batches of StepsPerEpoch are k distinct
// training graphs, the same for the same (seed, step), and each graph is in
// a batch with probability k/n: over S draws its count is Binomial(S, k/n),
// here mean 800 and standard deviation sqrt(2000·0.4·0.6) ≈ 21.9, so
// |count − 800| < 5·21.9 ≈ 110.
func TestSampleGraphs(t *testing.T) {
	train := []int32{10, 11, 12, 13, 14, 15, 16, 17, 18, 19}
	dst := make([]int32, len(train))
	const S, k = 2000, 4
	count := make(map[int32]int)
	for step := range S {
		ids := sampleGraphs(dst, train, k, 7, step)
		if len(ids) != k {
			t.Fatalf("step %d: %d ids", step, len(ids))
		}
		seen := map[int32]bool{}
		for _, i := range ids {
			if i < 10 || i > 19 || seen[i] {
				t.Fatalf("step %d: ids %v", step, ids)
			}
			seen[i] = true
			count[i]++
		}
	}
	for _, i := range train {
		if c := count[i]; c < 800-110 || c > 800+110 {
			t.Errorf("graph %d in %d of %d batches, want 800 ± 110", i, c, S)
		}
	}
	a := slices.Clone(sampleGraphs(dst, train, k, 7, 3))
	if b := sampleGraphs(dst, train, k, 7, 3); !slices.Equal(a, b) {
		t.Errorf("same (seed, step), different batches %v, %v", a, b)
	}
	if ids := sampleGraphs(dst, train, 32, 7, 0); len(ids) != len(train) {
		t.Errorf("k > n: %d ids", len(ids))
	}
}

func TestTrainGraphsScheduleErrors(t *testing.T) {
	gs, X, y, train, val, test := graphTask(t, 20, 3)
	for _, tc := range []struct {
		name  string
		step  int
		gamma float64
	}{
		{"negative-step", -1, 0.5},
		{"gamma-without-step", 0, 0.5},
		{"zero-gamma", 10, 0},
		{"gamma-above-1", 10, 1.5},
		{"nan-gamma", 10, math.NaN()},
		{"negative-steps-per-epoch", 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := DefaultGraphConfig(gnn.KindGIN)
			cfg.Epochs, cfg.LRStep, cfg.LRGamma = 1, tc.step, tc.gamma
			if tc.name == "negative-steps-per-epoch" {
				cfg.StepsPerEpoch = -1
			}
			if _, err := Graphs(context.Background(), cfg, gs, X, y, train, val, test); !errors.Is(err, graphs.ErrParameter) {
				t.Fatalf("err = %v, want ErrParameter", err)
			}
		})
	}
}

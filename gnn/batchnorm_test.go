package gnn

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/gnnwb/gnnwb/gnn/activation"
	"github.com/gnnwb/gnnwb/gnn/internal/gnntest"
	"github.com/gnnwb/gnnwb/graphs"
)

// TestGradBatchNorm checks BatchNorm's Backward (input, γ, β) against
// central differences, with batch statistics (training) and running ones.
func TestGradBatchNorm(t *testing.T) {
	for _, tc := range []struct {
		name  string
		n, d  int
		train bool
	}{
		{"train-2-rows", 2, 3, true},
		{"train-7x3", 7, 3, true},
		{"train-600x2-several-chunks", 600, 2, true},
		{"eval-7x3", 7, 3, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(uint64(tc.n), 1))
			h := gnntest.RandSlice(rng, tc.n*tc.d, 2)
			bn := NewBatchNorm(tc.d)
			initRandom(bn, 6) // γ, β random; running statistics kept
			for k := range bn.RunVar {
				bn.RunMean[k], bn.RunVar[k] = rng.Float64()-0.5, 0.5+rng.Float64()
			}
			checkModule(t, bn, &Batch{Train: tc.train}, h, tc.n*tc.d, 4)
		})
	}
}

// TestBatchNormRunningStats: one training pass on a known 4×2 input, then
// evaluation, against torch.nn.BatchNorm1d's formulas (momentum 0.1,
// running_var updated with the unbiased variance, eps 1e-5) worked by hand.
func TestBatchNormRunningStats(t *testing.T) {
	// Column 0: 1, 3, 5, 7: mean 4, biased variance 5, unbiased 20/3.
	// Column 1: 0, 2, 2, 4: mean 2, biased variance 2, unbiased 8/3.
	h := []float64{1, 0, 3, 2, 5, 2, 7, 4}
	mean, biased, unbiased := []float64{4, 2}, []float64{5, 2}, []float64{20.0 / 3, 8.0 / 3}
	bn := NewBatchNorm(2)
	out := make([]float64, 8)
	if err := bn.Forward(out, h, &Batch{Train: true}); err != nil {
		t.Fatal(err)
	}
	const tol = 1e-15
	for i := range 4 {
		for k := range 2 {
			want := (h[i*2+k] - mean[k]) / math.Sqrt(biased[k]+1e-5)
			if math.Abs(out[i*2+k]-want) > tol*2 {
				t.Errorf("train out[%d,%d] = %.17g, want %.17g", i, k, out[i*2+k], want)
			}
		}
	}
	runMean := []float64{0.9*0 + 0.1*mean[0], 0.9*0 + 0.1*mean[1]} // 0.4, 0.2
	runVar := []float64{0.9*1 + 0.1*unbiased[0], 0.9*1 + 0.1*unbiased[1]}
	for k := range 2 {
		if math.Abs(bn.RunMean[k]-runMean[k]) > tol || math.Abs(bn.RunVar[k]-runVar[k]) > tol {
			t.Errorf("column %d: running mean %.17g var %.17g, want %.17g %.17g", k, bn.RunMean[k], bn.RunVar[k], runMean[k], runVar[k])
		}
	}
	if math.Abs(runVar[0]-(0.9+2.0/3)) > tol || math.Abs(runMean[0]-0.4) > tol {
		t.Fatalf("hand values: %v %v", runMean, runVar)
	}
	// Evaluation uses the running statistics (γ, β set to check the affine part).
	bn.Gamma[0], bn.Gamma[1], bn.Beta[0], bn.Beta[1] = 2, -1, 0.5, 3
	if err := bn.Forward(out, h, &Batch{}); err != nil {
		t.Fatal(err)
	}
	for i := range 4 {
		for k := range 2 {
			want := bn.Gamma[k]*(h[i*2+k]-runMean[k])/math.Sqrt(runVar[k]+1e-5) + bn.Beta[k]
			if math.Abs(out[i*2+k]-want) > 1e-14 {
				t.Errorf("eval out[%d,%d] = %.17g, want %.17g", i, k, out[i*2+k], want)
			}
		}
	}
	if bn.RunMean[0] != runMean[0] {
		t.Error("evaluation changed the running mean")
	}
}

func TestBatchNormErrors(t *testing.T) {
	for _, tc := range []struct {
		name  string
		bn    func() *BatchNorm
		rows  int
		train bool
		want  error
	}{
		{"one-row-training", func() *BatchNorm { return NewBatchNorm(3) }, 1, true, graphs.ErrShape},
		{"bad-eps", func() *BatchNorm { b := NewBatchNorm(3); b.Eps = 0; return b }, 4, true, graphs.ErrParameter},
		{"nan-momentum", func() *BatchNorm { b := NewBatchNorm(3); b.Momentum = math.NaN(); return b }, 4, true, graphs.ErrParameter},
		{"short-gamma", func() *BatchNorm { b := NewBatchNorm(3); b.Gamma = b.Gamma[:2]; return b }, 4, true, graphs.ErrShape},
		{"one-row-eval-ok", func() *BatchNorm { return NewBatchNorm(3) }, 1, false, nil},
		{"zero-rows-eval-ok", func() *BatchNorm { return NewBatchNorm(3) }, 0, false, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := make([]float64, tc.rows*3)
			err := tc.bn().Forward(make([]float64, len(h)), h, &Batch{Train: tc.train})
			if !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
		})
	}
	if err := NewBatchNorm(2).Backward(nil, make([]float64, 4), &Batch{}); !errors.Is(err, graphs.ErrShape) {
		t.Errorf("Backward before Forward: err = %v", err)
	}
}

// xuBatch joins five small graphs (one isolated node included) with
// random features.
func xuBatch(t *testing.T, d int) (*Batch, []float64) {
	var gs []graphs.Graph
	for k, n := range []int{5, 3, 7, 1, 4} {
		gs = append(gs, testGraph(t, n, 0.5, false, false, uint64(10+k)))
	}
	b, err := Join(gs)
	if err != nil {
		t.Fatal(err)
	}
	return b, gnntest.RandSlice(rand.New(rand.NewPCG(5, 5)), b.NumNodes()*d, 1)
}

// TestGradXuGraphModel checks the whole graph model built with BatchNorm
// and the jumping-knowledge head (and each alone) against central
// differences, in training mode: every parameter and the input features.
func TestGradXuGraphModel(t *testing.T) {
	const in, hidden, classes = 3, 5, 2
	for _, tc := range []struct {
		name string
		opt  ModelOptions
	}{
		{"xu", ModelOptions{Layers: 3, BatchNorm: true, Head: HeadJumpSum}},
		{"xu-trainable-eps-mean", ModelOptions{Layers: 2, BatchNorm: true, Head: HeadJumpSum, TrainEps: true, Pool: MeanPool}},
		{"xu-score-dropout", ModelOptions{Layers: 2, BatchNorm: true, Head: HeadJumpSum, Dropout: 0.5}},
		{"batchnorm-mlp-head", ModelOptions{Layers: 2, BatchNorm: true}},
		{"jk-without-batchnorm", ModelOptions{Layers: 2, Head: HeadJumpSum, Act: activation.Tanh}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := NewGraphModel(KindGIN, in, hidden, classes, tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			initRandom(m.Net, 8)
			// BatchNorm's γ in [0.5, 1.5) and β in [−0.2, 0.2): a random γ near
			// 0 with a negative β would switch a whole column of the next
			// ReLU off, leaving a true zero gradient whose central
			// difference is rounding noise.
			rng := rand.New(rand.NewPCG(8, 8))
			for _, p := range m.Params() {
				for e := range p.Value {
					switch {
					case strings.HasSuffix(p.Name, "Gamma"):
						p.Value[e] = 0.5 + rng.Float64()
					case strings.HasSuffix(p.Name, "Beta"):
						p.Value[e] = 0.2 * (2*rng.Float64() - 1)
					}
				}
			}
			b, h := xuBatch(t, in)
			b.Train, b.Key = true, 31 // a fixed key: the same dropout masks every pass
			// The biases of the Linears right before a BatchNorm (the MLP's
			// first; its last, followed by the outer BatchNorm) cancel out.
			zero := func(p Param) bool {
				return tc.opt.BatchNorm && (strings.HasSuffix(p.Name, "mlp.0.B") || strings.HasSuffix(p.Name, "mlp.3.B"))
			}
			checkModuleZeros(t, m.Net, b, h, b.NumGraphs()*classes, 9, zero)
		})
	}
}

// TestXuModelStructure: the modules and parameter shapes of Xu et al.'s
// GIN, and the option errors.
func TestXuModelStructure(t *testing.T) {
	m, err := NewGraphModel(KindGIN, 7, 64, 2, ModelOptions{Layers: 4, BatchNorm: true, Head: HeadJumpSum, Dropout: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	j, ok := m.Net.Modules[0].(*JumpSum)
	if len(m.Net.Modules) != 1 || !ok {
		t.Fatalf("modules %T", m.Net.Modules)
	}
	if len(j.Layers) != 4 || len(j.Heads) != 5 || j.Heads[0].In != 7 || j.Heads[4].In != 64 || j.Drops[0].P != 0.5 {
		t.Fatalf("layers %d heads %d", len(j.Layers), len(j.Heads))
	}
	// Per GIN layer: MLP Linear W,B, BN γ,β,mean,var, Linear W,B; outer BN 4.
	// Heads: W, B each. PyTorch's GraphCNN has the same tensors (plus eps).
	var trained, buffers, count int
	for _, p := range m.Params() {
		if p.Buffer {
			buffers++
			continue
		}
		trained++
		count += len(p.Value)
	}
	if trained != 4*(4+2+2)+5*2 || buffers != 4*4 {
		t.Errorf("%d trained tensors, %d buffers", trained, buffers)
	}
	// torch: sum(p.numel() for p in GraphCNN(5, 2, 7, 64, 2, ...).parameters()) − len(eps).
	want := (7*64 + 64 + 2*64 + 64*64 + 64 + 2*64) + 3*(64*64+64+2*64+64*64+64+2*64) + (7*2 + 2) + 4*(64*2+2)
	if count != want {
		t.Errorf("%d trained values, want %d", count, want)
	}

	for _, tc := range []struct {
		name  string
		kind  string
		graph bool
		opt   ModelOptions
	}{
		{"batchnorm-gcn", KindGCN, true, ModelOptions{BatchNorm: true}},
		{"jk-node-model", KindGIN, false, ModelOptions{Head: HeadJumpSum}},
		{"unknown-head", KindGIN, true, ModelOptions{Head: Head(7)}},
		{"negative-head", KindGIN, true, ModelOptions{Head: -1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			if tc.graph {
				_, err = NewGraphModel(tc.kind, 3, 4, 2, tc.opt)
			} else {
				_, err = NewModel(tc.kind, 3, 4, 2, tc.opt)
			}
			if !errors.Is(err, graphs.ErrParameter) {
				t.Fatalf("err = %v, want ErrParameter", err)
			}
		})
	}
	for _, s := range []string{"mlp", "jk-sum"} {
		if h, err := ParseHead(s); err != nil || h.String() != s {
			t.Errorf("ParseHead(%q) = %v, %v", s, h, err)
		}
	}
	if _, err := ParseHead("jk"); !errors.Is(err, graphs.ErrParameter) {
		t.Errorf("ParseHead(jk): err = %v", err)
	}
}

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
func xuConfig() GraphTrainConfig {
	cfg := DefaultGraphTrainConfig(KindGIN)
	cfg.Hidden, cfg.BatchSize, cfg.Epochs = 16, 16, 4
	cfg.Model.Layers, cfg.Model.BatchNorm, cfg.Model.Head = 3, true, HeadJumpSum
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
	run := func(ctx context.Context, cfg GraphTrainConfig, procs int) (Result, error) {
		old := runtime.GOMAXPROCS(procs)
		defer runtime.GOMAXPROCS(old)
		return TrainGraphs(ctx, cfg, gs, X, y, train, val, test)
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
	plain := DefaultGraphTrainConfig(KindGIN)
	plain.Hidden, plain.BatchSize, plain.Epochs, plain.Model.Layers = 16, 16, 1, 3
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
			cfg := DefaultGraphTrainConfig(KindGIN)
			cfg.Epochs, cfg.LRStep, cfg.LRGamma = 1, tc.step, tc.gamma
			if tc.name == "negative-steps-per-epoch" {
				cfg.StepsPerEpoch = -1
			}
			if _, err := TrainGraphs(context.Background(), cfg, gs, X, y, train, val, test); !errors.Is(err, graphs.ErrParameter) {
				t.Fatalf("err = %v, want ErrParameter", err)
			}
		})
	}
}

package gnn

import (
	"errors"
	"math"
	"math/rand/v2"
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
		{"attn-dropout-gcn", KindGCN, false, ModelOptions{AttnDropout: 0.5}},
		{"attn-dropout-gin", KindGIN, true, ModelOptions{AttnDropout: 0.5}},
		{"no-self-loops-sage", KindSAGE, false, ModelOptions{NoSelfLoops: true}},
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

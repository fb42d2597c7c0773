package train

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"runtime"
	"slices"
	"testing"

	"github.com/gnnwb/gnnwb/gnn"
	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/graphs/sparse"
)

// plantedPartition draws a planted-partition graph: n nodes in k equal
// classes, edges inside a class with probability pin, across with pout;
// features are the one-hot class scaled by signal plus N(0,1) noise in d
// columns (d ≥ k). Splits: 10 training nodes per class, 20% validation,
// the rest test.
func plantedPartition(t testing.TB, n, k, d int, pin, pout, signal float64, seed uint64) (g graphs.Graph, X []float64, y, train, val, test []int32) {
	rng := rand.New(rand.NewPCG(seed, 1))
	y = make([]int32, n)
	for i := range y {
		y[i] = int32(i % k)
	}
	var es []graphs.Edge
	for u := range n {
		for v := u + 1; v < n; v++ {
			p := pout
			if y[u] == y[v] {
				p = pin
			}
			if rng.Float64() < p {
				es = append(es, graphs.Edge{U: u, V: v})
			}
		}
	}
	var err error
	if g, err = graphs.FromEdges(n, es, graphs.Undirected); err != nil {
		t.Fatal(err)
	}
	X = make([]float64, n*d)
	for i := range n {
		for c := range d {
			X[i*d+c] = rng.NormFloat64()
		}
		X[i*d+int(y[i])] += signal
	}
	perm := rng.Perm(n)
	count := make([]int, k)
	for _, i := range perm {
		switch {
		case count[y[i]] < 10:
			count[y[i]]++
			train = append(train, int32(i))
		case len(val) < n/5:
			val = append(val, int32(i))
		default:
			test = append(test, int32(i))
		}
	}
	return
}

func TestTrainNodesLearns(t *testing.T) {
	g, X, y, train, val, test := plantedPartition(t, 300, 3, 16, 0.08, 0.005, 0.7, 1)
	for _, kind := range []string{gnn.KindGCN, gnn.KindSAGE, gnn.KindGIN, gnn.KindGAT} {
		t.Run(kind, func(t *testing.T) {
			cfg := DefaultNodeConfig(kind)
			cfg.Epochs = 200
			if kind == gnn.KindGAT {
				cfg.Model.Heads = 2
				cfg.LR = 0.01
			}
			cfg.Stop = StopNone
			res, err := Nodes(context.Background(), cfg, g, gnn.Features{Dense: X}, y, train, val, test)
			if err != nil {
				t.Fatal(err)
			}
			first := res.History[0].TestAcc
			// Features alone give ≈ 45% (signal 0.7 in 3 classes); averaging
			// over ~8 same-class neighbours lifts it well above 80%.
			if res.TestAcc < 0.8 || res.TestAcc <= first {
				t.Errorf("test accuracy %.3f (first epoch %.3f), want ≥ 0.8 and rising", res.TestAcc, first)
			}
			t.Logf("%s: first %.3f final %.3f", kind, first, res.TestAcc)
		})
	}
}

// TestTrainNodesResume: 20 epochs straight equal 10 epochs, a checkpoint,
// and 10 resumed epochs, bit for bit; a cancelled run leaves a checkpoint
// and returns context.Canceled; GOMAXPROCS 1 and 2 agree.
func TestTrainNodesResume(t *testing.T) {
	g, X, y, train, val, test := plantedPartition(t, 150, 3, 40, 0.1, 0.01, 1, 2)
	for i := range X {
		if X[i] < 1 { // sparse, binary-ish features exercise the sparse path
			X[i] = 0
		}
	}
	dir := t.TempDir()
	base := DefaultNodeConfig(gnn.KindGCN)
	base.Epochs, base.Stop = 20, StopNone
	run := func(cfg NodeConfig, procs int) (Result, error) {
		old := runtime.GOMAXPROCS(procs)
		defer runtime.GOMAXPROCS(old)
		return Nodes(context.Background(), cfg, g, gnn.Features{Dense: X}, y, train, val, test)
	}
	straight, err := run(base, 2)
	if err != nil {
		t.Fatal(err)
	}
	one, err := run(base, 1)
	if err != nil {
		t.Fatal(err)
	}
	sameParams(t, "GOMAXPROCS 1 vs 2", one.Model.Params(), straight.Model.Params())

	// 10 epochs, checkpoint, then resume to 20.
	cfg := base
	cfg.CheckpointPath = filepath.Join(dir, "a.ckpt")
	cfg.Epochs = 10
	if _, err := run(cfg, 2); err != nil {
		t.Fatal(err)
	}
	cfg.Epochs, cfg.Resume = 20, true
	resumed, err := run(cfg, 2)
	if err != nil {
		t.Fatal(err)
	}
	sameParams(t, "resumed", resumed.Model.Params(), straight.Model.Params())
	if !slices.Equal(resumed.History, straight.History) {
		t.Error("resumed history differs")
	}

	// Cancelled at epoch 7 (from Progress), then resumed.
	ctx, cancel := context.WithCancel(context.Background())
	cfg = base
	cfg.CheckpointPath = filepath.Join(dir, "b.ckpt")
	cfg.Progress = func(done, total int64) {
		if done == 7 {
			cancel()
		}
	}
	_, err = Nodes(ctx, cfg, g, gnn.Features{Dense: X}, y, train, val, test)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled run: err = %v, want context.Canceled", err)
	}
	cfg.Progress, cfg.Resume = nil, true
	resumed, err = run(cfg, 1)
	if err != nil {
		t.Fatal(err)
	}
	sameParams(t, "after cancel", resumed.Model.Params(), straight.Model.Params())

	// A checkpoint of another model is refused.
	cfg.Kind = gnn.KindSAGE
	if _, err := run(cfg, 1); !errors.Is(err, graphs.ErrParameter) {
		t.Fatalf("mismatched checkpoint: err = %v", err)
	}
}

func sameParams(t *testing.T, what string, a, b []gnn.Param) {
	t.Helper()
	for k := range a {
		for e := range a[k].Value {
			if math.Float64bits(a[k].Value[e]) != math.Float64bits(b[k].Value[e]) {
				t.Fatalf("%s: %s[%d] = %v, want %v (bit for bit)", what, a[k].Name, e, a[k].Value[e], b[k].Value[e])
			}
		}
	}
}

func TestTrainNodesErrors(t *testing.T) {
	g, X, y, train, val, test := plantedPartition(t, 30, 3, 4, 0.3, 0.05, 1, 3)
	ok := DefaultNodeConfig(gnn.KindGCN)
	for _, tc := range []struct {
		name string
		mod  func(*NodeConfig, *[]float64, *[]int32)
		err  error
	}{
		{"kind", func(c *NodeConfig, _ *[]float64, _ *[]int32) { c.Kind = "mlp" }, graphs.ErrParameter},
		{"lr", func(c *NodeConfig, _ *[]float64, _ *[]int32) { c.LR = math.NaN() }, graphs.ErrParameter},
		{"dropout", func(c *NodeConfig, _ *[]float64, _ *[]int32) { c.Model.Dropout = 1 }, graphs.ErrParameter},
		{"X shape", func(_ *NodeConfig, x *[]float64, _ *[]int32) { *x = (*x)[1:] }, graphs.ErrShape},
		{"train index", func(_ *NodeConfig, _ *[]float64, tr *[]int32) { *tr = []int32{30} }, graphs.ErrNodeID},
		{"resume without path", func(c *NodeConfig, _ *[]float64, _ *[]int32) { c.Resume = true }, graphs.ErrParameter},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, x, tr := ok, slices.Clone(X), slices.Clone(train)
			tc.mod(&cfg, &x, &tr)
			if _, err := Nodes(context.Background(), cfg, g, gnn.Features{Dense: x}, y, tr, val, test); !errors.Is(err, tc.err) {
				t.Fatalf("err = %v, want %v", err, tc.err)
			}
		})
	}
}

// graphTask draws small graphs of two classes: dense (p = 0.5) or sparse
// (p = 0.15) Erdős–Rényi graphs of 6..13 nodes with constant features, a
// task only the graph structure solves.
func graphTask(t testing.TB, count int, seed uint64) (gs []graphs.Graph, X []float64, y, train, val, test []int32) {
	rng := rand.New(rand.NewPCG(seed, 2))
	for k := range count {
		n := 6 + rng.IntN(8)
		c := k % 2
		p := 0.15
		if c == 1 {
			p = 0.5
		}
		var es []graphs.Edge
		for u := range n {
			for v := u + 1; v < n; v++ {
				if rng.Float64() < p {
					es = append(es, graphs.Edge{U: u, V: v})
				}
			}
		}
		g, err := graphs.FromEdges(n, es, graphs.Undirected)
		if err != nil {
			t.Fatal(err)
		}
		gs = append(gs, g)
		y = append(y, int32(c))
		for range n {
			X = append(X, 1, 0.5)
		}
		switch {
		case k < count*6/10:
			train = append(train, int32(k))
		case k < count*8/10:
			val = append(val, int32(k))
		default:
			test = append(test, int32(k))
		}
	}
	return
}

func TestTrainGraphs(t *testing.T) {
	gs, X, y, train, val, test := graphTask(t, 120, 1)
	cfg := DefaultGraphConfig(gnn.KindGIN)
	cfg.Hidden, cfg.Epochs, cfg.BatchSize = 16, 12, 16
	res, err := Graphs(context.Background(), cfg, gs, X, y, train, val, test)
	if err != nil {
		t.Fatal(err)
	}
	// Degree separates the classes (mean degree ≈ 1.4 vs 4.5): a sum
	// readout of GIN should be near perfect.
	if res.TestAcc < 0.9 {
		t.Errorf("test accuracy %.3f, want ≥ 0.9", res.TestAcc)
	}

	// Resume bit identity with a cancel in the middle of an epoch.
	cfg.RestoreBest = false
	cfg.Epochs = 4
	straight, err := Graphs(context.Background(), cfg, gs, X, y, train, val, test)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	c2 := cfg
	c2.CheckpointPath = filepath.Join(t.TempDir(), "g.ckpt")
	c2.Progress = func(done, total int64) {
		if done == 7 { // batch 2 of epoch 1 (5 batches per epoch)
			cancel()
		}
	}
	if _, err := Graphs(ctx, c2, gs, X, y, train, val, test); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	c2.Progress, c2.Resume = nil, true
	old := runtime.GOMAXPROCS(1)
	resumed, err := Graphs(context.Background(), c2, gs, X, y, train, val, test)
	runtime.GOMAXPROCS(old)
	if err != nil {
		t.Fatal(err)
	}
	sameParams(t, "graphs resumed", resumed.Model.Params(), straight.Model.Params())
	if !slices.Equal(resumed.History, straight.History) {
		t.Error("resumed history differs")
	}
}

// TestTrainNodesNoValidation: without validation nodes the run goes to the
// end and reports the last epoch.
func TestTrainNodesNoValidation(t *testing.T) {
	g, X, y, train, _, test := plantedPartition(t, 60, 3, 8, 0.2, 0.02, 1, 4)
	cfg := DefaultNodeConfig(gnn.KindGCN)
	cfg.Epochs, cfg.RestoreBest = 15, true
	res, err := Nodes(context.Background(), cfg, g, gnn.Features{Dense: X}, y, train, nil, test)
	if err != nil {
		t.Fatal(err)
	}
	last := res.History[len(res.History)-1]
	if res.Epochs != 15 || res.Stopped || res.TestAcc != last.TestAcc || last.ValLoss != 0 {
		t.Fatalf("epochs %d stopped %v test %v (last %v), val loss %v", res.Epochs, res.Stopped, res.TestAcc, last.TestAcc, last.ValLoss)
	}
}

// TestStopRules drives checkpoint.update with given validation losses.
func TestStopRules(t *testing.T) {
	for _, tc := range []struct {
		name     string
		stop     StopRule
		losses   []float64
		stopAt   int // epoch index at which update first says stop, −1 never
		bestLoss int
	}{
		// Kipf: stop when the loss exceeds the mean of the previous 3.
		{"window", StopWindow, []float64{5, 4, 3, 2, 2.5, 2.4, 3.5}, 6, 3},
		{"window-early-epochs", StopWindow, []float64{1, 9, 9}, -1, 0},
		{"patience", StopPatience, []float64{5, 4, 4.5, 4.2, 4.1, 3}, 4, 1},
		{"none", StopNone, []float64{1, 2, 3, 4, 5, 6}, -1, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := &checkpoint{BestLoss: math.Inf(1), BestAcc: -1, BestEpoch: -1}
			got := -1
			for e, l := range tc.losses {
				es := EpochStats{Epoch: e, ValLoss: l}
				st.History = append(st.History, es)
				if st.update(es, SelectValLoss, tc.stop, 3, 3, nil, false) && got < 0 {
					got = e
				}
			}
			if got != tc.stopAt {
				t.Errorf("stopped at %d, want %d", got, tc.stopAt)
			}
			if tc.stopAt < 0 && st.BestEpoch != tc.bestLoss && tc.name != "window-early-epochs" {
				t.Errorf("best epoch %d, want %d", st.BestEpoch, tc.bestLoss)
			}
		})
	}
}

// TestTrainGraphsKinds: every kind trains as a graph model.
func TestTrainGraphsKinds(t *testing.T) {
	gs, X, y, train, val, test := graphTask(t, 40, 5)
	for _, kind := range []string{gnn.KindGCN, gnn.KindSAGE, gnn.KindGAT} {
		for _, pool := range []gnn.Pool{gnn.SumPool, gnn.MeanPool, gnn.MaxPool} {
			t.Run(kind+"/"+pool.String(), func(t *testing.T) {
				cfg := DefaultGraphConfig(kind)
				cfg.Hidden, cfg.Epochs, cfg.BatchSize, cfg.Model.Pool, cfg.Model.Heads = 8, 2, 8, pool, 2
				res, err := Graphs(context.Background(), cfg, gs, X, y, train, val, test)
				if err != nil {
					t.Fatal(err)
				}
				if res.Epochs != 2 || len(res.History) != 2 || math.IsNaN(res.History[1].TrainLoss) {
					t.Fatalf("result %+v", res)
				}
			})
		}
	}
}

// TestTrainNodesSparseInput: features given sparse train bit for bit as
// the same features given dense, for a model whose first layer reads
// sparse input (GCN: the sparse kernel either way) and one whose first
// layer does not (GIN: densified), under every SparseFeatures mode.
func TestTrainNodesSparseInput(t *testing.T) {
	g, X, y, train, val, test := plantedPartition(t, 60, 3, 20, 0.15, 0.02, 1, 5)
	nnz := 0
	for i := range X {
		if X[i] < 2 {
			X[i] = 0
		} else {
			nnz++
		}
	}
	if nnz == 0 || nnz*10 > len(X) { // auto mode must pick the sparse kernel for dense X too
		t.Fatalf("%d of %d features nonzero, want (0, 10%%]", nnz, len(X))
	}
	sp, err := sparse.FromDense(g.NumNodes(), 20, X)
	if err != nil {
		t.Fatal(err)
	}
	for _, kind := range []string{gnn.KindGCN, gnn.KindGIN} {
		for _, mode := range []int{-1, 0, 1} {
			t.Run(fmt.Sprintf("%s/mode%d", kind, mode), func(t *testing.T) {
				cfg := DefaultNodeConfig(kind)
				cfg.Epochs, cfg.Stop, cfg.SparseFeatures = 5, StopNone, mode
				dense, err := Nodes(context.Background(), cfg, g, gnn.Features{Dense: X}, y, train, val, test)
				if err != nil {
					t.Fatal(err)
				}
				sparse, err := Nodes(context.Background(), cfg, g, gnn.Features{Sparse: sp}, y, train, val, test)
				if err != nil {
					t.Fatal(err)
				}
				sameParams(t, "sparse vs dense input", sparse.Model.Params(), dense.Model.Params())
				if sparse.TestAcc != dense.TestAcc {
					t.Errorf("test accuracy %v (sparse) vs %v (dense)", sparse.TestAcc, dense.TestAcc)
				}
			})
		}
	}
	ok := DefaultNodeConfig(gnn.KindGCN)
	ok.Epochs = 1
	short, _ := sparse.FromDense(g.NumNodes()-1, 20, X[:len(X)-20])
	off, idx, vals := sp.CSR()
	if _, err := sparse.FromCSR(sp.Rows(), sp.Cols(), off, idx, vals[1:]); !errors.Is(err, graphs.ErrShape) {
		t.Errorf("inconsistent: err = %v, want ErrShape", err) // such features cannot be built
	}
	for _, tc := range []struct {
		name string
		x    gnn.Features
	}{
		{"both", gnn.Features{Dense: X, Sparse: sp}},
		{"rows", gnn.Features{Sparse: short}},
		{"none", gnn.Features{}},
	} {
		if _, err := Nodes(context.Background(), ok, g, tc.x, y, train, val, test); !errors.Is(err, graphs.ErrShape) {
			t.Errorf("%s: err = %v, want ErrShape", tc.name, err)
		}
	}
}

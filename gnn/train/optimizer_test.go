package train

import (
	"bytes"
	"context"
	"encoding/gob"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/gnnwb/gnnwb/gnn"
	"github.com/gnnwb/gnnwb/gnn/optim"
	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/internal/asm"
)

// sameRun fails unless two results have the same parameters and history,
// bit for bit.
func sameRun(t *testing.T, what string, got, want Result) {
	t.Helper()
	sameParams(t, what, got.Model.Params(), want.Model.Params())
	if !slices.Equal(got.History, want.History) {
		t.Errorf("%s: history differs", what)
	}
}

// copyFile copies src to a new file in dir and returns its path.
func copyFile(t *testing.T, src, dir string) string {
	t.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(dir, filepath.Base(src))
	if err := os.WriteFile(dst, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return dst
}

// runner runs one training to its end, with a checkpoint path (or ""),
// Resume and Progress as given.
type runner func(ctx context.Context, path string, resume bool, progress func(done, total int64)) (Result, error)

func nodeRunner(cfg NodeConfig, g graphs.Graph, X []float64, y, train, val, test []int32) runner {
	return func(ctx context.Context, path string, resume bool, progress func(done, total int64)) (Result, error) {
		c := cfg
		c.CheckpointPath, c.Resume, c.Progress = path, resume, progress
		return Nodes(ctx, c, g, gnn.Features{Dense: X}, y, train, val, test)
	}
}

func graphRunner(cfg GraphConfig, gs []graphs.Graph, X []float64, y, train, val, test []int32) runner {
	return func(ctx context.Context, path string, resume bool, progress func(done, total int64)) (Result, error) {
		c := cfg
		c.CheckpointPath, c.Resume, c.Progress = path, resume, progress
		return Graphs(ctx, c, gs, X, y, train, val, test)
	}
}

// interrupted runs run with a checkpoint until its progress reaches
// stopAt, where it cancels the context; then it calls edit (if not nil)
// with the checkpoint's path and resumes the run to its end.
func interrupted(t *testing.T, run runner, stopAt int64, edit func(path string)) Result {
	t.Helper()
	path := filepath.Join(t.TempDir(), "run.ckpt")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, err := run(ctx, path, false, func(done, total int64) {
		if done == stopAt {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if edit != nil {
		edit(path)
	}
	res, err := run(context.Background(), path, true, nil)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// rewriteV1 rewrites the checkpoint at path, written with Adam, in the
// layout of format version 1: Adam's moments and step count in AdamM,
// AdamV and AdamT, no Optim.
func rewriteV1(t *testing.T, path string) {
	t.Helper()
	c, err := loadCheckpoint(path)
	if err != nil {
		t.Fatal(err)
	}
	var a optim.Adam
	if err := a.SetState(c.Optim); err != nil {
		t.Fatal(err)
	}
	c.Version, c.Optim, c.AdamM, c.AdamV, c.AdamT = 1, optim.State{}, a.M, a.V, a.T
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(c); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestCheckpointVersion1 reads testdata/v1/nodes-gcn-epoch10.ckpt, written
// by the version 1 code after 10 epochs of the run below: its Adam state
// becomes an optim.State, and resuming from it gives the same bits as
// resuming from the same state written as version 2 and, on the machines
// that wrote it (amd64 with AVX2 and FMA), as the uninterrupted run.
func TestCheckpointVersion1(t *testing.T) {
	const file = "testdata/v1/nodes-gcn-epoch10.ckpt"
	c, err := loadCheckpoint(file)
	if err != nil {
		t.Fatal(err)
	}
	if c.Version != 1 || c.Task != "nodes" || c.Kind != gnn.KindGCN || c.Epoch != 10 || c.Step != 10 ||
		c.Optim.Kind != "adam" || c.Optim.Steps != 10 || len(c.Optim.Slots) != 2 || c.AdamM != nil || c.AdamT != 0 {
		t.Fatalf("version 1 checkpoint read as %+v", c)
	}
	g, X, y, train, val, test := plantedPartition(t, 60, 3, 8, 0.2, 0.02, 1, 4)
	cfg := DefaultNodeConfig(gnn.KindGCN)
	cfg.Epochs, cfg.Stop = 20, StopNone
	run := func(cfg NodeConfig) Result {
		t.Helper()
		res, err := Nodes(context.Background(), cfg, g, gnn.Features{Dense: X}, y, train, val, test)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	dir := t.TempDir()
	cfg.CheckpointPath, cfg.Resume = copyFile(t, file, dir), true
	fromV1 := run(cfg)
	v2 := filepath.Join(dir, "v2.ckpt")
	if err := saveCheckpoint(v2, c); err != nil {
		t.Fatal(err)
	}
	cfg.CheckpointPath = v2
	sameRun(t, "resumed from version 1 vs version 2", fromV1, run(cfg))
	if asm.UseFMA {
		cfg.CheckpointPath, cfg.Resume = "", false
		sameRun(t, "resumed from version 1 vs uninterrupted", fromV1, run(cfg))
	}
	if after, err := loadCheckpoint(v2); err != nil || after.Version != checkpointVersion || after.Epoch != 20 {
		t.Fatalf("checkpoint after resuming: %v %+v", err, after)
	}
}

// TestResumeVersion1: node and graph runs stopped mid-way, their
// checkpoints rewritten as version 1, resume to the bits of the
// uninterrupted run.
func TestResumeVersion1(t *testing.T) {
	g, X, y, train, val, test := plantedPartition(t, 60, 3, 8, 0.2, 0.02, 1, 5)
	nodes := DefaultNodeConfig(gnn.KindSAGE)
	nodes.Epochs, nodes.Stop = 12, StopNone
	gs, GX, gy, gtrain, gval, gtest := graphTask(t, 40, 6)
	grph := DefaultGraphConfig(gnn.KindGIN)
	grph.Hidden, grph.Epochs, grph.BatchSize, grph.LRStep, grph.LRGamma = 8, 3, 8, 1, 0.5
	for _, tc := range []struct {
		name string
		run  runner
	}{
		{"nodes", nodeRunner(nodes, g, X, y, train, val, test)},
		{"graphs", graphRunner(grph, gs, GX, gy, gtrain, gval, gtest)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			straight, err := tc.run(context.Background(), "", false, nil)
			if err != nil {
				t.Fatal(err)
			}
			// Stopped after the 5th step: the checkpoint holds moments.
			resumed := interrupted(t, tc.run, 5, func(path string) {
				rewriteV1(t, path)
				if c, err := loadCheckpoint(path); err != nil || c.Version != 1 || c.Optim.Steps != 5 {
					t.Fatalf("rewritten checkpoint: %v %+v", err, c)
				}
			})
			sameRun(t, "resumed from version 1", resumed, straight)
		})
	}
}

// noSetLR hides the SetLR method of the optimiser it wraps.
type noSetLR struct{ optim.Optimizer }

// TestOptimizerConfig: a configured optimiser trains and resumes bit for
// bit, its checkpoint is refused by a run with another kind of optimiser,
// Adam given explicitly is the default, and the configuration errors.
func TestOptimizerConfig(t *testing.T) {
	g, X, y, train, val, test := plantedPartition(t, 60, 3, 8, 0.2, 0.02, 1, 4)
	sgd := func(ps []gnn.Param) optim.Optimizer { return &optim.SGD{LR: 0.05, Momentum: 0.9, WeightDecay: 5e-4} }
	base := DefaultNodeConfig(gnn.KindGCN)
	base.Epochs, base.Stop, base.Optimizer = 20, StopNone, sgd
	run := func(cfg NodeConfig) (Result, error) {
		return Nodes(context.Background(), cfg, g, gnn.Features{Dense: X}, y, train, val, test)
	}
	straight, err := run(base)
	if err != nil {
		t.Fatal(err)
	}
	adam, err := run(DefaultNodeConfig(gnn.KindGCN))
	if err != nil {
		t.Fatal(err)
	}
	if slices.Equal(straight.History, adam.History) {
		t.Fatal("SGD trains as Adam")
	}
	var ckpt string
	resumed := interrupted(t, nodeRunner(base, g, X, y, train, val, test), 10, func(path string) {
		if c, err := loadCheckpoint(path); err != nil || c.Optim.Kind != "sgd" || c.Optim.Steps != 10 {
			t.Fatalf("SGD checkpoint: %v %+v", err, c)
		}
		ckpt = path
	})
	sameRun(t, "SGD resumed", resumed, straight)
	cfg := base
	cfg.CheckpointPath, cfg.Resume, cfg.Optimizer = ckpt, true, nil // Adam cannot take SGD's state
	if _, err := run(cfg); !errors.Is(err, graphs.ErrParameter) {
		t.Errorf("Adam resuming an SGD checkpoint: err = %v, want ErrParameter", err)
	}

	explicit := DefaultNodeConfig(gnn.KindGCN)
	explicit.Optimizer = func(ps []gnn.Param) optim.Optimizer { return optim.NewAdam(explicit.LR, explicit.WeightDecay) }
	got, err := run(explicit)
	if err != nil {
		t.Fatal(err)
	}
	sameRun(t, "Adam given explicitly", got, adam)

	bad := base
	bad.Optimizer = func([]gnn.Param) optim.Optimizer { return nil }
	if _, err := run(bad); !errors.Is(err, graphs.ErrParameter) {
		t.Errorf("nil optimiser: err = %v, want ErrParameter", err)
	}

	// Graphs: SGD with a schedule trains and resumes mid-epoch (step 6 is
	// batch 3 of epoch 1, after the first rate change); an optimiser
	// without SetLR cannot follow a schedule.
	gs, GX, gy, gtrain, gval, gtest := graphTask(t, 40, 7)
	gcfg := DefaultGraphConfig(gnn.KindGIN)
	gcfg.Hidden, gcfg.Epochs, gcfg.BatchSize, gcfg.LRStep, gcfg.LRGamma, gcfg.RestoreBest = 8, 3, 8, 1, 0.5, false
	gcfg.Optimizer = sgd
	grun := graphRunner(gcfg, gs, GX, gy, gtrain, gval, gtest)
	gstraight, err := grun(context.Background(), "", false, nil)
	if err != nil {
		t.Fatal(err)
	}
	sameRun(t, "graphs with SGD resumed", interrupted(t, grun, 6, nil), gstraight)
	gcfg.Optimizer = func(ps []gnn.Param) optim.Optimizer { return noSetLR{sgd(ps)} }
	if _, err := Graphs(context.Background(), gcfg, gs, GX, gy, gtrain, gval, gtest); !errors.Is(err, graphs.ErrUnsupported) {
		t.Errorf("schedule without SetLR: err = %v, want ErrUnsupported", err)
	}
	gcfg.LRStep, gcfg.LRGamma = 0, 0
	if _, err := Graphs(context.Background(), gcfg, gs, GX, gy, gtrain, gval, gtest); err != nil {
		t.Errorf("no schedule, optimiser without SetLR: %v", err)
	}
}

package gnn

import (
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/gnnwb/gnnwb/gnn/activation"
	"github.com/gnnwb/gnnwb/gnn/internal/gnntest"
	"github.com/gnnwb/gnnwb/graphs"
)

// TestLayersDeterminism: every layer's forward and backward give the same
// bits with GOMAXPROCS 1, 2 and 4 on a graph spanning several node chunks and
// inputs wider than a column block.
func TestLayersDeterminism(t *testing.T) {
	g := testGraph(t, 1300, 0.004, true, true, 8)
	const in, out = 40, 9
	rng := rand.New(rand.NewPCG(8, 8))
	h := gnntest.RandSlice(rng, g.NumNodes()*in, 1)
	makers := map[string]func() Module{
		"gcn":  func() Module { return NewGCNConv(in, out) },
		"sage": func() Module { return NewSAGEConv(in, out) },
		"gin": func() Module {
			return NewGINConv(in, NewSequential(NewLinear(in, 12, true), NewActivation(activation.Erf, 0), NewLinear(12, out, true)), 0.1, true)
		},
		"gat": func() Module {
			l := NewGATConv(in, out, 3, true)
			l.AttnDropout = 0.4
			return l
		},
		"batchnorm": func() Module { return NewBatchNorm(in) },
		"gin-batchnorm": func() Module {
			return NewSequential(NewGINConv(in, NewSequential(NewLinear(in, 12, true), NewBatchNorm(12), NewActivation(activation.ReLU, 0), NewLinear(12, out, true)), 0, false),
				NewBatchNorm(out), NewActivation(activation.ReLU, 0))
		},
		"sequential": func() Module {
			return NewSequential(NewDropout(0.3, 1), NewGCNConv(in, 16), NewActivation(activation.Sigmoid, 0), NewDropout(0.5, 2), NewGCNConv(16, out))
		},
	}
	for name, mk := range makers {
		t.Run(name, func(t *testing.T) {
			run := func(procs int) ([]float64, []float64, []Param) {
				old := runtime.GOMAXPROCS(procs)
				defer runtime.GOMAXPROCS(old)
				m := mk()
				initRandom(m, 2)
				b := NewBatch(g)
				b.Train, b.Key = true, 99
				_, o := m.Dims()
				y := make([]float64, g.NumNodes()*o)
				if err := m.Forward(y, h, b); err != nil {
					t.Fatal(err)
				}
				dh := make([]float64, len(h))
				if err := m.Backward(dh, y, b); err != nil {
					t.Fatal(err)
				}
				return y, dh, m.Params()
			}
			y1, d1, p1 := run(1)
			for _, procs := range []int{2, 4} {
				y2, d2, p2 := run(procs)
				sameBits(t, "out", y1, y2)
				sameBits(t, "dh", d1, d2)
				for k := range p1 {
					sameBits(t, p1[k].Name, p1[k].Grad, p2[k].Grad)
				}
			}
		})
	}
}

func sameBits(t *testing.T, what string, a, b []float64) {
	t.Helper()
	for e := range a {
		if math.Float64bits(a[e]) != math.Float64bits(b[e]) {
			t.Fatalf("%s[%d]: %v vs %v", what, e, a[e], b[e])
		}
	}
}

// TestCheckpointErrors: garbage and wrong versions are refused with
// ErrFormat; a missing file means a fresh start.
func TestCheckpointErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad")
	if err := os.WriteFile(bad, []byte("not a checkpoint"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := loadCheckpoint(bad); !errorsIs(err, graphs.ErrFormat) {
		t.Fatalf("garbage: err = %v", err)
	}
	old := filepath.Join(dir, "old")
	c := &checkpoint{Task: "nodes"}
	if err := saveCheckpoint(old, c); err != nil {
		t.Fatal(err)
	}
	c2, err := loadCheckpoint(old)
	if err != nil || c2.Task != "nodes" || c2.Version != checkpointVersion {
		t.Fatalf("round trip: %v %+v", err, c2)
	}
	if c, err := loadCheckpoint(filepath.Join(dir, "missing")); c != nil || err != nil {
		t.Fatalf("missing file: %v %v", c, err)
	}
}

// FuzzCheckpoint: arbitrary bytes give an error or a checkpoint, never a panic.
func FuzzCheckpoint(f *testing.F) {
	dir := f.TempDir()
	p := filepath.Join(dir, "seed")
	if err := saveCheckpoint(p, &checkpoint{Task: "graphs", Params: [][]float64{{1, 2}}, Shapes: []int{2}}); err != nil {
		f.Fatal(err)
	}
	seed, err := os.ReadFile(p)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := decodeCheckpoint(data, "fuzz")
		if (err == nil) == (c == nil) {
			t.Fatalf("checkpoint %v with error %v", c, err)
		}
		if err != nil && !errorsIs(err, graphs.ErrFormat) {
			t.Fatalf("error %v is not ErrFormat", err)
		}
	})
}

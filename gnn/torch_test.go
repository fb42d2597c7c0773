package gnn_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gnnwb/gnnwb/gnn"
	"github.com/gnnwb/gnnwb/gnn/activation"
	"github.com/gnnwb/gnnwb/gnn/train"
	"github.com/gnnwb/gnnwb/graphs"
)

// torchPython is the interpreter of the PyTorch peer bench/peers/gin_torch.py.
const torchPython = "/usr/bin/python3"

// ginTorchBatch returns a batch of small random molecules-like graphs (a
// random tree plus a few extra edges each), one-hot node labels of d
// columns and class labels in [0, classes).
func ginTorchBatch(t *testing.T, graphsN, d, classes int) (*gnn.Batch, []float64, []int32) {
	t.Helper()
	rng := rand.New(rand.NewPCG(16, 1))
	gs := make([]graphs.Graph, graphsN)
	var x []float64
	y := make([]int32, graphsN)
	for k := range gs {
		n := 3 + rng.IntN(13)
		var es []graphs.Edge
		for i := 1; i < n; i++ {
			es = append(es, graphs.Edge{U: i, V: rng.IntN(i)})
		}
		for range n / 3 {
			u, v := rng.IntN(n), rng.IntN(n)
			if u != v {
				es = append(es, graphs.Edge{U: u, V: v})
			}
		}
		g, err := graphs.FromEdges(n, es, graphs.Undirected)
		if err != nil {
			t.Fatal(err)
		}
		gs[k] = g
		for range n {
			row := make([]float64, d)
			row[rng.IntN(d)] = 1
			x = append(x, row...)
		}
		y[k] = int32(rng.IntN(classes))
	}
	b, err := gnn.Join(gs)
	if err != nil {
		t.Fatal(err)
	}
	return b, x, y
}

// describe returns the JSON description of m for the peer: its kind, the
// indices of its parameters in params and, for dropouts, the mask of the
// last Forward.
func describe(t *testing.T, m gnn.Module, params []gnn.Param) map[string]any {
	t.Helper()
	index := func(v []float64) int {
		for k, p := range params {
			if len(p.Value) > 0 && &p.Value[0] == &v[0] {
				return k
			}
		}
		t.Fatalf("parameter of %T not in the model's Params", m)
		return -1
	}
	switch m := m.(type) {
	case *gnn.Dropout:
		return map[string]any{"kind": "dropout", "mask": m.MaskValues()}
	case *gnn.Activation:
		if m.Kind != activation.ReLU {
			t.Fatalf("activation %v: the peer has ReLU only", m.Kind)
		}
		return map[string]any{"kind": "relu"}
	case *gnn.Linear:
		d := map[string]any{"kind": "linear", "in": m.In, "out": m.Out, "w": index(m.W)}
		if m.B != nil {
			d["b"] = index(m.B)
		}
		return d
	case *gnn.BatchNorm:
		return map[string]any{"kind": "batchnorm", "gamma": index(m.Gamma), "beta": index(m.Beta),
			"run_mean": index(m.RunMean), "run_var": index(m.RunVar), "eps": m.Eps, "momentum": m.Momentum}
	case *gnn.Readout:
		return map[string]any{"kind": "readout", "pool": m.Kind.String()}
	case *gnn.Sequential:
		var ms []map[string]any
		for _, s := range m.Modules {
			ms = append(ms, describe(t, s, params))
		}
		return map[string]any{"kind": "sequential", "modules": ms}
	case *gnn.GINConv:
		d := map[string]any{"kind": "gin", "mlp": describe(t, m.MLP, params), "eps_value": m.Eps[0]}
		if m.TrainEps {
			d["eps"] = index(m.Eps)
		}
		return d
	case *gnn.JumpSum:
		var layers, heads []map[string]any
		var masks []any
		for _, l := range m.Layers {
			layers = append(layers, describe(t, l, params))
		}
		for k, h := range m.Heads {
			heads = append(heads, describe(t, h, params))
			var mask []float64
			if m.Drops[k] != nil {
				mask = m.Drops[k].MaskValues()
			}
			masks = append(masks, mask)
		}
		pool := m.Pools[0].Kind.String()
		return map[string]any{"kind": "jumpsum", "layers": layers, "heads": heads, "masks": masks, "pool": pool}
	}
	t.Fatalf("module %T: no peer description", m)
	return nil
}

// TestGINTorch runs one training pass (forward, softmax cross-entropy,
// backward) of gnnwb's graph GINs on a batch, module by module, and has
// PyTorch (bench/peers/gin_torch.py, float64, autograd) repeat it with the
// same parameters, dropout masks and batch: every module's output, the
// gradient of the loss with respect to it, the loss, every parameter
// gradient and the BatchNorm running statistics after the pass must agree
// to 1e-9 relative. It also checks that the module-by-module pass is the
// model's own Forward and Backward, bit for bit. Skips when PyTorch is not
// importable.
func TestGINTorch(t *testing.T) {
	if err := exec.Command(torchPython, "-c", "import torch").Run(); err != nil {
		t.Skipf("PyTorch not importable by %s (%v): skipping the comparison with the PyTorch GIN (apt-get install python3-torch)", torchPython, err)
	}
	script, err := filepath.Abs(filepath.Join("..", "bench", "peers", "gin_torch.py"))
	if err != nil {
		t.Fatal(err)
	}
	def := train.DefaultGraphConfig(gnn.KindGIN)
	cases := []struct {
		name   string
		hidden int
		opt    gnn.ModelOptions
		eps    float64
	}{
		{"default", def.Hidden, def.Model, 0},
		{"plain GIN (--layers 3 --batch-norm=false --head mlp)", 64, gnn.ModelOptions{Layers: 3, Dropout: 0.5, Pool: gnn.SumPool, DecayAll: true}, 0},
		{"Xu et al.", 64, gnn.ModelOptions{Layers: 4, Dropout: 0.5, Pool: gnn.SumPool, BatchNorm: true, Head: gnn.HeadJumpSum}, 0},
		{"trainable eps, mean pool", 16, gnn.ModelOptions{Layers: 2, Dropout: 0.3, Pool: gnn.MeanPool, BatchNorm: true, Head: gnn.HeadJumpSum, TrainEps: true}, 0.3},
	}
	const d, classes = 7, 3
	dir := t.TempDir()
	var files []string
	modules, nparams := make([]int, len(cases)), make([]int, len(cases))
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b, x, y := ginTorchBatch(t, 12, d, classes)
			build := func() *gnn.Model {
				m, err := gnn.NewGraphModel(gnn.KindGIN, d, c.hidden, classes, c.opt)
				if err != nil {
					t.Fatal(err)
				}
				m.Init(7)
				for _, p := range m.Params() {
					if strings.HasSuffix(p.Name, "Eps") {
						p.Value[0] = c.eps
					}
				}
				return m
			}
			m := build()
			params := m.Params()
			b.Train, b.Key = true, 12345
			G := b.NumGraphs()
			// Forward, module by module.
			mods := m.Net.Modules
			outs := make([][]float64, len(mods))
			h, rows, cols := x, b.NumNodes(), d
			for k, mod := range mods {
				if _, o := mod.Dims(); o != 0 {
					cols = o
				}
				switch mod.(type) {
				case *gnn.Readout, *gnn.JumpSum:
					rows = G
				}
				outs[k] = make([]float64, rows*cols)
				if err := mod.Forward(outs[k], h, b); err != nil {
					t.Fatal(err)
				}
				h = outs[k]
			}
			grad := make([]float64, len(h))
			loss, err := train.CrossEntropy(grad, h, classes, y, nil)
			if err != nil {
				t.Fatal(err)
			}
			// Backward, module by module: grads[k] = ∂L/∂outs[k].
			grads := make([][]float64, len(mods))
			grads[len(mods)-1] = grad
			for k := len(mods) - 1; k >= 0; k-- {
				var dh []float64
				if k > 0 {
					dh = make([]float64, len(outs[k-1]))
					grads[k-1] = dh
				}
				if err := mods[k].Backward(dh, grads[k], b); err != nil {
					t.Fatal(err)
				}
			}
			// The model's own pass gives the same bits.
			m2 := build()
			logits := make([]float64, len(h))
			if err := m2.Forward(logits, gnn.Features{Dense: x}, b); err != nil {
				t.Fatal(err)
			}
			g2 := make([]float64, len(h))
			if _, err := train.CrossEntropy(g2, logits, classes, y, nil); err != nil {
				t.Fatal(err)
			}
			if err := m2.Backward(g2, b); err != nil {
				t.Fatal(err)
			}
			for k, p := range m2.Params() {
				for e := range p.Grad {
					if p.Grad[e] != params[k].Grad[e] {
						t.Fatalf("parameter %s[%d]: model pass %v, module-by-module %v", p.Name, e, p.Grad[e], params[k].Grad[e])
					}
				}
			}
			for e := range logits {
				if logits[e] != h[e] {
					t.Fatalf("logit %d: model pass %v, module-by-module %v", e, logits[e], h[e])
				}
			}
			modules[i], nparams[i] = len(mods), len(params)
			var desc []map[string]any
			for _, mod := range mods {
				desc = append(desc, describe(t, mod, params))
			}
			var states [][]float64
			if j, ok := mods[0].(*gnn.JumpSum); ok {
				for k := 1; k <= len(j.Layers); k++ {
					states = append(states, j.State(k))
				}
			}
			type jsonParam struct {
				Name   string    `json:"name"`
				Value  []float64 `json:"value"`
				Grad   []float64 `json:"grad,omitempty"`
				Buffer bool      `json:"buffer"`
			}
			var ps []jsonParam
			for _, p := range params {
				ps = append(ps, jsonParam{Name: p.Name, Value: p.Value, Grad: p.Grad, Buffer: p.Buffer})
			}
			// Values before the pass (BatchNorm running statistics moved).
			var before [][]float64
			for _, p := range build().Params() {
				before = append(before, p.Value)
			}
			o, nb, _ := b.G.CSR()
			doc := map[string]any{
				"nodes": b.NumNodes(), "in": d, "classes": classes, "graphs": G,
				"csr_offsets": o, "csr_neighbours": nb, "graph_offsets": b.Offsets,
				"x": x, "y": y, "modules": desc, "params": ps, "initial": before,
				"outs": outs, "grads": grads, "loss": loss, "states": states,
			}
			file := filepath.Join(dir, fmt.Sprintf("gin%d.json", i))
			raw, err := json.Marshal(doc)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(file, raw, 0o644); err != nil {
				t.Fatal(err)
			}
			files = append(files, file)
		})
	}
	if t.Failed() {
		return
	}
	// One interpreter for all cases: importing torch takes seconds.
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(torchPython, append([]string{script}, files...)...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\n%s%s", torchPython, script, err, stdout.String(), stderr.String())
	}
	var reps []struct {
		Torch  string `json:"torch"`
		Checks []struct {
			What  string  `json:"what"`
			Err   float64 `json:"rel_err"`
			Abs   float64 `json:"abs_err"`
			Scale float64 `json:"scale"`
		} `json:"checks"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &reps); err != nil {
		t.Fatalf("peer output: %v\n%s", err, stdout.String())
	}
	if len(reps) != len(cases) {
		t.Fatalf("peer answered %d of %d cases", len(reps), len(cases))
	}
	for i, rep := range reps {
		// Every module: output and gradient; the loss; every parameter.
		if len(rep.Checks) < 2*modules[i]+1+nparams[i] {
			t.Errorf("%s: peer made %d checks for %d modules and %d parameters", cases[i].name, len(rep.Checks), modules[i], nparams[i])
		}
		const tol = 1e-9
		worst := 0.0
		for _, ch := range rep.Checks {
			// A bias right before a BatchNorm has a zero gradient in exact
			// arithmetic; both sides then hold rounding noise.
			if ch.Scale < 1e-14 && ch.Abs < 1e-14 {
				continue
			}
			if !(ch.Err <= tol) {
				t.Errorf("%s: %s: relative error %.3g > %g (max |torch| %.3g)", cases[i].name, ch.What, ch.Err, tol, ch.Scale)
			}
			worst = math.Max(worst, ch.Err)
		}
		t.Logf("%s: %d checks against PyTorch %s, worst relative error %.3g", cases[i].name, len(rep.Checks), rep.Torch, worst)
	}
}

package train

import (
	"bytes"
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gnnwb/gnnwb/gnn"
	"github.com/gnnwb/gnnwb/graphs"
)

// samePrediction fails unless a and b are the same bits.
func samePrediction(t *testing.T, what string, a, b gnn.Prediction) {
	t.Helper()
	eq := func(x, y []float64) bool {
		return len(x) == len(y) && slices.EqualFunc(x, y, func(u, v float64) bool { return math.Float64bits(u) == math.Float64bits(v) })
	}
	if a.Rows != b.Rows || a.Out != b.Out || a.Dim != b.Dim || !eq(a.Outputs, b.Outputs) || !eq(a.Probs, b.Probs) ||
		!eq(a.Embeddings, b.Embeddings) || !slices.Equal(a.Class, b.Class) {
		t.Fatalf("%s: the reloaded model predicts other bits", what)
	}
}

// TestTrainedRoundTrip trains every model kind on a node task and a graph
// task, saves the model, loads it back and checks that the reloaded model
// predicts the same bits (probabilities, classes, embeddings) as the
// trained one, on the training data and on the test graphs.
func TestTrainedRoundTrip(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	g, X, y, tr, va, te := plantedPartition(t, 60, 3, 4, 0.3, 0.02, 2, 5)
	gs, GX, gy, gtr, gva, gte := graphTask(t, 40, 3)
	for _, kind := range []string{gnn.KindGCN, gnn.KindSAGE, gnn.KindGIN, gnn.KindGAT} {
		t.Run("node "+kind, func(t *testing.T) {
			cfg := DefaultNodeConfig(kind)
			cfg.Epochs = 15
			res, err := Nodes(ctx, cfg, g, gnn.Features{Dense: X}, y, tr, va, te)
			if err != nil {
				t.Fatal(err)
			}
			tm := &gnn.Trained{Model: res.Model, NormalizeRows: kind == gnn.KindGCN, Classes: []string{"a", "b", "c"}, Info: map[string]string{"dataset": "planted"}}
			want, err := tm.Predict(gnn.NewBatch(g), gnn.Features{Dense: X})
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, kind+".model")
			if err := tm.Save(path); err != nil {
				t.Fatal(err)
			}
			back, err := gnn.Load(path)
			if err != nil {
				t.Fatal(err)
			}
			got, err := back.Predict(gnn.NewBatch(g), gnn.Features{Dense: X})
			if err != nil {
				t.Fatal(err)
			}
			samePrediction(t, kind, got, want)
			if got.Rows != 60 || got.Out != 3 || len(got.Embeddings) != 60*got.Dim || got.Dim == 0 {
				t.Fatalf("prediction shape: %d rows, %d outputs, %d-dimensional embeddings", got.Rows, got.Out, got.Dim)
			}
			if !back.NormalizeRows == (kind == gnn.KindGCN) || back.Info["dataset"] != "planted" || !slices.Equal(back.Classes, tm.Classes) {
				t.Fatalf("metadata: %+v", back)
			}
			// The probabilities are those of the logits the trained model
			// gives, and a row's class is its arg-max.
			for i := range got.Rows {
				s := 0.0
				for c := range 3 {
					s += got.Probs[i*3+c]
				}
				if math.Abs(s-1) > 1e-12 || got.Probs[i*3+got.Class[i]] < slices.Max(got.Probs[i*3:i*3+3]) {
					t.Fatalf("row %d: probs %v class %d", i, got.Probs[i*3:i*3+3], got.Class[i])
				}
			}
		})
		t.Run("graph "+kind, func(t *testing.T) {
			cfg := DefaultGraphConfig(kind)
			cfg.Epochs = 5
			if kind == gnn.KindGIN {
				cfg.Model.BatchNorm = true
				cfg.Model.Head = gnn.HeadJumpSum
			}
			res, err := Graphs(ctx, cfg, gs, GX, gy, gtr, gva, gte)
			if err != nil {
				t.Fatal(err)
			}
			tm := &gnn.Trained{Model: res.Model}
			b, err := gnn.Join(gs)
			if err != nil {
				t.Fatal(err)
			}
			want, err := tm.Predict(b, gnn.Features{Dense: GX})
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := tm.Encode(&buf); err != nil {
				t.Fatal(err)
			}
			back, err := gnn.Decode(&buf, "m")
			if err != nil {
				t.Fatal(err)
			}
			b2, _ := gnn.Join(gs)
			got, err := back.Predict(b2, gnn.Features{Dense: GX})
			if err != nil {
				t.Fatal(err)
			}
			samePrediction(t, kind, got, want)
			if got.Rows != len(gs) || got.Dim == 0 {
				t.Fatalf("%d rows for %d graphs, embeddings of %d", got.Rows, len(gs), got.Dim)
			}
		})
	}
	// Continuous node attributes before one-hot node labels (ENZYMES'
	// layout, gnnwb train --node-attributes), the default GIN (BatchNorm,
	// jumping-knowledge sum head), through a file.
	t.Run("graph gin node attributes", func(t *testing.T) {
		const attrs, labels = 3, 2
		rng := rand.New(rand.NewPCG(7, 3))
		var AX []float64
		for _, g := range gs {
			for v := range g.NumNodes() {
				for range attrs {
					AX = append(AX, 10*rng.NormFloat64())
				}
				AX = append(AX, float64(1-v%labels), float64(v%labels))
			}
		}
		cfg := DefaultGraphConfig(gnn.KindGIN)
		cfg.Epochs = 5
		res, err := Graphs(ctx, cfg, gs, AX, gy, gtr, gva, gte)
		if err != nil {
			t.Fatal(err)
		}
		tm := &gnn.Trained{Model: res.Model, Info: map[string]string{"node_attributes": "3", "node_label_columns": "2"}}
		b, err := gnn.Join(gs)
		if err != nil {
			t.Fatal(err)
		}
		want, err := tm.Predict(b, gnn.Features{Dense: AX})
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, "attributes.model")
		if err := tm.Save(path); err != nil {
			t.Fatal(err)
		}
		back, err := gnn.Load(path)
		if err != nil {
			t.Fatal(err)
		}
		b2, _ := gnn.Join(gs)
		got, err := back.Predict(b2, gnn.Features{Dense: AX})
		if err != nil {
			t.Fatal(err)
		}
		samePrediction(t, "gin with node attributes", got, want)
		if back.Model.In != attrs+labels || back.Info["node_attributes"] != "3" || !back.Model.Options.BatchNorm {
			t.Fatalf("reloaded: %d inputs, info %v, options %+v", back.Model.In, back.Info, back.Model.Options)
		}
	})
}

// TestTrainedRefuses: another version, a flipped byte, a truncated file and
// a file that is no model are refused with a ParseError naming the file.
func TestTrainedRefuses(t *testing.T) {
	g, X, y, tr, va, te := plantedPartition(t, 30, 3, 4, 0.3, 0.02, 2, 5)
	cfg := DefaultNodeConfig(gnn.KindGCN)
	cfg.Epochs = 2
	res, err := Nodes(context.Background(), cfg, g, gnn.Features{Dense: X}, y, tr, va, te)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := (&gnn.Trained{Model: res.Model}).Encode(&buf); err != nil {
		t.Fatal(err)
	}
	good := buf.Bytes()
	edit := func(f func(b []byte) []byte) []byte { return f(append([]byte(nil), good...)) }
	for _, tc := range []struct {
		name string
		data []byte
		kind error
		msg  string
	}{
		{"version", edit(func(b []byte) []byte { b[len("gnnwb model\n")] = 9; return b }), graphs.ErrUnsupported, "version 9; this gnnwb reads version 1"},
		{"flipped byte", edit(func(b []byte) []byte { b[len(b)/2] ^= 1; return b }), graphs.ErrFormat, "checksum mismatch"},
		{"truncated", good[:len(good)-10], graphs.ErrFormat, "truncated"},
		{"not a model", []byte("0 1\n1 2\n"), graphs.ErrFormat, "not a gnnwb model file"},
		{"empty", nil, graphs.ErrFormat, "not a gnnwb model file"},
	} {
		path := filepath.Join(t.TempDir(), "m")
		if err := os.WriteFile(path, tc.data, 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := gnn.Load(path)
		var pe *graphs.ParseError
		if !errors.As(err, &pe) || pe.Path != path || !errors.Is(err, tc.kind) || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%s: %v, want a ParseError naming %s wrapping %v and saying %q", tc.name, err, path, tc.kind, tc.msg)
		}
	}
	if err := (&gnn.Trained{Model: res.Model, Classes: []string{"x"}}).Encode(&buf); !errors.Is(err, graphs.ErrParameter) {
		t.Errorf("classes of another length: %v", err)
	}
}

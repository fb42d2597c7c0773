package ergodic_test

import (
	"bytes"
	"context"
	"errors"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gnnwb/gnnwb/gnn/activation"
	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/limits/ergodic"
)

// TestRun: a small experiment (σ the identity, two widths, 6 seeds): the
// i.i.d. sampler's constant equals the constant under its law, τ = 1 for
// it and > 1 for the walk, the measured τ is within 4 standard errors of
// the predicted one, and the outputs are written.
func TestRun(t *testing.T) {
	cfg := ergodic.DefaultConfig()
	cfg.Problem.Activation = activation.Identity
	cfg.Problem.Times = []float64{1}
	cfg.Holds, cfg.Widths, cfg.Seeds, cfg.TauSamples = []float64{0.5}, []int{50, 100}, 6, 1<<16
	res, err := ergodic.Run(context.Background(), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Samplers) != 2 || len(res.Samplers[0].Points) != 2 {
		t.Fatalf("%d samplers", len(res.Samplers))
	}
	iid, wk := res.Samplers[0], res.Samplers[1]
	if math.Abs(iid.C[0]-iid.CIID[0]) > 1e-8*iid.C[0] || math.Abs(iid.TauPredicted-1) > 1e-9 {
		t.Errorf("iid: C=%v, C under its law %v, τ=%v", iid.C, iid.CIID, iid.TauPredicted)
	}
	if !(wk.C[0] > 2*wk.CIID[0]) || !(wk.TauPredicted > 2) {
		t.Errorf("walk: C=%v, i.i.d. same law %v, τ=%v", wk.C, wk.CIID, wk.TauPredicted)
	}
	for _, s := range res.Samplers {
		if math.Abs(s.TauMeasured-s.TauPredicted) > 4*s.TauSE {
			t.Errorf("%s: τ measured %v ± %v, predicted %v", s.Name, s.TauMeasured, s.TauSE, s.TauPredicted)
		}
	}
	var b bytes.Buffer
	if err := res.WriteCSV(&b); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(b.String(), "\n"); n != 5 {
		t.Errorf("CSV has %d lines, want 5", n)
	}
	if err := res.Plot(filepath.Join(t.TempDir(), "f.png"), 0); err != nil {
		t.Fatal(err)
	}
	if err := res.Plot("f.pdf", 0); !errors.Is(err, graphs.ErrParameter) {
		t.Errorf("Plot(.pdf) = %v", err)
	}
}

func TestValidate(t *testing.T) {
	for name, f := range map[string]func(*ergodic.Config){
		"gamma":      func(c *ergodic.Config) { c.Problem.Gamma = 0.5 },
		"batch":      func(c *ergodic.Config) { c.Problem.Batch = 2 },
		"hold":       func(c *ergodic.Config) { c.Holds = []float64{1} },
		"widths":     func(c *ergodic.Config) { c.Widths = []int{100, 50} },
		"seeds":      func(c *ergodic.Config) { c.Seeds = 1 },
		"first seed": func(c *ergodic.Config) { c.FirstSeed = math.MaxUint64 },
	} {
		c := ergodic.DefaultConfig()
		f(&c)
		if err := c.Validate(); !errors.Is(err, graphs.ErrParameter) {
			t.Errorf("%s: %v, want ErrParameter", name, err)
		}
	}
}

package sweep

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gnnwb/gnnwb/generators/walk"
	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/limits"
	"github.com/gnnwb/gnnwb/limits/fluctuation"
	"github.com/gnnwb/gnnwb/limits/longrun"
	"github.com/gnnwb/gnnwb/limits/quadrature"
)

// TestSweepWalk: a sweep along the lazy walk h = 0.5 trains each cell's
// network by limits.Setup.NetworkWalk and measures it against the
// mean-field limit under the walk's stationary law, the prediction is
// fluctuation.Walk's C_walk(t); a walk with another limit, the
// whole-graph sampler or an options string that does not parse is
// refused.
func TestSweepWalk(t *testing.T) {
	w := smallSweep()
	w.Limits = []limits.Kind{limits.MeanFieldLimit}
	w.Nodes, w.Seeds = []int{80}, 2
	w.Walk = "h=0.5,r=0"
	dir := t.TempDir()
	sum, err := Run(context.Background(), w, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	s, err := limits.NewSetup(w.Problem)
	if err != nil {
		t.Fatal(err)
	}
	opt := walk.Options{Hold: 0.5}
	ch, err := longrun.Graphon(s, opt)
	if err != nil {
		t.Fatal(err)
	}
	c, err := fluctuation.Walk(ctx, s, w.Problem.Times, ch, fluctuation.Options{Particles: 64, SelfCheck: true})
	if err != nil {
		t.Fatal(err)
	}
	p := sum.Prediction
	if p == nil || p.Reason != "" || len(p.Times) != 2 || !strings.Contains(p.Method, "stationary chain") {
		t.Fatalf("prediction: %+v", p)
	}
	for k, at := range p.Times {
		if at.C != c.C[k] || at.CErr != c.ErrEstimate[k] {
			t.Errorf("t=%v: C = %v ± %v, want C_walk %v ± %v", at.T, at.C, at.CErr, c.C[k], c.ErrEstimate[k])
		}
	}
	sw, err := s.WithLaw(ch.Pi)
	if err != nil {
		t.Fatal(err)
	}
	lim, err := sw.Limit(ctx, limits.MeanFieldLimit, 2, 1, limits.SolveOptions{Particles: 64, SelfCheck: true})
	if err != nil {
		t.Fatal(err)
	}
	net, err := s.NetworkWalk(ctx, 80, 16, 2, opt)
	if err != nil {
		t.Fatal(err)
	}
	_, omega := s.Nodes()
	phi, _ := s.Features()
	gn, gl := make([]float64, len(omega)), make([]float64, len(omega))
	rows, err := ReadRows(bytes.NewReader(readFile(t, filepath.Join(dir, ErrorsFile))))
	if err != nil {
		t.Fatal(err)
	}
	for k, tk := range w.Problem.Times {
		if err := net.Eval(gn, k, phi); err != nil {
			t.Fatal(err)
		}
		if err := lim.Eval(gl, k, phi); err != nil {
			t.Fatal(err)
		}
		want := quadrature.Distance(omega, gn, gl)
		found := false
		for _, r := range rows {
			if r.Kind == "fun" && r.Nodes == 80 && r.Width == 16 && r.Seed == 2 && r.T == tk {
				found = true
				if r.Error != want {
					t.Errorf("t=%v: e_fun = %v, recomputed %v", tk, r.Error, want)
				}
			}
		}
		if !found {
			t.Fatalf("t=%v: no row for n=80 N=16 seed=2", tk)
		}
	}
	for name, bad := range map[string]func(*Config){
		"graphon limit": func(c *Config) { c.Limits = []limits.Kind{limits.GraphonLimit, limits.MeanFieldLimit} },
		"whole graph":   func(c *Config) { c.Problem.Sampler = limits.WholeGraphSampling },
		"bad options":   func(c *Config) { c.Walk = "h=2" },
	} {
		c := w.clone()
		bad(&c)
		if err := c.Validate(); !errors.Is(err, graphs.ErrParameter) {
			t.Errorf("%s: err = %v, want ErrParameter", name, err)
		}
	}
}

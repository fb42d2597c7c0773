package limits_test

import (
	"context"
	"errors"
	"testing"

	"github.com/gnnwb/gnnwb/generators/walk"
	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/limits"
)

// TestNetworkWalk: a network trained along the walk is the same for the
// same seed (bits), differs from the i.i.d. ego sampler's, and needs the
// ego sampler.
func TestNetworkWalk(t *testing.T) {
	p := limits.DefaultProblem()
	p.Quadrature, p.Times = 8, []float64{0.2}
	s, err := limits.NewSetup(p)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	u, _ := s.Nodes()
	phi, _ := s.Features()
	eval := func(sol *limits.Solution) []float64 {
		g := make([]float64, len(u))
		if err := sol.Eval(g, 0, phi); err != nil {
			t.Fatal(err)
		}
		return g
	}
	opt := walk.Options{Hold: 0.5}
	a, err := s.NetworkWalk(ctx, 50, 10, 3, opt)
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.NetworkWalk(ctx, 50, 10, 3, opt)
	if err != nil {
		t.Fatal(err)
	}
	iid, err := s.Network(ctx, 50, 10, 3)
	if err != nil {
		t.Fatal(err)
	}
	ga, gb, gi := eval(a), eval(b), eval(iid)
	same := true
	for q := range ga {
		if ga[q] != gb[q] {
			t.Fatalf("node %d: %v then %v for the same seed", q, ga[q], gb[q])
		}
		same = same && ga[q] == gi[q]
	}
	if same {
		t.Error("the walk's network equals the i.i.d. sampler's")
	}
	p.Sampler = limits.WholeGraphSampling
	sw, err := limits.NewSetup(p)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sw.NetworkWalk(ctx, 50, 10, 3, opt); !errors.Is(err, graphs.ErrUnsupported) {
		t.Errorf("whole-graph sampler: err = %v, want ErrUnsupported", err)
	}
}

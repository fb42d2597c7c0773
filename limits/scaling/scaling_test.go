package scaling

import (
	"context"
	"errors"
	"math"
	"runtime"
	"testing"

	"github.com/gnnwb/gnnwb/graphs"
)

// small is a cheap experiment: two γ, two widths, three seeds, Q = 12.
func small() Config {
	c := Default()
	c.Problem.Quadrature = 12
	c.Problem.Times = []float64{1, 2}
	c.Gammas, c.Widths, c.Seeds, c.Particles = []float64{0.5, 1}, []int{32, 128}, 3, 256
	return c
}

// TestRunSmall: the experiment has the same bits for 1 and 2 workers and
// GOMAXPROCS 1 and 2; at γ = 1 the ε-flow is far from the kernel limit on
// this problem (the features move: gap > 0.1 at t = 2) and the networks are
// closer to the flow than to the kernel limit, while at γ = ½ the gap is
// O(ε²) small and the kernel hardly moves; the flow's own error is small
// against the networks'.
func TestRunSmall(t *testing.T) {
	ctx := context.Background()
	prev := runtime.GOMAXPROCS(1)
	a, err := Run(ctx, small(), 1, nil)
	runtime.GOMAXPROCS(2)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Run(ctx, small(), 2, nil)
	runtime.GOMAXPROCS(prev)
	if err != nil {
		t.Fatal(err)
	}
	for i := range a.Points {
		if a.Points[i] != b.Points[i] {
			t.Fatalf("point %d differs between 1 and 2 workers:\n%+v\n%+v", i, a.Points[i], b.Points[i])
		}
	}
	for _, p := range a.Points {
		if p.T != 2 {
			continue
		}
		switch p.Gamma {
		case 1:
			if p.Gap < 0.1 || p.ErrFlow > p.ErrKernel/3 || p.Movement < 1 {
				t.Errorf("γ=1 N=%d: gap %v, error vs flow %v vs kernel %v, movement %v", p.Width, p.Gap, p.ErrFlow, p.ErrKernel, p.Movement)
			}
		case 0.5:
			if want := 0.2 * 0.5 * 32 / float64(p.Width); p.Gap > want || p.Movement > 0.5 {
				t.Errorf("γ=½ N=%d: gap %v (want ≤ %v), movement %v", p.Width, p.Gap, want, p.Movement)
			}
		}
		if p.FlowSelf > p.ErrFlow {
			t.Errorf("γ=%v N=%d: flow self-check %v above the network error %v", p.Gamma, p.Width, p.FlowSelf, p.ErrFlow)
		}
	}
	if len(a.Slopes) != 2*2*2 {
		t.Errorf("%d slopes, want γ × t × {flow, kernel} = 8", len(a.Slopes))
	}
	for _, s := range a.Slopes {
		if math.IsNaN(s.Fitted) || s.CI.Lo > s.CI.Hi {
			t.Errorf("slope %+v", s)
		}
	}
}

// TestValidate: each bad field is refused with graphs.ErrParameter.
func TestValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(*Config)
	}{
		{"not symmetric", func(c *Config) { c.Problem.Symmetric = false }},
		{"gamma", func(c *Config) { c.Gammas = []float64{0.4} }},
		{"no gammas", func(c *Config) { c.Gammas = nil }},
		{"one width", func(c *Config) { c.Widths = []int{64} }},
		{"odd width", func(c *Config) { c.Widths = []int{64, 65} }},
		{"repeated width", func(c *Config) { c.Widths = []int{64, 64} }},
		{"seeds", func(c *Config) { c.Seeds = 1 }},
		{"first seed", func(c *Config) { c.FirstSeed = math.MaxUint64 }},
		{"particles", func(c *Config) { c.Particles = 3 }},
	} {
		c := Default()
		tc.edit(&c)
		if err := c.Validate(); !errors.Is(err, graphs.ErrParameter) {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
	if err := Default().Validate(); err != nil {
		t.Errorf("Default: %v", err)
	}
}

package generators

import (
	"errors"
	"math"
	"slices"
	"strconv"
	"testing"

	"github.com/gnnwb/gnnwb/graphs"
)

func mustGraphon(t *testing.T, w Graphon, err error) Graphon {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// shippedGraphons returns every shipped graphon plus user functions whose
// densities are known independently (they take the W̄ = 1 path).
func shippedGraphons(t *testing.T) []Graphon {
	c, err := Constant(0.3)
	g, err2 := Gaussian(0.2)
	s, err3 := SBMGraphon([]float64{0.2, 0.5, 0.3}, [][]float64{{0.9, 0.1, 0.3}, {0.1, 0.4, 0}, {0.3, 0, 0.7}})
	if err := errors.Join(err, err2, err3); err != nil {
		t.Fatal(err)
	}
	return []Graphon{c, Product(), UniformAttachment(), Exponential(), g, s,
		GraphonFunc("user-ua", func(u, v float64) float64 { return 1 - math.Max(u, v) })}
}

// exactDensities gives the closed forms of docs/mathematics.md §1 for the
// graphons of shippedGraphons (the user function is uniform attachment),
// independently of the code under test where possible.
func exactDensities(w Graphon) (t2, t3 float64, deg func(u float64) float64) {
	e1 := 1 - math.Exp(-1)
	switch w.String() {
	case "constant:0.3":
		return 0.3, 0.027, func(float64) float64 { return 0.3 }
	case "product":
		return 0.25, 1.0 / 27, func(u float64) float64 { return u / 2 }
	case "uniform-attachment", "user-ua":
		return 1.0 / 3, 1.0 / 15, func(u float64) float64 { return (1 - u*u) / 2 }
	case "exponential":
		t := (1 - math.Exp(-2)) / 2
		return e1 * e1, t * t * t, func(u float64) float64 { return math.Exp(-u) * e1 }
	}
	d2, _ := w.EdgeDensity()
	d3, _ := w.TriangleDensity()
	return d2, d3, func(u float64) float64 { x, _ := w.Degree(u); return x }
}

// TestSampleExpectations checks, over R = 200 seeded replicates of
// G(n, W, ρ) for every shipped graphon, the mean edge count against
// ρ·C(n,2)·t(K2,W), the mean triangle count against ρ³·C(n,3)·t(K3,W), and,
// in five latent bins, the mean of Σ_{i in bin} (deg_i − ρ(n−1)·d_W(u_i)),
// which is exactly 0 since E[deg_i | u_i] = ρ(n−1)d_W(u_i). z uses the
// standard error of the mean over replicates (docs/mathematics.md §6.1).
func TestSampleExpectations(t *testing.T) {
	const n, reps, bins = 90, 200, 5
	for _, w := range shippedGraphons(t) {
		for _, rho := range []float64{1, 0.3} {
			t.Run(w.String()+"/rho="+ftoa(rho), func(t *testing.T) {
				t2, t3, deg := exactDensities(w)
				edges := make([]float64, reps)
				tri := make([]float64, reps)
				dev := make([][]float64, bins)
				for r := range reps {
					g, u, err := Sample(n, w, rho, newRand(uint64(r)))
					if err != nil {
						t.Fatal(err)
					}
					if r == 0 {
						checkSimple(t, g, n, false)
						if len(u) != n || !slices.IsSorted(u) || u[0] < 0 || u[n-1] > 1 {
							t.Fatalf("latents not sorted in [0,1]: %v", u)
						}
					}
					edges[r] = float64(g.NumEdges())
					tri[r] = float64(triangles(g))
					s := make([]float64, bins)
					for i := range n {
						s[min(int(u[i]*bins), bins-1)] += float64(g.Degree(i)) - rho*(n-1)*deg(u[i])
					}
					for b := range bins {
						dev[b] = append(dev[b], s[b])
					}
				}
				nf := float64(n)
				check := func(what string, xs []float64, want float64) {
					m, se := meanSE(xs)
					if z := zscore(m, want, se*se); math.Abs(z) > zMax {
						t.Errorf("%s: mean %.3f over %d replicates, want %.3f: z=%.2f", what, m, reps, want, z)
					}
				}
				check("edges", edges, rho*t2*nf*(nf-1)/2)
				check("triangles", tri, rho*rho*rho*t3*nf*(nf-1)*(nf-2)/6)
				for b := range bins {
					check("degree deviation in latent bin "+ftoa(float64(b)), dev[b], 0)
				}
			})
		}
	}
}

func ftoa(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

// TestDensities checks the closed forms and the quadrature against each
// other: a GraphonFunc copy of each shipped graphon (which is integrated
// numerically) must reproduce the closed-form t(K2), t(K3) and d_W.
func TestDensities(t *testing.T) {
	g, _ := Gaussian(0.3)
	s, _ := SBMGraphon([]float64{0.25, 0.75}, [][]float64{{0.5, 0.125}, {0.125, 1}})
	tests := []struct {
		w   Graphon
		tol float64 // quadrature error: smooth W ~1e-13; a kink on the diagonal or a jump off the panel grid costs more
	}{
		{Product(), 1e-13},
		{Exponential(), 1e-13},
		{UniformAttachment(), 1e-5}, // kink on the diagonal: O(h³) per diagonal panel, measured 2e-6
		{g, 1e-12},
		{s, 1e-12}, // jump at 1/4, a panel boundary: only rounding
	}
	for _, tc := range tests {
		t.Run(tc.w.String(), func(t *testing.T) {
			f := tc.w.Func()
			user := GraphonFunc("copy", f)
			t2, _ := tc.w.EdgeDensity()
			q2, err := user.EdgeDensity()
			if err != nil || math.Abs(t2-q2) > tc.tol {
				t.Errorf("t(K2): closed %.15g, quadrature %.15g (err %v)", t2, q2, err)
			}
			if e2, e3 := tc.w.Exact(); e2 && e3 {
				t3, _ := tc.w.TriangleDensity()
				q3, err := user.TriangleDensity()
				if err != nil || math.Abs(t3-q3) > tc.tol {
					t.Errorf("t(K3): closed %.15g, quadrature %.15g (err %v)", t3, q3, err)
				}
			}
			for _, u := range []float64{0, 0.1, 0.5, 0.9, 1} {
				d, _ := tc.w.Degree(u)
				q, err := user.Degree(u)
				if err != nil || math.Abs(d-q) > tc.tol {
					t.Errorf("d_W(%v): closed %.15g, quadrature %.15g (err %v)", u, d, q, err)
				}
			}
		})
	}
	// SBM closed forms by hand: π = (1/4, 3/4), P = [[1/2, 1/8], [1/8, 1]].
	t2, _ := s.EdgeDensity()
	if want := 0.25*0.25*0.5 + 2*0.25*0.75*0.125 + 0.75*0.75*1; math.Abs(t2-want) > 1e-15 {
		t.Errorf("SBM t(K2)=%v, want %v", t2, want)
	}
	if d, _ := s.Degree(0.1); math.Abs(d-(0.25*0.5+0.75*0.125)) > 1e-15 {
		t.Errorf("SBM d_W(0.1)=%v", d)
	}
}

func TestSampleDeterministic(t *testing.T) {
	g, _ := Gaussian(0.1)
	s, _ := SBMGraphon([]float64{0.5, 0.5}, [][]float64{{0.01, 0.001}, {0.001, 0.02}})
	for _, w := range []Graphon{Exponential(), g, s, GraphonFunc("f", func(u, v float64) float64 { return u * v })} {
		var out [2]graphs.Graph
		var lat [2][]float64
		for k, procs := range []int{1, 2} {
			withProcs(procs, func() {
				var err error
				out[k], lat[k], err = Sample(3000, w, 0.05, newRand(9))
				if err != nil {
					t.Fatal(err)
				}
			})
		}
		if !graphs.Equal(out[0], out[1]) || !slices.Equal(lat[0], lat[1]) {
			t.Errorf("%v: Sample differs between GOMAXPROCS 1 and 2", w)
		}
	}
}

// TestSampleWeighted checks A_ij = ρ·W(u_i, u_j) entry by entry.
func TestSampleWeighted(t *testing.T) {
	for _, w := range shippedGraphons(t) {
		g, u, err := SampleWeighted(60, w, 0.5, newRand(4))
		if err != nil {
			t.Fatal(err)
		}
		checkSimple(t, g, 60, true)
		for i := range 60 {
			for j := range 60 {
				if i == j {
					continue
				}
				want, _ := w.At(u[i], u[j])
				got, ok := g.Weight(i, j)
				if !ok {
					got = 0
				}
				if math.Abs(got-0.5*want) > 1e-15 {
					t.Fatalf("%v: A[%d][%d]=%v, want %v", w, i, j, got, 0.5*want)
				}
			}
		}
	}
}

func TestGraphonRefusals(t *testing.T) {
	rng := newRand(1)
	tooBig := GraphonFunc("too big", func(u, v float64) float64 { return 1.5 })
	late := GraphonFunc("late NaN", func(u, v float64) float64 {
		if u > 0.999 && v > 0.999 {
			return math.NaN()
		}
		return 0.5
	})
	tests := []struct {
		name string
		call func() error
		want error
	}{
		{"rho above one", func() error { _, _, err := Sample(10, Product(), 1.01, rng); return err }, graphs.ErrParameter},
		{"rho NaN", func() error { _, _, err := Sample(10, Product(), math.NaN(), rng); return err }, graphs.ErrParameter},
		{"rho negative", func() error { _, _, err := Sample(10, Product(), -1, rng); return err }, graphs.ErrParameter},
		{"n negative", func() error { _, _, err := Sample(-1, Product(), 1, rng); return err }, graphs.ErrParameter},
		{"zero graphon", func() error { _, _, err := Sample(10, Graphon{}, 1, rng); return err }, graphs.ErrParameter},
		{"nil function", func() error { _, _, err := Sample(10, GraphonFunc("nil", nil), 1, rng); return err }, graphs.ErrParameter},
		{"nil rng", func() error { _, _, err := Sample(10, Product(), 1, nil); return err }, graphs.ErrParameter},
		{"user value 1.5", func() error { _, _, err := Sample(10, tooBig, 1, rng); return err }, graphs.ErrParameter},
		{"user NaN seen only when sampling", func() error {
			_, _, err := Sample(20000, late, 0.01, rng)
			return err
		}, graphs.ErrParameter},
		{"weighted user value", func() error { _, _, err := SampleWeighted(10, tooBig, 1, rng); return err }, graphs.ErrParameter},
		{"n above MaxNodes", func() error { _, _, err := Sample(graphs.MaxNodes+1, Product(), 1, rng); return err }, graphs.ErrTooLarge},
		{"beyond memory", func() error { _, _, err := Sample(2_000_000_000, Product(), 1, rng); return err }, graphs.ErrTooLarge},
		{"weighted beyond memory", func() error { _, _, err := SampleWeighted(3_000_000, Product(), 1, rng); return err }, graphs.ErrTooLarge},
		{"constant above one", func() error { _, err := Constant(2); return err }, graphs.ErrParameter},
		{"gaussian h zero", func() error { _, err := Gaussian(0); return err }, graphs.ErrParameter},
		{"gaussian h Inf", func() error { _, err := Gaussian(math.Inf(1)); return err }, graphs.ErrParameter},
		{"sbm pi sum", func() error { _, err := SBMGraphon([]float64{0.5, 0.6}, [][]float64{{0, 0}, {0, 0}}); return err }, graphs.ErrParameter},
		{"sbm shape", func() error { _, err := SBMGraphon([]float64{0.5, 0.5}, [][]float64{{0, 0}}); return err }, graphs.ErrShape},
		{"sbm asymmetric", func() error { _, err := SBMGraphon([]float64{0.5, 0.5}, [][]float64{{0, 0.1}, {0, 0}}); return err }, graphs.ErrParameter},
		{"sbm empty", func() error { _, err := SBMGraphon(nil, nil); return err }, graphs.ErrParameter},
		{"At outside", func() error { _, err := Product().At(1.5, 0); return err }, graphs.ErrParameter},
		{"At user value", func() error { _, err := tooBig.At(0.5, 0.5); return err }, graphs.ErrParameter},
		{"Degree user value", func() error { _, err := tooBig.Degree(0.5); return err }, graphs.ErrParameter},
		{"densities user value", func() error { _, err := tooBig.TriangleDensity(); return err }, graphs.ErrParameter},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
		})
	}
}

func TestParseGraphon(t *testing.T) {
	tests := []struct {
		spec string
		name string // String() of the result; "" for an error
		want error
	}{
		{"constant:0.25", "constant:0.25", nil},
		{" product ", "product", nil},
		{"uniform-attachment", "uniform-attachment", nil},
		{"exponential", "exponential", nil},
		{"gaussian:0.1", "gaussian:0.1", nil},
		{"sbm:0.5,0.5:0.1,0.01;0.01,0.1", "sbm:0.5,0.5:0.1,0.01;0.01,0.1", nil},
		{"sbm:300,100:0.1,0.01;0.01,0.1", "sbm:0.75,0.25:0.1,0.01;0.01,0.1", nil},
		{"sbm: 1 : 0.5", "sbm:1:0.5", nil},
		{"constant", "", graphs.ErrFormat},
		{"constant:x", "", graphs.ErrFormat},
		{"constant:1.5", "", graphs.ErrParameter},
		{"gaussian:-1", "", graphs.ErrParameter},
		{"product:2", "", graphs.ErrFormat},
		{"sbm:0.5,0.5", "", graphs.ErrFormat},
		{"sbm:0.5,0.5:0.1,0.2;0.2", "", graphs.ErrShape},
		{"sbm:0.5,0.5:0.1,0.2;0.3,0.1", "", graphs.ErrParameter},
		{"sbm:0,0:0.1", "", graphs.ErrParameter},
		{"sbm:-1,2:0.1,0;0,0.1", "", graphs.ErrParameter},
		{"sbm:1e308,1e308:0.1,0;0,0.1", "", graphs.ErrParameter},
		{"bogus", "", graphs.ErrFormat},
		{"", "", graphs.ErrFormat},
	}
	for _, tc := range tests {
		t.Run(tc.spec, func(t *testing.T) {
			w, err := ParseGraphon(tc.spec)
			if tc.want != nil {
				if !errors.Is(err, tc.want) {
					t.Fatalf("err = %v, want %v", err, tc.want)
				}
				return
			}
			if err != nil || w.String() != tc.name {
				t.Fatalf("got %v, %v; want %s", w, err, tc.name)
			}
		})
	}
}

func FuzzParseGraphon(f *testing.F) {
	for _, s := range []string{"constant:0.5", "product", "gaussian:0.2", "sbm:0.5,0.5:0.1,0.01;0.01,0.1", "sbm:1:1", "exponential", "sbm:2,3:0,1;1,0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		w, err := ParseGraphon(spec)
		if err != nil {
			return
		}
		// A parsed graphon must evaluate inside [0,1] and re-parse to itself.
		for _, uv := range [][2]float64{{0, 0}, {0.3, 0.7}, {1, 1}} {
			if x, err := w.At(uv[0], uv[1]); err != nil || !(x >= 0 && x <= 1) {
				t.Fatalf("%q: W%v=%v, %v", spec, uv, x, err)
			}
		}
		w2, err := ParseGraphon(w.String())
		if err != nil || w2.String() != w.String() {
			t.Fatalf("%q: String %q does not re-parse: %v", spec, w.String(), err)
		}
	})
}

func TestSampleEdgeCases(t *testing.T) {
	s, err := SBMGraphon([]float64{0.5, 0, 0.5}, [][]float64{{1, 1, 0}, {1, 1, 1}, {0, 1, 1}})
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range append(shippedGraphons(t), s) {
		for _, n := range []int{0, 1, 2} {
			g, u, err := Sample(n, w, 1, newRand(1))
			if err != nil || g.NumNodes() != n || len(u) != n {
				t.Fatalf("%v n=%d: %v, %d latents, %v", w, n, g, len(u), err)
			}
		}
		g, _, err := Sample(500, w, 0, newRand(1))
		if err != nil || g.NumEdges() != 0 {
			t.Fatalf("%v rho=0: %v, %v", w, g, err)
		}
		e, err := NewEgo(1, w, 1)
		if err != nil {
			t.Fatal(err)
		}
		if _, nb := e.Draw(newRand(1), nil); len(nb) != 0 {
			t.Fatalf("%v: a single node has %d neighbours", w, len(nb))
		}
	}
	// The SBM graphon with an empty middle block and zero cross-probability
	// is two cliques: every within-block pair is an edge, no pair across.
	g, u, err := Sample(300, s, 1, newRand(2))
	if err != nil {
		t.Fatal(err)
	}
	for i := range 300 {
		for j := range i {
			same := (u[i] < 0.5) == (u[j] < 0.5)
			if g.HasEdge(i, j) != same {
				t.Fatalf("pair (%d,%d) with latents %v, %v: edge=%v", i, j, u[i], u[j], g.HasEdge(i, j))
			}
		}
	}
	// Weighted: zero weights are omitted, the others are ρW.
	gw, _, err := SampleWeighted(300, s, 0.25, newRand(2))
	if err != nil {
		t.Fatal(err)
	}
	if gw.NumEdges() != g.NumEdges() {
		t.Fatalf("weighted SBM has %d edges, want the %d within-block pairs", gw.NumEdges(), g.NumEdges())
	}
}

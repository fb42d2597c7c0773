package generators

import (
	"github.com/gnnwb/gnnwb/graphs/aggregation"

	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"

	"github.com/gnnwb/gnnwb/graphs"
)

// sampler and neighbourSampler repeat gnn/shallow's Sampler and
// NeighbourSampler (generators must not import gnn); the compile-time
// assertions below check that the samplers satisfy them structurally.
type sampler interface {
	Dim() int
	Sample(rng *rand.Rand, phi, y []float64) error
}

type neighbourSampler interface {
	Dim() int
	SampleNeighbours(rng *rand.Rand, y []float64, end []int, w, phi []float64) (wOut, phiOut []float64, err error)
}

var (
	_ sampler          = (*EgoSampler)(nil)
	_ sampler          = (*WholeGraphSampler)(nil)
	_ neighbourSampler = (*WholeGraphSampler)(nil)
)

func mustSignal(t testing.TB, spec string) Signal {
	t.Helper()
	s, err := ParseSignal(spec)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func mustTarget(t testing.TB, spec string) Target {
	t.Helper()
	y, err := ParseTarget(spec)
	if err != nil {
		t.Fatal(err)
	}
	return y
}

func TestProcessValidate(t *testing.T) {
	good := Process{W: Product(), Rho: 0.5, N: 10, X: mustSignal(t, "poly:1"), Y: mustTarget(t, "sin:1")}
	if err := good.Validate(); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		edit func(p *Process)
		kind error
	}{
		{"zero graphon", func(p *Process) { p.W = Graphon{} }, graphs.ErrParameter},
		{"rho zero", func(p *Process) { p.Rho = 0 }, graphs.ErrParameter},
		{"rho NaN", func(p *Process) { p.Rho = math.NaN() }, graphs.ErrParameter},
		{"rho above 1", func(p *Process) { p.Rho = 1.5 }, graphs.ErrParameter},
		{"n zero", func(p *Process) { p.N = 0 }, graphs.ErrParameter},
		{"n huge", func(p *Process) { p.N = graphs.MaxNodes + 1 }, graphs.ErrTooLarge},
		{"zero signal", func(p *Process) { p.X = Signal{} }, graphs.ErrParameter},
		{"signal d=0", func(p *Process) { p.X = SignalFunc("f", 0, func(float64, []float64) {}) }, graphs.ErrParameter},
		{"zero target", func(p *Process) { p.Y = Target{} }, graphs.ErrParameter},
		{"noise negative", func(p *Process) { p.NoiseX = -1 }, graphs.ErrParameter},
		{"noise Inf", func(p *Process) { p.NoiseY = math.Inf(1) }, graphs.ErrParameter},
		{"aggregation", func(p *Process) { p.Aggregation = aggregation.Aggregation{Norm: 9} }, graphs.ErrParameter},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := good
			tt.edit(&p)
			if err := p.Validate(); !errors.Is(err, tt.kind) {
				t.Fatalf("Validate = %v, want %v", err, tt.kind)
			}
		})
	}
	for _, a := range []string{"graphon", "SUM", " mean ", "symmetric", "gcn", "mean:add"} {
		p := good
		p.Aggregation = mustAgg(t, a)
		if err := p.Validate(); err != nil {
			t.Errorf("Aggregation %q: %v", a, err)
		}
	}
}

func TestSamplerErrors(t *testing.T) {
	p := Process{W: Product(), Rho: 0.5, N: 10, X: mustSignal(t, "poly:1"), Y: mustTarget(t, "sin:1")}
	sym := p
	sym.Aggregation = aggregation.GCNNoLoops
	if _, err := NewEgoSampler(sym, 1); !errors.Is(err, graphs.ErrUnsupported) {
		t.Errorf("NewEgoSampler(symmetric) = %v, want ErrUnsupported", err)
	}
	if _, err := NewEgoSampler(p, 0); !errors.Is(err, graphs.ErrParameter) {
		t.Errorf("NewEgoSampler(batch 0) = %v", err)
	}
	if _, err := NewWholeGraphSampler(p, 11); !errors.Is(err, graphs.ErrParameter) {
		t.Errorf("NewWholeGraphSampler(batch 11 > n 10) = %v", err)
	}
	bad := p
	bad.Rho = 2
	if _, err := NewWholeGraphSampler(bad, 1); !errors.Is(err, graphs.ErrParameter) {
		t.Errorf("NewWholeGraphSampler(rho 2) = %v", err)
	}
	ego, err := NewEgoSampler(p, 2)
	if err != nil {
		t.Fatal(err)
	}
	whole, err := NewWholeGraphSampler(p, 2)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []sampler{ego, whole} {
		if err := s.Sample(newRand(1), make([]float64, 4), make([]float64, 3)); !errors.Is(err, graphs.ErrShape) {
			t.Errorf("%T: wrong B: %v", s, err)
		}
		if err := s.Sample(newRand(1), make([]float64, 3), make([]float64, 2)); !errors.Is(err, graphs.ErrShape) {
			t.Errorf("%T: wrong len(phi): %v", s, err)
		}
		if err := s.Sample(nil, make([]float64, 4), make([]float64, 2)); !errors.Is(err, graphs.ErrParameter) {
			t.Errorf("%T: nil rng: %v", s, err)
		}
	}
	if _, _, err := whole.SampleNeighbours(newRand(1), make([]float64, 2), make([]int, 1), nil, nil); !errors.Is(err, graphs.ErrShape) {
		t.Errorf("SampleNeighbours len(end): %v", err)
	}
	// A user graphon with a value outside [0,1] that the grid check misses:
	// bad on the square between two consecutive quadrature nodes near ½
	// (about 0.004 wide: some 8 of 2000 latents fall in it).
	gx, _ := quadGrid()
	k := sort.SearchFloat64s(gx, 0.5)
	lo, hi := gx[k], gx[k+1]
	badW := GraphonFunc("bad", func(u, v float64) float64 {
		if u > lo && u < hi && v > lo && v < hi {
			return 2
		}
		return 1
	})
	q := Process{W: badW, Rho: 1, N: 2000, X: mustSignal(t, "poly:1"), Y: mustTarget(t, "sin:1")}
	s, err := NewWholeGraphSampler(q, 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Sample(newRand(1), make([]float64, 2), make([]float64, 1)); !errors.Is(err, graphs.ErrParameter) {
		t.Errorf("bad user graphon: %v", err)
	}
}

// TestEgoConditionalMoments checks the law of m given u against its exact
// mean and variance, for W(u,v) = u·v and X(v) = (v, v²), at u = 0.7.
//
// Graphon and sum: m = c Σ_{j≠i} Z_j over the n−1 other nodes, Z_j =
// A_ij (X(u_j) + ε_j) i.i.d. with E Z = ρ μ1, E Z² = ρ (μ2 + σ²), where
// μ1 = ∫W(u,v)X(v)dv = (u/3, u/4), μ2 = ∫W(u,v)X(v)²dv = (u/4, u/6) and σ
// the feature noise; c = 1/(nρ) (graphon) or 1 (sum). So
// E m = c(n−1)ρμ1 and Var m = c²(n−1)(ρ(μ2 + σ²) − ρ²μ1²).
//
// Mean: given K ~ Binomial(n−1, ρu/2) ≥ 1, m is the average of K i.i.d.
// X(v), v of density W(u,v)/d_W(u) = 2v, with mean a = (2/3, 1/2) and
// variance s² = (1/2 − 4/9, 1/3 − 1/4) = (1/18, 1/12); m = 0 when K = 0.
// So E m = P(K≥1) a and Var m = E[1{K≥1}/K] s² + a² P(K≥1) P(K=0), the
// binomial expectations summed exactly.
//
// With R draws, z = (mean − E m)/sqrt(Var m / R); |z| < 5 (helpers_test.go).
func TestEgoConditionalMoments(t *testing.T) {
	const (
		n   = 200
		rho = 0.5
		u   = 0.7
		R   = 4000
	)
	mu1 := []float64{u / 3, u / 4}
	mu2 := []float64{u / 4, u / 6}
	pK := rho * u / 2
	var pPos, invK float64 // P(K ≥ 1), E[1{K≥1}/K]
	for k := 1; k < n; k++ {
		pk := binomPMF(n-1, k, pK)
		pPos += pk
		invK += pk / float64(k)
	}
	a := []float64{2.0 / 3, 0.5}
	s2 := []float64{1.0 / 18, 1.0 / 12}
	tests := []struct {
		name, agg string
		noise     float64
		mean, vr  func(k int) float64
	}{
		{"graphon", "graphon", 0,
			func(k int) float64 { return (n - 1) * rho * mu1[k] / (n * rho) },
			func(k int) float64 { return (n - 1) * (rho*mu2[k] - rho*rho*mu1[k]*mu1[k]) / (n * rho * n * rho) }},
		{"graphon noisy", "graphon", 0.3,
			func(k int) float64 { return (n - 1) * rho * mu1[k] / (n * rho) },
			func(k int) float64 {
				return (n - 1) * (rho*(mu2[k]+0.09) - rho*rho*mu1[k]*mu1[k]) / (n * rho * n * rho)
			}},
		{"sum", "sum", 0,
			func(k int) float64 { return (n - 1) * rho * mu1[k] },
			func(k int) float64 { return (n - 1) * (rho*mu2[k] - rho*rho*mu1[k]*mu1[k]) }},
		{"mean", "mean", 0,
			func(k int) float64 { return pPos * a[k] },
			func(k int) float64 { return invK*s2[k] + a[k]*a[k]*pPos*(1-pPos) }},
	}
	for ti, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := Process{W: Product(), Rho: rho, N: n, X: mustSignal(t, "poly:2"), Y: mustTarget(t, "poly:0,1"),
				NoiseX: tt.noise, Aggregation: mustAgg(t, tt.agg)}
			s, err := NewEgoSampler(p, 1)
			if err != nil {
				t.Fatal(err)
			}
			rng := newRand(uint64(100 + ti))
			var nbr []float64
			phi, xj := make([]float64, 4), make([]float64, 2)
			sum := make([]float64, 2)
			for range R {
				nbr = s.ego.DrawAt(rng, u, nbr)
				if y := s.one(rng, u, nbr, phi, xj); y != u {
					t.Fatalf("y = %v, want Y(u) = u = %v", y, u)
				}
				sum[0] += phi[2]
				sum[1] += phi[3]
			}
			for k := range 2 {
				z := zscore(sum[k]/R, tt.mean(k), tt.vr(k)/R)
				if math.Abs(z) > zMax {
					t.Errorf("m[%d]: mean %v, want %v: z = %.2f", k, sum[k]/R, tt.mean(k), z)
				}
			}
		})
	}
}

// TestEgoMatchesWholeGraph compares the law of (m, y) of a node under the
// ego sampler with that of a node of a freshly built graph (B = 1 per
// graph, so the samples are i.i.d.; different seeds, so the two samples are
// independent). Two-sample KS: P(D > c·sqrt((R1+R2)/(R1·R2))) ≤ 2e^{−2c²}
// (Massart's bound for one sample, asymptotic for two); c = 2.75 makes it
// 5.3e-7, the |z| < 5 level. Ties (m = 0 when K = 0 under mean) only make
// the test conservative.
func TestEgoMatchesWholeGraph(t *testing.T) {
	const R = 1500
	c := 2.75 * math.Sqrt(2.0/R)
	tests := []struct {
		name, agg, w string
		n            int
	}{
		{"exponential graphon", "graphon", "exponential", 60},
		{"uniform attachment mean", "mean", "uniform-attachment", 60},
		{"sbm sum", "sum", "sbm:0.3,0.7:0.9,0.1;0.1,0.5", 60},
		// Few nodes, so that the loop's weight 1/(nρ) or 1/(deg+1) moves m
		// visibly (the test fails with the ego's loop removed).
		{"exponential graphon with loops", "graphon:add", "exponential", 5},
		{"uniform attachment mean with loops", "mean:add-missing", "uniform-attachment", 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, err := ParseGraphon(tt.w)
			if err != nil {
				t.Fatal(err)
			}
			p := Process{W: w, Rho: 0.8, N: tt.n, X: mustSignal(t, "fourier:1"), Y: mustTarget(t, "poly:0,1"),
				NoiseX: 0.2, NoiseY: 0.1, Aggregation: mustAgg(t, tt.agg)}
			ego, err := NewEgoSampler(p, 1)
			if err != nil {
				t.Fatal(err)
			}
			whole, err := NewWholeGraphSampler(p, 1)
			if err != nil {
				t.Fatal(err)
			}
			draw := func(s sampler, seed uint64) (x, m, y []float64) {
				rng := newRand(seed)
				phi, yy := make([]float64, 4), make([]float64, 1)
				for range R {
					if err := s.Sample(rng, phi, yy); err != nil {
						t.Fatal(err)
					}
					x, m, y = append(x, phi[0]), append(m, phi[2]+phi[3]), append(y, yy[0])
				}
				return x, m, y
			}
			xe, me, ye := draw(ego, 1)
			xw, mw, yw := draw(whole, 2)
			for _, v := range []struct {
				what string
				a, b []float64
			}{{"x", xe, xw}, {"m", me, mw}, {"y", ye, yw}} {
				if d := ksStatistic(v.a, v.b); d > c {
					t.Errorf("%s: KS D = %.4f > %.4f", v.what, d, c)
				}
			}
		})
	}
}

// TestWholeGraphComplete checks m on the complete graph (constant:1, ρ = 1,
// B = n, no noise) against closed forms: with S the sum of all x,
// graphon m_i = (S − x_i)/n, sum S − x_i, mean (S − x_i)/(n−1), symmetric
// (d̃ = n for all, Ã has the self loop) S/n. SampleNeighbours must give the
// same targets, n−1 entries per node (n with loops) and Σ_e ω_e x_e = m.
func TestWholeGraphComplete(t *testing.T) {
	const n = 7
	one, err := Constant(1)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		agg string
		m   func(sum, xi float64) float64
	}{
		{"graphon", func(s, x float64) float64 { return (s - x) / n }},
		{"sum", func(s, x float64) float64 { return s - x }},
		{"mean", func(s, x float64) float64 { return (s - x) / (n - 1) }},
		{"symmetric", func(s, x float64) float64 { return (s - x) / (n - 1) }},
		{"symmetric:add", func(s, x float64) float64 { return s / n }},
		{"graphon:add", func(s, x float64) float64 { return s / n }},
		{"sum:add-missing", func(s, x float64) float64 { return s }},
		{"mean:add", func(s, x float64) float64 { return s / n }},
	}
	for _, tt := range tests {
		t.Run(tt.agg, func(t *testing.T) {
			p := Process{W: one, Rho: 1, N: n, X: mustSignal(t, "poly:1"), Y: mustTarget(t, "poly:0,1"), Aggregation: mustAgg(t, tt.agg)}
			s, err := NewWholeGraphSampler(p, n)
			if err != nil {
				t.Fatal(err)
			}
			phi, y := make([]float64, 2*n), make([]float64, n)
			if err := s.Sample(newRand(3), phi, y); err != nil {
				t.Fatal(err)
			}
			sum := 0.0
			for b := range n {
				if phi[2*b] != y[b] { // x = X(u) = u = Y(u)
					t.Fatalf("x[%d] = %v, y = %v", b, phi[2*b], y[b])
				}
				sum += y[b]
			}
			for b := range n {
				if want := tt.m(sum, y[b]); math.Abs(phi[2*b+1]-want) > 1e-14 {
					t.Errorf("m[%d] = %v, want %v", b, phi[2*b+1], want)
				}
			}
			y2, end := make([]float64, n), make([]int, n)
			w, nphi, err := s.SampleNeighbours(newRand(3), y2, end, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(y, y2) || len(nphi) != 2*len(w) {
				t.Fatalf("SampleNeighbours: y %v vs %v, %d weights, %d phi", y2, y, len(w), len(nphi))
			}
			per := n - 1
			if mustAgg(t, tt.agg).Loops != aggregation.NoLoops {
				per = n
			}
			prev := 0
			for b := range n {
				if end[b]-prev != per {
					t.Errorf("node %d has %d entries, want %d", b, end[b]-prev, per)
				}
				m := 0.0
				for e := prev; e < end[b]; e++ {
					m += w[e] * nphi[2*e]
				}
				if math.Abs(m-phi[2*b+1]) > 1e-14 {
					t.Errorf("node %d: Σ ω x = %v, m = %v", b, m, phi[2*b+1])
				}
				prev = end[b]
			}
		})
	}
}

// TestCoupling checks the coupling contract: ego samplers with different n
// (and the whole-graph sampler) draw the same latents u_b, the first B
// values of the rng; with Y(u) = u and no noise, y = u.
func TestCoupling(t *testing.T) {
	const B = 5
	X, Y := mustSignal(t, "fourier:1"), mustTarget(t, "poly:0,1")
	want := make([]float64, B)
	r := newRand(9)
	for b := range want {
		want[b] = r.Float64()
	}
	var samplers []sampler
	for _, n := range []int{10, 1000, 100000} {
		s, err := NewEgoSampler(Process{W: UniformAttachment(), Rho: 0.3, N: n, X: X, Y: Y, NoiseX: 1}, B)
		if err != nil {
			t.Fatal(err)
		}
		samplers = append(samplers, s)
	}
	whole, err := NewWholeGraphSampler(Process{W: Product(), Rho: 1, N: 50, X: X, Y: Y, Aggregation: aggregation.GCN}, B)
	if err != nil {
		t.Fatal(err)
	}
	samplers = append(samplers, whole)
	for _, s := range samplers {
		phi, y := make([]float64, 4*B), make([]float64, B)
		if err := s.Sample(newRand(9), phi, y); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(y, want) {
			t.Errorf("%T: y = %v, want the first latents %v", s, y, want)
		}
	}
}

// TestDeterminism: same seed, same bits; the whole-graph sampler (parallel
// edge blocks and aggregation) gives the same bits with 1 and 4 threads.
func TestDeterminism(t *testing.T) {
	p := Process{W: Exponential(), Rho: 0.5, N: 3000, X: mustSignal(t, "fourier:1"), Y: mustTarget(t, "sin:1"), NoiseX: 0.1, NoiseY: 0.1}
	ego, err := NewEgoSampler(p, 16)
	if err != nil {
		t.Fatal(err)
	}
	whole, err := NewWholeGraphSampler(p, 3000)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []sampler{ego, whole} {
		B := 16
		if s == whole {
			B = 3000
		}
		run := func(procs int) ([]float64, []float64) {
			phi, y := make([]float64, 4*B), make([]float64, B)
			withProcs(procs, func() {
				if err := s.Sample(newRand(5), phi, y); err != nil {
					t.Fatal(err)
				}
			})
			return phi, y
		}
		phi1, y1 := run(1)
		phi4, y4 := run(4)
		if !slices.Equal(phi1, phi4) || !slices.Equal(y1, y4) {
			t.Errorf("%T: results differ between 1 and 4 threads", s)
		}
		phi5, _ := run(1)
		if !slices.Equal(phi1, phi5) {
			t.Errorf("%T: results differ between runs", s)
		}
	}
}

// TestEgoDrawAt: Draw is u = rng.Float64() followed by DrawAt(u).
func TestEgoDrawAt(t *testing.T) {
	e, err := NewEgo(500, Exponential(), 0.5)
	if err != nil {
		t.Fatal(err)
	}
	r1, r2 := newRand(4), newRand(4)
	for range 20 {
		u, a := e.Draw(r1, nil)
		v := r2.Float64()
		b := e.DrawAt(r2, v, nil)
		if u != v || !slices.Equal(a, b) || len(a) == 0 {
			t.Fatalf("Draw (%v, %d neighbours) vs DrawAt (%v, %d)", u, len(a), v, len(b))
		}
	}
}

func TestGraphonBreaks(t *testing.T) {
	s, err := ParseGraphon("sbm:0.25,0,0.25,0.5:1,0,0,0;0,1,0,0;0,0,1,0;0,0,0,1")
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Breaks(); !slices.Equal(got, []float64{0.25, 0.5}) {
		t.Errorf("SBM breaks %v, want [0.25 0.5] (the empty block adds none)", got)
	}
	if got := Product().Breaks(); got != nil {
		t.Errorf("product breaks %v", got)
	}
	if got := (Graphon{}).Breaks(); got != nil {
		t.Errorf("zero graphon breaks %v", got)
	}
}

func mustAgg(t testing.TB, name string) aggregation.Aggregation {
	t.Helper()
	a, err := aggregation.Parse(name)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

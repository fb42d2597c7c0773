package quadrature

import (
	"github.com/gnnwb/gnnwb/graphs/aggregation"

	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/gnnwb/gnnwb/graphs"
)

// TestLegendreExactness: Q nodes integrate u^k exactly (1/(k+1)) for
// k ≤ 2Q − 1, to rounding (1e-14), and miss u^{2Q}.
func TestLegendreExactness(t *testing.T) {
	for _, q := range []int{1, 2, 3, 5, 10} {
		r, err := Legendre(q)
		if err != nil {
			t.Fatal(err)
		}
		for i := 1; i < q; i++ {
			if !(r.U[i] > r.U[i-1]) {
				t.Errorf("Q=%d: nodes not ascending: %v", q, r.U)
			}
		}
		for k := 0; k <= 2*q; k++ {
			got := r.Integrate(func(u float64) float64 { return math.Pow(u, float64(k)) })
			d := math.Abs(got - 1/float64(k+1))
			if k <= 2*q-1 && d > 1e-14 {
				t.Errorf("Q=%d: ∫u^%d = %v, want %v", q, k, got, 1/float64(k+1))
			}
			if k == 2*q && d < 1e-6/math.Pow(4, float64(q)) {
				t.Errorf("Q=%d: u^%d integrated too well (%g): not Gauss–Legendre?", q, k, d)
			}
		}
	}
}

// TestPiecewiseBlockExact: a function that is a different cubic on each side
// of 0.3 is integrated exactly with 2 nodes per piece, not by a plain rule.
func TestPiecewiseBlockExact(t *testing.T) {
	f := func(u float64) float64 {
		if u < 0.3 {
			return 1 + u*u*u
		}
		return 5 - 2*u
	}
	// ∫_0^0.3 (1+u³) + ∫_0.3^1 (5−2u) = 0.3 + 0.3⁴/4 + (5·0.7 − (1 − 0.09)).
	want := 0.3 + math.Pow(0.3, 4)/4 + 3.5 - 0.91
	r, err := Piecewise([]float64{0.3}, 2)
	if err != nil {
		t.Fatal(err)
	}
	if got := r.Integrate(f); math.Abs(got-want) > 1e-14 {
		t.Errorf("piecewise: %v want %v", got, want)
	}
	plain, _ := Legendre(4)
	if got := plain.Integrate(f); math.Abs(got-want) < 1e-6 {
		t.Errorf("plain rule should not be exact on a jump, got error %g", math.Abs(got-want))
	}
}

func TestRuleErrors(t *testing.T) {
	tests := []struct {
		name   string
		breaks []float64
		q      int
	}{
		{"q=0", nil, 0},
		{"break-0", []float64{0}, 2},
		{"break-1", []float64{1}, 2},
		{"decreasing", []float64{0.5, 0.4}, 2},
		{"nan", []float64{math.NaN()}, 2},
		{"too-many", nil, MaxNodes + 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Piecewise(tc.breaks, tc.q); !errors.Is(err, graphs.ErrParameter) {
				t.Errorf("error %v", err)
			}
		})
	}
	for _, pi := range [][]float64{nil, {0.5, 0.6}, {1, 0}, {math.NaN(), 1}} {
		if _, err := SBM(pi, 2); !errors.Is(err, graphs.ErrParameter) {
			t.Errorf("SBM(%v): %v", pi, err)
		}
	}
}

func xIdentity(u float64, dst []float64) { dst[0] = u }

type graphonCase struct {
	name  string
	w     func(u, v float64) float64
	rule  func() (Rule, error)
	x     func(u float64, dst []float64)
	tx    func(u float64) float64 // (T_W X)(u), closed form
	deg   func(u float64) float64
	t2    float64
	t3    float64
	tol   float64
	mean  func(u float64) float64 // (T_W X)(u)/d_W(u), or nil
	sym   func(u float64) float64 // symmetric normalisation, or nil
	label string
}

func graphonCases() []graphonCase {
	e1 := 1 - math.Exp(-1)
	// SBM with π = (0.3, 0.7), P = [[0.8, 0.1], [0.1, 0.5]], X(u) = u².
	pi := []float64{0.3, 0.7}
	p := [2][2]float64{{0.8, 0.1}, {0.1, 0.5}}
	block := func(u float64) int {
		if u < 0.3 {
			return 0
		}
		return 1
	}
	m2 := [2]float64{math.Pow(0.3, 3) / 3, (1 - math.Pow(0.3, 3)) / 3} // ∫_block v² dv
	var sbmT3 float64
	for a := 0; a < 2; a++ {
		for b := 0; b < 2; b++ {
			for c := 0; c < 2; c++ {
				sbmT3 += pi[a] * pi[b] * pi[c] * p[a][b] * p[b][c] * p[c][a]
			}
		}
	}
	return []graphonCase{
		{
			// Polynomial integrands of degree ≤ 3: exact with Q = 2 (tolerance: rounding).
			name: "product", w: func(u, v float64) float64 { return u * v },
			rule: func() (Rule, error) { return Legendre(2) }, x: xIdentity,
			tx: func(u float64) float64 { return u / 3 }, deg: func(u float64) float64 { return u / 2 },
			t2: 0.25, t3: 1.0 / 27, tol: 1e-15,
			mean: func(u float64) float64 { return 2.0 / 3 },
		},
		{
			name: "constant", w: func(u, v float64) float64 { return 0.3 },
			rule: func() (Rule, error) { return Legendre(3) },
			x:    func(u float64, dst []float64) { dst[0] = math.Cos(u) },
			// ∫cos = sin 1 with Q = 3: the Gauss error is
			// f^{(6)}(ξ)(3!)⁴/(7·(6!)³) ≤ 1/(7·(6!)³)·1296 ≈ 5e-7, so 1e-6.
			tx:  func(u float64) float64 { return 0.3 * math.Sin(1) },
			deg: func(u float64) float64 { return 0.3 }, t2: 0.3, t3: 0.027, tol: 1e-6,
			mean: func(u float64) float64 { return math.Sin(1) },
			sym:  func(u float64) float64 { return math.Sin(1) },
		},
		{
			// Block-constant W times v² on each block: exact with 2 nodes per block.
			name: "sbm", w: func(u, v float64) float64 { return p[block(u)][block(v)] },
			rule: func() (Rule, error) { return SBM(pi, 2) },
			x:    func(u float64, dst []float64) { dst[0] = u * u },
			tx: func(u float64) float64 {
				a := block(u)
				return p[a][0]*m2[0] + p[a][1]*m2[1]
			},
			deg: func(u float64) float64 {
				a := block(u)
				return p[a][0]*pi[0] + p[a][1]*pi[1]
			},
			t2:  pi[0]*pi[0]*p[0][0] + 2*pi[0]*pi[1]*p[0][1] + pi[1]*pi[1]*p[1][1],
			t3:  sbmT3,
			tol: 1e-15,
		},
		{
			// Analytic integrands: Gauss–Legendre with Q = 12 is accurate to
			// rounding (the error of e^{−v} is ~ (1/2)^{2Q}/(2Q)! < 1e-25).
			name: "exponential", w: func(u, v float64) float64 { return math.Exp(-(u + v)) },
			rule: func() (Rule, error) { return Legendre(12) },
			x:    func(u float64, dst []float64) { dst[0] = 1 },
			tx:   func(u float64) float64 { return math.Exp(-u) * e1 },
			deg:  func(u float64) float64 { return math.Exp(-u) * e1 },
			t2:   e1 * e1, t3: math.Pow((1-math.Exp(-2))/2, 3), tol: 1e-14,
			mean: func(u float64) float64 { return 1 },
			// W/sqrt(d d) = e^{−(u+v)/2}/e1: ∫ = e^{−u/2}·2(1 − e^{−1/2})/e1.
			sym: func(u float64) float64 { return math.Exp(-u/2) * 2 * (1 - math.Exp(-0.5)) / e1 },
		},
	}
}

func TestGraphonOperator(t *testing.T) {
	for _, c := range graphonCases() {
		t.Run(c.name, func(t *testing.T) {
			r, err := c.rule()
			if err != nil {
				t.Fatal(err)
			}
			op, err := NewGraphonOperator(c.w, r)
			if err != nil {
				t.Fatal(err)
			}
			deg := op.Degree()
			for q, u := range r.U {
				if math.Abs(deg[q]-c.deg(u)) > c.tol {
					t.Errorf("d_W(%v) = %v want %v", u, deg[q], c.deg(u))
				}
			}
			if math.Abs(op.EdgeDensity()-c.t2) > c.tol {
				t.Errorf("t(K2) = %v want %v", op.EdgeDensity(), c.t2)
			}
			if math.Abs(op.TriangleDensity()-c.t3) > c.tol {
				t.Errorf("t(K3) = %v want %v", op.TriangleDensity(), c.t3)
			}
			for _, nc := range []struct {
				norm aggregation.Aggregation
				want func(u float64) float64
			}{{aggregation.Aggregation{}, c.tx}, {aggregation.SAGE, c.mean}, {aggregation.GCNNoLoops, c.sym}} {
				if nc.want == nil {
					continue
				}
				phi, err := op.Features(c.x, 1, nc.norm)
				if err != nil {
					t.Fatal(err)
				}
				xs, _ := op.Signal(c.x, 1)
				dst := make([]float64, 2)
				for q, u := range r.U {
					if math.Abs(phi[2*q+1]-nc.want(u)) > c.tol {
						t.Errorf("%v: (T X)(%v) = %v want %v", nc.norm, u, phi[2*q+1], nc.want(u))
					}
					// Off-grid evaluation at a point inside the same block.
					v := math.Min(1, u*1.01)
					if c.name == "sbm" && (u < 0.3) != (v < 0.3) {
						continue
					}
					if err := op.FeaturesAt(dst, v, c.x, xs, nc.norm); err != nil {
						t.Fatal(err)
					}
					if math.Abs(dst[1]-nc.want(v)) > c.tol*10 {
						t.Errorf("%v: FeaturesAt(%v) = %v want %v", nc.norm, v, dst[1], nc.want(v))
					}
				}
			}
		})
	}
}

func TestOperatorErrors(t *testing.T) {
	r, _ := Legendre(3)
	if _, err := NewGraphonOperator(func(u, v float64) float64 { return 2 }, r); !errors.Is(err, graphs.ErrParameter) {
		t.Errorf("W=2: %v", err)
	}
	if _, err := NewGraphonOperator(func(u, v float64) float64 { return math.NaN() }, r); !errors.Is(err, graphs.ErrParameter) {
		t.Errorf("W=NaN: %v", err)
	}
	if _, err := NewGraphonOperator(func(u, v float64) float64 { return u }, r); !errors.Is(err, graphs.ErrParameter) {
		t.Errorf("asymmetric W: %v", err)
	}
	if _, err := NewGraphonOperator(nil, r); !errors.Is(err, graphs.ErrParameter) {
		t.Errorf("nil W: %v", err)
	}
	if _, err := NewGraphonOperator(func(u, v float64) float64 { return 1 }, Rule{}); !errors.Is(err, graphs.ErrShape) {
		t.Errorf("empty rule: %v", err)
	}
	op, _ := NewGraphonOperator(func(u, v float64) float64 { return 1 }, r)
	if _, err := op.Apply(nil, make([]float64, 4), aggregation.Aggregation{}); !errors.Is(err, graphs.ErrShape) {
		t.Errorf("Apply shape: %v", err)
	}
	if _, err := op.Apply(nil, make([]float64, 3), aggregation.Aggregation{Norm: 7}); !errors.Is(err, graphs.ErrParameter) {
		t.Errorf("Apply norm: %v", err)
	}
	if _, err := op.Apply(nil, make([]float64, 3), aggregation.GIN); !errors.Is(err, graphs.ErrParameter) {
		t.Errorf("Apply of the sum, which needs nρ: %v", err)
	}
	if _, err := op.Features(func(u float64, dst []float64) { dst[0] = math.Inf(1) }, 1, aggregation.Aggregation{}); !errors.Is(err, graphs.ErrParameter) {
		t.Errorf("Features with Inf: %v", err)
	}
	xs, _ := op.Signal(xIdentity, 1)
	if err := op.FeaturesAt(make([]float64, 2), 1.5, xIdentity, xs, aggregation.Aggregation{}); !errors.Is(err, graphs.ErrParameter) {
		t.Errorf("FeaturesAt u=1.5: %v", err)
	}
}

// TestZeroDegree: where d_W = 0 the normalised operators give 0, not NaN.
func TestZeroDegree(t *testing.T) {
	r, _ := SBM([]float64{0.5, 0.5}, 2)
	op, err := NewGraphonOperator(func(u, v float64) float64 {
		if u < 0.5 && v < 0.5 {
			return 1
		}
		return 0
	}, r)
	if err != nil {
		t.Fatal(err)
	}
	for _, norm := range []aggregation.Aggregation{aggregation.SAGE, aggregation.GCNNoLoops} {
		phi, err := op.Features(xIdentity, 1, norm)
		if err != nil {
			t.Fatal(err)
		}
		for q, u := range r.U {
			if u > 0.5 && phi[2*q+1] != 0 {
				t.Errorf("%v: (T X)(%v) = %v want 0", norm, u, phi[2*q+1])
			}
		}
	}
}

func ExampleGraphonOperator_Features() {
	// Product graphon W(u,v) = u·v and X(u) = u: (T_W X)(u) = u ∫v² dv = u/3.
	r, _ := Legendre(2)
	op, err := NewGraphonOperator(func(u, v float64) float64 { return u * v }, r)
	if err != nil {
		fmt.Println(err)
		return
	}
	phi, _ := op.Features(func(u float64, dst []float64) { dst[0] = u }, 1, aggregation.Aggregation{})
	for q := range r.U {
		fmt.Printf("u=%.4f X=%.4f TX=%.4f u/3=%.4f\n", phi[2*q], phi[2*q], phi[2*q+1], phi[2*q]/3)
	}
	// Output:
	// u=0.2113 X=0.2113 TX=0.0704 u/3=0.0704
	// u=0.7887 X=0.7887 TX=0.2629 u/3=0.2629
}

func ExampleSBM() {
	// Two blocks of proportions 0.25 and 0.75, 2 nodes each: exact for
	// block-constant graphons times cubics.
	r, err := SBM([]float64{0.25, 0.75}, 2)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d nodes, ∫u³ = %.6f\n", r.Len(), r.Integrate(func(u float64) float64 { return u * u * u }))
	// Output: 4 nodes, ∫u³ = 0.250000
}

package shallow

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gnnwb/gnnwb/gnn/activation"
	"github.com/gnnwb/gnnwb/graphs"
)

var allActivations = []activation.Kind{activation.Identity, activation.Tanh, activation.ReLU, activation.Sigmoid, activation.Erf}

// randomBatch returns a batch of nb samples for variant v with random
// inputs; model B samples get 1 + (b mod 3) neighbour entries.
func randomBatch(rng *rand.Rand, d, nb int, v Variant) *Samples {
	p := 2 * d
	b := &Samples{Dim: d, Y: make([]float64, nb)}
	for i := range b.Y {
		b.Y[i] = rng.NormFloat64()
	}
	if v == ModelA {
		b.Phi = make([]float64, nb*p)
		for i := range b.Phi {
			b.Phi[i] = rng.NormFloat64()
		}
		return b
	}
	b.End = make([]int, nb)
	for i := range nb {
		for range 1 + i%3 {
			b.Weight = append(b.Weight, 0.2+rng.Float64())
			for range p {
				b.NbrPhi = append(b.NbrPhi, rng.NormFloat64())
			}
		}
		b.End[i] = len(b.Weight)
	}
	return b
}

// refOutput is ŷ_b written straight from docs/mathematics.md §3, one unit and
// one entry at a time, with activation.Kind.Eval: the reference for forward.
func refOutput(m *Model, b *Samples) []float64 {
	p := 2 * m.D
	out := make([]float64, b.Len())
	for i := range out {
		s := 0.0
		for k := range m.N {
			ak := m.A[k*p : (k+1)*p]
			if m.Variant == ModelA {
				s += m.C[k] * m.Act.Eval(dot(ak, b.Phi[i*p:(i+1)*p]))
				continue
			}
			lo := 0
			if i > 0 {
				lo = b.End[i-1]
			}
			h := 0.0
			for e := lo; e < b.End[i]; e++ {
				h += b.Weight[e] * m.Act.Eval(dot(ak, b.NbrPhi[e*p:(e+1)*p]))
			}
			s += m.C[k] * h
		}
		out[i] = math.Pow(float64(m.N), -m.Gamma) * s
	}
	return out
}

func refLoss(m *Model, b *Samples) float64 {
	out := refOutput(m, b)
	s := 0.0
	for i, y := range b.Y {
		s += (y - out[i]) * (y - out[i])
	}
	return s / (2 * float64(len(out)))
}

// minAbsPreact returns min |a^k·φ_e| over units and entries: the distance to
// ReLU's kink.
func minAbsPreact(m *Model, b *Samples) float64 {
	p := 2 * m.D
	phi := b.Phi
	if m.Variant == ModelB {
		phi = b.NbrPhi
	}
	mn := math.Inf(1)
	for k := range m.N {
		for e := 0; e < len(phi)/p; e++ {
			mn = min(mn, math.Abs(dot(m.A[k*p:(k+1)*p], phi[e*p:(e+1)*p])))
		}
	}
	return mn
}

// TestLossGradFiniteDifference checks LossGrad against central differences
// of the reference loss, for both variants and every activation. Step h =
// 1e-5: the truncation error is O(h²) ≈ 1e-10 relative and rounding
// ≈ 1e-16·|ℓ|/h ≈ 1e-11, so 1e-6 relative (plus 1e-9 absolute for
// near-zero components) has room. For ReLU, data are redrawn until every
// pre-activation is ≥ 1e-3 > h·‖φ‖ from the kink.
func TestLossGradFiniteDifference(t *testing.T) {
	for _, v := range []Variant{ModelA, ModelB} {
		for _, act := range allActivations {
			t.Run(fmt.Sprintf("%v/%v", v, act), func(t *testing.T) {
				rng := rand.New(rand.NewPCG(7, uint64(act)))
				cfg := ModelConfig{Width: 5, Dim: 2, Gamma: 0.75, Activation: act, Variant: v, Sc: 1, Sw: 1}
				var m *Model
				var b *Samples
				for try := uint64(0); ; try++ {
					cfg.Seed = try
					var err error
					if m, err = NewModel(cfg); err != nil {
						t.Fatal(err)
					}
					b = randomBatch(rng, 2, 4, v)
					if act != activation.ReLU || minAbsPreact(m, b) > 1e-3 {
						break
					}
				}
				gc := make([]float64, m.N)
				ga := make([]float64, len(m.A))
				loss, err := m.LossGrad(gc, ga, b)
				if err != nil {
					t.Fatal(err)
				}
				if want := refLoss(m, b); math.Abs(loss-want) > 1e-14*want {
					t.Errorf("loss %v, reference %v", loss, want)
				}
				const h = 1e-5
				fd := func(x *float64) float64 {
					old := *x
					*x = old + h
					lp := refLoss(m, b)
					*x = old - h
					lm := refLoss(m, b)
					*x = old
					return (lp - lm) / (2 * h)
				}
				check := func(name string, got, want float64) {
					if math.Abs(got-want) > 1e-6*math.Max(math.Abs(got), math.Abs(want))+1e-9 {
						t.Errorf("%s: analytic %.12g, finite difference %.12g", name, got, want)
					}
				}
				for k := range m.C {
					check(fmt.Sprintf("dc[%d]", k), gc[k], fd(&m.C[k]))
				}
				for j := range m.A {
					check(fmt.Sprintf("da[%d]", j), ga[j], fd(&m.A[j]))
				}
			})
		}
	}
}

// TestPredictMatchesReference compares the chunked forward pass with
// the one-unit-at-a-time reference on a width spanning several chunks.
func TestPredictMatchesReference(t *testing.T) {
	for _, v := range []Variant{ModelA, ModelB} {
		for _, act := range allActivations {
			t.Run(fmt.Sprintf("%v/%v", v, act), func(t *testing.T) {
				m, err := NewModel(ModelConfig{Width: 3*unitChunk + 5, Dim: 3, Gamma: 0.6, Activation: act, Variant: v, Sc: 1, Sw: 1, Seed: 3})
				if err != nil {
					t.Fatal(err)
				}
				b := randomBatch(rand.New(rand.NewPCG(1, 2)), 3, 2*unitChunk+7, v)
				got := make([]float64, b.Len())
				if err := m.Predict(got, b); err != nil {
					t.Fatal(err)
				}
				for i, want := range refOutput(m, b) {
					// summation order differs: a few ulps of Σ_k |c σ| ≤ N·O(1)
					if math.Abs(got[i]-want) > 1e-12 {
						t.Errorf("sample %d: %v, reference %v", i, got[i], want)
					}
				}
			})
		}
	}
}

// TestStepHandComputed: N = 1, σ = identity, γ = 1, α = 0.5, B = 2,
// c = 2, a = (w, v) = (1, −1), φ_1 = (1, 2), y_1 = 1, φ_2 = (3, 1), y_2 = 0:
//
//	z = (−1, 2), ŷ = c z = (−2, 4), r = y − ŷ = (3, −4), ℓ = ½·½·(9 + 16) = 6.25
//	step α/N^{2−γ}/B = 0.25
//	c ← 2 + 0.25·(3·(−1) + (−4)·2) = 2 − 2.75 = −0.75
//	a ← (1, −1) + 0.25·2·(3·(1,2) − 4·(3,1)) = (1, −1) + 0.5·(−9, 2) = (−3.5, 0)
//
// All these numbers are exact in float64.
func TestStepHandComputed(t *testing.T) {
	m := &Model{N: 1, D: 1, Gamma: 1, Act: activation.Identity, C: []float64{2}, A: []float64{1, -1}}
	b := &Samples{Dim: 1, Y: []float64{1, 0}, Phi: []float64{1, 2, 3, 1}}
	loss, err := m.Step(b, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	if loss != 6.25 || m.C[0] != -0.75 || m.A[0] != -3.5 || m.A[1] != 0 {
		t.Errorf("loss %v c %v a %v, want 6.25, -0.75, [-3.5 0]", loss, m.C[0], m.A)
	}

	// tanh, N = 1, γ = ½ (irrelevant at N = 1), α = 1, B = 1, c = 1,
	// a = (0.5, 0), φ = (1, 1), y = 1: z = 0.5, ŷ = tanh 0.5, r = 1 − ŷ,
	// c ← 1 + r tanh 0.5, a ← a + r·c·(1 − tanh² 0.5)·φ.
	m = &Model{N: 1, D: 1, Gamma: 0.5, Act: activation.Tanh, C: []float64{1}, A: []float64{0.5, 0}}
	b = &Samples{Dim: 1, Y: []float64{1}, Phi: []float64{1, 1}}
	if _, err := m.Step(b, 1); err != nil {
		t.Fatal(err)
	}
	th := math.Tanh(0.5)
	r := 1 - th
	wantC, wantA := 1+r*th, []float64{0.5 + r*(1-th*th), r * (1 - th*th)}
	if math.Abs(m.C[0]-wantC) > 1e-15 || math.Abs(m.A[0]-wantA[0]) > 1e-15 || math.Abs(m.A[1]-wantA[1]) > 1e-15 {
		t.Errorf("tanh step: c %v a %v, want %v %v", m.C[0], m.A, wantC, wantA)
	}
}

// TestStepIsScaledGradient: Step moves θ by −η ∇ℓ with η = α N^{2γ−2}
// (docs/mathematics.md §3.3), for γ = ½ and 1 and both variants.
func TestStepIsScaledGradient(t *testing.T) {
	for _, v := range []Variant{ModelA, ModelB} {
		for _, gamma := range []float64{0.5, 0.8, 1} {
			t.Run(fmt.Sprintf("%v/gamma=%v", v, gamma), func(t *testing.T) {
				m, err := NewModel(ModelConfig{Width: 70, Dim: 2, Gamma: gamma, Activation: activation.Erf, Variant: v, Sc: 1, Sw: 1, Seed: 9})
				if err != nil {
					t.Fatal(err)
				}
				b := randomBatch(rand.New(rand.NewPCG(4, 4)), 2, 5, v)
				gc, ga := make([]float64, m.N), make([]float64, len(m.A))
				if _, err := m.LossGrad(gc, ga, b); err != nil {
					t.Fatal(err)
				}
				before := m.Clone()
				const alpha = 0.7
				if _, err := m.Step(b, alpha); err != nil {
					t.Fatal(err)
				}
				eta := alpha * math.Pow(float64(m.N), 2*gamma-2)
				for k := range m.C {
					if want := before.C[k] - eta*gc[k]; math.Abs(m.C[k]-want) > 1e-15*(1+math.Abs(want)) {
						t.Fatalf("c[%d] = %v, want %v", k, m.C[k], want)
					}
				}
				for j := range m.A {
					if want := before.A[j] - eta*ga[j]; math.Abs(m.A[j]-want) > 1e-15*(1+math.Abs(want)) {
						t.Fatalf("a[%d] = %v, want %v", j, m.A[j], want)
					}
				}
			})
		}
	}
}

// TestInitCoupling: the width-N model is the prefix of the width-2N model with
// the same seed, plain and symmetric; symmetric pairs give g_0 ≡ 0; the
// moments of μ_0 match E[c²] = Sc², E[a_j²] = Sw²/d within 5 standard errors
// (for a normal, Var(x²) = 2σ⁴).
func TestInitCoupling(t *testing.T) {
	for _, sym := range []bool{false, true} {
		cfg := ModelConfig{Width: 2000, Dim: 2, Gamma: 1, Activation: activation.Tanh, Sc: 1.5, Sw: 2, Symmetric: sym, Seed: 11}
		small, err := NewModel(cfg)
		if err != nil {
			t.Fatal(err)
		}
		cfg.Width *= 2
		big, err := NewModel(cfg)
		if err != nil {
			t.Fatal(err)
		}
		if !sameBits(small.C, big.C[:small.N]) || !sameBits(small.A, big.A[:len(small.A)]) {
			t.Errorf("symmetric=%v: width %d is not a prefix of width %d", sym, small.N, big.N)
		}
		mo := big.Moments()
		th := big.Particles()
		if th[3*5] != big.C[3] || th[3*5+4] != big.A[3*4+3] || len(th) != big.N*5 {
			t.Error("Particles layout: rows (c, a)")
		}
		n := float64(big.N)
		if sym {
			n /= 2 // pairs repeat a and c²
			if mo.MeanC != 0 {
				t.Errorf("symmetric: mean c = %v, want 0", mo.MeanC)
			}
			out := make([]float64, 3)
			b := randomBatch(rand.New(rand.NewPCG(1, 1)), 2, 3, ModelA)
			if err := big.Predict(out, b); err != nil {
				t.Fatal(err)
			}
			for _, o := range out {
				if math.Abs(o) > 1e-14 {
					t.Errorf("symmetric: g_0 = %v, want 0", o)
				}
			}
		}
		if z := (mo.MeanC2 - 2.25) / math.Sqrt(2*2.25*2.25/n); math.Abs(z) > 5 {
			t.Errorf("symmetric=%v: E[c²] = %v, want 2.25, z = %.1f", sym, mo.MeanC2, z)
		}
		va := 4.0 / 2 // Sw²/d
		if z := (mo.MeanAA[0] - va) / math.Sqrt(2*va*va/n); math.Abs(z) > 5 {
			t.Errorf("symmetric=%v: E[a_0²] = %v, want %v, z = %.1f", sym, mo.MeanAA[0], va, z)
		}
	}
}

func sameBits(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			return false
		}
	}
	return true
}

func TestModelErrors(t *testing.T) {
	ok := ModelConfig{Width: 4, Dim: 1, Gamma: 1, Activation: activation.Tanh, Sc: 1, Sw: 1}
	tests := []struct {
		name string
		edit func(c *ModelConfig)
		kind error
	}{
		{"width 0", func(c *ModelConfig) { c.Width = 0 }, graphs.ErrParameter},
		{"dim 0", func(c *ModelConfig) { c.Dim = 0 }, graphs.ErrParameter},
		{"gamma 0.4", func(c *ModelConfig) { c.Gamma = 0.4 }, graphs.ErrParameter},
		{"gamma NaN", func(c *ModelConfig) { c.Gamma = math.NaN() }, graphs.ErrParameter},
		{"activation-elu", func(c *ModelConfig) { c.Activation = activation.ELU }, graphs.ErrParameter},
		{"activation", func(c *ModelConfig) { c.Activation = 9 }, graphs.ErrParameter},
		{"variant", func(c *ModelConfig) { c.Variant = 2 }, graphs.ErrParameter},
		{"sc NaN", func(c *ModelConfig) { c.Sc = math.NaN() }, graphs.ErrParameter},
		{"sw Inf", func(c *ModelConfig) { c.Sw = math.Inf(1) }, graphs.ErrParameter},
		{"odd symmetric", func(c *ModelConfig) { c.Symmetric, c.Width = true, 3 }, graphs.ErrParameter},
		{"too large", func(c *ModelConfig) { c.Width, c.Dim = 1<<40, 4 }, graphs.ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := ok
			tt.edit(&c)
			if _, err := NewModel(c); !errors.Is(err, tt.kind) {
				t.Errorf("error %v, want %v", err, tt.kind)
			}
		})
	}
	m, _ := NewModel(ok)
	b := &Samples{Dim: 2, Y: []float64{1}, Phi: []float64{1, 2, 3, 4}}
	if err := m.Predict(make([]float64, 1), b); !errors.Is(err, graphs.ErrShape) {
		t.Errorf("Dim mismatch: %v", err)
	}
	b = &Samples{Dim: 1, Y: []float64{1}, Phi: []float64{1}}
	if _, err := m.Step(b, 1); !errors.Is(err, graphs.ErrShape) {
		t.Errorf("short Phi: %v", err)
	}
	b = &Samples{Dim: 1, Y: []float64{1}, Phi: []float64{1, 1}}
	if _, err := m.Step(b, math.NaN()); !errors.Is(err, graphs.ErrParameter) {
		t.Errorf("alpha NaN: %v", err)
	}
	mb, _ := NewModel(ModelConfig{Width: 2, Dim: 1, Gamma: 1, Variant: ModelB})
	b = &Samples{Dim: 1, Y: []float64{1, 2}, End: []int{2, 1}, Weight: []float64{1, 1}, NbrPhi: []float64{1, 1, 1, 1}}
	if _, err := mb.Step(b, 1); !errors.Is(err, graphs.ErrShape) {
		t.Errorf("decreasing End: %v", err)
	}
}

func TestActivationDerivs(t *testing.T) {
	// σ' against central differences at points away from ReLU's kink, and
	// the slice kernels against Eval/Deriv bit for bit.
	zs := []float64{-3, -0.7, -0.1, 0.2, 1.3, 4}
	for _, a := range allActivations {
		for _, z := range zs {
			const h = 1e-6
			fd := (a.Eval(z+h) - a.Eval(z-h)) / (2 * h)
			if math.Abs(fd-a.Deriv(z)) > 1e-8 {
				t.Errorf("%v'(%v) = %v, finite difference %v", a, z, a.Deriv(z), fd)
			}
		}
		s := append([]float64(nil), zs...)
		apply(a, s)
		s2 := append([]float64(nil), zs...)
		ds := make([]float64, len(zs))
		applyDeriv(a, s2, ds)
		for i, z := range zs {
			if s[i] != a.Eval(z) || s2[i] != a.Eval(z) || ds[i] != a.Deriv(z) {
				t.Errorf("%v: slice kernels disagree at %v", a, z)
			}
		}
	}
	if activation.Logistic(-800) != 0 || activation.Logistic(800) != 1 || math.IsNaN(activation.Logistic(-1e308)) {
		t.Error("sigmoid overflow handling")
	}
}

// TestSigmaCacheSameBits: the backward pass from the σ cache and the one that
// recomputes σ give the same bits, for every activation and variant.
func TestSigmaCacheSameBits(t *testing.T) {
	for _, v := range []Variant{ModelA, ModelB} {
		for _, act := range allActivations {
			m1, err := NewModel(ModelConfig{Width: 130, Dim: 2, Gamma: 0.9, Activation: act, Variant: v, Sc: 1, Sw: 1, Seed: 5})
			if err != nil {
				t.Fatal(err)
			}
			m2 := m1.Clone()
			b := randomBatch(rand.New(rand.NewPCG(8, 8)), 2, unitChunk+3, v)
			if _, err := m1.Step(b, 0.9); err != nil {
				t.Fatal(err)
			}
			if len(m1.ws.sig) == 0 {
				t.Fatal("cache not used")
			}
			vw := m2.view(b, b.Len())
			m2.residuals(vw, b.Y)
			m2.ws.sig = m2.ws.sig[:0]
			m2.update(vw, 0.9)
			if !sameBits(m1.C, m2.C) || !sameBits(m1.A, m2.A) {
				t.Errorf("%v/%v: cached and recomputed steps differ", v, act)
			}
		}
	}
}

func TestMeanFieldRate(t *testing.T) {
	if got := MeanFieldRate(0.5, 1, 100); got != 0.5 {
		t.Errorf("γ=1: %v, want 0.5", got)
	}
	if got := MeanFieldRate(0.5, 0.5, 100); math.Abs(got-0.005) > 1e-18 {
		t.Errorf("γ=½: %v, want 0.005", got)
	}
}

package fluctuation_test

import (
	"context"
	"errors"
	"math"
	"slices"
	"testing"

	"github.com/gnnwb/gnnwb/gnn/activation"
	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/limits"
	"github.com/gnnwb/gnnwb/limits/fluctuation"
)

// TestMeasureLinear: for σ the identity the mean over 400 seeds of
// N·‖g^N_t − g_t‖² of real networks of width 250 (Measure) equals the
// exact Lyapunov C(t) (Linear) within 3 standard errors, at t = 0.5 and 2,
// with and without noise on y (which enters C through the sampling noise,
// and Measure through its draw of y); Mean and StdErr are those of Values.
func TestMeasureLinear(t *testing.T) {
	for _, noiseY := range []float64{0, 0.5} {
		pr := referenceProblem(false)
		pr.Times = []float64{0.5, 2}
		pr.NoiseY = noiseY
		s := setup(t, pr)
		c, err := fluctuation.Linear(context.Background(), s, pr.Times)
		if err != nil {
			t.Fatal(err)
		}
		const seeds = 400
		m, err := fluctuation.Measure(context.Background(), s, c, []int{250}, fluctuation.MeasureOptions{Seeds: seeds})
		if err != nil {
			t.Fatal(err)
		}
		for k, tk := range pr.Times {
			sum := 0.0
			for _, v := range m.Values[0] {
				sum += v[k]
			}
			mean := sum / seeds
			ss := 0.0
			for _, v := range m.Values[0] {
				ss += (v[k] - mean) * (v[k] - mean)
			}
			se := math.Sqrt(ss/(seeds-1)) / math.Sqrt(seeds)
			if math.Abs(m.Mean[0][k]-mean) > 1e-12*mean || math.Abs(m.StdErr[0][k]-se) > 1e-9*se {
				t.Errorf("noise_y=%v t=%v: Mean %v ± %v, Values give %v ± %v", noiseY, tk, m.Mean[0][k], m.StdErr[0][k], mean, se)
			}
			z := (mean - c.C[k]) / se
			t.Logf("noise_y=%v t=%v: N·MSE = %.4f ± %.4f, C(t) = %.4f, z = %+.2f", noiseY, tk, mean, se, c.C[k], z)
			if math.Abs(z) > 3 {
				t.Errorf("noise_y=%v t=%v: N·MSE = %.4f ± %.4f, C(t) = %.4f: z = %.2f", noiseY, tk, mean, se, c.C[k], z)
			}
		}
	}
}

// TestMeasureDeterminism: the networks do not depend on the workers that
// train them; Times picks a subset of the Constant's times, and the values
// at it are those of the full measurement.
func TestMeasureDeterminism(t *testing.T) {
	pr := referenceProblem(false)
	pr.Activation = activation.Tanh
	pr.Times = []float64{0.5, 1}
	s := setup(t, pr)
	c, err := fluctuation.Particles(context.Background(), s, pr.Times, fluctuation.Options{Particles: 64})
	if err != nil {
		t.Fatal(err)
	}
	widths := []int{20, 50}
	a, err := fluctuation.Measure(context.Background(), s, c, widths, fluctuation.MeasureOptions{Seeds: 5, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	var calls int64
	b, err := fluctuation.Measure(context.Background(), s, c, widths, fluctuation.MeasureOptions{Seeds: 5, Workers: 3,
		Progress: func(done, total int64) { calls++ }})
	if err != nil {
		t.Fatal(err)
	}
	sub, err := fluctuation.Measure(context.Background(), s, c, widths, fluctuation.MeasureOptions{Seeds: 5, Times: []float64{1}})
	if err != nil {
		t.Fatal(err)
	}
	from3, err := fluctuation.Measure(context.Background(), s, c, widths, fluctuation.MeasureOptions{Seeds: 2, FirstSeed: 3})
	if err != nil {
		t.Fatal(err)
	}
	if calls != 10 {
		t.Errorf("%d progress calls, want 10", calls)
	}
	if a.FirstSeed != 0 || from3.FirstSeed != 3 {
		t.Errorf("FirstSeed %d and %d, want 0 (seeds 1..R) and 3", a.FirstSeed, from3.FirstSeed)
	}
	for i := range widths { // FirstSeed 3: the networks of seeds 3 and 4
		for r := range 2 {
			if !slices.Equal(from3.Values[i][r], a.Values[i][r+2]) {
				t.Errorf("N=%d seed %d: %v with FirstSeed 3, %v from seed 1", widths[i], r+3, from3.Values[i][r], a.Values[i][r+2])
			}
		}
	}
	for i := range widths {
		for r := range 5 {
			for k := range pr.Times {
				if a.Values[i][r][k] != b.Values[i][r][k] {
					t.Errorf("N=%d seed %d t=%v: %v with 1 worker, %v with 3", widths[i], r+1, pr.Times[k], a.Values[i][r][k], b.Values[i][r][k])
				}
			}
			if sub.Values[i][r][0] != a.Values[i][r][1] {
				t.Errorf("N=%d seed %d: %v at Times {1}, %v in full", widths[i], r+1, sub.Values[i][r][0], a.Values[i][r][1])
			}
		}
	}
}

func TestMeasureErrors(t *testing.T) {
	pr := referenceProblem(false)
	pr.Times = []float64{0.5, 1}
	s := setup(t, pr)
	c, err := fluctuation.Linear(context.Background(), s, pr.Times)
	if err != nil {
		t.Fatal(err)
	}
	sym := pr
	sym.Symmetric = true
	ssym := setup(t, sym)
	kernel := pr
	kernel.Gamma = 0.5
	sk := setup(t, kernel)
	short := *c
	short.G = short.G[:1]
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name   string
		ctx    context.Context
		s      *limits.Setup
		c      *fluctuation.Constant
		widths []int
		opt    fluctuation.MeasureOptions
		want   error
	}{
		{"nil setup", context.Background(), nil, c, []int{10}, fluctuation.MeasureOptions{Seeds: 1}, graphs.ErrParameter},
		{"nil constant", context.Background(), s, nil, []int{10}, fluctuation.MeasureOptions{Seeds: 1}, graphs.ErrParameter},
		{"gamma", context.Background(), sk, c, []int{10}, fluctuation.MeasureOptions{Seeds: 1}, graphs.ErrParameter},
		{"no widths", context.Background(), s, c, nil, fluctuation.MeasureOptions{Seeds: 1}, graphs.ErrParameter},
		{"width 0", context.Background(), s, c, []int{0}, fluctuation.MeasureOptions{Seeds: 1}, graphs.ErrParameter},
		{"odd width, pairs", context.Background(), ssym, c, []int{11}, fluctuation.MeasureOptions{Seeds: 1}, graphs.ErrParameter},
		{"no seeds", context.Background(), s, c, []int{10}, fluctuation.MeasureOptions{}, graphs.ErrParameter},
		{"seeds past 2^64-1", context.Background(), s, c, []int{10}, fluctuation.MeasureOptions{Seeds: 2, FirstSeed: math.MaxUint64}, graphs.ErrParameter},
		{"same step", context.Background(), s, c, []int{1}, fluctuation.MeasureOptions{Seeds: 1}, graphs.ErrParameter},
		{"time not in C", context.Background(), s, c, []int{10}, fluctuation.MeasureOptions{Seeds: 1, Times: []float64{0.75}}, graphs.ErrParameter},
		{"times not increasing", context.Background(), s, c, []int{10}, fluctuation.MeasureOptions{Seeds: 1, Times: []float64{1, 0.5}}, graphs.ErrParameter},
		{"curves", context.Background(), s, &short, []int{10}, fluctuation.MeasureOptions{Seeds: 1}, graphs.ErrShape},
		{"too large", context.Background(), s, c, []int{1 << 22}, fluctuation.MeasureOptions{Seeds: 8}, graphs.ErrTooLarge},
		{"cancelled", cancelled, s, c, []int{10}, fluctuation.MeasureOptions{Seeds: 4}, context.Canceled},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := fluctuation.Measure(tc.ctx, tc.s, tc.c, tc.widths, tc.opt); !errors.Is(err, tc.want) {
				t.Errorf("error %v, want %v", err, tc.want)
			}
		})
	}
}

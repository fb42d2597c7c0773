package rates

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gnnwb/gnnwb/graphs"
)

func TestLogLogExact(t *testing.T) {
	tests := []struct {
		name         string
		slope, inter float64
	}{
		{"half", -0.5, math.Log(3)},
		{"quarter", -0.25, -1},
		{"positive", 1.5, 0.2},
	}
	x := []float64{10, 30, 100, 300, 1000}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			y := make([]float64, len(x))
			for i, v := range x {
				y[i] = math.Exp(tc.inter) * math.Pow(v, tc.slope)
			}
			f, err := LogLog(x, y)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(f.Slope-tc.slope) > 1e-13 || math.Abs(f.Intercept-tc.inter) > 1e-12 {
				t.Errorf("fit %+v, want slope %v intercept %v", f, tc.slope, tc.inter)
			}
			for i, r := range f.Residuals {
				if math.Abs(r) > 1e-12 {
					t.Errorf("residual %d = %g", i, r)
				}
			}
		})
	}
}

// TestBootstrapCoverage: errors e_s(x) = 2 x^{−1/2} exp(0.2 Z_s,x), Z
// standard normal, R = 30 seeds at 6 sizes; over 200 replicate data sets the
// 95% percentile interval should cover −½ about 95% of the time. The
// count of covering intervals is Binomial(200, ~0.95) with sd ≈ 3.1; the
// percentile bootstrap with 30 seeds under-covers by a few percent, so the
// bound is 170 (about 0.85) from below, and ≤ 200 trivially; an interval
// that ignores the noise (e.g. zero width) would cover almost never.
func TestBootstrapCoverage(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 0))
	x := []float64{100, 200, 400, 800, 1600, 3200}
	const reps, seeds = 200, 30
	covered := 0
	var width float64
	for range reps {
		e := make([][]float64, seeds)
		for s := range e {
			e[s] = make([]float64, len(x))
			for i, v := range x {
				e[s][i] = 2 / math.Sqrt(v) * math.Exp(0.2*rng.NormFloat64())
			}
		}
		b, err := BootstrapFit(x, e, 400, rng)
		if err != nil {
			t.Fatal(err)
		}
		if b.SlopeCI.Contains(-0.5) {
			covered++
		}
		width += b.SlopeCI.Hi - b.SlopeCI.Lo
		if !(b.SlopeCI.Lo <= b.Slope && b.Slope <= b.SlopeCI.Hi) {
			t.Errorf("point estimate %v outside its interval %+v", b.Slope, b.SlopeCI)
		}
	}
	t.Logf("coverage %d/%d, mean width %.4f", covered, reps, width/reps)
	if covered < 170 {
		t.Errorf("coverage %d/%d", covered, reps)
	}
}

func TestBootstrapNoNoise(t *testing.T) {
	x := []float64{10, 100, 1000}
	e := [][]float64{{1, 0.1, 0.01}, {1, 0.1, 0.01}}
	b, err := BootstrapFit(x, e, 50, rand.New(rand.NewPCG(2, 0)))
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(b.SlopeCI.Lo+1) > 1e-12 || math.Abs(b.SlopeCI.Hi+1) > 1e-12 || b.StdErr[0] != 0 {
		t.Errorf("noise-free interval %+v, stderr %v", b.SlopeCI, b.StdErr)
	}
}

func grid(a, p, b, q, floor float64, noise float64, rng *rand.Rand) []Point {
	var pts []Point
	for _, n := range []float64{100, 316, 1000, 3162, 10000} {
		for _, nn := range []float64{10, 40, 160, 640, 2560} {
			e := a*math.Pow(nn, -p) + b*math.Pow(n, -q) + floor
			if noise > 0 {
				e *= math.Exp(noise * rng.NormFloat64())
			}
			pts = append(pts, Point{N: nn, NRho: n, E: e})
		}
	}
	return pts
}

// TestJointExact: noise-free data from the model are recovered to 1e-6
// relative (BFGS converges superlinearly at a zero-residual minimum; the fit
// runs to a gradient norm below 1e-15 or the precision limit).
func TestJointExact(t *testing.T) {
	tests := []struct {
		name              string
		a, p, b, q, floor float64
		opt               JointOptions
	}{
		{"floor", 2, 0.5, 3, 0.5, 1e-3, JointOptions{}},
		{"unequal", 0.7, 0.9, 5, 0.3, 2e-3, JointOptions{}},
		{"no-floor", 1, 0.5, 2, 0.25, 0, JointOptions{NoFloor: true}},
		// Errors that barely move along nρ (q < 0, b small) and no floor: the
		// optimum lies on the boundary floor = 0, which log floor only
		// approaches; FitJoint must still find it (the default sweep's
		// mean-field errors look like this).
		{"floor-zero", 2, 0.5, 0.01, -0.01, 0, JointOptions{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := FitJoint(grid(tc.a, tc.p, tc.b, tc.q, tc.floor, 0, nil), tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range []struct {
				name      string
				got, want float64
			}{{"a", f.A, tc.a}, {"p", f.P, tc.p}, {"b", f.B, tc.b}, {"q", f.Q, tc.q}, {"floor", f.Floor, tc.floor}} {
				if math.Abs(c.got-c.want) > 1e-6*math.Max(1e-3, math.Abs(c.want)) {
					t.Errorf("%s = %v want %v (fit %+v)", c.name, c.got, c.want, f)
				}
			}
			if f.RMS > 1e-9 {
				t.Errorf("RMS log residual %g", f.RMS)
			}
		})
	}
}

// TestJointNoisy: with 5% multiplicative noise on 25 cells the exponents are
// determined to a few hundredths (the log-design spans 2.4 decades per axis,
// so the slope standard error is ≈ 0.05/(sd of log x·√25) ≈ 0.01); 0.1
// is 10 such errors.
func TestJointNoisy(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 0))
	f, err := FitJoint(grid(2, 0.5, 3, 0.5, 1e-4, 0.05, rng), JointOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(f.P-0.5) > 0.1 || math.Abs(f.Q-0.5) > 0.1 {
		t.Errorf("fit %+v", f)
	}
	if len(f.Residuals) != 25 || f.RMS > 0.1 || f.RMS < 0.01 {
		t.Errorf("residual RMS %v (noise sd 0.05)", f.RMS)
	}
}

func TestErrors(t *testing.T) {
	if _, err := LogLog([]float64{1, 2}, []float64{1}); !errors.Is(err, graphs.ErrShape) {
		t.Errorf("LogLog shape: %v", err)
	}
	if _, err := LogLog([]float64{1, -2}, []float64{1, 1}); !errors.Is(err, graphs.ErrParameter) {
		t.Errorf("LogLog negative: %v", err)
	}
	if _, err := LogLog([]float64{2, 2}, []float64{1, 3}); !errors.Is(err, graphs.ErrParameter) {
		t.Errorf("LogLog equal x: %v", err)
	}
	if _, err := LogLog([]float64{1, 2}, []float64{math.NaN(), 3}); !errors.Is(err, graphs.ErrParameter) {
		t.Errorf("LogLog NaN: %v", err)
	}
	rng := rand.New(rand.NewPCG(1, 0))
	if _, err := BootstrapFit([]float64{1, 2}, [][]float64{{1}}, 10, rng); !errors.Is(err, graphs.ErrShape) {
		t.Errorf("Bootstrap ragged: %v", err)
	}
	if _, err := BootstrapFit([]float64{1, 2}, [][]float64{{1, 2}}, 0, rng); !errors.Is(err, graphs.ErrParameter) {
		t.Errorf("Bootstrap B=0: %v", err)
	}
	if _, err := BootstrapFit([]float64{1, 2}, [][]float64{{1, 2}}, 10, nil); !errors.Is(err, graphs.ErrParameter) {
		t.Errorf("Bootstrap nil rng: %v", err)
	}
	if _, err := FitJoint(grid(1, 1, 1, 1, 0, 0, nil)[:3], JointOptions{}); !errors.Is(err, graphs.ErrShape) {
		t.Errorf("FitJoint few points: %v", err)
	}
	same := []Point{{10, 100, 1}, {10, 200, 1}, {10, 300, 1}, {10, 400, 1}, {10, 500, 1}}
	if _, err := FitJoint(same, JointOptions{}); !errors.Is(err, graphs.ErrShape) {
		t.Errorf("FitJoint one N: %v", err)
	}
	bad := grid(1, 1, 1, 1, 0, 0, nil)
	bad[3].E = 0
	if _, err := FitJoint(bad, JointOptions{}); !errors.Is(err, graphs.ErrParameter) {
		t.Errorf("FitJoint zero error: %v", err)
	}
}

func ExampleLogLog() {
	n := []float64{100, 400, 1600}
	e := []float64{0.1, 0.05, 0.025} // e ∝ n^{−1/2}
	f, err := LogLog(n, e)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("slope %.3f\n", f.Slope)
	// Output: slope -0.500
}

func ExampleFitJoint() {
	var pts []Point
	for _, n := range []float64{100, 1000, 10000} {
		for _, nn := range []float64{10, 100, 1000} {
			pts = append(pts, Point{N: nn, NRho: n, E: 2/math.Sqrt(nn) + 3/math.Sqrt(n) + 1e-3})
		}
	}
	f, err := FitJoint(pts, JointOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("p=%.3f q=%.3f floor=%.4f\n", f.P, f.Q, f.Floor)
	// Output: p=0.500 q=0.500 floor=0.0010
}

func ExampleBootstrapFit() {
	x := []float64{100, 400, 1600}
	e := [][]float64{ // three seeds
		{0.10, 0.051, 0.024},
		{0.11, 0.049, 0.026},
		{0.09, 0.050, 0.025},
	}
	b, err := BootstrapFit(x, e, 1000, rand.New(rand.NewPCG(1, 0)))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("slope %.2f, interval contains -0.5: %v\n", b.Slope, b.SlopeCI.Contains(-0.5))
	// Output: slope -0.50, interval contains -0.5: true
}

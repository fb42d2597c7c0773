package rates

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/gnnwb/gnnwb/graphs"
)

// Fit is a least-squares line log y ≈ Intercept + Slope·log x.
type Fit struct {
	Slope, Intercept float64
	// Residuals[i] = log y_i − (Intercept + Slope·log x_i).
	Residuals []float64
}

// Predict returns exp(Intercept)·x^Slope.
func (f Fit) Predict(x float64) float64 { return math.Exp(f.Intercept) * math.Pow(x, f.Slope) }

func positive(fn, name string, v []float64) error {
	for i, x := range v {
		if !(x > 0) || math.IsInf(x, 0) {
			return fmt.Errorf("rates: %s: %s[%d]=%v not a finite number > 0: %w", fn, name, i, x, graphs.ErrParameter)
		}
	}
	return nil
}

// LogLog fits log y on log x by least squares. x and y are not kept.
// Cost O(len x). Errors: lengths differ or fewer than 2 points
// (graphs.ErrShape); a value ≤ 0, NaN or Inf, or all x equal
// (graphs.ErrParameter).
func LogLog(x, y []float64) (Fit, error) {
	if len(x) != len(y) || len(x) < 2 {
		return Fit{}, fmt.Errorf("rates: LogLog: len(x)=%d len(y)=%d (need ≥ 2, equal): %w", len(x), len(y), graphs.ErrShape)
	}
	if err := positive("LogLog", "x", x); err != nil {
		return Fit{}, err
	}
	if err := positive("LogLog", "y", y); err != nil {
		return Fit{}, err
	}
	lx, ly := make([]float64, len(x)), make([]float64, len(y))
	for i := range x {
		lx[i], ly[i] = math.Log(x[i]), math.Log(y[i])
	}
	f, ok := line(lx, ly)
	if !ok {
		return Fit{}, fmt.Errorf("rates: LogLog: all x equal (%v): %w", x[0], graphs.ErrParameter)
	}
	f.Residuals = make([]float64, len(x))
	for i := range lx {
		f.Residuals[i] = ly[i] - f.Intercept - f.Slope*lx[i]
	}
	return f, nil
}

// line is least squares ly ≈ a + b lx (centred, for accuracy).
func line(lx, ly []float64) (Fit, bool) {
	n := float64(len(lx))
	var mx, my float64
	for i := range lx {
		mx += lx[i]
		my += ly[i]
	}
	mx /= n
	my /= n
	var sxx, sxy float64
	for i := range lx {
		dx := lx[i] - mx
		sxx += dx * dx
		sxy += dx * (ly[i] - my)
	}
	if sxx == 0 {
		return Fit{}, false
	}
	b := sxy / sxx
	return Fit{Slope: b, Intercept: my - b*mx}, true
}

// Interval is a confidence interval [Lo, Hi].
type Interval struct{ Lo, Hi float64 }

// Contains reports whether Lo ≤ v ≤ Hi.
func (iv Interval) Contains(v float64) bool { return iv.Lo <= v && v <= iv.Hi }

// Bootstrap is a per-axis fit with percentile bootstrap intervals.
type Bootstrap struct {
	Fit                 // the fit of log ē on log x over all seeds
	Mean      []float64 // ē(x_i)
	StdErr    []float64 // standard error of ē(x_i) over seeds (0 for R = 1)
	SlopeCI   Interval  // 95% percentile interval of the slope
	InterCI   Interval  // 95% percentile interval of the intercept
	Resamples int       // B
}

// BootstrapFit fits log ē(x) on log x, where e[s][i] is the error of seed s at
// x[i], and bootstraps the seeds B times with rng (resampling whole seeds,
// which keeps each seed's coupling across x). Nothing is kept. Cost
// O(B·R·len x). Errors: ragged or empty e, fewer than 2 x (graphs.ErrShape);
// non-positive or non-finite values, B < 1, nil rng (graphs.ErrParameter).
func BootstrapFit(x []float64, e [][]float64, b int, rng *rand.Rand) (Bootstrap, error) {
	if len(e) == 0 || len(x) < 2 {
		return Bootstrap{}, fmt.Errorf("rates: BootstrapFit: %d seeds, %d sizes: %w", len(e), len(x), graphs.ErrShape)
	}
	for s, row := range e {
		if len(row) != len(x) {
			return Bootstrap{}, fmt.Errorf("rates: BootstrapFit: len(e[%d])=%d != len(x)=%d: %w", s, len(row), len(x), graphs.ErrShape)
		}
		if err := positive("BootstrapFit", fmt.Sprintf("e[%d]", s), row); err != nil {
			return Bootstrap{}, err
		}
	}
	if b < 1 || rng == nil {
		return Bootstrap{}, fmt.Errorf("rates: BootstrapFit: B=%d (nil rng: %v): %w", b, rng == nil, graphs.ErrParameter)
	}
	r := len(e)
	out := Bootstrap{Mean: make([]float64, len(x)), StdErr: make([]float64, len(x)), Resamples: b}
	for i := range x {
		var s, s2 float64
		for _, row := range e {
			s += row[i]
			s2 += row[i] * row[i]
		}
		m := s / float64(r)
		out.Mean[i] = m
		if r > 1 {
			v := (s2 - float64(r)*m*m) / float64(r-1)
			out.StdErr[i] = math.Sqrt(math.Max(v, 0) / float64(r))
		}
	}
	f, err := LogLog(x, out.Mean)
	if err != nil {
		return Bootstrap{}, err
	}
	out.Fit = f
	lx := make([]float64, len(x))
	for i := range x {
		lx[i] = math.Log(x[i])
	}
	ly := make([]float64, len(x))
	slopes, inters := make([]float64, b), make([]float64, b)
	pick := make([]int, r)
	for k := 0; k < b; k++ {
		for j := range pick {
			pick[j] = rng.IntN(r)
		}
		for i := range x {
			var s float64
			for _, j := range pick {
				s += e[j][i]
			}
			ly[i] = math.Log(s / float64(r))
		}
		fk, _ := line(lx, ly)
		slopes[k], inters[k] = fk.Slope, fk.Intercept
	}
	out.SlopeCI = percentile95(slopes)
	out.InterCI = percentile95(inters)
	return out, nil
}

// percentile95 returns the 2.5% and 97.5% empirical quantiles (type 7,
// linear interpolation) of v, sorting v in place.
func percentile95(v []float64) Interval {
	slices.Sort(v)
	q := func(p float64) float64 {
		h := p * float64(len(v)-1)
		lo := int(math.Floor(h))
		if lo+1 >= len(v) {
			return v[len(v)-1]
		}
		return v[lo] + (h-float64(lo))*(v[lo+1]-v[lo])
	}
	return Interval{Lo: q(0.025), Hi: q(0.975)}
}

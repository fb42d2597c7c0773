package generators

import (
	"errors"
	"math"
	"testing"

	"github.com/gnnwb/gnnwb/graphs"
)

func TestParseSignal(t *testing.T) {
	c1, s1 := math.Cos(2*math.Pi*0.125), math.Sin(2*math.Pi*0.125)
	tests := []struct {
		name, spec, canon string
		u                 float64
		want              []float64
	}{
		{"fourier1 at 0", "fourier:1", "fourier:1", 0, []float64{1, 0}},
		{"fourier1 at 1/4", "fourier:1", "fourier:1", 0.25, []float64{math.Cos(math.Pi / 2), 1}},
		// order cos1, sin1, cos2, sin2; at u = 1/8: cos(π/4), sin(π/4), cos(π/2), sin(π/2)
		{"fourier2 at 1/8", " fourier : 2 ", "fourier:2", 0.125, []float64{c1, s1, math.Cos(math.Pi / 2), 1}},
		{"poly3 at 1/2", "poly:3", "poly:3", 0.5, []float64{0.5, 0.25, 0.125}},
		{"poly1 at 0.3", "poly:1", "poly:1", 0.3, []float64{0.3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := ParseSignal(tt.spec)
			if err != nil {
				t.Fatal(err)
			}
			if s.Dim() != len(tt.want) || s.String() != tt.canon {
				t.Fatalf("Dim %d String %q, want %d %q", s.Dim(), s.String(), len(tt.want), tt.canon)
			}
			got := make([]float64, s.Dim())
			s.Eval(tt.u, got)
			for k := range got {
				if math.Abs(got[k]-tt.want[k]) > 1e-15 {
					t.Errorf("X(%v)[%d] = %v, want %v", tt.u, k, got[k], tt.want[k])
				}
			}
		})
	}
}

func TestParseSignalErrors(t *testing.T) {
	tests := []struct {
		name, spec string
		kind       error
	}{
		{"empty", "", graphs.ErrFormat},
		{"unknown", "cosine:2", graphs.ErrFormat},
		{"no K", "fourier", graphs.ErrFormat},
		{"K not integer", "poly:1.5", graphs.ErrFormat},
		{"K text", "poly:x", graphs.ErrFormat},
		{"K zero", "fourier:0", graphs.ErrParameter},
		{"K negative", "poly:-2", graphs.ErrParameter},
		{"K huge", "poly:4097", graphs.ErrParameter},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseSignal(tt.spec)
			if !errors.Is(err, tt.kind) {
				t.Fatalf("ParseSignal(%q) = %v, want %v", tt.spec, err, tt.kind)
			}
		})
	}
}

func TestParseTarget(t *testing.T) {
	tests := []struct {
		name, spec, canon string
		u, want           float64
	}{
		{"square", "poly:0,0,1", "poly:0,0,1", 0.5, 0.25},
		{"affine", " poly: 1 , -2 ", "poly:1,-2", 0.25, 0.5},
		{"constant", "poly:3", "poly:3", 0.9, 3},
		{"exponent", "poly:1e-1,2.50", "poly:0.1,2.5", 1, 2.6},
		{"sin1", "sin:1", "sin:1", 0.25, 1},
		{"sin2", "sin:2", "sin:2", 0.125, 1},
		{"step below", "step:0.5", "step:0.5", 0.49, 0},
		{"step at", "step:0.5", "step:0.5", 0.5, 1},
		{"step 0", "step:0", "step:0", 0, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			y, err := ParseTarget(tt.spec)
			if err != nil {
				t.Fatal(err)
			}
			if y.String() != tt.canon {
				t.Errorf("String %q, want %q", y.String(), tt.canon)
			}
			if got := y.Eval(tt.u); math.Abs(got-tt.want) > 1e-15 {
				t.Errorf("Y(%v) = %v, want %v", tt.u, got, tt.want)
			}
		})
	}
}

func TestParseTargetErrors(t *testing.T) {
	tests := []struct {
		name, spec string
		kind       error
	}{
		{"empty", "", graphs.ErrFormat},
		{"unknown", "cos:1", graphs.ErrFormat},
		{"no arg", "poly", graphs.ErrFormat},
		{"empty coefficient", "poly:1,,2", graphs.ErrFormat},
		{"trailing comma", "poly:1,", graphs.ErrFormat},
		{"NaN coefficient", "poly:NaN", graphs.ErrParameter},
		{"Inf coefficient", "poly:0,Inf", graphs.ErrParameter},
		{"sin real", "sin:1.5", graphs.ErrFormat},
		{"sin zero", "sin:0", graphs.ErrParameter},
		{"step text", "step:half", graphs.ErrFormat},
		{"step above 1", "step:1.5", graphs.ErrParameter},
		{"step negative", "step:-0.1", graphs.ErrParameter},
		{"step NaN", "step:nan", graphs.ErrParameter},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseTarget(tt.spec)
			if !errors.Is(err, tt.kind) {
				t.Fatalf("ParseTarget(%q) = %v, want %v", tt.spec, err, tt.kind)
			}
		})
	}
}

func TestSignalFuncTargetFunc(t *testing.T) {
	x := SignalFunc("twice", 1, func(u float64, dst []float64) { dst[0] = 2 * u })
	y := TargetFunc("half", func(u float64) float64 { return u / 2 })
	dst := []float64{0, 7}
	x.Eval(0.25, dst)
	if dst[0] != 0.5 || dst[1] != 7 || x.Dim() != 1 || x.String() != "twice" {
		t.Errorf("SignalFunc: dst %v Dim %d String %q", dst, x.Dim(), x.String())
	}
	if y.Eval(0.5) != 0.25 || y.String() != "half" {
		t.Errorf("TargetFunc: %v %q", y.Eval(0.5), y.String())
	}
}

// checkSignalRoundTrip fails unless s.String() parses to a signal with the
// same String and the same values.
func checkSignalRoundTrip(t *testing.T, spec string, s Signal) {
	t.Helper()
	s2, err := ParseSignal(s.String())
	if err != nil || s2.String() != s.String() || s2.Dim() != s.Dim() {
		t.Fatalf("%q: String %q does not re-parse: %v", spec, s.String(), err)
	}
	a, b := make([]float64, s.Dim()), make([]float64, s.Dim())
	for _, u := range []float64{0, 0.3, 1} {
		s.Eval(u, a)
		s2.Eval(u, b)
		for k := range a {
			if math.Float64bits(a[k]) != math.Float64bits(b[k]) || math.IsNaN(a[k]) {
				t.Fatalf("%q: X(%v)[%d] = %v then %v", spec, u, k, a[k], b[k])
			}
		}
	}
}

func FuzzParseSignal(f *testing.F) {
	for _, s := range []string{"fourier:1", "fourier:3", "poly:2", " poly : 4 ", "poly:0", "x:1", "fourier:"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		s, err := ParseSignal(spec)
		if err != nil {
			if !errors.Is(err, graphs.ErrFormat) && !errors.Is(err, graphs.ErrParameter) {
				t.Fatalf("%q: error of unknown kind: %v", spec, err)
			}
			return
		}
		checkSignalRoundTrip(t, spec, s)
	})
}

func FuzzParseTarget(f *testing.F) {
	for _, s := range []string{"poly:0,0,1", "poly:1e300,-1e300", "sin:3", "step:0.5", "step:1", "poly:", "sin:-1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		y, err := ParseTarget(spec)
		if err != nil {
			if !errors.Is(err, graphs.ErrFormat) && !errors.Is(err, graphs.ErrParameter) {
				t.Fatalf("%q: error of unknown kind: %v", spec, err)
			}
			return
		}
		y2, err := ParseTarget(y.String())
		if err != nil || y2.String() != y.String() {
			t.Fatalf("%q: String %q does not re-parse: %v", spec, y.String(), err)
		}
		for _, u := range []float64{0, 0.3, 1} {
			a, b := y.Eval(u), y2.Eval(u)
			if math.Float64bits(a) != math.Float64bits(b) {
				t.Fatalf("%q: Y(%v) = %v then %v", spec, u, a, b)
			}
		}
	})
}

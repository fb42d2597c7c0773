package limits

import (
	"strings"
	"testing"
)

// FuzzDecodeProblem: arbitrary input never panics; accepted problems build a
// Setup or fail with an error (a graphon value, a grid too large).
func FuzzDecodeProblem(f *testing.F) {
	f.Add("graphon: product\nsignal: poly:2\ntarget: step:0.3\n")
	f.Add(`{"rho": 0.5, "aggregation": "mean", "noise_x": 0.2, "quadrature": 6}`)
	f.Add("times: [0, 0.1]\nsampler: whole\nbatch: 0\naggregation: symmetric\n")
	f.Fuzz(func(t *testing.T, s string) {
		p, err := DecodeProblem(strings.NewReader(s))
		if err != nil || p.Quadrature > 64 || p.NoiseX > 0 {
			return
		}
		_, _ = NewSetup(p)
	})
}

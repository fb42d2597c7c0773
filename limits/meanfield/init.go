package meanfield

import (
	"fmt"

	"github.com/gnnwb/gnnwb/graphs"
)

// InitialParticles returns m particles of μ_0 for the solver, (1+2d) values
// each (c, then a): HaltonParticles(m, sc, sw, d, 1), or, with symmetric
// pairs, m/2 of them each followed by its mirror (−c, a), so that the
// initial output is 0 exactly as for a symmetric network. m must be even
// with symmetric pairs. Errors: those of HaltonParticles, an odd m with
// symmetric pairs (graphs.ErrParameter).
func InitialParticles(m int, sc, sw float64, d int, symmetric bool) ([]float64, error) {
	if !symmetric {
		return HaltonParticles(m, sc, sw, d, 1)
	}
	if m%2 != 0 {
		return nil, fmt.Errorf("meanfield: InitialParticles: m=%d odd with symmetric pairs: %w", m, graphs.ErrParameter)
	}
	half, err := HaltonParticles(m/2, sc, sw, d, 1)
	if err != nil {
		return nil, err
	}
	dim := 2 * d
	out := make([]float64, 0, m*(1+dim))
	for k := range m / 2 {
		row := half[k*(1+dim) : (k+1)*(1+dim)]
		out = append(out, row...)
		out = append(out, -row[0])
		out = append(out, row[1:]...)
	}
	return out, nil
}

package gnn

import (
	"math"
	"math/rand/v2"
)

// InitParams initialises params in order from rng: InitGlorot parameters
// from U(−a, a), a = sqrt(6/(FanIn+FanOut)) (PyTorch Geometric's glorot,
// Glorot & Bengio 2010), InitZeros ones to 0, InitOnes ones to 1; InitKeep
// ones are left alone. Only InitGlorot draws from rng.
func InitParams(params []Param, rng *rand.Rand) {
	for _, p := range params {
		switch p.Init {
		case InitGlorot:
			Glorot(p.Value, p.FanIn, p.FanOut, rng)
		case InitZeros:
			clear(p.Value)
		case InitOnes:
			for e := range p.Value {
				p.Value[e] = 1
			}
		}
	}
}

// Glorot fills w with U(−a, a), a = sqrt(6/(fanIn+fanOut)), drawn in order.
func Glorot(w []float64, fanIn, fanOut int, rng *rand.Rand) {
	if fanIn+fanOut <= 0 {
		clear(w)
		return
	}
	a := math.Sqrt(6 / float64(fanIn+fanOut))
	for e := range w {
		w[e] = a * (2*rng.Float64() - 1)
	}
}

// Normal fills w with N(0, s²) draws in order.
func Normal(w []float64, s float64, rng *rand.Rand) {
	for e := range w {
		w[e] = s * rng.NormFloat64()
	}
}

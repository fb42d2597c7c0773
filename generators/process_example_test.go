package generators_test

import (
	"fmt"
	"log"
	"math/rand/v2"

	"github.com/gnnwb/gnnwb/generators"
)

func ExampleParseSignal() {
	x, err := generators.ParseSignal("fourier:2")
	if err != nil {
		log.Fatal(err)
	}
	dst := make([]float64, x.Dim())
	x.Eval(0.25, dst) // (cos π/2, sin π/2, cos π, sin π)
	fmt.Printf("%s d=%d X(1/4)=%.3f\n", x, x.Dim(), dst)
	// Output: fourier:2 d=4 X(1/4)=[0.000 1.000 -1.000 0.000]
}

func ExampleParseTarget() {
	y, err := generators.ParseTarget("poly:1,0,-1")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(y, y.Eval(0.5))
	// Output: poly:1,0,-1 0.75
}

func ExampleNewEgoSampler() {
	x, _ := generators.ParseSignal("poly:1")
	y, _ := generators.ParseTarget("poly:0,0,1")
	p := generators.Process{W: generators.Product(), Rho: 0.05, N: 10000, X: x, Y: y}
	s, err := generators.NewEgoSampler(p, 2)
	if err != nil {
		log.Fatal(err)
	}
	phi, yy := make([]float64, 2*2*s.Dim()), make([]float64, 2)
	if err := s.Sample(rand.New(rand.NewPCG(1, 0)), phi, yy); err != nil {
		log.Fatal(err)
	}
	// φ_b = (x_b, m_b) with x = u, m ≈ (T_W X)(u) = u/3, y = u².
	for b := range 2 {
		u := phi[2*b]
		fmt.Printf("u=%.3f m=%.3f (limit %.3f) y=%.3f\n", u, phi[2*b+1], u/3, yy[b])
	}
	// Output:
	// u=0.238 m=0.081 (limit 0.079) y=0.057
	// u=0.501 m=0.169 (limit 0.167) y=0.251
}

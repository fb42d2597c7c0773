package continuous_test

import (
	"context"
	"fmt"
	"log"
	"math/rand/v2"

	"github.com/gnnwb/gnnwb/generators"
	"github.com/gnnwb/gnnwb/gnn"
	"github.com/gnnwb/gnnwb/limits/continuous"
)

// The limit of one GCN layer on the constant graphon W ≡ p is the mean of
// its input over u: with X(u) = u, g^∞(u) = ∫ v dv = ½ everywhere.
func ExampleNew() {
	w, err := generators.Constant(0.2)
	if err != nil {
		log.Fatal(err)
	}
	layer := gnn.NewGCNConv(1, 1)
	layer.W[0] = 1
	net, err := continuous.New(layer, w, continuous.Latent, continuous.Options{})
	if err != nil {
		log.Fatal(err)
	}
	g, err := net.At([]float64{0.1, 0.9})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%.6f %.6f %.6f\n", g[0], g[1], net.Readout()[0])
	// Output: 0.500000 0.500000 0.500000
}

// How far is a GCN on a 500-node graph from its graphon limit?
func ExampleDistance() {
	w, err := generators.Gaussian(0.15)
	if err != nil {
		log.Fatal(err)
	}
	m, err := gnn.NewModel(gnn.KindGCN, 1, 16, 1, gnn.ModelOptions{Layers: 3})
	if err != nil {
		log.Fatal(err)
	}
	m.Init(1) // or train it first
	g, u, err := generators.Sample(500, w, 1, rand.New(rand.NewPCG(1, 0)))
	if err != nil {
		log.Fatal(err)
	}
	e, err := continuous.Distance(context.Background(), m.Net, w, g, u, continuous.Latent, continuous.Options{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("node RMS %.4f, readout %.4f\n", e.NodeRMS, e.Readout)
	// Output: node RMS 0.0017, readout 0.0012
}

// A scaled-down Keriven, Bietti & Vaiter experiment: the dense node error
// decays like n^{−1/2}.
func ExampleKerivenExperiment() {
	res, err := continuous.KerivenExperiment(context.Background(), continuous.KerivenConfig{
		Exponents: []float64{0}, Sizes: []int{100, 200, 400}, Reps: 8, Bootstrap: 100, Seed: 1,
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("slope %.1f\n", res.Regimes[0].Node.Slope)
	// Output: slope -0.5
}

package generators_test

import (
	"context"
	"fmt"
	"log"
	"math/rand/v2"

	"github.com/gnnwb/gnnwb/generators"
)

func ExampleErdosRenyi() {
	g, err := generators.ErdosRenyi(1000, 0.01, rand.New(rand.NewPCG(1, 0)))
	if err != nil {
		log.Fatal(err)
	}
	// E|E| = p·n(n−1)/2 = 4995.
	fmt.Println(g)
	// Output: undirected graph: 1000 nodes, 4964 edges
}

func ExampleGNM() {
	g, err := generators.GNM(100, 250, rand.New(rand.NewPCG(1, 0)))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(g.NumEdges())
	// Output: 250
}

func ExampleSBM() {
	sizes := []int{500, 500}
	probs := [][]float64{{0.02, 0.002}, {0.002, 0.02}}
	g, err := generators.SBM(sizes, probs, rand.New(rand.NewPCG(1, 0)))
	if err != nil {
		log.Fatal(err)
	}
	// Nodes 0..499 form block 0; E|E| = 2·0.02·C(500,2) + 0.002·500² = 5490.
	fmt.Println(g)
	// Output: undirected graph: 1000 nodes, 5426 edges
}

func ExampleSample() {
	w := generators.Exponential()
	t2, _ := w.EdgeDensity()
	g, u, err := generators.Sample(2000, w, 0.1, rand.New(rand.NewPCG(1, 0)))
	if err != nil {
		log.Fatal(err)
	}
	// Node i has latent u[i], ascending; E|E| = ρ·C(n,2)·t(K2,W).
	fmt.Printf("%v; expected %.0f edges; u[0]=%.5f\n", g, 0.1*2000*1999/2*t2, u[0])
	// Output: undirected graph: 2000 nodes, 80179 edges; expected 79875 edges; u[0]=0.00011
}

func ExampleParseGraphon() {
	w, err := generators.ParseGraphon("sbm:300,700:0.5,0.1;0.1,0.3")
	if err != nil {
		log.Fatal(err)
	}
	t2, _ := w.EdgeDensity()
	d, _ := w.Degree(0.1)
	fmt.Printf("%v t(K2)=%.3f d_W(0.1)=%.2f\n", w, t2, d)
	// Output: sbm:0.3,0.7:0.5,0.1;0.1,0.3 t(K2)=0.234 d_W(0.1)=0.22
}

func ExampleEgo_Draw() {
	ego, err := generators.NewEgo(10000, generators.Product(), 0.05)
	if err != nil {
		log.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 0))
	var buf []float64
	u, nb := ego.Draw(rng, buf)
	// m = (1/(nρ)) Σ X(v) with X(v) = v estimates (T_W X)(u) = u/3.
	m := 0.0
	for _, v := range nb {
		m += v
	}
	m /= 10000 * 0.05
	fmt.Printf("u=%.3f K=%d (mean %.1f) m=%.3f (limit %.3f)\n", u, len(nb), 9999*0.05*u/2, m, u/3)
	// Output: u=0.238 K=62 (mean 59.6) m=0.082 (limit 0.079)
}

func ExampleChungLu() {
	weights := []float64{50, 20, 10, 10, 5, 5, 5, 5}
	g, err := generators.ChungLu(weights, rand.New(rand.NewPCG(1, 0)))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(g.NumNodes(), g.Degree(0))
	// Output: 8 7
}

func ExampleGenerate() {
	spec := generators.ERSpec{N: 1000, P: 0.01}
	g, err := generators.Generate(context.Background(), spec, 1, nil)
	if err != nil {
		log.Fatal(err)
	}
	// The same graph as ExampleErdosRenyi: seed 1 means rand.NewPCG(1, 0).
	fmt.Println(g)
	// Output: undirected graph: 1000 nodes, 4964 edges
}

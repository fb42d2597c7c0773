package longrun_test

import (
	"fmt"

	"github.com/gnnwb/gnnwb/generators/walk"
	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/graphs/aggregation"
	"github.com/gnnwb/gnnwb/limits/longrun"
)

// A two-state chain that stays put with probability 0.9: the long-run
// variance of the indicator of state 0 is (1 + λ)/(1 − λ) = 9 times its
// variance, λ = 0.8 the second eigenvalue.
func ExampleNew() {
	c, err := longrun.New([]float64{0.9, 0.1, 0.1, 0.9})
	if err != nil {
		fmt.Println(err)
		return
	}
	f := []float64{1, 0}
	fmt.Printf("π = %.2f, Var_π f = %.4f, Γ(f, f) = %.4f, τ = %.1f\n", c.Pi, c.Covariance(f, 1)[0], c.Gamma(f, 1)[0], c.Tau(f))
	rel, _ := c.Relaxation()
	fmt.Printf("relaxation time %.1f samples\n", rel)
	// Output:
	// π = [0.50 0.50], Var_π f = 0.2500, Γ(f, f) = 2.2500, τ = 9.0
	// relaxation time 5.0 samples
}

// The lazy walk (h = 0.5) on a path of three nodes 0 – 1 – 2: the sparse
// chain applies the kernel to the indicator f of node 0 without forming
// the fundamental matrix, and Γ(f, f) = fᵀ K f is the dense chain's. By
// hand: P has the eigenvalues 1, ½, 0, and Cov(f(x_0), f(x_l)) = 2^{−l}/8
// for l ≥ 1 (3/16 at l = 0), so Γ = 3/16 + 2·(1/8) = 7/16 and the edge
// kernel's Σ_{l≥1} l 2^{−l}/8 = 1/4, what a finite window misses at each
// end.
func ExampleSparse_Kernel() {
	g, err := graphs.FromEdges(3, []graphs.Edge{{U: 0, V: 1}, {U: 1, V: 2}}, graphs.Undirected)
	if err != nil {
		fmt.Println(err)
		return
	}
	w, err := walk.NewGraph(g, []float64{0, 0, 0}, 1, []float64{0, 0, 0}, aggregation.Aggregation{}, 1, walk.Options{Hold: 0.5})
	if err != nil {
		fmt.Println(err)
		return
	}
	sp, err := longrun.SparseGraph(w)
	if err != nil {
		fmt.Println(err)
		return
	}
	f := []float64{1, 0, 0}
	kf := make([]float64, 3)
	if _, err := sp.Kernel(kf, f, 1); err != nil {
		fmt.Println(err)
		return
	}
	dense, err := longrun.Graph(w)
	if err != nil {
		fmt.Println(err)
		return
	}
	m := dense.EdgeKernel()
	fmt.Printf("π = %.2f, Γ(f, f) = %.4f (sparse), %.4f (dense)\n", sp.Pi, kf[0], dense.Gamma(f, 1)[0])
	fmt.Printf("Σ_{l≥1} l Cov(f(x_0), f(x_l)) = %.4f, reversible %v\n", m[0], dense.Reversible())
	// Output:
	// π = [0.25 0.50 0.25], Γ(f, f) = 0.4375 (sparse), 0.4375 (dense)
	// Σ_{l≥1} l Cov(f(x_0), f(x_l)) = 0.2500, reversible true
}

package generators

import (
	"context"
	"fmt"
	"math/rand/v2"

	"github.com/gnnwb/gnnwb/graphs"
)

// Spec describes one random-graph model for Generate, so that a command
// line can turn its flags into a Spec and make one call. It is implemented
// by ERSpec, GNMSpec, SBMSpec, GraphonSpec and ChungLuSpec only.
type Spec interface {
	generate(ctx context.Context, rng *rand.Rand, progress func(done, total int64)) (graphs.Graph, error)
}

// ERSpec is G(n, p); see ErdosRenyi.
type ERSpec struct {
	N int
	P float64
}

// GNMSpec is G(n, m); see GNM.
type GNMSpec struct {
	N, M int
}

// SBMSpec is the stochastic block model; see SBM. The slices are read
// during Generate, not kept.
type SBMSpec struct {
	Sizes []int
	Probs [][]float64
}

// GraphonSpec is G(n, W, ρ) (see Sample), or with Weighted its weighted
// variant A_ij = ρ·W(u_i, u_j) (see SampleWeighted). Generate drops the
// latents; call Sample to get them.
type GraphonSpec struct {
	N        int
	W        Graphon
	Rho      float64
	Weighted bool
}

// ChungLuSpec is the Chung–Lu expected-degree graph; see ChungLu.
type ChungLuSpec struct {
	Weights []float64
}

func (s ERSpec) generate(ctx context.Context, rng *rand.Rand, progress func(done, total int64)) (graphs.Graph, error) {
	return erdosRenyi(ctx, s.N, s.P, rng, progress)
}

func (s GNMSpec) generate(ctx context.Context, rng *rand.Rand, progress func(done, total int64)) (graphs.Graph, error) {
	return gnm(ctx, s.N, s.M, rng, progress)
}

func (s SBMSpec) generate(ctx context.Context, rng *rand.Rand, progress func(done, total int64)) (graphs.Graph, error) {
	return sbm(ctx, s.Sizes, s.Probs, rng, progress)
}

func (s GraphonSpec) generate(ctx context.Context, rng *rand.Rand, progress func(done, total int64)) (graphs.Graph, error) {
	var g graphs.Graph
	var err error
	if s.Weighted {
		g, _, err = sampleWeighted(ctx, s.N, s.W, s.Rho, rng, progress)
	} else {
		g, _, err = sampleGraphon(ctx, s.N, s.W, s.Rho, rng, progress)
	}
	return g, err
}

func (s ChungLuSpec) generate(ctx context.Context, rng *rand.Rand, progress func(done, total int64)) (graphs.Graph, error) {
	return chungLu(ctx, s.Weights, rng, progress)
}

// Generate samples the model s with the generator
// rand.New(rand.NewPCG(seed, 0)), so that Generate(ctx, ERSpec{N: n, P: p},
// seed, nil) returns exactly ErdosRenyi(n, p, rand.New(rand.NewPCG(seed, 0))),
// and likewise for every Spec: the same seed gives the same graph on any
// machine and for any GOMAXPROCS.
//
// progress, when not nil, is called from Generate's goroutine (never
// concurrently): first with (0, total), then as each fixed block of rows
// finishes, with the number of rows sampled so far out of total (the
// number of nodes; several calls when GNM redraws). The final CSR assembly
// after the last call is not reported. ctx is checked before each block;
// when it is cancelled Generate returns an error wrapping ctx.Err().
//
// Errors: those of the model's function, and ErrParameter for a nil s.
func Generate(ctx context.Context, s Spec, seed uint64, progress func(done, total int64)) (graphs.Graph, error) {
	if s == nil {
		return graphs.Graph{}, fmt.Errorf("generators: Generate: nil Spec: %w", graphs.ErrParameter)
	}
	if ctx == nil {
		ctx = context.Background()
	}
	return s.generate(ctx, rand.New(rand.NewPCG(seed, 0)), progress)
}

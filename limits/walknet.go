package limits

import (
	"context"
	"fmt"

	"github.com/gnnwb/gnnwb/generators"
	"github.com/gnnwb/gnnwb/generators/walk"
	"github.com/gnnwb/gnnwb/graphs"
)

// NetworkWalk is Network with the samples taken along a walk on the
// graphon (docs/mathematics.md §10): the latents follow walk.NewGraphon
// with options opt, and the features and target at each visited latent are
// an ego sample of G(n, W, ρ) there (generators.EgoSampler.SampleAt), so
// that the graph's own error of order (nρ)^{−½} is in the network as with
// the ego sampler. Runs with the same seed share θ_0 and the walk's
// latents. Its mean-field limit is that of the Setup under the walk's
// stationary law (WithLaw with longrun.Graphon's π). Errors: a sampler
// other than the ego sampler (graphs.ErrUnsupported), those of
// generators.NewEgoSampler, walk.NewGraphon and Network.
func (s *Setup) NetworkWalk(ctx context.Context, n, width int, seed uint64, opt walk.Options) (*Solution, error) {
	if s.p.Sampler != EgoSampling {
		return nil, fmt.Errorf("limits: NetworkWalk: sampler=%v: a walk draws its features by the ego sampler: %w", s.p.Sampler, graphs.ErrUnsupported)
	}
	b := s.batch(n)
	ego, err := generators.NewEgoSampler(s.process(n), b)
	if err != nil {
		return nil, fmt.Errorf("limits: NetworkWalk: %w", err)
	}
	smp, err := walk.NewGraphon(s.p.Graphon, ego, opt)
	if err != nil {
		return nil, fmt.Errorf("limits: NetworkWalk: %w", err)
	}
	snaps, err := s.train(ctx, width, seed, smp, b)
	if err != nil {
		return nil, err
	}
	return &Solution{Name: "network", Method: fmt.Sprintf("sgd along the walk %s, n=%d N=%d seed=%d", opt, n, width, seed),
		Times: append([]float64(nil), s.p.Times...), eval: modelEval(snaps, s.r.d)}, nil
}

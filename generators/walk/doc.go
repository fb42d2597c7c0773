// Package walk draws the training samples of online SGD along a random
// walk instead of independently (docs/mathematics.md §10): the node trained
// on at step k+1 is a neighbour of the node at step k, as when a graph is
// crawled or streamed.
//
// One step of the walk from a position x (a node of a graph, or a latent
// u ∈ [0,1] of a graphon) is, with restart probability r and hold
// probability h (Options):
//
//   - with probability r, a restart: x' is a uniform node (a uniform u);
//   - otherwise, with probability h, x' = x (the lazy walk);
//   - otherwise x' is a uniform neighbour of x (a node without neighbours
//     stays), or on the graphon u' ~ W(u,·)/d_W(u) (generators.Ego.Neighbour).
//
// Its transition operator is P_{h,r} = r 1 U + (1 − r)(h I + (1 − h) P),
// U the uniform law and P the simple walk. The simple and the lazy walk have
// the stationary law π_i = deg_i/Σ_j deg_j on a graph and
// π(u) = d_W(u)/t(K2, W) on the graphon; with restart it is
// π_r = r U Σ_{j≥0} (1 − r)^j P_h^j (Graph.Stationary computes it). The
// samples are the walk thinned: consecutive samples are Thin ≥ 1 steps
// apart, the first one BurnIn steps after the start. Unless Options.Uniform,
// the start is an exact draw from the stationary law: the end of a uniform
// edge (r = 0) or, with restart, a uniform position followed by
// G ~ Geometric(r) steps of P_h (P(G = j) = r(1 − r)^j), so that the
// samples are stationary from the first.
//
// Three samplers satisfy gnn/shallow's StatefulSampler (model A):
//
//   - Graph: the walk on a fixed graph (a file, a dataset, a generated
//     graph) with the features x, aggregated features m = S x and targets
//     y of its nodes, as shallow.GraphSampler holds them;
//   - NewRandomGraph: a Graph on one G(n, W, ρ) with the features of a
//     generators.Process, drawn once for the run;
//   - Graphon: the walk on the graphon itself, the n → ∞ version of a walk
//     on G(n, W, ρ), with the features of each visited latent drawn by a
//     Features source (generators.EgoSampler.SampleAt: an exact ego sample
//     of G(n, W, ρ) at that latent).
//
// Determinism and coupling: the batch of training step k is drawn from the
// step's stream (shallow.StepRand(seed, k)) and the walk's position, all B
// walk moves first and the features after, so that walks on graphons that
// differ only in n (and the graphon limit) visit the same latents. The
// state (the position) is saved in Train's checkpoints: a resumed run is
// bit-identical. A walk sampler is not safe for concurrent use.
package walk

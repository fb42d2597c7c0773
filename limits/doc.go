// Package limits holds the deterministic limits of the one-hidden-layer
// message-passing network of docs/mathematics.md §3–5, against which
// finite (n, N) networks are measured. Its numerical foundations live in
// sub-packages that use only plain Go types (func(u, v float64) float64 for
// a graphon W, row-major []float64 for features φ and particles θ):
//
//   - limits/ode: adaptive Dormand–Prince 5(4) integrator (rtol, atol,
//     step control, exact landing on output times, statistics, ctx);
//   - limits/quadrature: Gauss–Legendre rules on [0,1], piecewise rules that
//     integrate SBM graphons exactly, the graphon operator T_W (plain, mean-
//     and symmetric-normalised) and the graphon features
//     φ(u) = (X(u), (T_W X)(u)) of docs/mathematics.md §4;
//   - limits/kernel: the NTK K(φ, φ') of docs/mathematics.md §4.3 (closed forms for
//     identity, ReLU, erf; quadrature for tanh, sigmoid), the GP covariance,
//     and the exact kernel flow ġ = α K Ω (Y − g) on a grid;
//   - limits/meanfield: the moment ODE of docs/mathematics.md §4.2 for linear σ and the
//     particle solver of the McKean–Vlasov equation for any σ, with its
//     self-check against 2M particles;
//   - limits/rates: log-log rate fits with seed-bootstrap intervals and the
//     joint fit e(n, N) ≈ a·N^{−p} + b·(nρ)^{−q} + floor of docs/mathematics.md §5;
//   - limits/plots: the figures (error against n or N, (n, N) heat map,
//     trajectories g_t(u)) as PNG or SVG.
//   - limits/longrun: the stationary law and the long-run covariance
//     (Poisson equation) of a chain of samples, such as a random walk
//     (generators/walk) on the quadrature grid or on a graph
//     (docs/mathematics.md §10); Setup.WithLaw trains the limits under it;
//   - limits/ergodic: the experiment of training along walks (gnnwb limits
//     walk).
//
// # Problems and limits
//
// The root package wires these together. A Problem is one learning problem
// (W, ρ, aggregation, X, Y, noise, σ, γ, α, μ_0 = (s_c, s_w, symmetric),
// batch, sampler, times, Q); it reads from JSON or YAML and is written into
// every output. NewSetup turns it into the quadrature grid u_q, ω_q, the
// graphon features φ(u_q) = (X(u_q), (T_W X)(u_q)) and targets Y(u_q); with
// feature noise ε ~ N(0, s² I_d) the limits integrate over the product of
// that grid with a Gauss–Hermite rule in ε. The same Setup trains the
// finite networks (Setup.Network: gnn/shallow's online SGD on
// generators.NewEgoSampler or NewWholeGraphSampler, step k drawing from
// shallow.StepRand(seed, k)) and solves the limits (Setup.Limit):
//
//   - GraphonLimit (4.1, n → ∞ at fixed N): the same SGD from the same θ_0
//     driven by the same latents u_k with m_k replaced by (T_W X)(u_k); or,
//     for the whole-graph sampler with all nodes per step, gradient descent
//     on the population loss Σ_q ω_q ½(y_q − ŷ(φ_q))² with step α N^{γ−2};
//   - MeanFieldLimit (4.2, γ = 1): the moment ODE for σ the identity, the
//     particle solver (M Halton particles, self-check with 2M) otherwise;
//   - KernelLimit (4.3, γ < 1): ġ = α K Ω (Y − g) by eigendecomposition; at
//     γ = ½ from g_0 = 0 (symmetric μ_0) or from the network's own g_0 (a
//     draw of the Gaussian process), for ½ < γ < 1 from g_0 = 0;
//   - GammaLimit (§9, any γ ∈ [½, 1]): the ε-flow at ε = N^{γ−1} of the
//     network's width N, of which the network is an N-particle system: the
//     ε-scaled moment ODE for σ the identity, particles in mirror pairs
//     otherwise. It is the mean-field limit at γ = 1 and approaches the
//     kernel limit as O(ε²) for γ < 1.
//
// Package limits/sweep runs grids of finite networks (n, N, seed) against
// these limits, resumably and in shards, measures their function and node
// errors, and fits and plots the rates.
// Package limits/fluctuation computes how far, not only how fast: the
// constant C(t) of E‖g^N_t − g_t‖² ≈ C(t)/N (docs/mathematics.md §8) for
// σ the identity, its pointwise band, and the width a tolerance ε needs.
//
// Coupling (docs/mathematics.md §5): seed s fixes θ_0 (the first N units of one
// stream), the latents of training (StepRand(s, k), shared by every n and by
// the graphon limit) and the test graph (rand.NewPCG(s, testStream), shared
// by every N).
//
// Every error wraps one of the kinds of graphs/errors.go (graphs.ErrParameter,
// graphs.ErrShape, ...) so that errors.Is works across packages.
package limits

// Package shallow is the one-hidden-layer message-passing network of
// docs/mathematics.md §3, the shallow network of Sirignano & Spiliopoulos,
// and its online SGD: the finite-(n, N) object whose n → ∞ and N → ∞
// limits package limits computes.
//
// # The model
//
// A node i has features x_i ∈ ℝ^d and aggregated features
// m_i = (S x)_i ∈ ℝ^d, by default the graphon aggregation
// m_i = (1/(nρ)) Σ_j A_ij x_j (package graphs/aggregation has the sum, the
// mean and the symmetric one as well, each with a self-loop policy). Its input is φ_i = (x_i, m_i) ∈ ℝ^{2d}. Unit k has parameters
// θ^k = (c^k, a^k), a^k = (w^k, v^k) ∈ ℝ^{2d}, and
//
//	F(θ; φ) = c σ(a·φ) = c σ(w·x + v·m),
//	ŷ_i = N^{−γ} Σ_{k=1}^{N} F(θ^k; φ_i),                   (model A)
//
// with γ ∈ [½, 1]: γ = 1 is the mean-field scaling (Sirignano & Spiliopoulos
// 2020), γ = ½ the kernel scaling, and the range between is that of
// Spiliopoulos & Yu (2021). σ is an activation.Kind (package gnn/activation):
// Identity, Tanh, ReLU, Sigmoid or Erf; ReLU is covered by the theory of Chizat & Bach (2018) rather than by the
// smooth-σ theorems.
//
// Model B, "activate then aggregate" (Aminian et al., ICML 2024), applies σ
// before the aggregation:
//
//	ŷ_i = N^{−γ} Σ_k c^k Σ_j ω_ij σ(a^k·φ_j),   ω_ij = A_ij/(nρ) (graphon),
//
// where φ_j = (x_j, m_j) is neighbour j's own input, its features and its own
// aggregated features computed with the same S (as docs/mathematics.md §3 writes it). Its
// graphon limit is Σ_k c^k (T_W σ(a^k·φ))(u) with φ(v) = (X(v), (T_W X)(v)).
// A model-B sample therefore carries its neighbours' φ_j and weights ω_ij
// (see Samples); an ego sampler must draw two hops to supply m_j.
//
// Parameters are stored flat: Model.C (N values c^k) and Model.A (N×2d,
// row k is a^k). Gradients are written out: ∂F/∂c = σ(a·φ),
// ∂F/∂a = c σ'(a·φ) φ (model B: the ω-weighted sums of these over the
// neighbours), computed in parallel over fixed chunks of units, so results
// are the same bits for any GOMAXPROCS.
//
// # Initialisation and coupling
//
// μ_0: c ~ N(0, s_c²) and a ~ N(0, s_w² I/d) (variance s_w²/d per entry of
// the 2d), i.i.d. over units, drawn in unit order from the stream
// rand.NewPCG(seed, 0). A network of width N is thus the first N units of the
// network of width 2N with the same seed (docs/mathematics.md §5.1). The symmetric
// option draws N/2 units and pairs each (c, a) with (−c, a), so g_0 ≡ 0.
//
// # Online SGD
//
// Step k draws a fresh batch of B samples (φ_b, y_b) from a Sampler using the
// stream StepRand(seed, k) = rand.NewPCG(seed, SplitMix64(k)), and every unit
// moves by
//
//	θ^k ← θ^k + (α / N^{2−γ}) (1/B) Σ_b (y_b − ŷ_b) ∇_θ F(θ^k; φ_b),
//
// which is SGD with learning rate η = α N^{2γ−2} on ℓ = ½ (1/B) Σ_b (y_b − ŷ_b)².
// Rescaled time is t = k/N: under this scaling the output moves O(1) per
// unit of t for every γ. Train records the outputs on an evaluation set and
// the moments b = E_N[c a], Q = E_N[a aᵀ], q = E_N[c²] of docs/mathematics.md §4.2 at the
// requested t; with σ the identity, ŷ = N^{1−γ} b·φ.
//
// # Samplers
//
// Sampler (model A) and NeighbourSampler (model B) use builtin types only, so
// generators can implement them without importing gnn. A sampler takes all
// its randomness from the rng it is given, keeps no changing state, and
// draws the B latents (u_b = rng.Float64(), or node ids) before anything
// else; then runs that differ only in n (or only in N) share the latent
// sequence, and a resumed run repeats its draws. This package provides
// GraphSampler (B random nodes of one fixed graph) and FuncSampler (u ~ U[0,1],
// φ = (X(u), M(u)), y = Y(u): π_∞ of docs/mathematics.md §4 when M = T_W X). The ego
// and whole-graph samplers of G(n, W, ρ) belong to generators.
//
// # Checkpoints
//
// Train saves θ, the step counter and the records taken so far (gob, written
// through internal/atomicfile) every K steps, every S seconds, at the end and
// on cancellation; resuming gives the same bits as an uninterrupted run.
//
// # References
//
// J. Sirignano, K. Spiliopoulos, Mean field analysis of neural networks: a
// law of large numbers, SIAM J. Appl. Math. 80(2), 2020.
// K. Spiliopoulos, J. Yu, Normalization effects on shallow neural networks
// and related asymptotic expansions, AIMS Found. Data Sci. 3(2), 2021.
// G. Aminian, Y. He, G. Reinert, Ł. Szpruch, S. N. Cohen, Generalization
// error of graph neural networks in the mean-field regime, ICML 2024.
// L. Chizat, F. Bach, On the global convergence of gradient descent for
// over-parameterized models using optimal transport, NeurIPS 2018.
package shallow

// Package fluctuation computes how far a finite network is from its
// mean-field limit, not only how fast it approaches it: the constant C(t)
// of the central limit theorem of the width (docs/mathematics.md §8),
//
//	E ‖g^N_t − g_t‖²_{L²(du)} = C(t)/N + o(1/N),
//
// so that a network of width N = ⌈C(t)/ε²⌉ has an expected squared error
// of at most ε² at time t (Constant.Width). g^N_t is the network of width
// N trained by online SGD (gnn/shallow, γ = 1) on π_∞, g_t its mean-field
// limit (limits/meanfield), and the norm is that of the function error of
// package limits: ‖f‖² = Σ_q ω_q f(φ(u_q))² on the evaluation grid.
//
// # Linear σ
//
// For σ the identity, g = b·φ and the moments m = (b, Q, q) =
// (E_N[c a], E_N[a aᵀ], E_N[c²]) of the units are a Markov chain of their
// own. One SGD step on a batch, with h = α N^{γ−2}, s = N^{1−γ},
// δ_b = y_b − s b·φ_b and e = (1/B) Σ_b δ_b φ_b, moves every unit by
// c' = c + h a·e, a' = a + h c e, hence the moments by
//
//	b' = b + h (Q + q I) e + h² (e·b) e,
//	Q' = Q + h (e bᵀ + b eᵀ) + h² q e eᵀ,
//	q' = q + 2h b·e + h² eᵀ Q e,
//
// exactly (Chain). At γ = 1 the step is α/N, the mean increment is the
// moment ODE ṁ = f(m) of limits/meanfield times α/N, and
// Z = √N (m_N − m̄) converges to the Gaussian solution of the linear SDE
//
//	dZ = A(t) Z dt + dM_t,   A(t) = ∂f/∂m at m̄(t),   d⟨M⟩_t = α² ν Cov_π[L(m̄) e] dt,
//
// where e = (y − b·φ) φ is the increment direction of one sample,
// L(m) e = ((Q + qI) e, e bᵀ + b eᵀ, 2 b·e), ν = 1/B (0 for full-batch
// gradient descent), and Z_0 ~ N(0, P_0) with P_0 the per-unit covariance of
// (c a, a aᵀ, c²) under μ_0: s_c² s_w²/d · I for c a, (s_w²/d)² (δ_ik δ_jl +
// δ_il δ_jk) for a aᵀ, 2 s_c⁴ for c², no cross terms; the symmetric pairs
// (c, a), (−c, a) give b_N ≡ 0 and twice the rest. Its covariance P(t)
// solves the Lyapunov equation
//
//	dP/dt = A P + P Aᵀ + α² ν Cov_π[L(m̄) e],   P(0) = P_0,
//
// which Linear integrates jointly with m̄ by limits/ode, in the coordinates
// m = (b, vech Q, q) (dim + dim(dim+1)/2 + 1 of them, dim = 2d). Then
//
//	C(t) = tr(Σ_ω P_bb(t)),   Σ_ω = Σ_q ω_q φ(u_q) φ(u_q)ᵀ,
//	N·Var g^N_t(φ(u)) → φ(u)ᵀ P_bb(t) φ(u)   (Constant.Variance, the band).
//
// What is exact: the one-step map, P(0) (C(0) is N·E‖g^N_0 − g_0‖² at every
// N), the moment ODE. What is asymptotic: C(t)/N, which leaves out the
// terms of higher order in 1/N (the h² terms of the map, the curvature of f,
// the non-Gaussian part of Z).
//
// # Any γ (LinearScaled)
//
// At γ < 1 the network is an N-particle system of the ε-flow at
// ε = N^{γ−1} (limits/meanfield, docs/mathematics.md §9). In the coordinates
// (β, Q, q), β = N^{1−γ} b, the chain's step is α/N times the ε-scaled
// moment drift, whose Q and q rows carry ε², and the same Lyapunov equation
// gives the constant of E‖g^N_t − g^ε_t‖² ≈ C_ε(t)/N; the i.i.d. μ_0 starts
// √N β_0 with covariance s_c² (s_w²/d) I/ε², mirror pairs at 0.
//
// # Any σ (Particles)
//
// For σ with two derivatives (tanh, sigmoid, erf, and the identity again)
// the moments do not close, and √N (μ^N_t − μ_t) is a Gaussian field over
// the units (docs/mathematics.md §8.5). A unit started at θ_0 follows the
// limit's characteristic θ̄_t(θ_0) up to a displacement D_t(θ_0)/√N, and
//
//	G_t(φ) = W_0[F(θ̄_t(·); φ)] + ∫ ∇_θF(θ̄_t(θ_0); φ)·D_t(θ_0) μ_0(dθ_0),
//	dD_t = J_t D_t dt − α E_π[G_t(φ) ∇_θF(θ̄_t; φ)] dt + dM_t,   D_0 = 0,
//
// with J_t = α E_π[(y − g_t(φ)) ∇²_θF(θ̄_t; φ)], W_0 the Gaussian
// fluctuation of the empirical measure of μ_0 (Cov = Cov_{μ_0}, or half the
// covariance of the pair sums for symmetric pairs) and M_t the martingale of
// the sampling noise, one sample driving all units: d⟨M(θ_0), M(θ_0')⟩ =
// α² ν Cov_π[(y − g_t) ∇_θF(θ̄_t(θ_0)), (y − g_t) ∇_θF(θ̄_t(θ_0'))] dt.
// C(t) = Σ_q ω_q Var G_t(φ(u_q)). Particles solves the mean field with M
// Halton particles and carries (W_0, D) on the first M_f of them (for σ
// the identity with masses that integrate the polynomials of degree ≤ 4
// under μ_0 exactly, which makes it exact there) in a reduced basis: one
// column per direction of W_0 that reaches the output, and a truncated
// square root of the noise covariance, propagated by the classical
// Runge–Kutta method and injected with Simpson weights. Its self-check
// re-solves with twice and half M and M_f.
//
// # Measured (Measure)
//
// Measure is the Monte Carlo side: it trains R real networks of each width
// (gnn/shallow, seeds 1..R) on the grid measure π = Σ_p ω_p δ_(φ_p, y_p)
// that the limit integrates over and returns the mean over seeds of
// N·‖g^N_t − g_t‖² with its standard error, which collapses onto C(t) as N
// grows (docs/mathematics.md §8.6).
//
// # The graph axis (Graph)
//
// For σ the identity the other axis is predicted too: the network of width
// N trained on G(n, W, ρ) by the ego sampler (graphon normalisation) against
// the graphon limit of the same width and seed (docs/mathematics.md §8.7).
// Given its latent u the ego sample's aggregate m̂ differs from (T_W X)(u)
// by δ with E[δ|u] = −(T_W X)(u)/n (+ X(u)/(nρ) with a self-loop) and
// Cov(δ|u) = ((n−1)/n)((T_W XXᵀ)(u) − ρ (T_W X)(T_W X)ᵀ(u))/(nρ), exactly;
// the coupled moment chains then differ by a mean B(t)/(nρ), from the
// moment ODE's change under the ego sampler's Σ and r, and a fluctuation of
// covariance P(t)/(N·nρ) from a Lyapunov equation with the graph's noise,
//
//	E e_fun²(t) ≈ ‖B(t)‖²_Σω/(nρ)² + tr(Σ_ω P_bb(t))/(N·nρ).
//
// # Scope
//
// The constant C(t) is that of networks trained on π_∞, the n → ∞ limit of
// the graph samplers: the graph's own fluctuation, of order (nρ)^{−1/2}, is
// not in it (Graph predicts it separately for σ the identity). π is the training grid of limits.Setup (the quadrature grid, with
// Gauss–Hermite nodes for feature noise); noise on y adds s_y² Σ to the
// covariance of e. ReLU is not supported: the linearisation needs σ″
// (graphs.ErrUnsupported). Solve picks Linear for σ the identity and
// Particles otherwise.
//
// # Dependent samples (Walk, WalkParticles, GraphWalk, Window, WindowParticles)
//
// When the samples are a stationary Markov chain, such as a random walk on
// the graphon (generators/walk), the limit is taken under the chain's
// stationary law π and the noise covariance Cov_π(h) is replaced by the
// long-run covariance Γ = Cov_π(h, h) + Σ_{k≥1} (Cov(h_0, h_k) + Cov(h_k, h_0))
// from the Poisson equation of the chain (limits/longrun): Walk (Linear or
// Particles with Γ) gives C_walk(t), GraphWalk the same for a walk on a
// fixed graph, and Window, for σ the identity, the finite-N value of a run
// of N·t samples, whose window cuts the autocorrelation sums exactly;
// WindowParticles is its first-order form in τ/N for any σ along a
// reversible chain (docs/mathematics.md §10).
//
// On a training grid of more than 512 points (the nodes of a real graph)
// the particle flow takes a reduced path that forms no P×P matrix: the
// sampling noise is merged into its low-rank square root by randomised
// subspace iteration (fixed seed), the kernel of the walk applied only to
// the block of functions the iteration needs (longrun.Sparse: the Poisson
// series with sparse steps), and the initial-weight directions are found
// by sketches. Its cost per step grows like P, not P³. For σ the identity
// on such a graph, GraphWalk applies the kernel once, by the same series,
// to the 2d + 2d(2d+1)/2 functions y φ_i and φ_i φ_j: the noise of the
// Lyapunov equation is a quadratic form in b of their Gram matrix under
// the kernel.
//
// # References
//
// J. Sirignano, K. Spiliopoulos, Mean field analysis of neural networks: a
// central limit theorem, Stochastic Processes and their Applications
// 130(3), 2020.
// Z. Chen, G. M. Rotskoff, J. Bruna, E. Vanden-Eijnden, A dynamical central
// limit theorem for shallow neural networks, NeurIPS 2020.
package fluctuation

// Package features measures how much the features of a one-hidden-layer
// network move during training, for finite networks and their limits alike
// (docs/mathematics.md §9.4): the units θ^k = (c^k, a^k) of a network of
// width N, or the particles of a limit, in the layout of limits/meanfield.
//
// # Tangent kernel
//
// With F(θ; φ) = c σ(a·φ) and the output g = (1/(εM)) Σ_k F(θ^k; ·) of M
// units at scale ε (ε = N^{γ−1} for a network at output scaling γ), the
// training dynamics dθ^k/dt = α ε E_π[(y − g) ∇_θF(θ^k; φ)] move the output by
// ġ(φ) = α E_π[K_t(φ, φ') (y − g(φ'))] with the tangent kernel
//
//	K_t(φ, φ') = (1/M) Σ_k ∇_θF(θ^k_t; φ)·∇_θF(θ^k_t; φ')
//	           = (1/M) Σ_k [σ(a^k·φ) σ(a^k·φ') + (c^k)² σ'(a^k·φ) σ'(a^k·φ') φ·φ'],
//
// the same for every γ in the time of the limits (Kernel). Its movement is
// ‖K_t − K_0‖/‖K_0‖ in the norm ‖K‖² = Σ_{q,r} ω_q ω_r K(φ_q, φ_r)² of
// the quadrature grid (the Hilbert–Schmidt norm of the integral operator
// of K on L²(π); Movement). For σ the identity K(φ, φ') = φᵀ(Q + qI)φ'
// with the moments Q = E[a aᵀ], q = E[c²], so, with Σ_ω = Σ_q ω_q φ_q φ_qᵀ
// and A = Q + qI, ‖K_t − K_0‖² = tr(ΔA Σ_ω ΔA Σ_ω) in closed form
// (MomentMovement). In the ε-flow Q and q move at rate ε², so the kernel
// moves O(ε²); for any σ the flow is even in ε from a μ_0 even in c, and K,
// even in c, moves O(ε²) as well: N^{2γ−2} for a network, 0 at γ = ½ as
// N → ∞ (the kernel regime), O(1) at γ = 1 (mean field).
//
// # Distance travelled and coordinate check
//
// Travel is the mean distance (1/M) Σ_k ‖θ^k_t − θ^k_0‖ the units travel
// (O(ε) in the ε-flow). Coordinates is the coordinate check of μP: the mean
// size of the pre-activations, Σ_q ω_q (1/M) Σ_k |a^k·φ_q|, and of the
// output, Σ_q ω_q |g(φ_q)|, which a parametrisation that trains stably
// keeps of order 1 at every width; drawn against N at several times with
// the limit's values as the reference.
package features

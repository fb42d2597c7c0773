// Package meanfield solves the mean-field width limit of docs/mathematics.md §4.2
// (γ = 1, N → ∞) for the model F(θ; φ) = c σ(a·φ), θ = (c, a), a = (w, v),
// φ = (x, m) ∈ ℝ^{2d}: the McKean–Vlasov equation
//
//	∂_t μ_t = −∇_θ·(μ_t V[μ_t]),   V[μ](θ) = α E_π[(y − g_μ(φ)) ∇_θF(θ; φ)],
//	g_μ(φ) = ∫ F(θ; φ) μ(dθ),   ∇_θF = (σ(a·φ), c σ'(a·φ) φ),
//
// with expectations under π computed as quadrature sums over u: the caller
// supplies nodes u_q, weights ω_q, features φ(u_q) and targets Y(u_q), and
// E_π[h(φ, y)] = Σ_q ω_q h(φ(u_q), Y(u_q)).
//
// # Moment ODE (linear σ)
//
// For σ(z) = z, g(φ) = b·φ with b = E[c a], and with Σ = E_π[φφᵀ],
// r = E_π[yφ], e = r − Σb, the moments b = E[ca], Q = E[aaᵀ], q = E[c²] obey
//
//	db/dt = α (Q + q I) e,   dQ/dt = α (e bᵀ + b eᵀ),   dq/dt = 2α b·e,
//
// closed and exact (SolveMoments). tr Q − q is conserved. From μ_0
// (c ~ N(0, s_c²), a ~ N(0, (s_w²/d) I)): b_0 = 0, Q_0 = (s_w²/d) I, q_0 = s_c²
// (InitialMoments); for a finite sample of particles, their empirical moments
// (EmpiricalMoments), which the particle system then follows exactly. The
// moments are gnn/shallow's Moments (b, Q, q are its MeanCA, MeanAA,
// MeanC2), the type a finite network's Model.Moments returns.
//
// # The ε-flow (any γ ∈ [½, 1])
//
// A network of width N at output scaling γ (output N^{−γ} Σ_k F(θ^k; φ),
// learning rate α N^{2γ−2}, time t = steps/N) moves its units by
// dθ/dt = α ε E_π[(y − g) ∇_θF(θ; φ)] with g = ε^{−1} (1/N) Σ_k F(θ^k; φ)
// and ε = N^{γ−1} (FlowEps): it is an N-particle system of the ε-scaled
// McKean–Vlasov equation
//
//	∂_t μ_t = −∇_θ·(μ_t V_ε[μ_t]),   V_ε[μ] = α ε E_π[(y − g_μ) ∇_θF],   g_μ = ε^{−1} ∫ F dμ,
//
// which is the mean-field equation at ε = 1 and tends to the kernel flow
// ġ = α K Ω (Y − g) of limits/kernel as ε → 0 (the units move O(ε), the
// output O(1)). Problem.Eps sets ε in the particle solver. For σ the
// identity, with β = b/ε (so that g = β·φ) the moments close:
//
//	dβ/dt = α (Q + q I) e,   dQ/dt = α ε² (e βᵀ + β eᵀ),   dq/dt = 2α ε² β·e,
//
// e = r − Σβ (SolveScaledMoments). At ε = 0, Q and q stay at their initial
// values and g_t = β_t·φ is the kernel flow with K(φ, φ') = φᵀ(Q_0 + q_0 I)φ'.
// The map (c, ε) ↦ (−c, −ε) leaves the flow unchanged, so from a μ_0 that is
// even in c its output is even in ε: g^ε_t − g^0_t = O(ε²).
//
// # Particle solver
//
// M particles θ^k from μ_0 taken as a scrambled Halton sample (Owen 2017,
// gonum stat/samplemv) mapped through the Gaussian inverse CDF, moved by the
// characteristics dθ^k/dt = V[μ^M_t](θ^k) with μ^M = (1/M) Σ_k δ_{θ^k}:
//
//	g_q = (1/M) Σ_k c^k σ(a^k·φ_q),   ε_q = α ω_q (Y_q − g_q),
//	dc^k/dt = Σ_q ε_q σ(a^k·φ_q),   da^k/dt = c^k Σ_q ε_q σ'(a^k·φ_q) φ_q,
//
// integrated by the Dormand–Prince 5(4) method of limits/ode. Cost per
// evaluation O(M Q·dim), in fixed chunks of ChunkSize particles: each chunk
// writes only its own rows and its partial sums of g_q, which are added in
// chunk order, so the bits do not depend on GOMAXPROCS. During a solve one
// goroutine per core lives as long as the solve; each owns a fixed range of
// chunks, whose σ, σ' and rows stay in its core's cache, and runs for them
// both passes of every evaluation and the integrator's loops over the state
// (ode.Options.Split). Its own discretisation error is estimated by
// re-solving with the first 2M Halton points (Solve with selfCheck).
//
// # Layout
//
// Particles are rows of a flat slice: θ[k*(1+dim)] = c^k, θ[k*(1+dim)+1+i] =
// a^k_i, dim = len(φ) = 2d. Features are row-major: φ[q*dim+i]. Q matrices
// are row-major dim×dim.
package meanfield

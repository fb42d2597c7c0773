// Package longrun computes what a Markov chain of samples changes in the
// limits of online SGD (docs/mathematics.md §10): its stationary law π,
// which replaces the uniform law of the latents in the training
// expectations, and its long-run covariance
//
//	Γ(f, g) = Cov_π(f, g) + Σ_{k≥1} (Cov(f(x_0), g(x_k)) + Cov(g(x_0), f(x_k))),
//
// which replaces Cov_π(f, g) in the noise of the central limit theorem of
// the width (package limits/fluctuation).
//
// On a finite state space (the quadrature grid of a graphon, the nodes of
// a graph) with one-sample transition P, the centred Poisson equation
// (I − P) g = f − π(f) is solved by the fundamental matrix
// Z = (I − P + 1πᵀ)^{−1} (I − P itself is singular: P1 = 1), since
// Σ_{k≥0} P^k (f − π(f)) = Z (f − π(f)). With D = diag(π),
// Cov(f(x_0), g(x_k)) = f̄ᵀ D P^k ḡ for the centred f̄, ḡ, so
//
//	Γ(f, g) = fᵀ K g,      K = D Z + Zᵀ D − D − π πᵀ,
//
// for any f, g (Z1 = 1 and πᵀZ = πᵀ do the centring). K is symmetric by
// construction: a chain with restart is not reversible, and the symmetric
// part is what a covariance sees. For independent samples (P = 1πᵀ) Z = I
// and K = D − ππᵀ, the i.i.d. covariance. π itself is 1ᵀ(I − P + 11ᵀ)^{−1}.
//
// The graphon walk on the quadrature grid (u_q, ω_q) moves from u_q to u_s
// with probability ω_s W(u_q, u_s)/d_q, d_q = Σ_s ω_s W(u_q, u_s) (the
// Nyström discretisation of W(u,·)/d_W(u)), restarts to ω, and holds as in
// package generators/walk; its stationary law is ω_q d_q/Σ ω d, the grid
// form of d_W(u)/t(K2, W).
package longrun

// Package quadrature computes the integrals over the latent space [0,1] that
// the limits of docs/mathematics.md §4 need, by Gauss–Legendre quadrature:
//
//	∫_0^1 f(u) du ≈ Σ_q ω_q f(u_q),
//
// exact for polynomials of degree ≤ 2Q − 1 with Q nodes (Legendre). A
// piecewise rule (Piecewise, SBM) puts Q nodes in each interval between
// breakpoints, so a block-constant graphon (an SBM with block boundaries at
// the breakpoints) times a polynomial of degree ≤ 2Q − 1 on each block is
// integrated exactly.
//
// # Graphon operator
//
// On a rule (u_q, ω_q), GraphonOperator evaluates W on the grid once and
// applies
//
//	(T_W f)(u_q) = Σ_r ω_r W(u_q, u_r) f(u_r),   d_W(u_q) = Σ_r ω_r W(u_q, u_r),
//
// and the graphon features φ(u) = (X(u), (T_W X)(u)) ∈ ℝ^{2d} for a user
// signal X: [0,1] → ℝ^d. The degree-normalised variants are the graphon limits
// of section 2's mean and symmetric aggregations (the continuous GCN of
// Keriven, Bietti & Vaiter, NeurIPS 2020):
//
//	mean:       (T f)(u) = (1/d_W(u)) ∫ W(u,v) f(v) dv
//	symmetric:  (T f)(u) = ∫ W(u,v) f(v) / sqrt(d_W(u) d_W(v)) dv
//
// where a zero degree contributes 0 (W(u,·) = 0 almost everywhere there).
// Homomorphism densities t(K2,W) = Σ_q ω_q d_W(u_q) and
// t(K3,W) = Σ_{q,r,s} ω_q ω_r ω_s W(u_q,u_r) W(u_r,u_s) W(u_s,u_q) come out
// of the same grid.
//
// # Layout
//
// Vector fields on the grid are row-major Q×k: f[q*k+i] = f_i(u_q). The
// graphon matrix is Q×Q row-major, W[q*Q+r] = W(u_q, u_r).
package quadrature

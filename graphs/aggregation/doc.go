// Package aggregation holds the aggregation operators of message passing,
// each with its finite realisation on a graph and its realisation on a
// graphon (the limit n → ∞), computed by one rule so that a model and its
// limit cannot disagree about normalisation or self-loops.
//
// # Aggregations
//
// An Aggregation is a normalisation (Norm) applied to the adjacency matrix
// under a self-loop policy (Loops). With Ã the matrix after the loop policy
// (Ã_ij the weight of the edge j → i, 1 when unweighted) and
// deg_i = Σ_j Ã_ij its weighted in-degree,
//
//	sum        (S h)_i = Σ_j Ã_ij h_j                                  GIN
//	mean       (S h)_i = (1/deg_i) Σ_j Ã_ij h_j      (0 when deg_i = 0) GraphSAGE
//	symmetric  (S h)_i = Σ_j Ã_ij h_j / sqrt(deg_i deg_j)              GCN
//	graphon    (S h)_i = (1/(nρ)) Σ_j Ã_ij h_j                         the one-hidden-layer model
//
// and the loop policies
//
//	none         Ã = A (a loop stored in the graph counts as it is)
//	add          Ã = A + I, even where a loop is stored (Kipf & Welling 2017)
//	add-missing  a unit loop only where none is stored (PyTorch Geometric's
//	             add_remaining_self_loops, its GCNConv default)
//
// Every one is S_ij = r_i Ã_ij c_j with a row factor r and a column factor c
// that depend on the degree only: (1, 1) for the sum, (1/deg_i, 1) for the
// mean, (deg_i^−½, deg_j^−½) for the symmetric one and (1/(nρ), 1) for the
// graphon normalisation.
//
// # The graphon limit
//
// On a W-random graph G(n, W, ρ) (latents u_i i.i.d. uniform, A_ij ~
// Bernoulli(ρ W(u_i, u_j))) the degree is deg_i ≈ nρ d_W(u_i) with
// d_W(u) = ∫ W(u, v) dv, and (1/(nρ)) Σ_j A_ij f(u_j) → (T_W f)(u_i) =
// ∫ W(u_i, v) f(v) dv. The normalised aggregations are unchanged by
// A → A/(nρ), so each tends to the integral operator obtained by applying
// the same factors to the kernel W with d_W in place of the degree:
//
//	graphon    (T f)(u) = ∫ W(u,v) f(v) dv                    = T_W f
//	mean       (T f)(u) = (1/d_W(u)) ∫ W(u,v) f(v) dv
//	symmetric  (T f)(u) = ∫ W(u,v) f(v) / sqrt(d_W(u) d_W(v)) dv  = T_sym f
//	sum        grows as nρ T_W f (plus f(u) itself with loops): its
//	           realisation needs nρ
//
// A loop adds one term of weight 1 against a degree of order nρ, so it moves
// a normalised aggregation by O(1/(nρ)) and vanishes in the limit. At finite
// n it is a bias: a finite GCN with loops approaches the loop-free T_sym with
// an extra O(1/(nρ)) error, which in sparse regimes (ρ → 0) decays more
// slowly than the O((nρ)^−½) fluctuation of the loop-free operator, and
// flattens the measured rate.
//
// The fluctuation: (S f)_i − (T f)(u_i) is, given u_i, an average of n − 1
// independent bounded terms of variance O(1/ρ) (the Bernoulli edges and the
// other latents), plus for the mean and symmetric normalisations the
// degree's relative fluctuation of the same order, so the error is
// O((nρ)^−½) per node. The tests check this rate for every aggregation on
// dense and sparse W-random graphs.
//
// # Realisations
//
// Operator is the finite realisation on a graphs.Graph: a CSR matrix with
// its coefficients precomputed, applied (and its transpose, for backward
// passes) as a parallel gather with the same bits for any GOMAXPROCS.
// Integral is the graphon realisation on a quadrature grid u_1..u_Q with
// weights ω_q: (T f)(u_q) = r(u_q) Σ_r ω_r W(u_q, u_r) c(u_r) f(u_r), with
// d_W(u_q) = Σ_r ω_r W(u_q, u_r); At evaluates it at a point off the grid.
// Both are immutable and safe for concurrent use.
package aggregation

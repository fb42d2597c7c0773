// Package continuous computes the graphon limit of a message-passing network
// with fixed parameters — the graphon neural network of Ruiz, Chamon &
// Ribeiro (2020), the continuous GCN of Keriven, Bietti & Vaiter (2020) —
// and measures how far a finite network on a graph is from it
// (docs/mathematics.md §2, §4, §5 and §7; check §6.6).
//
// # Mathematics
//
// On a graph G(n, W, ρ) with latents u_i, node i's aggregation
// (S h)_i over its neighbours j is, for n → ∞ with nρ → ∞, an integral over
// the latent v of the neighbours. Replacing every aggregation of a network
// by its integral operator gives a network on functions of u ∈ [0,1]:
//
//	sum/graphon  (1/(nρ)) Σ_j A_ij h_j          → (T_W h)(u)    = ∫ W(u,v) h(v) dv
//	mean         (1/deg_i) Σ_j A_ij h_j         → (T_mean h)(u) = (T_W h)(u) / d_W(u)
//	symmetric    Σ_j Ã_ij h_j / sqrt(d̃_i d̃_j)  → (T_sym h)(u)  = ∫ W(u,v) h(v) / sqrt(d_W(u) d_W(v)) dv
//
// with d_W(u) = ∫ W(u,v) dv. The self loop of Ã = A + I is one term of
// about nρ·d_W, an O(1/(nρ)) change that vanishes; the mean and symmetric
// normalisations are scale-free, so ρ drops out, while an unnormalised sum
// (GIN) is nρ·T_W and needs that factor (Options.SumScale). Where d_W(u) = 0
// the normalised aggregations are 0, as for an isolated node. The layers
// (see New): GCNConv h' = T_sym(hΘ) + b; SAGEConv h' = hΘ1 + (T_mean h)Θ2 + b;
// GINConv h' = MLP((1+ε)h + nρ T_W h); Linear and activations act pointwise
// in u; a mean readout becomes ∫ h(u) du. The input is a signal X: [0,1] →
// ℝ^d with x_i = X(u_i).
//
// # Computation
//
// Integrals use a composite Gauss–Legendre rule (u_q, ω_q), q = 1..Q
// (limits/quadrature): every layer is evaluated on the grid,
// (T f)(u_q) ≈ Σ_r ω_r K(u_q, u_r) f(u_r), with d_W(u_q) computed by the same
// rule. The value at any other u follows from the previous layer's value at
// u and the integral over the grid values, (T f)(u) = Σ_r ω_r K(u, u_r)
// f(u_r); for a GCN only the last layer needs this. A ReLU network has kinks,
// so the rule converges algebraically; its own error is measured by
// doubling the panels (KerivenResult.LimitErr) and must sit well below the
// finite-n errors.
//
// # Errors against a finite network
//
// For outputs ŷ_i of the finite network on a graph with latents u_i
// (Compare, Distance):
//
//	e_node    = ((1/n) Σ_i ‖ŷ_i − g^∞(u_i)‖²)^{1/2}        (per output, docs/mathematics.md §5)
//	e_readout = ‖(1/n) Σ_i ŷ_i − ∫ g^∞(u) du‖
//
// Keriven, Bietti & Vaiter bound the node error by O((nρ)^{−1/2}) up to
// logarithms: expected slopes in n of −½, −3/8, −¼ for ρ = 1, n^{−1/4},
// n^{−1/2}. The readout averages node errors and can decay faster.
// KerivenExperiment measures both; RunKeriven (the command gnnwb limits
// keriven) also draws the figures and writes the result as JSON.
//
// # Determinism
//
// At and KerivenExperiment split their work into fixed chunks (blocks of
// points; one (ρ, n, repetition) cell per chunk, each with its own seeded
// streams), so results are the same bits for any GOMAXPROCS.
//
// # References
//
//   - N. Keriven, A. Bietti, S. Vaiter, Convergence and stability of graph
//     convolutional networks on large random graphs, NeurIPS 2020.
//   - L. Ruiz, L. F. O. Chamon, A. Ribeiro, Graphon neural networks and the
//     transferability of graph neural networks, NeurIPS 2020.
package continuous

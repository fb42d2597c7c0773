// Package generators samples random graphs exactly: Erdős–Rényi G(n,p) and
// G(n,m), stochastic block models, W-random graphs G(n,W,ρ) and their
// weighted variant, Chung–Lu expected-degree graphs, and the ego sampler of
// a single node's neighbourhood. Symbols are those of docs/mathematics.md
// §1 and §3.
//
// # Models
//
// G(n, p): each of the n(n−1)/2 pairs is an edge independently with
// probability p. E|E| = p·n(n−1)/2, Var|E| = p(1−p)·n(n−1)/2,
// E[triangles] = p³·C(n,3), deg_i ~ Binomial(n−1, p). G(n, m): m edges
// uniformly without replacement.
//
// Stochastic block model: blocks of sizes n_1..n_K (contiguous node ids),
// the pair {i, j} with i in block a and j in block b an edge with
// probability P_ab. It is the graphon constant on the rectangles of sides
// n_a/n.
//
// W-random graph G(n, W, ρ): u_1..u_n i.i.d. Uniform[0,1]; for i < j
// independently A_ij = A_ji ~ Bernoulli(ρ·W(u_i, u_j)). With the degree
// function d_W(u) = ∫ W(u,v) dv and the homomorphism densities
// t(K2,W) = ∫∫ W and t(K3,W) = ∫∫∫ W(x,y)W(y,z)W(z,x):
//
//	E|E| = ρ·C(n,2)·t(K2,W),  E[triangles] = ρ³·C(n,3)·t(K3,W),  E[deg_i | u_i] = ρ(n−1)·d_W(u_i).
//
// The weighted variant (SampleWeighted) sets A_ij = ρ·W(u_i, u_j), the
// conditional expectation of the Bernoulli adjacency given u (A_ij =
// W(u_i,u_j) at ρ = 1), so that the graphon aggregation
// (1/(nρ)) Σ_j A_ij h_j has the same limit for both.
//
// Shipped graphons (Graphon; ParseGraphon names in brackets), with the
// closed forms used as test oracles:
//
//	Constant(p)          [constant:P]          W = p              d_W = p              t(K2) = p            t(K3) = p³
//	Product()            [product]             W = u·v            d_W = u/2            t(K2) = 1/4          t(K3) = 1/27
//	UniformAttachment()  [uniform-attachment]  W = 1 − max(u,v)   d_W = (1 − u²)/2     t(K2) = 1/3          t(K3) = 1/15
//	Exponential()        [exponential]         W = e^{−(u+v)}     d_W = e^{−u}(1−e^{−1}) t(K2) = (1−e^{−1})²  t(K3) = ((1−e^{−2})/2)³
//	Gaussian(h)          [gaussian:H]          W = e^{−(u−v)²/(2h²)}  d_W, t(K2) closed (erf); t(K3) by quadrature
//	SBMGraphon(π, P)     [sbm:<π>:<P>]         W = P_ab on block a × b  d_W = Σ_b π_b P_ab  t(K2) = Σ π_a π_b P_ab  t(K3) = Σ π_a π_b π_c P_ab P_bc P_ca
//	GraphonFunc(name, f) (Go only)             W = f, values checked in [0,1]; d_W, t(K2), t(K3) by quadrature
//
// Chung–Lu: weights w_i ≥ 0, S = Σ w_i, edge {i, j} with probability
// min(1, w_i w_j / S): the product graphon evaluated at the weights.
//
// Ego sampler (docs/mathematics.md §3): an exact draw of one node's latent
// u ~ U[0,1], its neighbour count K ~ Binomial(n−1, ρ·d_W(u)) and the K
// neighbours' latents, i.i.d. with density W(u,·)/d_W(u), in O(nρ) without
// building the graph; m = (1/(nρ)) Σ_{neighbours} X(v) then has exactly
// its law under G(n, W, ρ).
//
// # Data-generating process
//
// Process (docs/mathematics.md §3) adds node features x = X(u) + ε_x (Signal:
// fourier:K, poly:K or a user function), targets y = Y(u) + ε_y (Target:
// poly:c0,c1,…, sin:k, step:a or a user function) and an aggregation
// m = S x (graphon 1/(nρ), sum, mean, symmetric) to G(n, W, ρ). Its
// samplers draw the training samples (φ, y) = ((x, m), y) of online SGD
// exactly and satisfy gnn/shallow's Sampler structurally (generators does
// not import gnn): EgoSampler one node at a time in O(nρ) (graphon, sum and
// mean aggregations), WholeGraphSampler B nodes of a fresh graph per step
// (every aggregation, and model B's neighbourhoods). Both draw the batch's
// latents u_b = rng.Float64() first, so runs differing only in n share them
// (docs/mathematics.md §5).
//
// # Algorithms and costs
//
// Undirected graphs are sampled as the strictly lower triangle (row i:
// j < i ascending) in fixed blocks of rows and assembled by
// graphs.FromLowerBlocks. Geometric jumps skip non-edges (Batagelj &
// Brandes 2005): with E ~ Exp(1) and λ = −log(1−p), the number of non-edges
// before the next edge is ⌊E/λ⌋. G(n, p) carries a jump past a row's end
// into the next row (j −= i), so it costs O(n + |E|) with one exponential
// draw per edge and no square roots. When the probability changes along a
// row (SBM blocks, envelope cells, Chung–Lu), the Exp(1) residual E − λL of
// a run of L edgeless pairs is carried into the next run; by the
// memorylessness of the exponential it is again Exp(1) and independent, so
// the sampler stays exact and wastes no draw. Costs: G(n, p) and G(n, m)
// O(n + |E|); SBM O(n·K + |E|); Chung–Lu O(n log n + |E|) (nodes visited by
// decreasing weight, candidates thinned by p_ij/q as in Miller & Hagberg
// 2011, then relabelled to the caller's order).
//
// G(n, W, ρ) (Sample) draws the latents already sorted, in O(n), as
// normalised partial sums of exponentials (Rényi's representation of
// uniform order statistics), so node i has the i-th smallest latent and
// the nodes of each cell of a block-constant envelope W̄ ≥ W are
// contiguous. Candidates are sampled as an SBM with probabilities ρ·W̄ and
// kept with probability W/W̄ (thinning): exact, in O(n·K + |E(ρW̄)|), which
// is O(n + |E|) when W̄ is tight (K ≤ 32 equal cells for the continuous
// graphons; the SBM graphon is sampled with no thinning). A GraphonFunc
// has W̄ = 1: O(n + ρn²) evaluations. SampleWeighted is O(n²). Sorted
// labels are not exchangeable: permute graph and latents together if that
// matters (the unlabelled law, and the law given u, are exact).
//
// GNM samples G(n, p′) with p′ slightly above m/N (N = n(n−1)/2) and
// deletes a uniform subset of the surplus edges (Floyd's algorithm), which
// is exact because G(n, p′) given its edge count is uniform.
//
// Binomial draws (ego sampler) count geometric jumps, exact, O(1 + np).
//
// # Determinism
//
// Each function takes a *rand.Rand (math/rand/v2, never the global one)
// and draws from it only a few base seeds; block b of rows then uses
// parallel.Stream(base, b). Blocks have a fixed number of rows that depends
// on n only (a power of two in [64, 2^14], about n/64), never on
// GOMAXPROCS, and are assembled in order: the same seed gives the same
// bits for any number of cores, with the same Go version on the same
// architecture (across architectures, fused multiply-adds or an assembly
// math.Exp may change a last bit and hence a draw). Generate(ctx, spec, seed, progress) uses
// rand.New(rand.NewPCG(seed, 0)) and returns exactly what the plain
// function returns with that generator.
//
// # Errors and memory
//
// Nothing a caller passes panics. Probabilities, ρ and W values outside
// [0,1] or NaN, negative sizes, asymmetric or non-square P are refused with
// graphs.ErrParameter (or ErrShape) naming the value; n > graphs.MaxNodes
// and sizes whose expected arrays (CSR plus sampling blocks, about 12 bytes
// per node and 12 per edge) exceed the machine's physical memory are
// refused with graphs.ErrTooLarge before anything is allocated. Blocks are
// pre-sized to the expected count plus six standard deviations, so the
// total allocation of G(n, p) is about 1.45× its final CSR (8 bytes per
// node and per edge): the lower blocks add 1 byte per node (row counts,
// see graphs.LowerBlock) and 4 per edge (the lower triangle); measured
// 1.451× at n = 10⁷, average degree 10 (BenchmarkErdosRenyiLarge).
package generators

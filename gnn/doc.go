// Package gnn implements standard message-passing graph neural networks —
// GCN, GraphSAGE, GIN and GAT — with hand-written backward passes on
// graphs.Graph, and builds the standard node and graph models from them.
// Package gnn/train trains them (losses, loops, early stopping,
// checkpoints, cross-validation) with the optimisers of gnn/optim (SGD and
// Adam as torch.optim); the one-hidden-layer network of
// docs/mathematics.md §3 is package gnn/shallow.
//
// # Mathematics
//
// A layer maps node states h_i ∈ ℝ^{d_in} to h'_i ∈ ℝ^{d_out}
// (docs/mathematics.md §2). The graph has adjacency A (A_ij is the weight of
// the edge j→i, 1 when unweighted) and an aggregation operator S, one of
// (package graphs/aggregation, docs/mathematics.md §2.1):
//
//	Sum        (S h)_i = Σ_j A_ij h_j
//	Mean       (S h)_i = (1/deg_i) Σ_j A_ij h_j,  deg_i = Σ_j A_ij  (0 if deg_i = 0)
//	Symmetric  (S h)_i = Σ_j Ã_ij h_j / sqrt(d̃_i d̃_j),  Ã = A + I,  d̃_i = Σ_j Ã_ij
//	Graphon    (S h)_i = (1/(nρ)) Σ_j A_ij h_j
//
// For Symmetric, a self loop is added only to rows that have none; an
// existing loop keeps its weight (PyTorch Geometric's gcn_norm with
// add_remaining_self_loops), so d̃_i counts it once. For an unweighted
// graph deg_i is the row length (graphs.Graph.Degree).
//
// The layers, with weights Θ and activation σ applied by a separate
// Activation layer:
//
//	Linear    h'_i = h_i Θ + b
//	GCNConv   h' = S_sym (h Θ) + b                                (Kipf & Welling 2017, eq. 2)
//	SAGEConv  h'_i = h_i Θ1 + (S_mean h)_i Θ2 + b                 (Hamilton, Ying & Leskovec 2017)
//	GINConv   h'_i = MLP((1+ε) h_i + (S_sum h)_i)                 (Xu, Hu, Leskovec & Jegelka 2019, eq. 4.1)
//	GATConv   h'_i = ‖_k Σ_{j∈N(i)∪{i}} α^k_ij h_j Θ^k + b,
//	          α^k_ij = softmax_j LeakyReLU_{0.2}(a_dst^k·Θ^k h_i + a_src^k·Θ^k h_j)   (Veličković et al. 2018)
//
// GAT's heads are concatenated or averaged; its neighbourhood is row i with
// exactly one self loop and it ignores edge weights. Readouts pool node
// states per graph of a batch: sum, mean, max. BatchNorm normalises each
// column over the nodes of the batch, out = γ (h − μ)/sqrt(σ² + 1e-5) + β,
// with batch statistics in training and running ones (momentum 0.1,
// unbiased variance) in evaluation, as torch.nn.BatchNorm1d. Activations: identity, ReLU,
// tanh, sigmoid, erf, ELU (package gnn/activation).
//
// # Memory layout and edge direction
//
// Every matrix is a flat row-major []float64: h[i*d+k] is h_{i,k}, a weight
// Θ ∈ ℝ^{in×out} is W[p*out+q]. Row i of a graphs.Graph lists the nodes i
// receives from (PyTorch Geometric's source_to_target flow), so S h is a
// gather over rows: each worker writes its own rows, without atomics.
// Backward passes need Sᵀ: an undirected graph reuses its rows with
// transposed coefficients; a directed graph gets a precomputed transposed
// CSR, so the scatter is again a gather. Sparse input features (bag of
// words) are a graphs/sparse Matrix, and the first layer multiplies them
// without densifying; its weight gradient xᵀ·dout is a gather over the rows
// of the transpose xᵀ (sparse.Matrix.TransposeTo).
//
// # Modules and models
//
// A Module has Forward(out, h, b) and Backward(dh, dout, b): dst first;
// Forward keeps what Backward needs (including a reference to h); Backward
// accumulates parameter gradients and overwrites dh, or skips the input
// gradient when dh is nil. Params returns parameter/gradient slice pairs for
// optimisers. A Batch is a graph, or many small graphs joined
// block-diagonally (Join) with node offsets, plus the per-step settings
// (training mode, random key). Sequential chains modules. NewModel and
// NewGraphModel build the standard architectures, which gnn/train trains;
// Model.Input puts Features in the form the first layer reads. The graph
// models are:
//
//	default   [Dropout, conv, σ]×L, pool, Linear, ReLU, Dropout, Linear    (PyTorch Geometric's GIN example)
//	Xu et al. [GINConv(Linear, BatchNorm, ReLU, Linear), BatchNorm, ReLU]×L,
//	          out_g = Σ_{k=0..L} Dropout(pool(h^(k))_g Θ_k + b_k)          (ModelOptions BatchNorm, HeadJumpSum)
//
// the second being the GIN of Xu et al.'s code (models/graphcnn.py) with
// the jumping-knowledge sum over all depths, the input included (JumpSum).
// BatchNorm's running statistics are Params with Buffer set: skipped by
// the optimisers, saved in checkpoints like the weights.
//
// # Trained models
//
// Trained bundles a trained Model with its feature normalisation, class
// names and provenance. Save writes it to one file (a header with
// ModelFileVersion, the encoding/gob payload, a SHA-256 checksum); Load
// refuses other versions and corrupt files and rebuilds the model, whose
// Predict then gives the same bits: for every node (or graph) the class
// probabilities p_c = e^{z_c − max z} / Σ_k e^{z_k − max z} of the outputs
// z, the arg-max class, and the embeddings h^(L−1), the input of the last
// layer.
//
// # Determinism
//
// Work is split into fixed chunks (never sized from GOMAXPROCS) and every
// sum is taken in a fixed order, so results are the same bits for any
// number of workers. On amd64 with AVX2 and FMA the inner products use
// assembly kernels (fused multiply-adds, fixed accumulator split); other
// machines use pure Go, whose results differ in the last bits. Dropout
// draws its masks from streams fixed by Batch.Key and the layer's salt, so
// a trainer that sets Key from the step (as gnn/train does) repeats its
// draws when a run is resumed.
//
// # Performance
//
// Layers keep their buffers between calls and Operators precompute their
// coefficients, so after the first pass a training step allocates only the
// few small objects of internal/parallel's workers per parallel loop. Dense
// products run in register tiles (8 or 16 output columns, masked for
// narrower ones) of AVX2/FMA assembly; sparse products and aggregations use
// gathering variants of the same kernels. Sparse input features keep the
// first layer at O(nnz·out). BenchmarkGCNEpoch in gnn/train times one Kipf
// & Welling training epoch on Cora- and PubMed-shaped graphs against the
// PyTorch peer bench/peers/gcn_torch.py; BenchmarkMatMulGonum is the gonum
// blas64.Gemm baseline.
//
// # Errors
//
// Shapes, parameters and indices are checked and reported as errors
// wrapping graphs.ErrShape, graphs.ErrParameter or graphs.ErrNodeID. The
// unexported kernels and
// Operator.Apply panic on wrong lengths, which layers rule out first.
//
// # References
//
//   - T. N. Kipf, M. Welling, Semi-supervised classification with graph
//     convolutional networks, ICLR 2017.
//   - W. L. Hamilton, R. Ying, J. Leskovec, Inductive representation
//     learning on large graphs, NeurIPS 2017.
//   - K. Xu, W. Hu, J. Leskovec, S. Jegelka, How powerful are graph neural
//     networks?, ICLR 2019.
//   - P. Veličković, G. Cucurull, A. Casanova, A. Romero, P. Liò, Y. Bengio,
//     Graph attention networks, ICLR 2018.
//   - X. Glorot, Y. Bengio, Understanding the difficulty of training deep
//     feedforward neural networks, AISTATS 2010.
package gnn

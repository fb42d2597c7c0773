// Package scaling runs the γ experiment (docs/mathematics.md §9): networks
// of width N at every output scaling γ ∈ [½, 1], trained on π_∞, against
// the ε-flow at their own ε = N^{γ−1} (limits.GammaLimit) and against the
// kernel limit (limits.KernelLimit from g_0 = 0), with the features'
// movement (limits/features) and the seed-to-seed spread of their outputs.
//
// For each γ, width N and seed s the network of width N (μ_0 in mirror
// pairs, so that its g_0 = 0 is the flow's) is trained on π_∞ exactly as
// limits.Setup.NetworkUnits does, and at each time t measured on the
// evaluation grid: its function errors ‖g^N_t − g^ε_t‖ and ‖g^N_t − g^0_t‖
// (the ε-flow at ε = N^{γ−1} and the kernel limit), its kernel movement,
// distance travelled and coordinate check; across seeds, the variance
// Σ_q ω_q Var_s g^N_t(φ_q). The ε-flow's own diagnostics (M Halton
// particles) are the reference values, and its gap ‖g^ε_t − g^0_t‖ to the
// kernel limit is what separates the two.
//
// The fits are log-log least squares of the mean error over seeds against
// N (limits/rates, with seed-bootstrap intervals). Predicted slopes: −½
// against the ε-flow (the central limit theorem of the width at fixed ε,
// limits/fluctuation); against the kernel limit, the slope of
// (gap(N)² + E‖g^N − g^ε‖²)^{1/2} fitted over the same widths (the two
// parts are a deterministic O(ε²) = O(N^{2γ−2}) bias and an O(N^{−1/2})
// fluctuation), whose large-N value is max(2γ − 2, −½) for γ < 1.
//
// Every cell is deterministic (the network's seed, the flow's Halton
// sample), so the result has the same bits for any GOMAXPROCS and any
// number of workers.
package scaling

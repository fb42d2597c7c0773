// Package sweep measures how fast finite networks approach their limits:
// it runs a grid of networks of package limits against its limits, writes
// the errors as tidy CSV and JSON, fits the rates and draws them.
//
// # Cells and errors
//
// A Config names a limits.Problem, the numbers of nodes n (Nodes) and of
// hidden units N (Widths), the seeds 1..R (Seeds) and the limits
// (limits.Kind). Every cell (n, N, seed) trains the problem's network with
// limits.Setup.Network and compares it with each limit (Setup.Limit) at the
// problem's times t through
//
//	e_fun  = (Σ_q ω_q (ŷ(φ(u_q)) − g^∞_t(φ(u_q)))²)^{1/2},
//	e_node = ((1/B) Σ_i (ŷ_i − g^∞_t(x_i, (T_W X)(u_i)))²)^{1/2}
//
// with (u_q, ω_q) the problem's quadrature rule, on B = min(n, TestNodes)
// nodes of a fresh test graph G(n, W, ρ) (Setup.TestGraph: each node's own
// noisy features x_i, its aggregation replaced by the graphon limit). Limits
// that do not depend on the cell are solved once per run, the graphon limit
// (and the kernel limit from the network's own g_0) once per (N, seed); the
// seeds couple the cells as package limits describes.
//
// # Files
//
// Run writes one JSON file per finished cell (atomically) into DIR/cells,
// so a sweep resumes where it stopped and splits into shards
// (Options.Shard, Options.Shards); Assemble and Merge write the tidy
// errors.csv (one row per limit, n, N, seed, t and error kind "fun" or
// "node") and summary.json (the means over seeds). Each cell is the same
// bits for any GOMAXPROCS and however the sweep was split, so errors.csv is
// too.
//
// # Prediction
//
// A sweep against the mean-field limit also computes, once, the
// central-limit constant C(t) of E‖g^N_t − g_t‖² ≈ C(t)/N for its own
// problem at its own times (limits/fluctuation, docs/mathematics.md §8; not
// fitted) into prediction_meanfield.json, and writes it beside the measured
// N·mean over seeds of e_fun² at the largest n in summary.json and
// fits.json (Prediction): C(t) is the constant of networks trained on
// π_∞, and the graph of finite n adds its own error. The rate plot of the
// mean-field function error draws the predicted √(C(t)/N) and the root
// mean square of e_fun over seeds at the largest n. A problem whose C(t)
// cannot be computed (ReLU) sweeps all the same, and the prediction says why.
//
// A sweep of a σ-identity problem against the graphon limit also computes
// the predicted graph axis (fluctuation.Graph, docs/mathematics.md §8.7;
// not fitted) at each of its (n, N) and times, E e_fun² ≈ ‖B(t)‖²/(nρ)² +
// V(t)/(N·nρ) between the network and the graphon limit of the same width
// and seed, into prediction_graphon.json, and writes it beside the measured
// mean over seeds of e_fun² in summary.json and fits.json
// (GraphPrediction); the rate plot of the graphon function error along n
// draws, per N, the predicted √(bias + variance) and the root mean square
// of e_fun over seeds. A σ-identity problem that Graph refuses (γ ≠ 1, the
// whole-graph sampler, another normalisation, noise) sweeps all the same,
// and the prediction says why; other σ compute none.
//
// # Rates
//
// FitRows fits log ē against log N at each n and against log n at each N,
// with bootstrap intervals over seeds, and the joint
// e ≈ a·N^{−p} + b·(nρ)^{−q} + floor (limits/rates); Fit writes the fits
// to fits.json and Plot draws them (limits/plots).
//
// Every error wraps one of the kinds of graphs (graphs.ErrParameter,
// graphs.ErrFormat, ...).
package sweep

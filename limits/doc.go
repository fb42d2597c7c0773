// Package limits holds the deterministic limits of the one-hidden-layer
// message-passing network of shared/MATH.md sections 3–5, against which
// finite (n, N) networks are measured. Its numerical foundations live in
// sub-packages that use only plain Go types (func(u, v float64) float64 for
// a graphon W, row-major []float64 for features φ and particles θ):
//
//   - limits/ode: adaptive Dormand–Prince 5(4) integrator (rtol, atol,
//     step control, exact landing on output times, statistics, ctx);
//   - limits/quadrature: Gauss–Legendre rules on [0,1], piecewise rules that
//     integrate SBM graphons exactly, the graphon operator T_W (plain, mean-
//     and symmetric-normalised) and the graphon features
//     φ(u) = (X(u), (T_W X)(u)) of MATH.md 4;
//   - limits/activation: σ and σ' for identity, tanh, ReLU, sigmoid, erf;
//   - limits/kernel: the NTK K(φ, φ') of MATH.md 4.3 (closed forms for
//     identity, ReLU, erf; quadrature for tanh, sigmoid), the GP covariance,
//     and the exact kernel flow ġ = α K Ω (Y − g) on a grid;
//   - limits/meanfield: the moment ODE of MATH.md 4.2 for linear σ and the
//     particle solver of the McKean–Vlasov equation for any σ, with its
//     self-check against 2M particles;
//   - limits/rates: log-log rate fits with seed-bootstrap intervals and the
//     joint fit e(n, N) ≈ a·N^{−p} + b·(nρ)^{−q} + floor of MATH.md 5;
//   - limits/plots: the figures (error against n or N, (n, N) heat map,
//     trajectories g_t(u)) as PNG or SVG.
//
// Every error wraps one of the kinds of graphs/errors.go (graphs.ErrParameter,
// graphs.ErrShape, ...) so that errors.Is works across packages.
package limits

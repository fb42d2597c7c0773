// Package rates fits convergence rates to measured errors
// (docs/mathematics.md §5).
//
// # Per-axis fit
//
// For errors e_s(x_i) measured at sizes x_i (n, nρ or N) over seeds s = 1..R,
// the fit is ordinary least squares of log ē(x_i) on log x_i, with
// ē(x_i) = (1/R) Σ_s e_s(x_i):
//
//	log ē ≈ Intercept + Slope·log x.
//
// The 95% interval of the slope is the percentile bootstrap over seeds: B
// times, R seeds are drawn with replacement (from a caller-seeded
// *rand.Rand), ē recomputed and refitted; the interval is the 2.5% and 97.5%
// quantiles of the B slopes (Efron & Tibshirani, An Introduction to the
// Bootstrap, 1993, ch. 13).
//
// # Joint fit
//
// Errors e_j measured on an (n, N) grid are fitted by
//
//	e(n, N) ≈ a·N^{−p} + b·(nρ)^{−q} + floor,
//
// minimising Σ_j (log model_j − log e_j)² over (log a, p, log b, q,
// log floor) with gonum optimize: BFGS with the analytic gradient
// 2 Σ_j r_j ∇r_j, polished by a second BFGS pass, from the exponents of the
// per-axis log-log fits and from a grid of starts, each also run on the
// boundary floor = 0 (which log floor only approaches); floor is the
// limit solver's own error (or 0 with NoFloor). Residuals are reported on the
// log scale.
package rates

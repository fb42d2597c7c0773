// Package ode integrates systems of ordinary differential equations
//
//	y'(t) = f(t, y(t)),  y(t_0) = y_0,  y ∈ ℝ^n,
//
// with the explicit Runge–Kutta pair of Dormand and Prince, "A family of
// embedded Runge–Kutta formulae", J. Comput. Appl. Math. 6 (1980) 19–26
// (DOPRI5 in Hairer, Nørsett & Wanner, Solving Ordinary Differential
// Equations I, 2nd ed., Section II.5 and II.4). It is the integrator of the
// gnnwb limit solvers (docs/mathematics.md §4.2 and 4.3): the mean-field moment ODE
// and the particle system dθ/dt = V[μ](θ).
//
// # Method
//
// Each step of size h evaluates f seven times (six after the first step, by
// FSAL: the last stage is the first stage of the next step) and forms the
// fifth-order solution y_{n+1} and a fourth-order embedded solution ŷ_{n+1}.
// The local error estimate ε = y_{n+1} − ŷ_{n+1} is measured in the scaled
// root-mean-square norm
//
//	err = ( (1/n) Σ_i ( ε_i / (ATol + RTol·max(|y_{n,i}|, |y_{n+1,i}|)) )² )^{1/2},
//
// the step is accepted when err ≤ 1, and the next step size is
//
//	h_new = h · min(FacMax, max(FacMin, Safety · err^{−1/5})),
//
// (never growing right after a rejection), clipped to [HMin, HMax]. Output
// times are hit exactly: a step that would pass the next requested time is
// shortened to land on it, so no interpolation error enters the output. With
// Options.Dense, steps are not shortened and the solution at output times
// inside a step comes from the order-4 continuous extension of the pair
// (Hairer, Nørsett & Wanner II.6), at no extra evaluations of f.
// The initial step size follows Hairer, Nørsett & Wanner's HINIT (II.4).
//
// A fixed-step mode (Options.FixedStep) takes equal steps of the fifth-order
// formula without error control; its global error is O(h⁵), which the tests
// check.
//
// # Errors
//
// Bad tolerances, NaN or infinite values in y_0 or the times, and
// non-increasing times are graphs.ErrParameter; a step size below HMin is
// ErrStepUnderflow; more than MaxSteps steps is ErrMaxSteps; a non-finite f
// at an accepted state is ErrNonFinite; a cancelled context (checked between
// steps) returns an error wrapping ctx.Err().
//
// # Memory
//
// All work vectors are allocated once per call; steps do not allocate. f
// writes f(t, y) into dst and must not keep y or dst.
//
// # Pieces
//
// Options.Split hands the element-wise loops of the adaptive steps to the
// caller, in pieces of the state it chooses (a particle solver runs them on
// the cores that evaluate f on the same pieces). Each element is computed
// as without it and the error norm is summed in index order, so the bits
// of the solution do not depend on Split.
package ode

// Package kernel is the kernel (NTK) limit of docs/mathematics.md §4.3: γ = ½,
// N → ∞, where the network output g_t follows the linear ODE
//
//	d g_t(φ)/dt = α E_π[(y' − g_t(φ')) K(φ, φ')],
//	K(φ, φ') = E_{μ_0}[∇_θF(θ;φ)·∇_θF(θ;φ')]
//	         = E[σ(a·φ)σ(a·φ')] + E[c²] E[σ'(a·φ)σ'(a·φ')] φ·φ',
//
// for F(θ; φ) = c σ(a·φ), θ = (c, a), a = (w, v) ∈ ℝ^{2d}, and μ_0:
// c ~ N(0, s_c²), a ~ N(0, (s_w²/d) I).
//
// # Closed forms
//
// (a·φ, a·φ') is centred Gaussian with Σ11 = (s_w²/d) φ·φ,
// Σ22 = (s_w²/d) φ'·φ', Σ12 = (s_w²/d) φ·φ'; θ = arccos(Σ12/√(Σ11Σ22)).
//
//	identity  E[σσ'] = Σ12,  E[σ'σ'] = 1, so K = (s_w²/d + s_c²) φ·φ'
//	ReLU      E[σσ'] = √(Σ11Σ22)(sin θ + (π − θ) cos θ)/(2π),  E[σ'σ'] = (π − θ)/(2π)
//	          (arc-cosine kernels, Cho & Saul 2009)
//	erf       E[σσ'] = (2/π) arcsin(2Σ12/√((1+2Σ11)(1+2Σ22))),
//	          E[σ'σ'] = (4/π)/√((1+2Σ11)(1+2Σ22) − 4Σ12²)   (Williams 1997)
//
// The Gaussian-process covariance of g_0 is E[c²] E[σσ'] (NTK.GP).
// tanh and sigmoid have no closed form: their moments are computed by nested
// one-dimensional Gaussian expectations with graded Gauss–Legendre panels
// (accurate to about 1e-14, checked on erf against its closed form).
//
// # The flow on a quadrature grid
//
// With nodes u_1..u_Q, weights ω_q > 0 and Ω = diag(ω), the ODE is
// ġ = α K Ω (Y − g). With e = Y − g and ẽ = Ω^{1/2} e it reads
// dẽ/dt = −α S ẽ, S = Ω^{1/2} K Ω^{1/2} = V Λ Vᵀ (gonum mat.EigenSym), so
//
//	g_t = Y − Ω^{−1/2} V e^{−αΛt} Vᵀ Ω^{1/2} (Y − g_0),
//
// exactly, at any t, in O(Q²) per time after an O(Q³) factorisation. Off the
// grid, g_t(φ) = g_0(φ) + Σ_r K(φ, φ_r) β_r(t) with
// β(t) = α Ω^{1/2} V diag((1 − e^{−αλt})/(αλ)) Vᵀ Ω^{1/2} (Y − g_0) (Flow.Coef).
package kernel

// Package activation is the one home of the scalar activations σ of
// docs/mathematics.md (§0; the unit nonlinearity of F(θ; φ) = c σ(a·φ) in
// §3, and the activation layers of the finite networks of gnn), with
// their derivatives σ', as plain functions of a float64 (no interface per
// call):
//
//	identity  σ(z) = z                       σ'(z) = 1
//	tanh      σ(z) = tanh z                  σ'(z) = 1 − tanh² z
//	relu      σ(z) = max(z, 0)               σ'(z) = 1 if z > 0, else 0
//	sigmoid   σ(z) = 1/(1 + e^{−z})          σ'(z) = σ(z)(1 − σ(z))
//	erf       σ(z) = erf z                   σ'(z) = (2/√π) e^{−z²}
//	elu       σ(z) = z if z > 0, e^z − 1     σ'(z) = 1 if z > 0, else e^z
//
// ELU (α = 1, as in the GAT models of gnn) is C¹: σ'(0) = 1 from both sides.
//
// Kind is the one activation type of gnnwb and Parse its one parser: the
// layer gnn.Activation, gnn.ModelOptions.Act, gnn/shallow's
// ModelConfig.Activation and limits (limits/kernel, limits/meanfield,
// limits/continuous) all take a Kind; their slice loops over a whole layer
// stay beside the code that runs them.
package activation

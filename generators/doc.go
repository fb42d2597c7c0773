// Package generators samples random graphs: Erdős–Rényi G(n,p) and G(n,m),
// stochastic block models, W-random graphs G(n,W,ρ) and Chung–Lu graphs,
// exactly and in O(n + |E|) time where the model allows it. See MATH.md
// section 1.
package generators

// Package ergodic runs the experiment of training along random walks
// (docs/mathematics.md §10): networks of increasing width N trained by online
// SGD on the samples of the i.i.d. sampler and of walks on the graphon with
// hold probabilities h, each measured against the mean-field limit under
// its own sampling law, beside the predicted C_walk(t)/N of package
// limits/fluctuation (Walk), and the integrated autocorrelation time of the
// target along each walk, measured on a long chain, beside the one the
// Poisson equation predicts (limits/longrun).
//
// The samplers are walks of package generators/walk on the graphon (the
// i.i.d. sampler is the walk with restart probability 1, which draws a
// uniform latent at every step); each visited latent u gets the features of
// π_∞, φ(u) = (X(u), (T_W X)(u)) (limits.Setup.LimitFeatures), so that the
// graph's own error of order (nρ)^{−½} is not mixed into the width error.
// The prediction uses the walk's chain on the quadrature grid
// (longrun.Graphon), the Nyström discretisation of the walk that the
// networks take on [0,1].
package ergodic

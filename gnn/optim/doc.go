// Package optim holds the optimisers that train gnn's models: SGD with
// momentum and Adam, each exactly as in torch.optim, behind the Optimizer
// interface, whose State lets a checkpoint store and restore any of them.
//
// # Update rules
//
// For a parameter θ with gradient ∇θ, learning rate η and weight decay λ
// (λ = 0 for a gnn.Param with NoDecay; a Param with Buffer, such as
// gnn.BatchNorm's running statistics, is never updated):
//
//	SGD (torch.optim.SGD, dampening 0, no Nesterov), momentum μ:
//	  g ← ∇θ + λθ
//	  μ = 0:  θ ← θ − η g
//	  μ ≠ 0:  v ← g at the first step, v ← μ v + g after;  θ ← θ − η v
//
//	Adam (torch.optim.Adam, Kingma & Ba 2015, L2 weight decay, not AdamW),
//	step t = 1, 2, …, β1 = 0.9, β2 = 0.999, ε = 1e-8 by default:
//	  g ← ∇θ + λθ
//	  m ← β1 m + (1−β1) g,   v ← β2 v + (1−β2) g²
//	  θ ← θ − (η/(1−β1^t)) · m / (√v/√(1−β2^t) + ε)
//
// with m and v zero before the first step. Adam computes in the operation
// order of PyTorch 1.13's single-tensor implementation, so that its results
// match PyTorch's to a few roundings.
//
// # State
//
// An optimiser's state is indexed like the parameter slice passed to Step,
// which must be the same at every call. State returns it as a State: the
// kind ("sgd" or "adam"), the number of steps taken (Adam's t) and its
// per-parameter buffers under torch's names, "momentum_buffer" for SGD's v,
// "exp_avg" and "exp_avg_sq" for Adam's m and v (an empty entry for a
// buffer parameter). SetState restores it into a fresh optimiser of the
// same kind and hyper-parameters, after which the steps are the same bits
// as those of the optimiser that was saved. The hyper-parameters (η, μ, λ,
// β1, β2, ε) are not part of the state; a learning-rate schedule sets η
// through SetLR.
//
// # Determinism
//
// Updates are elementwise, computed in fixed chunks, so they give the same
// bits for any GOMAXPROCS. Step does not clear the gradients; ZeroGrad
// does, before the next backward pass.
//
// # References
//
//   - D. P. Kingma, J. Ba, Adam: a method for stochastic optimization,
//     ICLR 2015.
package optim

// Package train trains the models of package gnn: full-batch node
// classification or regression on one graph (Nodes), mini-batch graph
// classification or regression (Graphs), repeated runs over seeds (RepeatNodes) and k-fold
// cross-validation (CrossValidate), with any optimiser of gnn/optim (Adam
// by default), early stopping, checkpoints that resume bit for bit, and
// the losses and metrics they use.
//
// # Losses
//
// For B listed rows (nil: all rows), as in docs/mathematics.md §2.2:
//
//	SquaredError      ℓ = ½ (1/B) Σ_i ‖ŷ_i − y_i‖²,                   ∂ℓ/∂ŷ_i = (ŷ_i − y_i)/B
//	MeanSquaredError  ℓ = (1/(B·d)) Σ_i ‖ŷ_i − y_i‖²,                 ∂ℓ/∂ŷ_i = 2(ŷ_i − y_i)/(B·d)
//	CrossEntropy      ℓ = (1/B) Σ_i (log Σ_c e^{z_ic} − z_{i,y_i}),    ∂ℓ/∂z_i = (softmax(z_i) − onehot(y_i))/B
//
// MeanSquaredError as torch.nn.functional.mse_loss and CrossEntropy as
// torch.nn.functional.cross_entropy on the masked rows, the latter
// computed with the log-sum-exp shifted by max_c z_ic. The training loops
// take their targets as y []int32, class labels (classification, the
// cross-entropy), or y []float64, d real values per sample (regression,
// the mean squared error; a model of d outputs): the type parameter Target
// of Nodes, Graphs, RepeatNodes and CrossValidate.
//
// # Metrics
//
// Accuracy is the fraction of listed rows whose arg-max logit (the first on
// ties) is the label. Every run also reports its configuration's Metric
// (accuracy by default) for every epoch, and SelectValMetric chooses the
// best epoch by it. For a binary task the score of class 1 is
// s = z_1 − z_0, the logit of its softmax probability (so a two-class
// softmax is OGB's one-logit sigmoid output). ROCAUC is OGB's evaluator
// (per task, tasks with one class skipped, averaged over tasks) around
// scikit-learn's roc_auc_score, the Mann–Whitney statistic
// AUC = (1/(P·N)) Σ_{i∈pos} Σ_{j∈neg} (1[s_i > s_j] + ½·1[s_i = s_j]);
// AveragePrecision is scikit-learn's average_precision_score,
// AP = Σ_k (R_k − R_{k−1}) P_k over the distinct thresholds, without
// interpolation; MacroF1 is the mean of F1_c = 2TP_c/(2TP_c + FP_c + FN_c)
// over the classes present among labels or predictions. A regression
// reports its loss, the mean squared error, and MetricMAE, the mean
// absolute error (1/(B·d)) Σ_i Σ_k |ŷ_ik − y_ik|; its best epoch is by
// default the one of lowest validation loss. A metric that is
// undefined (one class among the rows, non-finite scores) is NaN, written
// as null in JSON.
//
// # The loops
//
// Nodes builds gnn.NewModel(Kind, d, Hidden, C, Model), initialises it from
// Seed and runs epochs e = 0, 1, …: one training step on the whole graph
// (dropout on, key of the stream (Seed, e)), the cross-entropy over the
// training nodes, one backward pass and one step of the optimiser
// (NodeConfig.Optimizer; nil: optim.NewAdam(LR, WeightDecay)); then one
// forward pass in evaluation mode gives the training, validation and test
// losses and accuracies of EpochStats.
//
// Graphs builds gnn.NewGraphModel. Epoch e shuffles the training graphs
// with the stream (Seed, e), cuts them into mini-batches of BatchSize
// graphs, joins each block-diagonally (gnn.Join) and takes one step on its
// mean cross-entropy; with StepsPerEpoch > 0 it takes that many steps
// instead, each on min(BatchSize, |train|) distinct training graphs drawn
// from the stream (Seed, t) (Xu et al.'s main.py). Step t (counted over
// the whole run) draws its dropout masks from the stream (Seed, t). The
// learning rate of epoch e is LR·LRGamma^⌊e/LRStep⌋
// (torch.optim.lr_scheduler.StepLR stepped after every epoch), set through
// the optimiser's SetLR. An epoch's
// training loss and accuracy are the means over its mini-batches weighted
// by their sizes; validation and test graphs are evaluated after the epoch,
// in evaluation mode.
//
// # Early stopping and the best epoch
//
// With validation samples, every epoch updates the best epoch by Select:
// SelectValAcc keeps the highest validation accuracy (ties: the lower
// validation loss), SelectValLoss the lowest validation loss. StopWindow is
// Kipf & Welling's rule: from epoch e = Window on (0-based), stop when the
// validation loss exceeds the mean of the Window previous ones.
// StopPatience stops when Select has not improved for Patience epochs.
// RestoreBest puts the best epoch's parameters back at the end and reports
// its accuracies; otherwise Result holds the last epoch's. Without
// validation samples neither rule applies and the last epoch is reported.
//
// # Collapse
//
// Every run watches for a collapse (Result.Collapse, RunStats.Collapse):
// a training loss that becomes NaN or ±Inf (training stops after that
// epoch), a training loss above CollapseLossFactor = 10³ times the loss at
// initialisation (that of the first step), or predictions that stay
// constant, every validation and test sample given the same class (the
// same values in regression) while their labels differ, over at least the
// last CollapseConstantEpochs = 10 epochs. The Summary counts collapsed
// runs (Collapsed) and keeps them in TestMean and TestStd, the protocol's
// figures, giving the figures without them in Healthy.
//
// # Checkpoints and resume
//
// A checkpoint is the whole state of a run between two optimiser steps:
// every parameter (buffers such as gnn.BatchNorm's running statistics
// included), the optimiser's state (an optim.State, whatever the
// optimiser), the epoch, batch and step counters, the
// early-stopping state, the best parameters, the history and the running
// sums of the current epoch. No random generator state is needed: every
// draw of step t comes from the stream (Seed, t), and the learning rate
// follows from the epoch. It is written as gob with format version 2,
// atomically (write and rename), every CheckpointEvery epochs (Nodes) or
// steps (Graphs), every CheckpointSeconds seconds, at the end, and when ctx
// is cancelled. With Resume, a checkpoint of the same task, model kind,
// seed and parameter shapes, whose optimiser state the run's optimiser
// accepts, is loaded (another one is refused with graphs.ErrParameter or
// graphs.ErrShape) and the run continues to the same bits as an
// uninterrupted one; a finished run returns its result at once. The
// hyper-parameters are not stored: resume with the same configuration.
// Version 1 checkpoints, which stored Adam's moments in fields of their
// own, are read as the state of an optim.Adam and resume as they did.
//
// # Repetition and cross-validation
//
// RepeatNodes trains with seeds Seed, Seed+1, …, Seed+runs−1 on one split
// and reports the mean and the sample standard deviation over seeds.
// CrossValidate trains, for every fold (Train, Val, Test) and every seed,
// on Train, selects the epoch on Val and reports the accuracy on Test; its
// Summary gives the mean over all runs and the standard deviation over
// folds of the per-fold means (the protocol of Errica et al. 2020), the
// spread over seeds (SeedStd), and Xu et al.'s (2019) curve maximum, the
// best epoch of the fold-averaged test curve (an optimistic estimate,
// reported for comparison with their numbers). Both keep one checkpoint per
// run in a directory, so a job started again continues where it stopped.
// With the configuration's KeepHistory, every run's per-epoch losses,
// accuracies and metric (EpochStats) are kept in RunStats.History and
// written in the Summary's JSON.
//
// # Determinism
//
// The layers, losses and optimisers compute in fixed chunks and fixed
// orders, and every random draw comes from a stream fixed by (Seed, step),
// so a run gives the same bits for any GOMAXPROCS and across checkpoint
// and resume.
//
// # References
//
//   - T. N. Kipf, M. Welling, Semi-supervised classification with graph
//     convolutional networks, ICLR 2017.
//   - K. Xu, W. Hu, J. Leskovec, S. Jegelka, How powerful are graph neural
//     networks?, ICLR 2019.
//   - F. Errica, M. Podda, D. Bacciu, A. Micheli, A fair comparison of graph
//     neural networks for graph classification, ICLR 2020.
//   - P. Veličković, G. Cucurull, A. Casanova, A. Romero, P. Liò, Y. Bengio,
//     Graph attention networks, ICLR 2018.
package train

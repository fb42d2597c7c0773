package train

import (
	"cmp"
	"fmt"
	"math"
	"unsafe"

	"github.com/gnnwb/gnnwb/gnn"
	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/internal/memlimit"
)

// Validate checks cfg for a graph of nodes nodes with features input
// features before anything is allocated or written: every number in its
// range (finite where a number is meaningful), the model options as
// gnn.NewModel takes them, and the memory of training
// (gnn.MemoryBytes) against what this process may use. Nodes calls it; a
// caller that writes anything before training (a checkpoint directory, an
// output file) calls it first. Messages name the setting by its key in the
// training report (hidden, layers, dropout, attn_dropout, heads, lr,
// weight_decay, epochs, window, patience). Errors wrap
// graphs.ErrParameter, or graphs.ErrTooLarge for sizes too large for the
// memory, which the message gives.
func (cfg NodeConfig) Validate(nodes, features int) error {
	return validate("Nodes", cfg.Kind, cfg.Hidden, cfg.Model, cfg.Epochs, cfg.LR, cfg.WeightDecay,
		cfg.Stop, cfg.Window, cfg.Patience, cfg.Select, nodes, features)
}

// Validate checks cfg as NodeConfig.Validate does, for graphs of nodes
// nodes in all (the largest batch is at most that) with features input
// features, plus batch_size ≥ 1, lr_step ≥ 0 with lr_gamma in (0,1] (0
// without a step) and steps_per_epoch ≥ 0. Graphs calls it.
func (cfg GraphConfig) Validate(nodes, features int) error {
	const fn = "Graphs"
	if cfg.BatchSize < 1 {
		return fmt.Errorf("train: %s: batch_size=%d < 1: %w", fn, cfg.BatchSize, graphs.ErrParameter)
	}
	if cfg.LRStep < 0 {
		return fmt.Errorf("train: %s: lr_step=%d is negative: %w", fn, cfg.LRStep, graphs.ErrParameter)
	}
	if (cfg.LRStep == 0 && cfg.LRGamma != 0) || (cfg.LRStep > 0 && !(cfg.LRGamma > 0 && cfg.LRGamma <= 1)) {
		return fmt.Errorf("train: %s: lr_gamma=%v with lr_step=%d (want lr_gamma in (0,1] with lr_step > 0, 0 without): %w", fn, cfg.LRGamma, cfg.LRStep, graphs.ErrParameter)
	}
	if cfg.StepsPerEpoch < 0 || cfg.StepsPerEpoch > maxStepsPerEpoch {
		return fmt.Errorf("train: %s: steps_per_epoch=%d not in [0, %d]: %w", fn, cfg.StepsPerEpoch, maxStepsPerEpoch, graphs.ErrParameter)
	}
	return validate(fn, cfg.Kind, cfg.Hidden, cfg.Model, cfg.Epochs, cfg.LR, cfg.WeightDecay,
		cfg.Stop, cfg.Window, cfg.Patience, cfg.Select, nodes, features)
}

// maxEpochs bounds epochs: the per-epoch history is kept in memory.
const maxEpochs = 1 << 30

// maxStepsPerEpoch bounds steps_per_epoch (Xu et al. take 50).
const maxStepsPerEpoch = 1 << 20

func validate(fn, kind string, hidden int, m gnn.ModelOptions, epochs int, lr, wd float64, stop StopRule, window, patience int, sel Select, nodes, features int) error {
	perr := func(format string, a ...any) error {
		return fmt.Errorf("train: %s: "+format+": %w", append(append([]any{fn}, a...), graphs.ErrParameter)...)
	}
	switch {
	case hidden < 1:
		return perr("hidden=%d < 1", hidden)
	case m.Layers < 0 || m.Layers > 64:
		return perr("layers=%d not in [1,64]", m.Layers)
	case !(m.Dropout >= 0 && m.Dropout < 1):
		return perr("dropout=%v not in [0,1)", m.Dropout)
	case !(m.AttnDropout >= 0 && m.AttnDropout < 1):
		return perr("attn_dropout=%v not in [0,1)", m.AttnDropout)
	case m.Heads < 0:
		return perr("heads=%d is negative", m.Heads)
	case epochs < 0 || epochs > maxEpochs:
		return perr("epochs=%d not in [0, %d]", epochs, maxEpochs)
	case !(lr > 0 && lr <= math.MaxFloat64):
		return perr("lr=%v not a finite number > 0", lr)
	case !(wd >= 0 && wd <= math.MaxFloat64):
		return perr("weight_decay=%v not a finite number ≥ 0", wd)
	case nodes < 0 || features < 0:
		return fmt.Errorf("train: %s: %d nodes, %d features: %w", fn, nodes, features, graphs.ErrShape)
	}
	if err := checkRules(fn, stop, window, patience, sel); err != nil {
		return err
	}
	bytes := gnn.MemoryBytes(kind, nodes, features, hidden, 1, m) + float64(epochs)*float64(unsafe.Sizeof(EpochStats{}))
	if err := memlimit.Check(bytes); err != nil {
		heads := ""
		if kind == gnn.KindGAT {
			heads = fmt.Sprintf(" heads=%d", cmp.Or(m.Heads, 8))
		}
		return fmt.Errorf("train: %s: hidden=%d%s layers=%d epochs=%d on %d nodes with %d features: %v: %w",
			fn, hidden, heads, cmp.Or(m.Layers, 2), epochs, nodes, features, err, graphs.ErrTooLarge)
	}
	return nil
}

// ValidateRuns checks a number of runs as RepeatNodes and CrossValidate do
// (runs of at most epochs epochs, with their history when keepHistory):
// at least 1, and their statistics within the memory this process may use
// (graphs.ErrTooLarge). A caller that writes anything before them calls it
// first.
func ValidateRuns(runs, epochs int, keepHistory bool) error {
	return checkRuns("ValidateRuns", runs, epochs, keepHistory)
}

// checkRuns refuses runs < 1 and more runs than the memory of their
// statistics allows.
func checkRuns(fn string, runs int, epochs int, history bool) error {
	if runs < 1 {
		return fmt.Errorf("train: %s: runs=%d < 1: %w", fn, runs, graphs.ErrParameter)
	}
	per := float64(unsafe.Sizeof(RunStats{})) + 8*float64(epochs)
	if history {
		per += float64(epochs) * float64(unsafe.Sizeof(EpochStats{}))
	}
	if err := memlimit.Check(float64(runs) * per); err != nil {
		return fmt.Errorf("train: %s: runs=%d: %v: %w", fn, runs, err, graphs.ErrTooLarge)
	}
	return nil
}

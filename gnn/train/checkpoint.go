package train

import (
	"bytes"
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"

	"github.com/gnnwb/gnnwb/gnn"
	"github.com/gnnwb/gnnwb/gnn/optim"
	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/internal/atomicfile"
	"github.com/gnnwb/gnnwb/internal/checksum"
)

// checkpointVersion is the format version written into every checkpoint.
// Version 2 stores the optimiser's state as an optim.State (field Optim),
// whatever the optimiser; version 1, still read, stored Adam's moments and
// step count in AdamM, AdamV and AdamT. Version 3 is version 2 sealed with
// the SHA-256 of its content (internal/checksum), so that a corrupt file is
// refused instead of resumed; versions 1 and 2, written unsealed, are still
// read.
const checkpointVersion = 3

// checkpoint is the whole state of a training run between two steps. The
// random draws of step t come from the stream (Seed, t), so no generator
// state is stored, and the learning rate of a schedule follows from Epoch.
// Params holds every gnn.Param of the model, buffers (gnn.BatchNorm's
// running statistics, gnn.Param.Buffer) included, so they need no field of
// their own and version 1 files stay readable; Adam keeps no moments for
// them.
type checkpoint struct {
	Version int
	Task    string // "nodes" or "graphs"
	Kind    string
	Seed    uint64
	Shapes  []int // parameter lengths, to refuse a mismatching model

	Epoch int // completed epochs
	Batch int // completed mini-batches of the current epoch (graphs)
	Step  int // completed optimiser steps

	Params [][]float64
	Optim  optim.State // the optimiser's state (version 2)

	// Version 1 only: Adam's moments and step count, which
	// decodeCheckpoint moves into Optim.
	AdamM [][]float64
	AdamV [][]float64
	AdamT int

	Best      [][]float64
	BestEpoch int
	BestLoss  float64
	BestAcc   float64
	// BestMetric is the validation Metric of the best epoch (SelectValMetric).
	BestMetric float64
	Bad        int // epochs since the last improvement
	Stopped    bool
	History    []EpochStats
	EpochLoss  float64 // running sums of the current epoch (graphs)
	EpochHit   float64
	EpochSeen  int
	// The outputs and targets (labels, or regression values) of the
	// current epoch's training batches (graphs, for a Metric other than
	// accuracy).
	EpochOut []float64
	EpochY   []int32
	EpochT   []float64

	// Collapse detection (see Collapse): the training loss of the first
	// step (0: unknown, in checkpoints written before it was kept), the
	// first loss-based collapse, the number of final epochs with constant
	// predictions, and whether training halted on a non-finite loss.
	Loss0    float64
	Collapse *Collapse
	Constant int
	Halted   bool

	metric Metric // the run's, for SelectValMetric (not stored)
}

func paramShapes(ps []gnn.Param) []int {
	s := make([]int, len(ps))
	for k, p := range ps {
		s[k] = len(p.Value)
	}
	return s
}

func cloneParams(ps []gnn.Param) [][]float64 {
	c := make([][]float64, len(ps))
	for k, p := range ps {
		c[k] = append([]float64(nil), p.Value...)
	}
	return c
}

func saveCheckpoint(path string, c *checkpoint) error {
	c.Version = checkpointVersion
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(c); err != nil {
		return fmt.Errorf("train: checkpoint %s: %w", path, err)
	}
	err := atomicfile.Write(path, func(w io.Writer) error {
		_, err := w.Write(checksum.Seal(buf.Bytes()))
		return err
	})
	if err != nil {
		return fmt.Errorf("train: checkpoint %s: %w", path, err)
	}
	return nil
}

// loadCheckpoint reads path; a missing file gives (nil, nil).
func loadCheckpoint(path string) (*checkpoint, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("train: checkpoint: %w", err)
	}
	return decodeCheckpoint(data, path)
}

// decodeCheckpoint parses a checkpoint read from path (for messages). A
// version 1 checkpoint gets its Adam moments as Optim, the state an
// optim.Adam with them returns.
func decodeCheckpoint(data []byte, path string) (*checkpoint, error) {
	data, sealed, err := checksum.Open(data)
	if err != nil {
		return nil, fmt.Errorf("train: checkpoint %s: %v: %w", path, err, graphs.ErrFormat)
	}
	var c checkpoint
	if err := gob.NewDecoder(bytes.NewReader(data)).Decode(&c); err != nil {
		return nil, fmt.Errorf("train: checkpoint %s: %v: %w", path, err, graphs.ErrFormat)
	}
	if sealed != (c.Version >= 3) {
		return nil, fmt.Errorf("train: checkpoint %s: version %d %s a checksum: the file is corrupt: %w", path, c.Version, map[bool]string{true: "with", false: "without"}[sealed], graphs.ErrFormat)
	}
	switch c.Version {
	case 1:
		if c.AdamT > 0 { // version 1 restored the moments only after a step
			c.Optim = (&optim.Adam{M: c.AdamM, V: c.AdamV, T: c.AdamT}).State()
		}
		c.AdamM, c.AdamV, c.AdamT = nil, nil, 0
	case 2, checkpointVersion:
	default:
		return nil, fmt.Errorf("train: checkpoint %s: version %d, want 1 to %d: %w", path, c.Version, checkpointVersion, graphs.ErrFormat)
	}
	return &c, nil
}

// matches checks that c belongs to this run and that its optimiser state
// fits the parameters.
func (c *checkpoint) matches(path, task, kind string, seed uint64, ps []gnn.Param) error {
	shapes := paramShapes(ps)
	ok := c.Task == task && c.Kind == kind && c.Seed == seed && len(c.Shapes) == len(shapes) &&
		len(c.Params) == len(ps)
	for k := range shapes {
		ok = ok && c.Shapes[k] == shapes[k] && len(c.Params[k]) == shapes[k]
	}
	if !ok {
		return fmt.Errorf("train: checkpoint %s: task %s kind %s seed %d does not match this run (task %s kind %s seed %d, %d parameters): %w",
			path, c.Task, c.Kind, c.Seed, task, kind, seed, len(ps), graphs.ErrParameter)
	}
	if err := c.Optim.Check(ps); err != nil {
		return fmt.Errorf("train: checkpoint %s: %w", path, err)
	}
	return nil
}

// startCheckpoint returns the training state to start from: a fresh one,
// or, when resume is set and path holds a checkpoint of the same task,
// model kind, seed and parameter shapes, that checkpoint with its
// parameters copied into ps and its optimiser state set into opt (which
// refuses the state of another kind of optimiser). save writes the current
// parameters and optimiser state to path (atomically; a no-op when path is
// empty).
func startCheckpoint(path string, resume bool, task, kind string, seed uint64, ps []gnn.Param, opt optim.Optimizer) (st *checkpoint, save func() error, err error) {
	st = &checkpoint{Task: task, Kind: kind, Seed: seed, Shapes: paramShapes(ps),
		BestLoss: math.Inf(1), BestAcc: -1, BestEpoch: -1}
	if resume {
		c, err := loadCheckpoint(path)
		if err != nil {
			return nil, nil, err
		}
		if c != nil {
			if err := c.matches(path, task, kind, seed, ps); err != nil {
				return nil, nil, err
			}
			if c.Optim.Kind != "" { // empty: a version 1 checkpoint before any step
				if err := opt.SetState(c.Optim); err != nil {
					return nil, nil, fmt.Errorf("train: checkpoint %s: %w", path, err)
				}
			}
			st = c
			for k, p := range ps {
				copy(p.Value, c.Params[k])
			}
		}
	}
	save = func() error {
		if path == "" {
			return nil
		}
		st.Params, st.Optim = cloneParams(ps), opt.State()
		return saveCheckpoint(path, st)
	}
	return st, save, nil
}

// accuracyMetric sets, for MetricAccuracy, the metric of every epoch of the
// history to its accuracy, as the training loops do: checkpoints written
// before EpochStats had metrics lack them.
func (st *checkpoint) accuracyMetric(m Metric) {
	if m != MetricAccuracy {
		return
	}
	for k := range st.History {
		h := &st.History[k]
		h.TrainMetric, h.ValMetric, h.TestMetric = h.TrainAcc, h.ValAcc, h.TestAcc
	}
}

package shallow

import (
	"bytes"
	"context"
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"time"

	"github.com/gnnwb/gnnwb/gnn/activation"
	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/internal/atomicfile"
	"github.com/gnnwb/gnnwb/internal/checksum"
	"github.com/gnnwb/gnnwb/internal/memlimit"
	"github.com/gnnwb/gnnwb/internal/parallel"
)

// Config is everything Train needs; the CLI fills it from flags and the
// library validates it. Train copies what it keeps.
type Config struct {
	ModelConfig

	Alpha float64   // α: SGD moves units by α/N^{2−γ} (η = α N^{2γ−2})
	Batch int       // B ≥ 1 samples per step
	Time  float64   // T ≥ 0: Train runs K = round(T·N) steps
	Times []float64 // rescaled times t ∈ [0, T] to record, each at step round(t·N); duplicates merge

	// Eval is the evaluation set whose outputs ŷ are recorded (nil: none),
	// e.g. quadrature nodes u_q with φ(u_q) = (X(u_q), (T_W X)(u_q)). When it
	// has targets Y the record also holds EvalLoss = ½ Σ_q ω_q (y_q − ŷ_q)²
	// with ω = EvalWeights (nil: 1/Q each).
	Eval        *Samples
	EvalWeights []float64

	Checkpoint      string        // checkpoint file ("" : none)
	CheckpointSteps int64         // save every this many steps (0: never by count)
	CheckpointEvery time.Duration // save when this long has passed since the last save (0: never by time)
	Resume          bool          // continue from Checkpoint if the file exists

	Progress func(done, total int64) // called from Train's goroutine; nil: quiet
}

// DefaultConfig returns the defaults the CLI starts from: N = 1000, d = 1,
// γ = 1, tanh, model A, Sc = Sw = 1, seed 1, α = 1, B = 1, T = 1, records at
// t = 0 and T.
func DefaultConfig() Config {
	return Config{
		ModelConfig: ModelConfig{Width: 1000, Dim: 1, Gamma: 1, Activation: activation.Tanh, Variant: ModelA, Sc: 1, Sw: 1, Seed: 1},
		Alpha:       1, Batch: 1, Time: 1, Times: []float64{0, 1},
	}
}

// Record is the state of a run after Step = k steps, t = k/N.
type Record struct {
	T    float64 `json:"t"`
	Step int64   `json:"step"`
	// BatchLoss is ½(1/B)Σ(y − ŷ)² on the batch of step k under θ_k (before
	// that batch's update): an unbiased estimate of the population loss.
	BatchLoss float64 `json:"batch_loss"`
	// MeanBatchLoss averages BatchLoss over the steps since the previous
	// record (this one included).
	MeanBatchLoss float64 `json:"mean_batch_loss"`
	// EvalLoss is ½ Σ_q ω_q (y_q − ŷ_q)² on Config.Eval, 0 without targets.
	EvalLoss float64 `json:"eval_loss"`
	Moments
	Output []float64 `json:"output,omitempty"` // ŷ on Config.Eval
}

// Run is the result of Train.
type Run struct {
	Width      int      `json:"width"`
	Dim        int      `json:"dim"`
	Gamma      float64  `json:"gamma"`
	Alpha      float64  `json:"alpha"`
	Activation string   `json:"activation"`
	Variant    string   `json:"variant"`
	Batch      int      `json:"batch"`
	Sc         float64  `json:"sc"`
	Sw         float64  `json:"sw"`
	Symmetric  bool     `json:"symmetric"`
	Seed       uint64   `json:"seed"`
	Steps      int64    `json:"steps"` // steps done
	Records    []Record `json:"records"`
	Model      *Model   `json:"-"` // the parameters after Steps steps
}

// checkpointVersion is the format version written. Version 2 is version 1
// sealed with the SHA-256 of its content (internal/checksum), so that a
// corrupt file is refused instead of resumed; version 1 is still read.
const checkpointVersion = 2

// checkpointMagic names the checkpoint format. It keeps the package's
// former name, gnn/asymptotic, so that checkpoints written before the
// rename stay readable.
const checkpointMagic = "gnnwb/asymptotic checkpoint"

type checkpoint struct {
	Magic       string
	Version     int
	Fingerprint string
	Step        int64
	C, A        []float64
	Records     []Record
	LossSum     float64
	LossCount   int64
	// SamplerState is the state of a StatefulSampler before the batch of
	// step Step (empty for stateless samplers; gob leaves it empty when
	// reading an older checkpoint).
	SamplerState []byte
}

func (c *Config) fingerprint() string {
	return fmt.Sprintf("N=%d d=%d gamma=%x act=%v variant=%v sc=%x sw=%x sym=%v seed=%d alpha=%x B=%d",
		c.Width, c.Dim, c.Gamma, c.Activation, c.Variant, c.Sc, c.Sw, c.Symmetric, c.Seed, c.Alpha, c.Batch)
}

// maxSteps bounds K = round(T·N) so that step counters stay exact.
const maxSteps = 1 << 53

// Validate checks c as Train does before it starts (every field in its
// range, the model and a step's memory against what this process may use),
// so that a caller can refuse a configuration before it writes anything.
// Messages name the settings as the CLI's keys (width, dim, gamma, alpha,
// batch, time, times, sc, sw). Errors wrap graphs.ErrParameter,
// graphs.ErrShape or graphs.ErrTooLarge.
func (c Config) Validate() error {
	_, _, err := c.check()
	return err
}

func (c *Config) check() (int64, []int64, error) {
	if err := c.ModelConfig.check("Train"); err != nil {
		return 0, nil, err
	}
	if !(c.Alpha > 0 && c.Alpha <= MaxScale) {
		return 0, nil, fmt.Errorf("shallow: Train: alpha=%v not in (0, %g]: %w", c.Alpha, MaxScale, graphs.ErrParameter)
	}
	if c.Batch < 1 || c.Batch > 1<<30 {
		return 0, nil, fmt.Errorf("shallow: Train: batch=%d not in [1, 2^30]: %w", c.Batch, graphs.ErrParameter)
	}
	if int64(c.Batch)*int64(2*c.Dim) > maxParams {
		return 0, nil, fmt.Errorf("shallow: Train: batch=%d × 2·dim=%d inputs exceed %d: %w", c.Batch, 2*c.Dim, int64(maxParams), graphs.ErrTooLarge)
	}
	// A step holds B samples of 2d inputs, their outputs and coefficients,
	// in the sampler and the model's workspace, besides the model.
	if err := memlimit.Check(modelBytes(c.Width, c.Dim) + 32*float64(c.Batch)*(2*float64(c.Dim)+4)); err != nil {
		return 0, nil, fmt.Errorf("shallow: Train: batch=%d, width=%d, dim=%d: %v: %w", c.Batch, c.Width, c.Dim, err, graphs.ErrTooLarge)
	}
	kf := math.Round(c.Time * float64(c.Width))
	if !(c.Time >= 0 && kf <= maxSteps) {
		return 0, nil, fmt.Errorf("shallow: Train: time=%v: need 0 ≤ T and T·N ≤ 2^53: %w", c.Time, graphs.ErrParameter)
	}
	steps := int64(kf)
	var recs []int64
	for i, t := range c.Times {
		if !(t >= 0 && t <= c.Time) {
			return 0, nil, fmt.Errorf("shallow: Train: times[%d]=%v not in [0, time=%v]: %w", i, t, c.Time, graphs.ErrParameter)
		}
		recs = append(recs, min(int64(math.Round(t*float64(c.Width))), steps))
	}
	slices.Sort(recs)
	recs = slices.Compact(recs)
	if c.Eval != nil {
		q, err := c.Eval.check("Train (Eval)", c.Dim, c.Variant)
		if err != nil {
			return 0, nil, err
		}
		if c.Eval.Y != nil && c.EvalWeights != nil && len(c.EvalWeights) != q {
			return 0, nil, fmt.Errorf("shallow: Train: len(EvalWeights)=%d, want Q=%d: %w", len(c.EvalWeights), q, graphs.ErrShape)
		}
	}
	if c.CheckpointSteps < 0 || c.CheckpointEvery < 0 {
		return 0, nil, fmt.Errorf("shallow: Train: checkpoint_steps=%d, checkpoint_every=%v must be ≥ 0: %w", c.CheckpointSteps, c.CheckpointEvery, graphs.ErrParameter)
	}
	return steps, recs, nil
}

// StepRand returns the random stream of training step k for seed:
// rand.New(rand.NewPCG(seed, parallel.Mix(k))). It depends on neither n nor
// N, so runs that differ only in those share their latent sequence.
func StepRand(seed uint64, k int64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, parallel.Mix(uint64(k))))
}

// Train runs online SGD (docs/mathematics.md §3.3) from μ_0 for K = round(T·N)
// steps. Step k (k = 0..K−1) draws a batch of B samples from sampler with
// StepRand(Seed, k) and applies Model.Step with α. At every requested step
// k_t = round(t·N) it records, before that step's update, the batch loss,
// the unit moments and the outputs on Eval (Record); a record at K draws
// batch K only for its loss. The sampler must implement NeighbourSampler for
// ModelB.
//
// Checkpoints (θ, the next step, the records so far, gob-encoded, written
// atomically) go to cfg.Checkpoint every CheckpointSteps steps, every
// CheckpointEvery of wall time, at the end, and on cancellation; an existing
// file is overwritten. With Resume, a matching checkpoint (same N, d, γ, σ,
// variant, μ_0, seed, α, B) is continued — the result is bit-identical to an
// uninterrupted run, whatever GOMAXPROCS — and a missing file starts the run
// from step 0. A checkpoint may be continued to a larger T; its records are
// kept, and records are added for the requested times after its last one
// (the evaluation set is not part of the checkpoint: keep it the same).
// A StatefulSampler's state before the next step is saved with θ and
// restored on resume; the sampler itself continues from whatever state it
// is in when Train is called (pass a fresh one for a fresh run).
// Progress is called about 1000 times per run, after steps. When ctx is cancelled Train saves a checkpoint and returns the
// partial run with an error wrapping ctx.Err().
//
// Cost per step: O(N·E·d) with E = B (model A) or the batch's neighbour
// entries (model B), parallel over fixed unit chunks. Errors: invalid
// configuration (graphs.ErrParameter, ErrShape, ErrTooLarge), a sampler
// error (wrapped), a non-finite loss (divergence, graphs.ErrParameter), a
// checkpoint that cannot be read, does not match or cannot be written.
func Train(ctx context.Context, cfg Config, sampler Sampler) (*Run, error) {
	steps, recSteps, err := cfg.check()
	if err != nil {
		return nil, err
	}
	if sampler == nil || sampler.Dim() != cfg.Dim {
		d := -1
		if sampler != nil {
			d = sampler.Dim()
		}
		return nil, fmt.Errorf("shallow: Train: sampler Dim=%d, want d=%d: %w", d, cfg.Dim, graphs.ErrShape)
	}
	var nsampler NeighbourSampler
	if cfg.Variant == ModelB {
		ns, ok := sampler.(NeighbourSampler)
		if !ok {
			return nil, fmt.Errorf("shallow: Train: model B needs a NeighbourSampler, got %T: %w", sampler, graphs.ErrUnsupported)
		}
		nsampler = ns
	}
	m, err := NewModel(cfg.ModelConfig)
	if err != nil {
		return nil, err
	}
	run := &Run{Width: cfg.Width, Dim: cfg.Dim, Gamma: cfg.Gamma, Alpha: cfg.Alpha, Activation: cfg.Activation.String(),
		Variant: cfg.Variant.String(), Batch: cfg.Batch, Sc: cfg.Sc, Sw: cfg.Sw, Symmetric: cfg.Symmetric, Seed: cfg.Seed, Model: m}
	ck := checkpoint{Magic: checkpointMagic, Version: checkpointVersion, Fingerprint: cfg.fingerprint()}
	if cfg.Resume && cfg.Checkpoint != "" {
		loaded, ok, err := readCheckpoint(cfg.Checkpoint)
		if err != nil {
			return nil, err
		}
		if ok {
			if loaded.Fingerprint != ck.Fingerprint || len(loaded.C) != m.N || len(loaded.A) != len(m.A) {
				return nil, fmt.Errorf("shallow: Train: checkpoint %s is for %q, not %q: %w", cfg.Checkpoint, loaded.Fingerprint, ck.Fingerprint, graphs.ErrParameter)
			}
			if loaded.Step > steps {
				return nil, fmt.Errorf("shallow: Train: checkpoint %s is at step %d beyond K=%d: %w", cfg.Checkpoint, loaded.Step, steps, graphs.ErrParameter)
			}
			copy(m.C, loaded.C)
			copy(m.A, loaded.A)
			ck.Step, ck.Records, ck.LossSum, ck.LossCount = loaded.Step, loaded.Records, loaded.LossSum, loaded.LossCount
			if err := restoreSampler(cfg.Checkpoint, sampler, loaded); err != nil {
				return nil, err
			}
		}
	}
	// records not yet taken
	next := 0
	if n := len(ck.Records); n > 0 {
		last := ck.Records[n-1].Step
		for next < len(recSteps) && recSteps[next] <= last {
			next++
		}
	}
	stateful, _ := sampler.(StatefulSampler)
	var pre []byte     // the sampler's state before the batch of the current step
	overdrawn := false // the batch of step ck.Step was drawn (a final record), so pre is the state to save
	save := func() error {
		if cfg.Checkpoint == "" {
			return nil
		}
		ck.C, ck.A = m.C, m.A
		if stateful != nil {
			if overdrawn {
				ck.SamplerState = append(ck.SamplerState[:0], pre...)
			} else {
				ck.SamplerState = stateful.AppendState(ck.SamplerState[:0])
			}
		}
		var buf bytes.Buffer
		if err := gob.NewEncoder(&buf).Encode(&ck); err != nil {
			return fmt.Errorf("shallow: Train: encode checkpoint: %w", err)
		}
		return atomicfile.Write(cfg.Checkpoint, func(w io.Writer) error {
			_, err := w.Write(checksum.Seal(buf.Bytes()))
			return err
		})
	}
	finish := func() *Run {
		run.Steps = ck.Step
		run.Records = ck.Records
		return run
	}

	p := 2 * cfg.Dim
	nb := cfg.Batch
	batch := &Samples{Dim: cfg.Dim, Y: make([]float64, nb)}
	if cfg.Variant == ModelA {
		batch.Phi = make([]float64, nb*p)
	} else {
		batch.End = make([]int, nb)
	}
	var em *Model // evaluation shares θ, not scratch
	if cfg.Eval != nil {
		em = &Model{N: m.N, D: m.D, Gamma: m.Gamma, Act: m.Act, Variant: m.Variant, C: m.C, A: m.A}
	}
	every := max(steps/1000, 1)
	lastSave := time.Now()
	for k := ck.Step; k <= steps; k++ {
		if err := ctx.Err(); err != nil {
			if serr := save(); serr != nil {
				return finish(), errors.Join(fmt.Errorf("shallow: Train: cancelled at step %d: %w", k, err), serr)
			}
			return finish(), fmt.Errorf("shallow: Train: cancelled at step %d: %w", k, err)
		}
		if k == steps && next >= len(recSteps) {
			break
		}
		rng := StepRand(cfg.Seed, k)
		if stateful != nil && k == steps {
			pre = stateful.AppendState(pre[:0])
			overdrawn = true
		}
		if cfg.Variant == ModelA {
			err = sampler.Sample(rng, batch.Phi, batch.Y)
		} else {
			batch.Weight, batch.NbrPhi, err = nsampler.SampleNeighbours(rng, batch.Y, batch.End, batch.Weight[:0], batch.NbrPhi[:0])
		}
		if err != nil {
			return finish(), fmt.Errorf("shallow: Train: sampler at step %d: %w", k, err)
		}
		if _, err := batch.check("Train (sampler output)", cfg.Dim, cfg.Variant); err != nil {
			return finish(), err
		}
		v := m.view(batch, nb)
		loss := m.residuals(v, batch.Y)
		if math.IsNaN(loss) || math.IsInf(loss, 0) {
			return finish(), fmt.Errorf("shallow: Train: loss=%v at step %d (diverged; lower alpha): %w", loss, k, graphs.ErrParameter)
		}
		// The batch loss of step k joins the current window once: not when
		// a resumed run repeats a step whose record was already taken, and
		// not at a final step without a record (a continued run counts it
		// when it resumes there).
		recordHere := next < len(recSteps) && recSteps[next] == k
		recorded := len(ck.Records) > 0 && ck.Records[len(ck.Records)-1].Step == k
		if !recorded && (recordHere || k < steps) {
			ck.LossSum += loss
			ck.LossCount++
		}
		if recordHere {
			ck.Records = append(ck.Records, record(&cfg, em, k, loss, ck.LossSum/float64(ck.LossCount), m.Moments()))
			ck.LossSum, ck.LossCount = 0, 0
			next++
		}
		if k == steps {
			break
		}
		m.update(v, cfg.Alpha)
		ck.Step = k + 1
		if cfg.Progress != nil && (ck.Step%every == 0 || ck.Step == steps) {
			cfg.Progress(ck.Step, steps)
		}
		if cfg.Checkpoint != "" && ((cfg.CheckpointSteps > 0 && ck.Step%cfg.CheckpointSteps == 0) ||
			(cfg.CheckpointEvery > 0 && time.Since(lastSave) >= cfg.CheckpointEvery)) {
			if err := save(); err != nil {
				return finish(), err
			}
			lastSave = time.Now()
		}
	}
	if cfg.Progress != nil && steps == 0 {
		cfg.Progress(0, 0)
	}
	if err := save(); err != nil {
		return finish(), err
	}
	return finish(), nil
}

func record(cfg *Config, em *Model, k int64, loss, mean float64, mo Moments) Record {
	r := Record{T: float64(k) / float64(cfg.Width), Step: k, BatchLoss: loss, MeanBatchLoss: mean, Moments: mo}
	if em != nil {
		q := cfg.Eval.Len()
		r.Output = make([]float64, q)
		em.forward(r.Output, em.view(cfg.Eval, q), nil)
		if y := cfg.Eval.Y; y != nil {
			s := 0.0
			for i, o := range r.Output {
				e := y[i] - o
				w := 1 / float64(q)
				if cfg.EvalWeights != nil {
					w = cfg.EvalWeights[i]
				}
				s += w * e * e
			}
			r.EvalLoss = s / 2
		}
	}
	return r
}

// restoreSampler sets a StatefulSampler to the state of the checkpoint
// loaded from path. A checkpoint past step 0 without a state cannot resume
// a stateful sampler (ErrParameter); a state for a stateless sampler is
// ignored.
func restoreSampler(path string, sampler Sampler, loaded checkpoint) error {
	st, ok := sampler.(StatefulSampler)
	if !ok {
		return nil
	}
	if len(loaded.SamplerState) == 0 {
		if loaded.Step == 0 {
			return nil
		}
		return fmt.Errorf("shallow: Train: checkpoint %s at step %d has no sampler state for the stateful %T: %w", path, loaded.Step, sampler, graphs.ErrParameter)
	}
	if err := st.SetState(loaded.SamplerState); err != nil {
		return fmt.Errorf("shallow: Train: checkpoint %s: %w", path, err)
	}
	return nil
}

func readCheckpoint(path string) (checkpoint, bool, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return checkpoint{}, false, nil
	}
	if err != nil {
		return checkpoint{}, false, fmt.Errorf("shallow: Train: %w", err)
	}
	data, sealed, err := checksum.Open(data)
	if err != nil {
		return checkpoint{}, false, fmt.Errorf("shallow: Train: checkpoint %s: %v: %w", path, err, graphs.ErrFormat)
	}
	var ck checkpoint
	if err := gob.NewDecoder(bytes.NewReader(data)).Decode(&ck); err != nil {
		return checkpoint{}, false, fmt.Errorf("shallow: Train: checkpoint %s: %v: %w", path, err, graphs.ErrFormat)
	}
	if ck.Magic != checkpointMagic || ck.Version < 1 || ck.Version > checkpointVersion {
		return checkpoint{}, false, fmt.Errorf("shallow: Train: checkpoint %s: magic %q version %d, want version 1 to %d: %w", path, ck.Magic, ck.Version, checkpointVersion, graphs.ErrFormat)
	}
	if sealed != (ck.Version >= 2) {
		return checkpoint{}, false, fmt.Errorf("shallow: Train: checkpoint %s: version %d %s a checksum: the file is corrupt: %w", path, ck.Version, map[bool]string{true: "with", false: "without"}[sealed], graphs.ErrFormat)
	}
	return ck, true, nil
}

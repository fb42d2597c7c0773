package shallow

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"gonum.org/v1/gonum/integrate/quad"
	"gonum.org/v1/gonum/mat"

	"github.com/gnnwb/gnnwb/gnn/activation"
	"github.com/gnnwb/gnnwb/graphs"
)

// Shifted Legendre polynomials, orthogonal under U[0,1]:
// E[P1²] = 1/3, E[P2²] = 1/5, E[P3²] = 1/7 (Abramowitz & Stegun 22.2.11).
func p1(u float64) float64 { return 2*u - 1 }
func p2(u float64) float64 { return 6*u*u - 6*u + 1 }
func p3(u float64) float64 { return 20*u*u*u - 30*u*u + 12*u - 1 }

// legendreSampler: d = 1, X = P1, M = P2, Y = P1 + 2 P2 + P3, and for model B
// the graphon W(u, v) = (1 + u v)/2 on an 8-point Gauss–Legendre rule.
func legendreSampler() *FuncSampler {
	x, w := gaussLegendre(8)
	return &FuncSampler{
		D:     1,
		X:     func(u float64, dst []float64) { dst[0] = p1(u) },
		M:     func(u float64, dst []float64) { dst[0] = p2(u) },
		Y:     func(u float64) float64 { return p1(u) + 2*p2(u) + p3(u) },
		W:     func(u, v float64) float64 { return (1 + u*v) / 2 },
		Nodes: x, Weights: w,
	}
}

func gaussLegendre(n int) (x, w []float64) {
	x, w = make([]float64, n), make([]float64, n)
	quad.Legendre{}.FixedLocations(x, w, 0, 1)
	return x, w
}

// evalSet returns the sampler's inputs at the Gauss–Legendre nodes with their
// targets, as a batch for variant v, and the weights.
func evalSet(t *testing.T, s *FuncSampler, q int, v Variant) (*Samples, []float64) {
	t.Helper()
	u, w := gaussLegendre(q)
	b, err := s.At(u, v)
	if err != nil {
		t.Fatal(err)
	}
	return b, w
}

func smallConfig(v Variant, s *FuncSampler, t *testing.T) Config {
	cfg := DefaultConfig()
	cfg.Width, cfg.Dim, cfg.Variant, cfg.Activation = 300, 1, v, activation.Tanh
	cfg.Gamma, cfg.Alpha, cfg.Batch, cfg.Time = 0.75, 0.8, 2, 1
	cfg.Seed = 21
	cfg.Times = []float64{0, 0.25, 0.5, 1}
	cfg.Eval, cfg.EvalWeights = evalSet(t, s, 5, v)
	return cfg
}

func runBits(r *Run) []float64 {
	var out []float64
	for _, rec := range r.Records {
		out = append(out, rec.T, float64(rec.Step), rec.BatchLoss, rec.MeanBatchLoss, rec.EvalLoss, rec.MeanC, rec.MeanC2)
		out = append(out, rec.MeanCA...)
		out = append(out, rec.MeanAA...)
		out = append(out, rec.Output...)
	}
	out = append(out, float64(r.Steps))
	out = append(out, r.Model.C...)
	return append(out, r.Model.A...)
}

// TestTrainDeterministic: the same run under GOMAXPROCS = 1 and 2 gives the
// same bits (N = 300 spans 5 unit chunks).
func TestTrainDeterministic(t *testing.T) {
	for _, v := range []Variant{ModelA, ModelB} {
		t.Run(v.String(), func(t *testing.T) {
			s := legendreSampler()
			cfg := smallConfig(v, s, t)
			var bits [2][]float64
			for i, procs := range []int{1, 2} {
				old := runtime.GOMAXPROCS(procs)
				r, err := Train(context.Background(), cfg, s)
				runtime.GOMAXPROCS(old)
				if err != nil {
					t.Fatal(err)
				}
				if len(r.Records) != 4 || r.Steps != 300 {
					t.Fatalf("records %d steps %d, want 4 and 300", len(r.Records), r.Steps)
				}
				bits[i] = runBits(r)
			}
			if !sameBits(bits[0], bits[1]) {
				t.Error("GOMAXPROCS=1 and 2 differ")
			}
		})
	}
}

// TestTrainResume: a run cancelled at step 137, then resumed from its
// checkpoint, ends with the same bits as an uninterrupted run; resuming a
// finished run changes nothing; a checkpoint of another configuration is
// refused.
func TestTrainResume(t *testing.T) {
	for _, v := range []Variant{ModelA, ModelB} {
		t.Run(v.String(), func(t *testing.T) {
			s := legendreSampler()
			cfg := smallConfig(v, s, t)
			full, err := Train(context.Background(), cfg, s)
			if err != nil {
				t.Fatal(err)
			}
			cfg.Checkpoint = filepath.Join(t.TempDir(), "ck.gob")
			if v == ModelA {
				cfg.CheckpointSteps = 50
			} else {
				cfg.CheckpointEvery = 2 * time.Millisecond // saves by wall time must not change the bits
			}
			ctx, cancel := context.WithCancel(context.Background())
			cfg.Progress = func(done, total int64) {
				if done == 137 {
					cancel()
				}
			}
			part, err := Train(ctx, cfg, s)
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("cancelled run: error %v, want context.Canceled", err)
			}
			if part.Steps != 137 || len(part.Records) != 2 {
				t.Fatalf("cancelled run at step %d with %d records, want 137 and 2", part.Steps, len(part.Records))
			}
			cfg.Progress = nil
			cfg.Resume = true
			resumed, err := Train(context.Background(), cfg, s)
			if err != nil {
				t.Fatal(err)
			}
			if !sameBits(runBits(full), runBits(resumed)) {
				t.Error("resumed run differs from the uninterrupted one")
			}
			again, err := Train(context.Background(), cfg, s)
			if err != nil {
				t.Fatal(err)
			}
			if !sameBits(runBits(full), runBits(again)) {
				t.Error("resuming a finished run changed it")
			}
			cfg.Alpha = 0.5
			if _, err := Train(context.Background(), cfg, s); !errors.Is(err, graphs.ErrParameter) {
				t.Errorf("mismatched checkpoint: error %v, want ErrParameter", err)
			}
			cfg.Alpha = 1
			good, err := os.ReadFile(cfg.Checkpoint)
			if err != nil {
				t.Fatal(err)
			}
			// one flipped byte anywhere (every 31st byte, the last 64 all),
			// a truncation, junk: refused, naming the file
			for i := range good {
				if i%31 != 0 && i < len(good)-64 {
					continue
				}
				bad := bytes.Clone(good)
				bad[i] ^= 0x10
				if err := os.WriteFile(cfg.Checkpoint, bad, 0o644); err != nil {
					t.Fatal(err)
				}
				if _, err := Train(context.Background(), cfg, s); !errors.Is(err, graphs.ErrFormat) || !strings.Contains(err.Error(), cfg.Checkpoint) {
					t.Fatalf("byte %d of %d flipped: error %v, want ErrFormat naming the file", i, len(good), err)
				}
			}
			for _, junk := range [][]byte{[]byte("junk"), good[:len(good)-1]} {
				if err := os.WriteFile(cfg.Checkpoint, junk, 0o644); err != nil {
					t.Fatal(err)
				}
				if _, err := Train(context.Background(), cfg, s); !errors.Is(err, graphs.ErrFormat) {
					t.Errorf("corrupt checkpoint: error %v, want ErrFormat", err)
				}
			}
		})
	}
}

// TestLatentCoupling: runs of width 4 and 8 with the same seed see the same
// latent sequence u_1, u_2, … (step k uses StepRand(seed, k), whatever N).
func TestLatentCoupling(t *testing.T) {
	var seen [2][]float64
	for i, width := range []int{4, 8} {
		s := legendreSampler()
		y := s.Y
		s.Y = func(u float64) float64 { seen[i] = append(seen[i], u); return y(u) }
		cfg := DefaultConfig()
		cfg.Width, cfg.Batch, cfg.Time, cfg.Times, cfg.Seed = width, 3, 10, nil, 77
		if _, err := Train(context.Background(), cfg, s); err != nil {
			t.Fatal(err)
		}
	}
	if len(seen[0]) != 3*40 || len(seen[1]) != 3*80 {
		t.Fatalf("drew %d and %d latents, want 120 and 240", len(seen[0]), len(seen[1]))
	}
	if !sameBits(seen[0], seen[1][:len(seen[0])]) {
		t.Error("width 4 and 8 saw different latents")
	}
}

// TestLinearConvergesToLeastSquares: with σ = identity and γ = 1 the network
// is ŷ = b·φ, b = E_N[c a] (docs/mathematics.md §4.2). For φ = (P1, P2)(u) and
// y = P1 + 2 P2 + P3, Σ = E[φφᵀ] = diag(1/3, 1/5), r = E[yφ] = (1/3, 2/5),
// so b* = Σ⁻¹r = (1, 2) and the least-squares optimum is
// L* = ½ E[P3²] = 1/14.
//
// Online SGD with constant step does not reach L* exactly: per step
// b ← b + μ P (y − b·φ) φ + O(μ²) with μ = α/N and P = Q + qI, so the error
// v = b − b* is an LMS iteration whose stationary covariance solves the
// Lyapunov equation A K + K Aᵀ = μ P G P, A = PΣ, G = E[(y − b*·φ)² φφᵀ]
// (Widrow's misadjustment, preconditioned), and E[L(b)] − L* = ½ tr(Σ K).
// The test averages the excess over the records in t ∈ [20, 120] (window
// W = 100), where the transient e^{−2λ_min(A) t} ≤ e^{−16} of the initial
// excess is negligible. In the eigenbasis of A each error mode is an
// Ornstein–Uhlenbeck process of rate λ_i, so its square has relative
// variance 2 and autocorrelation e^{−2λ_i|s|}; its time average over W has
// relative variance 2/(λ_i W) ≤ 2/(λ_min W). The ratio measured/predicted
// must lie in 1 ± 5·sqrt(2/(λ_min W)), with λ_min computed from the final
// moments.
func TestLinearConvergesToLeastSquares(t *testing.T) {
	s := legendreSampler()
	cfg := DefaultConfig()
	cfg.Width, cfg.Dim, cfg.Gamma, cfg.Activation, cfg.Alpha, cfg.Batch = 200, 1, 1, activation.Identity, 1, 1
	cfg.Seed, cfg.Time = 5, 120
	cfg.Times = []float64{0}
	const nrec = 201
	for i := range nrec {
		cfg.Times = append(cfg.Times, 20+0.5*float64(i))
	}
	cfg.Eval, cfg.EvalWeights = evalSet(t, s, 8, ModelA)
	r, err := Train(context.Background(), cfg, s)
	if err != nil {
		t.Fatal(err)
	}
	const lstar = 1.0 / 14
	ey2 := 1.0/3 + 4.0/5 + 1.0/7
	pop := func(b []float64) float64 { // ½ E[(y − b·φ)²]
		return 0.5 * (ey2 - 2*(b[0]/3+2*b[1]/5) + b[0]*b[0]/3 + b[1]*b[1]/5)
	}
	for _, rec := range r.Records {
		// the 8-point rule integrates the degree-6 polynomial exactly
		if got, want := rec.EvalLoss, pop(rec.MeanCA); math.Abs(got-want) > 1e-12*(1+want) {
			t.Fatalf("t=%v: EvalLoss %v, closed form %v", rec.T, got, want)
		}
	}
	if ex0 := pop(r.Records[0].MeanCA) - lstar; ex0 < 0.1 {
		t.Fatalf("initial excess %v: test would not show convergence", ex0)
	}
	excess := 0.0
	for _, rec := range r.Records[1:] {
		excess += pop(rec.MeanCA) - lstar
	}
	excess /= nrec

	// predicted stationary excess from the final moments
	last := r.Records[len(r.Records)-1]
	P := mat.NewDense(2, 2, append([]float64(nil), last.MeanAA...))
	P.Set(0, 0, P.At(0, 0)+last.MeanC2)
	P.Set(1, 1, P.At(1, 1)+last.MeanC2)
	sigma := mat.NewDense(2, 2, []float64{1.0 / 3, 0, 0, 1.0 / 5})
	u, w := gaussLegendre(8)
	G := mat.NewDense(2, 2, nil)
	for i, ui := range u { // degree 10 ≤ 15: exact
		e2 := p3(ui) * p3(ui)
		f := []float64{p1(ui), p2(ui)}
		for a := range 2 {
			for b := range 2 {
				G.Set(a, b, G.At(a, b)+w[i]*e2*f[a]*f[b])
			}
		}
	}
	mu := cfg.Alpha / float64(cfg.Width)
	var A, C, tmp mat.Dense
	A.Mul(P, sigma)
	tmp.Mul(P, G)
	C.Mul(&tmp, P)
	C.Scale(mu, &C)
	// vec(AK + KAᵀ) = (I⊗A + A⊗I) vec(K), row-major vec
	L := mat.NewDense(4, 4, nil)
	for i := range 2 {
		for j := range 2 {
			for k := range 2 {
				L.Set(2*i+j, 2*k+j, L.At(2*i+j, 2*k+j)+A.At(i, k))
				L.Set(2*i+j, 2*i+k, L.At(2*i+j, 2*i+k)+A.At(j, k))
			}
		}
	}
	var kv mat.VecDense
	if err := kv.SolveVec(L, mat.NewVecDense(4, []float64{C.At(0, 0), C.At(0, 1), C.At(1, 0), C.At(1, 1)})); err != nil {
		t.Fatal(err)
	}
	pred := 0.5 * (sigma.At(0, 0)*kv.AtVec(0) + sigma.At(1, 1)*kv.AtVec(3))
	var eig mat.Eigen
	if !eig.Factorize(&A, mat.EigenNone) {
		t.Fatal("eigen decomposition failed")
	}
	lmin := math.Inf(1)
	for _, l := range eig.Values(nil) {
		lmin = math.Min(lmin, real(l))
	}
	rse := math.Sqrt(2 / (lmin * 100))
	ratio := excess / pred
	t.Logf("L* = %.6g, mean excess over t∈[20,120] = %.4g, predicted %.4g, ratio %.3f (λ_min %.3g, rel. s.e. %.3f), b = %v",
		lstar, excess, pred, ratio, lmin, rse, last.MeanCA)
	if !(math.Abs(ratio-1) < 5*rse) {
		t.Errorf("excess loss %.4g is %.3f× the predicted stationary excess %.4g (relative s.e. %.3f)", excess, ratio, pred, rse)
	}
}

func TestTrainErrors(t *testing.T) {
	s := legendreSampler()
	tests := []struct {
		name string
		edit func(c *Config)
		kind error
	}{
		{"batch 0", func(c *Config) { c.Batch = 0 }, graphs.ErrParameter},
		{"alpha NaN", func(c *Config) { c.Alpha = math.NaN() }, graphs.ErrParameter},
		{"time negative", func(c *Config) { c.Time = -1 }, graphs.ErrParameter},
		{"time NaN", func(c *Config) { c.Time = math.NaN() }, graphs.ErrParameter},
		{"time huge", func(c *Config) { c.Time = 1e300 }, graphs.ErrParameter},
		{"record after T", func(c *Config) { c.Times = []float64{2} }, graphs.ErrParameter},
		{"dim mismatch", func(c *Config) { c.Dim = 2 }, graphs.ErrShape},
		{"eval shape", func(c *Config) { c.Eval = &Samples{Dim: 1, Y: []float64{1}, Phi: []float64{1}} }, graphs.ErrShape},
		{"eval weights", func(c *Config) {
			c.Eval, c.EvalWeights = &Samples{Dim: 1, Y: []float64{1}, Phi: []float64{1, 1}}, []float64{1, 2}
		}, graphs.ErrShape},
		{"checkpoint steps", func(c *Config) { c.CheckpointSteps = -1 }, graphs.ErrParameter},
		{"diverges", func(c *Config) { c.Alpha, c.Activation, c.Time = 1e6, activation.Identity, 5 }, graphs.ErrParameter},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := DefaultConfig()
			cfg.Width = 10
			tt.edit(&cfg)
			if _, err := Train(context.Background(), cfg, s); !errors.Is(err, tt.kind) {
				t.Errorf("error %v, want %v", err, tt.kind)
			}
		})
	}
	cfg := DefaultConfig()
	cfg.Width, cfg.Variant = 10, ModelB
	if _, err := Train(context.Background(), cfg, onlyA{}); !errors.Is(err, graphs.ErrUnsupported) {
		t.Errorf("model B with a plain Sampler: %v", err)
	}
	failing := &FuncSampler{D: 1}
	cfg.Variant = ModelA
	if _, err := Train(context.Background(), cfg, failing); !errors.Is(err, graphs.ErrParameter) {
		t.Errorf("sampler error not wrapped: %v", err)
	}
}

type onlyA struct{}

func (onlyA) Dim() int                                      { return 1 }
func (onlyA) Sample(rng *rand.Rand, phi, y []float64) error { return nil }

// TestRunOutput: JSON and CSV round-trip the records bit for bit.
func TestRunOutput(t *testing.T) {
	s := legendreSampler()
	cfg := smallConfig(ModelA, s, t)
	cfg.Time, cfg.Times = 0.2, []float64{0, 0.1, 0.2}
	r, err := Train(context.Background(), cfg, s)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	jp, cp := filepath.Join(dir, "run.json"), filepath.Join(dir, "run.csv")
	if err := r.WriteJSON(jp); err != nil {
		t.Fatal(err)
	}
	if err := r.WriteCSV(cp); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(jp)
	if err != nil {
		t.Fatal(err)
	}
	var back Run
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	back.Model = r.Model
	if !sameBits(runBits(r), runBits(&back)) || back.Activation != "tanh" || back.Width != 300 {
		t.Error("JSON round trip differs")
	}
	f, err := os.Open(cp)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	// 7 scalars + 2 (ca) + 4 (aa)
	if len(rows) != 4 || len(rows[0]) != 13 || rows[0][0] != "t" || rows[0][12] != "mean_aa_1_1" {
		t.Fatalf("CSV shape %d×%d, header %v", len(rows), len(rows[0]), rows[0])
	}
	// The outputs, one row per record and evaluation point, with its latent.
	u := []float64{0.1, 0.3, 0.5, 0.7, 0.9}
	op := filepath.Join(dir, "outputs.csv")
	if err := r.WriteOutputsCSV(op, u); err != nil {
		t.Fatal(err)
	}
	of, err := os.Open(op)
	if err != nil {
		t.Fatal(err)
	}
	defer of.Close()
	out, err := csv.NewReader(of).ReadAll()
	if err != nil || len(out) != 1+3*5 || strings.Join(out[0], ",") != "t,step,u,out" {
		t.Fatalf("outputs CSV %q %v", out, err)
	}
	for i, rec := range r.Records {
		for q := range 5 {
			row := out[1+5*i+q]
			got, _ := strconv.ParseFloat(row[3], 64)
			uq, _ := strconv.ParseFloat(row[2], 64)
			ti, _ := strconv.ParseFloat(row[0], 64)
			if got != rec.Output[q] || uq != u[q] || ti != rec.T {
				t.Errorf("record %d point %d: row %q, want t %v u %v out %v", i, q, row, rec.T, u[q], rec.Output[q])
			}
		}
	}
	if err := r.WriteOutputsCSV(op, u[:4]); !errors.Is(err, graphs.ErrShape) {
		t.Errorf("4 latents for 5 outputs: %v", err)
	}
}

// TestLinearModelBIsModelAOnAggregatedInputs: with σ = identity, model B's
// output N^{−γ} Σ_k c^k Σ_j ω_j a^k·φ_j is model A's on ψ = Σ_j ω_j φ_j, and
// so are its gradients (∂/∂a = c ψ). A model-B run and a model-A run on ψ
// with the same seed therefore follow the same trajectory; they differ only
// by rounding (the sums are taken in another order), bounded here by 1e-10
// relative after 300 steps of a contracting iteration.
func TestLinearModelBIsModelAOnAggregatedInputs(t *testing.T) {
	sb := legendreSampler()
	psi := func(u float64, dst []float64) {
		dst[0], dst[1] = 0, 0
		var f [2]float64
		for q, v := range sb.Nodes {
			w := sb.Weights[q] * sb.W(u, v)
			sb.phi(v, f[:])
			dst[0] += w * f[0]
			dst[1] += w * f[1]
		}
	}
	sa := &FuncSampler{D: 1, Y: sb.Y,
		X: func(u float64, dst []float64) { var f [2]float64; psi(u, f[:]); dst[0] = f[0] },
		M: func(u float64, dst []float64) { var f [2]float64; psi(u, f[:]); dst[0] = f[1] },
	}
	var runs [2]*Run
	for i, v := range []Variant{ModelA, ModelB} {
		s := sa
		if v == ModelB {
			s = sb
		}
		cfg := smallConfig(v, s, t)
		cfg.Activation, cfg.Gamma = activation.Identity, 1
		r, err := Train(context.Background(), cfg, s)
		if err != nil {
			t.Fatal(err)
		}
		runs[i] = r
	}
	a, b := runBits(runs[0]), runBits(runs[1])
	if len(a) != len(b) {
		t.Fatalf("lengths %d, %d", len(a), len(b))
	}
	worst := 0.0
	for i := range a {
		d := math.Abs(a[i]-b[i]) / (1 + math.Abs(a[i]))
		worst = math.Max(worst, d)
		if d > 1e-10 {
			t.Fatalf("value %d: model A on ψ %v, model B %v", i, a[i], b[i])
		}
	}
	t.Logf("largest relative difference %.2g over %d values", worst, len(a))
}

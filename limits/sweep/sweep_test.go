package sweep

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/gnnwb/gnnwb/generators"
	"github.com/gnnwb/gnnwb/gnn/activation"
	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/limits"
	"github.com/gnnwb/gnnwb/limits/fluctuation"
)

func smallSweep() Config {
	w := Default()
	w.Problem.Rho = 1
	w.Problem.Times = []float64{0.5, 1}
	w.Problem.Quadrature = 8
	w.Nodes = []int{40, 80}
	w.Widths = []int{8, 16}
	w.Seeds = 2
	w.Particles = 64
	w.TestNodes = 30
	return w
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestSweepResume: a sweep cancelled after 3 of its 8 cells and then rerun
// writes the same errors.csv and summary.json, byte for byte, as an
// uninterrupted sweep (the wall-clock figures are in timing.json); the
// rerun computes only the missing cells. Shards 0/3, 1/3, 2/3 in their own
// directories, merged, give the same bytes too. A directory holding another
// sweep is refused. GOMAXPROCS=1 gives the same bytes.
func TestSweepResume(t *testing.T) {
	w := smallSweep()
	root := t.TempDir()
	full := filepath.Join(root, "full")
	sum, err := Run(context.Background(), w, full, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !sum.Complete || sum.Done != 8 || len(sum.Groups) != 2*2*2*2*2 {
		t.Fatalf("summary: done %d/%d, %d groups", sum.Done, sum.Cells, len(sum.Groups))
	}
	want := readFile(t, filepath.Join(full, ErrorsFile))
	if rows, err := ReadRows(bytes.NewReader(want)); err != nil || len(rows) != 8*2*2*2 {
		t.Fatalf("errors.csv: %d rows, %v", len(rows), err)
	}

	prev := runtime.GOMAXPROCS(1)
	one := filepath.Join(root, "one")
	_, err = Run(context.Background(), w, one, Options{})
	runtime.GOMAXPROCS(prev)
	if err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, filepath.Join(one, ErrorsFile)); !bytes.Equal(got, want) {
		t.Errorf("GOMAXPROCS=1 errors.csv differs from GOMAXPROCS=%d", prev)
	}
	for _, f := range []string{SummaryFile, PredictionFile} {
		if got := readFile(t, filepath.Join(one, f)); !bytes.Equal(got, readFile(t, filepath.Join(full, f))) {
			t.Errorf("GOMAXPROCS=1 %s differs from GOMAXPROCS=%d", f, prev)
		}
	}
	if sum.Prediction == nil || sum.Prediction.Reason != "" {
		t.Errorf("no prediction: %+v", sum.Prediction)
	}

	part := filepath.Join(root, "part")
	ctx, cancel := context.WithCancel(context.Background())
	calls := 0
	_, err = Run(ctx, w, part, Options{Progress: func(done, total int64) {
		if calls++; calls == 3 {
			cancel()
		}
	}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted sweep: %v", err)
	}
	have, _ := os.ReadDir(filepath.Join(part, cellsDir))
	if len(have) < 3 || len(have) >= 8 {
		t.Fatalf("%d cells after the interruption", len(have))
	}
	var cells int
	var last, work int64
	sum, err = Run(context.Background(), w, part, Options{Progress: func(done, total int64) {
		if done <= last || done > total {
			t.Errorf("progress %d of %d after %d", done, total, last)
		}
		cells, last, work = cells+1, done, total
	}})
	if err != nil {
		t.Fatal(err)
	}
	if cells != 8-len(have) || last != work || !sum.Complete {
		t.Errorf("resumed run did %d cells (work %d of %d), complete %v", cells, last, work, sum.Complete)
	}
	if got := readFile(t, filepath.Join(part, ErrorsFile)); !bytes.Equal(got, want) {
		t.Errorf("resumed errors.csv differs:\n%s\nwant\n%s", got, want)
	}
	if got, want := readFile(t, filepath.Join(part, SummaryFile)), readFile(t, filepath.Join(full, SummaryFile)); !bytes.Equal(got, want) {
		t.Errorf("resumed summary.json differs:\n%s\nwant\n%s", got, want)
	}
	var tm Timing
	if err := json.Unmarshal(readFile(t, filepath.Join(part, TimingFile)), &tm); err != nil || tm.Done != 8 || !(tm.Seconds > 0) {
		t.Errorf("timing.json: %+v, %v", tm, err)
	}

	var shards []string
	for i := range 3 {
		d := filepath.Join(root, "shard", string(rune('a'+i)))
		sum, err := Run(context.Background(), w, d, Options{Shard: i, Shards: 3})
		if err != nil {
			t.Fatal(err)
		}
		if sum.Complete {
			t.Errorf("shard %d alone is complete", i)
		}
		shards = append(shards, d)
	}
	merged := filepath.Join(root, "merged")
	if sum, err = Merge(merged, shards); err != nil || !sum.Complete {
		t.Fatalf("merge: %v", err)
	}
	if got := readFile(t, filepath.Join(merged, ErrorsFile)); !bytes.Equal(got, want) {
		t.Errorf("merged errors.csv differs")
	}
	if got, want := readFile(t, filepath.Join(merged, SummaryFile)), readFile(t, filepath.Join(full, SummaryFile)); !bytes.Equal(got, want) {
		t.Errorf("merged summary.json differs")
	}

	other := w
	other.Seeds = 3
	if _, err := Run(context.Background(), other, full, Options{}); !errors.Is(err, graphs.ErrParameter) {
		t.Errorf("other sweep in the same directory: %v", err)
	}
	if _, err := Run(context.Background(), w, full, Options{Shard: 2, Shards: 2}); !errors.Is(err, graphs.ErrParameter) {
		t.Errorf("shard 2/2: %v", err)
	}

	f, err := Fit(full)
	if err != nil {
		t.Fatal(err)
	}
	if a := f.Find(limits.MeanFieldLimit, "fun", "N", 80); a == nil || a.Err != "" || len(a.Mean) != 2 {
		t.Errorf("fit along N: %+v", a)
	}
	files, err := Plot(full, []string{"png"})
	if err != nil || len(files) == 0 {
		t.Errorf("plots: %v %v", files, err)
	}
	for _, p := range files {
		if st, err := os.Stat(p); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", p, err)
		}
	}
}

// TestSweepKernel: a sweep against the kernel limit (γ = ½, symmetric μ_0,
// erf) and the graphon limit runs, and its function error against the
// kernel limit falls with N.
func TestSweepKernel(t *testing.T) {
	w := smallSweep()
	w.Problem.Gamma = 0.5
	w.Problem.Symmetric = true
	w.Problem.Activation = activation.Erf
	w.Problem.Times = []float64{1}
	w.Widths = []int{8, 256}
	w.Nodes = []int{100}
	w.Seeds = 3
	w.Limits = []limits.Kind{limits.KernelLimit, limits.GraphonLimit}
	dir := t.TempDir()
	if _, err := Run(context.Background(), w, dir, Options{}); err != nil {
		t.Fatal(err)
	}
	f, err := Fit(dir)
	if err != nil {
		t.Fatal(err)
	}
	a := f.Find(limits.KernelLimit, "fun", "N", 100)
	if a == nil || a.Err != "" || !(a.Mean[1] < a.Mean[0]) {
		t.Errorf("kernel fit: %+v", a)
	}
}

// TestSweepDirSpelling: a sweep directory whose sweep.json spells a spec or
// a name otherwise than its canonical form (as files written before specs
// were typed could) holds the same sweep and is resumed; a directory
// holding another sweep is still refused.
func TestSweepDirSpelling(t *testing.T) {
	w := smallSweep()
	var err error
	if w.Problem.Graphon, err = generators.ParseGraphon("sbm:1,1:0.9,0.1;0.1,0.9"); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := initDir(dir, w); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, ConfigFile)
	data := readFile(t, path)
	old := strings.NewReplacer(`"sbm:0.5,0.5:`, `"sbm:1,1:`, `"tanh"`, `"TANH"`).Replace(string(data))
	if old == string(data) {
		t.Fatalf("sweep.json does not hold the canonical spec:\n%s", data)
	}
	if err := os.WriteFile(path, []byte(old), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := initDir(dir, w); err != nil {
		t.Errorf("same sweep, other spelling: %v", err)
	}
	w.Problem.Rho = 0.5
	if err := initDir(dir, w); !errors.Is(err, graphs.ErrParameter) {
		t.Errorf("another sweep: %v", err)
	}
}

// TestSweepFuncs: a sweep whose W, X and Y are Go functions runs, records
// their names in sweep.json and summary.json, resumes, and fits and plots
// from its directory, where the functions read back by name only.
func TestSweepFuncs(t *testing.T) {
	w := smallSweep()
	w.Nodes = []int{40}
	w.Problem.Graphon = generators.GraphonFunc("band", func(u, v float64) float64 { return 1 - math.Abs(u-v) })
	w.Problem.Signal = generators.SignalFunc("square", 1, func(u float64, dst []float64) { dst[0] = u * u })
	w.Problem.Target = generators.TargetFunc("half", func(u float64) float64 { return u / 2 })
	dir := t.TempDir()
	sum, err := Run(context.Background(), w, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !sum.Complete || sum.Config.Problem.Graphon.String() != "band" {
		t.Errorf("summary: complete %v, graphon %v", sum.Complete, sum.Config.Problem.Graphon)
	}
	for _, f := range []string{ConfigFile, SummaryFile} {
		if data := readFile(t, filepath.Join(dir, f)); !strings.Contains(string(data), `"graphon": "band"`) ||
			!strings.Contains(string(data), `"signal": "square"`) || !strings.Contains(string(data), `"target": "half"`) {
			t.Errorf("%s does not name the functions:\n%s", f, data)
		}
	}
	var todo int64 = -1
	if _, err := Run(context.Background(), w, dir, Options{Progress: func(done, total int64) { todo = total }}); err != nil || todo != 0 {
		t.Errorf("rerun: %d cells to do, %v", todo, err)
	}
	if _, err := Plot(dir, []string{"png"}); err != nil {
		t.Errorf("fit and plot: %v", err)
	}
}

// TestSweepCorruptCell: a cell file with one byte changed (in a digit of an
// error, in its checksum line, or cut short) is found corrupt, told to
// Options.Warn with the file's name and computed again, and the outputs
// equal those of the untouched sweep; a version 1 cell (JSON alone) is read
// as it is; Merge refuses a corrupt source cell, naming the file.
func TestSweepCorruptCell(t *testing.T) {
	w := smallSweep()
	w.Nodes, w.Widths, w.Seeds = []int{40}, []int{8}, 1
	dir := t.TempDir()
	if _, err := Run(context.Background(), w, dir, Options{}); err != nil {
		t.Fatal(err)
	}
	want := readFile(t, filepath.Join(dir, ErrorsFile))
	c := w.Cells()[0]
	path := filepath.Join(dir, cellsDir, c.key()+".json")
	good := readFile(t, path)
	digit := bytes.IndexAny(good[bytes.Index(good, []byte(`"error"`)):], "123456789") + bytes.Index(good, []byte(`"error"`))
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"digit", func() []byte { b := bytes.Clone(good); b[digit] ^= 1; return b }()},
		{"trailer", func() []byte { b := bytes.Clone(good); b[len(b)-3] ^= 1; return b }()},
		{"truncated", good[:len(good)/2]},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := os.WriteFile(path, tc.data, 0o644); err != nil {
				t.Fatal(err)
			}
			var warned []string
			if _, err := Run(context.Background(), w, dir, Options{Warn: func(m string) { warned = append(warned, m) }}); err != nil {
				t.Fatal(err)
			}
			if len(warned) != 1 || !strings.Contains(warned[0], path) {
				t.Fatalf("warnings %q", warned)
			}
			if got := readFile(t, filepath.Join(dir, ErrorsFile)); !bytes.Equal(got, want) {
				t.Errorf("errors.csv after recomputing differs")
			}
			if _, err := readCell(dir, c); err != nil {
				t.Fatal(err)
			}
		})
	}
	// version 1: the JSON alone
	v1 := good[:bytes.Index(good, []byte(cellTrailer))]
	if err := os.WriteFile(path, v1, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := readCell(dir, c); err != nil {
		t.Fatalf("version 1 cell: %v", err)
	}
	bad := bytes.Clone(good)
	bad[digit] ^= 1
	if err := os.WriteFile(path, bad, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Merge(filepath.Join(t.TempDir(), "merged"), []string{dir})
	if !errors.Is(err, graphs.ErrFormat) || !strings.Contains(err.Error(), path) {
		t.Fatalf("Merge of a corrupt cell: %v", err)
	}
}

// TestSweepPrediction: a sweep against the mean-field limit writes the
// central-limit constant of its own problem at its own times (that of
// fluctuation.Solve with the sweep's particles) beside N·mean(e_fun²) at the
// largest n, recomputed here from errors.csv, in summary.json and fits.json;
// the RMS drawn on the rate plot squares back to it. A ReLU sweep, whose
// C(t) cannot be computed, still sweeps and says why there is no prediction.
func TestSweepPrediction(t *testing.T) {
	w := smallSweep()
	dir := t.TempDir()
	sum, err := Run(context.Background(), w, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	p := sum.Prediction
	if p == nil || p.Reason != "" || p.Nodes != 80 || len(p.Times) != 2 {
		t.Fatalf("prediction: %+v", p)
	}
	s, err := limits.NewSetup(w.Problem)
	if err != nil {
		t.Fatal(err)
	}
	c, err := fluctuation.Solve(context.Background(), s, w.Problem.Times, fluctuation.Options{Particles: 64, SelfCheck: true})
	if err != nil {
		t.Fatal(err)
	}
	rows, err := ReadRows(bytes.NewReader(readFile(t, filepath.Join(dir, ErrorsFile))))
	if err != nil {
		t.Fatal(err)
	}
	for k, at := range p.Times {
		if at.T != w.Problem.Times[k] || at.C != c.C[k] || at.CErr != c.ErrEstimate[k] || !(at.CErr > 0) {
			t.Errorf("t=%v: C = %v ± %v, want %v ± %v", at.T, at.C, at.CErr, c.C[k], c.ErrEstimate[k])
		}
		if len(at.Widths) != 2 {
			t.Fatalf("t=%v: widths %v", at.T, at.Widths)
		}
		for i, m := range at.Widths {
			var x []float64
			for _, r := range rows {
				if r.Limit == limits.MeanFieldLimit && r.Kind == "fun" && r.Nodes == 80 && r.Width == m && r.T == at.T {
					x = append(x, float64(m)*r.Error*r.Error)
				}
			}
			if len(x) != 2 {
				t.Fatalf("%d rows at N=%d", len(x), m)
			}
			mean := (x[0] + x[1]) / 2
			se := math.Abs(x[0]-x[1]) / 2 // sd/√2 for two values
			if math.Abs(at.Measured[i]-mean) > 1e-15*mean || math.Abs(at.StdErr[i]-se) > 1e-12*se || at.Seeds[i] != 2 {
				t.Errorf("t=%v N=%d: measured %v ± %v over %d, want %v ± %v over 2", at.T, m, at.Measured[i], at.StdErr[i], at.Seeds[i], mean, se)
			}
		}
		_, x, y, _, ok := p.rms(at.T)
		if !ok {
			t.Fatalf("t=%v: no RMS", at.T)
		}
		for i := range x {
			if got := y[i] * y[i] * x[i]; math.Abs(got-at.Measured[i]) > 1e-12*got {
				t.Errorf("t=%v: RMS² N = %v, want %v", at.T, got, at.Measured[i])
			}
		}
	}
	f, err := Fit(dir)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := json.Marshal(f.Prediction)
	b, _ := json.Marshal(p)
	if !bytes.Equal(a, b) {
		t.Errorf("fits.json prediction %s, summary.json %s", a, b)
	}

	w.Problem.Activation = activation.ReLU
	w.Seeds, w.Nodes = 1, []int{40}
	dir = t.TempDir()
	if sum, err = Run(context.Background(), w, dir, Options{}); err != nil {
		t.Fatal(err)
	}
	if p := sum.Prediction; p == nil || !strings.Contains(p.Reason, "relu") || p.Times != nil || !sum.Complete {
		t.Errorf("ReLU prediction: %+v", p)
	}
	if _, err := Plot(dir, []string{"png"}); err != nil {
		t.Errorf("ReLU plots: %v", err)
	}
}

// TestSweepGraphPrediction: a σ-identity sweep against the graphon limit
// writes fluctuation.Graph's prediction for each of its (n, N) at its
// times, bit for bit, beside the mean over seeds of e_fun² against the
// graphon limit (recomputed here from errors.csv) in summary.json and
// fits.json, draws it on rate_n_graphon_fun, and keeps it through shards
// and Merge; a σ-identity problem that Graph refuses (noise on x) sweeps
// and says why; a tanh sweep writes no graph prediction at all.
func TestSweepGraphPrediction(t *testing.T) {
	w := smallSweep()
	w.Problem.Activation = activation.Identity
	w.Limits = []limits.Kind{limits.GraphonLimit}
	dir := t.TempDir()
	sum, err := Run(context.Background(), w, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	p := sum.GraphPrediction
	if p == nil || p.Reason != "" || len(p.Cells) != 2*2 || sum.Prediction != nil {
		t.Fatalf("graph prediction: %+v (mean-field %+v)", p, sum.Prediction)
	}
	s, err := limits.NewSetup(w.Problem)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := ReadRows(bytes.NewReader(readFile(t, filepath.Join(dir, ErrorsFile))))
	if err != nil {
		t.Fatal(err)
	}
	var info graphPredictionInfo
	if err := json.Unmarshal(readFile(t, filepath.Join(dir, GraphPredictionFile)), &info); err != nil {
		t.Fatal(err)
	}
	for ci, n := range w.Nodes {
		for cj, m := range w.Widths {
			g, err := fluctuation.Graph(context.Background(), s, n, m, w.Problem.Times)
			if err != nil {
				t.Fatal(err)
			}
			c := info.Cells[ci*len(w.Widths)+cj]
			if c.Method != g.Method || c.Nodes != n || c.Width != m || c.NRho != g.NRho || !slices.Equal(c.Total, g.Total) || !slices.Equal(c.Bias, g.Bias) ||
				!slices.Equal(c.Variance, g.Variance) || !slices.Equal(c.MeanFieldBias, g.MeanFieldBias) {
				t.Errorf("%s: n=%d N=%d: %+v, want %+v", GraphPredictionFile, n, m, c, g)
			}
			at := p.Cells[ci*len(w.Widths)+cj]
			if at.Method != g.Method || at.Nodes != n || at.Width != m || !slices.Equal(at.Times, w.Problem.Times) || at.NRho != g.NRho || !slices.Equal(at.Total, g.Total) ||
				!slices.Equal(at.Bias, g.Bias) || !slices.Equal(at.Variance, g.Variance) || !slices.Equal(at.MeanFieldBias, g.MeanFieldBias) {
				t.Errorf("summary: n=%d N=%d: %+v, want %+v", n, m, at, g)
			}
			for k, tk := range w.Problem.Times {
				var x []float64
				for _, r := range rows {
					if r.Limit == limits.GraphonLimit && r.Kind == "fun" && r.Nodes == n && r.Width == m && r.T == tk {
						x = append(x, r.Error*r.Error)
					}
				}
				if len(x) != 2 {
					t.Fatalf("%d rows at n=%d N=%d", len(x), n, m)
				}
				mean := (x[0] + x[1]) / 2
				se := math.Abs(x[0]-x[1]) / 2 // sd/√2 for two values
				if math.Abs(at.Measured[k]-mean) > 1e-15*mean || math.Abs(at.StdErr[k]-se) > 1e-12*se || at.Seeds[k] != 2 {
					t.Errorf("n=%d N=%d t=%v: measured %v ± %v over %d, want %v ± %v over 2", n, m, tk, at.Measured[k], at.StdErr[k], at.Seeds[k], mean, se)
				}
			}
		}
	}
	f, err := Fit(dir)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := json.Marshal(f.GraphPrediction)
	b, _ := json.Marshal(p)
	if !bytes.Equal(a, b) {
		t.Errorf("fits.json graph prediction %s, summary.json %s", a, b)
	}
	ser, ok := f.GraphPrediction.graphSeries(w.Widths, w.Problem.Times[1])
	if !ok || len(ser) != 4 || !ser[1].Line || !strings.Contains(ser[1].Label, "predicted") || !strings.Contains(ser[1].Label, "not fitted") {
		t.Fatalf("graph series: %+v", ser)
	}
	if _, err := Plot(dir, []string{"png"}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "rate_n_graphon_fun.png")); err != nil {
		t.Error(err)
	}

	// two shards and their merge: the same prediction and summary
	shards := []string{t.TempDir(), t.TempDir()}
	for i, d := range shards {
		if _, err := Run(context.Background(), w, d, Options{Shard: i, Shards: 2}); err != nil {
			t.Fatal(err)
		}
	}
	merged := filepath.Join(t.TempDir(), "merged")
	if _, err := Merge(merged, shards); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{GraphPredictionFile, SummaryFile} {
		if !bytes.Equal(readFile(t, filepath.Join(merged, name)), readFile(t, filepath.Join(dir, name))) {
			t.Errorf("merged %s differs", name)
		}
	}

	w.Seeds, w.Nodes = 1, []int{40}
	w.Problem.NoiseX = 0.1
	dir = t.TempDir()
	if sum, err = Run(context.Background(), w, dir, Options{}); err != nil {
		t.Fatal(err)
	}
	if p := sum.GraphPrediction; p == nil || !strings.Contains(p.Reason, "noise_x=0.1") || p.Cells != nil || !sum.Complete {
		t.Errorf("noisy graph prediction: %+v", p)
	}
	if _, err := Plot(dir, []string{"png"}); err != nil {
		t.Errorf("noisy plots: %v", err)
	}

	w.Problem.NoiseX = 0
	w.Problem.Activation = activation.Tanh
	dir = t.TempDir()
	if sum, err = Run(context.Background(), w, dir, Options{}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, GraphPredictionFile)); !errors.Is(err, fs.ErrNotExist) || sum.GraphPrediction != nil {
		t.Errorf("tanh: %s %v, graph prediction %+v", GraphPredictionFile, err, sum.GraphPrediction)
	}
}

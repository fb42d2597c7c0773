package main

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/gnnwb/gnnwb/generators"
	"github.com/gnnwb/gnnwb/gnn/shallow"
	"github.com/gnnwb/gnnwb/limits"
)

// onlineArgs is a tiny online run: N = 40 units, T = 1 (40 steps), Q = 4.
func onlineArgs(extra ...string) []string {
	return append([]string{"online", "--graphon", "product", "--nodes", "300", "--rho", "0.2", "--width", "40",
		"--time", "1", "--quadrature", "4", "--seed", "7"}, extra...)
}

// readOnline runs gnnwb with --out FILE.json and returns the report.
func readOnline(t *testing.T, args ...string) onlineReport {
	t.Helper()
	out := filepath.Join(t.TempDir(), "run.json")
	code, stdout, stderr := gnnwb(t, append(args, "--out", out)...)
	if code != 0 {
		t.Fatalf("%v: code %d: %s", args, code, stderr)
	}
	if !strings.Contains(stdout, "eval loss") {
		t.Fatalf("stdout %q has no record table", stdout)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var rep onlineReport
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatalf("--out JSON: %v", err)
	}
	return rep
}

func TestOnline(t *testing.T) {
	for _, tt := range []struct {
		name string
		args []string
	}{
		{"ego graphon", nil},
		{"ego mean noisy", []string{"--aggregation", "mean", "--noise-x", "0.1", "--noise-y", "0.1", "--batch-size", "3"}},
		{"graph sum (old name of whole)", []string{"--sampler", "graph", "--aggregation", "sum", "--batch-size", "5"}},
		{"whole symmetric model b", []string{"--sampler", "whole", "--aggregation", "symmetric", "--variant", "b", "--batch-size", "2"}},
		{"whole graphon model b kernel", []string{"--sampler", "whole", "--variant", "b", "--gamma", "0.5", "--symmetric", "--activation", "erf"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rep := readOnline(t, onlineArgs(append(tt.args, "--times", "0,0.5,1")...)...)
			run := rep.Run
			if run == nil || run.Steps != 40 || len(run.Records) != 3 || len(rep.EvalU) != 4 || len(rep.EvalW) != 4 {
				t.Fatalf("report %+v", rep)
			}
			for i, want := range []int64{0, 20, 40} {
				r := run.Records[i]
				if r.Step != want || len(r.Output) != 4 || !(r.EvalLoss > 0) || math.IsNaN(r.BatchLoss) {
					t.Errorf("record %d: %+v", i, r)
				}
			}
			if rep.Settings.Graphon != "product" || rep.Settings.N != 300 || !strings.Contains(rep.Command, "--graphon=product") {
				t.Errorf("settings %+v, command %q", rep.Settings, rep.Command)
			}
		})
	}
}

// TestOnlineCSV: --out FILE.csv writes shallow.Run's CSV.
func TestOnlineCSV(t *testing.T) {
	out := filepath.Join(t.TempDir(), "run.csv")
	code, _, stderr := gnnwb(t, onlineArgs("--out", out)...)
	if code != 0 {
		t.Fatalf("code %d: %s", code, stderr)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "t,step,batch_loss") || !strings.HasSuffix(lines[0], "mean_aa_3_3") {
		t.Fatalf("CSV:\n%s", b)
	}
	// The outputs at the 4 evaluation latents, with u, in run-outputs.csv.
	rep := readOnline(t, onlineArgs()...)
	b, err = os.ReadFile(filepath.Join(filepath.Dir(out), "run-outputs.csv"))
	if err != nil {
		t.Fatal(err)
	}
	lines = strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != 1+2*4 || lines[0] != "t,step,u,out" {
		t.Fatalf("outputs CSV:\n%s", b)
	}
	for k, line := range lines[1:] {
		f := strings.Split(line, ",")
		u, _ := strconv.ParseFloat(f[2], 64)
		y, _ := strconv.ParseFloat(f[3], 64)
		if rec := rep.Run.Records[k/4]; u != rep.EvalU[k%4] || y != rec.Output[k%4] {
			t.Errorf("row %d: %q, want u %v out %v", k, line, rep.EvalU[k%4], rec.Output[k%4])
		}
	}
}

// TestOnlineLibrary: the command is shallow.Train with the ego
// sampler of the flags' process, bit for bit.
func TestOnlineLibrary(t *testing.T) {
	rep := readOnline(t, onlineArgs()...)
	x, _ := generators.ParseSignal("fourier:1")
	d := limits.DefaultProblem() // the defaults of the target and alpha
	p := generators.Process{W: generators.Product(), Rho: 0.2, N: 300, X: x, Y: d.Target}
	s, err := generators.NewEgoSampler(p, 1)
	if err != nil {
		t.Fatal(err)
	}
	cfg := shallow.DefaultConfig()
	cfg.Width, cfg.Dim, cfg.Seed, cfg.Alpha = 40, 2, 7, d.Alpha
	run, err := shallow.Train(context.Background(), cfg, s)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range run.Records {
		got := rep.Run.Records[i]
		if r.BatchLoss != got.BatchLoss || !slices.Equal(r.MeanCA, got.MeanCA) {
			t.Errorf("record %d: library %+v, command %+v", i, r, got)
		}
	}
}

// TestOnlineResume: a run interrupted before its first step (Ctrl-C:
// cancelled context, exit 130, checkpoint saved) and resumed, and a run
// continued from T = 1 to T = 2, give the records of an uninterrupted run.
func TestOnlineResume(t *testing.T) {
	full := readOnline(t, onlineArgs("--time", "2", "--times", "0,1,2")...)

	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out, errb bytes.Buffer
	code := run(ctx, append([]string{"gnnwb"}, onlineArgs("--time", "2", "--times", "0,1,2", "--checkpoint", dir)...), &out, &errb)
	if code != 130 || !strings.Contains(errb.String(), "resume") {
		t.Fatalf("interrupted: code %d, stderr %q", code, errb.String())
	}
	resumed := readOnline(t, onlineArgs("--time", "2", "--times", "0,1,2", "--checkpoint", dir)...)
	sameRecords(t, "interrupted", full.Run.Records, resumed.Run.Records, true)

	dir2 := t.TempDir()
	readOnline(t, onlineArgs("--time", "1", "--times", "0,1", "--checkpoint", dir2)...)
	longer := readOnline(t, onlineArgs("--time", "2", "--times", "0,1,2", "--checkpoint", dir2)...)
	sameRecords(t, "continued", full.Run.Records, longer.Run.Records, true)

	// Another process in the same directory is refused.
	code, stdout, stderr := gnnwb(t, onlineArgs("--time", "2", "--rho", "0.3", "--checkpoint", dir2)...)
	if code != 2 || stdout != "" || !strings.Contains(stderr, "other settings") {
		t.Fatalf("changed --rho: code %d, stderr %q", code, stderr)
	}
}

// sameRecords compares the parameters' traces (moments, outputs, batch
// losses, and with mean the mean batch losses) bit for bit.
func sameRecords(t *testing.T, what string, want, got []shallow.Record, mean bool) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d records, want %d", what, len(got), len(want))
	}
	for i := range want {
		w, g := want[i], got[i]
		if (mean && w.MeanBatchLoss != g.MeanBatchLoss) || w.Step != g.Step || w.BatchLoss != g.BatchLoss || w.EvalLoss != g.EvalLoss || !slices.Equal(w.Output, g.Output) || !slices.Equal(w.MeanAA, g.MeanAA) {
			t.Errorf("%s: record %d differs:\n got %+v\nwant %+v", what, i, g, w)
		}
	}
}

func TestOnlineErrors(t *testing.T) {
	for _, tt := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"bad graphon", []string{"online", "--graphon", "nosuch"}, 2, `--graphon="nosuch"`},
		{"bad signal", onlineArgs("--signal", "fourier:0"), 2, `--signal="fourier:0"`},
		{"bad target", onlineArgs("--target", "step:2"), 2, `--target="step:2"`},
		{"bad sampler", onlineArgs("--sampler", "fixed"), 2, `--sampler="fixed"`},
		{"bad activation", onlineArgs("--activation", "gelu"), 2, `--activation="gelu"`},
		{"elu activation", onlineArgs("--activation", "elu"), 2, `--activation="elu"`},
		{"bad variant", onlineArgs("--variant", "c"), 2, `--variant="c"`},
		{"ego model b", onlineArgs("--variant", "b"), 2, "--sampler=whole"},
		{"ego symmetric", onlineArgs("--aggregation", "symmetric"), 2, "--sampler=whole"},
		{"bad aggregation", onlineArgs("--aggregation", "max"), 2, `--aggregation: name="max" not one of`},
		{"rho", onlineArgs("--rho", "1.5"), 2, "--rho=1.5"},
		{"nodes", onlineArgs("--nodes", "0"), 2, "--nodes=0"},
		{"old spelling n", append(onlineArgs()[:3], "--n", "0"), 2, "--n=0"},
		{"nodes and n", onlineArgs("--n", "10"), 2, "not both"},
		{"noise", onlineArgs("--noise-x", "-1"), 2, "--noise-x=-1"},
		{"batch above n", onlineArgs("--sampler", "whole", "--batch-size", "301"), 2, "--batch-size=301"},
		{"gamma", onlineArgs("--gamma", "2"), 2, "--gamma=2"},
		{"times", onlineArgs("--times", "0,x"), 2, `--times="0,x"`},
		{"times beyond T", onlineArgs("--times", "0,3"), 2, "--times[1]=3"},
		{"quadrature", onlineArgs("--quadrature", "-1"), 2, "--quadrature=-1"},
		{"no graphon", []string{"online", "--n", "10"}, 2, "--graphon NAME is required"},
		{"runs", onlineArgs("--runs", "2"), 2, "unknown flag --runs"},
		{"dataset flag", onlineArgs("--model", "gcn"), 2, "unknown flag --model"},
		{"argument", onlineArgs("junk"), 2, `unexpected argument "junk"`},
		{"online flag in dataset mode", []string{"train", "--dataset", "cora", "--gamma", "0.5"}, 2, "--gamma is a flag of gnnwb online"},
		{"graphon in train", []string{"train", "--graphon", "product", "--nodes", "300"}, 2, "run gnnwb online --"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := gnnwb(t, tt.args...)
			if code != tt.code || stdout != "" || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, tt.want) {
				t.Fatalf("code %d (want %d), stdout %q, stderr %q (want one line with %q)", code, tt.code, stdout, stderr, tt.want)
			}
		})
	}
}

// BenchmarkOnlineEgo: online SGD steps of the one-hidden-layer model with the
// ego sampler, N = 10⁴ units, d = 2 (fourier:1), n = 10⁴, nρ = 100,
// exponential graphon; one iteration is 1000 steps (T = 0.1), reported as
// steps/s.
func BenchmarkOnlineEgo(b *testing.B) {
	x, _ := generators.ParseSignal("fourier:1")
	y, _ := generators.ParseTarget("poly:0,0,1")
	p := generators.Process{W: generators.Exponential(), Rho: 0.01, N: 10000, X: x, Y: y}
	s, err := generators.NewEgoSampler(p, 1)
	if err != nil {
		b.Fatal(err)
	}
	cfg := shallow.DefaultConfig()
	cfg.Width, cfg.Dim, cfg.Time, cfg.Times = 10000, 2, 0.1, nil
	b.ReportAllocs()
	steps := int64(0)
	for b.Loop() {
		run, err := shallow.Train(context.Background(), cfg, s)
		if err != nil {
			b.Fatal(err)
		}
		steps += run.Steps
	}
	b.ReportMetric(float64(steps)/b.Elapsed().Seconds(), "steps/s")
}

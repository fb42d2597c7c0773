package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gnnwb/gnnwb/generators"
	"github.com/gnnwb/gnnwb/gnn/activation"
	"github.com/gnnwb/gnnwb/limits"
	"github.com/gnnwb/gnnwb/limits/fluctuation"
)

// TestLimitsSweepCLI: a tiny sweep from a YAML file with flag overrides
// finishes, prints its fits and writes errors.csv and the plots; the same
// command again does no cell twice and prints the same fits; fit and plot
// work on the directory; solve writes a CSV and its JSON report.
func TestLimitsSweepCLI(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "sweep.yaml")
	yaml := "problem:\n  quadrature: 8\n  times: [0.5, 1]\nnodes: [30, 60]\nwidths: [8, 16]\nseeds: 2\nparticles: 64\ntest_nodes: 20\n"
	if err := os.WriteFile(cfg, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	args := []string{"limits", "sweep", "--config", cfg, "--out", out, "--alpha", "2", "--formats", "png"}
	code, stdout, stderr := gnnwb(t, args...)
	if code != 0 {
		t.Fatalf("sweep: %d %s", code, stderr)
	}
	if !strings.Contains(stdout, "8 of 8 cells done") || !strings.Contains(stdout, "meanfield fun t=1") {
		t.Errorf("stdout:\n%s", stdout)
	}
	for _, f := range []string{"errors.csv", "summary.json", "fits.json", "sweep.json", "rate_N_meanfield_fun.png", "trajectories_meanfield.png"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Error(err)
		}
	}
	summary, _ := os.ReadFile(filepath.Join(out, "summary.json"))
	if !strings.Contains(string(summary), `"prediction"`) || !strings.Contains(string(summary), "McKean–Vlasov") {
		t.Errorf("summary.json has no prediction:\n%s", summary)
	}
	sweepJSON, _ := os.ReadFile(filepath.Join(out, "sweep.json"))
	if !strings.Contains(string(sweepJSON), `"alpha": 2`) {
		t.Errorf("sweep.json does not record --alpha 2:\n%s", sweepJSON)
	}
	code, again, stderr := gnnwb(t, args...)
	if code != 0 {
		t.Fatalf("second sweep: %d %s", code, stderr)
	}
	fits := func(s string) string { return s[strings.Index(s, "graphon fun"):] }
	if fits(again) != fits(stdout) {
		t.Errorf("rerun prints other fits:\n%s\nvs\n%s", again, stdout)
	}
	// a different problem in the same directory is refused
	if code, _, stderr := gnnwb(t, "limits", "sweep", "--config", cfg, "--out", out, "--formats", ""); code != 2 || !strings.Contains(stderr, "different sweep") {
		t.Errorf("other sweep, same dir: %d %s", code, stderr)
	}
	if code, stdout, stderr := gnnwb(t, "limits", "fit", out); code != 0 || !strings.Contains(stdout, "along N") {
		t.Errorf("fit: %d %s %s", code, stdout, stderr)
	}
	if code, stdout, stderr := gnnwb(t, "limits", "plot", "--formats", "svg", out); code != 0 || !strings.Contains(stdout, ".svg") {
		t.Errorf("plot: %d %s %s", code, stdout, stderr)
	}
	csvPath := filepath.Join(dir, "mf.csv")
	code, stdout, stderr = gnnwb(t, "limits", "solve", "--activation", "identity", "--quadrature", "6", "--out", csvPath)
	if code != 0 || !strings.Contains(stdout, "moment ODE") {
		t.Fatalf("solve: %d %s %s", code, stdout, stderr)
	}
	data, _ := os.ReadFile(csvPath)
	if lines := strings.Count(string(data), "\n"); lines != 1+2*6 {
		t.Errorf("solve CSV has %d lines:\n%s", lines, data)
	}
	if _, err := os.Stat(filepath.Join(dir, "mf.json")); err != nil {
		t.Error(err)
	}
}

// TestLimitsBadFlags: invalid values exit with status 2 and name the value.
func TestLimitsBadFlags(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"limits", "sweep", "--widths", "10,0"}, "--widths[1]=0"},
		{[]string{"limits", "sweep", "--nodes", "ten"}, `"ten" is not an integer`},
		{[]string{"limits", "sweep", "--times", "-1,1"}, "times[0]=-1"},
		{[]string{"limits", "sweep", "--activation", "swish"}, `"swish"`},
		{[]string{"limits", "sweep", "--shard", "3/2"}, "--shard"},
		{[]string{"limits", "solve", "--limit", "kernel"}, "gamma=0.5"},
		{[]string{"limits", "sweep", "--config", filepath.Join(dir, "missing.yaml")}, "missing.yaml"},
	} {
		code, _, stderr := gnnwb(t, append(tc.args, "--out", filepath.Join(dir, "x"))...)
		if code == 0 || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: code %d, stderr %q, want %q", tc.args, code, stderr, tc.want)
		}
	}
}

// TestLimitsFluctuationsCLI: solve --fluctuations writes the band next to
// the limit (one row per time and node, the constant repeated per row) and
// C(t) in the report, the same C(t) that limits width uses for its
// N = ⌈C(t)/ε²⌉; ReLU (no σ″), or another limit, is a usage error (exit 2)
// that says what to do; without the flag the report has no fluctuations.
func TestLimitsFluctuationsCLI(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "mf.csv")
	prob := []string{"--activation", "identity", "--alpha", "1", "--target", "poly:0,0,1", "--quadrature", "8"}
	code, stdout, stderr := gnnwb(t, append([]string{"limits", "solve", "--fluctuations", "--times", "0,2", "--out", out}, prob...)...)
	if code != 0 || !strings.Contains(stdout, "C(t)/N") {
		t.Fatalf("solve --fluctuations: %d %s %s", code, stdout, stderr)
	}
	data, err := os.ReadFile(filepath.Join(dir, "mf-fluctuations.csv"))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(strings.NewReader(string(data))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1+2*8 || strings.Join(rows[0], ",") != "t,u,g,n_var,c" {
		t.Fatalf("fluctuations CSV: %d rows, header %v", len(rows), rows[0])
	}
	c2 := rows[len(rows)-1][4]
	var report struct {
		Fluctuations struct {
			File string    `json:"file"`
			C    []float64 `json:"c"`
		} `json:"fluctuations"`
	}
	meta, _ := os.ReadFile(filepath.Join(dir, "mf.json"))
	if err := json.Unmarshal(meta, &report); err != nil {
		t.Fatal(err)
	}
	if len(report.Fluctuations.C) != 2 || ff(report.Fluctuations.C[1]) != c2 || report.Fluctuations.File != filepath.Join(dir, "mf-fluctuations.csv") {
		t.Errorf("report %+v, CSV C(2) = %s", report.Fluctuations, c2)
	}
	// width at ε = 0.01: ⌈C(2)/10⁻⁴⌉
	code, stdout, stderr = gnnwb(t, append([]string{"limits", "width", "--tol", "0.01", "--time", "2"}, prob...)...)
	want := int(math.Ceil(report.Fluctuations.C[1] / 1e-4))
	if code != 0 || !strings.Contains(stdout, fmt.Sprintf("N = %d:", want)) || !strings.Contains(stdout, "⌈C(t)/ε²⌉") || !strings.Contains(stdout, "Lyapunov") {
		t.Errorf("width: %d, want N = %d: %s %s", code, want, stdout, stderr)
	}
	// without --fluctuations the report is as before
	code, _, stderr = gnnwb(t, append([]string{"limits", "solve", "--times", "0,2", "--out", filepath.Join(dir, "plain.csv")}, prob...)...)
	meta, _ = os.ReadFile(filepath.Join(dir, "plain.json"))
	if code != 0 || strings.Contains(string(meta), "fluctuations") {
		t.Errorf("solve without --fluctuations: %d %s, report mentions fluctuations", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "plain-fluctuations.csv")); err == nil {
		t.Error("solve without --fluctuations wrote a band")
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"limits", "solve", "--fluctuations", "--activation", "relu", "--out", out}, "use --activation identity, tanh, sigmoid or erf"},
		{[]string{"limits", "solve", "--fluctuations", "--limit", "kernel", "--gamma", "0.5", "--out", out}, "needs --limit meanfield"},
		{[]string{"limits", "solve", "--fluctuations", "--limit", "graphon", "--out", out}, "give --nodes n"},
		{[]string{"limits", "width", "--tol", "0.01", "--time", "1", "--activation", "relu"}, "use --activation identity"},
		{[]string{"limits", "width", "--tol", "0.01", "--activation", "identity"}, "--time is required"},
		{[]string{"limits", "width", "--time", "1", "--activation", "identity"}, "--tol is required"},
		{[]string{"limits", "width", "--tol", "-1", "--time", "1", "--activation", "identity"}, "--tol=-1"},
		{[]string{"limits", "width", "--tol", "0.01", "--time", "-1", "--activation", "identity"}, "--time=-1"},
		{[]string{"limits", "width", "--tol", "0.01", "--time", "1", "--activation", "identity", "--gamma", "0.5"}, "gamma=0.5"},
	} {
		code, _, stderr := gnnwb(t, tc.args...)
		if code != 2 || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: code %d, stderr %q, want 2 and %q", tc.args, code, stderr, tc.want)
		}
	}
}

// TestLimitsGraphAxisCLI: solve --limit graphon --fluctuations --nodes n
// writes the predicted graph axis (fluctuation.Graph at --nodes and --width)
// to OUT-graph.csv, one row per time, and into the report; a problem it
// does not predict, or --nodes without it, is a usage error (exit 2).
func TestLimitsGraphAxisCLI(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "g.csv")
	prob := []string{"--activation", "identity", "--alpha", "1", "--graphon", "sbm:0.5,0.5:0.9,0.1;0.1,0.9", "--rho", "0.1",
		"--signal", "poly:1", "--target", "poly:0,0,1", "--quadrature", "8", "--times", "1,2"}
	code, stdout, stderr := gnnwb(t, append([]string{"limits", "solve", "--limit", "graphon", "--fluctuations", "--nodes", "400", "--width", "50", "--out", out}, prob...)...)
	if code != 0 || !strings.Contains(stdout, "graph axis") {
		t.Fatalf("solve --limit graphon --fluctuations: %d %s %s", code, stdout, stderr)
	}
	data, err := os.ReadFile(filepath.Join(dir, "g-graph.csv"))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(strings.NewReader(string(data))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || strings.Join(rows[0], ",") != "t,bias,variance,total,b2,v,mean_field_bias" {
		t.Fatalf("graph CSV: %v", rows)
	}
	p := limits.DefaultProblem()
	p.Activation = activation.Identity
	p.Alpha = 1
	p.Graphon, _ = generators.ParseGraphon("sbm:0.5,0.5:0.9,0.1;0.1,0.9")
	p.Rho = 0.1
	p.Signal, _ = generators.ParseSignal("poly:1")
	p.Target, _ = generators.ParseTarget("poly:0,0,1")
	p.Quadrature = 8
	p.Times = []float64{1, 2}
	s, err := limits.NewSetup(p)
	if err != nil {
		t.Fatal(err)
	}
	ga, err := fluctuation.Graph(context.Background(), s, 400, 50, p.Times)
	if err != nil {
		t.Fatal(err)
	}
	for k := range p.Times {
		if rows[k+1][3] != ff(ga.Total[k]) || rows[k+1][1] != ff(ga.Bias[k]) || rows[k+1][2] != ff(ga.Variance[k]) {
			t.Errorf("row %v, want bias %v variance %v total %v", rows[k+1], ga.Bias[k], ga.Variance[k], ga.Total[k])
		}
	}
	var report struct {
		GraphAxis struct {
			File  string    `json:"file"`
			Nodes int       `json:"nodes"`
			Width int       `json:"width"`
			Total []float64 `json:"total"`
		} `json:"graph_axis"`
	}
	meta, _ := os.ReadFile(filepath.Join(dir, "g.json"))
	if err := json.Unmarshal(meta, &report); err != nil {
		t.Fatal(err)
	}
	if r := report.GraphAxis; r.File != filepath.Join(dir, "g-graph.csv") || r.Nodes != 400 || r.Width != 50 || len(r.Total) != 2 || ff(r.Total[1]) != rows[2][3] {
		t.Errorf("report %+v, CSV %v", r, rows)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"limits", "solve", "--limit", "graphon", "--fluctuations", "--nodes", "100", "--out", out}, "the graph axis is predicted for --activation identity"},
		{[]string{"limits", "solve", "--limit", "graphon", "--fluctuations", "--nodes", "100", "--activation", "identity", "--noise-x", "0.1", "--out", out}, "--noise-x=0.1"},
		{[]string{"limits", "solve", "--nodes", "100", "--out", out}, "--nodes is for --limit graphon --fluctuations"},
	} {
		code, _, stderr := gnnwb(t, tc.args...)
		if code != 2 || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: code %d, stderr %q, want 2 and %q", tc.args, code, stderr, tc.want)
		}
	}
}

// TestLimitsFluctuationsTanhCLI: for tanh, solve --fluctuations writes the
// band of the linearised particle flow with its self-check in the report,
// and limits width answers from the same C(t) and says how (with the
// self-check's error).
func TestLimitsFluctuationsTanhCLI(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "tanh.csv")
	prob := []string{"--activation", "tanh", "--quadrature", "8", "--particles", "128"}
	code, stdout, stderr := gnnwb(t, append([]string{"limits", "solve", "--fluctuations", "--times", "0,1", "--out", out}, prob...)...)
	if code != 0 || !strings.Contains(stdout, "McKean–Vlasov") || !strings.Contains(stdout, "self-check of C") {
		t.Fatalf("solve --fluctuations: %d %s %s", code, stdout, stderr)
	}
	var report struct {
		Fluctuations struct {
			C           []float64 `json:"c"`
			ErrEstimate []float64 `json:"err_estimate"`
		} `json:"fluctuations"`
	}
	meta, _ := os.ReadFile(filepath.Join(dir, "tanh.json"))
	if err := json.Unmarshal(meta, &report); err != nil {
		t.Fatal(err)
	}
	if len(report.Fluctuations.C) != 2 || len(report.Fluctuations.ErrEstimate) != 2 || !(report.Fluctuations.C[1] > 0) {
		t.Fatalf("report %+v", report.Fluctuations)
	}
	data, err := os.ReadFile(filepath.Join(dir, "tanh-fluctuations.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if rows, err := csv.NewReader(strings.NewReader(string(data))).ReadAll(); err != nil || len(rows) != 1+2*8 {
		t.Fatalf("band: %d rows, %v", len(rows), err)
	}
	code, stdout, stderr = gnnwb(t, append([]string{"limits", "width", "--tol", "0.05", "--time", "1"}, prob...)...)
	want := int(math.Ceil(report.Fluctuations.C[1] / 0.0025))
	if code != 0 || !strings.Contains(stdout, fmt.Sprintf("N = %d:", want)) || !strings.Contains(stdout, "±") || !strings.Contains(stdout, "McKean–Vlasov") {
		t.Errorf("width: %d, want N = %d: %s %s", code, want, stdout, stderr)
	}
}

// TestLimitsCollapseCLI: limits collapse prints N·MSE per width and time
// beside C(t), draws the figure and writes the numbers to OUT.json, whose
// means are those of its per-width values; C(t) is drawn from t = 0. Bad
// input exits with status 2.
func TestLimitsCollapseCLI(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "collapse.png")
	prob := []string{"--activation", "identity", "--alpha", "1", "--quadrature", "8", "--times", "0.5,1"}
	code, stdout, stderr := gnnwb(t, append([]string{"limits", "collapse", "--widths", "20,40", "--runs", "6", "--out", out}, prob...)...)
	if code != 0 || !strings.Contains(stdout, "N = 40") || !strings.Contains(stdout, "Lyapunov") {
		t.Fatalf("collapse: %d %s %s", code, stdout, stderr)
	}
	if st, err := os.Stat(out); err != nil || st.Size() < 1000 {
		t.Fatalf("figure: %v", err)
	}
	var report struct {
		Times    []float64 `json:"times"`
		C        []float64 `json:"c"`
		Measured struct {
			Widths []int       `json:"widths"`
			Times  []float64   `json:"times"`
			Seeds  int         `json:"seeds"`
			Mean   [][]float64 `json:"mean"`
		} `json:"measured"`
	}
	data, _ := os.ReadFile(filepath.Join(dir, "collapse.json"))
	if err := json.Unmarshal(data, &report); err != nil {
		t.Fatal(err)
	}
	m := report.Measured
	if report.Times[0] != 0 || len(report.C) != len(report.Times) || m.Seeds != 6 || len(m.Mean) != 2 || len(m.Mean[1]) != 2 || m.Times[1] != 1 {
		t.Fatalf("report: %s", data)
	}
	for k, tk := range m.Times {
		j := -1
		for i, x := range report.Times {
			if x == tk {
				j = i
			}
		}
		if j < 0 || !strings.Contains(stdout, fmt.Sprintf("%.4f", report.C[j])) || !strings.Contains(stdout, fmt.Sprintf("%.4f ±", m.Mean[0][k])) {
			t.Errorf("t=%v: C and N·MSE not printed:\n%s", tk, stdout)
		}
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--out", filepath.Join(dir, "c.jpg")}, "want a .png or .svg"},
		{[]string{"--activation", "relu"}, "use --activation identity"},
		{[]string{"--widths", "20,0"}, "widths[1]=0"},
		{[]string{"--runs", "0"}, "--runs=0"},
	} {
		args := append([]string{"limits", "collapse", "--quadrature", "8", "--times", "0.5", "--widths", "20", "--runs", "2", "--out", out}, tc.args...)
		code, _, stderr := gnnwb(t, args...)
		if code != 2 || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: code %d, stderr %q, want 2 and %q", tc.args, code, stderr, tc.want)
		}
	}
}

package sweep

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gnnwb/gnnwb/generators/walk"
	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/internal/atomicfile"
	"github.com/gnnwb/gnnwb/internal/inputfile"
	"github.com/gnnwb/gnnwb/internal/memlimit"
	"github.com/gnnwb/gnnwb/internal/parallel"
	"github.com/gnnwb/gnnwb/internal/strictyaml"
	"github.com/gnnwb/gnnwb/limits"
	"github.com/gnnwb/gnnwb/limits/longrun"
	"github.com/gnnwb/gnnwb/limits/quadrature"
)

// Config is a sweep: a grid of finite networks measured against limits
// (docs/mathematics.md §5). Every cell (n, N, seed) for n in Nodes, N in Widths
// and seeds 1..Seeds trains the network of Problem on G(n, W, ρ) with width
// N and compares it with each limit in Limits at the problem's times,
// through the function error e_fun (on the quadrature nodes) and the node
// error e_node (on a fresh test graph of n nodes, at most TestNodes of
// them).
type Config struct {
	Problem   limits.Problem `json:"problem" yaml:"problem"`
	Nodes     []int          `json:"nodes" yaml:"nodes"`           // n values
	Widths    []int          `json:"widths" yaml:"widths"`         // N values
	Seeds     int            `json:"seeds" yaml:"seeds"`           // R: seeds 1..R
	Limits    []limits.Kind  `json:"limits" yaml:"limits"`         // graphon, meanfield, kernel
	Particles int            `json:"particles" yaml:"particles"`   // M of the mean-field particle solver (0: 2048)
	TestNodes int            `json:"test_nodes" yaml:"test_nodes"` // nodes of the test graph used by e_node (0: 1000)
	// Walk, if not empty, trains every network along a walk on the graphon
	// with these options (walk.ParseOptions: "h=0.5,r=0", ...; features by
	// the ego sampler at the visited latents, limits.Setup.NetworkWalk)
	// instead of on independent samples, and measures it against the
	// mean-field limit under the walk's stationary law, beside C_walk(t)
	// (docs/mathematics.md §10). It needs the ego sampler and the
	// mean-field limit only.
	Walk string `json:"walk,omitempty" yaml:"walk"`
}

// Default is the demonstration that `gnnwb limits sweep` runs with no
// configuration: limits.DefaultProblem (tanh, γ = 1, the exponential
// graphon) on sparse graphs, ρ = 0.02, so that both axes show (the graph's
// own error, of order (nρ)^−½, is then comparable with the width's N^−½:
// at n = 100 the mean-field error stops falling with N near 0.01, at
// n = 3000 it falls to 0.003), on n ∈ {100, 300, 1000, 3000}, N ∈ {10, 30,
// 100, 300, 1000, 3000}, 6 seeds, against the graphon limit (error along n)
// and the mean-field limit (error along N and jointly), M = 2048 particles.
func Default() Config {
	p := limits.DefaultProblem()
	p.Rho = DefaultRho
	return Config{Problem: p, Nodes: []int{100, 300, 1000, 3000}, Widths: []int{10, 30, 100, 300, 1000, 3000},
		Seeds: 6, Limits: []limits.Kind{limits.GraphonLimit, limits.MeanFieldLimit}, Particles: 2048, TestNodes: 1000}
}

// DefaultRho is the sparsity ρ of Default's graphs.
const DefaultRho = 0.02

// MaxCells bounds the number of cells of a sweep.
const MaxCells = 1 << 20

// Validate checks the sweep and its problem. Errors (graphs.ErrParameter)
// name the field: empty grids, n < 1 or N < 1, duplicate values, an odd N
// with a symmetric μ_0, R < 1, an unknown or duplicate limit, a limit whose
// γ does not match, negative Particles or TestNodes, and those of
// limits.Problem.Validate.
func (w Config) Validate() error {
	if err := w.Problem.Validate(); err != nil {
		return err
	}
	serr := func(format string, a ...any) error {
		return fmt.Errorf("sweep: Config: "+format+": %w", append(a, graphs.ErrParameter)...)
	}
	for _, g := range []struct {
		name string
		v    []int
	}{{"nodes", w.Nodes}, {"widths", w.Widths}} {
		if len(g.v) == 0 {
			return serr("%s is empty", g.name)
		}
		for i, x := range g.v {
			if x < 1 {
				return serr("%s[%d]=%d < 1", g.name, i, x)
			}
			if slices.Contains(g.v[:i], x) {
				return serr("%s has %d twice", g.name, x)
			}
		}
	}
	if w.Problem.Symmetric {
		for _, x := range w.Widths {
			if x%2 != 0 {
				return serr("widths has %d, but a symmetric μ_0 needs even N", x)
			}
		}
	}
	if w.Seeds < 1 {
		return serr("seeds=%d < 1", w.Seeds)
	}
	if len(w.Limits) == 0 {
		return serr("limits is empty; name at least one of %v", limits.Kinds())
	}
	for i, l := range w.Limits {
		if !slices.Contains(limits.Kinds(), l) {
			return serr("limits[%d]=%q not one of %v", i, l, limits.Kinds())
		}
		if slices.Contains(w.Limits[:i], l) {
			return serr("limits has %q twice", l)
		}
		if l == limits.MeanFieldLimit && w.Problem.Gamma != 1 {
			return serr("limit meanfield needs problem.gamma=1, got %v", w.Problem.Gamma)
		}
		if l == limits.KernelLimit && !(w.Problem.Gamma < 1) {
			return serr("limit kernel needs problem.gamma < 1 (gamma=0.5 the kernel scaling), got %v", w.Problem.Gamma)
		}
	}
	if w.Walk != "" {
		if _, err := walk.ParseOptions(w.Walk); err != nil {
			return fmt.Errorf("sweep: Config: walk=%q: %w", w.Walk, err)
		}
		if w.Problem.Sampler != limits.EgoSampling {
			return serr("walk=%q needs the ego sampler (problem.sampler=%v)", w.Walk, w.Problem.Sampler)
		}
		if len(w.Limits) != 1 || w.Limits[0] != limits.MeanFieldLimit {
			return serr("walk=%q is measured against the mean-field limit under the walk's law only: limits=%v, want [meanfield]", w.Walk, w.Limits)
		}
	}
	if w.Particles < 0 || w.TestNodes < 0 {
		return serr("particles=%d, test_nodes=%d must be ≥ 0", w.Particles, w.TestNodes)
	}
	if w.Seeds > MaxCells || len(w.Nodes)*len(w.Widths)*w.Seeds > MaxCells {
		return serr("nodes × widths × seeds=%d: %d×%d×%d cells exceed %d", w.Seeds, len(w.Nodes), len(w.Widths), w.Seeds, MaxCells)
	}
	if err := memlimit.Check(w.cellBytes()); err != nil {
		return fmt.Errorf("sweep: Config: widths up to %d, nodes up to %d, particles=%d, test_nodes=%d: %v: %w",
			slices.Max(w.Widths), slices.Max(w.Nodes), w.Particles, w.TestNodes, err, graphs.ErrTooLarge)
	}
	return nil
}

// cellBytes estimates the memory of the largest cell, computed on every
// worker at once, and of the particle solver: per cell a network of width
// N (N(1+2d) parameters, a few copies), a graph of n nodes (the whole-graph
// sampler's ≈ρn² entries), the test graph; the particle system about ten
// copies of M(1+2d) values, three times with the self-check.
func (w Config) cellBytes() float64 {
	d := float64(w.Problem.Signal.Dim())
	N, n := float64(slices.Max(w.Widths)), float64(slices.Max(w.Nodes))
	cell := 24*N*(1+2*d) + 32*n + 8*float64(w.testNodes())*(2*d+2)
	if w.Problem.Sampler == limits.WholeGraphSampling {
		cell += 6 * w.Problem.Rho * n * n
	}
	cell *= float64(min(runtime.GOMAXPROCS(0), len(w.Nodes)*len(w.Widths)*w.Seeds))
	return cell + 3*8*10*float64(w.particles())*(1+2*d)
}

// Decode reads a sweep from YAML or JSON on top of Default (a problem key is
// read on top of limits.DefaultProblem, as limits.DecodeProblem does);
// unknown keys are errors (graphs.ErrFormat), a limit or a problem spec
// that does not parse keeps its parser's error kind. The result is
// validated.
func Decode(r io.Reader) (Config, error) {
	w := Default()
	if err := decodeStrict(r, &w); err != nil {
		return Config{}, fmt.Errorf("sweep: Decode: %w", err)
	}
	if err := w.Validate(); err != nil {
		return Config{}, err
	}
	return w, nil
}

// decodeStrict decodes YAML (or JSON) into v, refusing unknown keys; an
// empty input leaves v unchanged. Errors of the decoder wrap
// graphs.ErrFormat; those of a value's own parser keep their kind.
func decodeStrict(r io.Reader, v any) error {
	return strictyaml.Decode(r, v, graphs.ErrFormat, graphs.ErrParameter, graphs.ErrShape, graphs.ErrTooLarge, graphs.ErrFormat)
}

// Read reads a sweep file (.yaml, .yml or .json) with Decode. Errors in
// the content are a *graphs.ParseError naming the file.
func Read(path string) (Config, error) {
	f, err := inputfile.Open(path)
	if err != nil {
		return Config{}, fmt.Errorf("sweep: Read: %w", err)
	}
	defer f.Close()
	if err := inputfile.NotEmpty(f); err != nil {
		return Config{}, fmt.Errorf("sweep: Read: %w", &graphs.ParseError{Path: path, Err: fmt.Errorf("%w: %w", err, graphs.ErrFormat)})
	}
	w, err := Decode(f)
	if err != nil {
		return Config{}, fmt.Errorf("sweep: Read: %w", &graphs.ParseError{Path: filepath.Base(path), Err: err})
	}
	return w, nil
}

func (w Config) particles() int {
	if w.Particles == 0 {
		return 2048
	}
	return w.Particles
}

func (w Config) testNodes() int {
	if w.TestNodes == 0 {
		return 1000
	}
	return w.TestNodes
}

func (w Config) clone() Config {
	w.Problem.Times = slices.Clone(w.Problem.Times)
	w.Nodes = slices.Clone(w.Nodes)
	w.Widths = slices.Clone(w.Widths)
	w.Limits = slices.Clone(w.Limits)
	return w
}

// Cell is one network of a sweep.
type Cell struct {
	Nodes int    `json:"n"`
	Width int    `json:"N"`
	Seed  uint64 `json:"seed"`
}

func (c Cell) key() string { return fmt.Sprintf("n%d_N%d_s%d", c.Nodes, c.Width, c.Seed) }

// Cells lists the cells in their fixed order: n, then N, then seed.
func (w Config) Cells() []Cell {
	var out []Cell
	for _, n := range w.Nodes {
		for _, m := range w.Widths {
			for s := 1; s <= w.Seeds; s++ {
				out = append(out, Cell{n, m, uint64(s)})
			}
		}
	}
	return out
}

// Row is one line of a sweep's tidy CSV: the error of kind "fun" or "node"
// of the network of cell (n, N, seed) against a limit at time t.
type Row struct {
	Limit limits.Kind `json:"limit"`
	Nodes int         `json:"n"`
	Width int         `json:"N"`
	Seed  uint64      `json:"seed"`
	T     float64     `json:"t"`
	Kind  string      `json:"kind"`
	Error float64     `json:"error"`
}

// CSVHeader returns the header of errors.csv (a new slice each call).
func CSVHeader() []string { return []string{"limit", "n", "N", "seed", "t", "kind", "error"} }

// cellResult is what a finished cell stores in cells/<key>.json.
type cellResult struct {
	Cell
	Rows []Row `json:"rows"`
	// Curves[k] is the network's output on the quadrature nodes at t_k.
	Curves  [][]float64 `json:"curves"`
	Seconds float64     `json:"seconds"`
}

// Options control Run.
type Options struct {
	// Shard i of Shards (0 ≤ i < Shards; Shards 0 or 1: all cells) runs the
	// cells whose index in Cells() is i modulo Shards.
	Shard, Shards int
	// Progress, if not nil, is called after each cell with the work done
	// and the work this run has to do (from one goroutine at a time). Work
	// is counted in estimated steps × operations per step (a cell of width
	// N on n nodes costs about N·(N + nρ)), so that done/total grows in
	// proportion to compute time although the cells' costs differ by
	// orders of magnitude and the costliest run first.
	Progress func(done, total int64)
	// Workers is the number of cells computed at once (0: GOMAXPROCS).
	// Each cell's result does not depend on it.
	Workers int
	// Warn, if not nil, is told of each cell file found corrupt (its
	// checksum, JSON or cell do not hold), which Run computes again.
	Warn func(msg string)
}

// Directory layout of a sweep.
const (
	ConfigFile  = "sweep.json"   // the Config (problem included)
	ErrorsFile  = "errors.csv"   // tidy rows of all finished cells
	SummaryFile = "summary.json" // Summary
	TimingFile  = "timing.json"  // Timing: the wall-clock figures, kept out of the other outputs
	cellsDir    = "cells"
)

// Run runs the cells of shard opt.Shard/opt.Shards of w into dir and then
// assembles dir's outputs (Assemble). Each finished cell is written
// atomically to dir/cells/<n,N,seed>.json with the SHA-256 of its content
// and is never recomputed unless that checksum fails (opt.Warn is told):
// rerunning
// the same command after an interruption continues where it stopped, and
// the outputs equal those of an uninterrupted run (each cell is
// deterministic, for any GOMAXPROCS). Shards may share dir (a shared file
// system) or use their own, combined later by Merge.
//
// Limits that do not depend on the cell (mean-field; kernel with a
// symmetric μ_0) are solved once per run; the graphon limit (and the kernel
// limit from the network's own g_0) once per (N, seed); the gamma limit once
// per N.
//
// Errors: an invalid sweep or shard, a dir holding a different sweep
// (graphs.ErrParameter), solver and file errors, ctx cancellation (finished
// cells stay on disk).
func Run(ctx context.Context, w Config, dir string, opt Options) (*Summary, error) {
	if err := w.Validate(); err != nil {
		return nil, err
	}
	shards := max(opt.Shards, 1)
	if opt.Shard < 0 || opt.Shard >= shards {
		return nil, fmt.Errorf("sweep: Run: shard %d/%d: need 0 ≤ i < k: %w", opt.Shard, shards, graphs.ErrParameter)
	}
	s, err := limits.NewSetup(w.Problem)
	if err != nil {
		return nil, err
	}
	r := newRun(s, w, dir)
	law := s // the Setup of the limits: under the walk's stationary law
	if w.Walk != "" {
		wo, err := walk.ParseOptions(w.Walk)
		if err != nil {
			return nil, fmt.Errorf("sweep: Run: %w", err)
		}
		if r.chain, err = longrun.Graphon(s, wo); err != nil {
			return nil, fmt.Errorf("sweep: Run: %w", err)
		}
		if law, err = s.WithLaw(r.chain.Pi); err != nil {
			return nil, fmt.Errorf("sweep: Run: %w", err)
		}
		r.walk = &wo
	}
	if err := initDir(dir, w); err != nil {
		return nil, err
	}
	var todo []Cell
	for i, c := range w.Cells() {
		if i%shards != opt.Shard {
			continue
		}
		_, err := readCell(dir, c)
		if err == nil {
			continue
		}
		if !errors.Is(err, fs.ErrNotExist) && opt.Warn != nil {
			opt.Warn(fmt.Sprintf("%v; computing the cell again", err))
		}
		todo = append(todo, c)
	}
	for _, l := range w.Limits {
		if s.Coupled(l) || len(todo) == 0 {
			continue
		}
		sol, err := law.Limit(ctx, l, 2, 1, limits.SolveOptions{Particles: w.particles(), SelfCheck: true})
		if err != nil {
			return nil, err
		}
		r.fixed[l] = sol
		if err := r.writeLimitInfo(sol); err != nil {
			return nil, err
		}
	}
	if slices.Contains(w.Limits, limits.MeanFieldLimit) {
		if err := writePrediction(ctx, s, w, dir, r.chain); err != nil {
			return nil, err
		}
	}
	if graphPredicted(w) {
		if err := writeGraphPrediction(ctx, s, w, dir); err != nil {
			return nil, err
		}
	}
	// costliest cells first (T·N steps of O(N + nρ) each) balance the workers
	cost := func(c Cell) int64 {
		return int64(math.Ceil(float64(c.Width) * (float64(c.Width) + float64(c.Nodes)*w.Problem.Rho)))
	}
	slices.SortStableFunc(todo, func(a, b Cell) int { return cmp.Compare(cost(b), cost(a)) })
	var work int64
	for _, c := range todo {
		work += cost(c)
	}
	var done int64
	err = parallel.Each(ctx, len(todo), opt.Workers, func(ctx context.Context, i int) error { return r.cell(ctx, todo[i]) }, func(i int) {
		done += cost(todo[i])
		if opt.Progress != nil {
			opt.Progress(done, work)
		}
	})
	if err != nil {
		return nil, err
	}
	if opt.Progress != nil && len(todo) == 0 {
		opt.Progress(0, 0)
	}
	return Assemble(dir)
}

// once is a value computed once on first use, shared by the workers.
type once[T any] struct {
	once sync.Once
	v    T
	err  error
}

// get returns m[key]'s value, computing it with fn on first use (mu guards m).
func get[T any](mu *sync.Mutex, m map[string]*once[T], key string, fn func() (T, error)) (T, error) {
	mu.Lock()
	e := m[key]
	if e == nil {
		e = new(once[T])
		m[key] = e
	}
	mu.Unlock()
	e.once.Do(func() { e.v, e.err = fn() })
	return e.v, e.err
}

type testPoints struct{ net, lim []float64 }

// run is the state the workers of Run share: the setup, its evaluation
// grid (nodes u_q, weights ω_q, features φ(u_q), d) and the limits solved
// so far.
type run struct {
	s        *limits.Setup
	walk     *walk.Options  // the walk of Config.Walk, nil for independent samples
	chain    *longrun.Chain // its chain on the quadrature grid
	w        Config
	dir      string
	u, omega []float64
	phi      []float64
	d        int
	fixed    map[limits.Kind]*limits.Solution
	mu       sync.Mutex
	coupled  map[string]*once[*limits.Solution]
	tests    map[[2]int]*once[testPoints]
	tmu      sync.Mutex
}

func newRun(s *limits.Setup, w Config, dir string) *run {
	r := &run{s: s, w: w, dir: dir, d: s.Dim(), fixed: map[limits.Kind]*limits.Solution{},
		coupled: map[string]*once[*limits.Solution]{}, tests: map[[2]int]*once[testPoints]{}}
	r.u, r.omega = s.Nodes()
	r.phi, _ = s.Features()
	return r
}

// cell computes one cell and writes its file.
func (r *run) cell(ctx context.Context, c Cell) error {
	s, w := r.s, r.w
	start := time.Now()
	var net *limits.Solution
	var err error
	if r.walk != nil {
		net, err = s.NetworkWalk(ctx, c.Nodes, c.Width, c.Seed, *r.walk)
	} else {
		net, err = s.Network(ctx, c.Nodes, c.Width, c.Seed)
	}
	if err != nil {
		return fmt.Errorf("sweep: Run: cell %s: %w", c.key(), err)
	}
	tk := [2]int{c.Nodes, int(c.Seed)}
	r.tmu.Lock()
	te := r.tests[tk]
	if te == nil {
		te = new(once[testPoints])
		r.tests[tk] = te
	}
	r.tmu.Unlock()
	te.once.Do(func() {
		te.v.net, te.v.lim, _, te.err = s.TestGraph(c.Nodes, c.Seed, w.testNodes())
	})
	if te.err != nil {
		return fmt.Errorf("sweep: Run: cell %s: %w", c.key(), te.err)
	}
	tg := te.v
	res := cellResult{Cell: c}
	nq := len(r.u)
	gn, gl := make([]float64, nq), make([]float64, nq)
	nb := len(tg.net) / (2 * r.d)
	yn, yl := make([]float64, nb), make([]float64, nb)
	for k := range w.Problem.Times {
		if err := net.Eval(gn, k, r.phi); err != nil {
			return err
		}
		res.Curves = append(res.Curves, slices.Clone(gn))
	}
	for _, l := range w.Limits {
		sol := r.fixed[l]
		if sol == nil {
			key := fmt.Sprintf("%s/%d/%d", l, c.Width, c.Seed)
			if l == limits.GammaLimit { // depends on the width only
				key = fmt.Sprintf("%s/%d", l, c.Width)
			}
			sol, err = get(&r.mu, r.coupled, key, func() (*limits.Solution, error) {
				return s.Limit(ctx, l, c.Width, c.Seed, limits.SolveOptions{})
			})
			if err != nil {
				return fmt.Errorf("sweep: Run: cell %s: %w", c.key(), err)
			}
		}
		for k, t := range w.Problem.Times {
			if err := sol.Eval(gl, k, r.phi); err != nil {
				return err
			}
			efun := quadrature.Distance(r.omega, res.Curves[k], gl)
			if err := net.Eval(yn, k, tg.net); err != nil {
				return err
			}
			if err := sol.Eval(yl, k, tg.lim); err != nil {
				return err
			}
			se := 0.0
			for i := range yn {
				e := yn[i] - yl[i]
				se += e * e
			}
			enode := math.Sqrt(se / float64(nb))
			res.Rows = append(res.Rows,
				Row{Limit: l, Nodes: c.Nodes, Width: c.Width, Seed: c.Seed, T: t, Kind: "fun", Error: efun},
				Row{Limit: l, Nodes: c.Nodes, Width: c.Width, Seed: c.Seed, T: t, Kind: "node", Error: enode})
		}
	}
	res.Seconds = time.Since(start).Seconds()
	return writeCell(r.dir, res)
}

func writeJSON(path string, v any) error {
	data, err := json.MarshalIndent(v, "", " ")
	if err != nil {
		return fmt.Errorf("sweep: %s: %w", filepath.Base(path), err)
	}
	return atomicfile.WriteBytes(path, append(data, '\n'))
}

// initDir creates dir and dir/cells and writes dir/sweep.json, or checks
// that an existing one describes the same sweep.
func initDir(dir string, w Config) error {
	if err := os.MkdirAll(filepath.Join(dir, cellsDir), 0o755); err != nil {
		return fmt.Errorf("sweep: %w", err)
	}
	want, err := json.MarshalIndent(w.clone(), "", "  ")
	if err != nil {
		return fmt.Errorf("sweep: %w", err)
	}
	want = append(want, '\n')
	path := filepath.Join(dir, ConfigFile)
	have, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return atomicfile.WriteBytes(path, want)
	case err != nil:
		return fmt.Errorf("sweep: %w", err)
	case !bytes.Equal(have, want) && !sameCanonical(have, want):
		return fmt.Errorf("sweep: %s holds a different sweep (see its %s); use another output directory: %w", dir, ConfigFile, graphs.ErrParameter)
	}
	return nil
}

// sameCanonical reports whether the sweep.json bytes have describe the sweep
// whose bytes are want: a file written before specs were written in
// canonical form may spell them otherwise (sbm:1,1:… for sbm:0.5,0.5:…,
// TANH for tanh).
func sameCanonical(have, want []byte) bool {
	var w Config
	dec := json.NewDecoder(bytes.NewReader(have))
	dec.DisallowUnknownFields()
	if dec.Decode(&w) != nil {
		return false
	}
	again, err := json.MarshalIndent(w, "", "  ")
	return err == nil && bytes.Equal(append(again, '\n'), want)
}

func readDir(dir string) (Config, error) {
	data, err := os.ReadFile(filepath.Join(dir, ConfigFile))
	if err != nil {
		return Config{}, fmt.Errorf("sweep: %s is not a sweep directory: %w", dir, err)
	}
	var w Config
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&w); err != nil {
		return Config{}, fmt.Errorf("sweep: %w", &graphs.ParseError{Path: filepath.Join(dir, ConfigFile), Err: fmt.Errorf("%v: %w", err, graphs.ErrFormat)})
	}
	return w, nil
}

// cellTrailer starts the last line of a cell file (format version 2):
// after it, the SHA-256 of the JSON before it, in hex. Files of version 1,
// JSON alone, are still read.
const cellTrailer = "# gnnwb sweep cell v2 sha256 "

// writeCell writes r to dir/cells/<key>.json atomically: its indented JSON
// and the checksum line.
func writeCell(dir string, r cellResult) error {
	path := filepath.Join(dir, cellsDir, r.Cell.key()+".json")
	data, err := json.MarshalIndent(r, "", " ")
	if err != nil {
		return fmt.Errorf("sweep: %s: %w", filepath.Base(path), err)
	}
	data = append(data, '\n')
	sum := sha256.Sum256(data)
	data = append(append(data, cellTrailer...), hex.EncodeToString(sum[:])+"\n"...)
	return atomicfile.WriteBytes(path, data)
}

// readCell reads cell c of dir: an error wrapping fs.ErrNotExist when it is
// not there, graphs.ErrFormat (naming the file) when its checksum, its JSON
// or the cell it holds is wrong.
func readCell(dir string, c Cell) (cellResult, error) {
	path := filepath.Join(dir, cellsDir, c.key()+".json")
	data, err := os.ReadFile(path)
	if err != nil {
		return cellResult{}, err
	}
	if i := bytes.LastIndex(data, []byte(cellTrailer)); i >= 0 {
		want := strings.TrimSuffix(string(data[i+len(cellTrailer):]), "\n")
		sum := sha256.Sum256(data[:i])
		if hex.EncodeToString(sum[:]) != want {
			return cellResult{}, fmt.Errorf("sweep: cell file %s: checksum mismatch (the file is corrupt): %w", path, graphs.ErrFormat)
		}
		data = data[:i]
	}
	var r cellResult
	if err := json.Unmarshal(data, &r); err != nil {
		return cellResult{}, fmt.Errorf("sweep: cell file %s: %v: %w", path, err, graphs.ErrFormat)
	}
	if r.Cell != c {
		return cellResult{}, fmt.Errorf("sweep: cell file %s holds %+v: %w", path, r.Cell, graphs.ErrFormat)
	}
	return r, nil
}

// LimitInfo describes a limit solved once for a sweep.
type LimitInfo struct {
	Name        string      `json:"name"`
	Method      string      `json:"method"`
	Times       []float64   `json:"times"`
	ErrEstimate []float64   `json:"err_estimate,omitempty"`
	ODESteps    int         `json:"ode_steps"`
	ODEEvals    int         `json:"ode_evals"`
	U           []float64   `json:"u,omitempty"` // quadrature nodes
	G           [][]float64 `json:"g,omitempty"` // G[k][q] = g_{t_k}(φ(u_q))
}

func (r *run) writeLimitInfo(sol *limits.Solution) error {
	info := LimitInfo{Name: sol.Name, Method: sol.Method, Times: sol.Times, ErrEstimate: sol.ErrEstimate,
		ODESteps: sol.Stats.Steps, ODEEvals: sol.Stats.Evals, U: r.u}
	for k := range sol.Times {
		g := make([]float64, len(r.u))
		if err := sol.Eval(g, k, r.phi); err != nil {
			return err
		}
		info.G = append(info.G, g)
	}
	return writeJSON(filepath.Join(r.dir, "limit_"+sol.Name+".json"), info)
}

// Group is the mean over seeds of one error at one (limit, n, N, t, kind).
type Group struct {
	Limit  limits.Kind `json:"limit"`
	Nodes  int         `json:"n"`
	Width  int         `json:"N"`
	T      float64     `json:"t"`
	Kind   string      `json:"kind"`
	Mean   float64     `json:"mean"`
	StdErr float64     `json:"stderr"`
	Seeds  []uint64    `json:"seeds"`
}

// Summary is summary.json: what produced the sweep, how far it is, and the
// errors averaged over seeds.
type Summary struct {
	Config   Config      `json:"sweep"`
	Cells    int         `json:"cells"`
	Done     int         `json:"done"`
	Complete bool        `json:"complete"`
	Seconds  float64     `json:"-"` // compute time of the finished cells (written to TimingFile)
	Limits   []LimitInfo `json:"limits,omitempty"`
	// Prediction is C(t) beside the measured N·mean(e_fun²) at the largest
	// n, for a sweep against the mean-field limit (nil otherwise).
	Prediction *Prediction `json:"prediction,omitempty"`
	// GraphPrediction is the predicted graph axis beside the measured
	// mean of e_fun² per (n, N, t), for a σ-identity sweep against the
	// graphon limit (nil otherwise).
	GraphPrediction *GraphPrediction `json:"graphon_prediction,omitempty"`
	Groups          []Group          `json:"groups"`
}

// Assemble reads dir's sweep and finished cells and writes, atomically,
// errors.csv (the rows of the finished cells, in cell order; the same bytes
// for the same cells however they were run) and summary.json. It is what
// Run ends with and what Merge runs after copying the shards.
func Assemble(dir string) (*Summary, error) {
	w, err := readDir(dir)
	if err != nil {
		return nil, err
	}
	rows, sum, err := collect(dir, w)
	if err != nil {
		return nil, err
	}
	if err := atomicfile.Write(filepath.Join(dir, ErrorsFile), func(f io.Writer) error { return WriteRows(f, rows) }); err != nil {
		return nil, err
	}
	if err := writeJSON(filepath.Join(dir, SummaryFile), sum); err != nil {
		return nil, err
	}
	if err := writeJSON(filepath.Join(dir, TimingFile), Timing{Done: sum.Done, Seconds: sum.Seconds}); err != nil {
		return nil, err
	}
	return sum, nil
}

// Timing is timing.json: the wall-clock figures of a sweep, apart from
// summary.json, errors.csv and the fits, which are therefore the same bytes
// for the same cells however (and in how many pieces) they were run.
type Timing struct {
	Done    int     `json:"done"`         // finished cells
	Seconds float64 `json:"cell_seconds"` // their compute time, summed
}

func collect(dir string, w Config) ([]Row, *Summary, error) {
	sum := &Summary{Config: w}
	var rows []Row
	for _, c := range w.Cells() {
		sum.Cells++
		r, err := readCell(dir, c)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, nil, err
		}
		sum.Done++
		sum.Seconds += r.Seconds
		rows = append(rows, r.Rows...)
	}
	sum.Complete = sum.Done == sum.Cells
	for _, l := range w.Limits {
		data, err := os.ReadFile(filepath.Join(dir, "limit_"+l.String()+".json"))
		if err != nil {
			continue
		}
		var info LimitInfo
		if json.Unmarshal(data, &info) == nil {
			info.U, info.G = nil, nil
			sum.Limits = append(sum.Limits, info)
		}
	}
	pred, err := predict(dir, w, rows)
	if err != nil {
		return nil, nil, err
	}
	sum.Prediction = pred
	if sum.GraphPrediction, err = predictGraph(dir, w, rows); err != nil {
		return nil, nil, err
	}
	sum.Groups = groups(rows)
	return rows, sum, nil
}

type groupKey struct {
	limit limits.Kind
	n, m  int
	t     float64
	kind  string
}

// groups averages rows over seeds, in first-appearance order.
func groups(rows []Row) []Group {
	idx := map[groupKey]int{}
	var out []Group
	var vals [][]float64
	for _, r := range rows {
		k := groupKey{r.Limit, r.Nodes, r.Width, r.T, r.Kind}
		i, ok := idx[k]
		if !ok {
			i = len(out)
			idx[k] = i
			out = append(out, Group{Limit: r.Limit, Nodes: r.Nodes, Width: r.Width, T: r.T, Kind: r.Kind})
			vals = append(vals, nil)
		}
		out[i].Seeds = append(out[i].Seeds, r.Seed)
		vals[i] = append(vals[i], r.Error)
	}
	for i := range out {
		out[i].Mean, out[i].StdErr = meanSE(vals[i])
	}
	return out
}

func meanSE(v []float64) (float64, float64) {
	m := 0.0
	for _, x := range v {
		m += x
	}
	m /= float64(len(v))
	if len(v) < 2 {
		return m, 0
	}
	ss := 0.0
	for _, x := range v {
		ss += (x - m) * (x - m)
	}
	return m, math.Sqrt(ss / float64(len(v)-1) / float64(len(v)))
}

// WriteRows writes rows as CSV with CSVHeader (floats in Go's shortest exact
// form).
func WriteRows(w io.Writer, rows []Row) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader()); err != nil {
		return err
	}
	f := func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
	for _, r := range rows {
		if err := cw.Write([]string{r.Limit.String(), strconv.Itoa(r.Nodes), strconv.Itoa(r.Width),
			strconv.FormatUint(r.Seed, 10), f(r.T), r.Kind, f(r.Error)}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// ReadRows reads a CSV written by WriteRows. Errors wrap graphs.ErrFormat;
// a bad header or row is a *graphs.ParseError with its line.
func ReadRows(r io.Reader) ([]Row, error) {
	header := CSVHeader()
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = len(header)
	recs, err := cr.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("sweep: ReadRows: %v: %w", err, graphs.ErrFormat)
	}
	fail := func(line int, err error) ([]Row, error) {
		return nil, fmt.Errorf("sweep: ReadRows: %w", &graphs.ParseError{Line: line, Err: err})
	}
	if len(recs) == 0 || !slices.Equal(recs[0], header) {
		return fail(1, fmt.Errorf("header %v, want %v: %w", recs, header, graphs.ErrFormat))
	}
	out := make([]Row, 0, len(recs)-1)
	for i, rec := range recs[1:] {
		var row Row
		var e [6]error
		row.Kind = rec[5]
		row.Limit, e[0] = limits.ParseKind(rec[0])
		row.Nodes, e[1] = strconv.Atoi(rec[1])
		row.Width, e[2] = strconv.Atoi(rec[2])
		row.Seed, e[3] = strconv.ParseUint(rec[3], 10, 64)
		row.T, e[4] = strconv.ParseFloat(rec[4], 64)
		row.Error, e[5] = strconv.ParseFloat(rec[6], 64)
		if err := errors.Join(e[:]...); err != nil {
			return fail(i+2, fmt.Errorf("%v: %w", err, graphs.ErrFormat))
		}
		out = append(out, row)
	}
	return out, nil
}

// Merge copies the finished cells of the shard directories srcs into dst
// (creating it with their sweep.json) and assembles dst. All must hold
// the same sweep. Cells already in dst are kept. Errors: a src that is not a
// sweep directory or holds another sweep (graphs.ErrParameter), file errors.
func Merge(dst string, srcs []string) (*Summary, error) {
	var w *Config
	for _, src := range srcs {
		sw, err := readDir(src)
		if err != nil {
			return nil, err
		}
		if w == nil {
			w = &sw
			if err := initDir(dst, sw); err != nil {
				return nil, err
			}
		} else if err := sameSweep(*w, sw); err != nil {
			return nil, fmt.Errorf("sweep: Merge: %s: %w", src, err)
		}
		for _, c := range sw.Cells() {
			if _, err := readCell(dst, c); err == nil {
				continue
			}
			r, err := readCell(src, c)
			if errors.Is(err, fs.ErrNotExist) {
				continue
			}
			if err != nil {
				return nil, err
			}
			if err := writeCell(dst, r); err != nil {
				return nil, err
			}
		}
		names := []string{PredictionFile, GraphPredictionFile}
		for _, l := range sw.Limits {
			names = append(names, "limit_"+l.String()+".json")
		}
		for _, name := range names {
			if data, err := os.ReadFile(filepath.Join(src, name)); err == nil {
				if _, err := os.Stat(filepath.Join(dst, name)); err != nil {
					if err := atomicfile.WriteBytes(filepath.Join(dst, name), data); err != nil {
						return nil, err
					}
				}
			}
		}
	}
	return Assemble(dst)
}

func sameSweep(a, b Config) error {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	if !bytes.Equal(ja, jb) {
		return fmt.Errorf("holds a different sweep: %w", graphs.ErrParameter)
	}
	return nil
}

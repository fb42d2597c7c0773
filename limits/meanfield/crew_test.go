package meanfield

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"testing"

	"github.com/gnnwb/gnnwb/gnn/activation"
	"github.com/gnnwb/gnnwb/internal/parallel"
	"github.com/gnnwb/gnnwb/limits/ode"
)

// TestCrewRunsEveryChunkOnce: each job of a crew runs every chunk exactly
// once, for any number of helpers (more than GOMAXPROCS included), over
// many consecutive jobs.
func TestCrewRunsEveryChunkOnce(t *testing.T) {
	for _, tc := range []struct{ chunks, helpers int }{{1, 0}, {7, 0}, {1, 1}, {13, 1}, {13, 2}, {40, 5}} {
		t.Run(fmt.Sprintf("chunks=%d/helpers=%d", tc.chunks, tc.helpers), func(t *testing.T) {
			counts := make([]int, tc.chunks)
			job := 0
			c := newCrew(tc.chunks, func(k int) {
				if counts[k] != job {
					panic(fmt.Sprintf("chunk %d: run %d times before job %d", k, counts[k], job))
				}
				counts[k]++
			}, tc.helpers)
			defer c.stop()
			const jobs = 300
			for job = 0; job < jobs; job++ {
				c.run()
			}
			for k, n := range counts {
				if n != jobs {
					t.Errorf("chunk %d ran %d times in %d jobs", k, n, jobs)
				}
			}
		})
	}
}

// TestCrewGenerationWraps: jobs keep running every chunk once when the
// generation passes the 2^22 that the cursors hold.
func TestCrewGenerationWraps(t *testing.T) {
	for _, helpers := range []int{0, 2} {
		counts := make([]int, 9)
		c := newCrew(len(counts), func(k int) { counts[k]++ }, helpers)
		c.gen.Store(genMask - 2)
		for range 6 {
			c.run()
		}
		c.stop()
		for k, n := range counts {
			if n != 6 {
				t.Errorf("helpers=%d: chunk %d ran %d times in 6 jobs", helpers, k, n)
			}
		}
	}
}

// TestCrewPanic: a panic in any chunk, the caller's or a helper's, reaches
// the caller of run as a *parallel.Panic holding the lowest chunk that
// panicked, after every chunk has returned; stop still ends the helpers.
func TestCrewPanic(t *testing.T) {
	if runtime.GOMAXPROCS(0) < 2 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	}
	for _, helpers := range []int{0, 1, 3} {
		ran := make([]bool, 8)
		c := newCrew(8, func(k int) {
			ran[k] = true
			if k == 2 || k == 6 {
				panic(fmt.Sprint("chunk ", k))
			}
		}, helpers)
		v := func() (v any) {
			defer func() { v = recover() }()
			c.run()
			return nil
		}()
		c.stop()
		var p *parallel.Panic
		if err, ok := v.(error); !ok || !errors.As(err, &p) || p.Chunk != 2 || p.Value != "chunk 2" || len(p.Stack) == 0 {
			t.Errorf("helpers=%d: panic value %v, want *parallel.Panic of chunk 2", helpers, v)
		}
		for k, r := range ran {
			if !r {
				t.Errorf("helpers=%d: chunk %d did not run", helpers, k)
			}
		}
	}
}

// TestSolveNoAllocPerStep: the allocations of SolveParticles do not grow
// with the number of steps (the crew, the scratch and the integrator's
// vectors are allocated once per solve), at 1 and 2 procs.
func TestSolveNoAllocPerStep(t *testing.T) {
	p := testGrid(4)
	p.Act = activation.Tanh
	theta, err := HaltonParticles(3*ChunkSize+5, 1, 1, 1, 2)
	if err != nil {
		t.Fatal(err)
	}
	for _, procs := range []int{1, 2} {
		old := runtime.GOMAXPROCS(procs)
		allocs := func(T float64) (float64, int) {
			steps := 0
			a := testing.AllocsPerRun(3, func() {
				tr, err := SolveParticles(context.Background(), p, theta, []float64{T}, ode.Options{RTol: 1e-9, ATol: 1e-11}, false)
				if err != nil {
					t.Fatal(err)
				}
				steps = tr.Stats.Steps
			})
			return a, steps
		}
		a1, s1 := allocs(0.1)
		a2, s2 := allocs(3)
		runtime.GOMAXPROCS(old)
		if a1 != a2 || s2 < 2*s1 {
			t.Errorf("procs=%d: %v allocations for %d steps, %v for %d", procs, a1, s1, a2, s2)
		}
	}
}

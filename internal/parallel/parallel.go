// Package parallel runs fixed chunks of work on all cores, deterministically.
//
// Work is split into chunks whose number and boundaries never depend on
// GOMAXPROCS; each chunk writes only its own output and, when it needs
// randomness, uses its own stream from Stream. Results are therefore the same
// bits whatever the number of workers.
package parallel

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"
)

// Workers returns the number of goroutines For uses: GOMAXPROCS, at least 1.
func Workers() int {
	w := runtime.GOMAXPROCS(0)
	if w < 1 {
		w = 1
	}
	return w
}

// For calls fn(c) for every chunk c in [0, chunks), on up to Workers()
// goroutines, and returns when all calls have returned. Chunks are handed out
// in increasing order; fn must write only to memory that chunk c owns.
// For chunks <= 0 it does nothing.
//
// A panic in fn does not crash the process from a worker goroutine: the
// workers stop taking chunks, and For panics in the calling goroutine with a
// *Panic holding the value and stack of the lowest-numbered chunk that
// panicked, so that a recover in the caller (the command's top level) sees
// it.
func For(chunks int, fn func(c int)) {
	if chunks <= 0 {
		return
	}
	w := Workers()
	if w > chunks {
		w = chunks
	}
	if w == 1 {
		for c := 0; c < chunks; c++ {
			fn(c)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	var mu sync.Mutex
	var first *Panic
	wg.Add(w)
	for range w {
		go func() {
			defer wg.Done()
			for {
				c := int(next.Add(1) - 1)
				if c >= chunks {
					return
				}
				if p := call(fn, c); p != nil {
					mu.Lock()
					if first == nil || p.Chunk < first.Chunk {
						first = p
					}
					mu.Unlock()
					next.Store(int64(chunks)) // no new chunks
					return
				}
			}
		}()
	}
	wg.Wait()
	if first != nil {
		panic(first)
	}
}

// Panic is the value For panics with when a chunk panicked in a worker.
type Panic struct {
	Chunk int    // the chunk whose call panicked
	Value any    // the value it panicked with
	Stack []byte // the worker's stack at the panic
}

// Error returns the panic value and the chunk.
func (p *Panic) Error() string { return fmt.Sprintf("panic in chunk %d: %v", p.Chunk, p.Value) }

// call runs fn(c) and returns its panic, if any.
func call(fn func(c int), c int) (p *Panic) {
	defer func() {
		if v := recover(); v != nil {
			p = &Panic{Chunk: c, Value: v, Stack: debug.Stack()}
		}
	}()
	fn(c)
	return nil
}

// ForErr is For for work that can fail. It runs every chunk and returns the
// error of the lowest-numbered chunk that failed, so the error reported does
// not depend on scheduling.
func ForErr(chunks int, fn func(c int) error) error {
	if chunks <= 0 {
		return nil
	}
	errs := make([]error, chunks)
	For(chunks, func(c int) { errs[c] = fn(c) })
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// Each calls fn(ctx, i) for every job i in [0, n) on up to workers
// goroutines (Workers() when workers <= 0), handing jobs out in increasing
// order, for long jobs that can fail: the first error (in time) cancels the
// context fn gets, no job is handed out after it, and Each returns it once
// every running job has returned; otherwise it returns ctx.Err(). done(i),
// when not nil, is called after each job i that returned nil, one call at a
// time. fn must write only to memory that job i owns.
func Each(ctx context.Context, n, workers int, fn func(ctx context.Context, i int) error, done func(i int)) error {
	if workers <= 0 {
		workers = Workers()
	}
	workers = max(1, min(workers, n))
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	jobs := make(chan int)
	var (
		mu    sync.Mutex
		first error
		wg    sync.WaitGroup
	)
	wg.Add(workers)
	for range workers {
		go func() {
			defer wg.Done()
			for i := range jobs {
				err := fn(ctx, i)
				mu.Lock()
				if err != nil {
					if first == nil {
						first = err
					}
					cancel()
				} else if done != nil {
					done(i)
				}
				mu.Unlock()
			}
		}()
	}
feed:
	for i := range n {
		select {
		case jobs <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	if first == nil {
		first = ctx.Err()
	}
	return first
}

// Range returns the half-open bounds [lo, hi) of chunk c when [0, n) is cut
// into chunks of size size (the last one may be shorter).
func Range(c, size, n int) (lo, hi int) {
	lo = c * size
	hi = lo + size
	if hi > n {
		hi = n
	}
	return lo, hi
}

// Chunks returns how many chunks of size size cover [0, n): ceil(n/size).
func Chunks(n, size int) int {
	if n <= 0 {
		return 0
	}
	return (n + size - 1) / size
}

// Mix is the SplitMix64 finaliser: a fixed bijective hash of x, used to derive
// independent-looking stream keys from a base seed and a chunk index.
func Mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// Stream returns the random stream of chunk c for base seed base:
// rand.New(rand.NewPCG(base, Mix(c))). Draw base once from the caller's
// generator (base := rng.Uint64()) so that one user seed fixes every chunk.
func Stream(base uint64, c int) *rand.Rand {
	return rand.New(rand.NewPCG(base, Mix(uint64(c))))
}

package meanfield

import (
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gnnwb/gnnwb/internal/parallel"
)

// spinWait bounds how long a helper of a crew busy-waits for the next job
// before it blocks, and how long the caller busy-waits for the last chunks
// of a job; for the first tightWait of it, without yielding the processor.
// The gaps between the jobs of one solve (the reduction of g, the
// integrator's control) are a few microseconds; a goroutine that blocked
// there would have to be woken again by the operating system, which can
// cost as much as a job.
const (
	spinWait  = 200 * time.Microsecond
	tightWait = 20 * time.Microsecond
)

// spin calls ready until it reports true or spinWait has passed, without
// yielding for the first tightWait, then with runtime.Gosched; it reports
// whether ready did.
func spin(ready func() bool) bool {
	start := time.Now()
	for i := 1; ; i++ {
		if ready() {
			return true
		}
		if i%256 == 0 {
			d := time.Since(start)
			if d > spinWait {
				return false
			}
			if d > tightWait {
				runtime.Gosched()
			}
		}
	}
}

// crew runs the passes of one particle solve on goroutines that live as long
// as the solve, so that the two passes of each of the many evaluations of
// the velocity field do not each start and stop goroutines.
//
// A job is one pass over the fixed chunks [0, n) of particles: each chunk is
// run exactly once, by whichever member claims it, and writes only memory
// that the chunk owns; so, as with parallel.For, the bits of the result do
// not depend on the number of members or on who ran which chunk.
//
// Member i (0 is the caller) owns a fixed range of chunks, its home, and
// claims them from the front; when its home is done it takes chunks from
// the back of the others' homes, but leaves a member that has started its
// home the last chunk (which it would otherwise wait for about as long as
// it would take to run it). A member thus runs the same particles in every
// pass and finds their σ, σ' and rows in its own core's cache; a member
// that is late (descheduled, or still waking) loses its chunks to the
// others.
//
// Chunks are claimed through each home's cursor, generation<<42 | next<<21
// | end (unclaimed chunks [next, end); the generation modulo 2^22), by
// compare-and-swap, so a member that falls behind can never claim a chunk
// of a job other than the current one. What a chunk computes (for the
// particle solver: system.pass and the slices it reads and writes) is set by
// the caller before the job is announced and is not changed before every
// chunk of the job has finished.
type crew struct {
	fn      func(k int) // runs chunk k of the current job
	n       uint64      // chunks per job
	homes   []home
	gen     atomic.Uint64 // the current job's generation, stored after the cursors
	done    atomic.Uint64 // chunks of the current job finished
	waiting atomic.Bool   // the caller is blocked in fin.Wait
	stopped atomic.Bool

	mu       sync.Mutex
	wake     sync.Cond // helpers blocked waiting for a job
	fin      sync.Cond // the caller blocked waiting for the last chunk
	sleepers int       // helpers in wake.Wait (under mu)
	panic    *parallel.Panic
	wg       sync.WaitGroup
}

// home is the range [lo, hi) of chunks of one member and its cursor,
// padded to a cache line of its own.
type home struct {
	cursor atomic.Uint64 // generation<<42 | next<<21 | end
	lo, hi uint64
	_      [40]byte
}

// Fields of a home's cursor: chunks ≤ fieldMax (MaxScratch keeps them
// ≤ 1<<20), the generation modulo genMask+1.
const (
	endBits  = 21
	nextBits = 21
	fieldMax = 1<<endBits - 1
	genMask  = 1<<(64-nextBits-endBits) - 1
)

func cursor(gen, next, end uint64) uint64 {
	return (gen&genMask)<<(nextBits+endBits) | next<<endBits | end
}

func fields(v uint64) (gen, next, end uint64) {
	return v >> (nextBits + endBits), v >> endBits & fieldMax, v & fieldMax
}

// newCrew returns a crew of the caller and helpers-many goroutines (none
// for helpers < 1) whose jobs run fn(k) for every chunk k in [0, chunks).
// stop must be called to end the helpers.
func newCrew(chunks int, fn func(k int), helpers int) *crew {
	if chunks > fieldMax {
		panic("meanfield: newCrew: too many chunks")
	}
	helpers = max(helpers, 0)
	c := &crew{fn: fn, n: uint64(chunks), homes: make([]home, 1+helpers)}
	c.wake.L = &c.mu
	c.fin.L = &c.mu
	w := uint64(len(c.homes))
	for i := range c.homes {
		h := &c.homes[i]
		h.lo, h.hi = uint64(i)*c.n/w, uint64(i+1)*c.n/w
		h.cursor.Store(cursor(0, h.hi, h.hi)) // generation 0: nothing to claim
	}
	c.wg.Add(helpers)
	for i := range helpers {
		go c.help(1 + i)
	}
	return c
}

// stop ends the helpers and waits for them.
func (c *crew) stop() {
	c.stopped.Store(true)
	c.mu.Lock()
	c.wake.Broadcast()
	c.mu.Unlock()
	c.wg.Wait()
}

// run runs fn(k) for every chunk k, on the caller and the helpers, and
// returns when all have returned. A panic in a chunk does not stop the
// others; when all have returned, run panics with a *parallel.Panic holding
// the value and stack of the lowest chunk that panicked (as parallel.For
// does), and the crew must not run again.
func (c *crew) run() {
	gen := c.gen.Load() + 1
	c.done.Store(0)
	for i := range c.homes {
		h := &c.homes[i]
		h.cursor.Store(cursor(gen, h.lo, h.hi))
	}
	c.gen.Store(gen) // announces the job
	c.mu.Lock()
	if c.sleepers > 0 {
		c.wake.Broadcast()
	}
	c.mu.Unlock()
	c.work(0, gen)
	if !spin(c.finished) {
		c.mu.Lock()
		c.waiting.Store(true)
		for !c.finished() {
			c.fin.Wait()
		}
		c.waiting.Store(false)
		c.mu.Unlock()
	}
	c.mu.Lock()
	p := c.panic
	c.panic = nil
	c.mu.Unlock()
	if p != nil {
		panic(p)
	}
}

// finished reports whether every chunk of the current job has returned.
func (c *crew) finished() bool { return c.done.Load() == c.n }

// work runs the chunks of generation gen that member i can claim: its home
// from the front, then the other homes, in turn, from the back.
func (c *crew) work(i int, gen uint64) {
	gen &= genMask // as the cursors hold it
	for j := range c.homes {
		h := &c.homes[(i+j)%len(c.homes)]
		for {
			v := h.cursor.Load()
			g, next, end := fields(v)
			if g != gen || next >= end {
				break
			}
			k, w := next, cursor(gen, next+1, end)
			if j > 0 {
				if end-next == 1 && next > h.lo {
					break // the owner's last chunk
				}
				k, w = end-1, cursor(gen, next, end-1)
			}
			if !h.cursor.CompareAndSwap(v, w) {
				continue
			}
			c.safeChunk(int(k))
			if c.done.Add(1) == c.n && c.waiting.Load() {
				c.mu.Lock()
				c.fin.Broadcast()
				c.mu.Unlock()
			}
		}
	}
}

// safeChunk runs chunk k and records its panic, if any, for run to raise;
// the chunk counts as finished either way.
func (c *crew) safeChunk(k int) {
	defer func() {
		if r := recover(); r != nil {
			p := &parallel.Panic{Chunk: k, Value: r, Stack: debug.Stack()}
			c.mu.Lock()
			if c.panic == nil || k < c.panic.Chunk {
				c.panic = p
			}
			c.mu.Unlock()
		}
	}()
	c.fn(k)
}

// help is the loop of helper i: wait for a job, run chunks of it while
// there are any, repeat until stop.
func (c *crew) help(i int) {
	defer c.wg.Done()
	var last uint64 // the last generation seen
	for {
		gen, ok := c.next(last)
		if !ok {
			return
		}
		last = gen
		c.work(i, gen)
	}
}

// next waits for a job of a generation after last (spinning for up to
// spinWait, then blocked) and returns its generation; false when the crew
// stopped.
func (c *crew) next(last uint64) (uint64, bool) {
	news := func() bool { return c.stopped.Load() || c.gen.Load() != last }
	if !spin(news) {
		c.mu.Lock()
		c.sleepers++
		for !news() {
			c.wake.Wait()
		}
		c.sleepers--
		c.mu.Unlock()
	}
	if c.stopped.Load() {
		return 0, false
	}
	return c.gen.Load(), true
}

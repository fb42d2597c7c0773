package parallel

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
)

func TestForVisitsEveryChunkOnce(t *testing.T) {
	for _, procs := range []int{1, 2, 4} {
		prev := runtime.GOMAXPROCS(procs)
		seen := make([]int, 1000)
		For(len(seen), func(c int) { seen[c]++ })
		runtime.GOMAXPROCS(prev)
		for c, k := range seen {
			if k != 1 {
				t.Fatalf("GOMAXPROCS=%d: chunk %d ran %d times", procs, c, k)
			}
		}
	}
	For(0, func(int) { t.Fatal("ran a chunk of zero") })
	For(-3, func(int) { t.Fatal("ran a chunk of a negative count") })
}

func TestForErrReportsLowestChunk(t *testing.T) {
	e3, e7 := errors.New("three"), errors.New("seven")
	for range 20 {
		err := ForErr(10, func(c int) error {
			switch c {
			case 3:
				return e3
			case 7:
				return e7
			}
			return nil
		})
		if err != e3 {
			t.Fatalf("err = %v, want the error of chunk 3", err)
		}
	}
	if err := ForErr(5, func(int) error { return nil }); err != nil {
		t.Fatal(err)
	}
}

func TestRangeAndChunks(t *testing.T) {
	for _, tt := range []struct{ n, size, chunks int }{{0, 4, 0}, {1, 4, 1}, {8, 4, 2}, {9, 4, 3}, {-1, 4, 0}} {
		if got := Chunks(tt.n, tt.size); got != tt.chunks {
			t.Errorf("Chunks(%d,%d) = %d, want %d", tt.n, tt.size, got, tt.chunks)
		}
		covered := 0
		for c := 0; c < Chunks(tt.n, tt.size); c++ {
			lo, hi := Range(c, tt.size, tt.n)
			if lo != covered || hi <= lo || hi-lo > tt.size {
				t.Fatalf("Range(%d,%d,%d) = [%d,%d)", c, tt.size, tt.n, lo, hi)
			}
			covered = hi
		}
		if covered != max(tt.n, 0) {
			t.Errorf("chunks of %d cover [0,%d)", tt.n, covered)
		}
	}
}

func TestStreamsAreFixedAndDistinct(t *testing.T) {
	draw := func(base uint64, c int) []uint64 {
		r := Stream(base, c)
		return []uint64{r.Uint64(), r.Uint64(), r.Uint64()}
	}
	if !slices.Equal(draw(1, 5), draw(1, 5)) {
		t.Fatal("the same base and chunk gave different streams")
	}
	if slices.Equal(draw(1, 5), draw(1, 6)) || slices.Equal(draw(1, 5), draw(2, 5)) {
		t.Fatal("different chunks or bases gave the same stream")
	}
	// SplitMix64 of 0 is a published constant (Vigna's reference code).
	if got := Mix(0); got != 0xe220a8397b1dcdaf {
		t.Fatalf("Mix(0) = %#x, want 0xe220a8397b1dcdaf", got)
	}
}

// TestForPanic: a panic in a worker reaches the caller of For as a *Panic
// naming the lowest chunk that panicked, with its value, instead of
// crashing the process.
func TestForPanic(t *testing.T) {
	old := runtime.GOMAXPROCS(2)
	defer runtime.GOMAXPROCS(old)
	got := func() (p any) {
		defer func() { p = recover() }()
		For(64, func(c int) {
			if c == 5 || c == 40 {
				panic(fmt.Sprintf("boom %d", c))
			}
		})
		return nil
	}()
	pp, ok := got.(*Panic)
	if !ok {
		t.Fatalf("recovered %T %v, want *Panic", got, got)
	}
	if pp.Value == nil || len(pp.Stack) == 0 || !strings.Contains(pp.Error(), "boom") {
		t.Fatalf("panic %+v", pp)
	}
	// Chunk 5 is handed out before 40, so it always runs and is the lowest.
	if pp.Chunk != 5 {
		t.Fatalf("chunk %d, want 5", pp.Chunk)
	}
}

// TestEach: every job runs once and is reported done; the first error
// cancels the jobs still running, stops handing out the rest and is
// returned; a cancelled context is returned as its error.
func TestEach(t *testing.T) {
	for _, workers := range []int{0, 1, 3} {
		const n = 50
		ran := make([]int, n)
		var done []int
		err := Each(context.Background(), n, workers, func(_ context.Context, i int) error { ran[i]++; return nil }, func(i int) { done = append(done, i) })
		slices.Sort(done)
		if err != nil || slices.ContainsFunc(ran, func(v int) bool { return v != 1 }) || len(done) != n || done[0] != 0 || done[n-1] != n-1 {
			t.Errorf("workers=%d: err %v, ran %v, done %v", workers, err, ran, done)
		}
	}
	boom := errors.New("boom")
	var started atomic.Int64
	err := Each(context.Background(), 1000, 2, func(ctx context.Context, i int) error {
		started.Add(1)
		if i == 3 {
			return boom
		}
		if i > 3 {
			<-ctx.Done() // held until the error cancels it
			return ctx.Err()
		}
		return nil
	}, nil)
	if !errors.Is(err, boom) || started.Load() > 10 {
		t.Errorf("error: got %v after %d jobs started, want boom and no more jobs handed out", err, started.Load())
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := Each(ctx, 5, 2, func(context.Context, int) error { return nil }, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: %v", err)
	}
	if err := Each(context.Background(), 0, 0, func(context.Context, int) error { return boom }, nil); err != nil {
		t.Errorf("no jobs: %v", err)
	}
}

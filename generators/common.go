package generators

import (
	"context"
	"fmt"
	"github.com/gnnwb/gnnwb/internal/memlimit"
	"math"
	"math/rand/v2"

	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/internal/parallel"
)

// maxBlockRows is the largest number of rows in one sampling block.
const maxBlockRows = 1 << 14

// blockRows returns the number of rows per sampling block for n nodes: the
// power of two nearest above n/64, clamped to [64, maxBlockRows]. It depends
// on n only (never on GOMAXPROCS), so that block b always covers the same
// rows and uses the same random stream.
func blockRows(n int) int {
	r := 64
	for r < maxBlockRows && r*64 < n {
		r *= 2
	}
	return r
}

// pairsBelow returns the number of lower-triangle pairs (i, j), j < i, in
// rows lo..hi−1.
func pairsBelow(lo, hi int) float64 {
	return (float64(hi)*float64(hi-1) - float64(lo)*float64(lo-1)) / 2
}

// capacity returns a slice capacity for a count with the given mean and
// variance: the mean plus six standard deviations plus 16, capped at max.
// Larger counts still work (append grows the slice) but happen with
// probability below 1e-9.
func capacity(mean, variance, max float64) int {
	c := mean + 6*math.Sqrt(variance) + 16
	if c > max {
		c = max
	}
	if c < 0 {
		c = 0
	}
	return int(c)
}

// checkSize refuses sizes that cannot be built: n > graphs.MaxNodes, or an
// expected number of undirected edges whose arrays (the final CSR plus the
// sampling blocks) would need more memory than this process may still use
// (internal/memlimit: the machine's available memory, or the room under its
// cgroup limit, whichever is smaller). edges is the expected number of edges
// plus a margin; weighted adds 8 bytes per entry.
func checkSize(fn string, n int, edges float64, weighted bool) error {
	if n < 0 {
		return fmt.Errorf("generators: %s: n=%d is negative: %w", fn, n, graphs.ErrParameter)
	}
	if n > graphs.MaxNodes {
		return fmt.Errorf("generators: %s: n=%d exceeds graphs.MaxNodes=%d: %w", fn, n, graphs.MaxNodes, graphs.ErrTooLarge)
	}
	entries := 2 * edges
	perEntry := 6.0 // 4 bytes in the CSR, 2 (half the entries) in the blocks
	if weighted {
		perEntry = 18
	}
	bytes := 12*float64(n) + perEntry*entries
	if entries > float64(math.MaxInt/16) {
		return fmt.Errorf("generators: %s: n=%d with ≈%.4g expected edges: %w", fn, n, edges, graphs.ErrTooLarge)
	}
	if avail, source := memlimit.Available(); bytes > avail {
		return fmt.Errorf("generators: %s: n=%d with ≈%.4g expected edges needs ≈%.3g GB, more than the %.3g GB this process may use (%s): %w",
			fn, n, edges, bytes/1e9, avail/1e9, source, graphs.ErrTooLarge)
	}
	return nil
}

// checkProb refuses a probability outside [0,1] or NaN.
func checkProb(fn, what string, p float64) error {
	if !(p >= 0 && p <= 1) {
		return fmt.Errorf("generators: %s: %s=%v not in [0,1]: %w", fn, what, p, graphs.ErrParameter)
	}
	return nil
}

// checkRand refuses a nil generator.
func checkRand(fn string, rng *rand.Rand) error {
	if rng == nil {
		return fmt.Errorf("generators: %s: rng is nil: %w", fn, graphs.ErrParameter)
	}
	return nil
}

// sampleBlocks samples the strictly lower triangle of n rows in fixed
// blocks of blockRows(n) rows, on all cores: sample(b, lo, hi) returns block
// b, rows lo..hi−1, drawing from parallel.Stream(base, b) by convention.
// Progress counts rows; ctx is checked before each block.
func sampleBlocks(ctx context.Context, fnName string, n int, progress func(done, total int64),
	sample func(b, lo, hi int) (graphs.LowerBlock, error)) ([]graphs.LowerBlock, error) {
	size := blockRows(n)
	nb := parallel.Chunks(n, size)
	blocks := make([]graphs.LowerBlock, nb)
	rows := func(b int) int64 {
		lo, hi := parallel.Range(b, size, n)
		return int64(hi - lo)
	}
	err := runBlocks(ctx, fnName, nb, rows, progress, func(b int) error {
		lo, hi := parallel.Range(b, size, n)
		var err error
		blocks[b], err = sample(b, lo, hi)
		return err
	})
	if err != nil {
		return nil, err
	}
	return blocks, nil
}

// runBlocks calls fn(b) for every block b in [0, nb) on all cores, the
// highest-numbered (largest, for lower-triangle rows) blocks first. It checks
// ctx before every block and returns an error wrapping ctx.Err() when
// cancelled. When progress is not nil it is called from the calling
// goroutine, first with (0, total) and then each time a block finishes, with
// the summed rows(b) of the blocks done so far. The error returned is that of
// the lowest-numbered failing chunk, so it does not depend on scheduling
// (cancellation aside).
func runBlocks(ctx context.Context, fnName string, nb int, rows func(b int) int64,
	progress func(done, total int64), fn func(b int) error) error {
	run := func(c int) (int, error) {
		b := nb - 1 - c
		if err := ctx.Err(); err != nil {
			return b, fmt.Errorf("generators: %s: cancelled: %w", fnName, err)
		}
		return b, fn(b)
	}
	if progress == nil {
		return parallel.ForErr(nb, func(c int) error {
			_, err := run(c)
			return err
		})
	}
	var total int64
	for b := range nb {
		total += rows(b)
	}
	progress(0, total)
	doneCh := make(chan int64, nb)
	errCh := make(chan error, 1)
	go func() {
		errCh <- parallel.ForErr(nb, func(c int) error {
			b, err := run(c)
			if err == nil {
				doneCh <- rows(b)
			}
			return err
		})
	}()
	var done int64
	for {
		select {
		case r := <-doneCh:
			done += r
			progress(done, total)
		case err := <-errCh:
			for {
				select {
				case r := <-doneCh:
					done += r
					progress(done, total)
				default:
					return err
				}
			}
		}
	}
}

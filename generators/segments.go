package generators

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"sync"

	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/internal/parallel"
)

// plan is a lower-triangle sampler over nodes cut into contiguous groups
// (SBM blocks, or cells of a graphon envelope over sorted latents): the pair
// {i, j} with i in group a and j in group b is a candidate with probability
// q_ab, and a candidate is kept with probability w(i, j)/wbar_ab when thin is
// set (thinning; w ≤ wbar_ab), always otherwise.
//
// Pairs are visited row by row, and within row i group by group, in
// increasing j. Each pair k is an interval of length λ_k = −log(1−q_k) on a
// line carrying a rate-1 Poisson process; a pair is a candidate when its
// interval holds a point. An Exp(1) residual E is carried across pairs,
// groups and rows: in a run of L pairs of rate λ the first candidate is ⌊E/λ⌋
// pairs on if E < λL, and otherwise E − λL is again Exp(1) and independent of
// the run (memorylessness), so no draw is wasted when the probability
// changes. After a candidate a fresh E is drawn. The cost is O(rows·(block
// pairs with q > 0) + candidates).
type plan struct {
	n     int
	start []int     // group g is nodes start[g]..start[g+1]−1; len groups+1
	lam   []float64 // groups×groups: −log(1 − q_ab); +Inf for q = 1
	inv   []float64 // groups×groups: 1/lam (0 for q = 1, +Inf for q = 0)
	// nonzero[a] lists the groups b ≤ a with q_ab > 0, ascending, so that
	// rows skip empty block pairs: O(n·nnz + candidates).
	nonzero [][]int32
	q       []float64 // groups×groups: candidate probability q_ab
	wbar    []float64 // groups×groups: thinning envelope (used with thin)
	// thin returns w(i, j) for j < i; nil keeps every candidate.
	thin func(i, j int) float64
	// check makes every w(i, j) be checked to lie in [0, 1]; the first
	// value outside fails the block with an error from bad.
	check bool
	bad   func(i, j int, w float64) error
}

func newPlan(n int, start []int, q, wbar []float64) *plan {
	g := len(start) - 1
	lam := make([]float64, g*g)
	inv := make([]float64, g*g)
	for k, v := range q {
		lam[k] = -math.Log1p(-v)
		inv[k] = 1 / lam[k]
	}
	nonzero := make([][]int32, g)
	for a := range g {
		for b := 0; b <= a; b++ {
			if lam[a*g+b] > 0 && start[b+1] > start[b] {
				nonzero[a] = append(nonzero[a], int32(b))
			}
		}
	}
	return &plan{n: n, start: start, lam: lam, inv: inv, nonzero: nonzero, q: q, wbar: wbar}
}

// groupOf returns the group holding node i.
func (pl *plan) groupOf(i int) int {
	return sort.Search(len(pl.start)-1, func(g int) bool { return pl.start[g+1] > i })
}

// expected returns the mean and variance of the number of candidates in rows
// lo..hi−1.
func (pl *plan) expected(lo, hi int) (mean, variance float64) {
	if lo >= hi {
		return 0, 0
	}
	groups := len(pl.start) - 1
	a := pl.groupOf(lo)
	for i := lo; i < hi; i++ {
		for i >= pl.start[a+1] {
			a++
		}
		for b := 0; b <= a; b++ {
			end := pl.start[b+1]
			if b == a {
				end = i
			}
			l := float64(end - pl.start[b])
			q := pl.q[a*groups+b]
			mean += q * l
			variance += q * (1 - q) * l
		}
	}
	return mean, variance
}

// scratch holds reusable buffers for blocks whose size cannot be predicted
// well (thinning under the trivial envelope of a user function): a block
// samples into a scratch buffer and keeps an exact copy.
var scratch = sync.Pool{New: func() any { return new(scratchBuf) }}

type scratchBuf struct {
	nb []int32
}

// block samples rows lo..hi−1.
func (pl *plan) block(lo, hi int, rng *rand.Rand) (graphs.LowerBlock, error) {
	bl := graphs.NewLowerBlock(lo, hi)
	if lo >= hi {
		bl.Neighbours = []int32{}
		return bl, nil
	}
	var buf *scratchBuf
	var nb []int32
	if !pl.check {
		// Candidates bound the edges; for the shipped graphons' envelopes
		// the surplus is a few per cent (thinning acceptance).
		mean, v := pl.expected(lo, hi)
		nb = make([]int32, 0, capacity(mean, v, pairsBelow(lo, hi)))
	} else {
		buf = scratch.Get().(*scratchBuf)
		defer scratch.Put(buf)
		nb = buf.nb[:0]
	}
	groups := len(pl.start) - 1
	a := pl.groupOf(lo)
	e := rng.ExpFloat64()
	var err error
rows:
	for i := lo; i < hi; i++ {
		for i >= pl.start[a+1] {
			a++
		}
		rowStart := len(nb)
		for _, b32 := range pl.nonzero[a] {
			b := int(b32)
			l, il := pl.lam[a*groups+b], pl.inv[a*groups+b]
			j, end := pl.start[b], pl.start[b+1]
			if b == a {
				end = i
			}
			for j < end {
				rem := float64(end - j)
				x := e * il
				if !(x < rem) {
					e -= l * rem
					if e < 0 {
						e = 0
					}
					break
				}
				j += int(x)
				keep := true
				if pl.thin != nil {
					w := pl.thin(i, j)
					if pl.check && !(w >= 0 && w <= 1) {
						err = pl.bad(i, j, w)
						break rows
					}
					if wb := pl.wbar[a*groups+b]; w < wb {
						keep = rng.Float64()*wb < w
					}
				}
				if keep {
					nb = append(nb, int32(j))
				}
				e = rng.ExpFloat64()
				j++
			}
		}
		bl.SetCount(i-lo, len(nb)-rowStart)
	}
	if buf != nil {
		buf.nb = nb
		bl.Neighbours = append(make([]int32, 0, len(nb)), nb...)
	} else {
		bl.Neighbours = nb
	}
	return bl, err
}

// run samples all rows of the plan in fixed blocks, block b with stream
// parallel.Stream(base, b), and builds the graph.
func (pl *plan) run(ctx context.Context, fn string, base uint64, progress func(done, total int64)) (graphs.Graph, error) {
	n := pl.n
	blocks, err := sampleBlocks(ctx, fn, n, progress, func(b, lo, hi int) (graphs.LowerBlock, error) {
		return pl.block(lo, hi, parallel.Stream(base, b))
	})
	if err != nil {
		return graphs.Graph{}, err
	}
	g, err := graphs.FromLowerBlocks(n, blocks)
	if err != nil {
		return graphs.Graph{}, fmt.Errorf("generators: %s: %w", fn, err)
	}
	return g, nil
}

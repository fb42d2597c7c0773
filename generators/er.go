package generators

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/internal/parallel"
)

// maxSkip caps a geometric jump: far beyond any n(n−1)/2 for n ≤ MaxNodes,
// and small enough that adding it to a column index cannot overflow.
const maxSkip = 1 << 62

// ErdosRenyi samples G(n, p): each of the n(n−1)/2 pairs {i, j} is an edge
// independently with probability p. E[|E|] = p·n(n−1)/2 and
// Var|E| = p(1−p)·n(n−1)/2.
//
// It skips over non-edges with geometric jumps (Batagelj & Brandes 2005):
// the number of non-edges before the next edge is ⌊E/λ⌋ with E ~ Exp(1) and
// λ = −log(1−p), so the cost is O(n + |E|) time and memory, parallel over
// fixed row blocks. rng is used for one draw (the blocks' base seed, see
// doc.go), so the graph is the same for any GOMAXPROCS. It equals
// Generate(ctx, ERSpec{N: n, P: p}, seed, nil) when rng is
// rand.New(rand.NewPCG(seed, 0)).
//
// Errors: p outside [0,1] or NaN, n < 0 or a nil rng (ErrParameter); n >
// graphs.MaxNodes, or an expected edge count whose arrays would not fit in
// the machine's memory (ErrTooLarge).
func ErdosRenyi(n int, p float64, rng *rand.Rand) (graphs.Graph, error) {
	return erdosRenyi(context.Background(), n, p, rng, nil)
}

func erdosRenyi(ctx context.Context, n int, p float64, rng *rand.Rand, progress func(done, total int64)) (graphs.Graph, error) {
	const fn = "ErdosRenyi"
	if err := checkRand(fn, rng); err != nil {
		return graphs.Graph{}, err
	}
	if n < 0 {
		return graphs.Graph{}, fmt.Errorf("generators: %s: n=%d is negative: %w", fn, n, graphs.ErrParameter)
	}
	if err := checkProb(fn, "p", p); err != nil {
		return graphs.Graph{}, err
	}
	pairs := pairsBelow(0, n)
	if err := checkSize(fn, n, p*pairs+6*math.Sqrt(p*(1-p)*pairs), false); err != nil {
		return graphs.Graph{}, err
	}
	blocks, err := erBlocks(ctx, fn, n, p, rng.Uint64(), progress)
	if err != nil {
		return graphs.Graph{}, err
	}
	return graphs.FromLowerBlocks(n, blocks)
}

// erBlocks samples the strictly lower triangle of G(n, p) into fixed row
// blocks, block b with stream parallel.Stream(base, b).
func erBlocks(ctx context.Context, fn string, n int, p float64, base uint64, progress func(done, total int64)) ([]graphs.LowerBlock, error) {
	return sampleBlocks(ctx, fn, n, progress, func(b, lo, hi int) (graphs.LowerBlock, error) {
		return erBlock(lo, hi, p, parallel.Stream(base, b)), nil
	})
}

// erBlock samples rows lo..hi−1 of the lower triangle of G(n, p).
//
// Pairs are visited row by row (row i: j = 0..i−1). From the last pair
// visited, ⌊E/λ⌋ pairs are skipped and the next one is an edge; a jump past
// the end of row i carries on into row i+1 (j −= i), so no draw is wasted at
// row ends and no square root is taken.
func erBlock(lo, hi int, p float64, rng *rand.Rand) graphs.LowerBlock {
	bl := graphs.NewLowerBlock(lo, hi)
	if p == 0 || hi == lo {
		bl.Neighbours = []int32{}
		return bl
	}
	pairs := pairsBelow(lo, hi)
	nb := make([]int32, 0, capacity(p*pairs, p*(1-p)*pairs, pairs))
	inv := 1 / -math.Log1p(-p) // 0 for p = 1: every pair is an edge
	i, j := lo, -1             // j: the last pair visited in row i
	last := 0                  // len(nb) when row i began
	for {
		x := rng.ExpFloat64() * inv
		skip := maxSkip
		if x < maxSkip { // false for +Inf and NaN
			skip = int(x)
		}
		j += 1 + skip
		for j >= i {
			bl.SetCount(i-lo, len(nb)-last)
			last = len(nb)
			j -= i
			i++
			if i == hi {
				bl.Neighbours = nb
				return bl
			}
		}
		nb = append(nb, int32(j))
	}
}

// GNM samples G(n, m): a graph with exactly m edges, chosen uniformly among
// the C(n(n−1)/2, m) edge sets.
//
// It samples G(n, p′) with p′ = (m + 6√(m(1−m/N)) + 6)/N (N = n(n−1)/2),
// which has at least m edges except with probability below 1e-9 (then it
// redraws), and deletes a uniform random subset of the surplus edges. Given
// its edge count K ≥ m, G(n, p′) is uniform over K-edge sets, and a uniform
// m-subset of a uniform K-set is uniform: the result is exact. Cost
// O(n + m) time and memory, parallel as ErdosRenyi; deterministic for any
// GOMAXPROCS. It equals Generate with GNMSpec{N: n, M: m}.
//
// Errors: n < 0, m < 0, m > n(n−1)/2 or a nil rng (ErrParameter); sizes
// that do not fit (ErrTooLarge).
func GNM(n, m int, rng *rand.Rand) (graphs.Graph, error) {
	return gnm(context.Background(), n, m, rng, nil)
}

func gnm(ctx context.Context, n, m int, rng *rand.Rand, progress func(done, total int64)) (graphs.Graph, error) {
	const fn = "GNM"
	if err := checkRand(fn, rng); err != nil {
		return graphs.Graph{}, err
	}
	if n < 0 {
		return graphs.Graph{}, fmt.Errorf("generators: %s: n=%d is negative: %w", fn, n, graphs.ErrParameter)
	}
	pairs := pairsBelow(0, n)
	if m < 0 || float64(m) > pairs {
		return graphs.Graph{}, fmt.Errorf("generators: %s: m=%d not in [0, n(n−1)/2=%.0f] for n=%d: %w", fn, m, pairs, n, graphs.ErrParameter)
	}
	if err := checkSize(fn, n, float64(m)+6*math.Sqrt(float64(m))+6, false); err != nil {
		return graphs.Graph{}, err
	}
	if m == 0 {
		return erdosRenyi(ctx, n, 0, rng, progress)
	}
	mf := float64(m)
	p := (mf + 6*math.Sqrt(mf*(1-mf/pairs)) + 6) / pairs
	if p > 1 {
		p = 1
	}
	for {
		blocks, err := erBlocks(ctx, fn, n, p, rng.Uint64(), progress)
		if err != nil {
			return graphs.Graph{}, err
		}
		k := 0
		for _, bl := range blocks {
			k += len(bl.Neighbours)
		}
		if k < m {
			continue // probability < 1e-9: redraw
		}
		deleteUniform(blocks, k, k-m, rng)
		return graphs.FromLowerBlocks(n, blocks)
	}
}

// deleteUniform deletes d of the k entries of blocks (numbered in block
// order), chosen uniformly, by Floyd's algorithm on a bitset (O(d + k/64)
// draws and memory), then compacts the blocks and their counts.
func deleteUniform(blocks []graphs.LowerBlock, k, d int, rng *rand.Rand) {
	if d == 0 {
		return
	}
	del := make([]uint64, (k+63)/64)
	for j := k - d; j < k; j++ {
		t := rng.IntN(j + 1)
		if del[t/64]&(1<<(t%64)) != 0 {
			t = j
		}
		del[t/64] |= 1 << (t % 64)
	}
	starts := make([]int, len(blocks))
	s := 0
	for b := range blocks {
		starts[b] = s
		s += len(blocks[b].Neighbours)
	}
	parallel.For(len(blocks), func(b int) {
		bl := &blocks[b]
		pos := starts[b] // global index of the entry being read
		w, r := 0, 0     // write and read positions in bl.Neighbours
		large := bl.Large
		bl.Large = nil
		k := 0
		for row, c8 := range bl.Counts {
			c := int(c8)
			if c8 == graphs.LargeCount {
				c = int(large[k])
				k++
			}
			kept := 0
			for range c {
				if del[pos/64]&(1<<(pos%64)) == 0 {
					bl.Neighbours[w] = bl.Neighbours[r]
					w++
					kept++
				}
				pos++
				r++
			}
			bl.SetCount(row, kept)
		}
		bl.Neighbours = bl.Neighbours[:w]
	})
}

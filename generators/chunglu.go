package generators

import (
	"bufio"
	"cmp"
	"context"
	"errors"
	"fmt"
	"github.com/gnnwb/gnnwb/internal/inputfile"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/internal/parallel"
)

// ChungLu samples the Chung–Lu expected-degree graph on n = len(weights)
// nodes: the pair {i, j} is an edge independently with probability
// p_ij = min(1, w_i·w_j / S), S = Σ_k w_k, so E[deg_i] ≈ w_i when
// max w² ≤ S. This is the rank-one (product) graphon evaluated at the
// weights.
//
// Nodes are visited in order of decreasing weight (ties by id), so that
// along row i the probabilities p_ij, j < i, do not increase; candidates are
// drawn by geometric jumps at the current probability and kept with
// probability p_ij/q, q becoming p_ij (Miller & Hagberg 2011, "Efficient
// generation of networks with given expected degrees"). Exact; cost
// O(n log n + n + |E|) time and O(n + |E|) memory, plus a relabelling pass
// back to the caller's node order (skipped when the weights are already
// non-increasing). Parallel over fixed row blocks; the same bits for any
// GOMAXPROCS. weights is read, not kept. It equals Generate with
// ChungLuSpec{Weights: weights}.
//
// Errors: a weight negative, NaN or infinite, S infinite, or a nil rng
// (ErrParameter, naming the index and value); more than graphs.MaxNodes
// nodes or min(S/2, C(n,2)) expected edges beyond memory (ErrTooLarge).
func ChungLu(weights []float64, rng *rand.Rand) (graphs.Graph, error) {
	return chungLu(context.Background(), weights, rng, nil)
}

func chungLu(ctx context.Context, weights []float64, rng *rand.Rand, progress func(done, total int64)) (graphs.Graph, error) {
	const fn = "ChungLu"
	if err := checkRand(fn, rng); err != nil {
		return graphs.Graph{}, err
	}
	n := len(weights)
	s := 0.0
	for i, w := range weights {
		if !(w >= 0 && w <= math.MaxFloat64) {
			return graphs.Graph{}, fmt.Errorf("generators: %s: weights[%d]=%v is not finite and ≥ 0: %w", fn, i, w, graphs.ErrParameter)
		}
		s += w
	}
	if math.IsInf(s, 0) {
		return graphs.Graph{}, fmt.Errorf("generators: %s: the weights sum to +Inf: %w", fn, graphs.ErrParameter)
	}
	// E|E| ≤ min(S/2, C(n,2)).
	bound := math.Min(s/2, pairsBelow(0, n))
	if err := checkSize(fn, n, bound+6*math.Sqrt(bound), false); err != nil {
		return graphs.Graph{}, err
	}
	sorted := true
	for i := 1; i < n; i++ {
		if weights[i] > weights[i-1] {
			sorted = false
			break
		}
	}
	ws := make([]float64, n)
	var perm []int // perm[k]: the node with the k-th largest weight (ties by id)
	if sorted {
		copy(ws, weights)
	} else {
		type key struct {
			w float64
			i int
		}
		keys := make([]key, n)
		for i, w := range weights {
			keys[i] = key{w, i}
		}
		slices.SortFunc(keys, func(a, b key) int {
			if c := cmp.Compare(b.w, a.w); c != 0 {
				return c
			}
			return cmp.Compare(a.i, b.i)
		})
		perm = make([]int, n)
		for k, x := range keys {
			ws[k], perm[k] = x.w, x.i
		}
	}
	base := rng.Uint64()
	blocks, err := sampleBlocks(ctx, fn, n, progress, func(b, lo, hi int) (graphs.LowerBlock, error) {
		return chungLuBlock(lo, hi, ws, s, parallel.Stream(base, b)), nil
	})
	if err != nil {
		return graphs.Graph{}, err
	}
	g, err := graphs.FromLowerBlocks(n, blocks)
	if err != nil || sorted {
		return g, err
	}
	return relabel(g, perm)
}

// chungLuBlock samples rows lo..hi−1 (in decreasing-weight order) of the
// lower triangle. The Exp(1) residual carries over row ends as in plan.
func chungLuBlock(lo, hi int, ws []float64, s float64, rng *rand.Rand) graphs.LowerBlock {
	bl := graphs.NewLowerBlock(lo, hi)
	buf := scratch.Get().(*scratchBuf)
	defer scratch.Put(buf)
	nb := buf.nb[:0]
	e := rng.ExpFloat64()
	for i := lo; i < hi; i++ {
		rowStart := len(nb)
		wi := ws[i] / s
		q := math.Min(1, wi*ws[0])
		for j := 0; j < i && q > 0; {
			l := -math.Log1p(-q)
			rem := float64(i - j)
			x := e / l
			if !(x < rem) {
				e -= l * rem
				if e < 0 {
					e = 0
				}
				break
			}
			j += int(x)
			p := math.Min(1, wi*ws[j])
			if p >= q || rng.Float64()*q < p {
				nb = append(nb, int32(j))
			}
			q = p
			e = rng.ExpFloat64()
			j++
		}
		bl.SetCount(i-lo, len(nb)-rowStart)
	}
	buf.nb = nb
	bl.Neighbours = append(make([]int32, 0, len(nb)), nb...)
	return bl
}

// relabel returns g with node k renamed perm[k]: the lower triangle of
// every new row r is gathered from old row inv[r], sorted, and assembled by
// graphs.FromLowerBlocks. O(n + m log d_max), parallel over fixed blocks.
func relabel(g graphs.Graph, perm []int) (graphs.Graph, error) {
	n := g.NumNodes()
	inv := make([]int32, n)
	for k, i := range perm {
		inv[i] = int32(k)
	}
	size := blockRows(n)
	blocks := make([]graphs.LowerBlock, parallel.Chunks(n, size))
	parallel.For(len(blocks), func(b int) {
		lo, hi := parallel.Range(b, size, n)
		buf := scratch.Get().(*scratchBuf)
		defer scratch.Put(buf)
		nb := buf.nb[:0]
		bl := graphs.NewLowerBlock(lo, hi)
		for r := lo; r < hi; r++ {
			start := len(nb)
			for _, t := range g.Neighbours(int(inv[r])) {
				if j := perm[t]; j < r {
					nb = append(nb, int32(j))
				}
			}
			slices.Sort(nb[start:])
			bl.SetCount(r-lo, len(nb)-start)
		}
		buf.nb = nb
		bl.Neighbours = append(make([]int32, 0, len(nb)), nb...)
		blocks[b] = bl
	})
	return graphs.FromLowerBlocks(n, blocks)
}

// ReadWeights reads Chung–Lu weights (expected degrees) from a text file:
// one number per line; '#' starts a comment that runs to the end of the
// line; blank lines are skipped. Errors in the content are a
// *graphs.ParseError naming the file and line: a token that is not a
// number or two tokens on a line (ErrFormat), a weight negative, NaN or
// infinite (ErrParameter), or the file's own read error.
func ReadWeights(path string) ([]float64, error) {
	f, err := inputfile.Open(path)
	if err != nil {
		return nil, fmt.Errorf("generators: ReadWeights: %w", err)
	}
	defer f.Close()
	if err := inputfile.NotEmpty(f); err != nil {
		return nil, fmt.Errorf("generators: ReadWeights: %w", &graphs.ParseError{Path: path, Err: fmt.Errorf("%w, want one weight per line: %w", err, graphs.ErrFormat)})
	}
	return parseWeights(f, path)
}

// parseWeights is ReadWeights on a reader; name labels errors.
func parseWeights(r io.Reader, name string) ([]float64, error) {
	fail := func(line int, err error) ([]float64, error) {
		return nil, fmt.Errorf("generators: ReadWeights: %w", &graphs.ParseError{Path: name, Line: line, Err: err})
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	var out []float64
	line := 0
	for sc.Scan() {
		line++
		text, _, _ := strings.Cut(sc.Text(), "#")
		fields := strings.Fields(text)
		switch {
		case len(fields) == 0:
			continue
		case len(fields) > 1:
			return fail(line, fmt.Errorf("%d tokens, want one weight per line: %w", len(fields), graphs.ErrFormat))
		}
		w, err := strconv.ParseFloat(fields[0], 64)
		if err != nil {
			return fail(line, fmt.Errorf("%q is not a number: %w", fields[0], graphs.ErrFormat))
		}
		if !(w >= 0 && w <= math.MaxFloat64) {
			return fail(line, fmt.Errorf("weight %v is not finite and ≥ 0: %w", w, graphs.ErrParameter))
		}
		out = append(out, w)
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return fail(line+1, fmt.Errorf("line longer than 1 MiB: %w", graphs.ErrFormat))
		}
		return fail(line+1, err)
	}
	return out, nil
}

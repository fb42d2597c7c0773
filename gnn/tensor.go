package gnn

import (
	"github.com/gnnwb/gnnwb/internal/asm"
	"sync"

	"github.com/gnnwb/gnnwb/graphs/sparse"
	"github.com/gnnwb/gnnwb/internal/parallel"
)

// Fixed chunk sizes of the parallel kernels. They never depend on GOMAXPROCS,
// so every kernel gives the same bits on any number of workers.
const (
	rowBlock = 256 // rows of a dense or sparse product per chunk
	colBlock = 32  // rows of a parameter gradient (columns of h) per chunk
	aggBlock = 512 // nodes per chunk of a sparse aggregation
)

// matMul sets out = a·b (acc: out += a·b) for a n×k, b k×m, out n×m, all
// row-major. Parallel over fixed blocks of rows of out; each row is computed
// in register tiles of 8, 4 and 1 output columns, summing over p = 0..k−1 in
// order (no zero skipping: a branch per entry costs more than the
// multiplication on dropped-out inputs).
func matMul(out, a, b []float64, n, k, m int, acc bool) {
	parallel.For(parallel.Chunks(n, rowBlock), func(c int) {
		lo, hi := parallel.Range(c, rowBlock, n)
		i := lo
		if asm.UseFMA && k > 0 && m >= 8 {
			// 4×8 register tiles: each load of a row of b serves four rows.
			_ = b[k*m-1]
			for ; i+4 <= hi; i += 4 {
				o := out[i*m : (i+4)*m]
				if !acc {
					clear(o)
				}
				_ = a[(i+4)*k-1]
				q := 0
				for ; q+8 <= m; q += 8 {
					asm.Rows4x8FMA(&o[q], m, &a[i*k], k, 1, &b[q], m, k)
				}
				for r := range 4 {
					if q < m {
						rowTail(o[r*m:(r+1)*m], a[(i+r)*k:(i+r+1)*k], b, m, q)
					}
				}
			}
		}
		for ; i < hi; i++ {
			rowTimes(out[i*m:i*m+m], a[i*k:i*k+k], b, m, acc)
		}
	})
}

// rowTail adds x·b to the columns q.. of o (fewer than 8) with the masked kernel.
func rowTail(o, x, b []float64, m, q int) {
	asm.TileMaskFMA(&o[q], &x[0], 1, &b[q], m, len(x), &asm.LaneMask[m-q][0])
}

// rowTimes sets o = x·b (acc: o += x·b) for a row x of length k and b k×m.
func rowTimes(o, x, b []float64, m int, acc bool) {
	q := 0
	if asm.UseFMA && len(x) > 0 {
		_ = b[(len(x)-1)*m+m-1] // every tile below stays inside b
		for ; q+16 <= m; q += 16 {
			t := o[q : q+16 : q+16]
			if !acc {
				clear(t)
			}
			asm.Tile16FMA(&t[0], &x[0], 1, &b[q], m, len(x))
		}
		for ; q+8 <= m; q += 8 {
			t := o[q : q+8 : q+8]
			if !acc {
				clear(t)
			}
			asm.Tile8FMA(&t[0], &x[0], 1, &b[q], m, len(x))
		}
		if r := m - q; r > 0 {
			t := o[q:m]
			if !acc {
				clear(t)
			}
			asm.TileMaskFMA(&t[0], &x[0], 1, &b[q], m, len(x), &asm.LaneMask[r][0])
			q = m
		}
	}
	for ; q+8 <= m; q += 8 {
		var s0, s1, s2, s3, s4, s5, s6, s7 float64
		for p, v := range x {
			w := b[p*m+q : p*m+q+8 : p*m+q+8]
			s0 += v * w[0]
			s1 += v * w[1]
			s2 += v * w[2]
			s3 += v * w[3]
			s4 += v * w[4]
			s5 += v * w[5]
			s6 += v * w[6]
			s7 += v * w[7]
		}
		t := o[q : q+8 : q+8]
		if acc {
			t[0] += s0
			t[1] += s1
			t[2] += s2
			t[3] += s3
			t[4] += s4
			t[5] += s5
			t[6] += s6
			t[7] += s7
		} else {
			t[0], t[1], t[2], t[3], t[4], t[5], t[6], t[7] = s0, s1, s2, s3, s4, s5, s6, s7
		}
	}
	for ; q+4 <= m; q += 4 {
		var s0, s1, s2, s3 float64
		for p, v := range x {
			w := b[p*m+q : p*m+q+4 : p*m+q+4]
			s0 += v * w[0]
			s1 += v * w[1]
			s2 += v * w[2]
			s3 += v * w[3]
		}
		t := o[q : q+4 : q+4]
		if acc {
			t[0] += s0
			t[1] += s1
			t[2] += s2
			t[3] += s3
		} else {
			t[0], t[1], t[2], t[3] = s0, s1, s2, s3
		}
	}
	for ; q < m; q++ {
		var s0 float64
		for p, v := range x {
			s0 += v * b[p*m+q]
		}
		if acc {
			o[q] += s0
		} else {
			o[q] = s0
		}
	}
}

// tileRows is the number of rows of a and g a parameter-gradient chunk
// reads at a time (so that they stay in cache across the columns of its
// block).
const tileRows = 256

// matMulTA adds aᵀ·g to out for a n×k, g n×m, out k×m (a parameter
// gradient hᵀ·dout). Parallel over fixed blocks of rows of out; each chunk
// walks the rows of a and g in tiles of tileRows, in order, and sums every
// out entry in register tiles: no partial buffers, the same bits for any
// number of workers.
func matMulTA(out, a, g []float64, n, k, m int) {
	if asm.UseFMA && m < 8 && k >= 8 && n > 0 {
		// Narrow outputs: compute outᵀ = gᵀ·a with the kernel running
		// along the columns of a.
		parallel.For(parallel.Chunks(k, colBlock), func(c int) {
			lo, hi := parallel.Range(c, colBlock, k)
			var s [8]float64
			for q := range m {
				p := lo
				for ; p+8 <= hi; p += 8 {
					s = [8]float64{}
					asm.Tile8FMA(&s[0], &g[q], m, &a[p], k, n)
					for t, v := range s {
						out[(p+t)*m+q] += v
					}
				}
				for ; p < hi; p++ {
					var s0 float64
					for i := range n {
						s0 += g[i*m+q] * a[i*k+p]
					}
					out[p*m+q] += s0
				}
			}
		})
		return
	}
	parallel.For(parallel.Chunks(k, colBlock), func(c int) {
		lo, hi := parallel.Range(c, colBlock, k)
		for r0 := 0; r0 < n; r0 += tileRows {
			r1 := min(r0+tileRows, n)
			p := lo
			if asm.UseFMA && m >= 8 && r1 > r0 {
				// 4×8 register tiles over (columns p of a) × (columns q of g).
				_ = a[(r1-1)*k+hi-1]
				_ = g[(r1-1)*m+m-1]
				for ; p+4 <= hi; p += 4 {
					q := 0
					for ; q+8 <= m; q += 8 {
						asm.Rows4x8FMA(&out[p*m+q], m, &a[r0*k+p], 1, k, &g[r0*m+q], m, r1-r0)
					}
					if r := m - q; r > 0 {
						for pp := p; pp < p+4; pp++ {
							asm.TileMaskFMA(&out[pp*m+q], &a[r0*k+pp], k, &g[r0*m+q], m, r1-r0, &asm.LaneMask[r][0])
						}
					}
				}
			}
			for ; p < hi; p++ {
				o := out[p*m : p*m+m]
				q := 0
				if asm.UseFMA && r1 > r0 {
					_ = a[(r1-1)*k+p]
					_ = g[(r1-1)*m+m-1]
					for ; q+16 <= m; q += 16 {
						asm.Tile16FMA(&o[q], &a[r0*k+p], k, &g[r0*m+q], m, r1-r0)
					}
					for ; q+8 <= m; q += 8 {
						asm.Tile8FMA(&o[q], &a[r0*k+p], k, &g[r0*m+q], m, r1-r0)
					}
					if r := m - q; r > 0 {
						asm.TileMaskFMA(&o[q], &a[r0*k+p], k, &g[r0*m+q], m, r1-r0, &asm.LaneMask[r][0])
						q = m
					}
				}
				for ; q+8 <= m; q += 8 {
					var s0, s1, s2, s3, s4, s5, s6, s7 float64
					for i := r0; i < r1; i++ {
						v := a[i*k+p]
						w := g[i*m+q : i*m+q+8 : i*m+q+8]
						s0 += v * w[0]
						s1 += v * w[1]
						s2 += v * w[2]
						s3 += v * w[3]
						s4 += v * w[4]
						s5 += v * w[5]
						s6 += v * w[6]
						s7 += v * w[7]
					}
					t := o[q : q+8 : q+8]
					t[0] += s0
					t[1] += s1
					t[2] += s2
					t[3] += s3
					t[4] += s4
					t[5] += s5
					t[6] += s6
					t[7] += s7
				}
				for ; q+4 <= m; q += 4 {
					var s0, s1, s2, s3 float64
					for i := r0; i < r1; i++ {
						v := a[i*k+p]
						w := g[i*m+q : i*m+q+4 : i*m+q+4]
						s0 += v * w[0]
						s1 += v * w[1]
						s2 += v * w[2]
						s3 += v * w[3]
					}
					t := o[q : q+4 : q+4]
					t[0] += s0
					t[1] += s1
					t[2] += s2
					t[3] += s3
				}
				for ; q < m; q++ {
					var s0 float64
					for i := r0; i < r1; i++ {
						s0 += a[i*k+p] * g[i*m+q]
					}
					o[q] += s0
				}
			}
		}
	})
}

// matMulBT sets out = g·bᵀ (acc: out += g·bᵀ) for g n×m, b k×m, out n×k: the
// input gradient dout·Θᵀ of h·Θ. Parallel over fixed row blocks.
func matMulBT(out, g, b []float64, n, m, k int, acc bool) {
	if asm.UseFMA && k >= 8 {
		// out = g·(bᵀ) with bᵀ m×k materialised: the 8-wide kernel then
		// runs along k.
		sp := scratchPool.Get().(*[]float64)
		bt := grow(*sp, m*k)
		for p := range k {
			for q := range m {
				bt[q*k+p] = b[p*m+q]
			}
		}
		matMul(out, g, bt, n, m, k, acc)
		*sp = bt
		scratchPool.Put(sp)
		return
	}
	parallel.For(parallel.Chunks(n, rowBlock), func(c int) {
		lo, hi := parallel.Range(c, rowBlock, n)
		for i := lo; i < hi; i++ {
			gi := g[i*m : i*m+m]
			o := out[i*k : i*k+k]
			for p := range o {
				bp := b[p*m : p*m+m]
				bp = bp[:len(gi)]
				var s float64
				for q, x := range gi {
					s += x * bp[q]
				}
				if acc {
					o[p] += s
				} else {
					o[p] = s
				}
			}
		}
	})
}

// addBias adds b (length m) to every row of out (n×m).
func addBias(out, b []float64, m int) {
	n := len(out) / m
	parallel.For(parallel.Chunks(n, rowBlock), func(c int) {
		lo, hi := parallel.Range(c, rowBlock, n)
		for i := lo; i < hi; i++ {
			o := out[i*m : i*m+m]
			o = o[:len(b)]
			for q := range o {
				o[q] += b[q]
			}
		}
	})
}

// colSum adds the column sums of g (n×m) to out (length m), rows in order.
func colSum(out, g []float64, m int) {
	n := len(g) / m
	out = out[:m]
	for i := 0; i < n; i++ {
		gi := g[i*m : i*m+m]
		for q := range out {
			out[q] += gi[q]
		}
	}
}

// spMul sets out = x·b (acc: out += x·b) for x n×k sparse, b k×m, out
// n×m: each row of out gathers the rows of b that x's row names, entries
// in order. Parallel over fixed blocks of block rows. The weight gradient
// xᵀ·g is spMul over the transpose (sparse.Matrix.TransposeTo) with acc.
func spMul(out []float64, x *sparse.Matrix, b []float64, m int, acc bool, block int) {
	offsets, index, values := x.CSR()
	asm.GatherRows(out, offsets, index, values, b, m, acc, block)
}

// scratchPool holds transposed weights for matMulBT.
var scratchPool = sync.Pool{New: func() any { return new([]float64) }}

// grow returns buf with length n, reusing its storage when large enough.
func grow(buf []float64, n int) []float64 {
	if cap(buf) >= n {
		return buf[:n]
	}
	return make([]float64, n)
}

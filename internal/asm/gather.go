package asm

import "github.com/gnnwb/gnnwb/internal/parallel"

// Gather adds to o (length d) the combination Σ_e coef[e]·h[idx[e]·d : idx[e]·d+d]
// of rows of the row-major matrix h (d columns), e over the entries of one
// CSR row (len(idx) == len(coef)). With UseFMA it runs the 16-, 8- and
// masked-lane assembly kernels, otherwise a Go loop that multiplies and adds
// entry by entry in order. The caller guarantees that every idx[e] is a row
// of h; Gather checks nothing and does not allocate.
func Gather(o []float64, idx []int32, coef []float64, h []float64, d int) {
	q := 0
	if count := len(idx); UseFMA && count > 0 {
		for ; q+16 <= d; q += 16 {
			Gather16FMA(&o[q], &idx[0], &coef[0], count, &h[q], d)
		}
		for ; q+8 <= d; q += 8 {
			Gather8FMA(&o[q], &idx[0], &coef[0], count, &h[q], d)
		}
		if r := d - q; r > 0 {
			GatherMaskFMA(&o[q], &idx[0], &coef[0], count, &h[q], d, &LaneMask[r][0])
		}
		return
	}
	oq := o[q:d]
	for e, a := range coef {
		j := int(idx[e])
		hj := h[j*d+q : j*d+d]
		hj = hj[:len(oq)]
		for k := range oq {
			oq[k] += a * hj[k]
		}
	}
}

// GatherRows sets every row i of dst (acc: adds to it) to
// Σ_e coef[e]·h[idx[e]·d : idx[e]·d+d], e over row i of the CSR matrix
// (off, idx, coef): the product of that sparse matrix with the row-major
// matrix h of d columns, one Gather per row. The rows are split into fixed
// blocks of block rows, run in parallel; each row is written by one block,
// so the result is the same bits for any GOMAXPROCS. The caller guarantees
// the shapes (len(dst) = (len(off)−1)·d, every idx a row of h).
func GatherRows(dst []float64, off []int, idx []int32, coef, h []float64, d int, acc bool, block int) {
	n := len(off) - 1
	parallel.For(parallel.Chunks(n, block), func(c int) {
		lo, hi := parallel.Range(c, block, n)
		for i := lo; i < hi; i++ {
			o := dst[i*d : i*d+d]
			if !acc {
				clear(o)
			}
			e0, e1 := off[i], off[i+1]
			Gather(o, idx[e0:e1], coef[e0:e1], h, d)
		}
	})
}

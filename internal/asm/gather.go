package asm

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

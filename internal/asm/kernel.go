package asm

// LaneMask[w] has −1 (all bits set) in lanes 0..w−1 and 0 elsewhere: the
// lane masks of the masked kernels.
var LaneMask = func() (m [9][8]int64) {
	for w := range 9 {
		for q := range w {
			m[w][q] = -1
		}
	}
	return m
}()

package gnn

// Test-only access to the state a peer implementation needs to repeat a
// training pass exactly.

// MaskValues returns the multipliers of the last training Forward: 0 for a
// dropped entry, the scale 1/(1−P) for a kept one (nil if no mask).
func (d *Dropout) MaskValues() []float64 {
	if d.mask == nil || d.n == 0 {
		return nil
	}
	v := make([]float64, d.n)
	for e := range v {
		if d.mask[e>>6]>>(e&63)&1 == 1 {
			v[e] = d.scale
		}
	}
	return v
}

// State returns h^(k), k = 1..L, of the last Forward (node rows).
func (j *JumpSum) State(k int) []float64 { return j.hs[k] }

package gnn

import "golang.org/x/sys/cpu"

// useFMA selects the AVX2/FMA assembly kernel. Results then differ from the
// pure-Go kernel in the last bits (fused multiply-adds, another summation
// order), but are the same for any GOMAXPROCS on a given machine.
var useFMA = cpu.X86.HasAVX2 && cpu.X86.HasFMA

// tile8FMA sets s[q] += Σ_{t<count} x[t·xstride]·b[t·bstride+q], q = 0..7.
// The caller guarantees that every address touched is inside its slices.
//
//go:noescape
func tile8FMA(s *float64, x *float64, xstride int, b *float64, bstride int, count int)

// gather8FMA sets s[q] += Σ_{t<count} vals[t]·b[idx[t]·bstride+q],
// q = 0..7. The caller guarantees that every address touched is inside its
// slices (validated indices, q+8 ≤ bstride).
//
//go:noescape
func gather8FMA(s *float64, idx *int32, vals *float64, count int, b *float64, bstride int)

// tile16FMA is tile8FMA for q = 0..15.
//
//go:noescape
func tile16FMA(s *float64, x *float64, xstride int, b *float64, bstride int, count int)

// tileMaskFMA is tile8FMA on the first w ≤ 8 lanes, mask = &laneMask[w][0]:
// lanes ≥ w are neither read nor written.
//
//go:noescape
func tileMaskFMA(s *float64, x *float64, xstride int, b *float64, bstride int, count int, mask *int64)

// gatherMaskFMA is gather8FMA on the first w ≤ 8 lanes (see tileMaskFMA).
//
//go:noescape
func gatherMaskFMA(s *float64, idx *int32, vals *float64, count int, b *float64, bstride int, mask *int64)

// gather16FMA is gather8FMA for q = 0..15.
//
//go:noescape
func gather16FMA(s *float64, idx *int32, vals *float64, count int, b *float64, bstride int)

// rows4x8FMA sets o[r·ostride+q] += Σ_{t<count} x[r·xstride+t·xtstride]·b[t·bstride+q]
// for r = 0..3, q = 0..7 (a 4×8 register tile of a dense product).
//
//go:noescape
func rows4x8FMA(o *float64, ostride int, x *float64, xstride, xtstride int, b *float64, bstride int, count int)

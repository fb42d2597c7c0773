package asm

import "golang.org/x/sys/cpu"

// UseFMA selects the AVX2/FMA assembly kernel. Results then differ from the
// pure-Go kernel in the last bits (fused multiply-adds, another summation
// order), but are the same for any GOMAXPROCS on a given machine.
var UseFMA = cpu.X86.HasAVX2 && cpu.X86.HasFMA

// Tile8FMA sets s[q] += Σ_{t<count} x[t·xstride]·b[t·bstride+q], q = 0..7.
// The caller guarantees that every address touched is inside its slices.
//
//go:noescape
func Tile8FMA(s *float64, x *float64, xstride int, b *float64, bstride int, count int)

// Gather8FMA sets s[q] += Σ_{t<count} vals[t]·b[idx[t]·bstride+q],
// q = 0..7. The caller guarantees that every address touched is inside its
// slices (validated indices, q+8 ≤ bstride).
//
//go:noescape
func Gather8FMA(s *float64, idx *int32, vals *float64, count int, b *float64, bstride int)

// Tile16FMA is Tile8FMA for q = 0..15.
//
//go:noescape
func Tile16FMA(s *float64, x *float64, xstride int, b *float64, bstride int, count int)

// TileMaskFMA is Tile8FMA on the first w ≤ 8 lanes, mask = &LaneMask[w][0]:
// lanes ≥ w are neither read nor written.
//
//go:noescape
func TileMaskFMA(s *float64, x *float64, xstride int, b *float64, bstride int, count int, mask *int64)

// GatherMaskFMA is Gather8FMA on the first w ≤ 8 lanes (see TileMaskFMA).
//
//go:noescape
func GatherMaskFMA(s *float64, idx *int32, vals *float64, count int, b *float64, bstride int, mask *int64)

// Gather16FMA is Gather8FMA for q = 0..15.
//
//go:noescape
func Gather16FMA(s *float64, idx *int32, vals *float64, count int, b *float64, bstride int)

// Rows4x8FMA sets o[r·ostride+q] += Σ_{t<count} x[r·xstride+t·xtstride]·b[t·bstride+q]
// for r = 0..3, q = 0..7 (a 4×8 register tile of a dense product).
//
//go:noescape
func Rows4x8FMA(o *float64, ostride int, x *float64, xstride, xtstride int, b *float64, bstride int, count int)

// SetFMA sets UseFMA to v when the processor supports the kernels (v is
// ignored otherwise) and returns the previous value: tests compare both
// paths with it.
func SetFMA(v bool) (old bool) {
	old = UseFMA
	UseFMA = v && cpu.X86.HasAVX2 && cpu.X86.HasFMA
	return old
}

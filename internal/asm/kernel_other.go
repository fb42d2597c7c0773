//go:build !amd64

package asm

const UseFMA = false

func Tile8FMA(s *float64, x *float64, xstride int, b *float64, bstride int, count int) {
	panic("asm: Tile8FMA without assembly")
}

func Gather8FMA(s *float64, idx *int32, vals *float64, count int, b *float64, bstride int) {
	panic("asm: Gather8FMA without assembly")
}

func Tile16FMA(s *float64, x *float64, xstride int, b *float64, bstride int, count int) {
	panic("asm: Tile16FMA without assembly")
}

func TileMaskFMA(s *float64, x *float64, xstride int, b *float64, bstride int, count int, mask *int64) {
	panic("asm: TileMaskFMA without assembly")
}

func GatherMaskFMA(s *float64, idx *int32, vals *float64, count int, b *float64, bstride int, mask *int64) {
	panic("asm: GatherMaskFMA without assembly")
}

func Gather16FMA(s *float64, idx *int32, vals *float64, count int, b *float64, bstride int) {
	panic("asm: Gather16FMA without assembly")
}

func Rows4x8FMA(o *float64, ostride int, x *float64, xstride, xtstride int, b *float64, bstride int, count int) {
	panic("asm: Rows4x8FMA without assembly")
}

// SetFMA does nothing without assembly kernels and returns false.
func SetFMA(v bool) (old bool) { return false }

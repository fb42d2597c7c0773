//go:build !amd64

package gnn

const useFMA = false

func tile8FMA(s *float64, x *float64, xstride int, b *float64, bstride int, count int) {
	panic("gnn: tile8FMA without assembly")
}

func gather8FMA(s *float64, idx *int32, vals *float64, count int, b *float64, bstride int) {
	panic("gnn: gather8FMA without assembly")
}

func tile16FMA(s *float64, x *float64, xstride int, b *float64, bstride int, count int) {
	panic("gnn: tile16FMA without assembly")
}

func tileMaskFMA(s *float64, x *float64, xstride int, b *float64, bstride int, count int, mask *int64) {
	panic("gnn: tileMaskFMA without assembly")
}

func gatherMaskFMA(s *float64, idx *int32, vals *float64, count int, b *float64, bstride int, mask *int64) {
	panic("gnn: gatherMaskFMA without assembly")
}

func gather16FMA(s *float64, idx *int32, vals *float64, count int, b *float64, bstride int) {
	panic("gnn: gather16FMA without assembly")
}

func rows4x8FMA(o *float64, ostride int, x *float64, xstride, xtstride int, b *float64, bstride int, count int) {
	panic("gnn: rows4x8FMA without assembly")
}

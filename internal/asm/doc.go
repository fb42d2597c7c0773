// Package asm holds the AVX2/FMA assembly kernels behind the dense and
// sparse products of the layers and the aggregation operators, each beside
// the pure-Go loop that replaces it where the processor lacks AVX2 and FMA
// (UseFMA false) or on another architecture.
//
// # Kernels
//
// With s a destination row, q a lane (column) index:
//
//	Tile8FMA, Tile16FMA     s[q] += Σ_{t<count} x[t·xstride]·b[t·bstride+q]          (dense rank-count update)
//	Gather8FMA, Gather16FMA s[q] += Σ_{t<count} vals[t]·b[idx[t]·bstride+q]          (CSR row gather)
//	TileMaskFMA, GatherMaskFMA   the same on the first w ≤ 8 lanes (mask LaneMask[w])
//	Rows4x8FMA              a 4×8 register tile of a dense product
//
// Gather (one CSR row) and GatherRows (a whole CSR matrix, in parallel over
// fixed blocks of rows) are the entry points that callers outside the hot
// GEMM loops use: they dispatch to the assembly kernels when UseFMA holds and
// to a pure-Go loop otherwise. The assembly kernels fuse multiply and add and sum in
// another order than the Go loop, so their results differ in the last bits;
// on one machine they are the same for any GOMAXPROCS.
//
// # Safety
//
// The kernels take raw pointers: the caller guarantees that every address
// touched lies inside its slices (validated indices, q+8 ≤ bstride, …).
// Gather checks nothing either: its callers validate shapes first.
package asm

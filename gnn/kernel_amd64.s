#include "textflag.h"

// func tile8FMA(s *float64, x *float64, xstride int, b *float64, bstride int, count int)
//
// s[q] += Σ_{t<count} x[t*xstride] * b[t*bstride+q] for q = 0..7, with
// four pairs of AVX2 accumulators (iteration t goes to pair t mod 4),
// combined as ((s + P0) + P1) + (P2 + P3) at the end. Requires AVX2 and FMA.
TEXT ·tile8FMA(SB), NOSPLIT, $0-48
	MOVQ s+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ xstride+16(FP), R8
	SHLQ $3, R8
	MOVQ b+24(FP), DX
	MOVQ bstride+32(FP), R9
	SHLQ $3, R9
	MOVQ count+40(FP), CX
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	VXORPD Y4, Y4, Y4
	VXORPD Y5, Y5, Y5
	VXORPD Y6, Y6, Y6
	VXORPD Y7, Y7, Y7
	CMPQ CX, $4
	JLT tail

loop4:
	VBROADCASTSD (SI), Y8
	VFMADD231PD (DX), Y8, Y0
	VFMADD231PD 32(DX), Y8, Y1
	ADDQ R8, SI
	ADDQ R9, DX
	VBROADCASTSD (SI), Y9
	VFMADD231PD (DX), Y9, Y2
	VFMADD231PD 32(DX), Y9, Y3
	ADDQ R8, SI
	ADDQ R9, DX
	VBROADCASTSD (SI), Y10
	VFMADD231PD (DX), Y10, Y4
	VFMADD231PD 32(DX), Y10, Y5
	ADDQ R8, SI
	ADDQ R9, DX
	VBROADCASTSD (SI), Y11
	VFMADD231PD (DX), Y11, Y6
	VFMADD231PD 32(DX), Y11, Y7
	ADDQ R8, SI
	ADDQ R9, DX
	SUBQ $4, CX
	CMPQ CX, $4
	JGE loop4

tail:
	TESTQ CX, CX
	JE done
	VBROADCASTSD (SI), Y8
	VFMADD231PD (DX), Y8, Y0
	VFMADD231PD 32(DX), Y8, Y1
	ADDQ R8, SI
	ADDQ R9, DX
	DECQ CX
	JMP tail

done:
	VMOVUPD 0(DI), Y8
	VMOVUPD 32(DI), Y9
	VADDPD Y0, Y8, Y8
	VADDPD Y1, Y9, Y9
	VADDPD Y2, Y8, Y8
	VADDPD Y3, Y9, Y9
	VADDPD Y6, Y4, Y4
	VADDPD Y7, Y5, Y5
	VADDPD Y4, Y8, Y8
	VADDPD Y5, Y9, Y9
	VMOVUPD Y8, 0(DI)
	VMOVUPD Y9, 32(DI)
	VZEROUPPER
	RET

// func gather8FMA(s *float64, idx *int32, vals *float64, count int, b *float64, bstride int)
//
// s[q] += Σ_{t<count} vals[t] * b[idx[t]*bstride+q] for q = 0..7, with two
// pairs of AVX2 accumulators (iteration t goes to pair t mod 2), combined as
// (s + P0) + P1. Requires AVX2 and FMA.
TEXT ·gather8FMA(SB), NOSPLIT, $0-48
	MOVQ s+0(FP), DI
	MOVQ idx+8(FP), SI
	MOVQ vals+16(FP), R10
	MOVQ count+24(FP), CX
	MOVQ b+32(FP), DX
	MOVQ bstride+40(FP), R9
	SHLQ $3, R9
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	CMPQ CX, $2
	JLT gtail

gloop2:
	MOVLQSX (SI), AX
	IMULQ R9, AX
	VBROADCASTSD (R10), Y8
	VFMADD231PD (DX)(AX*1), Y8, Y0
	VFMADD231PD 32(DX)(AX*1), Y8, Y1
	MOVLQSX 4(SI), BX
	IMULQ R9, BX
	VBROADCASTSD 8(R10), Y9
	VFMADD231PD (DX)(BX*1), Y9, Y2
	VFMADD231PD 32(DX)(BX*1), Y9, Y3
	ADDQ $8, SI
	ADDQ $16, R10
	SUBQ $2, CX
	CMPQ CX, $2
	JGE gloop2

gtail:
	TESTQ CX, CX
	JE gdone
	MOVLQSX (SI), AX
	IMULQ R9, AX
	VBROADCASTSD (R10), Y8
	VFMADD231PD (DX)(AX*1), Y8, Y0
	VFMADD231PD 32(DX)(AX*1), Y8, Y1

gdone:
	VMOVUPD 0(DI), Y8
	VMOVUPD 32(DI), Y9
	VADDPD Y0, Y8, Y8
	VADDPD Y1, Y9, Y9
	VADDPD Y2, Y8, Y8
	VADDPD Y3, Y9, Y9
	VMOVUPD Y8, 0(DI)
	VMOVUPD Y9, 32(DI)
	VZEROUPPER
	RET

// func tile16FMA(s *float64, x *float64, xstride int, b *float64, bstride int, count int)
//
// s[q] += Σ_{t<count} x[t*xstride] * b[t*bstride+q] for q = 0..15, with two
// sets of four AVX2 accumulators (iteration t goes to set t mod 2),
// combined as (s + S0) + S1. Requires AVX2 and FMA.
TEXT ·tile16FMA(SB), NOSPLIT, $0-48
	MOVQ s+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ xstride+16(FP), R8
	SHLQ $3, R8
	MOVQ b+24(FP), DX
	MOVQ bstride+32(FP), R9
	SHLQ $3, R9
	MOVQ count+40(FP), CX
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	VXORPD Y4, Y4, Y4
	VXORPD Y5, Y5, Y5
	VXORPD Y6, Y6, Y6
	VXORPD Y7, Y7, Y7
	CMPQ CX, $2
	JLT t16tail

t16loop:
	VBROADCASTSD (SI), Y8
	VFMADD231PD (DX), Y8, Y0
	VFMADD231PD 32(DX), Y8, Y1
	VFMADD231PD 64(DX), Y8, Y2
	VFMADD231PD 96(DX), Y8, Y3
	ADDQ R8, SI
	ADDQ R9, DX
	VBROADCASTSD (SI), Y9
	VFMADD231PD (DX), Y9, Y4
	VFMADD231PD 32(DX), Y9, Y5
	VFMADD231PD 64(DX), Y9, Y6
	VFMADD231PD 96(DX), Y9, Y7
	ADDQ R8, SI
	ADDQ R9, DX
	SUBQ $2, CX
	CMPQ CX, $2
	JGE t16loop

t16tail:
	TESTQ CX, CX
	JE t16done
	VBROADCASTSD (SI), Y8
	VFMADD231PD (DX), Y8, Y0
	VFMADD231PD 32(DX), Y8, Y1
	VFMADD231PD 64(DX), Y8, Y2
	VFMADD231PD 96(DX), Y8, Y3

t16done:
	VMOVUPD 0(DI), Y8
	VADDPD Y0, Y8, Y8
	VADDPD Y4, Y8, Y8
	VMOVUPD Y8, 0(DI)
	VMOVUPD 32(DI), Y9
	VADDPD Y1, Y9, Y9
	VADDPD Y5, Y9, Y9
	VMOVUPD Y9, 32(DI)
	VMOVUPD 64(DI), Y10
	VADDPD Y2, Y10, Y10
	VADDPD Y6, Y10, Y10
	VMOVUPD Y10, 64(DI)
	VMOVUPD 96(DI), Y11
	VADDPD Y3, Y11, Y11
	VADDPD Y7, Y11, Y11
	VMOVUPD Y11, 96(DI)
	VZEROUPPER
	RET

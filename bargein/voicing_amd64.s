//go:build !purego

// voicingSumsGeneric on eight lanes (AVX2), one lag per lane, with the same
// products and additions in the same order, so the same bits.

#include "textflag.h"

// MAC4 adds the products of bins K..K+3 (at K*4(SI)) with their cosine
// rows to the four partial sums Y0..Y3. A row of voicingTables.cos holds
// lagGroups*8 = 48 lags, 192 bytes.
#define MAC4(K) \
	VBROADCASTSS (K*4)(SI), Y4 \
	VMULPS (K*192)(AX), Y4, Y4 \
	VADDPS Y4, Y0, Y0 \
	VBROADCASTSS ((K+1)*4)(SI), Y5 \
	VMULPS ((K+1)*192)(AX), Y5, Y5 \
	VADDPS Y5, Y1, Y1 \
	VBROADCASTSS ((K+2)*4)(SI), Y6 \
	VMULPS ((K+2)*192)(AX), Y6, Y6 \
	VADDPS Y6, Y2, Y2 \
	VBROADCASTSS ((K+3)*4)(SI), Y7 \
	VMULPS ((K+3)*192)(AX), Y7, Y7 \
	VADDPS Y7, Y3, Y3

// func voicingSumsAVX2(p *[32]float32, cos *[32][48]float32, odd, even *[48]float32)
TEXT ·voicingSumsAVX2(SB), NOSPLIT, $0-32
	MOVQ p+0(FP), SI
	MOVQ cos+8(FP), DX
	MOVQ odd+16(FP), R8
	MOVQ even+24(FP), R9
	// CX = byte offset of the group of eight lags in a row; six groups.
	XORQ CX, CX
group:
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	LEAQ (DX)(CX*1), AX
	MAC4(0)
	MAC4(4)
	MAC4(8)
	MAC4(12)
	MAC4(16)
	MAC4(20)
	MAC4(24)
	MAC4(28)
	VADDPS Y2, Y0, Y0
	VADDPS Y3, Y1, Y1
	VMOVUPS Y0, (R8)(CX*1)
	VMOVUPS Y1, (R9)(CX*1)
	ADDQ $32, CX
	CMPQ CX, $192
	JLT group
	VZEROUPPER
	RET

//go:build !purego

// The power spectrum of fft_generic.go on eight lanes (AVX2). Every
// arithmetic instruction here has its counterpart there, in the same order
// and without fused multiply-adds, so both give the same bits; the tests
// compare them.

#include "textflag.h"

// Reversal of the eight lanes, for the bins above N/4 that the split
// produces in descending order.
DATA revLanes<>+0(SB)/4, $7
DATA revLanes<>+4(SB)/4, $6
DATA revLanes<>+8(SB)/4, $5
DATA revLanes<>+12(SB)/4, $4
DATA revLanes<>+16(SB)/4, $3
DATA revLanes<>+20(SB)/4, $2
DATA revLanes<>+24(SB)/4, $1
DATA revLanes<>+28(SB)/4, $0
GLOBL revLanes<>(SB), RODATA|NOPTR, $32

// float32(√½)
DATA sqrtHalf<>+0(SB)/4, $0x3f3504f3
GLOBL sqrtHalf<>(SB), RODATA|NOPTR, $4

// RADIX4 is the radix-4 decimation-in-frequency butterfly of the first two
// passes of transformGeneric, for eight values of j. In: Y0..Y7 = a0r a0i
// a1r a1i a2r a2i a3r a3i. Twiddle row r (twR1 .. twI3) is at r*TWS(TW).
// Output m goes to m*QS(RE) and m*QS(IM). Clobbers Y0..Y14.
#define RADIX4(TW, TWS, RE, IM, QS) \
	VADDPS Y4, Y0, Y8 \
	VADDPS Y5, Y1, Y9 \
	VSUBPS Y4, Y0, Y0 \
	VSUBPS Y5, Y1, Y1 \
	VADDPS Y6, Y2, Y10 \
	VADDPS Y7, Y3, Y11 \
	VSUBPS Y6, Y2, Y2 \
	VSUBPS Y7, Y3, Y3 \
	VADDPS Y10, Y8, Y4 \
	VADDPS Y11, Y9, Y5 \
	VMOVUPS Y4, (RE) \
	VMOVUPS Y5, (IM) \
	VSUBPS Y10, Y8, Y8 \
	VSUBPS Y11, Y9, Y9 \
	VADDPS Y3, Y0, Y10 \
	VSUBPS Y2, Y1, Y11 \
	VSUBPS Y3, Y0, Y0 \
	VADDPS Y2, Y1, Y1 \
	VMULPS (0*TWS)(TW), Y10, Y12 \
	VMULPS (1*TWS)(TW), Y11, Y13 \
	VSUBPS Y13, Y12, Y12 \
	VMULPS (1*TWS)(TW), Y10, Y13 \
	VMULPS (0*TWS)(TW), Y11, Y14 \
	VADDPS Y14, Y13, Y13 \
	VMOVUPS Y12, (1*QS)(RE) \
	VMOVUPS Y13, (1*QS)(IM) \
	VMULPS (2*TWS)(TW), Y8, Y12 \
	VMULPS (3*TWS)(TW), Y9, Y13 \
	VSUBPS Y13, Y12, Y12 \
	VMULPS (3*TWS)(TW), Y8, Y13 \
	VMULPS (2*TWS)(TW), Y9, Y14 \
	VADDPS Y14, Y13, Y13 \
	VMOVUPS Y12, (2*QS)(RE) \
	VMOVUPS Y13, (2*QS)(IM) \
	VMULPS (4*TWS)(TW), Y0, Y12 \
	VMULPS (5*TWS)(TW), Y1, Y13 \
	VSUBPS Y13, Y12, Y12 \
	VMULPS (5*TWS)(TW), Y0, Y13 \
	VMULPS (4*TWS)(TW), Y1, Y14 \
	VADDPS Y14, Y13, Y13 \
	VMOVUPS Y12, (3*QS)(RE) \
	VMOVUPS Y13, (3*QS)(IM)

// LOADW loads sixteen samples from OFF(X), multiplies them by the window at
// OFF(W) and splits them into the even (ER) and odd (OI) ones, in order:
// eight values of z = even + i·odd.
#define LOADW(X, W, OFF, ER, OI) \
	VMOVUPS OFF(X), Y12 \
	VMULPS OFF(W), Y12, Y12 \
	VMOVUPS (OFF+32)(X), Y13 \
	VMULPS (OFF+32)(W), Y13, Y13 \
	VSHUFPS $0x88, Y13, Y12, ER \
	VSHUFPS $0xDD, Y13, Y12, OI \
	VPERMPD $0xD8, ER, ER \
	VPERMPD $0xD8, OI, OI

// TRANSPOSE8 transposes the 8x8 block whose rows are at R0..R7(SRC) into
// the rows 0, 64, .., 448(DST). Clobbers Y0..Y15.
#define TRANSPOSE8(SRC, R0, R1, R2, R3, R4, R5, R6, R7, DST) \
	VMOVUPS R0(SRC), Y0 \
	VMOVUPS R1(SRC), Y1 \
	VMOVUPS R2(SRC), Y2 \
	VMOVUPS R3(SRC), Y3 \
	VMOVUPS R4(SRC), Y4 \
	VMOVUPS R5(SRC), Y5 \
	VMOVUPS R6(SRC), Y6 \
	VMOVUPS R7(SRC), Y7 \
	VUNPCKLPS Y1, Y0, Y8 \
	VUNPCKHPS Y1, Y0, Y9 \
	VUNPCKLPS Y3, Y2, Y10 \
	VUNPCKHPS Y3, Y2, Y11 \
	VUNPCKLPS Y5, Y4, Y12 \
	VUNPCKHPS Y5, Y4, Y13 \
	VUNPCKLPS Y7, Y6, Y14 \
	VUNPCKHPS Y7, Y6, Y15 \
	VSHUFPS $0x44, Y10, Y8, Y0 \
	VSHUFPS $0xEE, Y10, Y8, Y1 \
	VSHUFPS $0x44, Y11, Y9, Y2 \
	VSHUFPS $0xEE, Y11, Y9, Y3 \
	VSHUFPS $0x44, Y14, Y12, Y4 \
	VSHUFPS $0xEE, Y14, Y12, Y5 \
	VSHUFPS $0x44, Y15, Y13, Y6 \
	VSHUFPS $0xEE, Y15, Y13, Y7 \
	VPERM2F128 $0x20, Y4, Y0, Y8 \
	VPERM2F128 $0x20, Y5, Y1, Y9 \
	VPERM2F128 $0x20, Y6, Y2, Y10 \
	VPERM2F128 $0x20, Y7, Y3, Y11 \
	VPERM2F128 $0x31, Y4, Y0, Y12 \
	VPERM2F128 $0x31, Y5, Y1, Y13 \
	VPERM2F128 $0x31, Y6, Y2, Y14 \
	VPERM2F128 $0x31, Y7, Y3, Y15 \
	VMOVUPS Y8, 0(DST) \
	VMOVUPS Y9, 64(DST) \
	VMOVUPS Y10, 128(DST) \
	VMOVUPS Y11, 192(DST) \
	VMOVUPS Y12, 256(DST) \
	VMOVUPS Y13, 320(DST) \
	VMOVUPS Y14, 384(DST) \
	VMOVUPS Y15, 448(DST)

// DFT8 does the 8-point DFTs of the last pass of transformGeneric, one per
// lane. Element e of the inputs is at e*64(TR) and e*64(TI); output c goes
// to c*64(RE) and c*64(IM). The products by -i and by the negative
// twiddles are folded into the additions that follow, which rounds the same.
#define DFT8(TR, TI, RE, IM) \
	/* even outputs from u[n] = a[n] + a[n+4] */ \
	VMOVUPS 0(TR), Y0 \
	VADDPS 256(TR), Y0, Y0 \
	VMOVUPS 0(TI), Y1 \
	VADDPS 256(TI), Y1, Y1 \
	VMOVUPS 64(TR), Y2 \
	VADDPS 320(TR), Y2, Y2 \
	VMOVUPS 64(TI), Y3 \
	VADDPS 320(TI), Y3, Y3 \
	VMOVUPS 128(TR), Y4 \
	VADDPS 384(TR), Y4, Y4 \
	VMOVUPS 128(TI), Y5 \
	VADDPS 384(TI), Y5, Y5 \
	VMOVUPS 192(TR), Y6 \
	VADDPS 448(TR), Y6, Y6 \
	VMOVUPS 192(TI), Y7 \
	VADDPS 448(TI), Y7, Y7 \
	VADDPS Y4, Y0, Y8 \
	VADDPS Y5, Y1, Y9 \
	VSUBPS Y4, Y0, Y0 \
	VSUBPS Y5, Y1, Y1 \
	VADDPS Y6, Y2, Y10 \
	VADDPS Y7, Y3, Y11 \
	VSUBPS Y6, Y2, Y2 \
	VSUBPS Y7, Y3, Y3 \
	VADDPS Y10, Y8, Y12 \
	VADDPS Y11, Y9, Y13 \
	VMOVUPS Y12, 0(RE) \
	VMOVUPS Y13, 0(IM) \
	VADDPS Y3, Y0, Y12 \
	VSUBPS Y2, Y1, Y13 \
	VMOVUPS Y12, 128(RE) \
	VMOVUPS Y13, 128(IM) \
	VSUBPS Y10, Y8, Y12 \
	VSUBPS Y11, Y9, Y13 \
	VMOVUPS Y12, 256(RE) \
	VMOVUPS Y13, 256(IM) \
	VSUBPS Y3, Y0, Y12 \
	VADDPS Y2, Y1, Y13 \
	VMOVUPS Y12, 384(RE) \
	VMOVUPS Y13, 384(IM) \
	/* odd outputs from v[n] = (a[n] - a[n+4])·W8^n */ \
	VBROADCASTSS sqrtHalf<>(SB), Y15 \
	VMOVUPS 0(TR), Y0 \
	VSUBPS 256(TR), Y0, Y0 \
	VMOVUPS 0(TI), Y1 \
	VSUBPS 256(TI), Y1, Y1 \
	VMOVUPS 64(TR), Y8 \
	VSUBPS 320(TR), Y8, Y8 \
	VMOVUPS 64(TI), Y9 \
	VSUBPS 320(TI), Y9, Y9 \
	VADDPS Y9, Y8, Y2 \
	VMULPS Y15, Y2, Y2 \
	VSUBPS Y8, Y9, Y3 \
	VMULPS Y15, Y3, Y3 \
	/* v2 = (di, -dr): Y4 = di, Y5 = dr, the sign taken up below */ \
	VMOVUPS 128(TI), Y4 \
	VSUBPS 384(TI), Y4, Y4 \
	VMOVUPS 128(TR), Y5 \
	VSUBPS 384(TR), Y5, Y5 \
	/* v3 = ((di-dr)·h, -(dr+di)·h): Y7 = (dr+di)·h, the sign taken up below */ \
	VMOVUPS 192(TR), Y8 \
	VSUBPS 448(TR), Y8, Y8 \
	VMOVUPS 192(TI), Y9 \
	VSUBPS 448(TI), Y9, Y9 \
	VSUBPS Y8, Y9, Y6 \
	VMULPS Y15, Y6, Y6 \
	VADDPS Y9, Y8, Y7 \
	VMULPS Y15, Y7, Y7 \
	VADDPS Y4, Y0, Y8 \
	VSUBPS Y5, Y1, Y9 \
	VSUBPS Y4, Y0, Y0 \
	VADDPS Y5, Y1, Y1 \
	VADDPS Y6, Y2, Y10 \
	VSUBPS Y7, Y3, Y11 \
	VSUBPS Y6, Y2, Y2 \
	VADDPS Y7, Y3, Y3 \
	VADDPS Y10, Y8, Y12 \
	VADDPS Y11, Y9, Y13 \
	VMOVUPS Y12, 64(RE) \
	VMOVUPS Y13, 64(IM) \
	VADDPS Y3, Y0, Y12 \
	VSUBPS Y2, Y1, Y13 \
	VMOVUPS Y12, 192(RE) \
	VMOVUPS Y13, 192(IM) \
	VSUBPS Y10, Y8, Y12 \
	VSUBPS Y11, Y9, Y13 \
	VMOVUPS Y12, 320(RE) \
	VMOVUPS Y13, 320(IM) \
	VSUBPS Y3, Y0, Y12 \
	VADDPS Y2, Y1, Y13 \
	VMOVUPS Y12, 448(RE) \
	VMOVUPS Y13, 448(IM)

// func transformAVX2(x, w *[256]float32, tw128 *[6][32]float32, tw32 *[6][8]float32, re, im *[128]float32)
TEXT ·transformAVX2(SB), 0, $1024-48
	MOVQ x+0(FP), SI
	MOVQ w+8(FP), DI
	MOVQ tw128+16(FP), DX
	MOVQ tw32+24(FP), BX
	MOVQ re+32(FP), R8
	MOVQ im+40(FP), R9

	// Radix 4 over 128 points, eight butterflies j..j+7 at a time; CX = 4j.
	XORQ CX, CX
first:
	LEAQ (SI)(CX*2), AX
	LEAQ (DI)(CX*2), R13
	LOADW(AX, R13, 0, Y0, Y1)
	LOADW(AX, R13, 256, Y2, Y3)
	LOADW(AX, R13, 512, Y4, Y5)
	LOADW(AX, R13, 768, Y6, Y7)
	LEAQ (DX)(CX*1), R10
	LEAQ (R8)(CX*1), R11
	LEAQ (R9)(CX*1), R12
	RADIX4(R10, 128, R11, R12, 128)
	ADDQ $32, CX
	CMPQ CX, $128
	JLT first

	// Radix 4 over each quarter; CX = byte offset of the quarter.
	XORQ CX, CX
second:
	LEAQ (R8)(CX*1), R11
	LEAQ (R9)(CX*1), R12
	VMOVUPS 0(R11), Y0
	VMOVUPS 0(R12), Y1
	VMOVUPS 32(R11), Y2
	VMOVUPS 32(R12), Y3
	VMOVUPS 64(R11), Y4
	VMOVUPS 64(R12), Y5
	VMOVUPS 96(R11), Y6
	VMOVUPS 96(R12), Y7
	RADIX4(BX, 32, R11, R12, 32)
	ADDQ $128, CX
	CMPQ CX, $512
	JLT second

	// The eighths at 32a+8b (a, b = 0..3) become the lanes a+4b of the
	// scratch rows, real parts at 0(SP), imaginary at 512(SP): the 8-point
	// DFTs then run one per lane and write Z in natural order.
	LEAQ 0(SP), R10
	LEAQ 512(SP), R11
	TRANSPOSE8(R8, 0, 128, 256, 384, 32, 160, 288, 416, R10)
	TRANSPOSE8(R9, 0, 128, 256, 384, 32, 160, 288, 416, R11)
	LEAQ 32(SP), R10
	LEAQ 544(SP), R11
	TRANSPOSE8(R8, 64, 192, 320, 448, 96, 224, 352, 480, R10)
	TRANSPOSE8(R9, 64, 192, 320, 448, 96, 224, 352, 480, R11)
	LEAQ 0(SP), R10
	LEAQ 512(SP), R11
	DFT8(R10, R11, R8, R9)
	LEAQ 32(SP), R10
	LEAQ 544(SP), R11
	LEAQ 32(R8), R12
	LEAQ 32(R9), R13
	DFT8(R10, R11, R12, R13)
	VZEROUPPER
	RET

// func splitAVX2(re, im, wr, wi *[128]float32, power *[129]float32)
TEXT ·splitAVX2(SB), NOSPLIT, $0-40
	MOVQ re+0(FP), SI
	MOVQ im+8(FP), DI
	MOVQ wr+16(FP), DX
	MOVQ wi+24(FP), BX
	MOVQ power+32(FP), R8
	VMOVUPS revLanes<>(SB), Y15
	// Bins k..k+7 and their mirrors 128-k-7..128-k; CX = 4k, AX = 4(121-k).
	MOVQ $4, CX
	MOVQ $480, AX
split:
	VMOVUPS (SI)(CX*1), Y0       // zr
	VMOVUPS (DI)(CX*1), Y1       // zi
	VPERMPS (SI)(AX*1), Y15, Y2  // cr
	VPERMPS (DI)(AX*1), Y15, Y3  // ci
	VADDPS Y2, Y0, Y4            // er
	VSUBPS Y3, Y1, Y5            // ei
	VSUBPS Y2, Y0, Y6            // or
	VADDPS Y3, Y1, Y7            // oi
	VMULPS (DX)(CX*1), Y6, Y8
	VMULPS (BX)(CX*1), Y7, Y9
	VSUBPS Y9, Y8, Y8            // pr = or·wr - oi·wi
	VMULPS (BX)(CX*1), Y6, Y9
	VMULPS (DX)(CX*1), Y7, Y10
	VADDPS Y10, Y9, Y9           // pi = or·wi + oi·wr
	VADDPS Y9, Y4, Y10           // a = er + pi
	VSUBPS Y8, Y5, Y11           // b = ei - pr
	VMULPS Y10, Y10, Y10
	VMULPS Y11, Y11, Y11
	VADDPS Y11, Y10, Y10
	VMOVUPS Y10, (R8)(CX*1)      // power[k]
	VSUBPS Y9, Y4, Y10           // a = er - pi
	VADDPS Y8, Y5, Y11           // b = ei + pr
	VMULPS Y10, Y10, Y10
	VMULPS Y11, Y11, Y11
	VADDPS Y11, Y10, Y10
	VPERMPS Y10, Y15, Y10
	VMOVUPS Y10, (R8)(AX*1)      // power[128-k]
	ADDQ $32, CX
	SUBQ $32, AX
	CMPQ CX, $260
	JLT split
	VZEROUPPER
	RET

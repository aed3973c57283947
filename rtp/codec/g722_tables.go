package codec

// Tables of ITU-T G.722 (11/1988) §3 and §4, mode 1 (64 kbit/s).

// g722QMF holds the 12 distinct coefficients of the 24-tap transmit and
// receive quadrature mirror filters (G.722 Table 11); the filter is symmetric.
var g722QMF = [12]int32{3, -11, 12, 32, -210, 951, 3876, -805, 362, -156, 53, -11}

// g722LowThresholds are the decision levels of the 6-bit lower sub-band
// quantiser, scaled by the scale factor (G.722 Table 6).
var g722LowThresholds = [30]int32{
	0, 35, 72, 110, 150, 190, 233, 276, 323, 370, 422, 473, 530, 587, 650, 714,
	786, 858, 940, 1023, 1121, 1219, 1339, 1458, 1612, 1765, 1980, 2195, 2557, 2919,
}

// g722LowCodeNeg and g722LowCodePos map a quantiser interval to the 6-bit
// code for negative and non-negative differences (G.722 Table 6).
var g722LowCodeNeg = [31]uint8{
	0, 63, 62, 31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19,
	18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4,
}

var g722LowCodePos = [31]uint8{
	0, 61, 60, 59, 58, 57, 56, 55, 54, 53, 52, 51, 50, 49, 48, 47,
	46, 45, 44, 43, 42, 41, 40, 39, 38, 37, 36, 35, 34, 33, 32,
}

// g722InvQ6 reconstructs the lower sub-band from a 6-bit code (G.722 Table 6, mode 1).
var g722InvQ6 = [64]int32{
	-136, -136, -136, -136, -24808, -21904, -19008, -16704,
	-14984, -13512, -12280, -11192, -10232, -9360, -8576, -7856,
	-7192, -6576, -6000, -5456, -4944, -4464, -4008, -3576,
	-3168, -2776, -2400, -2032, -1688, -1360, -1040, -728,
	24808, 21904, 19008, 16704, 14984, 13512, 12280, 11192,
	10232, 9360, 8576, 7856, 7192, 6576, 6000, 5456,
	4944, 4464, 4008, 3576, 3168, 2776, 2400, 2032,
	1688, 1360, 1040, 728, 432, 136, -432, -136,
}

// g722InvQ4 reconstructs the 4 most significant bits of a lower sub-band
// code; the predictor always adapts on these so that it behaves the same in
// every mode (G.722 Table 7).
var g722InvQ4 = [16]int32{
	0, -20456, -12896, -8968, -6288, -4240, -2584, -1200,
	20456, 12896, 8968, 6288, 4240, 2584, 1200, 0,
}

// g722InvQ2 reconstructs the 2-bit higher sub-band code (G.722 Table 9).
var g722InvQ2 = [4]int32{-7408, -1616, 7408, 1616}

// g722LowLogMult and g722LowLevel drive the lower sub-band log scale factor
// adaptation (G.722 Table 8, block 3L LOGSCL).
var g722LowLogMult = [8]int32{-60, -30, 58, 172, 334, 538, 1198, 3042}

var g722LowLevel = [16]uint8{0, 7, 6, 5, 4, 3, 2, 1, 7, 6, 5, 4, 3, 2, 1, 0}

// g722HighLogMult and g722HighLevel are the higher sub-band counterparts
// (G.722 Table 10, block 3H LOGSCH).
var g722HighLogMult = [3]int32{0, -214, 798}

var g722HighLevel = [4]uint8{2, 1, 2, 1}

// g722InvLog is the inverse logarithm used by SCALEL and SCALEH (G.722 Table 14).
var g722InvLog = [32]int32{
	2048, 2093, 2139, 2186, 2233, 2282, 2332, 2383,
	2435, 2489, 2543, 2599, 2656, 2714, 2774, 2834,
	2896, 2960, 3025, 3091, 3158, 3228, 3298, 3371,
	3444, 3520, 3597, 3676, 3756, 3838, 3922, 4008,
}

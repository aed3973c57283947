//go:build !amd64.v3

package bargein

// goFusesMultiplyAdd says whether the compiler turns a*b+c into one fused
// operation, which rounds differently from the vector spectrum.
const goFusesMultiplyAdd = false

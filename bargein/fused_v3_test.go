//go:build amd64.v3

package bargein

// goFusesMultiplyAdd: with GOAMD64=v3 and above the compiler fuses a*b+c,
// so the Go spectrum rounds differently from the vector one.
const goFusesMultiplyAdd = true

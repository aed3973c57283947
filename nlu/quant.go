package nlu

import "math"

// quantizedWeights stores a feature-major weight matrix as one signed byte per weight plus one scale per
// feature row. A row's weights differ by orders of magnitude less than rows do, so per-row scaling keeps
// every decision the float weights would make while the model file shrinks fourfold.
type quantizedWeights struct {
	classes int
	q       []int8    // rows x classes
	scale   []float32 // per row: weight = q * scale
}

func quantize(w []float32, classes int) quantizedWeights {
	rows := len(w) / classes
	qw := quantizedWeights{classes: classes, q: make([]int8, len(w)), scale: make([]float32, rows)}
	for r := range rows {
		row := w[r*classes : (r+1)*classes]
		var mx float32
		for _, v := range row {
			mx = max(mx, float32(math.Abs(float64(v))))
		}
		if mx == 0 {
			continue
		}
		s := mx / 127
		qw.scale[r] = s
		for c, v := range row {
			qw.q[r*classes+c] = int8(math.Round(float64(v / s)))
		}
	}
	return qw
}

// addRow adds v times row r to dst.
func (qw *quantizedWeights) addRow(dst []float64, r int, v float64) {
	k := qw.classes
	row := qw.q[r*k : r*k+k]
	f := v * float64(qw.scale[r])
	for c, q := range row {
		dst[c] += f * float64(q)
	}
}

package inband

import "math"

// Acceptance limits, in dB. ITU-T Q.24 tabulates different figures for
// each administration; these sit inside the range common to them, with
// margins measured on synthetic tones (see the package tests).
const (
	// minToneDBm0 is the weakest single tone accepted. Digital generators
	// send -8 to -3 dBm0 (RFC 4733 §4.3.3); this leaves room for 25 dB of
	// line loss and twist on top.
	minToneDBm0 = -36
	// Twist is the level difference between the two tones. Lines lose more
	// at high frequencies, so the high group may be well below the low
	// group (normal twist); senders boost the high group by about 2 dB, so
	// the opposite (reverse twist) is held tighter. A 13 ms block misjudges
	// the levels because each tone leaks into the other's filter with a
	// drifting phase: by more than 2 dB for a strong 941 Hz tone beside a
	// weak 1209 Hz one, the closest pair (3.5 bins apart). The limits
	// therefore accept 8 dB normal and 4 dB reverse twist with 3 and 2 dB
	// to spare.
	normalTwistDB  = 11
	reverseTwistDB = 6
	// The chosen tone of each group must stand this far above the other
	// three tones of that group.
	rowPeakDB = 6
	colPeakDB = 6
	// harmonicDB is how far the column tone's second harmonic must lie
	// below it: a generated sine has none, a voiced sound has plenty.
	harmonicDB = 15
	// toneShare is the least fraction of the block's power the two tones
	// must hold; speech spreads its power far wider.
	toneShare = 0.7
	// fullScaleDBm0 is the level of a full-scale sine in G.711 (ITU-T G.711
	// puts it at +3.14 dBm0 for A-law, +3.17 dBm0 for µ-law).
	fullScaleDBm0 = 3.14
)

// limits holds the acceptance limits as power ratios, computed once.
type limits struct {
	minTone      float64 // mean-square power of the weakest tone
	normalTwist  float64
	reverseTwist float64
	rowPeak      float64
	colPeak      float64
	harmonic     float64
}

func dbToPower(db float64) float64 { return math.Pow(10, db/10) }

func newLimits() limits {
	// A full-scale sine of amplitude 32768 has mean-square power 32768²/2.
	fullScale := 32768.0 * 32768.0 / 2
	return limits{
		minTone:      fullScale * dbToPower(minToneDBm0-fullScaleDBm0),
		normalTwist:  dbToPower(normalTwistDB),
		reverseTwist: dbToPower(reverseTwistDB),
		rowPeak:      dbToPower(rowPeakDB),
		colPeak:      dbToPower(colPeakDB),
		harmonic:     dbToPower(harmonicDB),
	}
}

// verdict returns the key whose tone pair fills the filter bank's current
// block, or 0.
func (l *limits) verdict(fb *filterBank) byte {
	meanSquare, total := fb.blockEnergy()
	// By Cauchy-Schwarz no filter can measure more than twice the block's
	// mean-square power, so a quiet block is settled without filtering.
	if 2*meanSquare < l.minTone {
		return 0
	}
	var power [colSlot + 4]float64
	for i := range power {
		power[i] = fb.blockPower(i)
	}
	row := loudest((*[4]float64)(power[rowSlot : rowSlot+4]))
	col := loudest((*[4]float64)(power[colSlot : colSlot+4]))
	pr, pc := power[rowSlot+row], power[colSlot+col]
	switch {
	case pr < l.minTone || pc < l.minTone:
		return 0
	case pr > pc*l.normalTwist || pc > pr*l.reverseTwist:
		return 0
	case !standsOut((*[4]float64)(power[rowSlot:rowSlot+4]), row, l.rowPeak):
		return 0
	case !standsOut((*[4]float64)(power[colSlot:colSlot+4]), col, l.colPeak):
		return 0
	case pr+pc < toneShare*total:
		return 0
	case fb.blockPower(harmonicSlot+col)*l.harmonic > pc:
		return 0
	}
	return keypad[row*4+col]
}

func loudest(p *[4]float64) int {
	best := 0
	for i := 1; i < 4; i++ {
		if p[i] > p[best] {
			best = i
		}
	}
	return best
}

// standsOut reports whether p[peak] exceeds every other entry by ratio.
func standsOut(p *[4]float64, peak int, ratio float64) bool {
	for i := range 4 {
		if i != peak && p[i]*ratio > p[peak] {
			return false
		}
	}
	return true
}

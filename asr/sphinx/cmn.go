package sphinx

// telephoneMean is the cepstral mean expected for 8 kHz input. The model's
// own initial mean (feat.params -cmninit) was measured on wideband speech;
// 8 kHz audio interpolated to 16 kHz has no energy above 4 kHz, which moves
// every cepstral coefficient. Normalised with the wideband mean, the
// streaming pass recognised 3 of 45 espeak-ng phrases and 94 of 300 FSDD
// digits by the end of the audio; with this one, 23 and 236
// (docs/engine.md). The values are the mean over 1000 recordings (every
// third) of the Free Spoken Digit Dataset, 6 speakers at 8 kHz, of each
// recording's cepstral mean over its frames with energy.
func telephoneMean() []float32 {
	return []float32{45.10, 27.22, -31.91, 44.48, -26.22, 5.94, -6.30, -17.95, 11.68, -18.32, 5.74, -6.13, -2.37}
}

// cepstralPrior is the cepstral mean expected for this utterance's input:
// where the streaming pass starts, and what the final pass draws the
// utterance's own mean towards.
func (u *Utterance) cepstralPrior() []float32 {
	if u.req.SampleRate == 8000 {
		return telephoneMean()
	}
	return u.dec.modelMean
}

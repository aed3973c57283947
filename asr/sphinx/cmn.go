package sphinx

// telephoneMean is where cepstral mean normalisation starts the streaming
// pass for 8 kHz input. The model's own initial mean (feat.params -cmninit)
// was measured on wideband speech; 8 kHz audio interpolated to 16 kHz has no
// energy above 4 kHz, which moves every cepstral coefficient, and normalising
// it with the wideband mean leaves the streaming pass unable to recognise
// anything until the running mean has adapted (several seconds). The values
// are the average per-utterance cepstral mean (frames with energy) of the
// 1000 recordings (every third) of the Free Spoken Digit Dataset: 6 speakers,
// 8 kHz. They are a starting point only: the running mean adapts as the
// utterance goes on, and the final pass uses the utterance's own mean.
func telephoneMean() []float32 {
	return []float32{45.10, 27.22, -31.91, 44.48, -26.22, 5.94, -6.30, -17.95, 11.68, -18.32, 5.74, -6.13, -2.37}
}

// initialMean is the cepstral mean a pass over this utterance starts from.
func (u *Utterance) initialMean() []float32 {
	if u.req.SampleRate == 8000 {
		return telephoneMean()
	}
	return u.dec.modelMean
}

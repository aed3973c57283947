//go:build !amd64 || purego

package bargein

func voicingSums(p *[voicingBins - 1]float32, cos *[voicingBins - 1][lagGroups * 8]float32, odd, even *[lagGroups * 8]float32) {
	voicingSumsGeneric(p, cos, odd, even)
}

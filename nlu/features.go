package nlu

import (
	"math"
	"slices"
)

// Feature kinds, mixed into each feature's hash so that the word "ok" and the character n-gram "ok" differ.
const (
	kindWord   = 'w'
	kindBigram = 'b'
	kindChar   = 'c'
	kindPair   = 'p'
)

// featureSpec says which features a text yields. Word features use stems; character n-grams use the
// unstemmed words padded with a space on each side, so they see (and forgive) the endings stemming drops.
type featureSpec struct {
	wordNGramMax int
	charNGramMin int
	charNGramMax int
	pairs        bool
}

// Feature blocks. Each block of a vector is TF-IDF weighted and scaled to its own share of the unit norm, so
// that a long sentence's many character n-grams do not drown its few words.
const (
	blockWord = iota // word unigrams and bigrams of stems
	blockChar        // character n-grams inside words
	blockPair        // unordered pairs of stems anywhere in the utterance
	numBlocks
)

// blockHashes holds a text's feature hashes, one list per block.
type blockHashes [numBlocks][]uint64

// Features are identified by the 64-bit FNV-1a hash of their kind and text: the model file stores eight bytes
// per feature instead of its text, and at 64 bits a collision among a few hundred thousand features is
// vanishingly unlikely. Changing the hash or the way text is fed to it requires a new FormatVersion.
const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

func hashPart(h uint64, s string) uint64 {
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= fnvPrime
	}
	return h
}

func hashBytes(h uint64, b []byte) uint64 {
	for _, c := range b {
		h ^= uint64(c)
		h *= fnvPrime
	}
	return h
}

func hashKind(kind byte) uint64 {
	return (fnvOffset ^ uint64(kind)) * fnvPrime
}

// wordHashes appends the hashes of the word n-grams of toks to dst.
func (f featureSpec) wordHashes(dst []uint64, toks []token) []uint64 {
	for i, t := range toks {
		dst = append(dst, hashPart(hashKind(kindWord), t.stem))
		if f.wordNGramMax >= 2 && i+1 < len(toks) {
			h := hashPart(hashKind(kindBigram), t.stem)
			h = hashPart(h, " ")
			dst = append(dst, hashPart(h, toks[i+1].stem))
		}
	}
	return dst
}

// pairHashes appends the hashes of every unordered pair of distinct stems of toks that are not adjacent
// (adjacent ones are bigrams already) to dst. Pairs let a linear model see that two words occur together
// wherever they stand: "fee" with "transfer" and "fee" with "card" point to different intents, in any
// word order. Utterances are short, so the quadratic count stays small; maxPairTokens bounds it anyway.
func (f featureSpec) pairHashes(dst []uint64, toks []token) []uint64 {
	if !f.pairs {
		return dst
	}
	toks = toks[:min(len(toks), maxPairTokens)]
	for i, t := range toks {
		for j := i + 2; j < len(toks); j++ {
			a, b := t.stem, toks[j].stem
			if a == b {
				continue
			}
			if b < a {
				a, b = b, a
			}
			h := hashPart(hashKind(kindPair), a)
			h = hashPart(h, " ")
			dst = append(dst, hashPart(h, b))
		}
	}
	return dst
}

// maxPairTokens is the number of leading tokens pairs are formed from: 64 tokens give at most 1,953 pairs.
const maxPairTokens = 64

// hashes fills hs with the feature hashes of toks, reusing its slices. pad and offs are scratch buffers for
// charHashes and are returned grown.
func (f featureSpec) hashes(hs *blockHashes, toks []token, pad []byte, offs []int) ([]byte, []int) {
	hs[blockWord] = f.wordHashes(hs[blockWord][:0], toks)
	hs[blockChar], pad, offs = f.charHashes(hs[blockChar][:0], toks, pad, offs)
	hs[blockPair] = f.pairHashes(hs[blockPair][:0], toks)
	return pad, offs
}

// charHashes appends the hashes of the character n-grams of every word of toks to dst. pad and offs are
// reusable scratch buffers; the grown buffers are returned for the next call.
func (f featureSpec) charHashes(dst []uint64, toks []token, pad []byte, offs []int) ([]uint64, []byte, []int) {
	if f.charNGramMax <= 0 {
		return dst, pad, offs
	}
	for _, t := range toks {
		pad = append(append(append(pad[:0], ' '), t.word...), ' ')
		offs = offs[:0]
		for i := range string(pad) {
			offs = append(offs, i)
		}
		offs = append(offs, len(pad))
		runes := len(offs) - 1
		for size := f.charNGramMin; size <= f.charNGramMax && size <= runes; size++ {
			for s := 0; s+size <= runes; s++ {
				dst = append(dst, hashBytes(hashKind(kindChar), pad[offs[s]:offs[s+size]]))
			}
		}
	}
	return dst, pad, offs
}

// sparseVec is a feature vector: ascending indices and their values.
type sparseVec struct {
	idx []int32
	val []float32
}

func (v sparseVec) dot(w []float64) float64 {
	var s float64
	for j, i := range v.idx {
		s += float64(v.val[j]) * w[i]
	}
	return s
}

func (v sparseVec) squaredNorm() float64 {
	var s float64
	for _, x := range v.val {
		s += float64(x) * float64(x)
	}
	return s
}

// vocabulary maps feature hashes to columns and holds their inverse document frequencies.
type vocabulary struct {
	index map[uint64]int32
	idf   []float32
	// block[i] is the block (blockWord ...) of feature i.
	block []uint8
}

func (v *vocabulary) size() int { return len(v.idf) }

// lookup turns hashes into their sorted columns (repeated for repeated features), dropping unknown hashes.
// ids is reused scratch.
func (v *vocabulary) lookup(ids []int32, hashes []uint64) []int32 {
	ids = ids[:0]
	for _, h := range hashes {
		if i, ok := v.index[h]; ok {
			ids = append(ids, i)
		}
	}
	slices.Sort(ids)
	return ids
}

// appendBlock appends the sublinear TF-IDF values of the sorted column list ids to vec, scaled so that the
// block's L2 norm is weight (or zero when no feature is known).
func (v *vocabulary) appendBlock(vec sparseVec, ids []int32, weight float64) sparseVec {
	start := len(vec.idx)
	for i := 0; i < len(ids); {
		j := i
		for j < len(ids) && ids[j] == ids[i] {
			j++
		}
		tf := 1 + math.Log(float64(j-i))
		vec.idx = append(vec.idx, ids[i])
		vec.val = append(vec.val, float32(tf*float64(v.idf[ids[i]])))
		i = j
	}
	var norm float64
	for _, x := range vec.val[start:] {
		norm += float64(x) * float64(x)
	}
	if norm > 0 {
		scale := float32(weight / math.Sqrt(norm))
		for k := start; k < len(vec.val); k++ {
			vec.val[k] *= scale
		}
	}
	return vec
}

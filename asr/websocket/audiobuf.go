package websocket

import (
	"encoding/binary"
	"sync"
	"unsafe"
)

// audioBuf is 16-bit little-endian PCM waiting to be sent. It is handled by
// pointer so that the pool holds it without an allocation per Put.
type audioBuf struct{ b []byte }

// maxPooledAudio is the largest buffer returned to the pool: one grown by a
// backlog is dropped rather than kept alive for every later stream.
const maxPooledAudio = 32 << 10

// audioPool recycles audio buffers among the streams of a Recognizer: the
// one a sender has sent, and those of a finished stream. A stream in the
// steady state thus allocates nothing and holds one buffer between two
// messages, and an idle Recognizer holds nothing once the garbage
// collector has emptied the pool.
type audioPool struct{ pool sync.Pool }

func (p *audioPool) get() *audioBuf {
	if ab, ok := p.pool.Get().(*audioBuf); ok {
		return ab
	}
	return &audioBuf{}
}

func (p *audioPool) put(ab *audioBuf) {
	if ab == nil || cap(ab.b) > maxPooledAudio {
		return
	}
	ab.b = ab.b[:0]
	p.pool.Put(ab)
}

// appendPCM appends pcm, growing the buffer when needed but never beyond
// limit bytes; it reports false, appending nothing, when pcm does not fit.
// Growth at least doubles (bounded by limit), so a stream reaches its
// working size in a few Writes and then stops allocating.
func (ab *audioBuf) appendPCM(pcm []int16, limit, minCap int) bool {
	n := len(ab.b)
	need := n + 2*len(pcm)
	if need > limit {
		return false
	}
	if need > cap(ab.b) {
		c := min(max(need, 2*cap(ab.b), minCap), limit)
		grown := make([]byte, n, c)
		copy(grown, ab.b)
		ab.b = grown
	}
	putPCM(ab.b[n:need], pcm)
	ab.b = ab.b[:need]
	return true
}

// putPCM writes pcm to dst as 16-bit little-endian samples, the protocol's
// format. On a little-endian machine that is the memory of pcm as it is:
// one copy instead of a conversion per sample, which was most of the cost
// of Write.
func putPCM(dst []byte, pcm []int16) {
	if binary.NativeEndian.Uint16([]byte{1, 0}) == 1 {
		copy(dst, unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(pcm))), 2*len(pcm)))
		return
	}
	putPCMPortable(dst, pcm)
}

func putPCMPortable(dst []byte, pcm []int16) {
	for i, v := range pcm {
		binary.LittleEndian.PutUint16(dst[2*i:], uint16(v))
	}
}

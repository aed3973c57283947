package bargein

import "time"

// BlockDuration is the hop of the detector: every decision covers 10 ms.
const BlockDuration = 10 * time.Millisecond

// Transition is what one block changed in a Segmenter.
type Transition uint8

const (
	// NoTransition: the block left the segmenter where it was.
	NoTransition Transition = iota
	// Onset: speech is confirmed; the segment began at Segmenter.SegmentStart.
	Onset
	// Offset: the speech segment ended at Segmenter.SegmentEnd.
	Offset
)

func (t Transition) String() string {
	switch t {
	case NoTransition:
		return "none"
	case Onset:
		return "onset"
	case Offset:
		return "offset"
	}
	return "transition(?)"
}

// SegmenterConfig sets how many blocks of evidence the Segmenter wants.
type SegmenterConfig struct {
	// OnsetBlocks is the number of speech blocks that confirm an onset. Clicks
	// and short bursts last fewer blocks and never become speech.
	OnsetBlocks int
	// OnsetGap is the number of consecutive non-speech blocks tolerated inside
	// a candidate onset (weak consonants, a noisy block).
	OnsetGap int
	// VoicedBlocks is the number of voiced blocks among them: every word has
	// a vowel, while clatter and hiss have none. Zero turns the check off.
	VoicedBlocks int
	// HangoverBlocks is the number of consecutive non-speech blocks that end a
	// segment, long enough to bridge stop closures and short pauses.
	HangoverBlocks int
}

// DefaultSegmenterConfig is the rule the VAD uses: 40 ms of speech, two
// blocks of it voiced, to start; 200 ms of silence to end. The figures come
// from the evaluation in docs/performance-vad.md.
func DefaultSegmenterConfig() SegmenterConfig {
	return SegmenterConfig{OnsetBlocks: 4, OnsetGap: 1, VoicedBlocks: 2, HangoverBlocks: 20}
}

// Segmenter turns per-block speech decisions into speech segments: the
// hangover state machine shared by every frame classifier. It is pure: time
// is the count of blocks stepped.
type Segmenter struct {
	cfg SegmenterConfig

	blocks     int64 // blocks stepped so far
	inSpeech   bool
	candidate  bool  // an onset is being confirmed
	candStart  int64 // first block of the candidate
	candSpeech int   // speech blocks in the candidate
	candVoiced int   // voiced blocks in the candidate
	gap        int   // current run of non-speech blocks
	lastSpeech int64 // last speech block of the current segment
	segStart   int64
	segEnd     int64
}

// NewSegmenter returns a Segmenter in silence. Non-positive OnsetBlocks and
// HangoverBlocks take their DefaultSegmenterConfig values; OnsetGap and
// VoicedBlocks may be zero.
func NewSegmenter(cfg SegmenterConfig) *Segmenter {
	s := &Segmenter{}
	s.Configure(cfg)
	return s
}

// Configure changes the rule; a segment in progress keeps its state.
func (s *Segmenter) Configure(cfg SegmenterConfig) {
	def := DefaultSegmenterConfig()
	if cfg.OnsetBlocks <= 0 {
		cfg.OnsetBlocks = def.OnsetBlocks
	}
	cfg.OnsetGap = max(cfg.OnsetGap, 0)
	cfg.VoicedBlocks = min(max(cfg.VoicedBlocks, 0), cfg.OnsetBlocks)
	if cfg.HangoverBlocks <= 0 {
		cfg.HangoverBlocks = def.HangoverBlocks
	}
	s.cfg = cfg
}

// Reset returns to silence at block 0.
func (s *Segmenter) Reset() {
	cfg := s.cfg
	*s = Segmenter{cfg: cfg}
}

// Step consumes the decision for the next 10 ms block, counting a speech
// block as voiced.
func (s *Segmenter) Step(speech bool) Transition { return s.StepVoiced(speech, speech) }

// StepVoiced consumes the decision for the next 10 ms block and whether it
// was voiced (only counted when it is speech).
func (s *Segmenter) StepVoiced(speech, voiced bool) Transition {
	voiced = voiced && speech
	b := s.blocks
	s.blocks++
	if s.inSpeech {
		if speech {
			s.gap = 0
			s.lastSpeech = b
			return NoTransition
		}
		s.gap++
		if s.gap >= s.cfg.HangoverBlocks {
			s.inSpeech = false
			s.segEnd = s.lastSpeech + 1
			s.gap = 0
			return Offset
		}
		return NoTransition
	}
	if !s.candidate {
		if speech {
			s.candidate = true
			s.candStart = b
			s.candSpeech = 1
			s.candVoiced = b2i(voiced)
			s.gap = 0
			s.lastSpeech = b
			return s.confirm()
		}
		return NoTransition
	}
	if speech {
		s.candSpeech++
		s.candVoiced += b2i(voiced)
		s.gap = 0
		s.lastSpeech = b
		return s.confirm()
	}
	s.gap++
	if s.gap > s.cfg.OnsetGap {
		s.candidate = false
		s.gap = 0
	}
	return NoTransition
}

func (s *Segmenter) confirm() Transition {
	if s.candSpeech < s.cfg.OnsetBlocks || s.candVoiced < s.cfg.VoicedBlocks {
		return NoTransition
	}
	s.candidate = false
	s.inSpeech = true
	s.segStart = s.candStart
	s.gap = 0
	return Onset
}

// Trailing is how long the open segment has been silent (its hangover so
// far); zero outside a segment.
func (s *Segmenter) Trailing() time.Duration {
	if !s.inSpeech {
		return 0
	}
	return time.Duration(s.gap) * BlockDuration
}

// InSpeech reports whether a confirmed segment is open.
func (s *Segmenter) InSpeech() bool { return s.inSpeech }

// Elapsed is the media time stepped so far.
func (s *Segmenter) Elapsed() time.Duration { return time.Duration(s.blocks) * BlockDuration }

// SegmentStart is the start of the current or last segment: the first block
// of the evidence that confirmed it, not the block that confirmed it.
func (s *Segmenter) SegmentStart() time.Duration { return time.Duration(s.segStart) * BlockDuration }

// SegmentEnd is the end of the last speech block of the last closed segment.
func (s *Segmenter) SegmentEnd() time.Duration { return time.Duration(s.segEnd) * BlockDuration }

// LastSpeech is the end of the most recent speech block, whether or not a
// segment is open; zero before any.
func (s *Segmenter) LastSpeech() time.Duration {
	if s.blocks == 0 {
		return 0
	}
	return time.Duration(s.lastSpeech+1) * BlockDuration
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

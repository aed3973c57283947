package recognizer_test

import (
	"testing"
	"time"

	"github.com/mrcpd/mrcpd/mrcp"
	"github.com/mrcpd/mrcpd/mrcp/server/servertest"
)

// START-OF-INPUT (RFC 6787 §9.12) is what a client barges in on, so it
// must follow the caller's first sound closely. The onset is found in the
// synthesized audio by energy; the client paces real-time frames from
// Playback().FirstPacket, which dates the packet that carried it. The bound
// is loose (a loaded machine, the VAD's confirmation time); `mrcpd eval
// asr` and docs/performance-asr.md give the measured figures.
func startOfInputFollowsOnset(t *testing.T, srv *servertest.Server) {
	for _, say := range []string{"yes", "one two three four"} {
		t.Run(say, func(t *testing.T) {
			t.Parallel()
			call := dialSpeech(t, srv)
			events := call.timedEvents()
			audio := speech(t, say, 700*time.Millisecond, 300*time.Millisecond)
			onset, _ := speechBounds(audio)
			call.recognize("text/uri-list", "builtin:grammar/digits", mrcp.HdrNoInputTimeout, "5000")
			played := call.playAsync(audio)
			soi := call.nextTimed(events, mrcp.EventStartOfInput, 5*time.Second)
			if err := <-played; err != nil {
				t.Fatal(err)
			}
			onsetSent := call.s.Playback().FirstPacket.Add(dur8k(onset / 160 * 160))
			latency := soi.at.Sub(onsetSent)
			t.Logf("onset at %v in the audio, START-OF-INPUT %v after its packet left", dur8k(onset), latency)
			// The packet holding the onset left at onsetSent; a detector
			// cannot have heard it earlier than that.
			if latency < 0 || latency > 300*time.Millisecond {
				t.Fatalf("START-OF-INPUT %v after the onset, want within 0-300 ms", latency)
			}
		})
	}
}

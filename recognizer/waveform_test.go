package recognizer_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/mrcpd/mrcpd/engine/speechtest"
	"github.com/mrcpd/mrcpd/mrcp"
	"github.com/mrcpd/mrcpd/mrcp/server/servertest"
	"github.com/mrcpd/mrcpd/wav"
)

// TestSaveWaveform: with Save-Waveform the utterance is stored as a WAV file
// under the configured directory and RECOGNITION-COMPLETE names it in
// Waveform-URI (RFC 6787 §9.4.22, §9.4.23).
func TestSaveWaveform(t *testing.T) {
	dir := t.TempDir()
	srv := servertest.Start(t, servertest.Options{RTPMin: 23950, RTPMax: 23969, WaveformDir: dir})
	c := dialSpeech(t, srv)
	c.recognize("text/uri-list", "builtin:grammar/boolean", mrcp.HdrSaveWaveform, "true")
	speech := speechtest.Synthesize(t, "yes", 8000)
	c.play(speech)
	ev := c.wait(mrcp.EventRecognitionComplete, 20*time.Second)
	uri, ok := ev.Header.Get(mrcp.HdrWaveformURI)
	if !ok {
		t.Fatalf("no Waveform-URI:\n%s", ev.Marshal())
	}
	// <file:///dir/name.wav>;size=N;duration=MS
	ref, params, _ := strings.Cut(uri, ";")
	u, err := url.Parse(strings.Trim(ref, "<>"))
	if err != nil || u.Scheme != "file" || !strings.HasPrefix(u.Path, dir) {
		t.Fatalf("Waveform-URI %q: %v", uri, err)
	}
	if !strings.Contains(params, "size=") || !strings.Contains(params, "duration=") {
		t.Errorf("Waveform-URI %q lacks size or duration", uri)
	}
	pcm, rate, err := wav.Read(u.Path)
	if err != nil {
		t.Fatal(err)
	}
	// The recording holds the utterance: at least the speech itself, which
	// the engine was given from the pre-roll before the onset.
	if rate != 8000 || len(pcm) < len(speech)/2 {
		t.Fatalf("recording: %d samples at %d Hz, speech was %d samples", len(pcm), rate, len(speech))
	}
}

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mrcpd/mrcpd/engine/speechtest"
	"github.com/mrcpd/mrcpd/mrcp/client"
	"github.com/mrcpd/mrcpd/mrcp/server/servertest"
)

// The server for these tests takes RTP ports above Linux's ephemeral range
// (32768-60999), apart from every other package's tests.
const recognizeRTPMin, recognizeRTPMax = 61700, 61999

const yesNoGrammar = `<?xml version="1.0"?>
<grammar xmlns="http://www.w3.org/2001/06/grammar" xml:lang="en-US" version="1.0" mode="voice" root="answer">
  <rule id="answer"><one-of><item>yes</item><item>no</item></one-of></rule>
</grammar>
`

// runCLI runs `mrcpd args...` and returns its output and error.
func runCLI(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	root := newRootCommand()
	root.SetArgs(args)
	root.SetOut(&out)
	root.SetErr(&errOut)
	ctx, cancel := context.WithTimeout(context.Background(), 40*time.Second)
	defer cancel()
	err := root.ExecuteContext(ctx)
	return out.String() + errOut.String(), err
}

// speechWAV writes spoken text, with a pause before it, as a WAV file.
func speechWAV(t *testing.T, text string, rate int) string {
	t.Helper()
	pcm := append(make([]int16, rate/4), speechtest.Synthesize(t, text, rate)...)
	path := filepath.Join(t.TempDir(), "speech.wav")
	if err := os.WriteFile(path, client.EncodeWAV(pcm, rate), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func writeTemp(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestRecognizeArguments(t *testing.T) {
	wav := writeTemp(t, "a.wav", string(client.EncodeWAV(make([]int16, 800), 8000)))
	stereo := writeTemp(t, "b.wav", "RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x02\x00\x40\x1f\x00\x00\x00\x7d\x00\x00\x04\x00\x10\x00data\x00\x00\x00\x00")
	text := writeTemp(t, "g.txt", "yes or no")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--wav", wav}, `"grammar" not set`},
		{[]string{"--grammar", "builtin:grammar/boolean"}, `"wav" not set`},
		{[]string{"--grammar", "builtin:grammar/boolean", "--wav", wav, "--fast", "--realtime"}, "exclude each other"},
		{[]string{"--grammar", "builtin:grammar/boolean", "--wav", wav, "--param", "novalue"}, "want name=value"},
		{[]string{"--grammar", "builtin:grammar/boolean", "--wav", wav, "--param", "Content-Type=x"}, "set by the command"},
		{[]string{"--grammar", "builtin:grammar/boolean", "--wav", filepath.Join(t.TempDir(), "none.wav")}, "no such file"},
		{[]string{"--grammar", "builtin:grammar/boolean", "--wav", stereo}, "only mono"},
		{[]string{"--grammar", "no such grammar", "--wav", wav}, "neither a readable file nor a URI"},
		{[]string{"--grammar", text, "--wav", wav}, "neither SRGS XML nor ABNF"},
	} {
		out, err := runCLI(t, append([]string{"recognize"}, tc.args...)...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: error %v, want %q\n%s", tc.args, err, tc.want, out)
		}
	}
}

// An INVITE that cannot be delivered is a failure with the reason.
func TestRecognizeNoServer(t *testing.T) {
	wav := writeTemp(t, "a.wav", string(client.EncodeWAV(make([]int16, 800), 8000)))
	addr := freeAddr(t)
	out, err := runCLI(t, "recognize", "--server", addr, "--transport", "tcp", "--grammar", "builtin:grammar/boolean",
		"--wav", wav, "--timeout", "5s")
	if err == nil || !strings.Contains(err.Error(), "INVITE") {
		t.Fatalf("error %v\n%s", err, out)
	}
}

func TestRecognizeCommand(t *testing.T) {
	srv := servertest.Start(t, servertest.Options{RTPMin: recognizeRTPMin, RTPMax: recognizeRTPMax})
	yes := speechWAV(t, "yes", 8000)
	grammar := writeTemp(t, "yesno.grxml", yesNoGrammar)

	t.Run("grammar file, real time", func(t *testing.T) {
		out, err := runCLI(t, "recognize", "--server", srv.SIPUDPAddr(), "--grammar", grammar, "--wav", yes,
			"--param", "No-Input-Timeout=5000", "--param", "Start-Input-Timers=true")
		if err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		for _, want := range []string{
			"INVITE " + srv.SIPUDPAddr() + ": 200 OK",
			"DEFINE-GRAMMAR 1: 200 COMPLETE 000",
			"RECOGNIZE 2: 200 IN-PROGRESS",
			"START-OF-INPUT 2 IN-PROGRESS",
			"RECOGNITION-COMPLETE 2 COMPLETE",
			"Completion-Cause: 000 success",
			">yes<",
			"audio end to RECOGNITION-COMPLETE",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("output lacks %q:\n%s", want, out)
			}
		}
	})

	t.Run("builtin URI, fast, JSON over TCP", func(t *testing.T) {
		out, err := runCLI(t, "recognize", "--server", srv.SIPTCPAddr(), "--transport", "tcp",
			"--grammar", "builtin:grammar/boolean", "--wav", yes, "--fast", "--json")
		if err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		var rep recognizeReport
		if err := json.Unmarshal([]byte(out), &rep); err != nil {
			t.Fatalf("not JSON: %v\n%s", err, out)
		}
		if !strings.HasPrefix(rep.CompletionCause, "000") || !strings.Contains(rep.Result, "true") || rep.Audio.Realtime {
			t.Fatalf("report %+v", rep)
		}
		tm := rep.Timings
		if tm.InviteTo200 == nil || tm.RecognizeToInProgress == nil || tm.AudioStartToStartOfInput == nil || tm.AudioEndToRecognitionDone == nil {
			t.Fatalf("timings %+v", tm)
		}
		if *tm.AudioStartToStartOfInput <= 0 {
			t.Fatalf("START-OF-INPUT %.1f ms after the audio started", *tm.AudioStartToStartOfInput)
		}
		var names []string
		for _, m := range rep.Messages {
			names = append(names, m.Name)
		}
		if got := strings.Join(names, ","); got != ",START-OF-INPUT,RECOGNITION-COMPLETE" {
			t.Fatalf("messages %q", got)
		}
	})

	t.Run("no match is a result", func(t *testing.T) {
		// A grammar-bound decoder finds the nearest phrase in anything; the
		// threshold turns that guess into the no-match it is.
		out, err := runCLI(t, "recognize", "--server", srv.SIPUDPAddr(), "--grammar", grammar,
			"--wav", speechWAV(t, "seven hundred", 8000), "--fast", "--param", "Confidence-Threshold=0.99")
		if err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		if !strings.Contains(out, "Completion-Cause: 001 no-match") {
			t.Fatalf("output:\n%s", out)
		}
	})

	t.Run("unloadable grammar fails", func(t *testing.T) {
		bad := writeTemp(t, "bad.grxml", "<grammar><rule id=")
		out, err := runCLI(t, "recognize", "--server", srv.SIPUDPAddr(), "--grammar", bad, "--wav", yes, "--fast")
		if err == nil {
			t.Fatalf("succeeded:\n%s", out)
		}
		if !strings.Contains(out+err.Error(), "DEFINE-GRAMMAR") {
			t.Fatalf("error %v\n%s", err, out)
		}
	})
}

package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/mrcpd/mrcpd/bargein/eval"
)

func TestEvalVADCommand(t *testing.T) {
	if _, err := eval.SharedDir(); err != nil {
		t.Skipf("needs the shared data set (../shared from the repository root): %v", err)
	}
	root := newRootCommand()
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetArgs([]string{"eval", "vad", "--utterances", "12", "--snr", "10", "--webrtc-modes", "3"})
	if err := root.Execute(); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{"12 utterances", "| bargein (sensitivity 0.5) | 10 | 12 |", "| webrtc mode 3 | 10 | 12 |", "running_tap"} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}

	root = newRootCommand()
	out.Reset()
	root.SetOut(&out)
	root.SetArgs([]string{"eval", "vad", "--utterances", "6", "--snr", "0,20", "--webrtc=false", "--sensitivity", "0.8"})
	if err := root.Execute(); err != nil {
		t.Fatal(err)
	}
	got = out.String()
	if !strings.Contains(got, "| bargein (sensitivity 0.8) | 0 | 6 |") || !strings.Contains(got, "| bargein (sensitivity 0.8) | 20 | 6 |") || strings.Contains(got, "webrtc") {
		t.Errorf("unexpected output:\n%s", got)
	}
}

func TestEvalVADCommandRejectsBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"eval", "vad", "--sensitivity", "1.5"},
		{"eval", "vad", "--webrtc-modes", "7", "--speech", "/nonexistent"},
		{"eval", "vad", "--speech", "/nonexistent", "--noise", "/nonexistent/*.wav"},
		{"eval", "vad", "--utterances", "-1"},
	} {
		root := newRootCommand()
		root.SetOut(&bytes.Buffer{})
		root.SetErr(&bytes.Buffer{})
		root.SetArgs(args)
		if err := root.Execute(); err == nil {
			t.Errorf("%v: accepted", args)
		}
	}
}

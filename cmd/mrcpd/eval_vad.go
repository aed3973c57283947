package main

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/mrcpd/mrcpd/bargein"
	"github.com/mrcpd/mrcpd/bargein/eval"
	"github.com/mrcpd/mrcpd/bargein/webrtcvad"
)

type evalVADOptions struct {
	shared      string
	speechDir   string
	noiseGlob   string
	utterances  int
	snrs        []float64
	seed        uint64
	webrtc      bool
	webrtcModes []int
	sensitivity float64
}

func newEvalVADCommand() *cobra.Command {
	var o evalVADOptions
	cmd := &cobra.Command{
		Use:   "vad",
		Short: "Voice activity detection: onset latency, misses and false onsets, bargein VAD against WebRTC",
		Long: `Mixes the FSDD spoken-digit recordings with real background noise at each SNR
(1 s of unscored warm-up noise, 1 s of lead noise, the utterance, 1 s of trailing
noise), runs every detector on the same mixtures and on the noise recordings
alone, and prints Markdown tables. Every run with the same flags gives the same
figures.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runEvalVAD(cmd.OutOrStdout(), o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.shared, "shared", "", "shared data directory (default: ../shared beside the repository)")
	f.StringVar(&o.speechDir, "speech", "", "directory of 8 kHz speech WAVs (default: <shared>/data/fsdd/recordings)")
	f.StringVar(&o.noiseGlob, "noise", "", "glob of 8 kHz noise WAVs (default: <shared>/data/noise/*/wav8k/*.wav)")
	f.IntVar(&o.utterances, "utterances", 0, "number of utterances, spread over the corpus (0 = all)")
	f.Float64SliceVar(&o.snrs, "snr", []float64{0, 5, 10, 20}, "signal-to-noise ratios in dB")
	f.Uint64Var(&o.seed, "seed", 1, "seed for noise offsets and speech levels")
	f.BoolVar(&o.webrtc, "webrtc", true, "compare against the WebRTC VAD")
	f.IntSliceVar(&o.webrtcModes, "webrtc-modes", []int{0, 1, 2, 3}, "WebRTC VAD aggressiveness modes to compare against")
	f.Float64Var(&o.sensitivity, "sensitivity", bargein.DefaultSensitivity, "Sensitivity-Level of the bargein VAD (0.0-1.0)")
	return cmd
}

func runEvalVAD(w io.Writer, o evalVADOptions) error {
	if o.sensitivity < 0 || o.sensitivity > 1 {
		return fmt.Errorf("--sensitivity %v outside 0.0-1.0", o.sensitivity)
	}
	if len(o.snrs) == 0 {
		return errors.New("--snr needs at least one value")
	}
	if o.utterances < 0 {
		return fmt.Errorf("--utterances %d is negative", o.utterances)
	}
	if o.speechDir == "" || o.noiseGlob == "" {
		if o.shared == "" {
			dir, err := eval.SharedDir()
			if err != nil {
				return fmt.Errorf("%w; pass --shared or --speech and --noise", err)
			}
			o.shared = dir
		}
		if o.speechDir == "" {
			o.speechDir = eval.SpeechDir(o.shared)
		}
		if o.noiseGlob == "" {
			o.noiseGlob = eval.NoiseGlob(o.shared)
		}
	}
	utts, err := eval.LoadUtterances(o.speechDir, o.utterances)
	if err != nil {
		return err
	}
	noises, err := eval.LoadNoises(o.noiseGlob)
	if err != nil {
		return err
	}
	cands := []eval.Candidate{{
		Name: fmt.Sprintf("bargein (sensitivity %.2g)", o.sensitivity),
		New: func() (eval.Detector, error) {
			v := bargein.NewVAD()
			v.SetSensitivity(o.sensitivity)
			return v, nil
		},
	}}
	for _, mode := range o.webrtcModes {
		if mode < 0 || mode > 3 {
			return fmt.Errorf("--webrtc-modes: mode %d outside 0-3", mode)
		}
		if !o.webrtc {
			continue
		}
		cands = append(cands, eval.Candidate{
			Name: fmt.Sprintf("webrtc mode %d", mode),
			New: func() (eval.Detector, error) {
				return webrtcvad.NewSegmented(mode, bargein.DefaultSegmenterConfig())
			},
		})
	}
	cfg := eval.DefaultConfig(utts, noises)
	cfg.SNRs = o.snrs
	cfg.Seed = o.seed
	start := time.Now()
	res, err := eval.Run(cfg, cands)
	if err != nil {
		return err
	}
	var noiseAudio time.Duration
	for _, n := range noises {
		noiseAudio += time.Duration(len(n.PCM)) * time.Second / 8000
	}
	fmt.Fprintf(w, "%d utterances from %s, %d noise recordings (%.1f min) from %s, seed %d, %v\n\n",
		len(utts), o.speechDir, len(noises), noiseAudio.Minutes(), o.noiseGlob, o.seed, time.Since(start).Round(time.Second))
	if err := eval.WriteTable(w, res); err != nil {
		return err
	}
	fmt.Fprintln(w, "\nFalse onsets per minute of noise-only audio, per recording (all SNRs):")
	fmt.Fprintln(w)
	return eval.WriteNoiseTable(w, res)
}

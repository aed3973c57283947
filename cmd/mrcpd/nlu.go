package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/mrcpd/mrcpd/nlu"
	"github.com/spf13/cobra"
)

func newNLUCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "nlu",
		Short: "Train, evaluate and try intent classification models",
	}
	cmd.AddCommand(newNLUTrainCommand(), newNLUEvalCommand(), newNLUPredictCommand(), newNLUFewShotCommand())
	return cmd
}

// nluConfigFlags binds the model settings that are worth changing from the command line.
func nluConfigFlags(cmd *cobra.Command, cfg *nlu.Config) {
	f := cmd.Flags()
	f.StringVar(&cfg.Stemmer, "stemmer", nlu.StemAuto, "stemming: auto (by script), en, ru or none")
	f.IntVar(&cfg.CharNGramMax, "char-ngram-max", 0, "longest character n-gram (0 = default 5, -1 = none)")
	f.Float64Var(&cfg.C, "c", 0, "SVM inverse regularisation (0 = default 1)")
	f.Float64Var(&cfg.CentroidWeight, "centroid-weight", 0, "nearest-centroid blend (0 = chosen by cross-validation, <0 = off)")
	f.Float64Var(&cfg.Threshold, "threshold", 0, "lowest probability accepted as an intent (0 = the higher of 0.3 and 1.5/intents)")
	f.Float64Var(&cfg.Margin, "margin", 0, "smallest lead of the best intent over the second")
	f.Uint64Var(&cfg.Seed, "seed", 1, "seed for cross-validation folds and optimiser order")
}

func newNLUTrainCommand() *cobra.Command {
	var data, out string
	var cfg nlu.Config
	cmd := &cobra.Command{
		Use:   "train --data train.csv --out model.json",
		Short: "Train a model from a CSV (intent,text) or YAML dataset",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ds, err := nlu.LoadDataset(data)
			if err != nil {
				return err
			}
			start := time.Now()
			m, err := nlu.Train(ds, cfg)
			if err != nil {
				return err
			}
			took := time.Since(start)
			if err := m.Save(out); err != nil {
				return err
			}
			info := m.Info()
			fmt.Fprintf(cmd.OutOrStdout(), "trained %d intents on %d examples in %s: %d features, cross-validated accuracy %.1f%%, wrote %s\n",
				len(m.Intents()), len(ds.Examples), took.Round(time.Millisecond), info.Features, 100*info.CVAccuracy, out)
			return nil
		},
	}
	cmd.Flags().StringVar(&data, "data", "", "training data (.csv or .yaml)")
	cmd.Flags().StringVar(&out, "out", "model.json", "model file to write")
	nluConfigFlags(cmd, &cfg)
	_ = cmd.MarkFlagRequired("data")
	return cmd
}

func newNLUEvalCommand() *cobra.Command {
	var modelPath, data string
	var worst int
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "eval --model model.json --data test.csv",
		Short: "Evaluate a model on labelled test data",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			m, err := nlu.Load(modelPath)
			if err != nil {
				return err
			}
			ds, err := nlu.LoadDataset(data)
			if err != nil {
				return err
			}
			rep := nlu.Evaluate(m, ds.Examples, worst)
			if asJSON {
				return writeJSON(cmd.OutOrStdout(), rep)
			}
			printReport(cmd.OutOrStdout(), rep)
			return nil
		},
	}
	cmd.Flags().StringVar(&modelPath, "model", "", "model file")
	cmd.Flags().StringVar(&data, "data", "", "test data (.csv or .yaml)")
	cmd.Flags().IntVar(&worst, "worst", 10, "how many of the most frequent confusions to list")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the report as JSON")
	_ = cmd.MarkFlagRequired("model")
	_ = cmd.MarkFlagRequired("data")
	return cmd
}

func printReport(w io.Writer, r nlu.Report) {
	fmt.Fprintf(w, "examples   %d\naccuracy   %.2f%%\nmacro-F1   %.2f%%\nrejected   %.2f%% (accuracy on the rest %.2f%%)\ncalibration error %.3f\n",
		r.Examples, 100*r.Accuracy, 100*r.MacroF1, 100*r.Rejected, 100*r.AcceptedAccuracy, r.CalibrationError)
	if r.Unknown > 0 {
		fmt.Fprintf(w, "unknown    %d test examples have intents the model was not trained on\n", r.Unknown)
	}
	fmt.Fprintf(w, "latency    p50 %s  p90 %s  p99 %s  max %s\n\n", r.Latency.P50, r.Latency.P90, r.Latency.P99, r.Latency.Max)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "intent\tprecision\trecall\tF1\tsupport")
	for _, s := range r.PerIntent {
		fmt.Fprintf(tw, "%s\t%.3f\t%.3f\t%.3f\t%d\n", s.Intent, s.Precision, s.Recall, s.F1, s.Support)
	}
	tw.Flush()
	if len(r.Confusions) > 0 {
		fmt.Fprintln(w, "\nworst confusions (expected -> predicted)")
		tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		for _, c := range r.Confusions {
			fmt.Fprintf(tw, "%d\t%s\t-> %s\n", c.Count, c.Expected, c.Predicted)
		}
		tw.Flush()
	}
}

func newNLUPredictCommand() *cobra.Command {
	var modelPath, at string
	cmd := &cobra.Command{
		Use:   "predict --model model.json \"text\" ...",
		Short: "Print the intent and entities of each text as one JSON line",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			m, err := nlu.Load(modelPath)
			if err != nil {
				return err
			}
			ref := time.Now()
			if at != "" {
				if ref, err = time.Parse(time.RFC3339, at); err != nil {
					return fmt.Errorf("--now: %w", err)
				}
			}
			for _, text := range args {
				if err := writeJSON(cmd.OutOrStdout(), m.Predict(text, ref)); err != nil {
					return err
				}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&modelPath, "model", "", "model file")
	cmd.Flags().StringVar(&at, "now", "", "reference time for relative dates (RFC 3339; default the current time)")
	_ = cmd.MarkFlagRequired("model")
	return cmd
}

func newNLUFewShotCommand() *cobra.Command {
	var dataDir, shots string
	var draws int
	var asJSON bool
	var cfg nlu.Config
	cmd := &cobra.Command{
		Use:   "fewshot --data-dir DIR --shots 5,10,all",
		Short: "Train on n examples per intent of DIR/train.csv and evaluate on DIR/test.csv",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			counts, err := parseShots(shots)
			if err != nil {
				return err
			}
			train, err := nlu.LoadDataset(filepath.Join(dataDir, "train.csv"))
			if err != nil {
				return err
			}
			test, err := nlu.LoadDataset(filepath.Join(dataDir, "test.csv"))
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			progress := func(n, draw int, acc float64) {
				if !asJSON {
					fmt.Fprintf(cmd.ErrOrStderr(), "%s-shot draw %d: accuracy %.2f%%\n", shotName(n), draw+1, 100*acc)
				}
			}
			opts := nlu.FewShotOptions{Shots: counts, Draws: draws, Seed: cfg.Seed, Config: cfg}
			res, err := nlu.FewShot(train, test, opts, progress)
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(out, res)
			}
			tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "shots\tdraws\taccuracy\tmacro-F1\ttrain\tp50\tp99\tmodel")
			for _, r := range res {
				fmt.Fprintf(tw, "%s\t%d\t%.2f%%\t%.2f%%\t%s\t%s\t%s\t%.1f MB\n", shotName(r.Shots), r.Draws, 100*r.Accuracy,
					100*r.MacroF1, r.TrainTime.Round(time.Millisecond), r.Latency.P50, r.Latency.P99, float64(r.ModelBytes)/1e6)
			}
			return tw.Flush()
		},
	}
	cmd.Flags().StringVar(&dataDir, "data-dir", "", "directory with train.csv and test.csv")
	cmd.Flags().StringVar(&shots, "shots", "5,10,all", "comma-separated examples per intent; all = the whole training set")
	cmd.Flags().IntVar(&draws, "draws", 3, "random samples averaged per shot count")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the results as JSON")
	nluConfigFlags(cmd, &cfg)
	_ = cmd.MarkFlagRequired("data-dir")
	return cmd
}

func parseShots(s string) ([]int, error) {
	var out []int
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "all" {
			out = append(out, 0)
			continue
		}
		n, err := strconv.Atoi(part)
		if err != nil || n < 1 {
			return nil, fmt.Errorf("--shots: %q is neither a positive count nor \"all\"", part)
		}
		out = append(out, n)
	}
	if len(out) == 0 {
		return nil, errors.New("--shots: empty")
	}
	return out, nil
}

func shotName(n int) string {
	if n <= 0 {
		return "all"
	}
	return strconv.Itoa(n)
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

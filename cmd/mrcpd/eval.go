package main

import "github.com/spf13/cobra"

func newEvalCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "eval",
		Short: "Measure components on real recordings",
	}
	cmd.AddCommand(newEvalVADCommand())
	cmd.AddCommand(newEvalASRCommand())
	return cmd
}

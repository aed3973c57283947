// Command mrcpd is an MRCPv2 speech server and the tools that go with it.
package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"
)

func main() {
	if err := newRootCommand().Execute(); err != nil {
		fmt.Fprintln(os.Stderr, "mrcpd:", err)
		os.Exit(1)
	}
}

func newRootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:           "mrcpd",
		Short:         "MRCPv2 speech server (RFC 6787) with SIP, RTP, pluggable ASR/TTS and NLU",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(newVersionCommand())
	root.AddCommand(newServeCommand())
	root.AddCommand(newNLUCommand())
	root.AddCommand(newEvalCommand())
	root.AddCommand(newEngineCommand())
	root.AddCommand(newRecognizeCommand())
	root.AddCommand(newLoadtestCommand())
	return root
}

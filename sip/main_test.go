package sip

import (
	"log/slog"
	"os"
	"testing"

	sipgosip "github.com/emiago/sipgo/sip"
)

func TestMain(m *testing.M) {
	// A few sipgo paths log to its package-level logger (connection
	// reference counting on close); keep them out of test output unless
	// SIP_TEST_LOG asks for everything.
	if os.Getenv("SIP_TEST_LOG") == "" {
		sipgosip.SetDefaultLogger(slog.New(slog.DiscardHandler))
	}
	os.Exit(m.Run())
}

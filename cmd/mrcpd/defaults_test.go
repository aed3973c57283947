package main

import (
	"testing"

	"github.com/mrcpd/mrcpd/config"
	"github.com/mrcpd/mrcpd/rtp"
)

// The config package cannot import the packages it configures; their
// defaults are repeated there and must agree.
func TestConfigDefaultsMatchThePackages(t *testing.T) {
	if got := config.Default().RTP.ShardFill; got != rtp.DefaultShardFill {
		t.Errorf("config rtp.shard_fill default %d, rtp.DefaultShardFill %d", got, rtp.DefaultShardFill)
	}
}

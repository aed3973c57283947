package inband

import "time"

// Digit is one key press heard in the audio.
type Digit struct {
	// Key is '0'-'9', '*', '#' or 'A'-'D'.
	Key byte
	// At is where the tone began, in media time since the detector was
	// created or last reset.
	At time.Duration
	// Duration is how long the tone sounded, short interruptions included.
	Duration time.Duration
}

// keypad maps row*4+column, in Q.23 frequency order, to the key.
const keypad = "123A456B789C*0#D"

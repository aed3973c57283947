package recog

// State is the recognizer state of RFC 6787 §9.1, extended with the
// INTERPRET operation.
type State uint8

const (
	Idle State = iota
	Recognizing
	Recognized
	Interpreting
)

func (s State) String() string {
	switch s {
	case Idle:
		return "IDLE"
	case Recognizing:
		return "RECOGNIZING"
	case Recognized:
		return "RECOGNIZED"
	case Interpreting:
		return "INTERPRETING"
	}
	return "INVALID"
}

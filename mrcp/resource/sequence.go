package resource

// RequestSequence enforces that request-ids only grow (RFC 6787 §5.2: a
// duplicate or out-of-order request-id MUST be rejected with 410).
//
// Request-ids are scoped to the whole MRCP session, so a channel only sees a
// subsequence of them; "strictly greater than the last one this channel
// accepted" is therefore a rule every correct client satisfies, and a channel
// can apply it on its own. The zero value accepts any first request-id.
type RequestSequence struct {
	last    uint32
	started bool
}

// Next reports whether id may follow the request-ids seen so far and, if so,
// records it as the latest.
func (s *RequestSequence) Next(id uint32) bool {
	if s.started && id <= s.last {
		return false
	}
	s.last, s.started = id, true
	return true
}

// Last returns the latest accepted request-id and whether there is one.
func (s *RequestSequence) Last() (uint32, bool) { return s.last, s.started }

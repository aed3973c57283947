package grammar

import (
	"errors"
	"fmt"
)

// Failure classes. Every error this package returns from loading,
// compiling or matching wraps one of them, so the caller can pick the
// Completion-Cause with errors.Is or CauseCode.
var (
	// ErrLoad: the grammar could not be obtained in usable form: an unknown
	// session: content id, a body over the size limit, an unsupported media
	// type (RFC 6787 §9.4.11, 004 grammar-load-failure).
	ErrLoad = errors.New("grammar load failure")
	// ErrCompile: the grammar text is malformed or inconsistent (005
	// grammar-compilation-failure).
	ErrCompile = errors.New("grammar compilation failure")
	// ErrURI: a URI could not be accessed: refused by the allow-list,
	// network failure, timeout, HTTP error status (009 uri-failure).
	ErrURI = errors.New("uri failure")
	// ErrSemantics: the input matched but its semantic interpretation
	// failed (012 semantics-failure).
	ErrSemantics = errors.New("semantics failure")
)

// CauseCode returns the RFC 6787 §9.4.11 recognizer Completion-Cause code
// for an error of this package, or -1 when err is of none of its classes.
func CauseCode(err error) int {
	switch {
	case err == nil:
		return 0
	case errors.Is(err, ErrLoad):
		return 4
	case errors.Is(err, ErrCompile):
		return 5
	case errors.Is(err, ErrURI):
		return 9
	case errors.Is(err, ErrSemantics):
		return 12
	}
	return -1
}

// SyntaxError locates a grammar syntax error.
type SyntaxError struct {
	Form string // "xml", "abnf" or "script"
	Line int    // 1-based; 0 when unknown
	Col  int    // 1-based; 0 when unknown
	Msg  string
}

func (e *SyntaxError) Error() string {
	switch {
	case e.Line > 0 && e.Col > 0:
		return fmt.Sprintf("grammar %s syntax error at %d:%d: %s", e.Form, e.Line, e.Col, e.Msg)
	case e.Line > 0:
		return fmt.Sprintf("grammar %s syntax error at line %d: %s", e.Form, e.Line, e.Msg)
	}
	return fmt.Sprintf("grammar %s syntax error: %s", e.Form, e.Msg)
}

// Unwrap places syntax errors in the compilation failure class.
func (e *SyntaxError) Unwrap() error { return ErrCompile }

func compileErrorf(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrCompile, fmt.Sprintf(format, args...))
}

func loadErrorf(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrLoad, fmt.Sprintf(format, args...))
}

func uriErrorf(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrURI, fmt.Sprintf(format, args...))
}

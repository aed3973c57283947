// Package grammar parses speech and DTMF grammars, matches recognised input
// against them and derives the semantic result.
//
// Grammars arrive as W3C SRGS 1.0 documents in XML (application/srgs+xml)
// or ABNF (application/srgs) form, or as builtin: URIs following the
// VoiceXML convention; a Loader resolves references (session:, http:,
// https:) and whole request bodies, fetching within time, size and
// allow-list limits and sharing compiled grammars through a content-hash
// cache. Both SRGS forms parse into one model (Grammar); Compile turns it
// into a Compiled grammar that is immutable and safe to share between
// sessions. Semantic results are trees of package semantic.
//
// Matching works on text: a transcript from any engine (normalised to
// lower-case words, punctuation ignored) or a DTMF digit string. A match is
// complete, incomplete (the input is a prefix of something the grammar
// accepts) or no match, and a complete match carries the semantic instance
// computed from SISR tags (semantics/1.0 scripts or semantics/1.0-literals)
// by package semantic's evaluator; no JavaScript engine is involved.
//
// Engines that decode against a grammar get it as JSGF (Compiled.JSGF) or,
// when the language is finite and small, as a phrase list
// (Compiled.Phrases).
package grammar

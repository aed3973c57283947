// Package semantic holds semantic results and computes them: Value is the
// tree a grammar match (or an NLU model) produces and NLSML carries, and
// the tag language of W3C SISR 1.0 (semantics/1.0) runs on it.
//
// The tag language is a small ECMAScript subset of its own, enough for the
// tags grammars use: statements, literals, object and array literals,
// member access, the rules and meta objects, arithmetic, comparison, logic
// and a handful of standard functions. There are no loops and no user
// functions, so every script terminates, and a step budget bounds it.
package semantic

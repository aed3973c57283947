// Package resource holds what the MRCPv2 resource state machines share: the
// session parameter store behind SET-PARAMS and GET-PARAMS (RFC 6787 §6.1),
// Vendor-Specific-Parameters lists (§6.2.16), request-id ordering (§5.2) and
// the construction of responses and events that echo a request.
//
// Everything here is pure: no goroutines, no clocks, no I/O. The state
// machine of each resource lives in a sub-package (recog for speechrecog).
package resource

// Package recog is the protocol state machine of one speechrecog (or
// dtmfrecog) channel (RFC 6787 §9): IDLE, RECOGNIZING and RECOGNIZED, plus
// INTERPRETING for the INTERPRET method.
//
// A Machine turns client requests (Request) and engine reports (Input) into
// Actions: fully formed responses and events to send, and instructions for
// the engine side (start or stop a recognition, load grammars, start the
// input timers). It is pure: no goroutines, no clocks, no I/O. The session
// that owns the channel executes the actions in order and feeds back what
// the engine reports, one call at a time.
//
// Decisions where RFC 6787 leaves room, or where clients differ:
//
//   - Request-ids must grow on each channel, otherwise 410 (§5.2). Request-ids
//     are session wide, so a channel sees a subsequence; any correct client
//     passes the per-channel check.
//   - A method that is not a speechrecog method (SPEAK on this channel, the
//     optional enrollment methods we do not implement, or an unknown name) is
//     answered 401 Method not allowed. 405 is for unknown channels and is
//     answered by the transport.
//   - RECOGNIZE while RECOGNIZING follows Cancel-If-Queue of the request in
//     progress (§9.4.27): "false" queues the new one (200 PENDING), "true"
//     cancels the one in progress (its RECOGNITION-COMPLETE carries 011
//     cancelled) once the engine confirms it has stopped. Cancel-If-Queue
//     "MUST be present in every RECOGNIZE request": without it, 406. When the
//     request in progress ends with a match (000 success, 008
//     success-maxtime) or is stopped, the first queued one starts; when it
//     ends any other way, every queued one completes with 011 cancelled.
//   - RECOGNIZE and INTERPRET without any grammar: 407 with Completion-Cause
//     004 grammar-load-failure. A session: URI that was never defined
//     (§9.5.1 "interpreted by the server as one that has never been set"):
//     407 with 009 uri-failure and Failed-URI / Failed-URI-Cause (§9.4.20,
//     §9.4.21). No room left in the session grammar store: 407 with 016
//     grammar-definition-failure (§9.5.1).
//   - An inline grammar without Content-ID (§9.5.1: the client MUST provide
//     one) and a body without Content-Type: 406. A body the machine cannot
//     take apart (a malformed text/grammar-ref-list or multipart/mixed): 408.
//   - STOP, and a RECOGNIZE that cancels the one in progress, are answered
//     only after the engine confirms with EngineStopped ("control waits for
//     media"). DEFINE-GRAMMAR is answered after the engine reports on the
//     grammars (GrammarsLoaded). While the machine waits for such an answer,
//     later requests are held and handled in arrival order once it comes, so
//     nothing overtakes the request it follows.
//   - RECOGNIZE is answered once the engine side has fetched and compiled
//     its grammars and taken the audio (RecognitionStarted): 200 IN-PROGRESS,
//     or 407 with the cause the engine gives (004, 005, 009, 010 ...; §9.9).
//     Requests that arrive meanwhile are held like those behind a STOP. A
//     queued RECOGNIZE, already answered PENDING, that fails to start
//     completes with RECOGNITION-COMPLETE and that cause instead, and the
//     queue behind it is cancelled (§9.4.27).
//   - SET-PARAMS stores the session parameters §9.4 lists for SET-PARAMS and
//     the RECOGNIZE fields that make sense as defaults (Start-Input-Timers,
//     Recognition-Mode ...), which UniMRCP based clients set this way and
//     expect 200 for. Fields meaningful for one request only
//     (Cancel-If-Queue, Interpret-Text, Input-Waveform-URI ...) are ignored
//     with 201; fields of other resources, server-only fields, the
//     enrollment fields and unknown fields are refused with 403.
//     Set-Cookie2 of the MRCPv2 drafts is accepted because UniMRCP clients
//     still ask for it.
//   - GET-RESULT re-applies the Confidence-Threshold and N-Best-List-Length
//     it carries to the kept NLSML result by removing interpretations; it
//     cannot bring back interpretations the engine never reported. A result
//     that is not XML cannot be filtered: 409.
//   - INTERPRET is valid in IDLE and RECOGNIZED; it keeps the last
//     recognition result, and the machine returns to the state it left when
//     INTERPRETATION-COMPLETE is sent. DEFINE-GRAMMAR is refused with 402
//     while RECOGNIZING (§9.8) and, likewise, while INTERPRETING.
//   - Everything a client can grow is bounded (Config): a full RECOGNIZE
//     queue answers 407 with 006 recognizer-error, a full backlog of held
//     requests 501, a full grammar store 407 with 016.
package recog

package server

// FailWhy says why an exchange failed (State is StateFailed), as a code:
// the window words it in the user's language, Note keeps the English
// sentence for the log and saved files.
type FailWhy uint8

const (
	FailNone             FailWhy = iota
	FailNoResponse               // the connection closed before a response
	FailTakenOver                // a later request on a connection taken over for a verbatim reply
	FailTooMany                  // too many requests queued on one connection to keep them all
	FailBodyLost                 // the request body did not arrive (FailErr says how)
	FailServerClosed             // the server closed while the request waited for a hand-written answer
	FailClientClosed             // the client went away while the request waited for a hand-written answer
	FailReplyNotSent             // the hand-written reply could not be sent (FailErr says why)
	FailNoTakeOver               // the connection could not be taken over for a verbatim reply
	FailClientLeft               // the client went away before the upstream answered
	FailHeldServerClosed         // the server closed while the exchange was held
	FailHeldClientClosed         // the client went away while the exchange was held
	FailDroppedClosed            // dropped by hand, the connection closed with no answer
	FailUpstream                 // the upstream's answer broke off (UpError says how)
)

var failNotes = [...]string{
	FailNone:             "",
	FailNoResponse:       "no response: the connection closed first",
	FailTakenOver:        "not answered: the connection was taken over for a verbatim reply",
	FailTooMany:          "not captured: too many requests queued on one connection",
	FailBodyLost:         "the request body did not arrive",
	FailServerClosed:     "the server was closed while the request was waiting",
	FailClientClosed:     "the client closed the connection (or its sending side) while waiting",
	FailReplyNotSent:     "the reply could not be sent",
	FailNoTakeOver:       "the connection could not be taken over",
	FailClientLeft:       "the client closed the connection before the upstream answered",
	FailHeldServerClosed: "the server was closed while the exchange was held",
	FailHeldClientClosed: "the client closed the connection while the exchange was held",
	FailDroppedClosed:    "dropped by hand: the connection was closed with no answer",
	FailUpstream:         "",
}

// note is the English sentence for the log and saved files; err, if any,
// is what the system said.
func (w FailWhy) note(err error) string {
	s := ""
	if int(w) < len(failNotes) {
		s = failNotes[w]
	}
	if err != nil && s != "" {
		s += ": " + errText(err)
	}
	return s
}

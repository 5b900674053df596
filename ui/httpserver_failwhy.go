package ui

import (
	"errors"

	"netassist/httpview/server"
	"netassist/netassist"
)

// failWhyText says why an exchange failed, in the user's language; what
// the system said is added only where it is one of the known causes
// (never Go's error text).
func failWhyText(e *server.Exchange) string {
	var s string
	switch e.FailWhy {
	case server.FailNoResponse:
		s = T("http.fail.noresponse", "no response: the connection closed first")
	case server.FailTakenOver:
		s = T("http.fail.takenover", "not answered: the connection was taken over for a verbatim reply")
	case server.FailTooMany:
		s = T("http.fail.toomany", "not captured: too many requests queued on one connection")
	case server.FailBodyLost:
		s = T("http.fail.bodylost", "the request body did not arrive")
	case server.FailServerClosed:
		s = T("http.fail.serverclosed", "the server was closed while the request was waiting")
	case server.FailClientClosed:
		s = T("http.fail.clientclosed", "the client closed the connection (or its sending side) while waiting")
	case server.FailReplyNotSent:
		s = T("http.fail.replynotsent", "the reply could not be sent")
	case server.FailNoTakeOver:
		s = T("http.fail.notakeover", "the connection could not be taken over")
	case server.FailClientLeft:
		s = T("http.fail.clientleft", "the client closed the connection before the upstream answered")
	case server.FailHeldServerClosed:
		s = T("http.fail.heldserverclosed", "the server was closed while the exchange was held")
	case server.FailHeldClientClosed:
		s = T("http.fail.heldclientclosed", "the client closed the connection while the exchange was held")
	case server.FailDroppedClosed:
		s = T("http.fail.droppedclosed", "dropped by hand: the connection was closed with no answer")
	default:
		return e.Note
	}
	if e.FailErr != nil {
		var oe *netassist.OpError
		if errors.As(netassist.WrapError("", e.Client, e.FailErr), &oe) {
			switch oe.Code {
			case netassist.CodeTimeout, netassist.CodeReset, netassist.CodeClosed:
				s += ": " + errText(oe)
			}
		}
	}
	return s
}

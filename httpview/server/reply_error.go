package server

import (
	"fmt"
	"strings"

	"golang.org/x/net/http/httpguts"
)

// Why a typed reply cannot be sent as it is; stable keys the window
// translates.
const (
	ReplyEmpty         = "empty"           // verbatim with nothing typed
	ReplyNoStatus      = "no_status"       // no status line
	ReplyBadProto      = "bad_proto"       // the status line does not start with HTTP/
	ReplyBadStatus     = "bad_status"      // not a final three-digit status code
	ReplyBadHeader     = "bad_header"      // a header line without a colon
	ReplyBadHeaderName = "bad_header_name" // a header name with characters a name cannot have
	ReplyBadTE         = "bad_te"          // a Transfer-Encoding other than chunked
	ReplyBadChunked    = "bad_chunked"     // the chunked body's framing is wrong
)

// ReplyError says what is wrong with a typed reply and on which line
// (1-based, as typed), so the learner can fix it; the request keeps
// waiting.
type ReplyError struct {
	Code string
	Line int
	Text string // the offending line or value, as typed
}

func (e *ReplyError) Error() string {
	return fmt.Sprintf("reply: line %d: %s %q", e.Line, e.Code, e.Text)
}

// checkHeaderLines finds the first header line that is not "Name: value"
// (an obs-fold continuation, starting with a space or tab, is allowed);
// lines are the head's lines after the status line, which is line 1.
func checkHeaderLines(lines []string) *ReplyError {
	for i, l := range lines {
		l = strings.TrimSuffix(l, "\r")
		if l == "" || l[0] == ' ' || l[0] == '\t' {
			continue
		}
		name, _, ok := strings.Cut(l, ":")
		if !ok {
			return &ReplyError{Code: ReplyBadHeader, Line: i + 2, Text: l}
		}
		if !httpguts.ValidHeaderFieldName(name) {
			return &ReplyError{Code: ReplyBadHeaderName, Line: i + 2, Text: name}
		}
	}
	return nil
}

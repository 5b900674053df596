package server

import (
	"bytes"
	"net/http"
	"strconv"
	"time"

	"netassist/netassist/rules"
)

// RuleAnswerBytes are the bytes serveRule's answer puts on the wire for a
// request with method, at now: the window's rules test box shows them
// without sending anything. The order is net/http's: the status line, the
// header fields sorted by name, then Date.
func RuleAnswerBytes(a rules.HTTPAnswer, method string, now time.Time) []byte {
	h := ruleHeader(a)
	var b bytes.Buffer
	b.WriteString("HTTP/1.1 " + strconv.Itoa(a.Status) + " " + http.StatusText(a.Status) + "\r\n")
	_ = h.Write(&b)
	b.WriteString("Date: " + now.UTC().Format(http.TimeFormat) + "\r\n\r\n")
	if !ruleNoBody(a.Status) && method != http.MethodHead {
		b.Write(a.Body)
	}
	return b.Bytes()
}

// ruleHeader is the answer's header as serveRule writes it: the rule's
// lines, Content-Length filled in, Connection: close for "close".
func ruleHeader(a rules.HTTPAnswer) http.Header {
	h := http.Header{}
	for k, v := range a.Header {
		h[k] = v
	}
	if !ruleNoBody(a.Status) {
		h.Set("Content-Length", strconv.Itoa(len(a.Body)))
	}
	if a.After == rules.AfterClose {
		h.Set("Connection", "close")
	}
	return h
}

// ruleNoBody: statuses whose answer has no body (and no Content-Length).
func ruleNoBody(status int) bool {
	return status == http.StatusNoContent || status == http.StatusNotModified
}

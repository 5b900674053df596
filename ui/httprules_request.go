package ui

import (
	"bufio"
	"net/http"
	"strings"

	"netassist/netassist/rules"
)

// parseTestRequest reads a request pasted into the rules test box. Pasted
// text has \n line ends as often as \r\n, and a body without its
// Content-Length: the head is read as HTTP, everything after the first
// empty line is the body as written.
func parseTestRequest(text string) (rules.HTTPRequest, bool) {
	text = strings.TrimLeft(text, "\r\n")
	head, body := text, ""
	// The first empty line ends the head, however its lines end.
	for i := 0; i < len(text); i++ {
		if text[i] != '\n' {
			continue
		}
		rest := text[i+1:]
		if strings.HasPrefix(rest, "\n") {
			head, body = text[:i], rest[1:]
			break
		}
		if strings.HasPrefix(rest, "\r\n") {
			head, body = text[:i], rest[2:]
			break
		}
	}
	head = strings.TrimRight(head, "\r\n")
	if head == "" {
		return rules.HTTPRequest{}, false
	}
	r, err := http.ReadRequest(bufio.NewReader(strings.NewReader(head + "\r\n\r\n")))
	if err != nil {
		return rules.HTTPRequest{}, false
	}
	return rules.HTTPRequest{Method: r.Method, Path: r.URL.Path, Header: r.Header, Body: []byte(body), Peer: "127.0.0.1:50000"}, true
}

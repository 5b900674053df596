package server

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"netassist/netassist/rules"
)

var ruleDateLine = regexp.MustCompile(`(?m)^Date: [^\r]*\r$`)

// The test box's bytes are the wire's: each answer the server sent is
// what RuleAnswerBytes builds from the same rule (Date aside).
func TestRuleAnswerBytesAreTheWire(t *testing.T) {
	const js = `{"version":1,"rules":[
 {"name":"json","match":{"path":"^/users/(?P<id>\\d+)$"},"reply":{"status":201,"headers":"X-Id: ${id}\nContent-Type: application/json","template":"{\"id\": ${id}}"}},
 {"name":"empty","match":{"path":"^/none$"},"reply":{"status":204}},
 {"name":"bye","match":{"path":"^/bye$"},"reply":{"template":"bye"},"then":{"after":"close"}}]}`
	// Each request on its own connection, read to its end: the idle
	// timeout ends the kept-alive ones sooner.
	s := startServer(t, Config{Rules: httpRules(t, js)}, func(s *Server) { s.idleTimeout = 100 * time.Millisecond })
	addr := s.Addr().String()
	reqs := []string{"GET /users/42", "HEAD /users/42", "GET /none", "GET /bye"}
	for _, r := range reqs {
		rawExchange(t, addr, r+" HTTP/1.1\r\nHost: x\r\n\r\n")
	}
	ex := waitSettled(t, s, len(reqs))
	set := httpRules(t, js)
	for i, r := range reqs {
		method, path, _ := strings.Cut(r, " ")
		a := set.Test(rules.HTTPRequest{Method: method, Path: path, Header: http.Header{}}, time.Now())
		want := ruleDateLine.ReplaceAllString(string(RuleAnswerBytes(a, method, time.Now())), "Date: -\r")
		got := ruleDateLine.ReplaceAllString(string(ex[i].RawResponse), "Date: -\r")
		if got != want {
			t.Errorf("%s:\nwire %q\nbox  %q", r, got, want)
		}
	}
}

package rules

import (
	"errors"
	"net/http"
	"testing"
	"time"
)

func loadHTTP(t *testing.T, js string) *HTTPSet {
	t.Helper()
	s, err := LoadHTTP([]byte(js))
	if err != nil {
		t.Fatalf("LoadHTTP: %v", err)
	}
	return s
}

func TestHTTPRuleMatchesAndFills(t *testing.T) {
	s := loadHTTP(t, `{"version":1,"rules":[
	  {"name":"post only","match":{"method":"post","path":"^/x$","body_contains":"ok\\r\\n"},"reply":{"status":201,"template":"got ${msg}"}},
	  {"name":"token","match":{"header":"x-token","header_value":"^abc"},"reply":{"status":403,"template":"no"}},
	  {"name":"user","match":{"method":"GET","path":"^/users/(?P<id>\\d+)$"},
	   "reply":{"headers":"Content-Type: application/json\nX-User: ${id}-${1}","template":"{\"id\": ${id}, \"n\": ${counter}}"},
	   "fire":{"mode":"times","times":2}}]}`)
	now := time.Now()
	a := s.Respond(HTTPRequest{Method: "GET", Path: "/users/42", Header: http.Header{}}, now)
	if a.Rule != 2 || a.Status != 200 || string(a.Body) != `{"id": 42, "n": 1}` || a.Header.Get("X-User") != "42-42" || a.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("user: %+v %q", a, a.Body)
	}
	a = s.Respond(HTTPRequest{Method: "POST", Path: "/x", Body: []byte("all ok\r\n")}, now)
	if a.Rule != 0 || a.Status != 201 || string(a.Body) != "got all ok\r\n" {
		t.Fatalf("post: %+v", a)
	}
	if a = s.Respond(HTTPRequest{Method: "POST", Path: "/x", Body: []byte("all ok\n")}, now); a.Rule != -1 {
		t.Errorf("body without the CR matched rule %d", a.Rule)
	}
	if a = s.Respond(HTTPRequest{Method: "PUT", Path: "/", Header: http.Header{"X-Token": {"zzz", "abcd"}}}, now); a.Rule != 1 {
		t.Errorf("header value: rule %d", a.Rule)
	}
	if a = s.Respond(HTTPRequest{Method: "PUT", Path: "/", Header: http.Header{"X-Token": {"zabc"}}}, now); a.Rule != -1 {
		t.Errorf("header value not matching: rule %d", a.Rule)
	}
	s.Respond(HTTPRequest{Method: "GET", Path: "/users/1"}, now)
	if a = s.Respond(HTTPRequest{Method: "GET", Path: "/users/1"}, now); a.Rule != -1 {
		t.Errorf("a rule fired 2 times answered a third time")
	}
	if st := s.Stats(2); st.Hits != 2 || !st.Spent {
		t.Errorf("stats %+v", st)
	}
}

func TestHTTPRuleErrors(t *testing.T) {
	for js, want := range map[string]Error{
		`{"version":1,"rules":[{"name":"a","match":{"path":"(x"}}]}`:                                       {Rule: 0, Field: "match.path", Code: CodeRegex},
		`{"version":1,"rules":[{"name":"a","match":{"pattern":"x"}}]}`:                                     {Rule: 0, Field: "match.pattern", Code: CodeHTTPPattern},
		`{"version":1,"rules":[{"name":"a","reply":{"status":99}}]}`:                                       {Rule: 0, Field: "reply.status", Code: CodeHTTPStatus},
		`{"version":1,"rules":[{"name":"a","reply":{"headers":"no colon"}}]}`:                              {Rule: 0, Field: "reply.headers", Code: CodeHTTPHeader},
		`{"version":1,"rules":[{"name":"ok"},{"name":"b","reply":{"template":"${id}"}}]}`:                  {Rule: 1, Code: CodeUnknownVar},
		`{"version":1,"rules":[{"name":"a","match":{"path":"^/(?P<n>x)"},"reply":{"headers":"X: ${m}"}}]}`: {Rule: 0, Field: "reply.headers", Code: CodeUnknownVar},
		`{"version":1,"rules":[{"name":"a","match":{"header":"bad name"}}]}`:                               {Rule: 0, Field: "match.header", Code: CodeHTTPHeader},
	} {
		_, err := LoadHTTP([]byte(js))
		var e *Error
		if !errors.As(err, &e) || e.Rule != want.Rule || e.Code != want.Code || (want.Field != "" && e.Field != want.Field) {
			t.Errorf("%s: %v; want rule %d field %q code %s", js, err, want.Rule, want.Field, want.Code)
		}
	}
}

func TestHTTPRuleRoundTrip(t *testing.T) {
	js := `{"version":1,"rules":[{"name":"u","match":{"method":"GET","path":"^/u$"},"reply":{"status":404,"headers":"X-A: 1","template":"none"}}]}`
	s := loadHTTP(t, js)
	b, err := Marshal(s.File())
	if err != nil {
		t.Fatal(err)
	}
	s2 := loadHTTP(t, string(b))
	if s2.File().Rules[0] != s.File().Rules[0] {
		t.Errorf("round trip changed the rule:\n%+v\n%+v", s.File().Rules[0], s2.File().Rules[0])
	}
}

// FuzzHTTPRules: any file either fails with an *Error or compiles into a
// set that answers any request without panicking.
func FuzzHTTPRules(f *testing.F) {
	f.Add(`{"version":1,"rules":[{"name":"u","match":{"method":"GET","path":"^/u/(\\d+)$","header":"A","header_value":"b","body_contains":"\\x00"},"reply":{"status":201,"headers":"X: ${1}","template":"${msg}${hex}${random:3}"}}]}`, "/u/12", "b", "x\x00y")
	f.Add(`{"version":1,"rules":[{"name":"a","reply":{"headers":"X-${":"1"}}]}`, "/", "", "")
	f.Fuzz(func(t *testing.T, js, path, hv, body string) {
		s, err := LoadHTTP([]byte(js))
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %T %v is not an *Error", err, err)
			}
			return
		}
		s.Respond(HTTPRequest{Method: "GET", Path: path, Header: http.Header{"A": {hv}}, Body: []byte(body)}, time.Now())
	})
}

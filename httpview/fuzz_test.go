package httpview

import (
	"bufio"
	"bytes"
	"io"
	"net/http"
	"net/http/httputil"
	"slices"
	"strings"
	"testing"
)

// Seeds live in testdata/fuzz/<Name>/ (the fixtures among them); go test replays them.

// FuzzParseRequest checks ParseMessage against http.ReadRequest: never a panic, the raw bytes
// kept, and on input the standard library accepts the same method, target, header values and body.
func FuzzParseRequest(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		m := ParseMessage(data, true, "")
		if !bytes.Equal(m.Raw(), data) {
			t.Fatalf("Raw() = %q; want the input", m.Raw())
		}
		req, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(data)))
		if err != nil {
			return
		}
		if m.Method != req.Method || m.Target != req.RequestURI || m.Proto != req.Proto {
			t.Fatalf("request line %q %q %q; net/http %q %q %q", m.Method, m.Target, m.Proto, req.Method, req.RequestURI, req.Proto)
		}
		sameHeaders(t, m, req.Header, hasObsFold(data))
		body, err := io.ReadAll(req.Body)
		if err == nil && !bytes.Equal(m.Payload, body) {
			t.Fatalf("body %q; net/http %q", m.Payload, body)
		}
	})
}

// FuzzParseResponse is FuzzParseRequest for responses, answering a GET or a HEAD.
func FuzzParseResponse(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte, head bool) {
		method := "GET"
		if head {
			method = "HEAD"
		}
		m := ParseMessage(data, false, method)
		if !bytes.Equal(m.Raw(), data) {
			t.Fatalf("Raw() = %q; want the input", m.Raw())
		}
		resp, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(data)), &http.Request{Method: method})
		if err != nil {
			return
		}
		if m.Status != resp.StatusCode || m.Proto != resp.Proto {
			t.Fatalf("status line %d %q; net/http %d %q", m.Status, m.Proto, resp.StatusCode, resp.Proto)
		}
		sameHeaders(t, m, resp.Header, hasObsFold(data))
		body, err := io.ReadAll(resp.Body)
		if err == nil && !bytes.Equal(m.Payload, body) {
			t.Fatalf("body %q; net/http %q", m.Payload, body)
		}
	})
}

// sameHeaders checks every field net/http kept (it removes Host and framing fields) against ours.
// With obs-fold in the head, runs of white space count as one space and none at the ends:
// RFC 9112 §5.2 lets a recipient replace each fold with one or more SP, and a field value has
// no leading or trailing white space (RFC 9110 §5.5). net/http adds one SP per fold even when
// the continuation line is empty, so "X: 0\n \n" is "0 " there and "0" in ours.
func sameHeaders(t *testing.T, m *Message, h http.Header, folded bool) {
	t.Helper()
	norm := func(vs []string) string {
		if folded {
			vs = slices.Clone(vs)
			for i, v := range vs {
				vs[i] = strings.Join(strings.FieldsFunc(v, func(r rune) bool { return r == ' ' || r == '\t' }), " ")
			}
		}
		return strings.Join(vs, "\x00")
	}
	for name, want := range h {
		got := m.Values(name)
		if norm(got) != norm(want) {
			t.Fatalf("header %s = %q; net/http %q", name, got, want)
		}
	}
}

// hasObsFold reports whether a header line of the head starts with SP or HTAB.
func hasObsFold(data []byte) bool {
	lines := bytes.Split(data, []byte("\n"))
	for _, l := range lines[1:] {
		l = bytes.TrimSuffix(l, []byte("\r"))
		if len(l) == 0 {
			return false // the end of the head
		}
		if l[0] == ' ' || l[0] == '\t' {
			return true
		}
	}
	return false
}

// FuzzChunked checks the tolerant chunk scanner and dechunk against httputil.NewChunkedReader:
// wherever the standard reader decodes a body, ours gives the same bytes.
func FuzzChunked(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		s := scanChunked(data, true)
		if s.complete && (s.n <= 0 || s.n > len(data)) {
			t.Fatalf("n = %d out of bounds (len %d)", s.n, len(data))
		}
		got := dechunk(data, s)
		want, err := io.ReadAll(httputil.NewChunkedReader(bytes.NewReader(data)))
		if err != nil {
			return
		}
		if s.bad != "" {
			t.Fatalf("scanner says %s %v on input net/http accepts", s.bad, s.badArgs)
		}
		if scanned := bytes.Join(s.data, nil); !bytes.Equal(scanned, want) || !bytes.Equal(got, want) {
			t.Fatalf("scanned %q, dechunked %q; net/http %q", scanned, got, want)
		}
	})
}

// FuzzFrameLength checks bounds, that eof always frames a non-empty stream, and that framing does
// not depend on how the stream was cut into writes.
func FuzzFrameLength(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte, isRequest, head bool, cut uint) {
		method := "GET"
		if head {
			method = "HEAD"
		}
		for _, eof := range []bool{false, true} {
			n, ok := FrameLength(data, isRequest, method, eof)
			if ok && (n <= 0 || n > len(data)) || !ok && n != 0 {
				t.Fatalf("FrameLength(eof=%v) = %d, %v; len %d", eof, n, ok, len(data))
			}
			if eof && len(data) > 0 && !ok {
				t.Fatalf("FrameLength(eof) did not frame a non-empty stream")
			}
		}
		whole := splitRaws(data, isRequest, method, len(data))
		parts := splitRaws(data, isRequest, method, int(cut%uint(len(data)+1)))
		if strings.Join(whole, "|") != strings.Join(parts, "|") {
			t.Fatalf("split whole %q; in two writes %q", whole, parts)
		}
	})
}

// splitRaws splits data written in two pieces, cut at cut, then closed; it returns the raw messages.
func splitRaws(data []byte, isRequest bool, method string, cut int) []string {
	s := NewSplitter(isRequest)
	for range 8 {
		s.PushMethod(method)
	}
	ms := s.Write(data[:cut])
	ms = append(ms, s.Write(data[cut:])...)
	ms = append(ms, s.Close()...)
	var raws []string
	for _, m := range ms {
		raws = append(raws, string(m.Raw()))
	}
	return raws
}

// FuzzLint checks that the linter never panics and that every finding reads as a sentence.
func FuzzLint(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte, isRequest bool) {
		for _, fd := range Lint(data, isRequest, "GET") {
			// The sentence must use exactly the Args given: with neutral args, no fmt complaint.
			neutral := newFinding(fd.Code, make([]string, len(fd.Args))...)
			if _, known := findingText[fd.Code]; !known || fd.Text == "" || strings.Contains(neutral.Text, "%!") {
				t.Fatalf("finding %+v", fd)
			}
		}
		m := ParseMessage(data, isRequest, "GET")
		m.Query()
		m.Cookies()
		m.Form()
		if v := m.View(256); v.Omitted < 0 {
			t.Fatalf("view %+v", v)
		}
	})
}

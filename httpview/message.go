package httpview

import (
	"strconv"
	"strings"
)

// Message is one HTTP/1.x message parsed for display. The raw bytes are kept exactly as they
// came: RawHead followed by RawBody is the input of ParseMessage.
type Message struct {
	IsRequest bool
	Offset    int64 // stream offset of the first byte, when split from a stream

	StartLine string // the first line without its line ending
	Method    string // request line
	Target    string
	Proto     string // both: "HTTP/1.1"
	Status    int    // status line; 0 if unreadable
	Reason    string

	Headers  []Header // in order, duplicates kept, obs-fold joined
	Trailers []Header // chunked trailer fields

	RawHead []byte // start line through the blank line, leading blank lines included
	RawBody []byte // everything after the head, as on the wire
	Payload []byte // the body with transfer coding undone (de-chunked), still content-encoded
	Body    []byte // Payload with Content-Encoding undone; Payload itself if that failed
	Excess  []byte // bytes after the end the framing gives (e.g. more body than Content-Length)

	Chunked    bool // framed with chunked transfer coding
	Incomplete bool // the stream ended before the message did

	Warnings []Finding // what Lint reports for this message, plus body decoding problems
}

// Header is one header field as it appeared in the message.
type Header struct {
	Name, Value string
}

// Raw returns the message as on the wire.
func (m *Message) Raw() []byte {
	return append(append(make([]byte, 0, len(m.RawHead)+len(m.RawBody)), m.RawHead...), m.RawBody...)
}

// Header returns the first value of the named header (case-insensitive), and whether there is one.
func (m *Message) Header(name string) (string, bool) {
	for _, h := range m.Headers {
		if strings.EqualFold(h.Name, name) {
			return h.Value, true
		}
	}
	return "", false
}

// Values returns all values of the named header (case-insensitive), in order.
func (m *Message) Values(name string) []string {
	var vs []string
	for _, h := range m.Headers {
		if strings.EqualFold(h.Name, name) {
			vs = append(vs, h.Value)
		}
	}
	return vs
}

// ParseMessage parses raw as one request or response. It is tolerant (bare LF, obs-fold, garbage)
// and never panics; what is wrong ends up in Warnings. reqMethod is the method of the request a
// response answers (it only matters for HEAD).
func ParseMessage(raw []byte, isRequest bool, reqMethod string) *Message {
	m := &Message{IsRequest: isRequest}
	f := frame(raw, isRequest, reqMethod)
	headEnd := f.headEnd
	if headEnd < 0 {
		headEnd = len(raw)
		m.Incomplete = len(raw) > 0
	}
	m.RawHead, m.RawBody = raw[:headEnd], raw[headEnd:]
	m.StartLine, m.Headers = headFields(raw[f.start:headEnd])
	m.parseStartLine()

	body := m.RawBody
	var chunks chunkScan
	switch f.kind {
	case bodyNone:
		m.Excess = body
	case bodyLength:
		if f.length <= int64(len(body)) {
			m.Payload, m.Excess = body[:f.length], body[f.length:]
		} else {
			m.Payload, m.Incomplete = body, true
		}
	case bodyChunked:
		m.Chunked = true
		chunks = scanChunked(body, true)
		m.Payload = dechunk(body, chunks)
		m.Trailers = chunks.trailers
		if chunks.complete {
			m.Excess = body[chunks.n:]
		} else if chunks.bad == "" {
			m.Incomplete = true
		}
	case bodyUntilClose:
		m.Payload = body
	}
	if len(m.Excess) == 0 {
		m.Excess = nil
	}
	m.Warnings = lint(m, f, chunks)
	m.decodeBody()
	return m
}

// parseStartLine splits the request or status line. Anything unreadable is left empty; the linter
// says why.
func (m *Message) parseStartLine() {
	parts := strings.Fields(m.StartLine)
	if m.IsRequest {
		if len(parts) > 0 {
			m.Method = parts[0]
		}
		if len(parts) > 1 {
			m.Target = parts[1]
		}
		if len(parts) > 2 {
			m.Proto = parts[2]
		}
		return
	}
	proto, rest, _ := strings.Cut(m.StartLine, " ")
	m.Proto = proto
	code, reason, _ := strings.Cut(strings.TrimLeft(rest, " "), " ")
	if n, err := strconv.Atoi(code); err == nil && len(code) == 3 {
		m.Status = n
	}
	m.Reason = strings.TrimSpace(reason)
}

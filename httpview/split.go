package httpview

import "bytes"

// Splitter cuts one direction of a connection into HTTP messages as bytes arrive. Use one per
// direction; a response splitter needs the methods of the requests it answers, in order (see
// PushMethod, or Conn, which does the pairing for both directions).
type Splitter struct {
	isRequest bool
	buf       []byte
	offset    int64    // stream offset of buf[0]
	methods   []string // methods of requests not yet answered, oldest first
	upgraded  bool     // after 101 or a 2xx to CONNECT the bytes are not HTTP any more
	// Tunnel counts the bytes seen after the connection left HTTP (101 Switching Protocols or a
	// successful CONNECT); they are not parsed.
	Tunnel int64
}

// NewSplitter returns a splitter for requests (isRequest) or responses.
func NewSplitter(isRequest bool) *Splitter {
	return &Splitter{isRequest: isRequest}
}

// PushMethod tells a response splitter the method of the next request on the connection. When no
// method is known a response is framed as the answer to a GET.
func (s *Splitter) PushMethod(method string) {
	s.methods = append(s.methods, method)
}

// Upgrade makes the splitter stop parsing: the rest of the stream is another protocol.
func (s *Splitter) Upgrade() {
	s.upgraded = true
	s.Tunnel += int64(len(s.buf))
	s.offset += int64(len(s.buf))
	s.buf = nil
}

// Write adds the next bytes of the stream and returns the messages completed by them.
func (s *Splitter) Write(p []byte) []*Message {
	if s.upgraded {
		s.Tunnel += int64(len(p))
		return nil
	}
	s.buf = append(s.buf, p...)
	return s.split(false)
}

// Close says the stream has ended and returns what is left: a response read until the close, or
// a message cut short (marked Incomplete). Blank lines left over after the last message are not
// a message.
func (s *Splitter) Close() []*Message {
	if s.upgraded || len(bytes.Trim(s.buf, "\r\n")) == 0 {
		s.buf = nil
		return nil
	}
	return s.split(true)
}

func (s *Splitter) split(eof bool) []*Message {
	var out []*Message
	for len(s.buf) > 0 && !s.upgraded {
		method := ""
		if len(s.methods) > 0 {
			method = s.methods[0]
		}
		n, ok := FrameLength(s.buf, s.isRequest, method, eof)
		if !ok {
			break
		}
		// Each message owns its bytes, so the buffer can be reused.
		m := ParseMessage(bytes.Clone(s.buf[:n]), s.isRequest, method)
		m.Offset = s.offset
		out = append(out, m)
		s.offset += int64(n)
		s.buf = s.buf[:copy(s.buf, s.buf[n:])]
		if !s.isRequest {
			s.answered(m, method)
		}
	}
	if eof {
		s.buf = nil
	}
	return out
}

// answered retires the request a final response answers; interim 1xx responses answer none.
func (s *Splitter) answered(m *Message, method string) {
	switch {
	case m.Status == 101 || m.Status/100 == 2 && method == "CONNECT":
		s.Upgrade()
	case m.Status/100 == 1:
		return
	}
	if len(s.methods) > 0 {
		s.methods = s.methods[1:]
	}
}

// Conn splits both directions of one connection and pairs them: every request parsed from the
// client's bytes pushes its method to the response side, so a response to HEAD is framed without a
// body. Feed it in the order the bytes were seen.
type Conn struct {
	Requests, Responses *Splitter
}

// NewConn returns a Conn for a new connection.
func NewConn() *Conn {
	return &Conn{Requests: NewSplitter(true), Responses: NewSplitter(false)}
}

// ClientData adds bytes the client sent and returns the requests they complete.
func (c *Conn) ClientData(p []byte) []*Message {
	return c.pushed(c.Requests.Write(p))
}

// ServerData adds bytes the server sent and returns the responses they complete.
func (c *Conn) ServerData(p []byte) []*Message {
	ms := c.Responses.Write(p)
	if c.Responses.upgraded && !c.Requests.upgraded {
		c.Requests.Upgrade()
	}
	return ms
}

// Close ends both directions and returns what was left in each.
func (c *Conn) Close() (requests, responses []*Message) {
	requests = c.pushed(c.Requests.Close())
	return requests, c.Responses.Close()
}

func (c *Conn) pushed(reqs []*Message) []*Message {
	for _, r := range reqs {
		c.Responses.PushMethod(r.Method)
	}
	return reqs
}

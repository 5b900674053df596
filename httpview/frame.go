// Package httpview parses HTTP/1.x messages for display: framing a byte stream into messages,
// tolerant parsing into tables, body decoding and a linter that explains mistakes to a learner.
// It never imports fyne; the UI adapts its results.
package httpview

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
)

// MaxHeadBytes bounds how long a head may grow without its blank line before the framer gives up
// on it: a stream of garbage must not be buffered forever waiting for "\r\n\r\n". It matches
// net/http's DefaultMaxHeaderBytes.
const MaxHeadBytes = 1 << 20

// bodyKind says how the end of a message body is found (RFC 9112 §6.3).
type bodyKind int

const (
	bodyNone       bodyKind = iota // no body: HEAD, 1xx/204/304, a request without length
	bodyLength                     // Content-Length bytes
	bodyChunked                    // chunked transfer coding
	bodyUntilClose                 // a response without framing: the rest of the stream
)

// framing is what the framer learned about the message at the start of a stream.
type framing struct {
	start    int // offset of the start line (leading blank lines are skipped)
	headEnd  int // offset just past the blank line ending the head; -1 if there is none yet
	kind     bodyKind
	length   int64 // Content-Length, for bodyLength
	end      int   // end of the message when complete
	complete bool  // end is known
	broken   bool  // chunk framing is malformed: the message runs to the end of the stream
	garbage  bool  // the head exceeded MaxHeadBytes without a blank line
}

// FrameLength reports the length of the first complete HTTP/1.x message at the start of stream.
// isRequest selects request or response parsing; reqMethod is the method of the request a response
// answers ("HEAD" → no body; also 1xx/204/304 have none); eof says no more bytes will come (a response
// without Content-Length or chunked framing then ends at the end of stream).
// ok is false when the message is not complete yet.
//
// With eof set, ok is true whenever stream is not empty: what cannot be completed any more (a
// truncated body, a head without its blank line) is the rest of the stream as one message;
// ParseMessage marks such a message Incomplete. A head longer than MaxHeadBytes without a blank
// line, or chunked framing that is malformed, cannot be framed: the message then runs to the end
// of the stream (at once for an oversized head, so garbage is never buffered without bound).
//
// Plain messages are framed without allocating (see quickFrame): a capture frames every message.
func FrameLength(stream []byte, isRequest bool, reqMethod string, eof bool) (n int, ok bool) {
	if n, ok, sure := quickFrame(stream, isRequest, reqMethod, eof); sure {
		return n, ok
	}
	return frameGeneral(stream, isRequest, reqMethod, eof)
}

// frameGeneral is FrameLength for any input; it splits the head into strings to read it.
func frameGeneral(stream []byte, isRequest bool, reqMethod string, eof bool) (n int, ok bool) {
	if len(stream) == 0 {
		return 0, false
	}
	f := frame(stream, isRequest, reqMethod)
	switch {
	case f.complete:
		return f.end, true
	case f.garbage || eof:
		return len(stream), true
	}
	return 0, false
}

// frame analyses the message at the start of b. It reads only; it never panics on any input.
func frame(b []byte, isRequest bool, reqMethod string) framing {
	f := framing{headEnd: -1}
	// RFC 9112 §2.2: a recipient should ignore empty lines before the start line (clients once
	// sent an extra CRLF after a POST body).
	for {
		switch {
		case bytes.HasPrefix(b[f.start:], []byte("\r\n")):
			f.start += 2
			continue
		case bytes.HasPrefix(b[f.start:], []byte("\n")):
			f.start++
			continue
		}
		break
	}
	end, ok := headEnd(b, f.start)
	if !ok {
		f.garbage = len(b) > MaxHeadBytes
		return f
	}
	f.headEnd = end

	startLine, fields := headFields(b[f.start:end])
	proto, status := "", 0
	if isRequest {
		if parts := strings.Fields(startLine); len(parts) == 3 {
			proto = parts[2]
		}
	} else {
		parts := strings.Fields(startLine)
		if len(parts) >= 2 {
			proto = parts[0]
			status, _ = strconv.Atoi(parts[1])
		}
	}

	var te []string
	var cl []string
	for _, h := range fields {
		switch strings.ToLower(h.Name) {
		case "transfer-encoding":
			te = append(te, h.Value)
		case "content-length":
			cl = append(cl, h.Value)
		}
	}

	f.kind = bodyNone
	switch {
	case !isRequest && (status/100 == 1 || status == 204 || status == 304):
	case !isRequest && strings.EqualFold(reqMethod, "HEAD"):
	case len(te) > 0 && !beforeHTTP11(proto):
		// Transfer-Encoding overrides Content-Length (RFC 9112 §6.3 item 3); HTTP/1.0 messages
		// have no transfer codings, so there it is ignored, as net/http does.
		switch {
		case isChunked(te):
			f.kind = bodyChunked
		case !isRequest:
			f.kind = bodyUntilClose
		default:
			f.kind, f.length = lengthFrom(cl, isRequest)
		}
	default:
		f.kind, f.length = lengthFrom(cl, isRequest)
	}

	switch f.kind {
	case bodyNone:
		f.end, f.complete = end, true
	case bodyLength:
		if f.length <= int64(len(b)-end) {
			f.end, f.complete = end+int(f.length), true
		}
	case bodyChunked:
		r := scanChunked(b[end:], false)
		f.broken = r.bad != ""
		if r.complete {
			f.end, f.complete = end+r.n, true
		}
	case bodyUntilClose:
		// Only the end of the stream ends it.
	}
	return f
}

// lengthFrom frames by Content-Length. A missing or unusable length means no body on a request
// and "until close" on a response.
func lengthFrom(cl []string, isRequest bool) (bodyKind, int64) {
	if n, ok := contentLength(cl); ok {
		return bodyLength, n
	}
	if isRequest {
		return bodyNone, 0
	}
	return bodyUntilClose, 0
}

// contentLength parses the Content-Length field values. Several fields (or a comma list) with one
// and the same value are accepted, as RFC 9110 §8.6 allows; anything else is unusable.
func contentLength(values []string) (int64, bool) {
	if len(values) == 0 {
		return 0, false
	}
	var n int64 = -1
	for _, v := range values {
		for _, part := range strings.Split(v, ",") {
			x, err := strconv.ParseUint(strings.TrimSpace(part), 10, 63)
			if err != nil || (n >= 0 && int64(x) != n) {
				return 0, false
			}
			n = int64(x)
		}
	}
	return n, true
}

// isChunked reports whether chunked is the final transfer coding.
func isChunked(te []string) bool {
	all := strings.Split(strings.Join(te, ","), ",")
	last := strings.TrimSpace(all[len(all)-1])
	return strings.EqualFold(last, "chunked")
}

// beforeHTTP11 reports a version that has no transfer codings (HTTP/1.0 and older). An
// unreadable version is not one of them: the tolerant parser then honours Transfer-Encoding.
func beforeHTTP11(proto string) bool {
	major, minor, ok := http.ParseHTTPVersion(proto)
	return ok && (major < 1 || major == 1 && minor < 1)
}

// headEnd finds the blank line that ends the head starting at off and returns the offset just past
// it. Bare LF line endings are accepted.
func headEnd(b []byte, off int) (int, bool) {
	for i := off; i < len(b); {
		j := bytes.IndexByte(b[i:], '\n')
		if j < 0 {
			return 0, false
		}
		line := b[i : i+j]
		next := i + j + 1
		if (len(line) == 0 || (len(line) == 1 && line[0] == '\r')) && i > off {
			return next, true
		}
		i = next
	}
	return 0, false
}

// splitLines splits b at LF, dropping one CR before each LF. A last line without LF is kept.
func splitLines(b []byte) []string {
	var lines []string
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			lines = append(lines, string(b))
			break
		}
		lines = append(lines, string(bytes.TrimSuffix(b[:i], []byte("\r"))))
		b = b[i+1:]
	}
	return lines
}

// headFields splits a head (start line through the blank line) into its start line and header
// fields, in order with duplicates kept. An obs-fold continuation line (RFC 9112 §5.2) is joined to
// the field before it with one space; a line without a colon becomes a field with an empty value. Names are kept as
// sent: "Host : a" names "Host ", which is not Host, as net/http sees it too.
func headFields(head []byte) (string, []Header) {
	lines := splitLines(head)
	if len(lines) == 0 {
		return "", nil
	}
	var hs []Header
	for _, l := range lines[1:] {
		if l == "" {
			break
		}
		if (l[0] == ' ' || l[0] == '\t') && len(hs) > 0 {
			last := &hs[len(hs)-1]
			if v := trimOWS(l); v != "" {
				if last.Value == "" {
					last.Value = v
				} else {
					last.Value += " " + v
				}
			}
			continue
		}
		name, value, _ := strings.Cut(l, ":")
		hs = append(hs, Header{Name: name, Value: trimOWS(value)})
	}
	return lines[0], hs
}

// trimOWS trims the optional white space (SP and HTAB) around a field value.
func trimOWS(s string) string { return strings.Trim(s, " \t") }

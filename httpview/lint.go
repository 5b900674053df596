package httpview

import (
	"bytes"
	"fmt"
	"maps"
	"regexp"
	"strconv"
	"strings"
)

// Finding is one thing the linter found wrong with a message. The UI translates it by Code,
// substituting Args in order for %[1]s, %[2]s …; Text is the English sentence.
//
// Codes (Args in brackets):
//
//	lint.bad_start_line      [line]             request or status line is malformed
//	lint.no_blank_line       []                 the head does not end with an empty line
//	lint.bare_lf             [line, count]      header lines end with LF only (first such line, how many)
//	lint.bad_header_line     [line number, text] a header line without "name:" or with space before ':'
//	lint.obs_fold            [line number]      a header continued on the next line (obsolete folding)
//	lint.no_host             []                 HTTP/1.1 request without Host
//	lint.multiple_host       [count]            more than one Host header
//	lint.bad_content_length  [value]            Content-Length is not a number, or several disagree
//	lint.cl_mismatch         [declared, actual] body length differs from Content-Length
//	lint.cl_te_conflict      []                 both Content-Length and Transfer-Encoding
//	lint.te_not_chunked      [value]            Transfer-Encoding whose last coding is not chunked
//	lint.te_http10           []                 Transfer-Encoding on an HTTP/1.0 message (ignored)
//	lint.bad_chunk_size      [line]             a chunk-size line that is not a hex number
//	lint.chunk_size_mismatch [size, hex]        chunk data not followed by CRLF: size miscounted
//	lint.no_last_chunk       []                 chunked body ends without the last chunk "0"
//	lint.body_not_allowed    [status]           a 1xx/204/304 response with a body
//	body.decode_failed       [coding, error]    Content-Encoding could not be undone
//	body.too_large           [limit]            the decoded body was cut at MaxDecodedBody bytes
type Finding struct {
	Code string
	Args []string
	Text string
}

// findingText holds the English sentence of each code, in fmt form with explicit argument indexes.
var findingText = map[string]string{
	"lint.bad_start_line":      "The first line %[1]s is malformed: a request line looks like \"GET /path HTTP/1.1\" and a status line like \"HTTP/1.1 200 OK\", single spaces between the parts.",
	"lint.no_blank_line":       "The headers are not followed by an empty line (CRLF CRLF), so the receiver keeps waiting for more headers.",
	"lint.bare_lf":             "Line %[1]s ends with LF only; HTTP requires CRLF (\\r\\n) after every header line (%[2]s such lines).",
	"lint.bad_header_line":     "Header line %[1]s (%[2]s) is not of the form \"Name: value\" with no space before the colon.",
	"lint.obs_fold":            "Line %[1]s starts with a space, continuing the header above; this line folding is obsolete and many servers reject it.",
	"lint.no_host":             "An HTTP/1.1 request must have a Host header naming the server it is meant for.",
	"lint.multiple_host":       "The request has %[1]s Host headers; it must have exactly one.",
	"lint.bad_content_length":  "Content-Length %[1]s is not a single whole number of bytes.",
	"lint.cl_mismatch":         "Content-Length says %[1]s bytes but the body has %[2]s bytes. The receiver reads exactly Content-Length bytes: with too few it waits for the rest, with too many the extra bytes are taken as the next message.",
	"lint.cl_te_conflict":      "The message has both Content-Length and Transfer-Encoding; Transfer-Encoding wins and Content-Length is ignored. A sender must not send both (disagreeing servers are how request smuggling works).",
	"lint.te_not_chunked":      "Transfer-Encoding %[1]s does not end with chunked, so the body's end can only be found when the connection closes (a server rejects such a request).",
	"lint.te_http10":           "Transfer-Encoding is not part of HTTP/1.0; a receiver ignores it and frames the body by Content-Length or the connection's close.",
	"lint.bad_chunk_size":      "The chunk size line %[1]s is not a hexadecimal number; each chunk starts with its size in hex (1a for 26 bytes) and CRLF.",
	"lint.chunk_size_mismatch": "A chunk declared as %[1]s bytes (hex %[2]s) is not followed by CRLF right after that many bytes; the size does not match the data.",
	"lint.no_last_chunk":       "The chunked body does not end with the last chunk \"0\" followed by an empty line (0\\r\\n\\r\\n), so the receiver keeps waiting.",
	"lint.body_not_allowed":    "A %[1]s response has no body, yet bytes follow its headers; they will be read as the next response.",
	"body.decode_failed":       "The body could not be decoded from %[1]s (%[2]s); the raw bytes are shown instead.",
	"body.too_large":           "The decoded body is larger than %[1]s bytes and was cut there.",
}

func newFinding(code string, args ...string) Finding {
	a := make([]any, len(args))
	for i, s := range args {
		a[i] = s
	}
	return Finding{Code: code, Args: args, Text: fmt.Sprintf(findingText[code], a...)}
}

// Lint explains what is wrong with raw, one request or response, in a learner's words. It is
// ParseMessage's Warnings.
func Lint(raw []byte, isRequest bool, reqMethod string) []Finding {
	return ParseMessage(raw, isRequest, reqMethod).Warnings
}

var (
	tokenRe      = regexp.MustCompile("^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
	protoRe      = regexp.MustCompile(`^HTTP/[0-9]\.[0-9]$`)
	statusLineRe = regexp.MustCompile(`^HTTP/[0-9]\.[0-9] [0-9]{3} [^\r\n]*$|^HTTP/[0-9]\.[0-9] [0-9]{3}$`)
)

// lint checks a parsed message against the rules of RFC 9112 a learner most often breaks.
func lint(m *Message, f framing, chunks chunkScan) []Finding {
	var fs []Finding
	add := func(code string, args ...string) { fs = append(fs, newFinding(code, args...)) }

	if len(m.RawHead) == 0 {
		return nil
	}
	if m.IsRequest {
		parts := strings.Split(m.StartLine, " ")
		if len(parts) != 3 || !tokenRe.MatchString(parts[0]) || parts[1] == "" || !protoRe.MatchString(parts[2]) {
			add("lint.bad_start_line", strconv.Quote(m.StartLine))
		}
	} else if !statusLineRe.MatchString(m.StartLine) {
		add("lint.bad_start_line", strconv.Quote(m.StartLine))
	}
	if f.headEnd < 0 {
		add("lint.no_blank_line")
	}

	// Line endings and header lines, numbered from 1 as the raw view shows them.
	lines := bytes.SplitAfter(m.RawHead, []byte("\n"))
	bareLF, firstBare := 0, 0
	for i, l := range lines {
		if len(l) > 0 && l[len(l)-1] == '\n' && (len(l) < 2 || l[len(l)-2] != '\r') {
			bareLF++
			if firstBare == 0 {
				firstBare = i + 1
			}
		}
	}
	if bareLF > 0 {
		add("lint.bare_lf", strconv.Itoa(firstBare), strconv.Itoa(bareLF))
	}
	first := bytes.Count(m.RawHead[:f.start], []byte("\n")) // leading blank lines
	for i, l := range lines[min(first+1, len(lines)):] {
		s := strings.TrimRight(string(l), "\r\n")
		n := strconv.Itoa(first + 2 + i)
		switch {
		case s == "":
		case s[0] == ' ' || s[0] == '\t':
			add("lint.obs_fold", n)
		default:
			name, _, ok := strings.Cut(s, ":")
			if !ok || !tokenRe.MatchString(name) {
				add("lint.bad_header_line", n, strconv.Quote(s))
			}
		}
	}

	if m.IsRequest && m.Proto == "HTTP/1.1" {
		switch hosts := len(m.Values("Host")); {
		case hosts == 0:
			add("lint.no_host")
		case hosts > 1:
			add("lint.multiple_host", strconv.Itoa(hosts))
		}
	}

	cl, te := m.Values("Content-Length"), m.Values("Transfer-Encoding")
	clN, clOK := contentLength(cl)
	if len(cl) > 0 && !clOK {
		add("lint.bad_content_length", strconv.Quote(strings.Join(cl, ", ")))
	}
	if len(te) > 0 {
		switch {
		case beforeHTTP11(m.Proto):
			add("lint.te_http10")
		case !isChunked(te):
			add("lint.te_not_chunked", strconv.Quote(strings.Join(te, ", ")))
		}
		if len(cl) > 0 {
			add("lint.cl_te_conflict")
		}
	}
	switch f.kind {
	case bodyLength:
		if body := int64(len(m.RawBody)); body != clN {
			add("lint.cl_mismatch", strconv.FormatInt(clN, 10), strconv.FormatInt(body, 10))
		}
	case bodyChunked:
		switch {
		case chunks.bad != "":
			add(chunks.bad, chunks.badArgs...)
		case !chunks.complete:
			add("lint.no_last_chunk")
		}
	case bodyNone:
		if !m.IsRequest && len(m.RawBody) > 0 && (m.Status/100 == 1 || m.Status == 204 || m.Status == 304) {
			add("lint.body_not_allowed", strconv.Itoa(m.Status))
		}
	}
	return fs
}

// FindingTemplates returns every finding code with its English sentence in
// fmt form (%[1]s …), for translation files and their completeness test.
func FindingTemplates() map[string]string { return maps.Clone(findingText) }

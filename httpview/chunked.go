package httpview

import (
	"bytes"
	"strconv"
	"strings"
)

// maxChunkLine matches net/http's limit on a chunk-size line; a longer one is malformed rather
// than something to wait for.
const maxChunkLine = 4096

// chunkScan is what scanChunked found walking a chunked body. It exists because framing must find
// where a chunked body ends on a partial stream, tolerating bare LF, which net/http's chunked
// reader does not; decoding for display still goes through httputil.NewChunkedReader first.
type chunkScan struct {
	n        int      // bytes through the end of the trailer section (when complete)
	complete bool     // the last chunk and the trailer section were seen
	data     [][]byte // chunk data, in order (only when collecting)
	trailers []Header
	bad      string // lint code of the first framing error, "" if none
	badArgs  []string
	bareLF   bool // some chunk or trailer line ends in LF only
}

// scanChunked walks the chunked body at the start of b. When keep is set it records the chunk
// data. It stops at the first framing error, with bad set and complete false.
func scanChunked(b []byte, keep bool) chunkScan {
	var r chunkScan
	i := 0
	for {
		line, next, ok := chunkLine(b, i, &r)
		if !ok {
			if r.bad == "" && len(b)-i > maxChunkLine {
				r.bad, r.badArgs = "lint.bad_chunk_size", []string{quoteShort(b[i:])}
			}
			return r
		}
		size, err := parseChunkSize(line)
		if err != nil {
			r.bad, r.badArgs = "lint.bad_chunk_size", []string{quoteShort(line)}
			return r
		}
		i = next
		if size == 0 {
			break
		}
		if size > uint64(len(b)-i) {
			return r // wait for the data
		}
		n := int(size)
		if keep {
			r.data = append(r.data, b[i:i+n])
		}
		i += n
		// The chunk data must be followed by CRLF; a learner who miscounted the size shows up here.
		switch {
		case bytes.HasPrefix(b[i:], []byte("\r\n")):
			i += 2
		case bytes.HasPrefix(b[i:], []byte("\n")):
			r.bareLF = true
			i++
		case len(b)-i == 0 || (len(b)-i == 1 && b[i] == '\r'):
			return r
		default:
			r.bad, r.badArgs = "lint.chunk_size_mismatch", []string{strconv.FormatUint(size, 10), string(line)}
			return r
		}
	}
	// Trailer section: fields up to an empty line.
	for {
		line, next, ok := chunkLine(b, i, &r)
		if !ok {
			if r.bad == "" && len(b)-i > MaxHeadBytes {
				r.bad, r.badArgs = "lint.bad_chunk_size", []string{quoteShort(b[i:])}
			}
			return r
		}
		i = next
		if len(line) == 0 {
			r.n, r.complete = i, true
			return r
		}
		if keep {
			name, value, _ := strings.Cut(string(line), ":")
			r.trailers = append(r.trailers, Header{Name: name, Value: trimOWS(value)})
		}
	}
}

// chunkLine returns the line starting at i without its line ending, and the offset after it.
func chunkLine(b []byte, i int, r *chunkScan) (line []byte, next int, ok bool) {
	j := bytes.IndexByte(b[i:], '\n')
	if j < 0 {
		return nil, 0, false
	}
	line = b[i : i+j]
	if l, found := bytes.CutSuffix(line, []byte("\r")); found {
		line = l
	} else {
		r.bareLF = true
	}
	return line, i + j + 1, true
}

// parseChunkSize reads a chunk-size line: hex digits, optional white space, optional extensions.
func parseChunkSize(line []byte) (uint64, error) {
	if len(line) >= maxChunkLine {
		return 0, strconv.ErrRange
	}
	s, _, _ := strings.Cut(string(line), ";")
	s = trimOWS(s)
	if s == "" || len(s) > 16 || s[0] == '+' || s[0] == '-' {
		return 0, strconv.ErrSyntax
	}
	return strconv.ParseUint(s, 16, 64)
}

// quoteShort quotes at most 40 bytes of b for a finding.
func quoteShort(b []byte) string {
	const max = 40
	if len(b) > max {
		return strconv.Quote(string(b[:max])) + "…"
	}
	return strconv.Quote(string(b))
}

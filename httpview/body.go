package httpview

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httputil"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/andybalholm/brotli"
	"golang.org/x/text/encoding/htmlindex"
)

// MaxDecodedBody bounds what content decoding may produce, so a compression bomb cannot exhaust
// memory; the raw bytes are kept whole regardless.
const MaxDecodedBody = 64 << 20

// dechunk undoes chunked transfer coding. net/http's chunked reader does it; only when it refuses
// (bare LF, a miscounted chunk) are the chunks the tolerant scanner found used instead, so a
// hand-typed message still shows a body.
func dechunk(body []byte, s chunkScan) []byte {
	out, err := io.ReadAll(httputil.NewChunkedReader(bytes.NewReader(body)))
	if err == nil || len(s.data) == 0 && !s.complete {
		return out
	}
	return bytes.Join(s.data, nil)
}

// decodeBody undoes the Content-Encoding codings, last applied first.
func (m *Message) decodeBody() {
	m.Body = m.Payload
	var codings []string
	for _, v := range m.Values("Content-Encoding") {
		for _, c := range strings.Split(v, ",") {
			if c = strings.ToLower(trimOWS(c)); c != "" && c != "identity" {
				codings = append(codings, c)
			}
		}
	}
	body := m.Payload
	for i := len(codings) - 1; i >= 0; i-- {
		out, err := decode(codings[i], body)
		if err != nil {
			m.Warnings = append(m.Warnings, newFinding("body.decode_failed", codings[i], err.Error()))
			if len(out) == 0 {
				return // keep the raw payload in Body
			}
		}
		body = out
		if len(out) >= MaxDecodedBody {
			m.Warnings = append(m.Warnings, newFinding("body.too_large", strconv.Itoa(MaxDecodedBody)))
			break
		}
	}
	m.Body = body
}

// decode undoes one content coding. On error it returns what was decoded before the error.
func decode(coding string, b []byte) ([]byte, error) {
	var r io.Reader
	switch coding {
	case "gzip", "x-gzip":
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			return nil, err
		}
		r = zr
	case "deflate":
		// "deflate" means zlib (RFC 9110 §8.4.1.2), but some servers send a raw deflate stream.
		zr, err := zlib.NewReader(bytes.NewReader(b))
		if err != nil {
			r = flate.NewReader(bytes.NewReader(b))
		} else {
			r = zr
		}
	case "br":
		r = brotli.NewReader(bytes.NewReader(b))
	default:
		return nil, fmt.Errorf("unknown content coding %q", coding)
	}
	out, err := io.ReadAll(io.LimitReader(r, MaxDecodedBody))
	return out, err
}

// BodyView is the body rendered for display.
type BodyView struct {
	Kind    string // "empty", "json", "text" or "binary"
	Charset string // the charset text was decoded from ("utf-8" unless the message says otherwise)
	Text    string // the rendering, ending in a marker when truncated
	Omitted int    // bytes of the rendering left out
}

// View renders the decoded body by its Content-Type: JSON pretty-printed, text decoded from its
// charset, anything else as a hex dump. At most max bytes of rendering are kept (max <= 0: all);
// what is left out is counted and named in a marker at the end of Text.
func (m *Message) View(max int) BodyView {
	if len(m.Body) == 0 {
		return BodyView{Kind: "empty"}
	}
	ct, _ := m.Header("Content-Type")
	if ct == "" {
		ct = http.DetectContentType(m.Body)
	}
	mediaType, params, err := mime.ParseMediaType(ct)
	if err != nil {
		mediaType, _, _ = strings.Cut(strings.ToLower(ct), ";")
		mediaType = strings.TrimSpace(mediaType)
	}
	charset := strings.ToLower(params["charset"])

	if isJSON(mediaType) && (charset == "" || charset == "utf-8") {
		var out bytes.Buffer
		if json.Indent(&out, m.Body, "", "  ") == nil {
			return truncateView(BodyView{Kind: "json", Charset: "utf-8"}, out.String(), max)
		}
	}
	if charset != "" && charset != "utf-8" {
		if enc, err := htmlindex.Get(charset); err == nil {
			if text, err := enc.NewDecoder().Bytes(m.Body); err == nil {
				return truncateView(BodyView{Kind: "text", Charset: charset}, string(text), max)
			}
		}
	}
	if (charset != "" || isText(mediaType)) && utf8.Valid(m.Body) || charset == "utf-8" {
		return truncateView(BodyView{Kind: "text", Charset: "utf-8"}, strings.ToValidUTF8(string(m.Body), "\uFFFD"), max)
	}
	// The hex dump is cut by input so a huge body is not dumped whole first.
	v := BodyView{Kind: "binary"}
	b := m.Body
	if max > 0 {
		if per := max / 4; len(b) > per { // a dump line is ~4 bytes per input byte
			v.Omitted = len(b) - per
			b = b[:per]
		}
	}
	v.Text = hex.Dump(b)
	if v.Omitted > 0 {
		v.Text += marker(v.Omitted, "bytes")
	}
	return v
}

func truncateView(v BodyView, text string, max int) BodyView {
	if max > 0 && len(text) > max {
		cut := max
		for cut > 0 && !utf8.RuneStart(text[cut]) {
			cut--
		}
		v.Omitted = len(text) - cut
		text = text[:cut] + marker(v.Omitted, "bytes")
	}
	v.Text = text
	return v
}

// marker says how much of a view was left out. The UI may replace it by Omitted in its language.
func marker(n int, unit string) string {
	return fmt.Sprintf("\n… [%d more %s not shown]", n, unit)
}

func isJSON(mediaType string) bool {
	return mediaType == "application/json" || strings.HasSuffix(mediaType, "+json")
}

func isText(mediaType string) bool {
	switch {
	case strings.HasPrefix(mediaType, "text/"), isJSON(mediaType), strings.HasSuffix(mediaType, "+xml"):
		return true
	}
	switch mediaType {
	case "application/xml", "application/javascript", "application/ecmascript",
		"application/x-www-form-urlencoded", "application/x-javascript":
		return true
	}
	return false
}

package httpview

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/andybalholm/brotli"
)

func hasCode(fs []Finding, code string) bool {
	return slices.ContainsFunc(fs, func(f Finding) bool { return f.Code == code })
}

func codes(fs []Finding) []string {
	var cs []string
	for _, f := range fs {
		cs = append(cs, f.Code)
	}
	return cs
}

// splitAll splits a whole fixture as a stream that then closes.
func splitAll(t *testing.T, raw []byte, isRequest bool) []*Message {
	t.Helper()
	s := NewSplitter(isRequest)
	ms := s.Write(raw)
	ms = append(ms, s.Close()...)
	var joined []byte
	for _, m := range ms {
		joined = append(joined, m.Raw()...)
	}
	if !bytes.Equal(joined, raw) {
		t.Fatalf("messages do not add up to the stream:\n got %q\nwant %q", joined, raw)
	}
	return ms
}

func TestFixtureBrowserGet(t *testing.T) {
	ms := splitAll(t, readFixture(t, "browser-get.http"), true)
	if len(ms) != 1 {
		t.Fatalf("got %d messages; want 1", len(ms))
	}
	m := ms[0]
	if m.StartLine != "GET / HTTP/1.1" || m.Method != "GET" || m.Target != "/" || m.Proto != "HTTP/1.1" {
		t.Fatalf("request line %q = %q %q %q", m.StartLine, m.Method, m.Target, m.Proto)
	}
	want := []string{"Host", "Connection", "Upgrade-Insecure-Requests", "User-Agent", "Accept", "Accept-Encoding", "Accept-Language"}
	var got []string
	for _, h := range m.Headers {
		got = append(got, h.Name)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("headers %q; want %q", got, want)
	}
	if v, _ := m.Header("host"); v != "192.168.1.3:1024" {
		t.Fatalf("Host = %q", v)
	}
	if len(m.RawBody) != 0 || len(m.Body) != 0 || m.Incomplete || len(m.Warnings) != 0 {
		t.Fatalf("body %q, incomplete %v, warnings %v", m.RawBody, m.Incomplete, codes(m.Warnings))
	}
	if v := m.View(0); v.Kind != "empty" {
		t.Fatalf("view kind %q", v.Kind)
	}
}

func TestFixturePostForm(t *testing.T) {
	ms := splitAll(t, readFixture(t, "post-form.http"), true)
	if len(ms) != 1 {
		t.Fatalf("got %d messages; want 1", len(ms))
	}
	m := ms[0]
	if q := m.Query(); !slices.Equal(q, []Param{{"name", "test1"}, {"id", "123456"}}) {
		t.Fatalf("query %q", q)
	}
	form := m.Form()
	if !slices.Contains(form, FormField{Name: "city", Value: "北京"}) || len(form) != 3 {
		t.Fatalf("form %+v", form)
	}
	if c := m.Cookies(); !slices.Equal(c, []Cookie{{Name: "BD_HOME", Value: "1"}, {Name: "BDSVRTM", Value: "21"}}) {
		t.Fatalf("cookies %+v", c)
	}
	if len(m.Warnings) != 0 {
		t.Fatalf("warnings %v", codes(m.Warnings))
	}
	if v := m.View(0); v.Kind != "text" || v.Text != "name=test1&id=123456&city=%E5%8C%97%E4%BA%AC" {
		t.Fatalf("view %+v", v)
	}
}

func TestFixturePipelined(t *testing.T) {
	raw := readFixture(t, "pipelined-keepalive.http")
	// Fed byte by byte, as a slow connection would deliver it, then all at once.
	s := NewSplitter(true)
	var ms []*Message
	for i := range raw {
		ms = append(ms, s.Write(raw[i:i+1])...)
	}
	ms = append(ms, s.Close()...)
	whole := splitAll(t, raw, true)
	for _, ms := range [][]*Message{ms, whole} {
		if len(ms) != 3 {
			t.Fatalf("got %d messages; want 3", len(ms))
		}
		targets := []string{"/index.html", "/style.css", "/logo.png"}
		for i, m := range ms {
			if m.Method != "GET" || m.Target != targets[i] || m.Incomplete || len(m.Warnings) != 0 {
				t.Fatalf("message %d: %q %q incomplete=%v warnings=%v", i, m.Method, m.Target, m.Incomplete, codes(m.Warnings))
			}
			c, _ := m.Header("Connection")
			if (c == "close") != (i == 2) {
				t.Fatalf("message %d: Connection %q", i, c)
			}
		}
		if ms[1].Offset != 37 || ms[2].Offset != 73 {
			t.Fatalf("offsets %d, %d", ms[1].Offset, ms[2].Offset)
		}
	}
}

func TestFixtureBareLF(t *testing.T) {
	ms := splitAll(t, readFixture(t, "bare-lf.http"), true)
	if len(ms) != 1 {
		t.Fatalf("got %d messages; want 1", len(ms))
	}
	m := ms[0]
	if m.Method != "GET" || m.Target != "/" || len(m.Headers) != 2 || m.Headers[1] != (Header{"User-Agent", "nc"}) {
		t.Fatalf("parsed %q %q %+v", m.Method, m.Target, m.Headers)
	}
	if len(m.Warnings) != 1 || m.Warnings[0].Code != "lint.bare_lf" {
		t.Fatalf("warnings %v; want lint.bare_lf", codes(m.Warnings))
	}
	if w := m.Warnings[0]; !slices.Equal(w.Args, []string{"1", "4"}) || !strings.Contains(w.Text, "Line 1 ends with LF only; HTTP requires CRLF") {
		t.Fatalf("finding %+v", w)
	}
}

func TestFixtureCLTEConflict(t *testing.T) {
	ms := splitAll(t, readFixture(t, "cl-te-conflict.http"), true)
	if len(ms) != 1 {
		t.Fatalf("got %d messages; want 1", len(ms))
	}
	m := ms[0]
	if string(m.Body) != "hello" || !m.Chunked || m.Incomplete {
		t.Fatalf("body %q chunked=%v incomplete=%v", m.Body, m.Chunked, m.Incomplete)
	}
	if !slices.Equal(codes(m.Warnings), []string{"lint.cl_te_conflict"}) {
		t.Fatalf("warnings %v", codes(m.Warnings))
	}
}

func TestFixtureResponseGzipChunked(t *testing.T) {
	raw := readFixture(t, "response-gzip-chunked.http")
	c := NewConn()
	c.ClientData([]byte("GET / HTTP/1.1\r\nHost: www.baidu.com\r\n\r\n"))
	ms := c.ServerData(raw)
	if len(ms) != 1 {
		t.Fatalf("got %d messages; want 1 (before close)", len(ms))
	}
	m := ms[0]
	// The README's "18 header rows" are the 18 lines of the head: the status line and 17 fields.
	if lines := bytes.Count(m.RawHead, []byte("\r\n")) - 1; lines != 18 {
		t.Fatalf("%d head lines; want 18", lines)
	}
	if m.Status != 200 || m.Reason != "OK" || m.Proto != "HTTP/1.1" || len(m.Headers) != 17 {
		t.Fatalf("status %d %q %q, %d headers", m.Status, m.Reason, m.Proto, len(m.Headers))
	}
	if n := len(m.Values("Set-Cookie")); n != 3 {
		t.Fatalf("%d Set-Cookie headers; want 3", n)
	}
	cs := m.Cookies()
	if len(cs) != 3 || cs[2].Name != "H_PS_PSSID" || cs[2].Attrs != "path=/; domain=.baidu.com" {
		t.Fatalf("cookies %+v", cs)
	}
	want := readFixture(t, "response-gzip-chunked.body.html")
	if !bytes.Equal(m.Body, want) {
		t.Fatalf("body %q; want %q", m.Body, want)
	}
	if len(m.Warnings) != 0 || m.Incomplete {
		t.Fatalf("warnings %v incomplete %v", codes(m.Warnings), m.Incomplete)
	}
	if v := m.View(0); v.Kind != "text" || v.Text != string(want) {
		t.Fatalf("view %+v", v)
	}
}

func TestFixtureResponseGBK(t *testing.T) {
	ms := splitAll(t, readFixture(t, "response-gbk.http"), false)
	if len(ms) != 1 {
		t.Fatalf("got %d messages; want 1", len(ms))
	}
	v := ms[0].View(0)
	if v.Kind != "text" || v.Charset != "gbk" || v.Text != "你好，世界" {
		t.Fatalf("view %+v", v)
	}
}

func TestFixtureSeedFixedResponse(t *testing.T) {
	raw := readFixture(t, "seed-fixed-response.http")
	s := NewSplitter(false)
	if ms := s.Write(raw); len(ms) != 0 {
		t.Fatalf("a response without length completed before close: %d", len(ms))
	}
	ms := s.Close()
	if len(ms) != 1 {
		t.Fatalf("got %d messages; want 1", len(ms))
	}
	m := ms[0]
	if m.Status != 200 || len(m.Headers) != 0 || string(m.Body) != "hahahah" || m.Incomplete || len(m.Warnings) != 0 {
		t.Fatalf("status %d headers %v body %q incomplete %v warnings %v", m.Status, m.Headers, m.Body, m.Incomplete, codes(m.Warnings))
	}
}

func TestContentEncodings(t *testing.T) {
	const text = "hello, world hello, world hello, world"
	compress := map[string]func([]byte) []byte{
		"gzip": func(b []byte) []byte {
			var out bytes.Buffer
			w := gzip.NewWriter(&out)
			w.Write(b)
			w.Close()
			return out.Bytes()
		},
		"deflate": func(b []byte) []byte {
			var out bytes.Buffer
			w := zlib.NewWriter(&out)
			w.Write(b)
			w.Close()
			return out.Bytes()
		},
		"raw deflate": func(b []byte) []byte {
			var out bytes.Buffer
			w, _ := flate.NewWriter(&out, flate.DefaultCompression)
			w.Write(b)
			w.Close()
			return out.Bytes()
		},
		"br": func(b []byte) []byte {
			var out bytes.Buffer
			w := brotli.NewWriter(&out)
			w.Write(b)
			w.Close()
			return out.Bytes()
		},
	}
	for name, fn := range compress {
		t.Run(name, func(t *testing.T) {
			coding, _, _ := strings.Cut(strings.TrimPrefix(name, "raw "), " ")
			body := fn([]byte(text))
			raw := "HTTP/1.1 200 OK\r\nContent-Encoding: " + coding + "\r\nContent-Type: text/plain\r\nContent-Length: " +
				strconv.Itoa(len(body)) + "\r\n\r\n" + string(body)
			m := ParseMessage([]byte(raw), false, "GET")
			if string(m.Body) != text || len(m.Warnings) != 0 || !bytes.Equal(m.Payload, body) {
				t.Fatalf("body %q warnings %v", m.Body, codes(m.Warnings))
			}
		})
	}
	t.Run("broken gzip", func(t *testing.T) {
		m := ParseMessage([]byte("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 5\r\n\r\nhello"), false, "GET")
		if string(m.Body) != "hello" || !slices.Equal(codes(m.Warnings), []string{"body.decode_failed"}) {
			t.Fatalf("body %q warnings %v", m.Body, codes(m.Warnings))
		}
	})
}

package httpview

import (
	"bytes"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func TestMultipartForm(t *testing.T) {
	body := "--XX\r\nContent-Disposition: form-data; name=\"t\"\r\n\r\nhi\r\n" +
		"--XX\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\nfile!\r\n--XX--\r\n"
	raw := "POST /up HTTP/1.1\r\nHost: a\r\nContent-Type: multipart/form-data; boundary=XX\r\nContent-Length: " +
		strconv.Itoa(len(body)) + "\r\n\r\n" + body
	m := ParseMessage([]byte(raw), true, "")
	want := []FormField{{Name: "t", Value: "hi", Size: 2}, {Name: "f", FileName: "a.txt", ContentType: "text/plain", Size: 5}}
	if got := m.Form(); !slices.Equal(got, want) {
		t.Fatalf("form %+v; want %+v", got, want)
	}
}

func TestQueryAndCookiesTolerant(t *testing.T) {
	m := ParseMessage([]byte("GET /p?a=1&b=%zz&c&d=x+y#frag HTTP/1.1\r\nHost: h\r\nCookie: k=v; bare; =e\r\nCookie: z=1\r\n\r\n"), true, "")
	if q := m.Query(); !slices.Equal(q, []Param{{"a", "1"}, {"b", "%zz"}, {"c", ""}, {"d", "x y"}}) {
		t.Fatalf("query %q", q)
	}
	want := []Cookie{{Name: "k", Value: "v"}, {Name: "bare"}, {Name: "", Value: "e"}, {Name: "z", Value: "1"}}
	if c := m.Cookies(); !slices.Equal(c, want) {
		t.Fatalf("cookies %+v", c)
	}
}

func TestObsFold(t *testing.T) {
	m := ParseMessage([]byte("GET / HTTP/1.1\r\nHost: a\r\nX-Long: one\r\n  two\r\n\tthree\r\n\r\n"), true, "")
	if v, _ := m.Header("X-Long"); v != "one two three" {
		t.Fatalf("X-Long = %q", v)
	}
	// A continuation line of white space only adds nothing: a value has no white space at its
	// ends (RFC 9110 §5.5), and one space stands for a fold (RFC 9112 §5.2).
	m = ParseMessage([]byte("0 /0 HTTP/0.0\n0:0\n \n\n"), true, "")
	if v, _ := m.Header("0"); v != "0" {
		t.Fatalf("0 = %q", v)
	}
	m = ParseMessage([]byte("GET / HTTP/1.1\r\nX: a\r\n \r\n\tb\r\n\r\n"), true, "")
	if v, _ := m.Header("X"); v != "a b" {
		t.Fatalf("X = %q", v)
	}
}

func TestView(t *testing.T) {
	resp := func(ct, body string) *Message {
		return ParseMessage([]byte("HTTP/1.1 200 OK\r\nContent-Type: "+ct+"\r\nContent-Length: "+strconv.Itoa(len(body))+"\r\n\r\n"+body), false, "GET")
	}
	if v := resp("application/json", `{"a":[1,2]}`).View(0); v.Kind != "json" || v.Text != "{\n  \"a\": [\n    1,\n    2\n  ]\n}" {
		t.Fatalf("json view %+v", v)
	}
	if v := resp("application/json", `{bad`).View(0); v.Kind != "text" || v.Text != "{bad" {
		t.Fatalf("bad json view %+v", v)
	}
	if v := resp("application/octet-stream", "\x00\x01AB").View(0); v.Kind != "binary" || !strings.HasPrefix(v.Text, "00000000  00 01 41 42") {
		t.Fatalf("binary view %+v", v)
	}
	big := strings.Repeat("世界", 1000) // 6000 bytes
	v := resp("text/plain; charset=utf-8", big).View(1000)
	if v.Omitted != 5001 || !strings.HasSuffix(v.Text, "[5001 more bytes not shown]") || !strings.HasPrefix(big, strings.SplitN(v.Text, "\n…", 2)[0]) {
		t.Fatalf("truncated view: omitted %d, tail %q", v.Omitted, v.Text[len(v.Text)-40:])
	}
	bin := resp("image/png", string(bytes.Repeat([]byte{0xff}, 10000))).View(400)
	if bin.Kind != "binary" || bin.Omitted != 9900 || !strings.HasSuffix(bin.Text, "[9900 more bytes not shown]") {
		t.Fatalf("binary truncated: omitted %d", bin.Omitted)
	}
}

func TestConnPairsHead(t *testing.T) {
	c := NewConn()
	reqs := c.ClientData([]byte("HEAD / HTTP/1.1\r\nHost: a\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n"))
	if len(reqs) != 2 {
		t.Fatalf("%d requests", len(reqs))
	}
	resps := c.ServerData([]byte("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n" +
		"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"))
	if len(resps) != 3 || len(resps[0].Body) != 0 || resps[1].Status != 100 || string(resps[2].Body) != "hello" {
		t.Fatalf("responses %d", len(resps))
	}
	if r, s := c.Close(); len(r)+len(s) != 0 {
		t.Fatalf("left over %d, %d", len(r), len(s))
	}
}

func TestSplitterIncompleteAtClose(t *testing.T) {
	s := NewSplitter(true)
	ms := s.Write([]byte("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nabc"))
	if len(ms) != 0 {
		t.Fatalf("%d messages before close", len(ms))
	}
	ms = s.Close()
	if len(ms) != 1 || !ms[0].Incomplete || string(ms[0].Payload) != "abc" || !hasCode(ms[0].Warnings, "lint.cl_mismatch") {
		t.Fatalf("close gave %d messages", len(ms))
	}
}

func TestSplitterUpgrade(t *testing.T) {
	c := NewConn()
	c.ClientData([]byte("GET /ws HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"))
	resps := c.ServerData([]byte("HTTP/1.1 101 Switching Protocols\r\n\r\n\x81\x02hi"))
	if len(resps) != 1 || c.Responses.Tunnel != 4 {
		t.Fatalf("%d responses, tunnel %d", len(resps), c.Responses.Tunnel)
	}
	if ms := c.ClientData([]byte("\x81\x82abcdef")); len(ms) != 0 || c.Requests.Tunnel != 8 {
		t.Fatalf("websocket frames parsed as HTTP: %d", len(ms))
	}
}

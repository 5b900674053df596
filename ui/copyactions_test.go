package ui

import (
	"io"
	"net"
	"os/exec"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"netassist/httpview"
	"netassist/httpview/server"
)

// TestCopyExchangeFromRequestList: in the HTTP server's request list, Copy
// request and Copy response put the exact bytes on the clipboard, and the
// command Copy as curl puts there, run by bash, sends the server the same
// request again.
func TestCopyExchangeFromRequestList(t *testing.T) {
	a := newTestApp(t)
	p, srv := openHTTPServer(t, a, false)
	raw := "POST /form?x=1 HTTP/1.1\r\nHost: " + srv.Addr().String() + "\r\nContent-Type: text/plain\r\nX-Note: it's\r\nContent-Length: 7\r\n\r\na\tb'c$d"
	c, err := net.Dial("tcp", srv.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	c.Write([]byte(raw))
	io.ReadFull(c, make([]byte, 1)) // wait for the answer to start
	c.Close()
	tickUntil(t, a, "exchange answered", func() bool { return p.exch.Len() == 1 && p.exch.At(0).State == server.StateAnswered })
	p.list.Select(widget.TableCellID{Row: 0, Col: 0})
	cb := a.fa.Clipboard()

	test.Tap(p.copyBar.reqBtn)
	if got := cb.Content(); got != raw {
		t.Fatalf("Copy request put %q; want %q", got, raw)
	}
	test.Tap(p.copyBar.respBtn)
	if got := cb.Content(); got == "" || got != string(p.exch.At(0).RawResponse) {
		t.Fatalf("Copy response put %q; want %q", got, p.exch.At(0).RawResponse)
	}
	test.Tap(p.copyBar.curlBtn)
	cmd := cb.Content()
	if !strings.HasPrefix(cmd, "curl ") {
		t.Fatalf("Copy as curl put %q", cmd)
	}
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("curl is not installed (scripts/deps.sh test)")
	}
	if out, err := exec.Command("bash", "-c", cmd+" --silent --output /dev/null").CombinedOutput(); err != nil {
		t.Fatalf("%s: %v %s", cmd, err, out)
	}
	tickUntil(t, a, "curl's request listed", func() bool { return p.exch.Len() == 2 && p.exch.At(1).State == server.StateAnswered })
	first := httpview.ParseMessage([]byte(raw), true, "")
	again := httpview.ParseMessage(p.exch.At(1).RawRequest, true, "")
	if again.StartLine != first.StartLine || string(again.Payload) != string(first.Payload) ||
		!sameHeaders(first.Headers, again.Headers) {
		t.Fatalf("curl sent\n%s\nwant\n%s", p.exch.At(1).RawRequest, raw)
	}
}

func sameHeaders(a, b []httpview.Header) bool {
	m := map[string]string{}
	for _, h := range a {
		m[strings.ToLower(h.Name)] = h.Value
	}
	if len(a) != len(b) {
		return false
	}
	for _, h := range b {
		if m[strings.ToLower(h.Name)] != h.Value {
			return false
		}
	}
	return true
}

// TestCopyFromHTTPMessages: in the HTTP messages view of a byte session,
// Copy raw copies the selected message and Copy as curl refuses a response.
func TestCopyFromHTTPMessages(t *testing.T) {
	a := newTestApp(t)
	h := newHTTPTraffic(false)
	h.fa = a.fa
	h.build()
	req := []byte("GET /x HTTP/1.1\r\nHost: 127.0.0.1:1\r\n\r\n")
	res := []byte("HTTP/1.1 204 No Content\r\n\r\n")
	h.apply([]trafficMsg{
		{conn: 1, peer: "127.0.0.1:1", m: httpview.ParseMessage(req, true, "")},
		{conn: 1, peer: "127.0.0.1:1", m: httpview.ParseMessage(res, false, "GET")},
	}, false)
	cb := a.fa.Clipboard()
	h.onRowSelected(0)
	test.Tap(h.copyBar.curlBtn)
	if got, want := cb.Content(), "curl --path-as-is --globoff --header 'User-Agent:' --header 'Accept:' 'http://127.0.0.1:1/x'"; got != want {
		t.Fatalf("Copy as curl put %q; want %q", got, want)
	}
	h.onRowSelected(1)
	test.Tap(h.copyBar.reqBtn)
	if got := cb.Content(); got != string(res) {
		t.Fatalf("Copy raw put %q; want %q", got, res)
	}
	cb.SetContent("")
	test.Tap(h.copyBar.curlBtn)
	if cb.Content() != "" || h.copyBar.said.Text == "" {
		t.Fatalf("Copy as curl on a response put %q and said %q", cb.Content(), h.copyBar.said.Text)
	}
}

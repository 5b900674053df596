package ui

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"netassist/httpview/server"
	"netassist/netassist"
)

// openHTTPServer opens an HTTP server panel on 127.0.0.1:0 (with manual
// answers when manual is set) and returns it with its server.
func openHTTPServer(t *testing.T, a *App, manual bool) (*httpServerPanel, *server.Server) {
	t.Helper()
	p := a.NewPanel(netassist.KindHTTPServer).(*httpServerPanel)
	p.host.SetText("127.0.0.1")
	p.port.SetText("0")
	if manual {
		p.mode.SetSelected(T("http.manual", "Manual answers"))
	}
	test.Tap(p.openBtn)
	srv := p.srv.Load()
	if srv == nil {
		t.Fatalf("not open: %s", p.sessErr.Text)
	}
	return p, srv
}

func TestHTTPServerManualAnswer(t *testing.T) {
	a := newTestApp(t)
	p, srv := openHTTPServer(t, a, true)
	if p.respSlot.Objects[0] != p.respTabs {
		t.Fatal("no answer tab beside the response in manual mode")
	}
	type result struct {
		body string
		err  error
	}
	done := make(chan result, 1)
	go func() {
		resp, err := http.Get("http://" + srv.Addr().String() + "/hello?x=1")
		if err != nil {
			done <- result{err: err}
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		done <- result{body: string(b)}
	}()
	tickUntil(t, a, "held request listed", func() bool {
		return p.exch.Len() == 1 && p.exch.At(0).State == server.StatePending
	})
	p.list.Select(widget.TableCellID{Row: 0, Col: 0})
	if !p.compose.Visible() {
		t.Fatal("the answer box is not shown for a held request")
	}
	if !strings.Contains(p.answerFor.Text, "/hello?x=1") {
		t.Fatalf("answer label %q", p.answerFor.Text)
	}
	if got := p.reqView.query.rows; len(got) != 1 || got[0] != [2]string{"x", "1"} {
		t.Fatalf("query table %v", got)
	}
	p.tmpl.SetSelected("200 JSON")
	test.Tap(p.answerBtn)
	if p.answerErr.Text != "" {
		t.Fatalf("answer refused: %s", p.answerErr.Text)
	}
	r := <-done
	if r.err != nil || !strings.Contains(r.body, `"from": "NetAssist"`) {
		t.Fatalf("client got %q, %v", r.body, r.err)
	}
	tickUntil(t, a, "answered", func() bool { return p.exch.At(0).State == server.StateAnswered })
	tickUntil(t, a, "response view", func() bool { return len(p.respView.raw.rows) > 0 })
	if !strings.HasPrefix(p.respView.raw.rows[0], `HTTP/1.1 200 OK\r\n`) {
		t.Fatalf("response raw view starts %q", p.respView.raw.rows[0])
	}
}

func TestParseAsHTTPOnTCPServer(t *testing.T) {
	a := newTestApp(t)
	p, addr := openServer(t, a)
	test.Tap(p.parseChk)
	c := dialPeer(t, addr)
	// Two pipelined requests on one connection.
	io.WriteString(c, "GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n")
	tickUntil(t, a, "two requests", func() bool { return len(p.http.msgs) == 2 })
	if p.http.msgs[0].m.Target != "/a" || p.http.msgs[1].m.Target != "/b" {
		t.Fatalf("targets %q %q", p.http.msgs[0].m.Target, p.http.msgs[1].m.Target)
	}
	// The seed lesson's answer, typed by hand, is read back as a response.
	test.Type(p.send.entry, `HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi`)
	test.Tap(p.send.sendBtn)
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	if string(b) != "hi" {
		t.Fatalf("body %q", b)
	}
	tickUntil(t, a, "response listed", func() bool { return len(p.http.msgs) == 3 })
	if m := p.http.msgs[2].m; m.IsRequest || m.Status != 200 {
		t.Fatalf("third message %+v", m.StartLine)
	}
}

func TestHTTPClientPanel(t *testing.T) {
	a := newTestApp(t)
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, "pong "+r.Method)
	})}
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	go srv.Serve(ln)
	defer srv.Close()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	p := a.NewPanel(netassist.KindHTTPClient).(*httpClientPanel)
	p.remoteHost.SetText("127.0.0.1")
	p.remotePort.SetText(port)
	test.Tap(p.openBtn)
	tickUntil(t, a, "connected", func() bool { return p.sess.Load() != nil || p.sessErr.Visible() })
	if p.sess.Load() == nil {
		t.Fatalf("not connected: %s", p.sessErr.Text)
	}
	p.tmpl.SetSelected("POST (form)")
	if !strings.Contains(p.send.entry.Text, "Host: 127.0.0.1:"+port) {
		t.Fatalf("template without the Host: %q", p.send.entry.Text)
	}
	test.Tap(p.send.sendBtn)
	tickUntil(t, a, "request and response", func() bool { return len(p.http.msgs) == 2 })
	resp := p.http.msgs[1].m
	if resp.Status != 200 || string(resp.Body) != "pong POST" {
		t.Fatalf("response %q body %q", resp.StartLine, resp.Body)
	}
	if req := p.http.msgs[0].m; len(req.Form()) != 2 || req.Form()[1].Value != "北京" {
		t.Fatalf("form %+v", req.Form())
	}
	_ = time.Second
}

// A request body the server left unread is said in the list row and above
// the request's findings, where the user looks.
func TestHTTPServerShowsBodyLeftUnread(t *testing.T) {
	a := newTestApp(t)
	p, srv := openHTTPServer(t, a, false)
	c, err := net.Dial("tcp", srv.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	declared := server.MaxBody + 1000
	io.WriteString(c, "PUT /up HTTP/1.1\r\nHost: t\r\nContent-Length: "+strconv.Itoa(declared)+"\r\n\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil || resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("response %v, %v; want 413", resp, err)
	}
	tickUntil(t, a, "the request listed", func() bool { return p.exch.Len() == 1 && p.exch.At(0).BodyLeft != 0 })
	want := groupDigits(uint64(declared))
	if cell := p.cellText(0, colState); !strings.Contains(cell, want) {
		t.Fatalf("state cell %q does not say %s bytes were left unread", cell, want)
	}
	p.list.Select(widget.TableCellID{Row: 0, Col: 0})
	if !strings.Contains(p.reqView.lint.Text, want) {
		t.Fatalf("request view note %q does not say %s bytes were left unread", p.reqView.lint.Text, want)
	}
	if p.sessErr.Visible() && p.sessErr.Text != "" {
		t.Errorf("a request's unread body shows as a session error: %q", p.sessErr.Text)
	}
}

// Ticking Parse as HTTP after a request arrived parses what is already in
// the view, not only what comes next.
func TestParseAsHTTPAfterTheFact(t *testing.T) {
	a := newTestApp(t)
	p, addr := openServer(t, a)
	c := dialPeer(t, addr)
	io.WriteString(c, "GET /early HTTP/1.1\r\nHost: x\r\n\r\n")
	tickUntil(t, a, "bytes shown", func() bool { return strings.Contains(viewText(p), "GET /early") })
	test.Tap(p.parseChk)
	tickUntil(t, a, "the earlier request parsed", func() bool {
		return len(p.http.msgs) == 1 && p.http.msgs[0].m.Target == "/early"
	})
	io.WriteString(c, "GET /later HTTP/1.1\r\nHost: x\r\n\r\n")
	tickUntil(t, a, "the next one too", func() bool { return len(p.http.msgs) == 2 && p.http.msgs[1].m.Target == "/later" })
	// Off and on again lists each message once.
	test.Tap(p.parseChk)
	test.Tap(p.parseChk)
	tickUntil(t, a, "listed again, once", func() bool { return len(p.http.msgs) == 2 })
}

// The Hex box applies to the Body tab as well as to Raw.
func TestMessageHexAppliesToBody(t *testing.T) {
	_ = newTestApp(t)
	v := newMsgView("Response")
	v.show([]byte("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nhi"), false, "GET")
	if len(v.body.rows) == 0 || !strings.Contains(v.body.rows[0], "hi") {
		t.Fatalf("body as text: %q", v.body.rows)
	}
	v.hex.SetChecked(true)
	if len(v.body.rows) == 0 || !strings.Contains(v.body.rows[0], "68 69") {
		t.Fatalf("body with Hex ticked: %q; want the hex of \"hi\"", v.body.rows)
	}
	v.hex.SetChecked(false)
	if !strings.Contains(v.body.rows[0], "hi") || strings.Contains(v.body.rows[0], "68 69") {
		t.Fatalf("body after unticking Hex: %q", v.body.rows)
	}
}

// Why an exchange failed is said whole where its response would be: the
// list's State column cuts a long reason short.
func TestHTTPServerShowsWhyAnExchangeFailed(t *testing.T) {
	a := newTestApp(t)
	p, srv := openHTTPServer(t, a, true)
	c, err := net.Dial("tcp", srv.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(c, "GET /wait HTTP/1.1\r\nHost: t\r\n\r\n")
	tickUntil(t, a, "the request waiting", func() bool { return p.exch.Len() == 1 && p.exch.At(0).State == server.StatePending })
	c.Close()
	tickUntil(t, a, "the request failed", func() bool { return p.exch.At(0).State == server.StateFailed })
	p.list.Select(widget.TableCellID{Row: 0, Col: 0})
	want := T("http.fail.clientclosed", "the client closed the connection (or its sending side) while waiting")
	if !strings.Contains(p.respView.lint.Text, want) {
		t.Fatalf("response view note %q does not say %q", p.respView.lint.Text, want)
	}
}

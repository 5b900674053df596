package ui

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"netassist/httpview/server"
	"netassist/netassist"
	"netassist/netassist/rules"
)

func newGoUpstream(t *testing.T) *httptest.Server {
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		io.WriteString(w, "upstream saw "+r.Method+" "+r.URL.Path+" "+string(b))
	}))
	t.Cleanup(up.Close)
	return up
}

func openProxy(t *testing.T, a *App, upstream string, holdReq bool) (*httpServerPanel, *server.Server) {
	t.Helper()
	p := a.NewPanel(netassist.KindHTTPServer).(*httpServerPanel)
	p.host.SetText("127.0.0.1")
	p.port.SetText("0")
	p.mode.SetSelected(modeForward())
	p.px.upstream.SetText(upstream)
	p.px.holdReq.SetChecked(holdReq)
	test.Tap(p.openBtn)
	srv := p.srv.Load()
	if srv == nil {
		t.Fatalf("not open: %s / %s", p.sessErr.Text, p.px.fUp.err.Text)
	}
	return p, srv
}

// Forward to shows both legs of each exchange: the client's request and
// the one that went upstream, the response the client got and the
// upstream's; the spec restores it.
func TestHTTPProxyShowsBothLegs(t *testing.T) {
	a := newTestApp(t)
	up := newGoUpstream(t)
	p, srv := openProxy(t, a, up.URL, false)
	if p.rootObj.Visible() || !p.px.box.Visible() {
		t.Error("Forward to shows the folder field, or hides the upstream field")
	}
	resp, err := http.Get("http://" + srv.Addr().String() + "/hi")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(b) != "upstream saw GET /hi " {
		t.Fatalf("client got %q", b)
	}
	tickUntil(t, a, "the exchange with its upstream leg", func() bool {
		return p.exch.Len() == 1 && p.exch.At(0).State == server.StateAnswered && len(p.exch.At(0).UpResponse) > 0
	})
	p.list.Select(widget.TableCellID{Row: 0, Col: 0})
	if p.reqSlot.Objects[0] != p.px.reqTabs || len(p.respTabs.Items) != 2 || p.respTabs.Items[1] != p.px.upRespTab {
		t.Fatal("the detail has no upstream tabs in Forward mode")
	}
	if m := p.px.upReqView.msg; m == nil || !strings.Contains(string(m.RawHead), "X-Forwarded-For: 127.0.0.1") {
		t.Errorf("upstream request view: %+v", m)
	}
	if m := p.px.upRespView.msg; m == nil || !strings.Contains(string(m.RawBody), "upstream saw GET /hi") {
		t.Errorf("upstream response view: %+v", m)
	}
	spec, open := p.spec()
	if cfg, err := netassist.ParseSpec(spec); !open || err != nil || cfg.Proxy != up.URL {
		t.Errorf("spec %q does not bring the proxy back", spec)
	}
	// Restored as the user left it.
	q := a.NewPanel(netassist.KindHTTPServer).(*httpServerPanel)
	cfg, _ := netassist.ParseSpec(spec)
	q.fill(cfg)
	if q.mode.Selected != modeForward() || q.px.upstream.Text != up.URL || !q.px.box.Visible() {
		t.Errorf("restored: mode %q upstream %q", q.mode.Selected, q.px.upstream.Text)
	}
}

// A held request is edited in the answer box and forwarded with a tap.
func TestHTTPProxyHeldRequestForwardedEdited(t *testing.T) {
	a := newTestApp(t)
	up := newGoUpstream(t)
	p, srv := openProxy(t, a, up.URL, true)
	got := make(chan string, 1)
	go func() {
		resp, err := http.Post("http://"+srv.Addr().String()+"/orig", "text/plain", strings.NewReader("abc"))
		if err != nil {
			got <- err.Error()
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		got <- string(b)
	}()
	tickUntil(t, a, "a held request", func() bool { return p.exch.Len() == 1 && p.exch.At(0).Held == server.HeldRequest })
	p.list.Select(widget.TableCellID{Row: 0, Col: 0})
	if !strings.HasPrefix(p.editor.Text, "POST /orig HTTP/1.1\n") || !strings.HasSuffix(p.editor.Text, "\n\nabc") {
		t.Fatalf("the editor holds %q; want the held request", p.editor.Text)
	}
	if !strings.HasPrefix(p.answerFor.Text, "Held request #1 POST /orig") {
		t.Errorf("answerFor %q", p.answerFor.Text)
	}
	p.editor.SetText(strings.Replace(strings.Replace(p.editor.Text, "/orig", "/edited", 1), "abc", "changed", 1))
	test.Tap(p.px.fwdEditBtn)
	if p.answerErr.Text != "" {
		t.Fatalf("forward refused: %s", p.answerErr.Text)
	}
	if b := <-got; b != "upstream saw POST /edited changed" {
		t.Fatalf("client got %q", b)
	}
}

// An upstream that refuses is said in words in the list.
func TestHTTPProxyRefusedInWords(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := ln.Addr().String()
	ln.Close()
	a := newTestApp(t)
	p, srv := openProxy(t, a, "http://"+dead, false)
	if resp, err := http.Get("http://" + srv.Addr().String() + "/"); err == nil {
		resp.Body.Close()
	}
	tickUntil(t, a, "the refused exchange", func() bool { return p.exch.Len() == 1 && p.exch.At(0).Status == 502 })
	if got := p.cellText(0, colState); !strings.Contains(got, "refused the connection") {
		t.Errorf("state %q", got)
	}
}

// A bad upstream is refused beside its field, in words.
func TestHTTPProxyBadUpstream(t *testing.T) {
	a := newTestApp(t)
	p := a.NewPanel(netassist.KindHTTPServer).(*httpServerPanel)
	p.port.SetText("0")
	p.mode.SetSelected(modeForward())
	p.px.upstream.SetText("127.0.0.1:8081")
	test.Tap(p.openBtn)
	if p.srv.Load() != nil {
		t.Fatal("opened with a bad upstream")
	}
	if got := p.px.fUp.err.Text; !strings.Contains(got, "http://") {
		t.Errorf("field error %q", got)
	}
}

// A held response fills the editor after its request was forwarded from
// the same row; an edit of it is sent with Send answer.
func TestHTTPProxyHeldResponseEdited(t *testing.T) {
	a := newTestApp(t)
	up := newGoUpstream(t)
	p := a.NewPanel(netassist.KindHTTPServer).(*httpServerPanel)
	p.host.SetText("127.0.0.1")
	p.port.SetText("0")
	p.mode.SetSelected(modeForward())
	p.px.upstream.SetText(up.URL)
	p.px.holdReq.SetChecked(true)
	p.px.holdResp.SetChecked(true)
	test.Tap(p.openBtn)
	srv := p.srv.Load()
	if srv == nil {
		t.Fatal("not open")
	}
	got := make(chan string, 1)
	go func() {
		resp, err := http.Get("http://" + srv.Addr().String() + "/r")
		if err != nil {
			got <- err.Error()
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		got <- string(b)
	}()
	tickUntil(t, a, "a held request", func() bool { return p.exch.Len() == 1 && p.exch.At(0).Held == server.HeldRequest })
	p.list.Select(widget.TableCellID{Row: 0, Col: 0})
	test.Tap(p.px.fwdBtn)
	tickUntil(t, a, "the held response in the editor", func() bool {
		return p.exch.Len() == 1 && p.exch.At(0).Held == server.HeldResponse && strings.Contains(p.editor.Text, "upstream saw GET /r")
	})
	if !p.px.fwdEditBtn.Disabled() {
		t.Error("Forward edited is offered for a response (its edit goes with Send answer)")
	}
	p.editor.SetText(strings.Replace(p.editor.Text, "upstream saw", "edited:", 1))
	test.Tap(p.answerBtn)
	if p.answerErr.Text != "" {
		t.Fatalf("answer refused: %s", p.answerErr.Text)
	}
	if b := <-got; b != "edited: GET /r " {
		t.Fatalf("client got %q", b)
	}
}

// At 1024×700 Forward to keeps the request and response views at least
// half the window high, with holding on too.
func TestHTTPProxyLayoutAt1024x700(t *testing.T) {
	up := newGoUpstream(t)
	for _, hold := range []bool{false, true} {
		a := newTestApp(t)
		a.win.Resize(fyne.NewSize(1024, 700))
		p, _ := openProxy(t, a, up.URL, hold)
		for name, o := range map[string]fyne.CanvasObject{"request": p.reqObj, "response": p.respObj} {
			if h := o.Size().Height; h < 350 {
				t.Errorf("hold %v: the %s view is %v high; want at least half of 700", hold, name, h)
			}
		}
		if w := a.win.Canvas().Content().MinSize().Width; w > 1024 {
			t.Errorf("hold %v: the window needs %v wide", hold, w)
		}
	}
}

// --rules for an HTTP server: the rule answers first and the list names it;
// what no rule answers goes upstream.
func TestHTTPServerRulesMarkedInList(t *testing.T) {
	a := newTestApp(t)
	up := newGoUpstream(t)
	cfg, err := netassist.ParseSpec("http-server://127.0.0.1:0?proxy=" + up.URL)
	if err != nil {
		t.Fatal(err)
	}
	cfg.HTTPRules, err = rules.LoadHTTP([]byte(`{"version":1,"rules":[{"name":"fake user","match":{"path":"^/users/(\\d+)$"},"reply":{"template":"user ${1}"}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.OpenSession(cfg); err != nil {
		t.Fatal(err)
	}
	var p *httpServerPanel
	for _, x := range a.Panels() {
		if hp, ok := x.(*httpServerPanel); ok {
			p = hp
		}
	}
	srv := p.srv.Load()
	for _, path := range []string{"/users/9", "/other"} {
		resp, err := http.Get("http://" + srv.Addr().String() + path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		want := map[string]string{"/users/9": "user 9", "/other": "upstream saw GET /other "}[path]
		if string(b) != want {
			t.Errorf("%s: %q; want %q", path, b, want)
		}
	}
	tickUntil(t, a, "two exchanges", func() bool { return p.exch.Len() == 2 && p.exch.At(1).State == server.StateAnswered })
	if got := p.cellText(0, colState); got != "rule: fake user" {
		t.Errorf("state %q", got)
	}
	if got := p.cellText(1, colState); got != "answered" {
		t.Errorf("state %q", got)
	}
}

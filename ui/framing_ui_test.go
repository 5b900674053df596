package ui

import (
	"io"
	"net"
	"regexp"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"netassist/netassist"
	"netassist/netassist/framing"
)

var peerAddr = regexp.MustCompile(`127\.0\.0\.1:\d+ `)

// The 粘包 exercise in the window: a server split by "\r\n" shows three
// messages sent in one write as three rows marked "3 messages in 1 read",
// a message written in two goes as one row marked "across 2 reads", and
// the status line counts the messages.
func TestServerSplitsMessagesByDelimiter(t *testing.T) {
	a := newTestApp(t)
	p := a.NewPanel(netassist.KindTCPServer).(*tcpServerPanel)
	a.win.Resize(fyne.NewSize(1600, 900)) // rows wrap at the pane's width; keep each header one row
	p.localHost.SetText("127.0.0.1")
	p.localPort.SetText("0")
	p.frame.kind.SetSelectedIndex(1) // Delimiter; \r\n is the default
	if !p.frame.groups[framing.Delim].Visible() || p.frame.groups[framing.Fixed].Visible() {
		t.Fatal("choosing Delimiter must show its fields and only those")
	}
	test.Tap(p.openBtn)
	b := p.sess.Load()
	if b == nil {
		t.Fatalf("server did not open: %s", p.sessErr.Text)
	}
	if !p.frame.kind.Disabled() || !p.frame.delim.Disabled() {
		t.Error("the framing fields must be fixed while the session is open")
	}
	c := dialPeer(t, b.s.LocalAddr())
	c.Write([]byte("a\r\nb\r\nc\r\n"))
	tickUntil(t, a, "three messages", func() bool { return strings.Contains(p.status.Text, "Messages 3") })
	c.Write([]byte("hel"))
	tickUntil(t, a, "the first half", func() bool { return strings.Contains(p.status.Text, "RX 12 B") })
	c.Write([]byte("lo\r\n"))
	tickUntil(t, a, "the message in two reads", func() bool {
		return strings.Contains(p.status.Text, "Messages 4") && strings.Contains(viewText(p), "across 2 reads")
	})
	var rows []string
	for _, r := range strings.Split(viewText(p), "\n") {
		if strings.Contains(r, "RX ←") {
			_, after, _ := strings.Cut(r, "RX ← ")
			rows = append(rows, peerAddr.ReplaceAllString(after, ""))
		} else if len(rows) > 0 && !strings.HasPrefix(r, "[") && !strings.HasPrefix(r, "-- ") && r != "" {
			rows = append(rows, r)
		}
	}
	want := []string{
		"[3 messages in 1 read] #1 · 1 byte", "a",
		"[message 2 of 3 in that read] #1 · 1 byte", "b",
		"[message 3 of 3 in that read] #1 · 1 byte", "c",
		"[1 message across 2 reads] #1 · 5 bytes", "hello",
	}
	if strings.Join(rows, "|") != strings.Join(want, "|") {
		t.Errorf("rows:\n%q\nwant\n%q\nview:\n%s", rows, want, viewText(p))
	}
}

// Bad framing fields are refused beside the field, and nothing opens.
func TestFramingFieldErrors(t *testing.T) {
	a := newTestApp(t)
	p := a.NewPanel(netassist.KindTCPServer).(*tcpServerPanel)
	p.localHost.SetText("127.0.0.1")
	p.localPort.SetText("0")
	cases := []struct {
		kind int
		set  func()
		fl   *field
	}{
		{1, func() { p.frame.delim.SetText(`\q`) }, p.frame.fDelim},
		{1, func() { p.frame.delim.SetText("") }, p.frame.fDelim},
		{1, func() { p.frame.delimHex.Checked = true; p.frame.delim.SetText("7G") }, p.frame.fDelim},
		{2, func() { p.frame.length.SetText("0") }, p.frame.fLen},
		{3, func() { p.frame.max.SetText("4"); p.frame.off.SetText("3") }, p.frame.fOff},
		{4, func() { p.frame.gap.SetText("soon") }, p.frame.fGap},
	}
	for i, tc := range cases {
		p.frame.kind.SetSelectedIndex(tc.kind)
		tc.set()
		test.Tap(p.openBtn)
		if p.sess.Load() != nil || !tc.fl.err.Visible() || tc.fl.err.Text == "" {
			t.Errorf("case %d: open %v, error %q; want refused with an error beside the field", i, p.sess.Load() != nil, tc.fl.err.Text)
		}
		p.frame.fillFraming(framing.Config{Kind: framing.Reads, Max: framing.DefaultMax})
		p.frame.delim.SetText(`\r\n`)
		p.frame.length.SetText("16")
		p.frame.off.SetText("0")
		p.frame.gap.SetText("50")
	}
}

// The choice is remembered with the form on Open and comes back in a new
// panel of the kind, and an --open SPEC fills the form.
func TestFramingRemembered(t *testing.T) {
	a := newTestApp(t)
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	defer ln.Close()
	go func() {
		if c, err := ln.Accept(); err == nil {
			io.Copy(io.Discard, c)
		}
	}()
	cfg, err := netassist.ParseSpec("tcp-client://" + ln.Addr().String() + "?frame=lenfield&off=1&size=4&endian=little&adj=-2&whole=1&max=999")
	if err != nil {
		t.Fatal(err)
	}
	first, err := a.OpenSession(cfg)
	if err != nil {
		t.Fatal(err)
	}
	c := first.(*tcpClientPanel)
	tickUntil(t, a, "connected", func() bool { return c.sess.Load() != nil })
	if c.frame.kind.SelectedIndex() != 3 || c.frame.off.Text != "1" || c.frame.endian.SelectedIndex() != 1 {
		t.Errorf("--open did not fill the form: kind %d off %q endian %d", c.frame.kind.SelectedIndex(), c.frame.off.Text, c.frame.endian.SelectedIndex())
	}
	q := a.NewPanel(netassist.KindTCPClient).(*tcpClientPanel)
	var got netassist.Config
	q.remoteHost.SetText("127.0.0.1")
	q.remotePort.SetText("1")
	got, ok := q.config()
	if !ok || got.Framing.Kind != framing.LenField || got.Framing.Off != 1 || got.Framing.Size != 4 || got.Framing.Big ||
		got.Framing.Adj != -2 || !got.Framing.Whole || got.Framing.Max != 999 {
		t.Errorf("a new panel's framing %+v (ok %v); want the one opened before", got.Framing, ok)
	}
}

// An event whose front the display feed dropped shows the messages that
// are whole, and nothing of the one cut.
func TestMsgChunksAfterFeedTrim(t *testing.T) {
	ev := netassist.Event{Kind: netassist.EvMsg, Data: []byte("c\nd\n"), Msgs: []netassist.MsgInfo{
		{Len: 2, Strip: 1}, {Len: 3, Strip: 1}, {Len: 2, Strip: 1}}} // "a\n", "bc\n", "d\n" with 3 bytes dropped
	var got []string
	for _, c := range msgChunks(ev, nil) {
		got = append(got, string(c.Data))
	}
	if strings.Join(got, "|") != "d" {
		t.Errorf("got %q; want only the whole message d", got)
	}
	ev.Data = []byte("a\nbc\nd\n")
	got = nil
	for _, c := range msgChunks(ev, nil) {
		got = append(got, string(c.Data))
	}
	if strings.Join(got, "|") != "a|bc|d" {
		t.Errorf("got %q; want a, bc, d", got)
	}
}

// "Parse as HTTP" reads framed messages as the reads they came from; the
// receive view's own events are left as they are.
func TestFramedAsReadsForHTTP(t *testing.T) {
	evs := []netassist.Event{{Kind: netassist.EvConnect}, {Kind: netassist.EvMsg, Data: []byte("GET / HTTP/1.1\r\n")}}
	got := framedAsReads(evs)
	if got[1].Kind != netassist.EvRx || string(got[1].Data) != "GET / HTTP/1.1\r\n" || got[0].Kind != netassist.EvConnect {
		t.Errorf("got %+v; want the message as an rx event", got)
	}
	if evs[1].Kind != netassist.EvMsg {
		t.Error("framedAsReads changed the events the receive view formats")
	}
}

// An open framed server comes back framed on the next start, and its
// messages are split again.
func TestFramingRestored(t *testing.T) {
	a := newTestApp(t)
	fa := a.fa
	p := a.NewPanel(netassist.KindTCPServer).(*tcpServerPanel)
	p.localHost.SetText("127.0.0.1")
	p.localPort.SetText("0")
	p.frame.kind.SetSelectedIndex(2) // Fixed length
	p.frame.length.SetText("3")
	test.Tap(p.openBtn)
	if p.sess.Load() == nil {
		t.Fatalf("server did not open: %s", p.sessErr.Text)
	}
	a.Close()
	specs := fa.Preferences().StringList("sessions.last")
	if len(specs) != 1 || !strings.Contains(specs[0], "frame=fixed") || !strings.Contains(specs[0], "len=3") {
		t.Fatalf("remembered %q", specs)
	}

	fa.Preferences().SetBool("sessions.restore", true)
	b, err := New(fa, Options{Schedule: func(f func()) { f() }, manualPump: true, SaveDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)
	r := b.Panels()[0].(*tcpServerPanel)
	s := r.sess.Load()
	if s == nil || r.frame.kind.SelectedIndex() != 2 || r.frame.length.Text != "3" {
		t.Fatalf("restored: open %v, kind %d, len %q", s != nil, r.frame.kind.SelectedIndex(), r.frame.length.Text)
	}
	c := dialPeer(t, s.s.LocalAddr())
	c.Write([]byte("abcdef"))
	tickUntil(t, b, "two messages", func() bool { return strings.Contains(r.status.Text, "Messages 2") })
}

// Ticking Hex rewrites the delimiter in hex, unticking it back in escapes,
// and either way the same bytes are read.
func TestDelimiterHexToggle(t *testing.T) {
	a := newTestApp(t)
	p := a.NewPanel(netassist.KindTCPClient).(*tcpClientPanel)
	p.frame.kind.SetSelectedIndex(1)
	p.frame.delim.SetText(`\r\n`)
	p.frame.delimHex.SetChecked(true)
	if p.frame.delim.Text != "0D 0A" {
		t.Errorf("in hex: %q; want 0D 0A", p.frame.delim.Text)
	}
	var c framing.Config
	if !p.frame.readFraming(&c) || string(c.Delim) != "\r\n" {
		t.Errorf("read %q; want CR LF", c.Delim)
	}
	p.frame.delimHex.SetChecked(false)
	if p.frame.delim.Text != `\r\n` {
		t.Errorf("back in escapes: %q; want \\r\\n", p.frame.delim.Text)
	}
}

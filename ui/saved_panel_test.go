package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"netassist/netassist"
	"netassist/netassist/framing"
)

// savedFolder saves evs as session would, through the real saver.
func savedFolder(t *testing.T, session string, evs []netassist.Event) string {
	t.Helper()
	s, err := netassist.NewSaver(t.TempDir(), session)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	for i, ev := range evs {
		ev.Time, ev.Session = at.Add(time.Duration(i)*time.Second), session
		if err := s.Write(ev); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return s.Dir()
}

func newSavedApp(t *testing.T) *App {
	t.Helper()
	fa := test.NewTempApp(t)
	fa.Preferences().SetBool("sessions.restore", false)
	a, err := New(fa, Options{Schedule: func(f func()) { f() }, manualPump: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Close)
	return a
}

// reopen opens dir in a and runs the pump until the folder is read and
// shown.
func reopen(t *testing.T, a *App, dir string) *savedPanel {
	t.Helper()
	if err := a.OpenSaved(dir); err != nil {
		t.Fatal(err)
	}
	return reopenedCurrent(t, a)
}

// reopenedCurrent runs the pump until the current saved tab is read and
// shown.
func reopenedCurrent(t *testing.T, a *App) *savedPanel {
	t.Helper()
	var p *savedPanel
	switch x := a.currentPanel().(type) {
	case *savedPanel:
		p = x
	case savedBytesPanel:
		p = x.savedPanel
	default:
		t.Fatalf("the current tab is a %T", x)
	}
	now := time.Now()
	deadline := time.Now().Add(20 * time.Second)
	for {
		now = now.Add(time.Second)
		a.pump.tick(now)
		select {
		case <-p.done:
		default:
			if time.Now().After(deadline) {
				t.Fatal("the folder was never read")
			}
			continue
		}
		if p.final && p.hub.Feed.Pending() == 0 {
			a.pump.tick(now.Add(time.Second)) // what the last round formatted
			return p
		}
	}
}

func rows(v *recvView) string {
	var b strings.Builder
	for i := range v.ring.Len() {
		b.WriteString(v.ring.Row(i) + "\n")
	}
	return b.String()
}

func TestReopenTCPServerTab(t *testing.T) {
	a := newSavedApp(t)
	const peer = "127.0.0.1:40000"
	dir := savedFolder(t, "tcp-server-1", []netassist.Event{
		{Kind: netassist.EvOpen, Detail: "127.0.0.1:5555"},
		{Kind: netassist.EvConnect, Conn: 1, Peer: peer},
		{Kind: netassist.EvRx, Conn: 1, Peer: peer, Data: []byte("hello\r\n")},
		{Kind: netassist.EvTx, Conn: 1, Peer: peer, Data: []byte("hi!")},
		{Kind: netassist.EvDisconnect, Conn: 1, Peer: peer, Detail: netassist.ReasonFIN},
	})
	p := reopen(t, a, dir)
	got := rows(p.recv)
	// The saved time (shown in local time), the bytes, the notes.
	stamp := time.Date(2026, 12, 4, 10, 0, 2, 0, time.UTC).Local().Format("15:04:05")
	for _, want := range []string{"hello", "hi!", stamp, "#1 127.0.0.1:40000 connected"} {
		if !strings.Contains(got, want) {
			t.Errorf("receive view lacks %q:\n%s", want, got)
		}
	}
	if len(p.conns.infos) != 1 || p.conns.infos[0].Counters.RxBytes != 7 || p.conns.infos[0].Counters.TxBytes != 3 ||
		p.conns.infos[0].State != netassist.StateClosed {
		t.Errorf("connection list %+v", p.conns.infos)
	}
	if p.conns.closeBtn.Visible() || p.conns.rstBtn.Visible() {
		t.Error("a saved session offers to close connections")
	}
	if !strings.Contains(p.about.full, "TCP server") || !strings.Contains(p.about.full, dir) || !strings.Contains(p.about.full, "read-only") {
		t.Errorf("the tab says %q", p.about.full)
	}
	if !strings.Contains(p.status.Text, "RX 7 bytes") || !strings.Contains(p.status.Text, "TX 3 bytes") {
		t.Errorf("status %q", p.status.Text)
	}
	if !strings.HasPrefix(p.loading.Text, "Loaded") || p.warns.Visible() {
		t.Errorf("loading %q, warnings shown %v", p.loading.Text, p.warns.Visible())
	}
	// Ctrl+Shift+C copies the rows.
	a.copyViewCurrent()
	if c := fyne.CurrentApp().Clipboard().Content(); !strings.Contains(c, "hello") || !strings.Contains(c, stamp) {
		t.Errorf("copied %q", c)
	}
	// Hex, as live.
	p.recv.toggleHex()
	a.pump.tick(time.Now().Add(time.Hour))
	if got := rows(p.recv); !strings.Contains(got, "68 65 6c 6c 6f") && !strings.Contains(got, "68 65 6C 6C 6F") {
		t.Errorf("hex view:\n%s", got)
	}
	// Export… offers the folder.
	test.Tap(p.export)
	if f := a.lastExport; f == nil || f.dir != dir || f.live {
		t.Errorf("Export… form %+v; want the saved folder", f)
	}
}

// A reopened UDP session lists its peers with their datagrams and bytes
// each way, as the TCP kinds list their connections; it had no such list.
func TestReopenUDPTab(t *testing.T) {
	a := newSavedApp(t)
	dir := savedFolder(t, "udp-1", []netassist.Event{
		{Kind: netassist.EvRx, Peer: "127.0.0.1:7001", Data: []byte("ping")},
		{Kind: netassist.EvTx, Peer: "127.0.0.1:7001", Data: []byte("pong")},
		{Kind: netassist.EvRx, Peer: "127.0.0.1:7001", Data: []byte("ping!")},
		{Kind: netassist.EvRx, Peer: "[::1]:7002", Data: []byte("hi")},
	})
	p := reopen(t, a, dir)
	if got := rows(p.recv); !strings.Contains(got, "ping") || !strings.Contains(got, "pong") || !strings.Contains(got, "127.0.0.1:7001") {
		t.Errorf("receive view:\n%s", got)
	}
	if p.conns == nil {
		t.Fatal("a reopened UDP session lists no peers")
	}
	first := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC).Local().Format(time.TimeOnly)
	wantRows := []string{
		"#1    127.0.0.1:7001        " + first + "\nRX 9 B      TX 4 B      2/1 dgram",
		"#2    [::1]:7002            " + time.Date(2026, 12, 4, 10, 0, 3, 0, time.UTC).Local().Format(time.TimeOnly) + "\nRX 2 B      TX 0 B      1/0 dgram",
	}
	if len(p.conns.infos) != len(wantRows) {
		t.Fatalf("peers %+v", p.conns.infos)
	}
	for i, want := range wantRows {
		if got := p.conns.rowText(p.conns.infos[i]); got != want {
			t.Errorf("peer row %d:\n%s\nwant\n%s", i, got, want)
		}
	}
	if p.conns.title.Text != "Peers: 2" || !strings.Contains(p.status.Text, "Peers: 2") {
		t.Errorf("title %q, status %q", p.conns.title.Text, p.status.Text)
	}
	if p.conns.closeBtn.Visible() || p.conns.allBtn.Visible() {
		t.Error("a saved session offers to act on peers")
	}
	// No check boxes: there is nothing to pick them for.
	row := p.conns.list.CreateItem()
	p.conns.list.UpdateItem(0, row)
	if chk := row.(*fyne.Container).Objects[1].(*fyne.Container).Objects[1].(*widget.Check); chk.Visible() {
		t.Error("a read-only peer row has a check box")
	}
	p.conns.onRowClicked(0)
	if p.conns.isSelected(1) {
		t.Error("a click picked a peer of a saved session")
	}
	if !strings.Contains(p.about.full, "UDP") {
		t.Errorf("the tab says %q", p.about.full)
	}
}

// A reopened HTTP client shows the bytes as they went beside its
// exchanges, as the live client does; it showed only the exchanges.
func TestReopenHTTPClientTab(t *testing.T) {
	a := newSavedApp(t)
	const peer = "127.0.0.1:8080"
	dir := savedFolder(t, "http-client-1", []netassist.Event{
		{Kind: netassist.EvConnect, Conn: 1, Peer: peer},
		{Kind: netassist.EvTx, Conn: 1, Peer: peer, Data: []byte("GET /hello HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n")},
		{Kind: netassist.EvRx, Conn: 1, Peer: peer, Data: []byte("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nworld")},
		{Kind: netassist.EvDisconnect, Conn: 1, Peer: peer, Detail: netassist.ReasonFIN},
	})
	p := reopen(t, a, dir)
	if p.recv == nil || p.http == nil {
		t.Fatal("a reopened HTTP client has no Bytes view")
	}
	if got := []string{p.http.Items[0].Text, p.http.Items[1].Text}; got[0] != "Bytes" || got[1] != "HTTP messages" || p.http.SelectedIndex() != 1 {
		t.Errorf("tabs %q, selected %d; want the live client's, HTTP messages shown", got, p.http.SelectedIndex())
	}
	p.http.SelectIndex(0)
	a.pump.tick(time.Now().Add(time.Hour))
	if got := rows(p.recv); !strings.Contains(got, "GET /hello HTTP/1.1") || !strings.Contains(got, "world") {
		t.Errorf("Bytes view:\n%s", got)
	}
	if len(p.exch) != 1 || p.cellText(0, 3) != "/hello" || p.cellText(0, 4) != "200" {
		t.Fatalf("exchanges %+v", p.exch)
	}
	p.onRowSelected(0)
	if p.respView.msg == nil || string(p.respView.msg.Body) != "world" {
		t.Errorf("the selected exchange's response %+v", p.respView.msg)
	}
	if _, ok := a.currentPanel().(recvViewer); !ok {
		t.Error("the Bytes view does not take the window's text/hex and display settings")
	}
	if p.conns != nil {
		t.Error("an HTTP client lists connections (the live one does not)")
	}
}

func TestReopenHTTPServerTab(t *testing.T) {
	a := newSavedApp(t)
	const peer = "127.0.0.1:40000"
	dir := savedFolder(t, "http-server-1", []netassist.Event{
		{Kind: netassist.EvConnect, Conn: 1, Peer: peer},
		{Kind: netassist.EvRx, Conn: 1, Peer: peer, Data: []byte("GET /hello?x=1 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nCookie: a=b\r\n\r\n")},
		{Kind: netassist.EvTx, Conn: 1, Peer: peer, Data: []byte("HTTP/1.1 404 Not Found\r\nContent-Length: 4\r\n\r\nnope")},
		{Kind: netassist.EvDisconnect, Conn: 1, Peer: peer, Detail: netassist.ReasonFIN},
	})
	p := reopen(t, a, dir)
	if len(p.exch) != 1 {
		t.Fatalf("%d exchanges listed; want 1", len(p.exch))
	}
	for col, want := range map[int]string{colClient: peer, colMethod: "GET", colPath: "/hello?x=1", colStatus: "404"} {
		if got := p.cellText(0, col); got != want {
			t.Errorf("column %d = %q; want %q", col, got, want)
		}
	}
	// The first exchange is shown at once: the panes were empty until a
	// row was clicked.
	if p.selected != 0 || p.reqView.msg == nil {
		t.Errorf("selected %d, request pane %+v; want the first exchange shown", p.selected, p.reqView.msg)
	}
	p.onRowSelected(0)
	if p.reqView.msg == nil || p.reqView.msg.Target != "/hello?x=1" || p.respView.msg == nil || string(p.respView.msg.Body) != "nope" {
		t.Fatalf("selected exchange shows %+v / %+v", p.reqView.msg, p.respView.msg)
	}
	if rows := p.reqView.query.rows; len(rows) != 1 || rows[0] != [2]string{"x", "1"} {
		t.Errorf("query table %v", rows)
	}
	if !strings.Contains(p.status.Text, "RX 62 bytes") || !strings.Contains(p.status.Text, "TX 49 bytes") {
		t.Errorf("status %q; want the saved bytes counted", p.status.Text)
	}
	if _, ok := a.currentPanel().(recvViewer); ok {
		t.Error("an HTTP saved tab claims a receive view")
	}
}

// A damaged folder opens with what is intact and says what is not.
func TestReopenDamagedTab(t *testing.T) {
	a := newSavedApp(t)
	const peer = "127.0.0.1:40000"
	dir := savedFolder(t, "tcp-client-2", []netassist.Event{
		{Kind: netassist.EvConnect, Conn: 1, Peer: peer},
		{Kind: netassist.EvRx, Conn: 1, Peer: peer, Data: []byte("first")},
		{Kind: netassist.EvTx, Conn: 1, Peer: peer, Data: []byte("second")},
	})
	os.Remove(filepath.Join(dir, netassist.RawFileName(1, peer, netassist.EvTx)))
	f, _ := os.OpenFile(filepath.Join(dir, "events.jsonl"), os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`{"time":"2026-12-04T10:00:09Z","sess`)
	f.Close()
	p := reopen(t, a, dir)
	if got := rows(p.recv); !strings.Contains(got, "first") || strings.Contains(got, "second") {
		t.Errorf("receive view:\n%s", got)
	}
	if !p.warns.Visible() {
		t.Fatal("the damage is not said")
	}
	for _, want := range []string{"damaged", "is missing", "cut short"} {
		if !strings.Contains(p.warns.full, want) {
			t.Errorf("the warning %q does not say %q", p.warns.full, want)
		}
	}
}

// The damage is said above the views, not under them: shown once the tab
// was laid out, its lines overlapped the receive view's buttons (seen in
// a 1280-pixel window).
func TestReopenDamageTakesItsPlace(t *testing.T) {
	for _, width := range []float32{1280, 1000} {
		a := newSavedApp(t)
		a.win.Resize(fyne.NewSize(width, 830))
		const peer = "127.0.0.1:40000"
		dir := savedFolder(t, "tcp-client-2", []netassist.Event{
			{Kind: netassist.EvConnect, Conn: 1, Peer: peer},
			{Kind: netassist.EvRx, Conn: 1, Peer: peer, Data: []byte("first")},
		})
		os.Remove(filepath.Join(dir, netassist.RawFileName(1, peer, netassist.EvRx)))
		f, _ := os.OpenFile(filepath.Join(dir, "events.jsonl"), os.O_APPEND|os.O_WRONLY, 0)
		f.WriteString(`{"time":"2026-12-04T10:00:09Z","sess`)
		f.Close()
		p := reopen(t, a, dir)
		if !p.warns.Visible() {
			t.Fatal("the damage is not said")
		}
		lines := strings.Count(p.warns.Text, "\n") + 1
		if lines < 3 {
			t.Fatalf("the warning %q", p.warns.Text)
		}
		bottom := p.warns.Position().Y + p.warns.Size().Height
		if h := p.warns.MinSize().Height; p.warns.Size().Height < h {
			t.Errorf("width %v: the warning's %d lines are given %v of the %v they need", width, lines, p.warns.Size().Height, h)
		}
		center := p.root.Objects[0] // Border: the center first
		if center.Position().Y < bottom {
			t.Errorf("width %v: the views begin at %v, above the warning's end at %v", width, center.Position().Y, bottom)
		}
		// Damage met later, while loading: the warning grows by a line.
		ws := p.r.Warnings()
		p.showWarnings(append(ws, ws[0]))
		bottom = p.warns.Position().Y + p.warns.Size().Height
		if center.Position().Y < bottom {
			t.Errorf("width %v, one more warning: the views begin at %v, above the warning's end at %v", width, center.Position().Y, bottom)
		}
	}
}

// What is not a saved folder opens no tab and is said in words.
func TestReopenNotSaved(t *testing.T) {
	a := newSavedApp(t)
	dir := t.TempDir()
	err := a.OpenSaved(dir)
	if err == nil {
		t.Fatal("an empty folder opened")
	}
	if msg := SavedErrorText(err); !strings.Contains(msg, "not a folder saved by NetAssist") {
		t.Errorf("said %q", msg)
	}
	if len(a.tabs.Items) != 0 {
		t.Error("a tab was added")
	}
	// --view checks before the window.
	if err := CheckSaved(dir); err == nil || !IsSavedError(err) {
		t.Errorf("CheckSaved of an empty folder: %v", err)
	}
	if err := CheckSaved(savedFolder(t, "udp-1", nil)); err != nil {
		t.Errorf("CheckSaved of a saved folder: %v", err)
	}
}

// A reopened TCP folder is cut into messages by a rule chosen on the tab:
// the saved bytes are the raw reads.
func TestReopenFramedTab(t *testing.T) {
	a := newSavedApp(t)
	const peer = "127.0.0.1:40000"
	dir := savedFolder(t, "tcp-server-1", []netassist.Event{
		{Kind: netassist.EvConnect, Conn: 1, Peer: peer},
		{Kind: netassist.EvRx, Conn: 1, Peer: peer, Data: []byte("one\r\ntw")},
		{Kind: netassist.EvRx, Conn: 1, Peer: peer, Data: []byte("o\r\nthree")},
	})
	first := reopen(t, a, dir)
	first.reframe(framing.Config{Kind: framing.Delim, Delim: []byte("\r\n"), Max: 1024})
	if len(a.tabs.Items) != 1 {
		t.Fatalf("%d tabs; want the framed one in place of the first", len(a.tabs.Items))
	}
	p := reopenedCurrent(t, a)
	got := rows(p.recv)
	for _, want := range []string{"one", "two", "three"} {
		if !strings.Contains(got, want+"\n") && !strings.Contains(got, want+"\\r\\n") {
			t.Errorf("no message %q in:\n%s", want, got)
		}
	}
	if strings.Contains(got, "tw\n") {
		t.Errorf("a read shown, not its messages:\n%s", got)
	}
	if !strings.Contains(p.status.Text, "Messages 2 (bad 1)") { // "three" has no delimiter: cut by the end
		t.Errorf("status %q; want 2 messages and the cut one", p.status.Text)
	}
}

package ui

import (
	"bufio"
	"io"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"netassist/netassist"
	"netassist/netassist/codec"
	"netassist/netassist/rules"
)

// openRulesDialog taps Rules… and returns the dialog.
func openRulesDialog(t *testing.T, p rulesHaver) *rulesDialog {
	t.Helper()
	r := p.rulesOf()
	test.Tap(r.open)
	if r.dlg == nil {
		t.Fatal("Rules… opened no dialog")
	}
	return r.dlg
}

// A rule made in the dialog answers a real peer once applied; the reply
// shows in the receive view under the rule's name, and the hit count and
// the summary move through the pump.
func TestRulesDialogMakesARuleThatAnswers(t *testing.T) {
	a := newTestApp(t)
	a.win.Resize(fyne.NewSize(1600, 900))
	p := a.NewPanel(netassist.KindTCPServer).(*tcpServerPanel)
	p.localHost.SetText("127.0.0.1")
	p.localPort.SetText("0")
	p.frame.kind.SetSelectedIndex(1) // Delimiter \r\n
	d := openRulesDialog(t, p)
	test.Tap(d.addB)
	d.name.SetText("ping")
	d.kind.SetSelectedIndex(3) // regular expression
	d.pattern.SetText(`^PING (?P<n>\d+)$`)
	d.reply.SetText(`PONG ${n} #${counter}\r\n`)
	test.Tap(d.okB)
	if p.rules.dlg != nil {
		t.Fatalf("OK with a good rule must close the dialog; error: %q", d.errLine.Text)
	}
	if n := p.rules.current().Len(); n != 1 {
		t.Fatalf("applied %d rules; want 1", n)
	}
	test.Tap(p.openBtn)
	b := p.sess.Load()
	if b == nil {
		t.Fatalf("server did not open: %s", p.sessErr.Text)
	}
	c := dialPeer(t, b.s.LocalAddr())
	io.WriteString(c, "PING 41\r\nPING 42\r\n")
	r := bufio.NewReader(c)
	for _, want := range []string{"PONG 41 #1\r\n", "PONG 42 #2\r\n"} {
		if got, err := r.ReadString('\n'); got != want || err != nil {
			t.Fatalf("peer got %q, %v; want %q", got, err, want)
		}
	}
	tickUntil(t, a, "the reply in the view and the count", func() bool {
		return strings.Contains(viewText(p), "auto-reply: ping") && strings.Contains(p.rules.summary.Text, "hits: 2")
	})
	d = openRulesDialog(t, p)
	if row := d.rowText(0); !strings.Contains(row, "hits: 2") {
		t.Fatalf("row %q; want its 2 hits", row)
	}
	// Applying again (nothing changed, or another rule added) keeps them.
	test.Tap(d.addB)
	d.name.SetText("other")
	test.Tap(d.applyB)
	if st := p.rules.current().Stats(0); st.Hits != 2 || p.rules.current().Len() != 2 {
		t.Fatalf("after Apply: %d rules, ping has %d hits; want 2 and 2", p.rules.current().Len(), st.Hits)
	}
	d.d.Hide()
}

// A bad rule is refused at its field with the position, the rules in use
// stay as they were, and nothing half-applies.
func TestRulesDialogRefusesABadRule(t *testing.T) {
	a := newTestApp(t)
	p := a.NewPanel(netassist.KindTCPClient).(*tcpClientPanel)
	d := openRulesDialog(t, p)
	test.Tap(d.addB)
	d.name.SetText("good")
	d.pattern.SetText("x")
	test.Tap(d.addB)
	d.name.SetText("bad")
	d.kind.SetSelectedIndex(3)
	d.pattern.SetText(`a(b`)
	d.list.Select(0) // the problem is in rule 2; Apply must go back to it
	test.Tap(d.applyB)
	if p.rules.current().Len() != 0 {
		t.Fatal("a set with a bad rule was applied")
	}
	if d.sel != 1 || !d.fPattern.err.Visible() || !strings.Contains(d.fPattern.err.Text, "Position 2") {
		t.Fatalf("selected %d, pattern error %q (visible %v); want rule 2's pattern, at position 2 (the open parenthesis)", d.sel, d.fPattern.err.Text, d.fPattern.err.Visible())
	}
	if !strings.Contains(d.errLine.Text, `Rule 2 “bad”`) {
		t.Fatalf("error line %q", d.errLine.Text)
	}
	d.reply.SetText("${nope}")
	d.pattern.SetText(`a(b)`)
	test.Tap(d.applyB)
	if !strings.Contains(d.fReply.err.Text, "${nope}") || d.fPattern.err.Visible() {
		t.Fatalf("reply error %q; pattern error still shown: %v", d.fReply.err.Text, d.fPattern.err.Visible())
	}
	d.d.Hide()
}

// The test box says which rule answers and the exact bytes, and moves no
// counter.
func TestRulesDialogTestBox(t *testing.T) {
	a := newTestApp(t)
	p := a.NewPanel(netassist.KindUDP).(*udpPanel)
	d := openRulesDialog(t, p)
	test.Tap(d.addB)
	d.name.SetText("modbus")
	d.on.SetSelectedIndex(1) // hex
	d.kind.SetSelectedIndex(1)
	d.pattern.SetText("01 03")
	d.format.SetSelectedIndex(1) // hex reply
	d.reply.SetText("01 83 02")
	d.checksum.SetSelectedIndex(indexOf(codec.Checksums, codec.ChecksumCRC16Modbus))
	d.testHex.SetChecked(true)
	d.testIn.SetText("01 03 00 00 00 01")
	d.onTest()
	if want := "01 83 02 C0 F1"; !strings.Contains(d.testOut.Text, want) || !strings.Contains(d.testOut.Text, `Rule 1 “modbus” answers 5 bytes`) {
		t.Fatalf("test says %q; want the reply %s", d.testOut.Text, want)
	}
	d.testIn.SetText("02")
	d.onTest()
	if !strings.Contains(d.testOut.Text, "No rule matches") {
		t.Fatalf("test says %q", d.testOut.Text)
	}
	d.d.Hide()
}

// Rules are remembered with the session kind and come back in a new tab
// (and so after a restart); --rules replaces them.
func TestRulesRememberedAndGivenByOpen(t *testing.T) {
	a := newTestApp(t)
	p := a.NewPanel(netassist.KindTCPServer).(*tcpServerPanel)
	d := openRulesDialog(t, p)
	test.Tap(d.addB)
	d.name.SetText("kept")
	test.Tap(d.okB)
	q := a.NewPanel(netassist.KindTCPServer).(*tcpServerPanel)
	if f := q.rules.current().File(); len(f.Rules) != 1 || f.Rules[0].Name != "kept" {
		t.Fatalf("a new tab has %+v; want the remembered rule", f.Rules)
	}
	set, err := rules.Load([]byte(`{"version":1,"rules":[{"name":"cli","match":{"kind":"contains","pattern":""},"reply":{"template":"hi"}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	cfg, _ := netassist.ParseSpec("tcp-server://127.0.0.1:0")
	cfg.Rules = set
	op, err := a.OpenSession(cfg)
	if err != nil {
		t.Fatal(err)
	}
	sp := op.(*tcpServerPanel)
	if sp.rules.current() != set {
		t.Fatal("--rules did not reach the panel")
	}
	c := dialPeer(t, sp.sess.Load().s.LocalAddr())
	io.WriteString(c, "x")
	buf := make([]byte, 2)
	if _, err := io.ReadFull(c, buf); err != nil || string(buf) != "hi" {
		t.Fatalf("peer got %q, %v", buf, err)
	}
}

// A rule answering too fast is shown paused with Resume; Resume lets it
// answer again.
func TestRulesPausedShownAndResumed(t *testing.T) {
	a := newTestApp(t)
	p := a.NewPanel(netassist.KindTCPServer).(*tcpServerPanel)
	p.localHost.SetText("127.0.0.1")
	p.localPort.SetText("0")
	set, err := rules.Load([]byte(`{"version":1,"max_per_second":2,"rules":[{"name":"echo","match":{"kind":"contains","pattern":""},"reply":{"template":"${msg}"}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	p.rules.use(set)
	test.Tap(p.openBtn)
	c := dialPeer(t, p.sess.Load().s.LocalAddr())
	// One write at a time, each answered (or refused) before the next, so
	// each is its own read and its own message. Three within one second
	// pause the rule; the rate window is a calendar second, so a few more
	// cover a second that turns between them.
	for i := 0; i < 20 && !set.Stats(0).Paused; i++ {
		io.WriteString(c, "z")
		tickUntil(t, a, "the rule to take the message", func() bool {
			st := set.Stats(0)
			return st.Hits == uint64(i+1) || st.Paused
		})
	}
	if !set.Stats(0).Paused {
		t.Fatal("20 messages at once with a limit of 2 a second did not pause the rule")
	}
	tickUntil(t, a, "the pause shown", func() bool { return p.rules.resume.Visible() && p.rules.paused.Visible() })
	if !strings.Contains(p.rules.paused.Text, "echo") {
		t.Fatalf("paused line %q", p.rules.paused.Text)
	}
	tickUntil(t, a, "the note in the view", func() bool { return strings.Contains(viewText(p), "answers too fast") })
	test.Tap(p.rules.resume)
	if set.Stats(0).Paused || p.rules.resume.Visible() {
		t.Fatal("Resume did not resume")
	}
}

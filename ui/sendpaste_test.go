package ui

import (
	"bytes"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"

	"netassist/netassist"
)

// bigText is n bytes of printable text in lines of varied length, without
// backslashes (so escapes leave it as it is).
func bigText(n int) string {
	rng := rand.New(rand.NewPCG(1, 2))
	var sb strings.Builder
	for sb.Len() < n {
		line := 1 + rng.IntN(3000)
		for i := 0; i < line && sb.Len() < n-1; i++ {
			sb.WriteByte(byte('a' + rng.IntN(26)))
		}
		sb.WriteByte('\n')
	}
	return sb.String()[:n]
}

func paste(e fyne.Shortcutable, text string) {
	cb := fyne.CurrentApp().Clipboard()
	cb.SetContent(text)
	e.TypedShortcut(&fyne.ShortcutPaste{Clipboard: cb})
}

// A 1 MiB paste is held outside the Entry (whose layout would freeze the
// window for minutes) and Send sends exactly its bytes.
func TestLargePasteIsHeldAndSent(t *testing.T) {
	a := newTestApp(t)
	p, addr := openServer(t, a)
	peer := dialPeer(t, addr)
	tickUntil(t, a, "connection listed", func() bool { return len(p.conns.infos) == 1 })

	want := bigText(1 << 20)
	p.send.entry.SetText("")
	paste(p.send.entry, want)
	if p.send.entry.Text != "" {
		t.Fatalf("the paste landed in the Entry (%d bytes)", len(p.send.entry.Text))
	}
	if !p.send.heldBlock.Visible() || p.send.entry.Visible() {
		t.Fatalf("held block shown %v, entry shown %v", p.send.heldBlock.Visible(), p.send.entry.Visible())
	}
	if !strings.Contains(p.send.heldBlock.label.Text, "1,048,576") {
		t.Fatalf("block says %q; want the size", p.send.heldBlock.label.Text)
	}

	// Ctrl+Enter on the block (it has the focus) sends, as in the box.
	if a.win.Canvas().Focused() != p.send.heldBlock {
		t.Fatalf("focus on %T, want the held block", a.win.Canvas().Focused())
	}
	p.send.heldBlock.TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyReturn, Modifier: fyne.KeyModifierControl})
	got := make([]byte, len(want))
	peer.SetReadDeadline(time.Now().Add(10 * time.Second))
	if n, err := io.ReadFull(peer, got); err != nil {
		t.Fatalf("peer got %d of %d bytes: %v", n, len(want), err)
	}
	if !bytes.Equal(got, []byte(want)) {
		t.Fatal("peer got other bytes than were pasted")
	}
	tickUntil(t, a, "the send's outcome", func() bool { return p.send.job == nil })
	if !strings.Contains(p.send.jobLabel.Text, "1,048,576") || p.send.errLabel.Visible() {
		t.Fatalf("after the send: %q, error %q", p.send.jobLabel.Text, p.send.errLabel.Text)
	}
	if len(p.send.historyItems) != 0 {
		t.Fatal("a held paste went into the history (and the preferences)")
	}

	// Clear brings the empty box back.
	test.Tap(p.send.heldBlock.clearBtn)
	if p.send.held != "" || !p.send.entry.Visible() || p.send.heldBlock.Visible() {
		t.Fatal("Clear left the held paste")
	}
}

// The held text goes through the send mode as typed text would: in Hex
// mode a bad digit is reported with its position, and nothing is sent.
func TestLargePasteUsesSendMode(t *testing.T) {
	a := newTestApp(t)
	p, addr := openServer(t, a)
	peer := dialPeer(t, addr)
	tickUntil(t, a, "connection listed", func() bool { return len(p.conns.infos) == 1 })

	p.send.mode.SetSelected(T("send.hex", "Hex"))
	hex := strings.Repeat("41 42 ", 4000) + "4G"
	paste(p.send.entry, hex)
	test.Tap(p.send.sendBtn)
	tickUntil(t, a, "the encode error", func() bool { return p.send.job == nil })
	if !p.send.errLabel.Visible() || !strings.Contains(p.send.errLabel.Text, "24002") {
		t.Fatalf("error line %v %q; want the bad digit's position", p.send.errLabel.Visible(), p.send.errLabel.Text)
	}
	peer.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
	if n, _ := peer.Read(make([]byte, 10)); n != 0 {
		t.Fatalf("peer received %d bytes of a bad message", n)
	}

	// A small paste still goes into the Entry, at the cursor.
	test.Tap(p.send.heldBlock.clearBtn)
	p.send.mode.SetSelected(T("send.text", "Text"))
	paste(p.send.entry, "small")
	if p.send.entry.Text != "small" || p.send.held != "" {
		t.Fatalf("small paste: entry %q, held %d bytes", p.send.entry.Text, len(p.send.held))
	}
	// A large one after typed text joins it.
	big := strings.Repeat("z", 20<<10)
	paste(p.send.entry, big)
	if p.send.held != "small"+big {
		t.Fatalf("held %d bytes; want the typed text and the paste", len(p.send.held))
	}
	// Edit puts it into the box.
	test.Tap(p.send.heldBlock.editBtn)
	if p.send.entry.Text != "small"+big || p.send.held != "" || !p.send.entry.Visible() {
		t.Fatal("Edit did not move the held text into the box")
	}
}

// The case: 64 KiB pasted into a UDP session is more than a
// datagram holds; the window stays quick and says so at once.
func TestLargePasteTooLargeForUDP(t *testing.T) {
	a := newTestApp(t)
	u := a.NewPanel(netassist.KindUDP).(*udpPanel)
	u.localHost.SetText("127.0.0.1")
	u.localPort.SetText("0")
	test.Tap(u.openBtn)
	if u.sess.Load() == nil {
		t.Fatalf("udp: %s", u.sessErr.Text)
	}
	u.udpDest.SetText("127.0.0.1:9")
	paste(u.send.entry, strings.Repeat("u", 64<<10))
	if u.send.entry.Text != "" {
		t.Fatal("the paste landed in the Entry")
	}
	test.Tap(u.send.sendBtn)
	tickUntil(t, a, "the outcome", func() bool { return u.send.job == nil })
	want := T("err.too_large", "A UDP datagram can carry at most 65,507 bytes. Nothing was sent.")
	if !u.send.errLabel.Visible() || u.send.errLabel.Text != want || u.send.jobRow.Visible() {
		t.Fatalf("error line %v %q, job row %v; want %q", u.send.errLabel.Visible(), u.send.errLabel.Text, u.send.jobRow.Visible(), want)
	}
}

// Paste from the box's context menu goes the same way as Ctrl+V.
func TestLargePasteFromContextMenu(t *testing.T) {
	a := newTestApp(t)
	p := a.NewPanel(netassist.KindTCPServer).(*tcpServerPanel)
	a.win.Resize(fyne.NewSize(1024, 700))
	fyne.CurrentApp().Clipboard().SetContent(strings.Repeat("m", 32<<10))
	test.TapSecondary(p.send.entry)
	top := a.win.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("no context menu")
	}
	// The menu item that draws "Paste" is the tappable around its text.
	var paste fyne.Tappable
	for _, o := range test.LaidOutObjects(top) {
		tp, ok := o.(fyne.Tappable)
		if !ok {
			continue
		}
		for _, x := range test.LaidOutObjects(o) {
			if tx, ok := x.(*canvas.Text); ok && tx.Text == lang.L("Paste") {
				paste = tp
			}
		}
	}
	if paste == nil {
		t.Fatal("no Paste in the context menu")
	}
	test.Tap(paste)
	if p.send.entry.Text != "" || len(p.send.held) != 32<<10 {
		t.Fatalf("entry %d bytes, held %d; want the paste held", len(p.send.entry.Text), len(p.send.held))
	}
}

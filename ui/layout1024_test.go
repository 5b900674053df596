package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// drawnText is the text a widget draws, its lines joined and without
// spaces (wrapping drops them): what a person can read of it. A truncated
// label draws "…", a clipped one less.
func drawnText(o fyne.CanvasObject) string {
	var parts []string
	for _, x := range test.LaidOutObjects(o) {
		if t, ok := x.(*canvas.Text); ok && x.Visible() {
			parts = append(parts, t.Text)
		}
	}
	return noSpace(strings.Join(parts, ""))
}

func noSpace(s string) string { return strings.Join(strings.Fields(s), "") }

// At 1024×700, in English and in Chinese, a TCP server with a connection
// and Save on shows the repeat interval's unit, each connection's RX and
// TX, the whole save folder and the whole "trimmed" notice.
func TestReadableAt1024x700(t *testing.T) {
	for _, lng := range []string{"en", "zh"} {
		t.Run(lng, func(t *testing.T) {
			if err := LoadTranslations(lng); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { LoadTranslations("en") })
			a := newTestApp(t)
			p, addr := openServer(t, a)
			dialPeer(t, addr)
			tickUntil(t, a, "connection listed", func() bool { return len(p.conns.infos) == 1 })
			p.saveChk.SetChecked(true)
			notice := Tf("recv.trimmedrows", "Older data trimmed from the display: %s rows removed. Counters and saved files are complete.", "1,234,567")
			p.recv.trimmed.SetText(notice)
			p.recv.trimmed.Show()
			a.win.Resize(fyne.NewSize(1024, 700))
			a.pump.tick(time.Now())

			width := a.win.Canvas().Size().Width
			ms := T("send.ms", "ms")
			var unit *widget.Label
			for _, o := range test.LaidOutObjects(a.win.Content()) {
				if l, ok := o.(*widget.Label); ok && l.Text == ms && o.Visible() {
					unit = l
				}
			}
			if unit == nil {
				t.Fatal("no repeat unit label")
			}
			pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(unit)
			if right := pos.X + unit.Size().Width; right > width || pos.X < 0 {
				t.Errorf("%q spans x %.0f–%.0f; the window is %.0f wide", ms, pos.X, right, width)
			}

			rows := drawnText(p.conns.list)
			for _, want := range []string{"RX", "TX", p.conns.infos[0].Opened.Format("15:04:05")} {
				if !strings.Contains(rows, want) {
					t.Errorf("the connection list draws %q: no %q", rows, want)
				}
			}

			if got, want := drawnText(p.saveLine.label), noSpace(Tf("save.into", "Saving into %s", p.saveLine.dir)); got != want {
				t.Errorf("the save line draws %q; want %q", got, want)
			}
			if got := drawnText(p.recv.trimmed); got != noSpace(notice) {
				t.Errorf("the notice draws %q; want %q", got, notice)
			}
			// The folder can be copied whole, to paste into a terminal.
			test.Tap(p.saveLine.copyBtn)
			if got := a.fa.Clipboard().Content(); got != p.saveLine.dir {
				t.Errorf("Copy path put %q on the clipboard; want %q", got, p.saveLine.dir)
			}
		})
	}
}

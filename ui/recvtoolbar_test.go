package ui

import (
	"testing"

	"fyne.io/fyne/v2"

	"netassist/netassist"
)

// At the window's size on a 1024×700 screen every receive-toolbar control
// is on screen, inside the receive pane and above the rows, in English
// and Chinese; and the toolbar's extra lines do not make the window
// taller than such a screen holds (its frame takes 19 pixels there).
func TestRecvToolbarFitsSmallScreen(t *testing.T) {
	t.Cleanup(func() { LoadTranslations("en") })
	for _, lang := range []string{"en", "zh"} {
		if err := LoadTranslations(lang); err != nil {
			t.Fatal(err)
		}
		a := newTestApp(t)
		p := a.NewPanel(netassist.KindTCPServer).(*tcpServerPanel)
		a.win.Resize(fyne.NewSize(1024, 681))
		if h := a.win.Canvas().Content().MinSize().Height; h > 681 {
			t.Errorf("%s: the window needs %.0f pixels of height; a 1024×700 screen gives it 681", lang, h)
		}
		d := fyne.CurrentApp().Driver()
		pane := p.recv.list
		panePos, paneSize := d.AbsolutePositionForObject(pane), pane.Size()
		if paneSize.Height < 40 {
			t.Errorf("%s: the rows have %.0f pixels of height", lang, paneSize.Height)
		}
		for i, o := range p.recv.toolbar.Objects {
			pos, size := d.AbsolutePositionForObject(o), o.Size()
			if !o.Visible() || size.Width < o.MinSize().Width || size.Height < o.MinSize().Height {
				t.Errorf("%s: control %d (%T) is hidden or squeezed: %v", lang, i, o, size)
				continue
			}
			if pos.X < panePos.X || pos.X+size.Width > panePos.X+paneSize.Width || pos.Y+size.Height > panePos.Y {
				t.Errorf("%s: control %d (%T) at %v size %v is outside the receive pane (%v wide at x %v, rows from y %v)",
					lang, i, o, pos, size, paneSize.Width, panePos.X, panePos.Y)
			}
		}
	}
}

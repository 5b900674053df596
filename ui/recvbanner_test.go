package ui

import (
	"testing"

	"fyne.io/fyne/v2"

	"netassist/netassist"
)

// The trimmed-data banner gets the height its wrapped text needs at the
// pane's width, so its second line does not lie over the first row.
func TestTrimBannerDoesNotCoverRows(t *testing.T) {
	t.Cleanup(func() { LoadTranslations("en") })
	for _, lang := range []string{"en", "zh"} {
		if err := LoadTranslations(lang); err != nil {
			t.Fatal(err)
		}
		a := newTestApp(t)
		p := a.NewPanel(netassist.KindTCPServer).(*tcpServerPanel)
		v := p.recv
		v.showBanner(789012, true)
		for _, w := range []float32{1024, 1920} {
			a.win.Resize(fyne.NewSize(w, 681))
			banner := v.trimmed
			got, need := banner.Size().Height, banner.MinSize().Height
			if got < need {
				t.Errorf("%s at %.0f px: the banner is %.0f px high; its wrapped text needs %.0f", lang, w, got, need)
			}
			if bottom, top := banner.Position().Y+got, v.list.Position().Y; bottom > top {
				t.Errorf("%s at %.0f px: the banner ends at y %.0f, under the rows starting at %.0f", lang, w, bottom, top)
			}
		}
	}
}

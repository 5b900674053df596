package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// refreshCounter is a widget that counts the Refresh calls reaching it.
type refreshCounter struct {
	widget.BaseWidget
	n int
}

func newRefreshCounter() *refreshCounter {
	r := &refreshCounter{}
	r.ExtendBaseWidget(r)
	return r
}

func (r *refreshCounter) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(canvas.NewRectangle(theme.Color(theme.ColorNameBackground)))
}

func (r *refreshCounter) Refresh() {
	r.n++
	r.BaseWidget.Refresh()
}

// Selecting or adding a session tab does not refresh the content of every
// tab (Fyne's tabs do, which redrew all their text); a theme change still
// reaches it.
func TestTabSwitchLeavesContentAlone(t *testing.T) {
	fa := test.NewTempApp(t)
	inner := []*refreshCounter{newRefreshCounter(), newRefreshCounter(), newRefreshCounter()}
	tabs := container.NewDocTabs(
		container.NewTabItem("one", newMinCache(inner[0])),
		container.NewTabItem("two", newMinCache(inner[1])),
	)
	w := test.NewTempWindow(t, tabs)
	w.Resize(fyne.NewSize(400, 300))
	count := func() int { return inner[0].n + inner[1].n + inner[2].n }
	before := count()
	tabs.SelectIndex(1)
	tabs.SelectIndex(0)
	tabs.Append(container.NewTabItem("three", newMinCache(inner[2])))
	tabs.SelectIndex(2)
	tabs.SelectIndex(1)
	if got := count() - before; got != 0 {
		t.Fatalf("switching and adding tabs refreshed the contents %d times; want 0", got)
	}

	for _, c := range inner {
		c.n = 0
	}
	fa.Settings().SetTheme(theme.LightTheme())
	tabs.Refresh()
	for i, c := range inner {
		if c.n == 0 {
			t.Errorf("tab %d's content was not refreshed after a theme change", i+1)
		}
	}
}

package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// minCache holds a session tab's content and answers MinSize from a copy
// taken at most every minCacheFor. Fyne asks every container for its
// MinSize on each repaint, each asking all its children again, and the tab
// strip asks every tab, shown or not: with several busy sessions open that
// walk was most of the UI thread's time. A panel's minimum size changes
// only when its controls do, so a little staleness costs nothing.
type minCache struct {
	widget.BaseWidget
	content fyne.CanvasObject
	min     fyne.Size
	at      time.Time
}

const minCacheFor = 500 * time.Millisecond

func newMinCache(content fyne.CanvasObject) *minCache {
	m := &minCache{content: content}
	m.ExtendBaseWidget(m)
	return m
}

func (m *minCache) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(m.content) }

func (m *minCache) MinSize() fyne.Size {
	if now := time.Now(); m.at.IsZero() || now.Sub(m.at) >= minCacheFor {
		m.min, m.at = m.content.MinSize(), now
	}
	return m.min
}

package ui

import (
	"reflect"
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
//
// It also stops Refresh at the tab: Fyne's tab container refreshes every
// tab's whole content whenever one is selected or added (its renderer
// re-applies the theme), which threw away and redrew every text texture of
// the session shown: about 40 ms of the UI thread per Ctrl+PageDown with
// four busy sessions, and at start-up once per session opened, for every
// tab already there. The panels refresh what they change themselves, and
// a theme change reaches the content through Fyne's own walk of the
// renderers (ApplyThemeTo), so only a Refresh under a different theme than
// the last one passed goes on down.
type minCache struct {
	widget.BaseWidget
	content fyne.CanvasObject
	min     fyne.Size
	at      time.Time
	themed  themeStamp // the theme of the last Refresh passed on
}

// themeStamp is what a Refresh from a theme change differs in.
type themeStamp struct {
	th      fyne.Theme
	variant fyne.ThemeVariant
	scale   float32
}

// same compares two stamps; a theme of a type == cannot compare (a struct
// holding a map) counts as changed, never as a panic.
func (s themeStamp) same(o themeStamp) bool {
	if s.variant != o.variant || s.scale != o.scale {
		return false
	}
	if s.th == nil || o.th == nil {
		return s.th == nil && o.th == nil
	}
	t := reflect.TypeOf(s.th)
	return t == reflect.TypeOf(o.th) && t.Comparable() && s.th == o.th
}

func currentThemeStamp() themeStamp {
	app := fyne.CurrentApp()
	if app == nil {
		return themeStamp{}
	}
	s := app.Settings()
	return themeStamp{th: s.Theme(), variant: s.ThemeVariant(), scale: s.Scale()}
}

// Refresh passes on only when the theme changed since the last one did.
func (m *minCache) Refresh() {
	st := currentThemeStamp()
	if st.same(m.themed) {
		return
	}
	m.themed = st
	m.BaseWidget.Refresh()
}

const minCacheFor = 500 * time.Millisecond

func newMinCache(content fyne.CanvasObject) *minCache {
	m := &minCache{content: content, themed: currentThemeStamp()}
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

package ui

import (
	"testing"
	"time"
	_ "unsafe" // go:linkname

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"netassist/netassist"
)

// Fyne's render cache, whose clock the test moves instead of waiting.

//go:linkname fyneCacheClock fyne.io/fyne/v2/internal/cache.timeNow
var fyneCacheClock func() time.Time

//go:linkname fyneCacheClean fyne.io/fyne/v2/internal/cache.Clean
func fyneCacheClean(canvasRefreshed bool)

//go:linkname fyneIsRendered fyne.io/fyne/v2/internal/cache.IsRendered
func fyneIsRendered(wid fyne.Widget) bool

// A session tab hidden for longer than Fyne's cache time keeps its
// renderers, so showing it again does not build it anew in one frame.
func TestHiddenTabKeepsRenderers(t *testing.T) {
	a := newTestApp(t)
	hidden := a.NewPanel(netassist.KindTCPServer).(*tcpServerPanel)
	test.WidgetRenderer(hidden.recv.list) // it was on screen once
	shown := a.NewPanel(netassist.KindUDP).(*udpPanel)
	test.WidgetRenderer(shown.recv.list)
	if !fyneIsRendered(hidden.recv.list) {
		t.Fatal("the hidden tab's list has no renderer to begin with")
	}

	real := fyneCacheClock
	t.Cleanup(func() { fyneCacheClock = real })
	start := time.Now()
	at := start
	fyneCacheClock = func() time.Time { return at }
	// Two minutes of heartbeats (as the pump runs them) with a cache clean
	// every second, as a busy window has.
	for at.Sub(start) < 2*time.Minute {
		at = at.Add(200 * time.Millisecond)
		a.keepHiddenTabs(at)
		if at.Sub(start)%time.Second == 0 {
			fyneCacheClean(true)
		}
	}
	if !fyneIsRendered(hidden.recv.list) {
		t.Fatal("the hidden tab's list lost its renderer")
	}
	if a.tabs.Selected() == nil || a.panels[a.tabs.Selected()] != shown {
		t.Fatal("the shown tab changed")
	}
}

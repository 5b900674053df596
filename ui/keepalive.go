package ui

import (
	"time"
	_ "unsafe" // go:linkname

	"fyne.io/fyne/v2"
)

// Fyne drops the renderers of objects it has not drawn for its cache time
// (fynecache.go: 20 s) and makes them again when they are shown. A session
// tab that was hidden that long came back with every widget, row and text
// of it built anew in one frame: under traffic, the 110–150 ms frames seen
// half a second after Ctrl+PageDown in the soak. So, a few times per cache
// time, the hidden tabs' renderers are marked in use as Fyne's own walk
// does for the shown ones; what is kept is what was already built.

// fyneWalkCompleteObjectTree is Fyne's walk over an object tree, hidden
// parts included; for a widget that has a renderer it looks the renderer
// up, which marks it in use. The name is Fyne v2.7.1's (go.mod pins it);
// were it gone, the build would fail at link time.
//
//go:linkname fyneWalkCompleteObjectTree fyne.io/fyne/v2/internal/driver.WalkCompleteObjectTree
func fyneWalkCompleteObjectTree(obj fyne.CanvasObject,
	beforeChildren func(fyne.CanvasObject, fyne.Position, fyne.Position, fyne.Size) bool,
	afterChildren func(fyne.CanvasObject, fyne.Position, fyne.CanvasObject)) bool

// keepHiddenEvery is how often hidden tabs are marked in use: well inside
// the cache time, so a clean never finds them expired.
const keepHiddenEvery = cacheFor / 4

// keepHiddenTabs marks the renderers of the tabs not shown as in use, at
// most every keepHiddenEvery; main goroutine (the pump calls it).
func (a *App) keepHiddenTabs(now time.Time) {
	if now.Sub(a.keptAt) < keepHiddenEvery {
		return
	}
	a.keptAt = now
	shown := a.tabs.Selected()
	for _, t := range a.tabs.Items {
		if t != shown && t.Content != nil {
			fyneWalkCompleteObjectTree(t.Content, nil, nil)
		}
	}
}

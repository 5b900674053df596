package ui

import (
	"os"
	"time"
	_ "unsafe" // go:linkname
)

// Fyne keeps the texture of every text it drew for a minute after its last
// use (FYNE_CACHE sets that time, but Fyne reads it before main runs). A
// receive view under traffic draws a few hundred new rows a second, so a
// minute of them was hundreds of megabytes: the soak held 1.2 GB, and 630
// MB with 10 s. Renderers of objects unseen that long are dropped too and
// made again when shown. It must stay well above 10 s: an idle window
// walks its whole tree to keep the caches alive once every (time - 10 s),
// which at 10 s became every frame (9% of a core at idle).
//
// The names are Fyne v2.7.1's (go.mod pins it); were they gone, the build
// would fail at link time rather than silently keep the minute.

//go:linkname fyneCacheFor fyne.io/fyne/v2/internal/cache.ValidDuration
var fyneCacheFor time.Duration

//go:linkname fyneCleanEvery fyne.io/fyne/v2/internal/cache.cleanTaskInterval
var fyneCleanEvery time.Duration

// cacheFor is how long Fyne keeps what it drew, unless FYNE_CACHE says.
const cacheFor = 20 * time.Second

func init() {
	if os.Getenv("FYNE_CACHE") == "" {
		fyneCacheFor, fyneCleanEvery = cacheFor, cacheFor/2
	}
}

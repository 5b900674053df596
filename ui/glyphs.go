package ui

import (
	"bytes"
	"sync"
	_ "unsafe" // go:linkname

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"github.com/go-text/typesetting/font"
)

// Fyne draws a character its theme fonts lack with a system font it looks
// up, and parses, on the UI thread while it paints: in a flood of random
// bytes that decode to characters of many scripts, parsing the CJK fonts
// alone held frames for hundreds of milliseconds. And for a character no
// font has, Fyne adds a face to its list on every lookup, so each such
// character drawn makes every later lookup slower, without end.
//
// glyphs answers "can the receive view draw r?" on the pump's goroutine
// before a row is shown: it makes Fyne find (and parse) the font there, so
// that the paint finds it cached, and the formatter shows the characters
// that no font has as their bytes, which never reach Fyne's font search.

// fyneLookupRuneFont is the search Fyne's painter does for a character its
// theme fonts lack; it takes the painter's own lock and caches the answer
// for the same query. The name is Fyne v2.7.1's (go.mod pins it); were it
// gone, the build would fail at link time.
//
//go:linkname fyneLookupRuneFont fyne.io/fyne/v2/internal/painter.lookupRuneFont
func fyneLookupRuneFont(r rune, family string, aspect font.Aspect) *font.Face

// monospaceFamily is the family Fyne's painter searches for monospace text
// (fontscan.Monospace), which the receive view's rows are.
const monospaceFamily = "monospace"

type glyphTable struct {
	once  sync.Once
	theme []*font.Face // the faces Fyne tries first, in its order

	mu    sync.Mutex
	known map[rune]bool
}

var glyphs glyphTable

// drawable reports whether the receive view can draw r; any goroutine but
// the main one (a first lookup may parse a font file).
func (g *glyphTable) drawable(r rune) bool {
	g.once.Do(g.load)
	g.mu.Lock()
	ok, seen := g.known[r]
	g.mu.Unlock()
	if seen {
		return ok
	}
	ok = g.lookup(r)
	g.mu.Lock()
	if g.known == nil {
		g.known = map[rune]bool{}
	}
	g.known[r] = ok
	g.mu.Unlock()
	return ok
}

func (g *glyphTable) lookup(r rune) bool {
	for _, f := range g.theme {
		if _, ok := f.NominalGlyph(r); ok {
			return true // Fyne needs no search for it
		}
	}
	f := fyneLookupRuneFont(r, monospaceFamily, font.Aspect{})
	if f == nil {
		return false
	}
	_, ok := f.NominalGlyph(r)
	return ok
}

// load parses the monospace theme fonts, as Fyne's painter does.
func (g *glyphTable) load() {
	for _, res := range []fyne.Resource{theme.DefaultTextMonospaceFont(), theme.DefaultEmojiFont()} {
		if res == nil {
			continue
		}
		if f, err := font.ParseTTF(bytes.NewReader(res.Content())); err == nil {
			g.theme = append(g.theme, f)
		}
	}
}

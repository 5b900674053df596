package ui

import (
	"image"
	"image/color"
	"math"
	"sync"
	"sync/atomic"
	_ "unsafe" // go:linkname

	"fyne.io/fyne/v2"
	"github.com/go-text/typesetting/font"
	"github.com/go-text/typesetting/shaping"

	"netassist/netassist/display"
)

// Even drawn into RGBA, a screen of new rows is most of a flood repaint's
// frame: shaping and rasterising each row's glyphs. The rows a repaint
// will show are known on the pump's goroutine when it formats them (the
// newest ones, when the view follows), so it draws them there, and the
// UI thread only uploads the images. A row it did not draw (scrolled
// back, or the measure came out otherwise) is drawn on the UI thread as
// before.

// fyneMeasureString is Fyne's text measure over a given set of fonts
// (v2.7.1, go.mod pins it; were it gone, the build would fail at link time).
//
//go:linkname fyneMeasureString fyne.io/fyne/v2/internal/painter.MeasureString
func fyneMeasureString(f shaping.Fontmap, s string, textSize float32, style fyne.TextStyle) (size fyne.Size, advance float32)

// rowParams is what the pump needs to draw rows exactly as the UI thread
// would; the UI thread publishes it when it shows the view.
type rowParams struct {
	rows   int     // rows on screen
	width  float32 // the list's width: a row's image is no wider
	size   float32 // text size
	scale  float32 // pixels per canvas unit
	colors map[display.Dir]color.Color
}

type rowKey struct {
	text        string
	r, g, b, a  uint32
	size, scale float32
}

func keyOf(text string, c color.Color, size, scale float32) rowKey {
	k := rowKey{text: text, size: size, scale: scale}
	if c != nil {
		k.r, k.g, k.b, k.a = c.RGBA()
	}
	return k
}

// rowImages holds rows drawn ahead for one receive view.
type rowImages struct {
	params atomic.Pointer[rowParams]

	mu   sync.Mutex
	imgs map[rowKey]*image.RGBA
	hits int // rows the UI thread found drawn (tests count work)
}

// take returns the row drawn ahead for key at w×h pixels, once; main goroutine.
func (ri *rowImages) take(k rowKey, w, h int) *image.RGBA {
	ri.mu.Lock()
	defer ri.mu.Unlock()
	img := ri.imgs[k]
	if img == nil || img.Rect.Dx() != w || img.Rect.Dy() != h {
		return nil
	}
	delete(ri.imgs, k)
	ri.hits++
	return img
}

// drawAhead draws the rows of a batch that the view will show (its last
// screenful); pump goroutine.
func (ri *rowImages) drawAhead(b display.Batch) {
	p := ri.params.Load()
	if p == nil || p.rows <= 0 || len(b.Rows) == 0 {
		return
	}
	first := max(0, len(b.Rows)-p.rows)
	imgs := make(map[rowKey]*image.RGBA, len(b.Rows)-first)
	for i := first; i < len(b.Rows); i++ {
		dir := display.RX
		if i < len(b.Dirs) {
			dir = b.Dirs[i]
		}
		c := p.colors[dir]
		if img := offscreen.draw(b.Rows[i], c, p); img != nil {
			imgs[keyOf(b.Rows[i], c, p.size, p.scale)] = img
		}
	}
	ri.mu.Lock()
	ri.imgs = imgs // what an earlier batch drew and was not shown is gone by now
	ri.mu.Unlock()
}

// offscreenFonts draws rows off the UI thread with the fonts Fyne picks
// for them (its theme's monospace faces, then the system font its search
// finds for a character), but through faces of its own: a font.Face
// caches as it is used and must not be shared with the painter.
type offscreenFonts struct {
	mu    sync.Mutex
	faces map[*font.Font]*font.Face
	runes map[rune]*font.Face
	first *font.Face
}

var offscreen offscreenFonts

// ResolveFace is shaping.Fontmap's; called with o.mu held.
func (o *offscreenFonts) ResolveFace(r rune) *font.Face {
	if f, ok := o.runes[r]; ok {
		return f
	}
	var f *font.Face
	for _, t := range glyphs.theme {
		if _, ok := t.NominalGlyph(r); ok {
			f = o.own(t)
			break
		}
	}
	if f == nil {
		if found := fyneLookupRuneFont(r, monospaceFamily, font.Aspect{}); found != nil {
			f = o.own(found)
		}
	}
	if f == nil {
		f = o.first
	}
	o.runes[r] = f
	return f
}

func (o *offscreenFonts) own(f *font.Face) *font.Face {
	if mine, ok := o.faces[f.Font]; ok {
		return mine
	}
	mine := font.NewFace(f.Font)
	o.faces[f.Font] = mine
	return mine
}

// draw is rowText.draw off the UI thread: the same size, the same pixels.
func (o *offscreenFonts) draw(text string, c color.Color, p *rowParams) *image.RGBA {
	if text == "" {
		return nil
	}
	glyphs.once.Do(glyphs.load)
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.faces == nil {
		if len(glyphs.theme) == 0 {
			return nil
		}
		o.faces, o.runes = map[*font.Font]*font.Face{}, map[rune]*font.Face{}
		o.first = o.own(glyphs.theme[0])
	}
	textSize, _ := fyneMeasureString(o, text, p.size, monoStyle)
	line, _ := fyneMeasureString(o, "0", p.size, monoStyle)
	w := int(math.Round(float64(min(textSize.Width, p.width) * p.scale)))
	h := int(math.Round(float64(line.Height * p.scale)))
	if w <= 0 || h <= 0 {
		return nil
	}
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	if c == nil {
		c = color.Black
	}
	fyneDrawString(img, text, c, o, p.size, p.scale, monoStyle)
	return img
}

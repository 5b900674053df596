package ui

import (
	"image"
	"image/color"
	"image/draw"
	"math"
	_ "unsafe" // go:linkname

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/widget"
	"github.com/go-text/typesetting/shaping"
)

// A receive-view row drawn as a canvas.Text costs the UI thread its width
// in pixels several times over: Fyne rasterises text into an image.NRGBA,
// which the vector rasteriser has no fast path for, so it composites pixel
// by pixel through At and Set (an allocation each), and then converts the
// image to RGBA to upload it. Under traffic every repaint, scroll or
// text/hex switch draws a screen of new rows in one frame: profiled in the
// soak, 25-60 ms of UI-thread CPU per such frame, 90% of it in that text
// path, which a busy 2-core machine stretched past 100 ms of heartbeat lag.
//
// rowText draws the same text with the same fonts through Fyne's own
// DrawString, but into an image.RGBA, which the rasteriser fills on its
// fast path and Fyne uploads as it is: the same pixels (premultiplied, as
// Fyne's conversion makes them) for a fraction of the work.

// fyneFontCacheItem is Fyne's painter.FontCacheItem (one field), the fonts
// and fallbacks Fyne draws a style with.
type fyneFontCacheItem struct {
	Fonts shaping.Fontmap
}

// The names are Fyne v2.7.1's (go.mod pins it); were they gone, the build
// would fail at link time.
//
//go:linkname fyneCachedFontFace fyne.io/fyne/v2/internal/painter.CachedFontFace
func fyneCachedFontFace(style fyne.TextStyle, source fyne.Resource, o fyne.CanvasObject) *fyneFontCacheItem

//go:linkname fyneDrawString fyne.io/fyne/v2/internal/painter.DrawString
func fyneDrawString(dst draw.Image, s string, color color.Color, f shaping.Fontmap, fontSize, scale float32, style fyne.TextStyle)

var monoStyle = fyne.TextStyle{Monospace: true}

// rowText is one monospace row of the receive view.
type rowText struct {
	widget.BaseWidget
	text  string
	color color.Color
	size  float32

	raster  *canvas.Raster
	ahead   *rowImages // rows the pump drew ahead; nil: none
	changes int        // how many times the row was given something new to draw (tests count work)
}

func newRowText(size float32, ahead *rowImages) *rowText {
	r := &rowText{size: size, ahead: ahead}
	r.raster = canvas.NewRaster(r.draw)
	r.ExtendBaseWidget(r)
	return r
}

// set shows text in c at size; a row that shows them already is left
// alone, so it is not rasterised again. Main goroutine.
func (r *rowText) set(text string, c color.Color, size float32) {
	if r.text == text && r.size == size && sameColor(r.color, c) {
		return
	}
	r.text, r.color, r.size = text, c, size
	r.changes++
	r.Refresh() // lays the raster out at the text's width, and draws it
}

func sameColor(a, b color.Color) bool {
	if a == nil || b == nil {
		return a == b
	}
	r1, g1, b1, a1 := a.RGBA()
	r2, g2, b2, a2 := b.RGBA()
	return r1 == r2 && g1 == g2 && b1 == b2 && a1 == a2
}

// MinSize is one line of monospace text high, as a canvas.Text row was.
func (r *rowText) MinSize() fyne.Size {
	return fyne.NewSize(0, fyne.MeasureText("0", r.size, monoStyle).Height)
}

func (r *rowText) CreateRenderer() fyne.WidgetRenderer {
	return &rowTextRenderer{r}
}

// rowTextRenderer sizes the raster to the text, not to the row: pixels
// past the text's end would be rasterised and uploaded for nothing.
type rowTextRenderer struct{ r *rowText }

func (rr *rowTextRenderer) Layout(size fyne.Size) {
	w := float32(0)
	if rr.r.text != "" {
		w = min(fyne.MeasureText(rr.r.text, rr.r.size, monoStyle).Width, size.Width)
	}
	rr.r.raster.Resize(fyne.NewSize(w, size.Height)) // a new size draws it again
}

func (rr *rowTextRenderer) MinSize() fyne.Size           { return rr.r.MinSize() }
func (rr *rowTextRenderer) Refresh()                     { rr.Layout(rr.r.Size()); rr.r.raster.Refresh() }
func (rr *rowTextRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{rr.r.raster} }
func (rr *rowTextRenderer) Destroy()                     {}

// draw rasterises the row into a w×h (pixels) image; Fyne calls it on the
// UI thread when the row is painted after a change.
func (r *rowText) draw(w, h int) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	if r.text == "" || w <= 0 || h <= 0 {
		return img
	}
	scale := r.pixScale(w)
	if r.ahead != nil {
		if img := r.ahead.take(keyOf(r.text, r.color, r.size, scale), w, h); img != nil {
			return img
		}
	}
	c := r.color
	if c == nil {
		c = color.Black
	}
	fyneDrawString(img, r.text, c, fyneCachedFontFace(monoStyle, nil, r).Fonts, r.size, scale, monoStyle)
	return img
}

// pixScale is the scale Fyne's painter draws text at: the canvas's scale
// times the whole number of device pixels per canvas pixel (2 on a Retina
// screen). Dividing the width in pixels by the width would be off by the
// rounding of the width, and the glyphs would move by a fraction of a
// pixel.
func (r *rowText) pixScale(w int) float32 {
	scale := float32(1)
	if c := fyne.CurrentApp().Driver().CanvasForObject(r); c != nil && c.Scale() > 0 {
		scale = c.Scale()
	}
	if width := r.raster.Size().Width * scale; width > 0 {
		scale *= max(1, float32(math.Round(float64(float32(w)/width))))
	}
	return scale
}

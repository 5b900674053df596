package ui

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"math"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"netassist/netassist"
)

// soakRow is a row such as random traffic gives: escapes, ASCII, CJK and
// characters of other scripts, which Fyne draws with fallback fonts.
const soakRow = `[12:00:00.000] 127.0.0.1:40000 ← \x81\xD6\xD0\xCE\xC4\\\xB4!L\x0E\x1E\r中文y\xF5Gp\xC4\x11gЖ\x0F=\xE2 GET / HTTP/1.1\r\n`

// canvasTextPixels is what Fyne's painter makes of a canvas.Text row: an
// NRGBA image drawn by DrawString, converted to RGBA for upload.
func canvasTextPixels(r *rowText, w, h int) *image.RGBA {
	n := image.NewNRGBA(image.Rect(0, 0, w, h))
	fyneDrawString(n, r.text, r.color, fyneCachedFontFace(monoStyle, nil, r).Fonts, r.size, 1, monoStyle)
	out := image.NewRGBA(n.Rect)
	draw.Draw(out, out.Rect, n, image.Point{}, draw.Over)
	return out
}

func BenchmarkRowTextNRGBA(b *testing.B) {
	test.NewTempApp(b)
	r := newRowText(theme.TextSize(), nil)
	r.set(soakRow, color.White, theme.TextSize())
	w := int(fyne.MeasureText(soakRow, theme.TextSize(), monoStyle).Width)
	for b.Loop() {
		canvasTextPixels(r, w, 20)
	}
}

func BenchmarkRowTextRGBA(b *testing.B) {
	test.NewTempApp(b)
	r := newRowText(theme.TextSize(), nil)
	r.set(soakRow, color.White, theme.TextSize())
	r.Resize(fyne.NewSize(1200, 20))
	test.WidgetRenderer(r).Layout(r.Size())
	w := int(r.raster.Size().Width)
	for b.Loop() {
		r.draw(w, 20)
	}
}

// A row looks as it did when it was a canvas.Text: the same pixels as
// Fyne's painter made of the text (up to rounding), only made faster.
func TestRowTextPixelsAsCanvasText(t *testing.T) {
	test.NewTempApp(t)
	for _, text := range []string{"AB", soakRow, "é中文\\x00Жא"} {
		r := newRowText(theme.TextSize(), nil)
		r.set(text, color.NRGBA{R: 0x20, G: 0x90, B: 0xf0, A: 0xff}, theme.TextSize())
		r.Resize(fyne.NewSize(2000, r.MinSize().Height))
		test.WidgetRenderer(r).Layout(r.Size())
		s := r.raster.Size()
		w, h := int(s.Width+0.5), int(s.Height+0.5)
		if w == 0 || h == 0 {
			t.Fatalf("%q: raster %v", text, s)
		}
		got := r.draw(w, h).(*image.RGBA)
		want := canvasTextPixels(r, w, h)
		inked, worst := 0, 0
		for i := range got.Pix {
			if got.Pix[i] != 0 {
				inked++
			}
			worst = max(worst, absDiff(got.Pix[i], want.Pix[i]))
		}
		for i := range got.Pix {
			if absDiff(got.Pix[i], want.Pix[i]) > 1 {
				t.Logf("first diff at byte %d (x %d y %d): got %v want %v", i, (i/4)%w, i/4/w, got.Pix[i-i%4:i-i%4+4], want.Pix[i-i%4:i-i%4+4])
				break
			}
		}
		if inked == 0 || worst > 1 {
			t.Fatalf("%q: %d bytes inked; pixels differ from the canvas.Text path by up to %d", text, inked, worst)
		}
	}
}

func absDiff(a, b uint8) int {
	if a > b {
		return int(a - b)
	}
	return int(b - a)
}

// A repaint that brings one new row redraws that row (and the header
// row of its event), not every row on screen: each redrawn row is
// rasterised and uploaded again on the UI thread (before, every visible
// row was, at each repaint: ten times a second).
func TestRecvViewRedrawsOnlyNewRows(t *testing.T) {
	test.NewTempApp(t)
	v := newRecvView(nil, 0, 0)
	w := test.NewWindow(v.build())
	defer w.Close()
	w.Resize(fyne.NewSize(800, 500))
	redrawn := 0 // rows given something new to draw
	update := v.list.UpdateItem
	v.list.UpdateItem = func(id widget.ListItemID, o fyne.CanvasObject) {
		r := o.(*rowText)
		before := r.changes
		update(id, o)
		redrawn += r.changes - before
	}
	at := time.Unix(1_800_000_000, 0)
	var lines strings.Builder
	for i := range 100 {
		fmt.Fprintf(&lines, "line %d\n", i)
	}
	feedView(t, v, at, netassist.Event{Time: at, Kind: netassist.EvRx, Conn: 1, Peer: "127.0.0.1:1", Data: []byte(lines.String())})
	w.Canvas().Capture()
	shown := 0
	for _, o := range test.LaidOutObjects(v.list) {
		if _, ok := o.(*rowText); ok {
			shown++
		}
	}
	if shown < 10 {
		t.Fatalf("%d rows on screen; want a screenful", shown)
	}
	redrawn = 0
	at = at.Add(time.Second)
	feedView(t, v, at, netassist.Event{Time: at, Kind: netassist.EvRx, Conn: 1, Peer: "127.0.0.1:1", Data: []byte("one more\n")})
	w.Canvas().Capture()
	// The list itself may set a new row twice (on a recycled item, then
	// on a new one); the rows that stayed on screen must not be redrawn.
	if redrawn > 4 {
		t.Fatalf("two new rows redrew %d rows (%d on screen)", redrawn, shown)
	}
	if got, _ := rowsOf(v); !strings.Contains(got[len(got)-1], "one more") {
		t.Fatalf("last row %q", got[len(got)-1])
	}
}

// The rows a flood repaint shows are drawn on the pump's goroutine, with
// the same pixels the UI thread would draw, which then only uploads them.
func TestRecvViewDrawsRowsAhead(t *testing.T) {
	test.NewTempApp(t)
	v := newRecvView(nil, 0, 0)
	w := test.NewWindow(v.build())
	defer w.Close()
	w.Resize(fyne.NewSize(800, 500))
	at := time.Unix(1_800_000_000, 0)
	feed := func(from, n int) {
		var lines strings.Builder
		for i := range n {
			fmt.Fprintf(&lines, "line %d é中文Ж\n", from+i)
		}
		at = at.Add(time.Second)
		feedView(t, v, at, netassist.Event{Time: at, Kind: netassist.EvRx, Conn: 1, Peer: "127.0.0.1:1", Data: []byte(lines.String())})
	}
	feed(0, 100) // the first repaint tells the pump how rows are drawn
	w.Canvas().Capture()
	feed(100, 100)
	shown := 0
	for _, o := range test.LaidOutObjects(v.list) {
		r, ok := o.(*rowText)
		if !ok || r.text == "" {
			continue
		}
		shown++
		// The GL painter asks for the raster's size rounded to pixels.
		s := r.raster.Size()
		w, h := int(math.Round(float64(s.Width))), int(math.Round(float64(s.Height)))
		ahead := r.draw(w, h).(*image.RGBA)
		ui := r.draw(w, h).(*image.RGBA) // taken once: this one is drawn here
		if ahead.Rect != ui.Rect {
			t.Fatalf("%q: drawn ahead %v, on the UI thread %v", r.text, ahead.Rect, ui.Rect)
		}
		for i := range ahead.Pix {
			if ahead.Pix[i] != ui.Pix[i] {
				t.Fatalf("%q: pixels drawn ahead differ from the UI thread's at byte %d", r.text, i)
			}
		}
	}
	if shown < 10 || v.ahead.hits < shown {
		t.Fatalf("%d of the %d rows on screen were drawn ahead", v.ahead.hits, shown)
	}
}

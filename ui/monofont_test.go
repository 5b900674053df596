package ui

import (
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/software"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

var inkRed = color.NRGBA{R: 0xff, A: 0xff}

// inkRows is the first and last pixel row holding red ink, -1 if none.
func inkRows(img image.Image) (top, bottom int) {
	top, bottom = -1, -1
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if r > 0x8000 && g < r/2 && bl < r/2 {
				if top < 0 {
					top = y - b.Min.Y
				}
				bottom = y - b.Min.Y
				break
			}
		}
	}
	return top, bottom
}

func saveShot(t *testing.T, name string, img image.Image) {
	dir := os.Getenv("NETASSIST_SHOTS")
	if dir == "" {
		return
	}
	f, err := os.Create(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
}

// Rows that start with Chinese lost their lower part: Fyne draws a text
// into a box as tall as its own monospace font's line and puts the
// baseline at the first face's ascent, which for the CJK fallback is
// nearly the whole box. A receive row is a canvas.Text its own height;
// the ink must stay inside it with a blank pixel row above and below.
func TestMonospaceRowsKeepCJKAndDescenders(t *testing.T) {
	test.NewTempApp(t)
	for _, s := range []string{`中文gy\r\n`, `接收 gy`, `ab 中文gy\r\n`, `GET / HTTP/1.1\r\n`} {
		txt := canvas.NewText(s, inkRed)
		txt.TextStyle = fyne.TextStyle{Monospace: true}
		txt.TextSize = 28
		img := software.Render(txt, &appTheme{})
		saveShot(t, "row-"+safeName(s)+".png", img)
		top, bottom := inkRows(img)
		h := img.Bounds().Dy()
		if top < 0 {
			t.Fatalf("%q: nothing drawn", s)
		}
		if top == 0 || bottom >= h-1 {
			t.Errorf("%q: ink on rows %d..%d of a %d-pixel row: cut off at the edge", s, top, bottom, h)
		}
	}
}

// The status line is a monospace Label: in Chinese it starts with a CJK
// character. Its ink must reach as high and as low as the same text's
// after a Latin letter (which Fyne's own font starts, so nothing is cut).
func TestMonospaceLabelStartingWithCJKIsWhole(t *testing.T) {
	test.NewTempApp(t)
	th := &appTheme{}
	shoot := func(s string) (int, int) {
		l := widget.NewLabel(s)
		l.TextStyle = fyne.TextStyle{Monospace: true}
		l.Importance = widget.DangerImportance // red ink
		img := software.Render(container.NewStack(l), th)
		saveShot(t, "label-"+safeName(s)+".png", img)
		return inkRows(img)
	}
	top, bottom := shoot("接收 12 B gy")
	refTop, refBottom := shoot("a接收 12 B gy")
	if top < 0 || refTop < 0 {
		t.Fatal("nothing drawn")
	}
	if bottom-top != refBottom-refTop {
		t.Errorf("status text starting with Chinese is %d pixels tall, %d after a Latin letter: cut off", bottom-top+1, refBottom-refTop+1)
	}
}

func safeName(s string) string {
	out := make([]rune, 0, len(s))
	for _, r := range s {
		if r < 0x80 && (r < 'a' || r > 'z') && (r < 'A' || r > 'Z') && (r < '0' || r > '9') {
			r = '_'
		}
		out = append(out, r)
	}
	return string(out)
}

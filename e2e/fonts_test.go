//go:build linux

package e2e

import (
	"image"
	"image/png"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestChineseUIWithoutSystemCJKFonts: the UI's Chinese must render on a
// Linux machine with no CJK font installed, from the bundled subset. The app
// runs once normally and once in a mount namespace where /usr/share/fonts
// is an empty tmpfs; the two screenshots of the (static) empty window must
// be the same picture, and differ from the English one.
func TestChineseUIWithoutSystemCJKFonts(t *testing.T) {
	bin := requireE2E(t)
	requireTools(t, "unshare")
	if os.Geteuid() != 0 {
		t.Skip("hiding the system fonts needs a mount namespace, which needs root")
	}
	// Prove the namespace really hides the fonts.
	out, err := exec.Command("unshare", "-m", "--propagation", "private", "sh", "-c",
		"mount -t tmpfs none /usr/share/fonts && ls -A /usr/share/fonts | wc -l").CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "0" {
		t.Fatalf("cannot hide /usr/share/fonts: %v %s", err, out)
	}

	d := newDisplay(t)
	shoot := func(name string, hide bool, lang string) image.Image {
		var a *app
		if hide {
			a = d.startApp("unshare", "-m", "--propagation", "private", "sh", "-c",
				`mount -t tmpfs none /usr/share/fonts && exec "$0" "$@"`, bin, "--lang", lang)
		} else {
			a = d.startApp(bin, "--lang", lang)
		}
		a.waitWindow()
		time.Sleep(1500 * time.Millisecond) // let the first frames settle
		path := d.screenshot(name)
		a.kill()
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		img, err := png.Decode(f)
		if err != nil {
			t.Fatal(err)
		}
		return img
	}
	with := shoot("zh-with-system-fonts.png", false, "zh")
	without := shoot("zh-without-system-fonts.png", true, "zh")
	english := shoot("en-with-system-fonts.png", false, "en")
	if n := diffPixels(with, without); n != 0 {
		t.Errorf("the Chinese UI looks different without system CJK fonts: %d pixels differ (see the screenshots)", n)
	}
	if n := diffPixels(with, english); n < 1000 {
		t.Errorf("the Chinese and English windows differ in only %d pixels: was Chinese shown at all?", n)
	}
}

func diffPixels(a, b image.Image) int {
	if a.Bounds() != b.Bounds() {
		return a.Bounds().Dx() * a.Bounds().Dy()
	}
	n := 0
	r := a.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			r1, g1, b1, _ := a.At(x, y).RGBA()
			r2, g2, b2, _ := b.At(x, y).RGBA()
			if r1 != r2 || g1 != g2 || b1 != b2 {
				n++
			}
		}
	}
	return n
}

package assets

import (
	"bytes"
	"testing"

	"github.com/go-text/typesetting/font"
)

// The bundled font draws "…" as three full stops on the baseline: Noto Sans
// CJK centres it, which showed "···" in Fyne's truncation and our labels.
func TestEllipsisOnBaseline(t *testing.T) {
	face, err := font.ParseTTF(bytes.NewReader(Font))
	if err != nil {
		t.Fatal(err)
	}
	ell, ok1 := face.NominalGlyph('…')
	dot, ok2 := face.NominalGlyph('.')
	if !ok1 || !ok2 {
		t.Fatal("no glyph for … or .")
	}
	e, ok1 := face.GlyphExtents(ell)
	d, ok2 := face.GlyphExtents(dot)
	if !ok1 || !ok2 {
		t.Fatal("no extents")
	}
	// Same height above the baseline as a full stop, not raised to the middle.
	if e.YBearing != d.YBearing || e.Height != d.Height {
		t.Fatalf("… top %v height %v; . top %v height %v: the ellipsis is not on the baseline", e.YBearing, e.Height, d.YBearing, d.Height)
	}
	if adv := face.HorizontalAdvance(ell); adv != 3*face.HorizontalAdvance(dot) {
		t.Fatalf("… advance %v; want three full stops (%v)", adv, 3*face.HorizontalAdvance(dot))
	}
}

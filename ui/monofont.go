package ui

import (
	"bytes"
	"encoding/binary"
	"math"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"github.com/go-text/typesetting/font"

	"netassist/assets"
)

// Fyne (v2.7.1, internal/painter) draws a canvas.Text into an image as
// tall as its MinSize, which is the line height (ascent + descent) of the
// theme's font alone, and puts the baseline at the ascent of the face that
// draws the text's first run. Monospace text that starts with Chinese is
// drawn by a fallback CJK face, whose ascent (Noto Sans CJK: 1.16 em) is
// nearly the whole line height of Fyne's monospace font (DejaVu Sans Mono:
// 0.93 + 0.24 em), so everything below the baseline was cut: the lower
// part of 中文, descenders, the backslash of a visible \r\n. Receive rows
// and the status line are monospace, so both lost it.
//
// monoFont is Fyne's monospace font with the line metrics (hhea ascent and
// descent) raised to cover the CJK faces it falls back to. Its glyphs are
// unchanged; only the line is taller, and every face's baseline then fits
// in the image Fyne draws into.

var (
	monoOnce sync.Once
	monoRes  fyne.Resource
)

// monoFont returns the monospace font the theme hands Fyne.
func monoFont() fyne.Resource {
	monoOnce.Do(func() {
		base := theme.DefaultTextMonospaceFont()
		data, err := coverLineOf(base.Content(), cjkFaces())
		if err != nil {
			fyne.LogError("monospace font: keeping Fyne's line height", err)
			monoRes = base
			return
		}
		monoRes = fyne.NewStaticResource("DejaVuSansMono-NetAssist.ttf", data)
	})
	return monoRes
}

// cjkFaces are the faces monospace Chinese is drawn with: the system font
// Fyne's painter finds for it, and the bundled one (the same family, and
// the only one on a machine without CJK fonts).
func cjkFaces() []*font.Face {
	var faces []*font.Face
	if f, err := font.ParseTTF(bytes.NewReader(assets.FontResource().Content())); err == nil {
		faces = append(faces, f)
	}
	if f := fyneLookupRuneFont('中', monospaceFamily, font.Aspect{}); f != nil {
		if _, ok := f.NominalGlyph('中'); ok {
			faces = append(faces, f)
		}
	}
	return faces
}

// coverLineOf returns a copy of the TrueType font data whose hhea ascent
// and descent are at least those of each of the faces (scaled to its own
// units per em), with the table's checksum and the font's checksum
// adjustment set again.
func coverLineOf(data []byte, faces []*font.Face) ([]byte, error) {
	base, err := font.ParseTTF(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	ext, _ := base.FontHExtents()
	upem := float64(base.Upem())
	asc, desc := float64(ext.Ascender)/upem, -float64(ext.Descender)/upem
	for _, f := range faces {
		e, ok := f.FontHExtents()
		if !ok {
			continue
		}
		u := float64(f.Upem())
		asc = math.Max(asc, float64(e.Ascender)/u)
		desc = math.Max(desc, -float64(e.Descender)/u)
	}
	out := bytes.Clone(data)
	hhea, ok := sfntTable(out, "hhea")
	if !ok || len(hhea.data) < 10 {
		return nil, errNoHhea
	}
	be := binary.BigEndian
	be.PutUint16(hhea.data[4:], uint16(int16(math.Ceil(asc*upem))))
	be.PutUint16(hhea.data[6:], uint16(-int16(math.Ceil(desc*upem))))
	be.PutUint32(out[hhea.record+4:], sfntSum(hhea.data))
	if head, ok := sfntTable(out, "head"); ok && len(head.data) >= 12 {
		be.PutUint32(head.data[8:], 0)
		be.PutUint32(head.data[8:], 0xB1B0AFBA-sfntSum(out))
	}
	return out, nil
}

type fontError string

func (e fontError) Error() string { return string(e) }

const errNoHhea = fontError("no hhea table")

// sfntEntry is one table of a font file: where its directory record is
// and its bytes (sharing the file's).
type sfntEntry struct {
	record int
	data   []byte
}

// sfntTable finds a table in a TrueType/OpenType file (not a collection).
func sfntTable(b []byte, tag string) (sfntEntry, bool) {
	if len(b) < 12 {
		return sfntEntry{}, false
	}
	n := int(binary.BigEndian.Uint16(b[4:]))
	for i := range n {
		rec := 12 + 16*i
		if rec+16 > len(b) {
			break
		}
		if string(b[rec:rec+4]) != tag {
			continue
		}
		off := int(binary.BigEndian.Uint32(b[rec+8:]))
		size := int(binary.BigEndian.Uint32(b[rec+12:]))
		if off < 0 || size < 0 || off+size > len(b) {
			return sfntEntry{}, false
		}
		return sfntEntry{record: rec, data: b[off : off+size]}, true
	}
	return sfntEntry{}, false
}

// sfntSum is the OpenType checksum: the sum of big-endian uint32s, the
// last one padded with zeros.
func sfntSum(b []byte) uint32 {
	var sum uint32
	for len(b) >= 4 {
		sum += binary.BigEndian.Uint32(b)
		b = b[4:]
	}
	if len(b) > 0 {
		var last [4]byte
		copy(last[:], b)
		sum += binary.BigEndian.Uint32(last[:])
	}
	return sum
}

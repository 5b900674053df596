package assets

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"image/png"
	"io/fs"
	"path"
	"sort"
	"strings"
	"testing"
	"unicode"
)

// TestFontCoversTranslations fails when a character of a translated string is
// missing from the bundled font (fix: run scripts/make-font.sh).
func TestFontCoversTranslations(t *testing.T) {
	f, err := parseFont(Font)
	if err != nil {
		t.Fatalf("bundled font: %v", err)
	}
	files, err := fs.Glob(TranslationsFS, "*.json")
	if err != nil {
		t.Fatal(err)
	}
	if !contains(files, "zh-Hans.json") {
		t.Fatalf("translations %v: no zh-Hans.json", files)
	}
	for _, name := range files {
		strs, err := translationStrings(name)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		missing := map[rune][]string{}
		for key, s := range strs {
			for _, r := range s {
				if unicode.IsControl(r) || f.covers(r) {
					continue
				}
				missing[r] = append(missing[r], key)
			}
		}
		var runes []rune
		for r := range missing {
			runes = append(runes, r)
		}
		sort.Slice(runes, func(i, j int) bool { return runes[i] < runes[j] })
		for _, r := range runes {
			keys := missing[r]
			sort.Strings(keys)
			t.Errorf("%s: %q (U+%04X) in %s has no glyph in fonts/NotoSansSC-NetAssist.ttf: run scripts/make-font.sh (if it says Noto Sans CJK SC lacks it too, use another character)",
				name, r, r, strings.Join(keys, ", "))
		}
	}
}

// TestFontBaseRanges checks the ranges make-font.sh always keeps.
func TestFontBaseRanges(t *testing.T) {
	f, err := parseFont(Font)
	if err != nil {
		t.Fatalf("bundled font: %v", err)
	}
	var want []rune
	for r := rune(0x20); r <= 0x7e; r++ {
		want = append(want, r)
	}
	want = append(want, []rune("©°±×÷ü–—‘’“”…‰、。「」『』【】〜，：；！？（）％＋￥")...)
	for _, r := range want {
		if !f.covers(r) {
			t.Errorf("%q (U+%04X) missing from the bundled font", r, r)
		}
	}
	if f.covers('收') && !f.covers('网') {
		t.Errorf("font looks like a full font, not the subset")
	}
}

func TestIcon(t *testing.T) {
	cfg, err := png.DecodeConfig(bytes.NewReader(Icon))
	if err != nil {
		t.Fatalf("icon: %v", err)
	}
	if cfg.Width != 512 || cfg.Height != 512 {
		t.Errorf("icon is %d×%d, want 512×512", cfg.Width, cfg.Height)
	}
	if r := IconResource(); r.Name() == "" || !bytes.Equal(r.Content(), Icon) {
		t.Errorf("IconResource does not match Icon")
	}
	if r := FontResource(); !bytes.Equal(r.Content(), Font) {
		t.Errorf("FontResource does not match Font")
	}
	if !strings.Contains(FontLicense, "SIL OPEN FONT LICENSE") {
		t.Errorf("FontLicense does not hold the OFL text")
	}
}

func TestTranslationsFS(t *testing.T) {
	for _, name := range []string{"en.json", "zh-Hans.json"} {
		a, err := fs.ReadFile(TranslationsFS, name)
		if err != nil {
			t.Fatal(err)
		}
		b, err := Translations.ReadFile(path.Join(TranslationsDir, name))
		if err != nil || !bytes.Equal(a, b) {
			t.Errorf("Translations and TranslationsFS disagree on %s: %v", name, err)
		}
	}
	// fyne ignores zh.json for zh_CN users; the Chinese file is zh-Hans.json.
	if _, err := fs.Stat(TranslationsFS, "zh.json"); err == nil {
		t.Errorf("translations/zh.json exists; name it zh-Hans.json")
	}
}

// translationStrings returns the strings of a go-i18n JSON file by key
// (nested plural forms as "key.other").
func translationStrings(name string) (map[string]string, error) {
	data, err := fs.ReadFile(TranslationsFS, name)
	if err != nil {
		return nil, err
	}
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		return nil, err
	}
	out := map[string]string{}
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		switch v := v.(type) {
		case string:
			out[prefix] = v
		case map[string]any:
			for k, x := range v {
				if prefix != "" {
					k = prefix + "." + k
				}
				walk(k, x)
			}
		case []any:
			for i, x := range v {
				walk(fmt.Sprintf("%s[%d]", prefix, i), x)
			}
		}
	}
	walk("", v)
	return out, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// sfntFont is the little of an OpenType/TrueType font this test needs: the
// Unicode cmap (formats 4 and 12) and, for glyf fonts, which glyphs have an
// outline. (golang.org/x/image/font/sfnt is not in this module's go.sum.)
type sfntFont struct {
	data    []byte
	cmap    []byte // the chosen subtable
	format  uint16
	outline func(gid uint32) bool
}

var errFont = errors.New("malformed font")

func u16(b []byte, off int) (uint16, error) {
	if off < 0 || off+2 > len(b) {
		return 0, errFont
	}
	return binary.BigEndian.Uint16(b[off:]), nil
}

func u32(b []byte, off int) (uint32, error) {
	if off < 0 || off+4 > len(b) {
		return 0, errFont
	}
	return binary.BigEndian.Uint32(b[off:]), nil
}

func parseFont(data []byte) (*sfntFont, error) {
	tag, err := u32(data, 0)
	if err != nil {
		return nil, err
	}
	if tag != 0x00010000 && tag != 0x74727565 /* true */ && tag != 0x4f54544f /* OTTO */ {
		return nil, fmt.Errorf("not an OpenType font (tag %08x)", tag)
	}
	n, err := u16(data, 4)
	if err != nil {
		return nil, err
	}
	tables := map[string][]byte{}
	for i := 0; i < int(n); i++ {
		rec := 12 + 16*i
		off, err1 := u32(data, rec+8)
		length, err2 := u32(data, rec+12)
		if err1 != nil || err2 != nil || uint64(off)+uint64(length) > uint64(len(data)) {
			return nil, errFont
		}
		tables[string(data[rec:rec+4])] = data[off : off+length]
	}
	f := &sfntFont{data: data, outline: func(uint32) bool { return true }}
	if err := f.pickCmap(tables["cmap"]); err != nil {
		return nil, err
	}
	if glyf, loca, head := tables["glyf"], tables["loca"], tables["head"]; glyf != nil && loca != nil && head != nil {
		format, err := u16(head, 50) // indexToLocFormat
		if err != nil {
			return nil, err
		}
		f.outline = func(gid uint32) bool {
			var a, b uint32
			var err1, err2 error
			if format == 0 {
				var x, y uint16
				x, err1 = u16(loca, int(gid)*2)
				y, err2 = u16(loca, int(gid)*2+2)
				a, b = uint32(x)*2, uint32(y)*2
			} else {
				a, err1 = u32(loca, int(gid)*4)
				b, err2 = u32(loca, int(gid)*4+4)
			}
			return err1 == nil && err2 == nil && b > a && b <= uint32(len(glyf))
		}
	}
	return f, nil
}

// pickCmap chooses a full-Unicode format 12 subtable if there is one, else a
// BMP format 4 one.
func (f *sfntFont) pickCmap(cmap []byte) error {
	if cmap == nil {
		return errors.New("no cmap table")
	}
	n, err := u16(cmap, 2)
	if err != nil {
		return err
	}
	for i := 0; i < int(n); i++ {
		platform, _ := u16(cmap, 4+8*i)
		encoding, _ := u16(cmap, 4+8*i+2)
		off, err := u32(cmap, 4+8*i+4)
		if err != nil || int(off) >= len(cmap) {
			return errFont
		}
		unicodeTable := platform == 0 || (platform == 3 && (encoding == 1 || encoding == 10))
		format, err := u16(cmap, int(off))
		if err != nil {
			return err
		}
		if !unicodeTable || (format != 4 && format != 12) || (f.cmap != nil && f.format >= format) {
			continue
		}
		f.cmap, f.format = cmap[off:], format
	}
	if f.cmap == nil {
		return errors.New("no Unicode cmap subtable of format 4 or 12")
	}
	return nil
}

// glyph returns the glyph index for r, 0 when the font has none.
func (f *sfntFont) glyph(r rune) uint32 {
	t := f.cmap
	if f.format == 12 {
		groups, err := u32(t, 12)
		if err != nil {
			return 0
		}
		for i := 0; i < int(groups); i++ {
			start, _ := u32(t, 16+12*i)
			end, _ := u32(t, 16+12*i+4)
			gid, err := u32(t, 16+12*i+8)
			if err != nil {
				return 0
			}
			if uint32(r) >= start && uint32(r) <= end {
				return gid + uint32(r) - start
			}
		}
		return 0
	}
	if r > 0xffff {
		return 0
	}
	segX2, err := u16(t, 6)
	if err != nil {
		return 0
	}
	segs := int(segX2)
	for i := 0; i < segs/2; i++ {
		end, _ := u16(t, 14+2*i)
		start, _ := u16(t, 16+segs+2*i)
		delta, _ := u16(t, 16+2*segs+2*i)
		roPos := 16 + 3*segs + 2*i
		ro, err := u16(t, roPos)
		if err != nil {
			return 0
		}
		if uint16(r) < start || uint16(r) > end {
			continue
		}
		if ro == 0 {
			return uint32((uint16(r) + delta) & 0xffff)
		}
		gid, err := u16(t, roPos+int(ro)+2*int(uint16(r)-start))
		if err != nil || gid == 0 {
			return 0
		}
		return uint32((gid + delta) & 0xffff)
	}
	return 0
}

// covers reports whether r maps to a glyph that draws something (spaces and
// format characters only need to map).
func (f *sfntFont) covers(r rune) bool {
	gid := f.glyph(r)
	if gid == 0 {
		return false
	}
	return unicode.IsSpace(r) || !unicode.IsGraphic(r) || f.outline(gid)
}

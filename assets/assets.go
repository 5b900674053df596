// Package assets embeds NetAssist's own files: the application icon, a
// subset of Noto Sans CJK SC that covers the UI's Chinese, the
// translations loaded with fyne's lang.AddTranslationsFS, and (site.go) the
// sample web site served by HTTP server sessions.
//
// The icon is rendered from icon/netassist.svg by scripts/make-icon.sh and the
// font is cut by scripts/make-font.sh; re-run the latter whenever a file in
// translations/ changes (font_test.go fails when a character is missing).
package assets

import (
	"embed"
	"io/fs"

	"fyne.io/fyne/v2"
)

// Icon is the 512×512 PNG application icon (also FyneApp.toml's Icon).
//
//go:embed icon/netassist.png
var Icon []byte

// Font is a TrueType subset of Noto Sans CJK SC Regular: printable ASCII,
// Latin-1, general and CJK punctuation, fullwidth forms and every character
// of the translations. Text outside it falls back to the system fonts.
//
//go:embed fonts/NotoSansSC-NetAssist.ttf
var Font []byte

// FontLicense is the copyright notice and SIL Open Font License of Font,
// for the About box.
//
//go:embed fonts/OFL.txt
var FontLicense string

// TranslationsDir is the directory inside Translations that holds the
// go-i18n flat JSON files (en.json, zh-Hans.json, ...).
const TranslationsDir = "translations"

// Translations holds translations/*.json; load it with
// lang.AddTranslationsFS(assets.Translations, assets.TranslationsDir).
//
//go:embed translations/*.json
var Translations embed.FS

// TranslationsFS is Translations rooted at TranslationsDir, so the JSON
// files are at its top level.
var TranslationsFS fs.FS = mustSub(Translations, TranslationsDir)

var (
	iconResource = fyne.NewStaticResource("netassist.png", Icon)
	fontResource = fyne.NewStaticResource("NotoSansSC-NetAssist.ttf", Font)
)

// IconResource returns Icon as a fyne resource (for App.SetIcon and the About box).
func IconResource() fyne.Resource { return iconResource }

// FontResource returns Font as a fyne resource, for a theme's Font method.
func FontResource() fyne.Resource { return fontResource }

func mustSub(f fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(f, dir)
	if err != nil {
		panic("assets: " + err.Error())
	}
	return sub
}

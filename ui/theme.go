package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"netassist/assets"
)

// appTheme draws the UI's own strings with the bundled CJK subset, so
// Chinese shows even without system CJK fonts; monospace (received data)
// keeps Fyne's glyphs, with a line tall enough for the CJK fallback
// (monofont.go), and falls back to the system's fonts for other scripts.
type appTheme struct {
	variant  fyne.ThemeVariant // 0 follows the system
	fixed    bool
	textSize float32 // receive view; 0 = theme default
}

func (t *appTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	if t.fixed {
		v = t.variant
	}
	return theme.DefaultTheme().Color(n, v)
}

func (t *appTheme) Font(s fyne.TextStyle) fyne.Resource {
	if s.Symbol {
		return theme.DefaultTheme().Font(s)
	}
	if s.Monospace {
		return monoFont()
	}
	return assets.FontResource()
}

func (t *appTheme) Icon(n fyne.ThemeIconName) fyne.Resource { return theme.DefaultTheme().Icon(n) }

func (t *appTheme) Size(n fyne.ThemeSizeName) float32 { return theme.DefaultTheme().Size(n) }

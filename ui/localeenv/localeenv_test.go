package localeenv

import (
	"os"
	"testing"
)

func TestFix(t *testing.T) {
	for _, c := range []struct {
		lcAll, lang, language string
		want                  string // LANGUAGE afterwards
	}{
		{"", "C.UTF-8", "", "en"},
		{"C.utf8", "de_DE.UTF-8", "", "en"},
		{"", "POSIX.UTF-8", "", "en"},
		{"", "C", "", ""},           // plain C: Fyne already says nothing
		{"", "C.UTF-8", "zh", "zh"}, // the user's choice stays
		{"", "zh_CN.UTF-8", "", ""},
		{"", "", "", ""},
	} {
		t.Setenv("LC_ALL", c.lcAll)
		t.Setenv("LC_MESSAGES", "")
		t.Setenv("LANG", c.lang)
		t.Setenv("LANGUAGE", c.language)
		Fix()
		if got := os.Getenv("LANGUAGE"); got != c.want {
			t.Errorf("LC_ALL=%q LANG=%q LANGUAGE=%q: LANGUAGE became %q; want %q", c.lcAll, c.lang, c.language, got, c.want)
		}
	}
}

package ui

import (
	"testing"

	"fyne.io/fyne/v2/lang"
)

// With --lang zh on an English system, Fyne's own words (the file
// dialogs' buttons and columns) are Chinese too, and back with --lang en.
func TestFyneWordsFollowOverride(t *testing.T) {
	t.Cleanup(func() { LoadTranslations("en") })
	if err := LoadTranslations("zh"); err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]string{"Open": "打开", "Cancel": "取消", "Save": "保存"} {
		if got := lang.L(key); got != want {
			t.Errorf("--lang zh: %q is %q; want %q", key, got, want)
		}
	}
	if got := lang.X("file.name", "Name"); got != "名称" {
		t.Errorf("--lang zh: file.name is %q", got)
	}
	if err := LoadTranslations("en"); err != nil {
		t.Fatal(err)
	}
	if got := lang.L("Cancel"); got != "Cancel" {
		t.Errorf("--lang en: Cancel is %q", got)
	}
}

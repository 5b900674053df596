package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// settingsEntry is the Settings dialog's entry showing text.
func settingsEntry(t *testing.T, a *App, text string) *widget.Entry {
	t.Helper()
	for _, o := range test.LaidOutObjects(a.win.Canvas().Overlays().Top()) {
		if e, ok := o.(*widget.Entry); ok && e.Text == text {
			return e
		}
	}
	t.Fatalf("no entry showing %q in Settings", text)
	return nil
}

// A save folder that cannot be made is refused in the user's words, not
// Go's ("mkdir …: not a directory"), and nothing is saved.
func TestSettingsSaveFolderErrorInWords(t *testing.T) {
	a := newTestApp(t)
	file := filepath.Join(t.TempDir(), "a-file")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	a.showSettings()
	settingsEntry(t, a, a.saveDir()).SetText(filepath.Join(file, "sub"))
	test.Tap(dialogButton(t, a, "Save"))
	msg := dialogText(a)
	if !strings.Contains(msg, "Cannot save into") || strings.Contains(msg, "mkdir") || strings.Contains(msg, "not a directory") {
		t.Fatalf("error dialog says %q; want the reason in plain words", msg)
	}
	if got := a.fa.Preferences().String("save.dir"); got != "" {
		t.Fatalf("save.dir saved as %q after the error", got)
	}
}

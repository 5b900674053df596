package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"

	"netassist/netassist"
)

// A window shortcut pressed while a dialog is up (Settings here) must not
// act on the session behind it: Ctrl+W closed the session and Ctrl+S
// started saving it while the user looked at the dialog. The desktop
// driver runs a main-menu shortcut through the menu item's action; the
// test driver through the canvas: both are pressed.
func TestShortcutsWaitForAnOpenDialog(t *testing.T) {
	a := newTestApp(t)
	a.NewPanel(netassist.KindTCPServer)
	mod := fyne.KeyModifierShortcutDefault
	viaMenu := func(k fyne.KeyName) {
		for _, m := range a.win.MainMenu().Items {
			for _, it := range m.Items {
				if sc, ok := it.Shortcut.(*desktop.CustomShortcut); ok && sc.KeyName == k && sc.Modifier == mod {
					it.Action()
					return
				}
			}
		}
		t.Fatalf("no menu item has Ctrl+%s", k)
	}
	viaCanvas := func(k fyne.KeyName) {
		a.win.Canvas().(fyne.Shortcutable).TypedShortcut(&desktop.CustomShortcut{KeyName: k, Modifier: mod})
	}
	a.showSettings()
	dlg := a.win.Canvas().Overlays().Top()
	if dlg == nil {
		t.Fatal("Settings did not open a dialog")
	}
	for _, press := range []func(fyne.KeyName){viaMenu, viaCanvas} {
		press(fyne.KeyW)
		if n := len(a.tabs.Items); n != 1 {
			t.Fatalf("%d session tabs after Ctrl+W behind the Settings dialog, want the 1 there was", n)
		}
		press(fyne.KeyN)
		if n := len(a.tabs.Items); n != 1 {
			t.Fatalf("%d session tabs after Ctrl+N behind the Settings dialog, want the 1 there was", n)
		}
	}

	// With the dialog gone the shortcuts work again.
	a.win.Canvas().Overlays().Remove(dlg)
	viaMenu(fyne.KeyN)
	viaCanvas(fyne.KeyN)
	if n := len(a.tabs.Items); n != 3 {
		t.Fatalf("%d session tabs after two Ctrl+N with no dialog, want 3", n)
	}
}

package ui

import (
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"netassist/assets"
	"netassist/netassist"
)

func (a *App) mainMenu() *fyne.MainMenu {
	mod := fyne.KeyModifierShortcutDefault // Ctrl, or Cmd on macOS
	itemMod := func(label string, key fyne.KeyName, extra fyne.KeyModifier, f func()) *fyne.MenuItem {
		it := fyne.NewMenuItem(label, a.unlessDialog(f))
		if key != "" {
			sc := &desktop.CustomShortcut{KeyName: key, Modifier: mod | extra}
			it.Shortcut = sc
			a.win.Canvas().AddShortcut(sc, func(fyne.Shortcut) { it.Action() })
		}
		return it
	}
	item := func(label string, key fyne.KeyName, f func()) *fyne.MenuItem { return itemMod(label, key, 0, f) }
	session := fyne.NewMenu(T("menu.session", "Session"),
		fyne.NewMenuItemSeparator(),
		item(T("menu.close_session", "Close session"), fyne.KeyW, a.CloseCurrent),
		item(T("menu.next_session", "Next session"), fyne.KeyPageDown, func() { a.selectNext(1) }),
		item(T("menu.prev_session", "Previous session"), fyne.KeyPageUp, func() { a.selectNext(-1) }),
		item(T("menu.clear", "Clear receive view"), fyne.KeyL, a.clearCurrent),
		item(T("menu.pause", "Pause / resume display"), fyne.KeyP, a.pauseCurrent),
		// Shift: Cmd+H hides the application on macOS.
		itemMod(T("menu.text_hex", "Switch text / hex"), fyne.KeyH, fyne.KeyModifierShift, a.textHexCurrent),
		itemMod(T("menu.copy_view", "Copy receive view"), fyne.KeyC, fyne.KeyModifierShift, a.copyViewCurrent),
		item(T("menu.save_traffic", "Save traffic"), fyne.KeyS, a.saveCurrent),
		item(T("menu.open_saved", "Open saved session…"), fyne.KeyO, a.openSavedDialog),
		item(T("menu.export_capture", "Export capture…"), fyne.KeyE, a.exportCurrent),
		fyne.NewMenuItem(T("menu.export_folder", "Export saved folder…"), a.exportFolder),
		fyne.NewMenuItemSeparator(),
		item(T("menu.settings", "Settings…"), fyne.KeyComma, a.showSettings),
		fyne.NewMenuItemSeparator(),
		a.quitItem(item),
	)
	// One "New …" item per kind of the table, in its order, first.
	var news []*fyne.MenuItem
	for _, e := range kinds {
		var extra fyne.KeyModifier
		if e.shift {
			extra = fyne.KeyModifierShift
		}
		news = append(news, itemMod(Tf("menu.new_kind", "New %s", kindTitle(e.kind)), e.key, extra, func() { a.NewPanel(e.kind) }))
	}
	session.Items = append(news, session.Items...)
	help := fyne.NewMenu(T("menu.help", "Help"), fyne.NewMenuItem(T("menu.about", "About NetAssist"), a.showAbout))
	return fyne.NewMainMenu(session, help)
}

// unlessDialog runs f only while no dialog (or pop-up) is up: the driver
// runs a menu item's shortcut past a dialog, on the session behind it.
func (a *App) unlessDialog(f func()) func() {
	return func() {
		if a.win.Canvas().Overlays().Top() == nil {
			f()
		}
	}
}

func (a *App) currentPanel() panel {
	t := a.tabs.Selected()
	if t == nil {
		return nil
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.panels[t]
}

func (a *App) clearCurrent() {
	if p := a.currentPanel(); p != nil {
		p.clearView()
	}
}

// selectNext shows the session tab d places after the current one, going
// round at the ends.
func (a *App) selectNext(d int) {
	n := len(a.tabs.Items)
	if n == 0 {
		return
	}
	a.tabs.SelectIndex(((a.tabs.SelectedIndex()+d)%n + n) % n)
}

// pauseCurrent ticks or unticks "Pause display" of the selected session.
func (a *App) pauseCurrent() {
	if p, ok := a.currentPanel().(recvViewer); ok {
		p.recvViewOf().togglePause()
	}
}

// textHexCurrent switches the selected session's receive view between text
// and hex.
func (a *App) textHexCurrent() {
	if p, ok := a.currentPanel().(recvViewer); ok {
		p.recvViewOf().toggleHex()
	}
}

// saveCurrent toggles "Save traffic" of the selected session.
func (a *App) saveCurrent() {
	if p := a.currentPanel(); p != nil {
		p.toggleSave()
	}
}

func (p *trafficPanel) clearView()            { p.recv.onClear() }
func (p *trafficPanel) recvViewOf() *recvView { return p.recv }

func (a *App) showAbout() {
	v := a.opts.Version
	if v == "" {
		v = a.fa.Metadata().Version
	}
	icon := widget.NewIcon(assets.IconResource())
	text := newWrapLabel(Tf("about.text", "NetAssist %s\nA network debugging assistant: TCP, UDP and HTTP, byte-exact.\nLicence: MIT. The bundled font is Noto Sans SC under the SIL Open Font Licence 1.1.", v))
	content := container.NewBorder(nil, nil, container.NewGridWrap(fyne.NewSize(64, 64), icon), nil, text)
	d := dialog.NewCustom(T("menu.about", "About NetAssist"), T("dlg.close", "Close"), content, a.win)
	d.Resize(fyne.NewSize(520, 200))
	a.escapeHides(d)
	d.Show()
}

// showSettings edits language, theme, receive font size, display buffer
// size, default save folder and session restore.
func (a *App) showSettings() {
	pr := a.fa.Preferences()
	langs := []string{T("set.lang.system", "System"), "中文", "English"}
	langSel := widget.NewSelect(langs, nil)
	switch pr.String("lang") {
	case "zh":
		langSel.SetSelectedIndex(1)
	case "en":
		langSel.SetSelectedIndex(2)
	default:
		langSel.SetSelectedIndex(0)
	}
	themes := []string{T("set.theme.system", "System"), T("set.theme.light", "Light"), T("set.theme.dark", "Dark")}
	themeSel := widget.NewSelect(themes, nil)
	themeSel.SetSelectedIndex(pr.IntWithFallback("theme", 0))
	sizes := []string{"10", "11", "12", "13", "14", "16", "18", "20", "24"}
	fontSel := widget.NewSelect(sizes, nil)
	fontSel.SetSelected(strconv.Itoa(int(a.recvFontSize())))
	rows := widget.NewEntry()
	rows.SetText(strconv.Itoa(a.ringCap()))
	saveDir := widget.NewEntry()
	saveDir.SetText(a.saveDir())
	browse := widget.NewButton(T("set.browse", "Browse…"), func() {
		dialog.ShowFolderOpen(func(u fyne.ListableURI, err error) {
			if err == nil && u != nil {
				saveDir.SetText(u.Path())
			}
		}, a.win)
	})
	restore := widget.NewCheck(T("set.restore", "Restore last sessions on start"), nil)
	restore.SetChecked(pr.BoolWithFallback("sessions.restore", true))
	items := []*widget.FormItem{
		{Text: T("set.lang", "Language"), Widget: langSel, HintText: T("set.lang.hint", "Takes effect after a restart.")},
		{Text: T("set.theme", "Theme"), Widget: themeSel},
		{Text: T("set.fontsize", "Receive view font size"), Widget: fontSel},
		{Text: T("set.rows", "Display buffer (rows)"), Widget: rows},
		{Text: T("set.savedir", "Default save folder"), Widget: container.NewBorder(nil, nil, nil, browse, saveDir)},
		{Text: "", Widget: restore},
	}
	d := dialog.NewForm(T("menu.settings", "Settings…"), T("dlg.save", "Save"), T("dlg.cancel", "Cancel"), items, func(ok bool) {
		if !ok {
			return
		}
		n, err := strconv.Atoi(rows.Text)
		if err != nil || n < 1000 || n > 5000000 {
			a.showError(T("set.rows.bad", "The display buffer must be between 1,000 and 5,000,000 rows."))
			return
		}
		if dir := saveDir.Text; dir != "" {
			// Made and tried as --save does, and said in the user's words
			// (it showed Go's "mkdir …: not a directory").
			if err := netassist.CheckSaveDir(dir); err != nil {
				a.showError(errText(err))
				return
			}
			pr.SetString("save.dir", dir)
		}
		pr.SetInt("display.rows", n)
		fs, _ := strconv.Atoi(fontSel.Selected)
		pr.SetInt("display.fontsize", fs)
		pr.SetString("lang", []string{"", "zh", "en"}[langSel.SelectedIndex()])
		pr.SetInt("theme", themeSel.SelectedIndex())
		pr.SetBool("sessions.restore", restore.Checked)
		a.applyThemePref()
		for _, p := range a.Panels() {
			if v, ok := p.(viewSettable); ok {
				v.setRingCap(n)
				v.setFontSize(float32(fs))
			}
		}
	}, a.win)
	a.escapeHides(d)
	d.Show()
}

func (p *trafficPanel) setRingCap(n int) { p.recv.ring.SetCap(n); p.recv.list.Refresh() }

// applyThemePref applies the theme choice: 0 system, 1 light, 2 dark.
func (a *App) applyThemePref() {
	switch a.fa.Preferences().IntWithFallback("theme", 0) {
	case 1:
		a.theme.fixed, a.theme.variant = true, theme.VariantLight
	case 2:
		a.theme.fixed, a.theme.variant = true, theme.VariantDark
	default:
		a.theme.fixed = false
	}
	a.fa.Settings().SetTheme(&appTheme{fixed: a.theme.fixed, variant: a.theme.variant})
}

// quitItem closes the window (which ends every session cleanly) on Ctrl+Q,
// asking first when live work would be lost.
func (a *App) quitItem(item func(string, fyne.KeyName, func()) *fyne.MenuItem) *fyne.MenuItem {
	q := item(T("menu.quit", "Quit"), fyne.KeyQ, a.requestQuit)
	q.IsQuit = true
	return q
}

func (p *trafficPanel) setFontSize(size float32) { p.recv.setFontSize(size) }

// recvFontSize is the receive view's text size (Settings), 13 by default.
func (a *App) recvFontSize() float32 {
	return float32(a.fa.Preferences().IntWithFallback("display.fontsize", 13))
}

package main

import (
	"maps"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
)

// newApp makes the Fyne app with FyneApp.toml's fyneDo migration on.
//
// The metadata in FyneApp.toml reaches a binary only through `fyne
// package`; one from a plain `go build` (make build, the tests, the bench)
// runs without it, and then Fyne checks the goroutine of every widget
// refresh by formatting a stack trace: a tenth of the app's CPU while the
// HTTP request list follows wrk. NetAssist calls Fyne only on the main
// goroutine (through fyne.Do), which is what the migration declares.
func newApp(id string) fyne.App {
	a := app.NewWithID(id)
	m := a.Metadata()
	if !m.Migrations["fyneDo"] {
		m.Migrations = maps.Clone(m.Migrations)
		if m.Migrations == nil {
			m.Migrations = map[string]bool{}
		}
		m.Migrations["fyneDo"] = true
		app.SetMetadata(m)
	}
	return a
}

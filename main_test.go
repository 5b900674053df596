package main

import "testing"

// A binary from a plain go build has no packaged metadata: the app still
// runs with FyneApp.toml's fyneDo migration, so Fyne does not format a
// stack trace on every widget refresh to check its goroutine.
func TestNewAppDeclaresFyneDo(t *testing.T) {
	// Out of the source folder, where Fyne's development fallback would
	// read FyneApp.toml, as an installed binary runs.
	t.Chdir(t.TempDir())
	a := newApp("io.github.netassist.test")
	if !a.Metadata().Migrations["fyneDo"] {
		t.Fatal("fyneDo migration off")
	}
}

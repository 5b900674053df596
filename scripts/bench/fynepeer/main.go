// Command fynepeer is the benchmark's start-up and idle-CPU peer: the
// smallest Fyne window (one label), built with the same toolkit version as
// NetAssist, so `make bench` can report NetAssist's figures as ratios.
package main

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/widget"
)

func main() {
	a := app.NewWithID("io.github.netassist.benchpeer")
	w := a.NewWindow("FynePeer")
	w.SetContent(widget.NewLabel("A bare Fyne window: the benchmark's peer."))
	w.Resize(fyne.NewSize(1280, 800))
	w.ShowAndRun()
}

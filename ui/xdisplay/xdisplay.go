// Package xdisplay asks the X server whether there is a display before the
// window is made, and tells when the display goes away under a running
// window. Without it, a missing display ends in a GLFW panic, and a lost
// one in Xlib's exit(1) from inside the event loop, skipping every flush of
// saved traffic.
//
// It imports no Fyne package. On systems without X11 (Windows, macOS, a
// Wayland build) Check always succeeds and OnLost does nothing.
package xdisplay

import "sync/atomic"

var lost atomic.Pointer[func()]

// OnLost sets f to run when the connection to the X server breaks. f runs
// on the goroutine that was talking to X (the main one) and must not
// return: Xlib exits the process when it does.
func OnLost(f func()) {
	lost.Store(&f)
	watch()
}

// displayLost is called by the Xlib I/O error handler.
func displayLost() {
	if f := lost.Load(); f != nil {
		(*f)()
	}
}

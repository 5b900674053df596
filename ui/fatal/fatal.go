// Package fatal reports a failure that happens before (or instead of) the main
// window: on Windows, where a GUI-subsystem program has no console, it shows a
// message box; elsewhere it writes to standard error.
//
// It imports no Fyne package, so it works when the GUI itself failed to start.
package fatal

import (
	"fmt"
	"io"
	"os"
	"runtime/debug"
)

// stderr is where non-dialog reports go; tests replace it.
var stderr io.Writer = os.Stderr

// exit ends the process after Recover reported a panic; tests replace it.
var exit = os.Exit

// Show reports a fatal error to the user: a modal error dialog on Windows,
// a line on standard error elsewhere. It returns once the user has seen it
// (on Windows: dismissed the dialog). It does not exit.
func Show(title, msg string) {
	show(title, msg)
}

// Recover, used as `defer fatal.Recover("NetAssist")` at the top of main,
// turns a panic into a Show dialog (message and stack) and exits with status 2.
// Without a panic it does nothing. Panics in other goroutines are not seen.
func Recover(title string) {
	r := recover()
	if r == nil {
		return
	}
	Show(title, fmt.Sprintf("%s stopped because of an internal error:\n\n%v\n\n%s", title, r, debug.Stack()))
	exit(2)
}

func writeStderr(title, msg string) {
	fmt.Fprintf(stderr, "%s: %s\n", title, msg)
}

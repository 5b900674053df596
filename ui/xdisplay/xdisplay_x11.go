//go:build linux && !wayland

package xdisplay

/*
#cgo LDFLAGS: -lX11
int netassistCanOpenDisplay(void);
void netassistWatchIOErrors(void);
*/
import "C"

import "errors"

// ErrNoDisplay means no X server answers on $DISPLAY.
var ErrNoDisplay = errors.New("no display")

// Check opens and closes a connection to the X server named by $DISPLAY.
func Check() error {
	if C.netassistCanOpenDisplay() == 0 {
		return ErrNoDisplay
	}
	return nil
}

func watch() { C.netassistWatchIOErrors() }

//export netassistDisplayLost
func netassistDisplayLost() { displayLost() }

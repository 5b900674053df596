//go:build windows

package fatal

import (
	"syscall"
	"unsafe"
)

// user32.dll is a KnownDLL, so Windows always loads it from System32.
var messageBoxW = syscall.NewLazyDLL("user32.dll").NewProc("MessageBoxW")

const (
	mbOK            = 0x00000000
	mbIconError     = 0x00000010
	mbTaskModal     = 0x00002000
	mbSetForeground = 0x00010000
	mbTopmost       = 0x00040000
)

// show opens a modal MessageBoxW with no owner window. A console (when there
// is one, e.g. `go run`) also gets the text.
func show(title, msg string) {
	writeStderr(title, msg)
	t, err1 := syscall.UTF16PtrFromString(title)
	m, err2 := syscall.UTF16PtrFromString(msg)
	if err1 != nil || err2 != nil { // a NUL inside the text
		t, _ = syscall.UTF16PtrFromString("NetAssist")
		m, _ = syscall.UTF16PtrFromString("A fatal error occurred; see the log file.")
	}
	if messageBoxW.Find() != nil {
		return
	}
	messageBoxW.Call(0, uintptr(unsafe.Pointer(m)), uintptr(unsafe.Pointer(t)),
		mbOK|mbIconError|mbTaskModal|mbSetForeground|mbTopmost)
}

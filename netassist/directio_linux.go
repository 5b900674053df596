package netassist

import (
	"os"
	"syscall"
)

// setDirectIO turns O_DIRECT on or off for f (Linux allows changing it on
// an open file with F_SETFL).
func setDirectIO(f *os.File, on bool) error {
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var opErr error
	err = rc.Control(func(fd uintptr) {
		flags, _, e := syscall.Syscall(syscall.SYS_FCNTL, fd, syscall.F_GETFL, 0)
		if e != 0 {
			opErr = e
			return
		}
		if on {
			flags |= syscall.O_DIRECT
		} else {
			flags &^= syscall.O_DIRECT
		}
		if _, _, e := syscall.Syscall(syscall.SYS_FCNTL, fd, syscall.F_SETFL, flags); e != 0 {
			opErr = e
		}
	})
	if err != nil {
		return err
	}
	return opErr
}

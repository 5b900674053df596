//go:build !windows

package netassist

import (
	"errors"
	"syscall"
)

// tryWrite writes as much of data as the socket takes now and returns how
// much that was; it never waits (the socket is non-blocking under Go's
// poller, and EAGAIN ends the attempt). An error is left for the queue's
// writer to meet and report.
func (c *Conn) tryWrite(data []byte) int {
	rc, err := c.c.SyscallConn()
	if err != nil {
		return 0
	}
	n := 0
	rc.Write(func(fd uintptr) bool {
		for n < len(data) {
			m, err := syscall.Write(int(fd), data[n:])
			if m > 0 {
				n += m
			}
			if errors.Is(err, syscall.EINTR) {
				continue
			}
			if err != nil || m <= 0 {
				break
			}
		}
		return true // done either way: never wait for the poller
	})
	return n
}

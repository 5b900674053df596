package netassist

import (
	"bufio"
	"bytes"
	"os"
	"strconv"
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

// cacheFull tells whether the system holds as much unwritten file data as
// it lets pile up before writing it out in the background (nr_dirty plus
// nr_writeback against nr_dirty_background_threshold in /proc/vmstat).
// Past that point buffered writers soon wait for the disk.
func cacheFull() bool {
	f, err := os.Open("/proc/vmstat")
	if err != nil {
		return false
	}
	defer f.Close()
	var dirty, limit int64
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, val, ok := bytes.Cut(sc.Bytes(), []byte{' '})
		if !ok {
			continue
		}
		switch string(name) {
		case "nr_dirty", "nr_writeback":
			n, _ := strconv.ParseInt(string(val), 10, 64)
			dirty += n
		case "nr_dirty_background_threshold":
			limit, _ = strconv.ParseInt(string(val), 10, 64)
		}
	}
	return limit > 0 && dirty >= limit
}

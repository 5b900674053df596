package server

import (
	"net"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The event loop's sockets never wait (non-blocking), so its reads,
// writes, accepts and closes go to the kernel without telling Go's
// scheduler, as syscall.RawSyscall does. Told, the scheduler may give the
// loop's P to another thread during the call and make the loop wait for
// one after it: with a connection per request, thousands of thread
// wakeups a second beside the client.

func rawErr(e unix.Errno) error {
	if e == 0 {
		return nil
	}
	return e
}

func rawRead(fd int, p []byte) (int, error)  { return rawRW(unix.SYS_READ, fd, p) }
func rawWrite(fd int, p []byte) (int, error) { return rawRW(unix.SYS_WRITE, fd, p) }

// rawRW is read or write (trap) of p.
func rawRW(trap uintptr, fd int, p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	n, _, e := unix.RawSyscall(trap, uintptr(fd), uintptr(unsafe.Pointer(&p[0])), uintptr(len(p)))
	if e != 0 {
		return 0, e
	}
	return int(n), nil
}

// rawClose closes a socket without SO_LINGER set, which returns at once.
func rawClose(fd int) error {
	_, _, e := unix.RawSyscall(unix.SYS_CLOSE, uintptr(fd), 0, 0)
	return rawErr(e)
}

func rawSetsockoptInt(fd, level, opt, v int) error {
	x := int32(v)
	_, _, e := unix.RawSyscall6(unix.SYS_SETSOCKOPT, uintptr(fd), uintptr(level), uintptr(opt), uintptr(unsafe.Pointer(&x)), 4, 0)
	return rawErr(e)
}

// rawAccept4 accepts from a non-blocking listening socket; raddr is the
// client's address as Go's accept words it.
func rawAccept4(lfd, flags int) (fd int, raddr net.Addr, err error) {
	var rsa unix.RawSockaddrAny
	n := uint32(unix.SizeofSockaddrAny)
	r, _, e := unix.RawSyscall6(unix.SYS_ACCEPT4, uintptr(lfd), uintptr(unsafe.Pointer(&rsa)), uintptr(unsafe.Pointer(&n)), uintptr(flags), 0, 0)
	if e != 0 {
		return -1, nil, e
	}
	return int(r), rawTCPAddr(&rsa), nil
}

// rawGetsockname is the socket's own address, as Go words it.
func rawGetsockname(fd int) net.Addr {
	var rsa unix.RawSockaddrAny
	n := uint32(unix.SizeofSockaddrAny)
	if _, _, e := unix.RawSyscall(unix.SYS_GETSOCKNAME, uintptr(fd), uintptr(unsafe.Pointer(&rsa)), uintptr(unsafe.Pointer(&n))); e != 0 {
		return &net.TCPAddr{}
	}
	return rawTCPAddr(&rsa)
}

func rawTCPAddr(rsa *unix.RawSockaddrAny) net.Addr {
	switch rsa.Addr.Family {
	case unix.AF_INET:
		a := (*unix.RawSockaddrInet4)(unsafe.Pointer(rsa))
		p := (*[2]byte)(unsafe.Pointer(&a.Port))
		return &net.TCPAddr{IP: append(net.IP(nil), a.Addr[:]...), Port: int(p[0])<<8 | int(p[1])}
	case unix.AF_INET6:
		a := (*unix.RawSockaddrInet6)(unsafe.Pointer(rsa))
		p := (*[2]byte)(unsafe.Pointer(&a.Port))
		zone := ""
		if a.Scope_id != 0 {
			if ifi, err := net.InterfaceByIndex(int(a.Scope_id)); err == nil {
				zone = ifi.Name
			}
		}
		return &net.TCPAddr{IP: append(net.IP(nil), a.Addr[:]...), Port: int(p[0])<<8 | int(p[1]), Zone: zone}
	}
	return &net.TCPAddr{}
}

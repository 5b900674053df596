package netassist

import (
	"context"
	"errors"
	"net"
	"runtime"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// A connect the peer never answers (its backlog is full, so Linux drops
// the SYN) ends as soon as the window cancels it, with nothing left open.
func TestTCPClientStartContextCancel(t *testing.T) {
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer syscall.Close(fd)
	syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}})
	if err := syscall.Listen(fd, 0); err != nil {
		t.Fatal(err)
	}
	sa, _ := syscall.Getsockname(fd)
	addr := "127.0.0.1:" + strconv.Itoa(sa.(*syscall.SockaddrInet4).Port)
	first, err := net.Dial("tcp", addr) // fills the backlog
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()

	base := runtime.NumGoroutine()
	h, _ := newHub("c")
	c := NewTCPClient(Config{Kind: KindTCPClient, Remote: addr, ConnectTimeout: time.Minute}, h)
	ctx, cancel := context.WithCancel(context.Background())
	res := make(chan error, 1)
	go func() { res <- c.StartContext(ctx) }()
	select {
	case err := <-res:
		t.Fatalf("connect ended before the cancel: %v", err)
	case <-time.After(200 * time.Millisecond):
	}
	cancel()
	err = <-res
	if !errors.Is(err, context.Canceled) || c.Conn() != nil {
		t.Fatalf("err %v, conn %v", err, c.Conn())
	}
	if errText := err.Error(); errText == "" {
		t.Fatal("empty error text")
	}
	if evs, _ := h.Feed.Drain(); len(evs) != 0 {
		t.Fatalf("events after a cancelled connect: %+v", evs)
	}
	waitGoroutines(t, base)
}
